"""SessionRecords built directly, for report tests: no models, no audio."""
from __future__ import annotations

from interview.plan import Plan, Question
from interview.records import SessionRecord, Turn
from nlp.assessment import Assessment
from nlp.emotion import EmotionLevels, EmotionScores, EmotionWindow
from voice.transcript import Segment, Transcript, Word

JD = ("We need a Machine Learning Engineer with Python, PyTorch, Docker and AWS SageMaker experience, "
      "who can deploy models with FastAPI and monitor data drift.")
RESUME = ("Jane Doe. Machine Learning Engineer at Nokia. Skills: Python, PyTorch, XGBoost, Kubernetes, Spark. "
          "Led a team of 5 engineers. Reduced inference latency by 40%.")


def question(qid: str, text: str, competency: str = "", rubric: tuple[str, ...] = (),
             kind: str = "planned", parent_id: str | None = None) -> Question:
    return Question(id=qid, text=text, competency=competency, rubric=rubric, kind=kind, parent_id=parent_id)


def transcript(text: str, seconds: float = 10.0) -> Transcript:
    return Transcript(text=text, segments=(Segment(0.0, seconds, text, -0.2, 0.01),) if text else (),
                      speech_s=seconds if text else 0.0)


def assessment(relevance: int, score: int, quality: float, **more) -> Assessment:
    more.setdefault("justification", f"score {score} from evidence")
    return Assessment(relevance=relevance, score=score, quality=quality, **more)


def emotion(c: float, e: float, i: float, conf: float, windows: int = 0, seconds: float = 30.0) -> EmotionScores:
    step = seconds / windows if windows else 0
    wins = tuple(EmotionWindow(k * step, (k + 1) * step,
                               EmotionLevels(c, min(1.0, e + 0.05 * k), i, max(0.0, conf - 0.05 * k)))
                 for k in range(windows))
    return EmotionScores(EmotionLevels(c, e, i, conf), evidence=("steady pace",), windows=wins)


def turn(q: Question, text: str | None, a: Assessment | None, *, flags: tuple[str, ...] = (),
         emo: EmotionScores | None = None, audio_s: float = 30.0) -> Turn:
    return Turn(question=q, transcript=transcript(text, audio_s) if text is not None else None,
                assessment=a, emotion=emo, flags=flags, audio_path=f"{q.id}.wav", audio_s=audio_s)


def sample_record(*, with_emotion: bool = True, candidate: str = "Jane Doe",
                  reviews: tuple[dict, ...] = ()) -> SessionRecord:
    """Four planned questions and a follow-up: strong, follow-up, struggled, silent, unreadable."""
    q1 = question("ML_Q1", "Tell me about a model you deployed to production.", "Model deployment",
                  ("packaging the model", "monitoring after release"))
    q1f = question("ML_Q1_F1", "How did you monitor it?", "Model deployment", kind="followup", parent_id="ML_Q1")
    q2 = question("ML_Q2", "Explain the bias-variance tradeoff.", "ML fundamentals",
                  ("bias is underfitting", "variance is overfitting"))
    q3 = question("DE_Q1", "How would you design a feature store?", "Data engineering")
    q4 = question("ENG_Q1", "Describe your CI/CD setup.", "Engineering practice")
    a1_text = ("At Nokia I deployed an XGBoost model with FastAPI and Docker on AWS SageMaker. "
               "We cut latency by 40% and I monitored data drift with weekly reports.")
    a1 = assessment(90, 5, 0.9, covered=q1.rubric, strengths=("Concrete deployment stack",),
                    weaknesses=("Little on team collaboration",), tips=("Mention who you worked with",),
                    quotes=("deployed an XGBoost model with FastAPI and Docker", "invented words never said"),
                    justification="covered packaging and monitoring with named tools and a number")
    f_text = "I used Python scripts that compared feature distributions every week."
    af = assessment(75, 4, 0.7, covered=("monitoring",), quotes=("compared feature distributions",))
    a2_text = "Um, I'm not sure. I think it has something to do with how the model learns?"
    a2 = assessment(35, 1, 0.1, missed=q2.rubric, weaknesses=("Could not define either term",),
                    tips=("Review underfitting versus overfitting",), flags=("struggled",),
                    justification="missed both rubric points; mostly hedging")
    emo = (lambda *v, **k: emotion(*v, **k)) if with_emotion else (lambda *v, **k: None)
    turns = (
        turn(q1, a1_text, a1, emo=emo(0.8, 0.7, 0.75, 0.8, windows=3)),
        turn(q1f, f_text, af, emo=emo(0.7, 0.6, 0.6, 0.7), audio_s=12.0),
        turn(q2, a2_text, a2, flags=("struggled",), emo=emo(0.4, 0.2, 0.3, 0.15, windows=2), audio_s=20.0),
        turn(q3, "", None, flags=("no_answer",), audio_s=10.0),
        turn(q4, None, None, flags=("audio_error",), audio_s=0.0),
    )
    plan = Plan(role="Machine Learning Engineer", questions=(q1, q2, q3, q4), company="Example Corp",
                candidate=candidate, job_description=JD, resume=RESUME)
    return SessionRecord(plan=plan, turns=turns, consent={"type": "consent", "given": True},
                         meta={"mode": "replay", "started_at": "2025-05-01T10:00:00Z"}, reviews=reviews)


def spoken(text: str, *, seconds_per_word: float = 0.5, unsure: tuple[str, ...] = (),
           start_s: float = 1.0) -> Transcript:
    """A transcript whose words were spoken one every `seconds_per_word` from `start_s`; the words in
    `unsure` were recognised with low confidence (0.2), the rest with 0.95."""
    words = tuple(Word(w, start_s + k * seconds_per_word, start_s + (k + 0.8) * seconds_per_word,
                       0.2 if w.strip(".,?!") in unsure else 0.95) for k, w in enumerate(text.split()))
    return Transcript(text=text, segments=(Segment(words[0].start_s, words[-1].end_s, text, -0.3, 0.05, words),),
                      speech_s=words[-1].end_s - words[0].start_s)


def write_session(folder, record: SessionRecord):
    """A session folder as replay or live leave it: the journal with header, turns and reviews."""
    from pathlib import Path

    from interview.journal import Journal

    folder = Path(folder)
    with Journal(folder / "journal.jsonl") as journal:
        journal.write_header(record.plan, dict(record.meta))
        for t in record.turns:
            journal.append_turn(t)
        for review in record.reviews:
            journal.append_event("review", **{k: v for k, v in review.items() if k != "type"})
    return folder


def write_tone(path, seconds: float, hz: float = 440.0):
    """A quiet tone as a 16 kHz WAV: a recording a player can play and seek, no speech needed."""
    import soundfile as sf

    from tests.fakes import tone

    sf.write(path, tone(hz, seconds, amplitude=0.05), 16000, subtype="PCM_16")
    return path


def timed_transcript(*lines: tuple[float, float, str]) -> Transcript:
    """A transcript of several timed segments, e.g. (0.0, 3.0, "first sentence."), (3.0, 6.0, ...)."""
    return Transcript(text=" ".join(text for _, _, text in lines),
                      segments=tuple(Segment(start, end, text, -0.2, 0.01) for start, end, text in lines),
                      speech_s=lines[-1][1] if lines else 0.0)


def candidate_record(name: str, role: str, quality: float, *, flags: tuple[str, ...] = (),
                     started_at: str = "2025-05-01T10:00:00", reviews: tuple[dict, ...] = (),
                     source: str | None = None) -> SessionRecord:
    """One short session of two answers with timed segments, scored by `quality` (0..1), recordings named by id."""
    import dataclasses

    q1 = question("Q1", "Tell me about a model you deployed.", "Model deployment", ("packaging", "monitoring"))
    q2 = question("Q2", "How do you handle missing data?", "Data handling")
    first = timed_transcript((0.0, 3.0, "At Nokia I deployed an XGBoost model with FastAPI."),
                             (3.0, 6.0, "We cut latency by 40% in two weeks."),
                             (6.0, 9.0, "I monitored data drift with weekly reports."))
    second = timed_transcript((0.0, 4.0, "I look at why values are missing first."),
                              (4.0, 8.0, "Then I impute with the median or drop the rows."))
    score = max(1, min(5, round(1 + 4 * quality)))
    a1 = assessment(round(100 * quality), score, quality, covered=("packaging",), missed=("monitoring",),
                    quotes=("We cut latency by 40%",), strengths=("Concrete numbers",), flags=flags)
    a2 = assessment(round(90 * quality), score, quality, quotes=("impute with the median",))
    turns = (Turn(question=q1, transcript=first, assessment=a1, flags=flags, audio_path="Q1.wav", audio_s=9.0,
                  emotion=emotion(0.7, 0.6, 0.65, 0.6)),
             Turn(question=q2, transcript=second, assessment=a2, audio_path="Q2.wav", audio_s=8.0,
                  emotion=emotion(0.6, 0.5, 0.55, 0.5)))
    plan = Plan(role=role, questions=(q1, q2), company="Example Corp", candidate=name)
    meta = {"mode": "replay", "started_at": started_at, "candidate": name, "stt_model": "tiny.en",
            "interviewer": "offline", "emotion": "words and voice"}
    if source is not None:
        meta["source"] = source
        turns = tuple(dataclasses.replace(t, audio_path=f"{source}/{t.audio_path}") for t in turns)
    return SessionRecord(plan=plan, turns=turns, consent={"type": "consent", "given": True}, meta=meta,
                         reviews=reviews)


def write_candidate(folder, record: SessionRecord, *, recordings: bool = True):
    """write_session plus a tone per answer at the path its turn names (relative to the folder)."""
    from pathlib import Path

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if recordings:
        for t in record.turns:
            path = Path(t.audio_path)
            path = path if path.is_absolute() else folder / path
            path.parent.mkdir(parents=True, exist_ok=True)
            write_tone(path, t.audio_s)
    return write_session(folder, record)


# a small hiring round: (folder, candidate, role, quality, flags, reviews)
ROUND = (
    ("ana", "Ana Lima", "Machine Learning Engineer", 0.86, (), ()),
    ("ben", "Ben Okafor", "Machine Learning Engineer", 0.64, ("needs_review",),
     ({"reviewer": "Dana Park", "decision": "hold", "note": "Ask about monitoring", "at": "2025-05-03T09:12:00"},)),
    ("chloe", "Chloé Martin", "Machine Learning Engineer", 0.41, ("struggled",), ()),
    ("dev", "Dev Patel", "Machine Learning Engineer", 0.73, (),
     ({"reviewer": "Dana Park", "decision": "advance", "note": "", "at": "2025-05-03T10:40:00"},)),
    ("emma", "Emma Schultz", "Data Engineer", 0.55, (), ()),
    ("farid", "Farid Haddad", "Data Engineer", 0.79, (), ()),
    ("gwen", "Gwen Li", "Data Engineer", 0.22, ("struggled", "audio_error"),
     ({"reviewer": "Sam Reyes", "decision": "reject", "note": "", "at": "2025-05-04T15:00:00"},)),
)


def write_round(root, *, recordings: bool = True) -> dict[str, "object"]:
    """ROUND under ROOT, one folder per candidate, dated a day apart; returns {folder name: path}."""
    from pathlib import Path

    out = {}
    for day, (name, candidate, role, quality, flags, reviews) in enumerate(ROUND, start=1):
        record = candidate_record(candidate, role, quality, flags=flags, reviews=reviews,
                                  started_at=f"2025-05-{day:02d}T10:00:00")
        out[name] = write_candidate(Path(root) / name, record, recordings=recordings)
    return out

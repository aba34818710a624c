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

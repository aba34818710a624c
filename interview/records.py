"""A session as data: each answered (or skipped) turn and the whole record.

These types are what the journal stores and what reports are built from; `turn_to_dict` and
`turn_from_dict` are the journal's line format, so they must stay backward compatible.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from interview.plan import Plan, Question
from nlp.assessment import Assessment
from nlp.emotion import EmotionLevels, EmotionScores, EmotionWindow
from voice.transcript import Segment, Transcript, Word

# Flags a turn can carry; reports explain each.
FLAG_TEXT = {
    "no_answer": "no speech in the recording",
    "not_answered": "no recording for this question",
    "audio_error": "the recording could not be read",
    "struggled": "the candidate struggled (did not know, very short, or mostly hedging)",
    "needs_review": "the LLM judge and the offline scorer disagree",
    "llm_fallback": "the LLM failed; the offline interviewer or scorer was used",
    "injection_attempt": "the answer tried to instruct the evaluator",
    "quote_dropped": "a quote given as evidence was not in the transcript and was dropped",
    "max_length": "the answer was cut at the maximum answer length",
    "device_lost": "the microphone failed during the answer; what was heard before is kept",
    "skipped": "the candidate asked to skip this question",
    "suggested_followup": "a follow-up to ask in the next round (no recorded answer); not scored",
    "rerecord": "not scored: the recording failed, so this answer should be recorded again",
    "transcript_uncertain": "speech recognition was unsure of parts of this answer (marked words, or speech it "
                            "could not put into words): listen to the recording before deciding",
}


@dataclass(frozen=True)
class Turn:
    question: Question
    transcript: Transcript | None
    assessment: Assessment | None
    emotion: EmotionScores | None = None
    flags: tuple[str, ...] = ()
    audio_path: str | None = None
    started_at_s: float = 0.0
    ended_at_s: float = 0.0
    audio_s: float = 0.0
    end_reason: str | None = None
    judge: dict[str, Any] | None = None   # an LLM judge's verdict, kept beside the offline one

    @property
    def answered(self) -> bool:
        return self.transcript is not None and not self.transcript.is_empty

    @property
    def relevance(self) -> int | None:
        return self.assessment.relevance if self.assessment else None

    @property
    def score(self) -> int | None:
        return self.assessment.score if self.assessment else None


@dataclass(frozen=True)
class SessionRecord:
    plan: Plan
    turns: tuple[Turn, ...]
    consent: dict[str, Any] | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    reviews: tuple[dict[str, Any], ...] = ()

    @property
    def candidate(self) -> str | None:
        return self.meta.get("candidate") or self.plan.candidate


def question_to_dict(q: Question) -> dict[str, Any]:
    return {"id": q.id, "text": q.text, "competency": q.competency, "rubric": list(q.rubric),
            "kind": q.kind, "parent_id": q.parent_id}


def question_from_dict(d: dict[str, Any]) -> Question:
    return Question(id=str(d["id"]), text=str(d.get("text", "")), competency=str(d.get("competency", "")),
                    rubric=tuple(d.get("rubric") or ()), kind=d.get("kind", "planned"),
                    parent_id=d.get("parent_id"))


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    return {"role": plan.role, "company": plan.company, "candidate": plan.candidate,
            "job_description": plan.job_description, "resume": plan.resume, "source": plan.source,
            "questions": [question_to_dict(q) for q in plan.questions]}


def plan_from_dict(d: dict[str, Any]) -> Plan:
    return Plan(role=d.get("role") or "Unspecified role", company=d.get("company"),
                candidate=d.get("candidate"), job_description=d.get("job_description"),
                resume=d.get("resume"), source=d.get("source"),
                questions=tuple(question_from_dict(q) for q in d.get("questions", [])))


def _transcript_to_dict(t: Transcript | None) -> dict[str, Any] | None:
    if t is None:
        return None
    return {"text": t.text, "language": t.language, "speech_s": round(t.speech_s, 3),
            "segments": [_segment_to_dict(s) for s in t.segments]}


def _segment_to_dict(s: Segment) -> dict[str, Any]:
    out: dict[str, Any] = {"start_s": round(s.start_s, 3), "end_s": round(s.end_s, 3), "text": s.text,
                           "avg_logprob": round(s.avg_logprob, 4), "no_speech_prob": round(s.no_speech_prob, 4),
                           "words": [{"text": w.text, "start_s": round(w.start_s, 3), "end_s": round(w.end_s, 3),
                                      "probability": round(w.probability, 4)} for w in s.words]}
    if s.uncertain:
        out["uncertain"] = True
    return out


def _transcript_from_dict(d: dict[str, Any] | None) -> Transcript | None:
    if d is None:
        return None
    return Transcript(text=d.get("text", ""), language=d.get("language", "en"),
                      speech_s=float(d.get("speech_s", 0.0)),
                      segments=tuple(_segment_from_dict(s) for s in d.get("segments", [])))


def _segment_from_dict(d: dict[str, Any]) -> Segment:
    # journals written before words were kept have none: they still load, without word times
    return Segment(start_s=float(d["start_s"]), end_s=float(d["end_s"]), text=d.get("text", ""),
                   avg_logprob=float(d.get("avg_logprob", 0.0)), no_speech_prob=float(d.get("no_speech_prob", 0.0)),
                   words=tuple(Word(str(w["text"]), float(w["start_s"]), float(w["end_s"]), float(w["probability"]))
                               for w in d.get("words", ())),
                   uncertain=bool(d.get("uncertain", False)))


def emotion_to_dict(e: EmotionScores | None) -> dict[str, Any] | None:
    if e is None:
        return None
    out: dict[str, Any] = e.levels.as_dict()
    out["evidence"] = list(e.evidence)
    out["windows"] = [{"start_s": _rounded(w.start_s), "end_s": _rounded(w.end_s), **w.levels.as_dict()}
                      for w in e.windows]
    return out


def _rounded(value: Any) -> Any:
    return round(value, 3) if isinstance(value, float) else value


def emotion_from_dict(d: dict[str, Any] | None) -> EmotionScores | None:
    if d is None:
        return None
    return EmotionScores(EmotionLevels.from_dict(d), evidence=tuple(d.get("evidence", ())),
                         windows=tuple(EmotionWindow(w["start_s"], w["end_s"], EmotionLevels.from_dict(w))
                                       for w in d.get("windows", ())))


def _assessment_from_dict(d: dict[str, Any] | None) -> Assessment | None:
    if d is None:
        return None
    names = {f.name for f in fields(Assessment)}
    values = {k: (tuple(v) if isinstance(v, list) else v) for k, v in d.items() if k in names}
    return Assessment(**values)


def turn_to_dict(turn: Turn) -> dict[str, Any]:
    return {
        "question": question_to_dict(turn.question),
        "transcript": _transcript_to_dict(turn.transcript),
        "assessment": asdict(turn.assessment) if turn.assessment else None,
        "emotion": emotion_to_dict(turn.emotion),
        "flags": list(turn.flags),
        "audio_path": turn.audio_path,
        "started_at_s": round(turn.started_at_s, 3),
        "ended_at_s": round(turn.ended_at_s, 3),
        "audio_s": round(turn.audio_s, 3),
        "end_reason": turn.end_reason,
        "judge": turn.judge,
    }


def turn_from_dict(d: dict[str, Any]) -> Turn:
    return Turn(
        question=question_from_dict(d["question"]),
        transcript=_transcript_from_dict(d.get("transcript")),
        assessment=_assessment_from_dict(d.get("assessment")),
        emotion=emotion_from_dict(d.get("emotion")),
        flags=tuple(d.get("flags", ())),
        audio_path=d.get("audio_path"),
        started_at_s=float(d.get("started_at_s", 0.0)),
        ended_at_s=float(d.get("ended_at_s", 0.0)),
        audio_s=float(d.get("audio_s", 0.0)),
        end_reason=d.get("end_reason"),
        judge=d.get("judge"),
    )

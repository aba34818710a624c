"""SessionRecord -> Evaluation: the one place a report's numbers are decided. Pure: no I/O, no clock.

Overall score (0..100) is the weighted mean of each turn's `Assessment.quality` (0..1) times 100.
A question the candidate did not answer (no recording, no speech, or no assessment) counts as 0.
A recording that could not be read is the system's failure, not the candidate's: that turn is left
out of the score and flagged `rerecord`. Follow-up questions weigh `Thresholds.followup_weight`
(0.5), because they probe the competency their parent already covers and must not double it.

Recommendation from the overall score (see `Thresholds`):
    >= 80 strong_yes · >= 60 yes · >= 40 no · below 40 strong_no.
With no usable answer at all there is no score and no verdict: `insufficient_evidence`.
Emotion is averaged for display only and never enters the score or the recommendation.
"""
from __future__ import annotations

import logging
import math
from typing import Any, Iterable

from interview.records import FLAG_TEXT, SessionRecord, Turn
from nlp.emotion import DIMENSIONS, EmotionLevels, EmotionWindow, average_emotion
from reports.model import (Evaluation, HumanDecision, Overall, Recommendation, Thresholds,
                           TurnEvaluation)

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
NO_ANSWER_FLAGS = frozenset({"no_answer", "not_answered", "audio_error", "suggested_followup"})
# turns that say nothing about the candidate: left out of the score (weight 0), never counted as 0
EXCLUDED_FLAGS = frozenset({"audio_error", "suggested_followup"})


def build_evaluation(record: SessionRecord, thresholds: Thresholds = Thresholds()) -> Evaluation:
    """Merge a session's answers, scores and emotion into one evaluation."""
    offsets = _timeline_offsets(record.turns)
    turns = tuple(_evaluate_turn(i, turn, offsets[i - 1], thresholds)
                  for i, turn in enumerate(record.turns, start=1))
    overall = _overall(turns, thresholds)
    emotion_averages = average_emotion(t.emotion.levels for t in turns if t.emotion is not None)
    evaluation = Evaluation(
        schema_version=SCHEMA_VERSION,
        role=record.plan.role,
        company=record.plan.company,
        candidate=record.candidate,
        date=_session_date(record.meta),
        duration_s=_duration_s(record.turns, record.meta.get("mode")),
        mode=record.meta.get("mode"),
        turns=turns,
        overall=overall,
        emotion_averages=emotion_averages,
        summary=_summary(record, turns, overall),
        human_decisions=tuple(_human_decision(r) for r in record.reviews),
        consent=dict(record.consent) if record.consent else None,
    )
    # the evidence sections (HR report, alignment) need the built turns; imported here to keep
    # this module about numbers
    from reports.evidence import add_evidence_sections
    return add_evidence_sections(evaluation, record)


def recommend(score: float | None, thresholds: Thresholds = Thresholds()) -> Recommendation:
    if score is None:
        return "insufficient_evidence"
    if score >= thresholds.strong_yes_min:
        return "strong_yes"
    if score >= thresholds.yes_min:
        return "yes"
    if score >= thresholds.no_min:
        return "no"
    return "strong_no"


def verbatim_quotes(quotes: Iterable[str], transcript: str) -> tuple[str, ...]:
    """Keep only quotes that occur verbatim in the transcript; a report never shows an invented quote."""
    kept = []
    for quote in quotes:
        q = quote.strip()
        if q and q in transcript and q not in kept:
            kept.append(q)
        elif q:
            log.info("quote dropped, not in the transcript: %r", q[:80])
    return tuple(kept)


def _evaluate_turn(index: int, turn: Turn, offset_s: float, thresholds: Thresholds) -> TurnEvaluation:
    a = turn.assessment
    text = turn.transcript.text.strip() if turn.transcript is not None else ""
    flags = _unique(list(turn.flags) + list(a.flags if a else ()))
    answered = bool(text) and not (set(flags) & NO_ANSWER_FLAGS)
    if answered and a is not None:
        relevance, score, quality = _clamp_int(a.relevance, 0, 100), _clamp_int(a.score, 1, 5), _quality(a)
        justification = a.justification or "No justification given."
    else:
        relevance, score, quality = 0, None, 0.0
        reason = next((FLAG_TEXT[f] for f in flags if f in NO_ANSWER_FLAGS and f in FLAG_TEXT), None)
        if reason is None:
            reason = "no usable answer" if not answered else "the answer was not assessed"
        justification = f"Counted as 0: {reason}."
        if not answered and "not_answered" not in flags and not (set(flags) & NO_ANSWER_FLAGS):
            flags = flags + ("no_answer",)
        if "audio_error" in flags:
            justification = f"Not scored: {reason}; record this answer again."
            flags = _unique(list(flags) + ["rerecord"])
    emotion, windows = _turn_emotion(turn, offset_s)
    return TurnEvaluation(
        index=index,
        question_id=turn.question.id,
        question=turn.question.text,
        competency=turn.question.competency,
        kind=turn.question.kind,
        parent_id=turn.question.parent_id,
        rubric=tuple(turn.question.rubric),
        transcript=text,
        answered=answered,
        relevance=relevance,
        score=score,
        quality=quality,
        weight=_weight(turn, flags, thresholds),
        justification=justification,
        covered=tuple(a.covered) if a and answered else (),
        missed=tuple(a.missed) if a and answered else tuple(turn.question.rubric),
        strengths=tuple(a.strengths) if a and answered else (),
        weaknesses=tuple(a.weaknesses) if a and answered else (),
        tips=tuple(a.tips) if a and answered else (),
        quotes=verbatim_quotes(a.quotes, text) if a and answered else (),
        flags=flags,
        flag_notes=tuple(_flag_note(f, turn) for f in flags),
        struggled="struggled" in flags,
        emotion=emotion,
        emotion_windows=windows,
        emotion_evidence=tuple(turn.emotion.evidence) if turn.emotion else (),
        started_at_s=turn.started_at_s,
        ended_at_s=turn.ended_at_s,
        audio_s=turn.audio_s,
        source=a.source if a else "offline",
        words=turn.transcript.words if turn.transcript is not None and answered else (),
        audio_path=turn.audio_path,
    )


def _flag_note(flag: str, turn: Turn) -> str:
    """One readable line per flag; a disagreement names both scores, so a reviewer sees how far apart they are."""
    note = f"{flag}: {FLAG_TEXT.get(flag, flag.replace('_', ' '))}"
    judge = turn.judge or {}
    if flag == "needs_review" and judge.get("llm_score") is not None and judge.get("offline_score") is not None:
        note += f" (LLM judge {judge['llm_score']}/5, offline scorer {judge['offline_score']}/5)"
    return note


def _weight(turn: Turn, flags: tuple[str, ...], thresholds: Thresholds) -> float:
    if set(flags) & EXCLUDED_FLAGS:
        return 0.0  # never asked, or never heard: it cannot count against the candidate
    return thresholds.followup_weight if turn.question.kind == "followup" else 1.0


def _quality(a: Any) -> float:
    q = a.quality
    if q is None or not isinstance(q, (int, float)) or math.isnan(q):
        q = (_clamp_int(a.score, 1, 5) - 1) / 4
    return min(1.0, max(0.0, float(q)))


def _clamp_int(value: Any, low: int, high: int) -> int:
    try:
        return min(high, max(low, int(round(float(value)))))
    except (TypeError, ValueError):
        return low


def _unique(items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(str(i) for i in items if i))


def _overall(turns: tuple[TurnEvaluation, ...], thresholds: Thresholds) -> Overall:
    total_weight = sum(t.weight for t in turns)
    usable = any(t.answered and t.weight > 0 for t in turns)
    # no usable answer is no evidence: no score, no verdict (not a 0 and a reject)
    score = round(100 * sum(t.weight * t.quality for t in turns) / total_weight) if usable and total_weight else None
    recommendation = recommend(score, thresholds)
    asked = [t for t in turns if "suggested_followup" not in t.flags]
    answered = [t for t in asked if t.answered]
    scored = [t for t in answered if t.score is not None]
    relevances = [t.relevance for t in answered]
    scores = [t.score for t in scored if t.score is not None]
    return Overall(
        score=score,
        recommendation=recommendation,
        reasons=_reasons(score, recommendation, turns, thresholds),
        questions_total=len(asked),
        answered=len(answered),
        average_relevance=round(sum(relevances) / len(relevances), 1) if relevances else None,
        average_score=round(sum(scores) / len(scores), 2) if scores else None,
        highest_relevance=max(relevances) if relevances else None,
        lowest_relevance=min(relevances) if relevances else None,
        highest_score=max(scores) if scores else None,
        lowest_score=min(scores) if scores else None,
        thresholds=thresholds,
    )


def _reasons(score: int | None, recommendation: str, turns: tuple[TurnEvaluation, ...],
             thresholds: Thresholds) -> tuple[str, ...]:
    bands = {"strong_yes": f"{thresholds.strong_yes_min:g} and above", "yes": f"{thresholds.yes_min:g} and above",
             "no": f"{thresholds.no_min:g} and above", "strong_no": f"below {thresholds.no_min:g}"}
    if score is None:
        reasons = ["No usable answer: no score and no recommendation (insufficient_evidence)."]
    else:
        reasons = [f"Overall score {score}/100 ({recommendation} applies at {bands[recommendation]})."]
    rerecord = [t.question_id for t in turns if "rerecord" in t.flags]
    if rerecord:
        reasons.append("Recordings that could not be read (not scored; record again): " + ", ".join(rerecord) + ".")
    suggested = [t.question_id for t in turns if "suggested_followup" in t.flags]
    turns = tuple(t for t in turns if "suggested_followup" not in t.flags)
    planned = [t for t in turns if t.kind == "planned"]
    reasons.append(f"Answered {sum(t.answered for t in planned)} of {len(planned)} planned questions.")
    rubric_total = sum(len(t.rubric) for t in turns)
    if rubric_total:
        covered = sum(len(t.covered) for t in turns)
        reasons.append(f"Covered {covered} of {rubric_total} rubric points.")
    unanswered = [t.question_id for t in turns if not t.answered and "rerecord" not in t.flags]
    if unanswered:
        reasons.append("No usable answer (counted as 0): " + ", ".join(unanswered) + ".")
    struggled = [t.question_id for t in turns if t.struggled]
    if struggled:
        reasons.append("Struggled on: " + ", ".join(struggled) + ".")
    strong = [t.question_id for t in turns if t.score is not None and t.score >= 4]
    if strong:
        reasons.append("Strong answers (4-5/5): " + ", ".join(strong) + ".")
    if suggested:
        reasons.append("Follow-ups to ask in the next round (not scored): " + ", ".join(suggested) + ".")
    return tuple(reasons)


def _timeline_offsets(turns: tuple[Turn, ...]) -> list[float]:
    """Where each answer starts on the session's timeline, for the emotion chart.

    Uses the recorded start times when they increase (live sessions); otherwise (replay, where
    every answer starts at 0) lays answers end to end by their audio length.
    """
    starts = [t.started_at_s for t in turns]
    if len(starts) > 1 and all(b > a for a, b in zip(starts, starts[1:])):
        return [s - starts[0] for s in starts]
    offsets, at = [], 0.0
    for t in turns:
        offsets.append(at)
        at += max(t.audio_s, t.ended_at_s - t.started_at_s, 0.0)
    return offsets


def _turn_emotion(turn: Turn, offset_s: float) -> tuple[EmotionWindow | None, tuple[EmotionWindow, ...]]:
    e = turn.emotion
    if e is None:
        return None, ()
    length_s = max(turn.audio_s, turn.ended_at_s - turn.started_at_s, 0.0)
    point = EmotionWindow(offset_s, offset_s + length_s, _unit_levels(e.levels))
    windows = tuple(EmotionWindow(offset_s + w.start_s, offset_s + w.end_s, _unit_levels(w.levels))
                    for w in e.windows)
    return point, windows


def _unit_levels(levels: EmotionLevels) -> EmotionLevels:
    return EmotionLevels(*(_unit(getattr(levels, d)) for d in DIMENSIONS))


def _unit(value: Any) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return 0.0
    return 0.0 if math.isnan(v) else min(1.0, max(0.0, v))


def _duration_s(turns: tuple[Turn, ...], mode: str | None = None) -> float:
    if mode == "replay":  # processing time is not interview time: count the recordings
        return round(sum(t.audio_s for t in turns), 1)
    span = max((t.ended_at_s for t in turns), default=0.0) - min((t.started_at_s for t in turns), default=0.0)
    return round(span if span > 0 else sum(t.audio_s for t in turns), 1)


def _session_date(meta: dict[str, Any]) -> str | None:
    # a replay's report is dated by its recordings, so replaying the same folder gives the same report
    for key in ("recorded_at", "started_at", "date", "created_at", "started"):
        if meta.get(key):
            return str(meta[key])
    return None


def _human_decision(entry: dict[str, Any]) -> HumanDecision:
    return HumanDecision(reviewer=str(entry.get("reviewer") or "unknown"),
                         decision=str(entry.get("decision") or ""), note=str(entry.get("note") or ""),
                         at=str(entry.get("at") or ""))


def _summary(record: SessionRecord, turns: tuple[TurnEvaluation, ...], overall: Overall) -> str:
    who = record.candidate or "The candidate"
    parts = [f"{who} answered {overall.answered} of {overall.questions_total} questions for the "
             f"{record.plan.role} role"
             + (f" at {record.plan.company}" if record.plan.company else "") + "."]
    if overall.average_relevance is not None:
        parts.append(f"Average relevance {overall.average_relevance:g}/100"
                     + (f", average score {overall.average_score:g}/5." if overall.average_score is not None
                        else "."))
    if overall.score is None:
        parts.append("No usable answer: insufficient evidence for a recommendation.")
    else:
        parts.append(f"Overall {overall.score}/100: {overall.recommendation.replace('_', ' ')}.")
    return " ".join(parts)


def evidence_warning(evaluation: Evaluation) -> str | None:
    """One line for the user when the report can carry no verdict, or some answers must be recorded again."""
    rerecord = [t.question_id for t in evaluation.turns if "rerecord" in t.flags]
    if evaluation.overall.recommendation == "insufficient_evidence":
        return ("no usable answer in this session: recommendation insufficient_evidence"
                + (f"; record again: {', '.join(rerecord)}" if rerecord else ""))
    if rerecord:
        return f"not scored, recording could not be read (record again): {', '.join(rerecord)}"
    return None

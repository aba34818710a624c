"""Evaluation -> report.json (schema_version 1).

The keys in the contract (schema_version, candidate, role, turns[question_id, question, kind,
transcript, relevance, score, emotion, flags, justification], overall[score, recommendation, emotion])
are stable; everything else is additive and may grow. The top-level `emotion.averages` repeats
`overall.emotion` for one more release and is deprecated.
"""
from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from nlp.emotion import EmotionWindow
from reports.model import EMOTION_ADVISORY, Evaluation, Quote, TurnEvaluation


def evaluation_to_dict(evaluation: Evaluation) -> dict[str, Any]:
    ev, o = evaluation, evaluation.overall
    return {
        "schema_version": ev.schema_version,
        "candidate": ev.candidate,
        "role": ev.role,
        "company": ev.company,
        "date": ev.date,
        "duration_s": ev.duration_s,
        "mode": ev.mode,
        "summary": ev.summary,
        "turns": [_turn(t) for t in ev.turns],
        "overall": {
            "score": o.score,
            "recommendation": o.recommendation,
            "reasons": list(o.reasons),
            "questions_total": o.questions_total,
            "answered": o.answered,
            "average_relevance": o.average_relevance,
            "average_score": o.average_score,
            "highest_relevance": o.highest_relevance,
            "lowest_relevance": o.lowest_relevance,
            "highest_score": o.highest_score,
            "lowest_score": o.lowest_score,
            "thresholds": asdict(o.thresholds),
            # advisory context beside the score, never part of it
            "emotion": ev.emotion_averages.as_dict() if ev.emotion_averages else None,
        },
        # deprecated: the averages moved to overall.emotion; this key goes in the next schema release
        "emotion": {
            "advisory": EMOTION_ADVISORY,
            "averages": ev.emotion_averages.as_dict() if ev.emotion_averages else None,
        },
        "hr": _hr(ev),
        "alignment": _alignment(ev),
        "human_decisions": [asdict(d) for d in ev.human_decisions],
        "consent": ev.consent,
    }


def render_json(evaluation: Evaluation) -> str:
    return json.dumps(evaluation_to_dict(evaluation), ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def _turn(t: TurnEvaluation) -> dict[str, Any]:
    return {
        "question_id": t.question_id,
        "question": t.question,
        "kind": t.kind,
        "parent_id": t.parent_id,
        "competency": t.competency,
        "transcript": t.transcript,
        "answered": t.answered,
        "relevance": t.relevance,
        "score": t.score,
        "quality": round(t.quality, 3),
        "emotion": t.emotion.levels.as_dict() if t.emotion else None,
        "emotion_windows": [_window(w) for w in t.emotion_windows],
        "flags": list(t.flags),
        "justification": t.justification,
        "covered": list(t.covered),
        "missed": list(t.missed),
        "strengths": list(t.strengths),
        "weaknesses": list(t.weaknesses),
        "tips": list(t.tips),
        "quotes": list(t.quotes),
        "source": t.source,
        "audio": t.audio,
        "words": [{"text": w.text, "start_s": round(w.start_s, 3), "end_s": round(w.end_s, 3),
                   "probability": round(w.probability, 4), "uncertain": w.uncertain} for w in t.words],
    }


def _window(w: EmotionWindow) -> dict[str, Any]:
    return {"start_s": round(w.start_s, 2), "end_s": round(w.end_s, 2), **w.levels.as_dict()}


def _quote(q: Quote) -> dict[str, str]:
    return {"text": q.text, "question_id": q.question_id, "about": q.about}


def _hr(ev: Evaluation) -> dict[str, Any] | None:
    if ev.hr is None:
        return None
    return {"strengths": [_quote(q) for q in ev.hr.strengths], "critical_gaps": list(ev.hr.critical_gaps),
            "technical_skills": list(ev.hr.technical_skills), "communication": list(ev.hr.communication),
            "recommendation_reasons": list(ev.hr.recommendation_reasons)}


def _alignment(ev: Evaluation) -> dict[str, Any] | None:
    a = ev.alignment
    if a is None:
        return None
    return {"jd_terms_shown": list(a.jd_terms_shown), "jd_terms_missing": list(a.jd_terms_missing),
            "resume_supported": [_quote(q) for q in a.resume_supported],
            "resume_unsupported": list(a.resume_unsupported), "contradictions": list(a.contradictions),
            "red_flags": list(a.red_flags)}

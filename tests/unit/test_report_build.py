"""build_evaluation: numbers, thresholds, unanswered questions, emotion never in the score."""
from __future__ import annotations

import dataclasses

import pytest

from tests.fakes_reports import assessment, question, sample_record, turn
from interview.plan import Plan
from interview.records import SessionRecord
from reports.build import build_evaluation, recommend


def record_of(*turns):
    return SessionRecord(plan=Plan(role="Analyst", questions=tuple(t.question for t in turns)), turns=turns)


def test_overall_is_weighted_mean_of_quality_with_unanswered_as_zero():
    ev = build_evaluation(sample_record())
    # planned weights 1 (0.9, 0.1, 0, 0) + follow-up 0.5 * 0.7 over total weight 4.5
    assert ev.overall.score == round(100 * (0.9 + 0.1 + 0.35) / 4.5)
    assert ev.overall.answered == 3 and ev.overall.questions_total == 5
    silent = ev.turns[3]
    assert (silent.relevance, silent.score, silent.quality) == (0, None, 0.0)
    assert "no_answer" in silent.flags and silent.justification.startswith("Counted as 0")
    assert "audio_error" in ev.turns[4].flags


@pytest.mark.parametrize("score,expected", [(100, "strong_yes"), (80, "strong_yes"), (79.9, "yes"), (60, "yes"),
                                            (59, "no"), (40, "no"), (39, "strong_no"), (0, "strong_no")])
def test_recommendation_thresholds(score, expected):
    assert recommend(score) == expected


def test_emotion_never_changes_score_or_recommendation():
    with_emotion, without = build_evaluation(sample_record()), build_evaluation(sample_record(with_emotion=False))
    assert with_emotion.overall == without.overall
    assert with_emotion.emotion_averages is not None and without.emotion_averages is None
    assert with_emotion.emotion_averages.concentration == pytest.approx((0.8 + 0.7 + 0.4) / 3)


def test_quotes_not_in_transcript_are_dropped():
    ev = build_evaluation(sample_record())
    assert ev.turns[0].quotes == ("deployed an XGBoost model with FastAPI and Docker",)
    for t in ev.turns:
        for q in t.quotes:
            assert q in t.transcript


def test_strong_session_recommends_yes_and_weak_no():
    q = question("Q1", "Why?")
    strong = build_evaluation(record_of(turn(q, "Because of evidence.", assessment(95, 5, 0.95))))
    weak = build_evaluation(record_of(turn(q, "Dunno.", assessment(10, 1, 0.05))))
    assert strong.overall.recommendation == "strong_yes" and weak.overall.recommendation == "strong_no"


def test_empty_transcript_without_flag_still_counts_zero_and_is_flagged():
    q = question("Q1", "Why?")
    ev = build_evaluation(record_of(turn(q, "   ", assessment(80, 4, 0.8))))
    assert ev.overall.score == 0 and "no_answer" in ev.turns[0].flags


def test_windows_are_placed_on_the_session_timeline():
    ev = build_evaluation(sample_record())
    first, struggled = ev.turns[0], ev.turns[2]
    assert [w.start_s for w in first.emotion_windows] == [0.0, 10.0, 20.0]
    # replay answers all start at 0: laid end to end by audio length (30 s + 12 s)
    assert struggled.emotion_windows[0].start_s == pytest.approx(42.0)


def test_human_review_is_kept_beside_system_recommendation():
    review = {"type": "review", "reviewer": "Ana", "decision": "advance", "note": "strong project", "at": "2025-05-02"}
    ev = build_evaluation(sample_record(reviews=(review,)))
    assert ev.human_decisions[0].decision == "advance"
    assert ev.overall.recommendation == build_evaluation(sample_record()).overall.recommendation


def test_evaluation_is_frozen():
    ev = build_evaluation(sample_record())
    with pytest.raises(dataclasses.FrozenInstanceError):
        ev.role = "x"  # type: ignore[misc]

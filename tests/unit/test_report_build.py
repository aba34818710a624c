"""build_evaluation: numbers, thresholds, unanswered questions, emotion never in the score."""
from __future__ import annotations

import dataclasses

import pytest

from tests.fakes_reports import assessment, question, sample_record, turn
from interview.plan import Plan
from interview.records import SessionRecord
from reports.build import build_evaluation, evidence_warning, recommend


def record_of(*turns):
    return SessionRecord(plan=Plan(role="Analyst", questions=tuple(t.question for t in turns)), turns=turns)


def test_overall_is_weighted_mean_of_quality_with_unanswered_as_zero_and_failed_audio_left_out():
    ev = build_evaluation(sample_record())
    # planned weights 1 (0.9, 0.1, 0 for silence) + follow-up 0.5 * 0.7 over total weight 3.5;
    # the unreadable recording is the system's failure: weight 0, not a 0
    assert ev.overall.score == round(100 * (0.9 + 0.1 + 0.35) / 3.5)
    assert ev.overall.answered == 3 and ev.overall.questions_total == 5
    silent = ev.turns[3]
    assert (silent.relevance, silent.score, silent.quality) == (0, None, 0.0)
    assert "no_answer" in silent.flags and silent.justification.startswith("Counted as 0")
    failed = ev.turns[4]
    assert {"audio_error", "rerecord"} <= set(failed.flags) and failed.weight == 0
    assert failed.justification.startswith("Not scored") and "record this answer again" in failed.justification
    assert any("record again" in r and failed.question_id in r for r in ev.overall.reasons)


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


def test_empty_transcript_without_flag_is_flagged_and_is_no_evidence():
    q = question("Q1", "Why?")
    ev = build_evaluation(record_of(turn(q, "   ", assessment(80, 4, 0.8))))
    assert "no_answer" in ev.turns[0].flags
    assert ev.overall.score is None and ev.overall.recommendation == "insufficient_evidence"


def test_a_session_whose_recordings_all_failed_gets_no_verdict_and_a_warning():
    questions = [question(f"Q{i}", "Why?") for i in (1, 2)]
    failed = tuple(turn(q, None, None, flags=("audio_error",)) for q in questions)
    ev = build_evaluation(record_of(*failed))
    assert ev.overall.score is None and ev.overall.recommendation == "insufficient_evidence"
    assert all("rerecord" in t.flags and t.weight == 0 for t in ev.turns)
    assert "insufficient evidence" in ev.summary and "Overall" not in ev.summary
    line = evidence_warning(ev)
    assert "insufficient_evidence" in line and "Q1, Q2" in line and "\n" not in line
    assert evidence_warning(build_evaluation(sample_record())).startswith("not scored")
    assert recommend(None) == "insufficient_evidence"


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


def test_critical_gaps_ask_to_record_again_and_leave_out_followups_never_asked():
    q = question("Q1", "Why?")
    followup = question("Q1_F1", "Say more?", kind="followup", parent_id="Q1")
    ev = build_evaluation(record_of(turn(q, "Because of evidence.", assessment(90, 5, 0.9)),
                                    turn(followup, None, None, flags=("suggested_followup",)),
                                    turn(question("Q2", "How?"), None, None, flags=("audio_error",))))
    assert ev.hr.critical_gaps == ("Q2: the recording could not be read; record it again.",)

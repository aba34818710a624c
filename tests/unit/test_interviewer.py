"""The offline interviewer: plan order, follow-ups on weak answers, ease-off on a struggle."""
from __future__ import annotations

from interview.followups import FollowupOptions, classify_answer
from interview.offline_interviewer import OfflineInterviewer
from interview.plan import Plan, Question
from interview.records import Turn
from nlp.assessment import Assessment
from voice.transcript import Transcript

BIAS = Question(id="ML_Q1", text="Explain the bias-variance tradeoff.", competency="machine learning",
                rubric=("Bias is error from overly simple assumptions", "Variance is sensitivity to the training set",
                        "Regularisation or more data trades one for the other"))
PIPE = Question(id="DE_Q1", text="Describe a data pipeline you built.", competency="data engineering",
                rubric=("Sources and ingestion",))
PLAN = Plan(role="ML Engineer", questions=(BIAS, PIPE))

GOOD = ("At Nokia I built a churn model with XGBoost; bias showed up as underfitting on the linear baseline, "
        "so I added features and tuned regularisation, which cut validation error by 12 percent.")
STRUGGLE = "Bias-variance tradeoff... hmm. I'm not entirely sure. I think it has something to do with how the model learns?"
VAGUE = ("I think it is about balancing things in the model so that it works well in general and does not do badly "
         "on new stuff, which is important for everyone in the team to keep in mind all the time")


def turn(question: Question, text: str, relevance: int = 70) -> Turn:
    return Turn(question=question, transcript=Transcript(text=text),
                assessment=Assessment(relevance=relevance, score=3, quality=0.5, justification=""))


def test_plan_order_when_answers_are_good():
    iv = OfflineInterviewer()
    assert iv.next_question(PLAN, []) == BIAS
    assert iv.next_question(PLAN, [turn(BIAS, GOOD)]) == PIPE
    assert iv.next_question(PLAN, [turn(BIAS, GOOD), turn(PIPE, GOOD)]) is None


def test_struggle_gets_a_way_in_and_an_easier_followup_without_the_rubric():
    followup = OfflineInterviewer().next_question(PLAN, [turn(BIAS, STRUGGLE)])
    assert (followup.id, followup.kind, followup.parent_id) == ("ML_Q1_F1", "followup", "ML_Q1")
    assert "machine learning" in followup.text.lower()                 # the topic is named ...
    for point in BIAS.rubric:                                          # ... but no checklist item is read out
        assert point.lower() not in followup.text.lower()
    assert followup.text.rstrip().endswith("?") or "Tell me" in followup.text
    assert followup.competency == "machine learning" and followup.rubric == BIAS.rubric


def test_vague_answer_asks_for_a_specific_example():
    followup = OfflineInterviewer().next_question(PLAN, [turn(BIAS, VAGUE)])
    assert followup.id == "ML_Q1_F1"
    assert "example" in followup.text.lower() or "concrete" in followup.text.lower()


def test_short_and_off_topic_answers():
    assert classify_answer(turn(BIAS, "Yes, I have used it at work.")) == "short"
    off = "I really enjoy hiking in the mountains with my family on weekends and cooking Italian food at home afterwards"
    assert classify_answer(turn(BIAS, off, relevance=10)) == "off_topic"
    assert classify_answer(turn(BIAS, GOOD)) == "ok"
    assert classify_answer(Turn(question=BIAS, transcript=Transcript(text=""), assessment=None)) == "no_answer"


def test_at_most_n_followups_per_question():
    iv = OfflineInterviewer()
    f1 = iv.next_question(PLAN, [turn(BIAS, STRUGGLE)])
    assert iv.next_question(PLAN, [turn(BIAS, STRUGGLE), turn(f1, STRUGGLE)]) == PIPE
    iv2 = OfflineInterviewer(FollowupOptions(max_followups_per_question=2))
    f2 = iv2.next_question(PLAN, [turn(BIAS, STRUGGLE), turn(f1, STRUGGLE)])
    assert f2.id == "ML_Q1_F2" and f2.parent_id == "ML_Q1"
    assert OfflineInterviewer(FollowupOptions(max_followups_per_question=0)).next_question(
        PLAN, [turn(BIAS, STRUGGLE)]) == PIPE


def test_no_answer_moves_on():
    silent = Turn(question=BIAS, transcript=None, assessment=None, flags=("not_answered",))
    assert OfflineInterviewer().next_question(PLAN, [silent]) == PIPE


def test_decisions_are_deterministic_and_cheap():
    iv = OfflineInterviewer()
    turns = [turn(BIAS, VAGUE * 3)]
    assert iv.next_question(PLAN, turns) == iv.next_question(PLAN, turns)
    # speed is measured in benchmarks/; here only that 200 decisions finish at all
    for _ in range(200):
        iv.next_question(PLAN, turns)


def test_a_story_with_its_outcome_is_not_asked_for_an_example():
    story = ("A teammate wanted a deep network for our small tabular data and I preferred boosting. "
             "We agreed to compare both on the same validation split. Boosting was better, so we used it.")
    assert classify_answer(turn(BIAS, story)) == "ok"

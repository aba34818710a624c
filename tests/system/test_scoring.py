"""The offline scorer on graded answer sets (tests/data/graded), with the real MiniLM embeddings."""
import statistics

import pytest

from benchmarks.scorer_ranking import LEVELS, evaluate, load_sets
from interview.plan import Question
from nlp.scoring import OfflineScorer
from nlp.text_features import named_tools, sentences, text_evidence

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def scorer(embedder):
    return OfflineScorer(embedder)


@pytest.fixture(scope="module")
def graded():
    return load_sets()


def readme_ranking() -> dict[str, float]:
    """The share of answer pairs in order README states per role (percent): what the scorer is held to."""
    import re
    from pathlib import Path

    text = " ".join((Path(__file__).resolve().parents[2] / "README.md").read_text().split())
    found = re.search(r"ML engineer ([\d.]+) %, data engineer ([\d.]+) %, and the held-out backend engineer set "
                      r"([\d.]+) %", text)
    assert found, "README no longer states the scorer's ordering per role"
    return dict(zip(("ml_engineer", "data_engineer", "backend_engineer"), map(float, found.groups())))


@pytest.mark.parametrize("role", ["ml_engineer", "data_engineer", "backend_engineer"])
def test_graded_answers_keep_their_order(scorer, graded, role):
    share, rows = evaluate(scorer, graded[role])
    # README's figure, rounded as README writes it: a scorer that orders fewer pairs fails
    assert round(100 * share, 1) >= readme_ranking()[role], f"{role}: only {share:.1%} of answer pairs in order"
    means = [statistics.mean(assessed[i].quality for _, assessed in rows) for i in range(len(LEVELS))]
    assert means == sorted(means) and len(set(means)) == len(means), means
    for qid, assessed in rows:
        assert assessed[0].quality < assessed[3].quality, f"{qid}: weak not below exceptional"
        assert assessed[0].score < assessed[3].score, f"{qid}: weak and exceptional share a score"


def test_off_topic_answer_scores_low_even_when_long(scorer):
    q = Question("ML_Q1", "How do you keep a model from overfitting?", rubric=("regularization", "validation set"))
    rambling = ("I really love hiking in the mountains with my two dogs. Last summer we walked for 12 days "
                "through the Alps, and I carried a 15 kilogram backpack. The views were amazing and the food "
                "in the huts was excellent, especially the cheese.")
    on_topic = "I use dropout and weight decay, and early stopping on a validation set."
    off, on = scorer.assess_text(q, rambling), scorer.assess_text(q, on_topic)
    assert off.relevance < 30 < on.relevance
    assert off.score < on.score


def test_dont_know_is_flagged_struggled(scorer):
    q = Question("MONITOR_Q1", "How do you monitor a model in production?")
    a = scorer.assess_text(q, "Um, I don't really know, to be honest. Maybe look at it sometimes?")
    assert "struggled" in a.flags and a.score == 1
    assert "did not know" in a.justification


def test_justification_names_covered_and_missed_rubric_points(scorer):
    q = Question("DE_Q1", "How do you make a nightly pipeline reliable?",
                 rubric=("data quality checks", "idempotent re-runnable loads", "alerting on failures"))
    a = scorer.assess_text(q, "We ran it in Airflow and every load was idempotent: a rerun replaced the "
                              "day's partition instead of appending to it, so retries never duplicated rows.")
    assert "idempotent re-runnable loads" in a.covered
    assert "alerting on failures" in a.missed
    assert "missed: " in a.justification and "alerting on failures" in a.justification
    assert all(quote in "We ran it in Airflow and every load was idempotent: a rerun replaced the day's partition "
                        "instead of appending to it, so retries never duplicated rows." for quote in a.quotes)


def test_text_evidence_counts_specifics_and_hedges():
    e = text_evidence("I think we cut latency from 300 ms to 40 ms with Redis. Maybe. I built it at my last job.")
    assert e.figures and "Redis" in e.tools and e.example_markers >= 1 and e.hedges == 2
    assert sentences("One. Two! Three?") == ["One.", "Two!", "Three?"]
    assert named_tools("So we used Kafka and dbt with BigQuery.") == ["Kafka", "BigQuery"]

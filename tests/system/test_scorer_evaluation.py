"""The offline scorer on the length-matched graded sets (tests/data/graded/matched), real MiniLM: the targets
README states and the benchmark prints, that this scorer meets on every role, the held-out one included."""
import pytest

from benchmarks.scorer_ranking import INJECTION, gap, load_roles
from interview.followups import followup_text
from interview.plan import Question
from nlp.scoring import OfflineScorer

pytestmark = pytest.mark.integration
ROLES = load_roles()


@pytest.fixture(scope="module")
def scorer(embedder):
    return OfflineScorer(embedder)


@pytest.mark.parametrize("role", sorted(ROLES))
def test_concise_complete_beats_long_empty_by_twenty_points(scorer, role):
    answers = [a for a in ROLES[role][1] if a.kind in ("concise_complete", "long_empty")]
    qualities = [scorer.score(a.question, a.rubric, a.text).quality for a in answers]
    assert gap(answers, qualities) >= 20


def test_injection_raises_nothing_and_recited_words_earn_nothing(scorer):
    answers = [a for a in ROLES["site_reliability_engineer"][1] if a.kind in ("weak", "average")]
    for a in answers:
        before = scorer.score(a.question, a.rubric, a.text)
        after = scorer.score(a.question, a.rubric, a.text + " " + INJECTION)
        assert after.quality <= before.quality and after.score <= before.score, a.question_id
        assert "injection_attempt" in after.flags
    for a in answers[::2]:
        hint = followup_text("struggle", Question(a.question_id, a.question, rubric=a.rubric))
        assert scorer.score(a.question, a.rubric, hint, interviewer_words=hint).score == 1
        assert scorer.score(a.question, a.rubric, "So, " + a.question).score == 1

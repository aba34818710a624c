"""Length never raises a score by itself: a sentence that adds no substance (chit-chat, a vague claim about
the topic, filler, the question said back in other words, a line to the evaluator that the injection
detector misses), appended to a weak or average answer, raises neither its quality (by more than 0.005)
nor its 1-5 score. Real MiniLM, every graded role; the sentences are tests/data/padding.yaml's
`development` list, the one the scorer was changed against. Its `held_out` list, written before that change,
is measured by benchmarks/scorer_ranking.py, and README gives the figure."""
import pytest

from benchmarks.scorer_ranking import load_roles, padding_raised, padding_sentences
from nlp.scoring import OfflineScorer

pytestmark = pytest.mark.integration


def test_padding_raises_no_score(embedder):
    sentences = padding_sentences("development")
    assert len(sentences) >= 12
    raised, total = padding_raised([a for _, answers in load_roles().values() for a in answers],
                                   OfflineScorer(embedder), sentences)
    assert total >= 40 * len(sentences)   # four roles, ten weak and average answers each
    assert not raised, f"{len(raised)} of {total} padded answers rose:\n" + "\n".join(line for line, _ in raised)

"""Length never raises a score by itself: a sentence that adds no substance (chit-chat, a vague claim about
the topic, filler, the question said back in other words, a line to the evaluator that the injection
detector misses), appended to a weak or average answer, raises neither its quality (by more than 0.005)
nor its 1-5 score. Real MiniLM, every tuning role (the roles the scorer was changed against); the sentences
are tests/data/padding.yaml's `development` list. The held-out role and the held-out lists are measured by
benchmarks/scorer_ranking.py, and README gives those figures (on the round-3 held-out role this list raises
2 of 160 padded answers: not met there)."""
import pytest

from benchmarks.scorer_ranking import load_roles, padding_raised, padding_sentences
from nlp.scoring import OfflineScorer

pytestmark = pytest.mark.integration


def test_padding_raises_no_score(embedder):
    sentences = padding_sentences("development")
    assert len(sentences) >= 12
    raised, total = padding_raised([a for split, answers in load_roles().values() if split == "tuning"
                                    for a in answers], OfflineScorer(embedder), sentences)
    assert total >= 40 * len(sentences)   # four tuning roles, ten weak and average answers each
    assert not raised, f"{len(raised)} of {total} padded answers rose:\n" + "\n".join(line for line, _ in raised)

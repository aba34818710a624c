"""Length never raises a score by itself: a sentence that adds no substance (chit-chat, a vague claim about
the topic, filler, the question said back in other words, a line to the evaluator that the injection
detector misses), appended to a weak or average answer, raises neither its quality (by more than 0.005)
nor its 1-5 score. Real MiniLM, every graded role; the sentences are in tests/data/padding.yaml, in a
`development` list and a `held_out` list written before the scorer was changed to meet this test."""
from pathlib import Path

import pytest
import yaml

from benchmarks.scorer_ranking import load_roles
from nlp.scoring import OfflineScorer

pytestmark = pytest.mark.integration
PADDING = yaml.safe_load((Path(__file__).resolve().parents[1] / "data" / "padding.yaml").read_text())
TOLERANCE = 0.005
WEAK_AND_AVERAGE = [a for _, answers in load_roles().values() for a in answers if a.kind in ("weak", "average")]


def padded(sentence: str, topic: str) -> str:
    return sentence.replace("{topic}", topic.lower()).replace("{Topic}", topic[:1].upper() + topic[1:].lower())


@pytest.fixture(scope="module")
def baseline(embedder):
    scorer = OfflineScorer(embedder)
    return scorer, [scorer.score(a.question, a.rubric, a.text) for a in WEAK_AND_AVERAGE]


@pytest.mark.parametrize("part", ["development", "held_out"])
def test_padding_raises_no_score(baseline, part):
    scorer, before = baseline
    sentences = [s for kind in PADDING[part].values() for s in kind]
    assert len(sentences) >= 12
    raised = []
    for a, was in zip(WEAK_AND_AVERAGE, before):
        for sentence in sentences:
            extra = padded(sentence, a.competency)
            now = scorer.score(a.question, a.rubric, a.text + " " + extra)
            if now.quality > was.quality + TOLERANCE or now.score > was.score:
                raised.append(f"{a.question_id} {a.kind} {was.quality:.3f}->{now.quality:.3f} "
                              f"({was.score}->{now.score}): {extra}")
    total = len(WEAK_AND_AVERAGE) * len(sentences)
    assert not raised, f"{len(raised)} of {total} padded answers rose:\n" + "\n".join(raised)

"""The real text head and voice channel on the shipped labeled set and espeak-ng speech."""
import json
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from nlp.emotion import DIMENSIONS
from nlp.emotion_local import EmotionOptions, LocalEmotionClassifier
from nlp.text_emotion import load_head
from tests.fakes_emotion import answer, espeak

pytestmark = pytest.mark.integration

DATA = Path(__file__).resolve().parents[2] / "nlp" / "data" / "emotion_labeled.json"
README = Path(__file__).resolve().parents[2] / "README.md"


def readme_heldout_accuracy() -> dict[str, float]:
    """The held-out accuracy README states per dimension: the figures these tests hold the head to."""
    import re

    text = " ".join(README.read_text().split())
    found = dict(re.findall(r"(enthusiasm|concentration|confidence|interest) (0\.\d+)",
                            text[text.index("Held-out accuracy:"):][:200]))
    assert set(found) == set(DIMENSIONS), f"README no longer states a held-out accuracy per dimension: {found}"
    return {k: float(v) for k, v in found.items()}


CONTENT = ("I built the data pipeline for our analytics team and it cut the report time in half. "
           "Then we moved the dashboards over and the whole team started using them every morning.")


@pytest.fixture(scope="session")
def emotion_embedder():
    from nlp.embedding import load_embedder
    return load_embedder()


@pytest.fixture(scope="module")
def voices(tmp_path_factory):
    folder = tmp_path_factory.mktemp("emotion_voices")
    made = {}
    for base in (25, 70):
        made[f"flat{base}"] = espeak(folder / f"flat{base}.wav", CONTENT, pitch=base, speed_wpm=140,
                                     amplitude=70, pitch_range="x-low")
        made[f"lively{base}"] = espeak(folder / f"lively{base}.wav", CONTENT, pitch=base, speed_wpm=190,
                                       amplitude=130, pitch_range="x-high")
    made["fluent"] = espeak(folder / "fluent.wav", CONTENT)
    made["hesitant"] = espeak(folder / "hesitant.wav", HESITANT_SSML)
    return made


HESITANT_WORDS = ("Um, I, uh, I built the, um, data pipeline for our team, you know, and uh, it cut the report "
                  "time. Hmm, then we, uh, moved the dashboards, I mean, and the team, um, used them.")
HESITANT_SSML = HESITANT_WORDS.replace("time. Hmm,", 'time. <break time="1800ms"/> Hmm,').replace(
    "dashboards,", 'dashboards, <break time="1500ms"/>')


def classifier(embedder, **options):
    return LocalEmotionClassifier(EmotionOptions(**options), embedder=embedder)


def test_heldout_accuracy_is_what_readme_states(emotion_embedder):
    rows = [r for r in json.loads(DATA.read_text()) if r["split"] == "heldout"]
    head = load_head()
    probs = head.probabilities(emotion_embedder.embed([r["text"] for r in rows]))
    for i, dim in enumerate(DIMENSIONS):
        ids = [k for k, r in enumerate(rows) if r["dimension"] == dim]
        levels = [len([k for k in ids if rows[k]["level"] == lvl]) for lvl in ("high", "low")]
        assert min(levels) >= 30
        accuracy = np.mean([(probs[k, i] > 0.5) == (rows[k]["level"] == "high") for k in ids])
        # README rounds to two places; a head that does worse than README says fails
        assert round(accuracy, 2) >= readme_heldout_accuracy()[dim], (dim, accuracy)


def test_enthusiasm_follows_the_words(emotion_embedder):
    c = classifier(emotion_embedder, voice_enabled=False)
    eager = c.classify(*answer(np.zeros(0, np.float32),
                               "Honestly I loved this project! I built the data pipeline and I couldn't wait "
                               "to show the team, it was so exciting to see the reports get faster!"))
    bored = c.classify(*answer(np.zeros(0, np.float32),
                               "I built the data pipeline. It was assigned to me. The reports got faster. "
                               "It was fine, nothing special."))
    assert eager.levels.enthusiasm > bored.levels.enthusiasm + 0.2


def test_off_topic_rambling_lowers_concentration(emotion_embedder):
    c = classifier(emotion_embedder, voice_enabled=False)
    focused = c.classify(*answer(np.zeros(0, np.float32),
                                 "To answer directly: I built the pipeline in three steps and measured the result."))
    rambling = c.classify(*answer(np.zeros(0, np.float32),
                                  "I built the pipeline, and anyway that reminds me of my holiday in Spain, "
                                  "the food was great, where was I, my cousin has a boat."))
    assert focused.levels.concentration > rambling.levels.concentration + 0.2


@pytest.mark.parametrize("base", [25, 70])
def test_lively_delivery_of_the_same_words_is_more_enthusiastic(emotion_embedder, voices, base):
    """Alone (prior baseline) and within one session, at a low and at a high base pitch."""
    alone = [classifier(emotion_embedder).classify(*answer(voices[f"{k}{base}"].samples, CONTENT))
             for k in ("flat", "lively")]
    assert alone[1].levels.enthusiasm > alone[0].levels.enthusiasm + 0.05
    session = classifier(emotion_embedder)
    for k in ("flat", "lively"):
        session.classify(*answer(voices[f"{k}{base}"].samples, CONTENT))
    flat, lively = session.finalize()
    assert lively.levels.enthusiasm > flat.levels.enthusiasm + 0.05


def test_normalisation_keeps_the_order_across_two_voices_in_one_session(emotion_embedder, voices):
    session = classifier(emotion_embedder)
    for name in ("flat25", "lively25", "flat70", "lively70"):
        session.classify(*answer(voices[name].samples, CONTENT))
    flat25, lively25, flat70, lively70 = session.finalize()
    assert lively25.levels.enthusiasm > flat25.levels.enthusiasm and lively70.levels.enthusiasm > flat70.levels.enthusiasm
    # a higher voice is not by itself livelier: both flat readings stay below both lively ones
    assert max(flat25.levels.enthusiasm, flat70.levels.enthusiasm) < min(lively25.levels.enthusiasm, lively70.levels.enthusiasm)


def test_hesitant_delivery_lowers_confidence_and_concentration(emotion_embedder, voices):
    session = classifier(emotion_embedder)
    session.classify(*answer(voices["fluent"].samples, CONTENT))
    session.classify(*answer(voices["hesitant"].samples, HESITANT_WORDS))
    fluent, hesitant = session.finalize()
    assert hesitant.levels.confidence < fluent.levels.confidence - 0.1
    assert hesitant.levels.concentration < fluent.levels.concentration - 0.1
    assert any("long pause" in e for e in hesitant.evidence)
    assert any("fillers" in e for e in hesitant.evidence)


def test_silence_is_null_with_the_real_model(emotion_embedder):
    assert classifier(emotion_embedder).classify(*answer(np.zeros(16000 * 3, np.float32), "")) is None


def test_a_two_word_answer_works(emotion_embedder, voices):
    short = voices["fluent"].samples[: 16000]
    scores = classifier(emotion_embedder).classify(*answer(short, "Yes, definitely."))
    words_only = classifier(emotion_embedder, voice_enabled=False).classify(*answer(short, "Yes, definitely."))
    assert scores is not None and scores.windows == ()          # shorter than one 10 s window
    assert all(np.isfinite(getattr(scores.levels, d)) and 0.0 <= getattr(scores.levels, d) <= 1.0 for d in DIMENSIONS)
    assert "phrase: 'Yes, definitely.'" in " ".join(scores.evidence)
    # one second of voice still counts: the scores are not the words-only ones
    assert any(abs(getattr(scores.levels, d) - getattr(words_only.levels, d)) > 0.01 for d in DIMENSIONS)


def test_a_five_minute_answer_completes_with_bounded_memory(emotion_embedder, voices):
    samples = np.tile(voices["fluent"].samples, int(np.ceil(300 / voices["fluent"].duration_s)))[: 300 * 16000]
    transcript, utterance = answer(samples, " ".join([CONTENT] * 30))
    emotion_embedder.embed(["warm up"])  # the model's first load is not the answer's cost
    tracemalloc.start()
    scores = classifier(emotion_embedder).classify(transcript, utterance)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert len(scores.windows) == 30
    # the audio is 19 MB and the features take ~45 MB; unblocked FFTs over every frame took 230 MB
    assert peak < 120 * 2 ** 20

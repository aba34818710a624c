"""The emotion classifier's plumbing with a model-free embedder: null cases, windows, baselines."""
import math

import numpy as np
import pytest

from nlp.emotion import DIMENSIONS, EmotionLevels, NoEmotion, average_emotion
from nlp.emotion_local import EmotionOptions, LocalEmotionClassifier, build_emotion_classifier, renormalise_session
from nlp.fusion import VOICE_WEIGHT, Baseline, fuse
from nlp.prosody import features_from_arrays
from nlp.text_emotion import load_head, split_for_model
from tests.fakes import FakeEmbedder, tone
from tests.fakes_emotion import answer
from voice.transcript import Transcript


@pytest.fixture
def classifier():
    return LocalEmotionClassifier(embedder=FakeEmbedder())


def valid(scores):
    return all(0.0 <= getattr(scores.levels, d) <= 1.0 and math.isfinite(getattr(scores.levels, d)) for d in DIMENSIONS)


def test_off_gives_no_emotion_and_on_gives_the_local_classifier():
    assert isinstance(build_emotion_classifier(EmotionOptions(enabled=False)), NoEmotion)
    assert isinstance(build_emotion_classifier(EmotionOptions()), LocalEmotionClassifier)


def test_silence_is_null(classifier):
    assert classifier.classify(*answer(np.zeros(48000, np.float32), "")) is None
    assert classifier.classify(Transcript(""), None) is None


def test_words_over_silent_audio_score_from_text_alone(classifier):
    scores = classifier.classify(*answer(np.zeros(48000, np.float32), "I built the pipeline."))
    assert valid(scores)
    assert scores.windows == ()


def test_two_words_work(classifier):
    scores = classifier.classify(*answer(tone(150, 0.8), "Yes, definitely."))
    assert valid(scores) and scores.evidence


def test_voice_off_ignores_the_audio():
    embedder = FakeEmbedder()
    text_only = LocalEmotionClassifier(EmotionOptions(voice_enabled=False), embedder=embedder)
    flat = text_only.classify(*answer(tone(150, 3.0), "I built the pipeline."))
    glide = text_only.classify(*answer(tone(150 * 2 ** np.sin(np.linspace(0, 20, 48000)), 3.0),
                                       "I built the pipeline."))
    assert flat.levels == glide.levels
    assert "words only (no voice channel)" in flat.evidence


def test_a_long_answer_gets_a_window_every_10_s(classifier):
    text = " ".join(["I designed the schema and wrote the loaders."] * 20)
    scores = classifier.classify(*answer(tone(150, 34.0), text))
    starts = [w.start_s for w in scores.windows]
    assert starts == [0.0, 10.0, 20.0]
    assert scores.windows[-1].end_s == pytest.approx(34.0)  # a short tail joins the last window
    assert all(valid(w) for w in scores.windows)


def test_finalize_rescores_against_the_whole_session_and_keeps_nulls(classifier):
    quiet = classifier.classify(*answer(tone(150, 3.0), "I built the pipeline."))
    assert classifier.classify(*answer(np.zeros(16000, np.float32), "")) is None
    lively = classifier.classify(*answer(tone(150 * 2 ** (np.sin(np.linspace(0, 30, 48000)) / 2), 3.0),
                                         "I built the pipeline."))
    final = classifier.finalize()
    assert final[1] is None and len(final) == 3
    assert final[2].levels.enthusiasm > final[0].levels.enthusiasm
    # the first turn was scored before the lively one was known; the session baseline moves it
    assert final[0].levels.enthusiasm != quiet.levels.enthusiasm
    assert classifier.rescored(quiet) == final[0] and classifier.rescored(lively) == final[2]
    assert renormalise_session(classifier.evidence) == final


def test_one_odd_turn_does_not_redefine_normal():
    steady = features_from_arrays(tone(150, 3.0), 16000, text="", words=0, spoken_s=None)
    alone = Baseline.of([steady])
    assert alone.mean["f0_sd"] > steady.f0_sd_semitones  # the prior still holds it
    assert Baseline.of([]).turns == 0


def test_fusion_is_text_alone_without_voice_and_weighted_with_it():
    text = np.array([0.2, 0.8, 0.5, 0.6])
    assert [getattr(fuse(text, None), d) for d in DIMENSIONS] == pytest.approx(list(text))
    fused = fuse(text, EmotionLevels(1.0, 1.0, 1.0, 1.0))
    assert fused.enthusiasm == pytest.approx(0.8 * (1 - VOICE_WEIGHT["enthusiasm"]) + VOICE_WEIGHT["enthusiasm"])


def test_long_text_is_split_under_the_model_limit():
    pieces = split_for_model("word " * 499 + "word. Short one.")
    assert all(len(p.split()) <= 40 for p in pieces)
    assert sum(len(p.split()) for p in pieces) == 502


def test_the_shipped_head_covers_every_dimension():
    head = load_head()
    assert head.weights.shape == (4, 384)
    assert set(head.report) == set(DIMENSIONS)


def test_average_emotion_skips_nulls(classifier):
    a = classifier.classify(*answer(tone(150, 2.0), "I built it."))
    avg = average_emotion([a.levels, None, a.levels])
    assert avg == a.levels
    assert average_emotion([None]) is None

"""Smart Turn v3.2 from the pipecat-ai wheel: its features match transformers' whisper features, and it
tells a finished sentence from one broken off at a filler (espeak-ng speech, real model)."""
from __future__ import annotations

import numpy as np

from tests.live_audio import espeak_wav
from voice.audio import decode_file
from voice.turn_model import SmartTurn, last_window, log_mel_features


def speech(text: str, tmp_path, name: str) -> np.ndarray:
    audio = decode_file(espeak_wav(text, tmp_path / f"{name}.wav")).samples
    loud = np.flatnonzero(np.abs(audio) > 0.01)
    # as the listener hands it over: the speech, then the first 250 ms of the pause
    return np.concatenate([audio[: loud[-1] + 1], np.zeros(4000, np.float32)])


def test_features_match_transformers_whisper_feature_extractor(tmp_path):
    from transformers import WhisperFeatureExtractor

    window = last_window(speech("I built a pipeline in Python that loads the sales data and", tmp_path, "a"))
    expected = WhisperFeatureExtractor(chunk_length=8)(
        window, sampling_rate=16000, padding="max_length", max_length=128000, truncation=True,
        do_normalize=True, return_tensors="np").input_features[0]
    ours = log_mel_features(window)
    assert ours.shape == expected.shape == (80, 800)
    assert np.abs(ours - expected).max() < 1e-3


def test_a_finished_sentence_sounds_finished_and_a_filler_does_not(tmp_path):
    model = SmartTurn()
    finished = model.complete_probability(speech("We cut the run time from two hours to twenty minutes.",
                                                 tmp_path, "done"))
    broken_off = model.complete_probability(speech("The first thing I checked was, um", tmp_path, "um"))
    assert finished > 0.5 > broken_off

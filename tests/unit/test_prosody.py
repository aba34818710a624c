"""Voice features on synthetic tones: pitch, variation, pauses, fillers, silence."""
import numpy as np
import pytest

from nlp.prosody import features_from_arrays, pitch_track
from nlp.text_features import filler_count
from tests.fakes import tone


def feats(samples, text="", words=0):
    return features_from_arrays(samples, 16000, text=text, words=words, spoken_s=None)


@pytest.mark.parametrize("freq", [90.0, 150.0, 240.0])
def test_pitch_track_finds_a_steady_tone(freq):
    f0 = pitch_track(tone(freq, 1.0), 16000)
    voiced = f0[f0 > 0]
    assert len(voiced) > 15
    assert abs(np.median(voiced) - freq) / freq < 0.03


def test_a_gliding_voice_varies_more_than_a_steady_one():
    steady = feats(tone(150.0, 3.0))
    glide = feats(tone(150.0 * 2 ** (np.sin(np.linspace(0, 6 * np.pi, 48000)) / 3), 3.0))
    assert glide.f0_sd_semitones > steady.f0_sd_semitones + 1.0


def test_pitch_variation_does_not_depend_on_the_base_pitch():
    contour = 2 ** (np.sin(np.linspace(0, 6 * np.pi, 48000)) / 4)
    low, high = feats(tone(100.0 * contour, 3.0)), feats(tone(200.0 * contour, 3.0))
    assert abs(low.f0_sd_semitones - high.f0_sd_semitones) < 0.3
    assert high.f0_mean_semitones - low.f0_mean_semitones == pytest.approx(12.0, abs=0.5)


def test_long_pauses_and_pause_ratio_come_from_the_gaps():
    gap = np.zeros(int(1.5 * 16000), np.float32)
    broken = feats(np.concatenate([tone(150, 2.0), gap, tone(150, 2.0), gap, tone(150, 2.0)]))
    fluent = feats(tone(150, 6.0))
    assert broken.long_pauses == 2 and fluent.long_pauses == 0
    assert broken.pause_ratio > 0.25 > fluent.pause_ratio


def test_speaking_rate_uses_the_words_and_the_spoken_time():
    f = features_from_arrays(tone(150, 4.0), 16000, text="one two three four five six seven eight",
                             words=8, spoken_s=4.0)
    assert f.words_per_s == pytest.approx(2.0)


def test_fillers_are_counted_and_ordinary_words_are_not():
    assert filler_count("Um, so, uh, I mean I, like, built it, you know, hmm") == 6
    assert filler_count("I built a model that I liked and umbrellas") == 0


def test_silence_has_no_voice_and_no_nan():
    f = feats(np.zeros(32000, np.float32))
    assert not f.has_voice
    assert all(np.isfinite(v) for v in f.__dict__.values())


def test_empty_audio_does_not_fail():
    f = feats(np.zeros(0, np.float32))
    assert not f.has_voice and f.duration_s == 0.0

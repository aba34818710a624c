"""The echo canceller on synthetic audio: its reference is found however the two clocks disagree, the
echo goes, and the microphone passes untouched once the interviewer is silent."""
from __future__ import annotations

import numpy as np
import pytest

from voice.echo import PlayedAudio, WebRtcEchoCanceller

RATE = 16000


def voice_like(seconds: float, seed: int) -> np.ndarray:
    """Vowels on a wandering pitch, in syllables, with some breath: close enough to speech for AEC3."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    f0 = 140 + 40 * np.sin(2 * np.pi * 0.7 * t + seed) + 10 * np.sin(2 * np.pi * 3.1 * t)
    phase = 2 * np.pi * np.cumsum(f0) / RATE
    vowel = sum(np.sin(k * phase) / k for k in range(1, 12))
    # syllables of random lengths: a periodic signal would match its echo at more than one lag
    lengths = rng.integers(int(0.08 * RATE), int(0.35 * RATE), size=len(t) // int(0.08 * RATE) + 1)
    on = np.repeat(np.arange(len(lengths)) % 2 == 0, lengths)[:len(t)]
    envelope = np.convolve(on.astype(float), np.hanning(400) / 200, mode="same")
    signal = envelope * vowel + 0.05 * rng.standard_normal(len(t))
    return (0.05 * signal).astype(np.float32)


def run(stamp_error_s: float, candidate: np.ndarray | None = None):
    """The speaker says two things, 4 s and 3 s with a second between; the microphone hears their echo
    30 ms later but stamps its audio `stamp_error_s` wrong (as PortAudio's figures through PulseAudio
    are). Returns what the microphone heard, what came out, and the canceller."""
    played = PlayedAudio()
    far = np.concatenate([voice_like(4.0, 1), np.zeros(RATE, np.float32), voice_like(3.0, 3)])
    played.write(far, heard_at_s=100.0)
    near = np.zeros(len(far) + 2 * RATE, np.float32)
    delay = int(0.03 * RATE)
    near[delay:delay + len(far)] += 0.6 * far
    if candidate is not None:
        near[-len(candidate):] += candidate
    canceller = WebRtcEchoCanceller(played)
    out = []
    for i in range(0, len(near), 512):   # 32 ms blocks, as the microphone hands them out
        out.append(canceller.process(near[i:i + 512], 100.0 + stamp_error_s + i / RATE))
    return near, np.concatenate(out), canceller


def level_db(x: np.ndarray) -> float:
    return 10 * np.log10(np.mean(np.square(x)) + 1e-12)


@pytest.mark.parametrize("stamp_error_s", [0.45, 0.0, -0.2])
def test_the_echo_is_removed_however_far_off_the_stamps_are(stamp_error_s):
    near, out, canceller = run(stamp_error_s)
    assert canceller.settled
    second = slice(6 * RATE, 8 * RATE)          # the second utterance: the reference was found in the first
    assert level_db(near[second]) - level_db(out[second]) >= 15      # SETTLED_DB, what barge-in waits for


def test_the_candidate_passes_untouched_once_the_interviewer_is_silent():
    candidate = voice_like(1.0, 2)
    near, out, _ = run(-0.2, candidate=candidate)
    tail = slice(len(out) - RATE // 2, len(out))         # the candidate alone, a second after the echo
    assert np.allclose(out[tail], near[len(near) - len(out):][tail])


@pytest.mark.parametrize("speaking_s,settled", [(2.0, False), (5.0, True)])
def test_without_an_echo_it_settles_after_seconds_of_the_interviewer(speaking_s, settled):
    # headphones: the microphone hears none of it, and barge-in may be listened for after a while
    played = PlayedAudio()
    played.write(voice_like(speaking_s, 1), heard_at_s=100.0)
    canceller = WebRtcEchoCanceller(played)
    room = (0.002 * np.random.default_rng(5).standard_normal(int((speaking_s + 1) * RATE))).astype(np.float32)
    for i in range(0, len(room), 512):
        canceller.process(room[i:i + 512], 100.0 + i / RATE)
    assert canceller.settled is settled and canceller.measured == 0


def test_played_audio_is_read_back_by_time_with_silence_elsewhere():
    played = PlayedAudio()
    played.write(np.ones(160, np.float32), heard_at_s=1.0)
    got = played.read(0.99, 480)
    assert got[:160].sum() == 0 and got[160:320].sum() == 160 and got[320:].sum() == 0

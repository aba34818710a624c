"""The interviewer's own voice, taken back out of the microphone: acoustic echo cancellation.

With loudspeakers the microphone hears the interviewer too. To let the candidate interrupt (barge-in)
the microphone must stay open while the interviewer speaks, so that echo has to go: WebRTC's AEC3
(the `pywebrtc-audio` wheel, Apache-2.0) subtracts what the speaker played, given as a reference,
from what the microphone heard.

Both sides are put on one clock, the monotonic time at which a sample is heard in the room: the
speaker stamps what it plays with its output latency added (PortAudio's outputBufferDacTime), the
microphone what it records with its input latency taken off (inputBufferAdcTime), so the echo lags
its reference by little more than the acoustic path. AEC3 finds the rest itself (it copes with up to
about 0.5 s; measured on the virtual devices with a PulseAudio loopback: 0.25 s between callback
times, 25-69 dB of echo removed at 0-500 ms, none at 800 ms).

A system-level alternative needs no code here: PulseAudio's and PipeWire's `module-echo-cancel`
(see README, Live interviews).
"""
from __future__ import annotations

import threading
from typing import Protocol

import numpy as np

from voice.errors import MissingDependency

RATE_HZ = 16000
KEEP_S = 20.0


class EchoCanceller(Protocol):
    def process(self, near: np.ndarray, far: np.ndarray) -> np.ndarray:
        """`near` (the microphone) without what `far` (the speaker, same instants) put into it."""


class PlayedAudio:
    """What the speaker played, 16 kHz, on the monotonic clock of the moment it is heard.

    The speaker's callback writes, the microphone's reader reads; where nothing was played the
    reference is silence."""

    def __init__(self, keep_s: float = KEEP_S):
        self.keep = int(keep_s * RATE_HZ)
        self._segments: list[tuple[int, np.ndarray]] = []   # (first sample index, samples)
        self._lock = threading.Lock()

    def write(self, samples: np.ndarray, heard_at_s: float) -> None:
        if len(samples) == 0:
            return
        start = int(round(heard_at_s * RATE_HZ))
        with self._lock:
            self._segments.append((start, np.asarray(samples, dtype=np.float32).copy()))
            oldest = start - self.keep
            while self._segments and self._segments[0][0] + len(self._segments[0][1]) < oldest:
                self._segments.pop(0)

    def read(self, heard_at_s: float, count: int) -> np.ndarray:
        """The `count` samples played from `heard_at_s` on (later writes win where they overlap)."""
        out = np.zeros(count, dtype=np.float32)
        start = int(round(heard_at_s * RATE_HZ))
        with self._lock:
            for first, samples in self._segments:
                a, b = max(start, first), min(start + count, first + len(samples))
                if a < b:
                    out[a - start:b - start] = samples[a - first:b - first]
        return out


class WebRtcEchoCanceller:
    """AEC3 from pywebrtc-audio, 10 ms frames at 16 kHz; its state (the learned echo path) is kept
    for the whole session."""

    def __init__(self) -> None:
        try:
            from pywebrtc_audio import EchoCanceller as AEC3
        except ImportError as e:
            raise MissingDependency("pywebrtc-audio") from e
        self._aec = AEC3(sample_rate=RATE_HZ, num_channels=1)
        self._near = np.zeros(0, np.float32)
        self._far = np.zeros(0, np.float32)

    def process(self, near: np.ndarray, far: np.ndarray) -> np.ndarray:
        # whole 10 ms frames only: a partial one waits for the next call, so the output lags by < 10 ms
        self._near = np.concatenate([self._near, np.asarray(near, np.float32)])
        self._far = np.concatenate([self._far, np.asarray(far, np.float32)])
        whole = len(self._near) // 160 * 160
        if whole == 0:
            return np.zeros(0, np.float32)
        out = self._aec.process(self._near[:whole], self._far[:whole])
        self._near, self._far = self._near[whole:], self._far[whole:]
        return np.asarray(out, dtype=np.float32)

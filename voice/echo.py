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

import logging
import threading
from typing import Protocol

import numpy as np

from voice.errors import MissingDependency

log = logging.getLogger(__name__)

RATE_HZ = 16000
KEEP_S = 20.0
# a stamp this far from where the samples' own count puts it means audio was lost: start again from it
REANCHOR_S = 0.25
# AEC3 converges within a second or two of the interviewer speaking once the reference is lined up
# (measured on the loopback: 39 dB of the echo gone in the first second). It counts as settled when, a
# second after the reference last moved, half a second of the interviewer's voice comes out at least
# this much quieter than it went in
SETTLE_S = 1.0
SETTLED_DB = 15.0
SETTLED_FRAMES = 50
# with the interviewer speaking and no echo found in this many half-second measurements, there is none
ECHO_FREE_CHECKS = 6
# an echo path is found where the microphone's last 2 s correlate this well with what was played (a real
# echo on the loopback: 0.8-0.9; the candidate talking over the interviewer without echo: up to 0.2)
ECHO_CORRELATION = 0.3
# the reference is "speaking" above this level; its echo can last this long after it (room, buffers)
FAR_LOUD = 0.003
ECHO_TAIL_FRAMES = 40


class EchoCanceller(Protocol):
    settled: bool       # the echo is being taken out (before that, the microphone hears the interviewer)

    def process(self, near: np.ndarray, heard_at_s: float) -> np.ndarray:
        """`near` (the microphone, its first sample heard at `heard_at_s` on the monotonic clock)
        without what the speaker put into it."""


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
    """AEC3 from pywebrtc-audio, 10 ms frames at 16 kHz, with the speaker's `played` audio as reference.

    The reference is lined up with the echo by cross-correlation, re-measured while the interviewer
    speaks: the stamps each side puts on its audio are off by up to half a second (buffers inside
    PulseAudio that PortAudio's latency figures do not see), and AEC3 cancels only an echo that comes
    after its reference, by less than about 0.5 s. Its state (the learned echo path) and the measured
    lag are kept for the whole session."""

    def __init__(self, played: PlayedAudio, *, search_s: float = 1.0, window_s: float = 2.0,
                 echo_after_s: float = 0.04):
        try:
            from pywebrtc_audio import EchoCanceller as AEC3
        except ImportError as e:
            raise MissingDependency("pywebrtc-audio") from e
        self._aec = AEC3(sample_rate=RATE_HZ, num_channels=1)
        self.played = played
        self.search = int(search_s * RATE_HZ)
        self.window = int(window_s * RATE_HZ)
        self.echo_after_s = echo_after_s
        self.offset_s = 0.0              # added to the microphone's stamps to find the reference
        self.measured = 0
        self._near = np.zeros(0, np.float32)
        self._near_at_s = 0.0            # when self._near[0] was heard
        self._history = np.zeros(0, np.float32)
        self._history_end_s = 0.0
        self._since_measure = 0
        self._moved_at_s: float | None = None      # when the reference was last moved
        self._echo_free_checks = 0                  # measurements that found no echo
        self._settled = False
        self._echo_in: list[float] = []             # energy of recent echo frames, in and out
        self._echo_out: list[float] = []
        self._echo_left = 0                         # 10 ms frames in which the interviewer may still echo

    @property
    def settled(self) -> bool:
        """Whether the echo path is known and AEC3 has had time to learn it since the reference last
        moved: until then what is left of the interviewer's voice can sound like speech."""
        return self._settled

    def process(self, near: np.ndarray, heard_at_s: float) -> np.ndarray:
        near = np.asarray(near, np.float32)
        # the microphone's samples are contiguous: their time runs on from the first stamp, since the
        # stamps themselves jitter by a block, and a reference that jumps about is one AEC3 cannot follow
        expected_s = self._near_at_s + len(self._near) / RATE_HZ
        if self._history_end_s == 0.0 or abs(heard_at_s - expected_s) > REANCHOR_S:
            self._near_at_s = heard_at_s - len(self._near) / RATE_HZ
            expected_s = heard_at_s
        self._near = np.concatenate([self._near, near])
        self._remember(near, expected_s + len(near) / RATE_HZ)
        # whole 10 ms frames only: a partial one waits for the next call, so the output lags by < 10 ms
        whole = len(self._near) // 160 * 160
        if whole == 0:
            return np.zeros(0, np.float32)
        far = self.played.read(self._near_at_s + self.offset_s, whole)
        near = self._near[:whole]
        out = np.asarray(self._aec.process(near, far), dtype=np.float32)
        self._near = self._near[whole:]
        self._near_at_s += whole / RATE_HZ
        return self._only_while_echoing(near, far, out)

    def _only_while_echoing(self, near: np.ndarray, far: np.ndarray, out: np.ndarray) -> np.ndarray:
        """AEC3's output while the interviewer's voice (or its tail) can be in the microphone, the
        microphone itself otherwise. AEC3 also suppresses what is left after subtracting the echo, and
        with a loud echo that takes the candidate's voice down with it (measured on the loopback: words
        lost); once the interviewer is silent there is nothing to take out."""
        frames = far.reshape(-1, 160)
        loud = np.sqrt(np.mean(np.square(frames), axis=1)) > FAR_LOUD
        self._learn_settled(near.reshape(-1, 160)[loud], out.reshape(-1, 160)[loud])
        keep = np.empty(len(loud), dtype=bool)
        for i, is_loud in enumerate(loud):
            self._echo_left = ECHO_TAIL_FRAMES if is_loud else max(0, self._echo_left - 1)
            keep[i] = self._echo_left > 0
        return np.where(np.repeat(keep, 160), out, near).astype(np.float32)

    def _learn_settled(self, near_frames: np.ndarray, out_frames: np.ndarray) -> None:
        """Settled (until the reference moves again) once the echo comes out SETTLED_DB quieter."""
        if self._settled or self._moved_at_s is None or not len(near_frames):
            return
        self._echo_in = (self._echo_in + list(np.mean(np.square(near_frames), axis=1)))[-SETTLED_FRAMES:]
        self._echo_out = (self._echo_out + list(np.mean(np.square(out_frames), axis=1)))[-SETTLED_FRAMES:]
        if len(self._echo_in) < SETTLED_FRAMES or self._history_end_s - self._moved_at_s < SETTLE_S:
            return
        reduction_db = 10 * np.log10((sum(self._echo_in) + 1e-12) / (sum(self._echo_out) + 1e-12))
        if reduction_db >= SETTLED_DB:
            log.debug("echo canceller settled: %.0f dB of the echo removed", reduction_db)
            self._settled = True

    def _remember(self, near: np.ndarray, end_s: float) -> None:
        self._history = np.concatenate([self._history, near])[-self.window:]
        self._history_end_s = end_s
        self._since_measure += len(near)
        if self._since_measure >= RATE_HZ // 2 and len(self._history) == self.window:
            self._since_measure = 0
            self._measure()

    def _measure(self) -> None:
        """Find where the speaker's audio sits in the microphone's last `window_s`, within `search_s`."""
        start_s = self._history_end_s - self.window / RATE_HZ - self.search / RATE_HZ
        far = self.played.read(start_s, self.window + 2 * self.search)
        if np.sqrt(np.mean(np.square(far))) < 0.01:
            return      # the interviewer is silent
        strength, best = 0.0, 0
        if np.sqrt(np.mean(np.square(self._history))) >= 0.005:
            size = 1 << int(np.ceil(np.log2(len(far) + self.window)))
            spectrum = np.fft.rfft(far, size) * np.conj(np.fft.rfft(self._history, size))
            correlation = np.fft.irfft(spectrum, size)[:2 * self.search + 1]
            best = int(np.argmax(np.abs(correlation)))
            strength = np.abs(correlation[best]) / (np.linalg.norm(far) * np.linalg.norm(self._history) + 1e-9)
        if strength < ECHO_CORRELATION:
            # nothing of the interviewer reaches the microphone, or only faintly (headphones); or the
            # candidate is speaking over it. Seconds of that before any echo was found: there is none
            self._echo_free_checks += 1
            if self.measured == 0 and not self._settled and self._echo_free_checks >= ECHO_FREE_CHECKS:
                log.debug("no echo of the interviewer heard: nothing to cancel")
                self._settled = True
            return
        # the microphone's audio at its stamp t matches the speaker's at t + lag; the reference must
        # reach AEC3 a little before its echo, so the microphone's t is given the speaker's t + lag + a bit
        lag_s = (best - self.search) / RATE_HZ
        target = lag_s + self.echo_after_s
        # a moved reference costs AEC3 its converged filter: move it only for a real change of path
        if self.measured == 0 or abs(target - self.offset_s) > self.echo_after_s:
            log.debug("echo reference moved: %.3f s (correlation %.2f)", target, strength)
            self.offset_s = target
            self._moved_at_s = self._history_end_s
            self._settled, self._echo_in, self._echo_out = False, [], []
        self.measured += 1

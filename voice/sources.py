"""AudioSource: where answers come from, and MicSource, a live microphone.

It hands out 16 kHz mono float32 AudioChunks whose `start_s` counts stream time, so endpointing
works on audio time and never on the wall clock. The microphone is opened at the device's native
rate (PortAudio refuses others with "Invalid sample rate") and resampled here; its callback only
puts copies into a queue, because anything slower there drops audio.

A microphone that fails mid-session (its stream ends, or it delivers nothing for `stall_s` while
PortAudio still calls it active) is closed, found again by name and reopened once; a second
failure, or a reopen that does not succeed within `reopen_wait_s`, raises DeviceError.
"""
from __future__ import annotations

import logging
import queue
import time
from typing import Callable, Protocol

import numpy as np

from voice.audio import SAMPLE_RATE_HZ, AudioChunk
from voice.clock import Clock, SystemClock
from voice.echo import EchoCanceller
from voice.devices import (DeviceInfo, close_quietly, failure_reason, list_devices_for, reopen_by_name,
                           resolve_device, sounddevice_module)
from voice.errors import AudioError, DeviceError

log = logging.getLogger(__name__)

RECONNECT_HINT = "check that it is connected, then resume the session"


class AudioSource(Protocol):
    """Where an answer is heard, in stream time: 16 kHz mono float32 chunks whose `start_s` counts
    the samples handed out so far."""

    def read(self, max_ms: int) -> AudioChunk | None:
        """Up to `max_ms` of audio (waiting at most about that long); None at the end of input."""

    def drain(self) -> float:
        """Drop what was heard so far (the interviewer's own voice); returns the new stream time."""

    @property
    def now_s(self) -> float:
        """Stream time of the next sample to be read."""


class MicSource:
    """A live microphone. Call `start()` once, `read()` in the loop, `drain()` to drop what it heard.

    `stream_factory` (sounddevice.InputStream by default), `devices` (the device list, freshly
    scanned when asked) and `clock` are seams for tests.
    """

    def __init__(self, device: str | int | None = None, *, block_ms: int = 32, max_queue_s: float = 600.0,
                 latency_s: float = 0.1, stall_s: float = 2.0, start_grace_s: float = 5.0,
                 reopen_wait_s: float = 2.0, echo: EchoCanceller | None = None,
                 stream_factory: Callable[..., object] | None = None,
                 devices: Callable[[bool], list[DeviceInfo]] = list_devices_for, clock: Clock | None = None):
        self.wanted = device
        self._devices = devices
        self.device: DeviceInfo = resolve_device(device, "input", devices(False))
        self.native_rate_hz = self.device.native_rate_hz
        self.block_ms = block_ms
        # PortAudio's default low latency (~9 ms) overruns on a busy machine and drops audio
        self.latency_s = latency_s
        # PortAudio reports no input error for a source that stops (a suspended or vanished PulseAudio
        # source just goes quiet, still "active"): only missing callbacks show it
        self.stall_s = stall_s
        # a device can take seconds to deliver its first block (a Bluetooth headset switching profile)
        self.start_grace_s = max(start_grace_s, stall_s)
        self._delivered = False    # the open stream has called back at least once
        self.reopen_wait_s = reopen_wait_s
        self._stream_factory = stream_factory
        self._clock = clock or SystemClock()
        # (samples, monotonic time the last one was heard): the time lines them up with what the
        # speaker played, for the echo canceller
        self._queue: queue.Queue[tuple[np.ndarray, float]] = queue.Queue(maxsize=int(max_queue_s * 1000 / block_ms))
        self.echo = echo
        self._stream = None
        self._resampler = None
        self._emitted = 0          # 16 kHz samples handed out, the stream clock
        self._starved_s = 0.0      # read() time spent waiting for audio that did not come
        self._heard: list[np.ndarray] = []   # handed out since the last drain()
        self._heard_from = 0                 # stream sample where _heard starts
        self._heard_count = 0
        self.max_heard_s = max_queue_s
        self.overflows = 0
        self.reopens = 0
        self.failure: DeviceError | None = None   # why the microphone gave up, once it has
        self.level = 0.0           # RMS of the last chunk read, for a level meter

    def start(self) -> None:
        try:
            self._open(self.device)
        except Exception as e:  # PortAudioError: busy, unplugged, refused
            raise DeviceError(f"the microphone '{self.device.name}' could not be opened ({failure_reason(e)})",
                              "close other programs using it, or pick another with --input-device") from e
        log.debug("microphone %s open at %d Hz", self.device.name, self.native_rate_hz)

    def _open(self, device: DeviceInfo) -> None:
        import soxr

        factory = self._stream_factory or sounddevice_module().InputStream
        rate = device.native_rate_hz
        stream = factory(device=device.index, channels=1, samplerate=rate, dtype="float32",
                         blocksize=int(rate * self.block_ms / 1000), latency=self.latency_s,
                         callback=self._on_audio)
        self._delivered = False
        try:
            stream.start()
        except Exception:
            close_quietly(stream)
            raise
        self._stream = stream
        self.device, self.native_rate_hz = device, rate
        self._resampler = soxr.ResampleStream(rate, SAMPLE_RATE_HZ, 1, dtype="float32", quality="HQ")

    def _on_audio(self, indata, frames, time_info, status) -> None:
        # PortAudio's thread: copy and queue, nothing else
        if status:
            self.overflows += 1
        # when it arrived, not when it was captured: PortAudio's latency figures through ALSA's pulse
        # plugin put the echo ahead of its reference, which no canceller can take out (see voice/echo.py)
        heard_at = time.monotonic()
        try:
            self._queue.put_nowait((indata[:, 0].copy(), heard_at))
        except queue.Full:
            self.overflows += 1

    @property
    def echo_settled(self) -> bool:
        """Whether what the microphone hears is free of the interviewer's own voice: with an echo
        canceller once it has learned the echo path; without one, the user said so (headphones, or
        the system's echo canceller)."""
        return self.echo is None or self.echo.settled

    @property
    def active(self) -> bool:
        return self._stream is not None and bool(self._stream.active)

    def read(self, max_ms: int) -> AudioChunk | None:
        if self._stream is None:
            raise AudioError("the microphone is not open")
        wait_s = max(0.001, max_ms / 1000.0)
        tail = np.zeros(0, dtype=np.float32)
        try:
            blocks = [self._queue.get(timeout=wait_s)]
            self._starved_s = 0.0
        except queue.Empty:
            blocks = []
            self._starved_s += wait_s
            if not self.active:
                tail = self._reopen("stopped delivering audio")
            else:
                limit_s = self.stall_s if self._delivered else self.start_grace_s
                if self._starved_s >= limit_s:
                    tail = self._reopen(f"delivered no audio for {limit_s:g} s")
        blocks += self._take_queued()
        if blocks:
            self._delivered = True
        samples = self._resampled(blocks)
        if len(tail):
            samples = np.concatenate([tail, samples])
        chunk = AudioChunk(samples, SAMPLE_RATE_HZ, self._emitted / SAMPLE_RATE_HZ)
        self._emitted += len(samples)
        if len(samples):
            self.level = float(np.sqrt(np.mean(np.square(samples))))
            self._keep_heard(chunk.samples)
        return chunk

    def _reopen(self, problem: str) -> np.ndarray:
        """Close the failed stream, find the device again by name and open it, once per session.

        Returns what the old stream still held (resampled), so the stream clock stays continuous:
        time goes on from the last sample handed out, and the dead gap is not part of it.
        """
        name = self.device.name
        if self.reopens >= 1:
            raise self._give_up(DeviceError(f"the microphone '{name}' {problem} again after being reopened",
                                            RECONNECT_HINT))
        log.warning("the microphone '%s' %s; reopening it", name, problem)
        self._close_stream()
        tail = self._flush_resampler()
        try:
            reopen_by_name(name, self.wanted not in (None, ""), "input", self._devices, self._open, self._clock,
                           self.reopen_wait_s)
        except Exception as e:
            self._keep_heard(tail)   # an answer cut short keeps its last milliseconds too
            self._emitted += len(tail)
            raise self._give_up(DeviceError(f"the microphone '{name}' {problem} and could not be "
                                            f"reopened ({failure_reason(e)})", RECONNECT_HINT)) from e
        self.reopens += 1
        self._starved_s = 0.0
        log.warning("microphone reconnected: '%s' at %d Hz", self.device.name, self.native_rate_hz)
        return tail

    def _give_up(self, error: DeviceError) -> DeviceError:
        self._close_stream()
        self.failure = error
        return error

    def _flush_resampler(self) -> np.ndarray:
        """What the failed stream delivered but was not read yet, and the resampler's own delay."""
        return self._resampled(self._take_queued(), last=True)

    def _resampled(self, blocks: list[tuple[np.ndarray, float]], last: bool = False) -> np.ndarray:
        """Queued blocks at 16 kHz, with the speaker's echo taken out when there is an echo canceller."""
        native = np.concatenate([b for b, _ in blocks]) if blocks else np.zeros(0, dtype=np.float32)
        if not len(native) and not last:
            return np.zeros(0, dtype=np.float32)
        samples = np.asarray(self._resampler.resample_chunk(native, last=last), dtype=np.float32)
        if self.echo is not None and blocks and len(samples):
            samples = self.echo.process(samples, blocks[-1][1] - len(samples) / SAMPLE_RATE_HZ)
        return samples

    def _take_queued(self) -> list[tuple[np.ndarray, float]]:
        """Every block the callback has queued so far, without waiting."""
        blocks = []
        while True:
            try:
                blocks.append(self._queue.get_nowait())
            except queue.Empty:
                return blocks

    def _keep_heard(self, samples: np.ndarray) -> None:
        self._heard.append(samples)
        self._heard_count += len(samples)
        limit = int(self.max_heard_s * SAMPLE_RATE_HZ)
        while len(self._heard) > 1 and self._heard_count - len(self._heard[0]) >= limit:
            dropped = len(self._heard.pop(0))
            self._heard_from += dropped
            self._heard_count -= dropped

    def heard(self) -> AudioChunk:
        """The audio read() handed out since the last drain(): an answer whose listening was cut short
        by a device failure can still be kept."""
        samples = np.concatenate(self._heard) if self._heard else np.zeros(0, dtype=np.float32)
        return AudioChunk(samples, SAMPLE_RATE_HZ, self._heard_from / SAMPLE_RATE_HZ)

    def drain(self) -> float:
        """Drop what the microphone heard so far (the interviewer's own voice); returns the new stream time."""
        # through the echo canceller too: it keeps learning the echo path while the interviewer speaks
        blocks = self._take_queued()
        if blocks:
            self._emitted += len(self._resampled(blocks))
            self._delivered = True
        self._heard, self._heard_from, self._heard_count = [], self._emitted, 0
        return self._emitted / SAMPLE_RATE_HZ

    @property
    def now_s(self) -> float:
        """Stream time of the next sample to be read."""
        return self._emitted / SAMPLE_RATE_HZ

    def _close_stream(self) -> None:
        if self._stream is not None:
            close_quietly(self._stream)
            self._stream = None

    def close(self) -> None:
        if self.overflows:
            log.warning("the microphone lost audio %d time(s) (input overflow)", self.overflows)
        self._close_stream()

    def __enter__(self) -> "MicSource":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

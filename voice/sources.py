"""AudioSource: where answers come from. MicSource (a live microphone) and FileSource (a recording).

Both hand out 16 kHz mono float32 AudioChunks whose `start_s` counts stream time, so endpointing
works on audio time and never on the wall clock. The microphone is opened at the device's native
rate (PortAudio refuses others with "Invalid sample rate") and resampled here; its callback only
puts copies into a queue, because anything slower there drops audio.
"""
from __future__ import annotations

import logging
import queue
from typing import Protocol

import numpy as np

from voice.audio import SAMPLE_RATE_HZ, AudioChunk, decode_file
from voice.devices import DeviceInfo, resolve_device, sounddevice_module
from voice.errors import AudioError, DeviceError

log = logging.getLogger(__name__)


class AudioSource(Protocol):
    def read(self, max_ms: int) -> AudioChunk | None:
        """Up to `max_ms` of audio (waiting at most about that long); None at the end of input."""


class FileSource:
    """A recording played as if it were a microphone, in chunks."""

    def __init__(self, path: str):
        self.audio = decode_file(path)
        self._position = 0

    def read(self, max_ms: int) -> AudioChunk | None:
        if self._position >= len(self.audio.samples):
            return None
        count = max(1, int(SAMPLE_RATE_HZ * max_ms / 1000))
        samples = self.audio.samples[self._position:self._position + count]
        chunk = AudioChunk(samples, SAMPLE_RATE_HZ, self._position / SAMPLE_RATE_HZ)
        self._position += len(samples)
        return chunk

    def drain(self) -> float:
        """Nothing is queued in a file."""
        return self.now_s

    @property
    def now_s(self) -> float:
        return self._position / SAMPLE_RATE_HZ

    def close(self) -> None:
        """Nothing to release."""


class MicSource:
    """A live microphone. Call `start()` once, `read()` in the loop, `drain()` to drop what it heard."""

    def __init__(self, device: str | int | None = None, *, block_ms: int = 32, max_queue_s: float = 600.0,
                 latency_s: float = 0.1):
        self.device: DeviceInfo = resolve_device(device, "input")
        self.native_rate_hz = self.device.native_rate_hz
        self.block_ms = block_ms
        # PortAudio's default low latency (~9 ms) overruns on a busy machine and drops audio
        self.latency_s = latency_s
        self._queue: queue.Queue[np.ndarray] = queue.Queue(maxsize=int(max_queue_s * 1000 / block_ms))
        self._stream = None
        self._resampler = None
        self._emitted = 0          # 16 kHz samples handed out, the stream clock
        self.overflows = 0
        self.level = 0.0           # RMS of the last chunk read, for a level meter

    def start(self) -> None:
        sd = sounddevice_module()
        import soxr

        self._resampler = soxr.ResampleStream(self.native_rate_hz, SAMPLE_RATE_HZ, 1, dtype="float32",
                                              quality="HQ")
        try:
            self._stream = sd.InputStream(device=self.device.index, channels=1, samplerate=self.native_rate_hz,
                                          dtype="float32", blocksize=int(self.native_rate_hz * self.block_ms / 1000),
                                          latency=self.latency_s, callback=self._on_audio)
            self._stream.start()
        except Exception as e:  # PortAudioError: busy, unplugged, refused
            self._stream = None
            raise DeviceError(f"the microphone '{self.device.name}' could not be opened ({e})",
                              "close other programs using it, or pick another with --input-device") from e
        log.debug("microphone %s open at %d Hz", self.device.name, self.native_rate_hz)

    def _on_audio(self, indata, frames, time_info, status) -> None:
        # PortAudio's thread: copy and queue, nothing else
        if status:
            self.overflows += 1
        try:
            self._queue.put_nowait(indata[:, 0].copy())
        except queue.Full:
            self.overflows += 1

    @property
    def active(self) -> bool:
        return self._stream is not None and bool(self._stream.active)

    def read(self, max_ms: int) -> AudioChunk | None:
        if self._stream is None:
            raise AudioError("the microphone is not open")
        try:
            blocks = [self._queue.get(timeout=max(0.001, max_ms / 1000.0))]
        except queue.Empty:
            if not self.active:
                raise DeviceError(f"the microphone '{self.device.name}' stopped delivering audio",
                                  "check that it is still connected")
            blocks = []
        while True:
            try:
                blocks.append(self._queue.get_nowait())
            except queue.Empty:
                break
        native = np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.float32)
        samples = self._resampler.resample_chunk(native) if len(native) else np.zeros(0, dtype=np.float32)
        chunk = AudioChunk(np.asarray(samples, dtype=np.float32), SAMPLE_RATE_HZ, self._emitted / SAMPLE_RATE_HZ)
        self._emitted += len(samples)
        if len(samples):
            self.level = float(np.sqrt(np.mean(np.square(samples))))
        return chunk

    def drain(self) -> float:
        """Drop what the microphone heard so far (the interviewer's own voice); returns the new stream time."""
        while True:
            try:
                native = self._queue.get_nowait()
            except queue.Empty:
                break
            self._emitted += len(self._resampler.resample_chunk(native))
        return self._emitted / SAMPLE_RATE_HZ

    @property
    def now_s(self) -> float:
        """Stream time of the next sample to be read."""
        return self._emitted / SAMPLE_RATE_HZ

    def close(self) -> None:
        if self.overflows:
            log.warning("the microphone lost audio %d time(s) (input overflow)", self.overflows)
        if self._stream is not None:
            try:
                self._stream.stop()
                self._stream.close()
            except Exception as e:  # closing a vanished device must not hide the session's result
                log.warning("closing the microphone: %s", e)
            self._stream = None

    def __enter__(self) -> "MicSource":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

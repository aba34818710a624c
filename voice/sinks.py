"""SpeechSink: where the interviewer's words go. SpeakerSink (synthesize, then play) and NullSink.

`say(text)` blocks until the last sample has been heard, so the caller knows when to start
listening. PortAudio drops up to ~20 ms at a stream's start and the last `latency` seconds at its end,
so every utterance is padded with silence before (20 ms: every millisecond there delays the next
question) and after (latency + 0.1 s), or question endings are cut.

Playback that fails (PortAudio refuses the stream, the stream ends early, or it stops asking for
audio) is retried once on the same device found again by name; then DeviceError.
"""
from __future__ import annotations

import logging
import threading
from typing import Callable, Protocol

import numpy as np

from voice.audio import SAMPLE_RATE_HZ, AudioChunk, resample
from voice.clock import Clock, SystemClock
from voice.devices import (DeviceInfo, close_quietly, failure_reason, list_devices, reopen_by_name,
                           resolve_device, sounddevice_module)
from voice.errors import DeviceError
from voice.tts import Synthesizer

log = logging.getLogger(__name__)

SPEAKER_HINT = "check that it is connected, or pick another with --output-device; then resume the session"


class SpeechSink(Protocol):
    def say(self, text: str) -> None: ...
    def prepare(self, text: str) -> None: ...


class NullSink:
    """No speaker (replay, tests): remembers what it was asked to say."""

    def __init__(self) -> None:
        self.said: list[str] = []

    def say(self, text: str) -> None:
        self.said.append(text)

    def prepare(self, text: str) -> None:
        """Nothing to synthesize."""


class SpeakerSink:
    """Speaks through sounddevice. `prepare(text)` synthesizes ahead so `say(text)` starts at once.

    `stream_factory` (sounddevice.OutputStream by default), `devices` and `clock` are seams for tests.
    """

    def __init__(self, synthesizer: Synthesizer, device: str | int | None = None, *, latency_s: float = 0.2,
                 lead_s: float = 0.02, on_playback_start: Callable[[], None] | None = None,
                 stall_s: float = 5.0, reopen_wait_s: float = 2.0,
                 stream_factory: Callable[..., object] | None = None,
                 devices: Callable[[], list[DeviceInfo]] = list_devices, clock: Clock | None = None):
        self.synthesizer = synthesizer
        self.wanted = device
        self._devices = devices
        self.device: DeviceInfo = resolve_device(device, "output", devices())
        self.latency_s = latency_s
        self.lead_s = lead_s
        self.on_playback_start = on_playback_start
        # a suspended PulseAudio sink stops asking for audio without any error: without a limit,
        # say() would wait for as long as it stays suspended. Generous: through ALSA's pulse plugin a
        # playback takes ~1.4 s longer than its audio (measured on the virtual speaker, 1 s and 5 s tones)
        self.stall_s = stall_s
        self.reopen_wait_s = reopen_wait_s
        self._stream_factory = stream_factory
        self._clock = clock or SystemClock()
        self._prepared: dict[str, AudioChunk] = {}

    def prepare(self, text: str) -> None:
        if text not in self._prepared:
            self._prepared[text] = self.synthesizer.synthesize(text)

    def say(self, text: str) -> None:
        self.prepare(text)
        self.play(self._prepared.pop(text))

    def play(self, audio: AudioChunk) -> None:
        if self.on_playback_start:
            self.on_playback_start()
        try:
            self._start(audio, self.device).finish()
            return
        except Exception as e:  # PortAudioError: busy or unplugged speaker; or a stalled stream
            problem = failure_reason(e)
        name = self.device.name
        log.warning("the speaker '%s' could not play (%s); reopening it", name, problem)
        playback = self._reopen(audio, name, problem)
        try:
            playback.finish()
        except Exception as e:
            raise DeviceError(f"the speaker '{name}' could not play ({problem}), nor after being reopened "
                              f"({failure_reason(e)})", SPEAKER_HINT) from e
        log.warning("speaker reconnected: '%s'", self.device.name)

    def _reopen(self, audio: AudioChunk, name: str, problem: str) -> "_Playback":
        """Start the audio again on the same device found by name. The cached device list: a rescan
        would close the microphone's stream."""
        try:
            self.device, playback = reopen_by_name(
                name, self.wanted not in (None, ""), "output", lambda rescan: self._devices(),
                lambda device: self._start(audio, device), self._clock, self.reopen_wait_s)
        except Exception as e:
            raise DeviceError(f"the speaker '{name}' could not play ({problem}) and could not be "
                              f"reopened ({failure_reason(e)})", SPEAKER_HINT) from e
        return playback

    def _start(self, audio: AudioChunk, device: DeviceInfo) -> "_Playback":
        rate = device.native_rate_hz
        samples = resample(audio.samples, audio.sample_rate_hz, rate).astype(np.float32)
        # silence before (PortAudio's start drop) and latency + 0.1 s after (its end drop)
        padded = np.concatenate([np.zeros(int(rate * self.lead_s), np.float32), samples,
                                 np.zeros(int(rate * (self.latency_s + 0.1)), np.float32)])
        playback = _Playback(padded, len(padded) / rate + self.latency_s + self.stall_s, self.stall_s)
        factory = self._stream_factory or sounddevice_module().OutputStream
        stream = factory(device=device.index, channels=1, samplerate=rate, dtype="float32",
                         latency=self.latency_s, callback=playback.callback, finished_callback=playback.done.set,
                         prime_output_buffers_using_stream_callback=False)
        try:
            stream.start()
        except Exception:
            close_quietly(stream)
            raise
        playback.stream = stream
        return playback


class _Playback:
    """One utterance on one stream: the callback feeds it, `finish()` waits for its end."""

    def __init__(self, padded: np.ndarray, limit_s: float, stall_s: float):
        self.padded = padded
        self.limit_s = limit_s
        self.stall_s = stall_s
        self.position = 0
        self.done = threading.Event()
        self.stream = None

    def callback(self, outdata, frames, time_info, status) -> None:
        count = min(frames, len(self.padded) - self.position)
        outdata[:count, 0] = self.padded[self.position:self.position + count]
        outdata[count:] = 0
        self.position += count
        if count == 0:  # as sounddevice.play: the call after the data ran out ends the stream
            self.done.set()

    def finish(self) -> None:
        try:
            finished = self.done.wait(self.limit_s)
        finally:
            close_quietly(self.stream)
        if not finished:
            raise DeviceError(f"playback stalled for over {self.stall_s:g} s")
        if self.position < len(self.padded):
            raise DeviceError("the stream ended before the audio did")


def tone(seconds: float = 0.5, frequency_hz: float = 440.0, amplitude: float = 0.3) -> AudioChunk:
    t = np.arange(int(SAMPLE_RATE_HZ * seconds)) / SAMPLE_RATE_HZ
    return AudioChunk((amplitude * np.sin(2 * np.pi * frequency_hz * t)).astype(np.float32))

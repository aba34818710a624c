"""SpeechSink: where the interviewer's words go. SpeakerSink (synthesize, then play) and NullSink.

`say(text)` blocks until the last sample has been heard, so the caller knows when to start
listening. PortAudio drops up to ~20 ms at a stream's start and the last `latency` seconds at its end,
so every utterance is padded with silence before (20 ms: every millisecond there delays the next
question) and after (latency + 0.1 s), or question endings are cut.
"""
from __future__ import annotations

import logging
from typing import Callable, Protocol

import numpy as np

from voice.audio import SAMPLE_RATE_HZ, AudioChunk
from voice.devices import DeviceInfo, resolve_device, sounddevice_module
from voice.errors import DeviceError
from voice.tts import Synthesizer

log = logging.getLogger(__name__)


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
    """Speaks through sounddevice. `prepare(text)` synthesizes ahead so `say(text)` starts at once."""

    def __init__(self, synthesizer: Synthesizer, device: str | int | None = None, *, latency_s: float = 0.2,
                 lead_s: float = 0.02, on_playback_start: Callable[[], None] | None = None):
        self.synthesizer = synthesizer
        self.device: DeviceInfo = resolve_device(device, "output")
        self.latency_s = latency_s
        self.lead_s = lead_s
        self.on_playback_start = on_playback_start
        self._prepared: dict[str, AudioChunk] = {}

    def prepare(self, text: str) -> None:
        if text not in self._prepared:
            self._prepared[text] = self.synthesizer.synthesize(text)

    def say(self, text: str) -> None:
        self.prepare(text)
        self.play(self._prepared.pop(text))

    def play(self, audio: AudioChunk) -> None:
        sd = sounddevice_module()
        from voice.audio import resample

        rate = self.device.native_rate_hz
        samples = resample(audio.samples, audio.sample_rate_hz, rate)
        # silence before (PortAudio's start drop) and latency + 0.1 s after (its end drop)
        padded = np.concatenate([np.zeros(int(rate * self.lead_s), np.float32), samples,
                                 np.zeros(int(rate * (self.latency_s + 0.1)), np.float32)])
        if self.on_playback_start:
            self.on_playback_start()
        try:
            sd.play(padded, samplerate=rate, device=self.device.index, latency=self.latency_s, blocking=True)
        except Exception as e:  # PortAudioError: busy or unplugged speaker
            raise DeviceError(f"the speaker '{self.device.name}' could not play ({e})",
                              "pick another with --output-device") from e


def tone(seconds: float = 0.5, frequency_hz: float = 440.0, amplitude: float = 0.3) -> AudioChunk:
    t = np.arange(int(SAMPLE_RATE_HZ * seconds)) / SAMPLE_RATE_HZ
    return AudioChunk((amplitude * np.sin(2 * np.pi * frequency_hz * t)).astype(np.float32))

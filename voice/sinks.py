"""SpeechSink: where the interviewer's words go. SpeakerSink synthesizes, then plays.

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
import time
from typing import Callable, Protocol

import numpy as np

from voice.audio import SAMPLE_RATE_HZ, AudioChunk, resample
from voice.clock import Clock, SystemClock
from voice.devices import (DeviceInfo, close_quietly, failure_reason, list_devices, reopen_by_name,
                           resolve_device, sounddevice_module)
from voice.echo import PlayedAudio
from voice.errors import DeviceError
from voice.timing import mark
from voice.tts import Synthesizer

log = logging.getLogger(__name__)

MAX_PREPARED = 12
SPEAKER_HINT = "check that it is connected, or pick another with --output-device; then resume the session"


class SpeechSink(Protocol):
    def say(self, text: str) -> None:
        """Speak `text`; returns once it has been heard (or was interrupted)."""

    def prepare(self, text: str) -> None:
        """Synthesize `text` ahead, so that saying it starts at once."""

    def slow_down(self) -> None:
        """Speak more slowly from now on (the candidate asked)."""

    def interrupt(self) -> None:
        """Stop what is being said now (the candidate barged in); `say` then returns at once."""


class SpeakerSink:
    """Speaks through sounddevice. `prepare(text)` synthesizes ahead so `say(text)` starts at once.

    `stream_factory` (sounddevice.OutputStream by default), `devices` and `clock` are seams for tests.
    """

    def __init__(self, synthesizer: Synthesizer, device: str | int | None = None, *, latency_s: float = 0.2,
                 lead_s: float = 0.02, on_playback_start: Callable[[], None] | None = None,
                 stall_s: float = 5.0, reopen_wait_s: float = 2.0, played: PlayedAudio | None = None,
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
        # what is played, stamped with when it is heard: the echo canceller's reference
        self.played = played
        self._playing: _Playback | None = None
        self._interrupted = False

    def prepare(self, text: str) -> None:
        if text not in self._prepared:
            audio = self.synthesizer.synthesize(text)
            self._prepared[text] = audio
            # texts prepared but never said (follow-ups not asked) must not pile up
            while len(self._prepared) > MAX_PREPARED:
                self._prepared.pop(next(iter(self._prepared)))

    def interrupt(self) -> None:
        self._interrupted = True
        playing = self._playing
        if playing is not None:
            playing.interrupt()

    def slow_down(self) -> None:
        self.synthesizer.slow_down()
        self._prepared.clear()   # synthesized at the old rate

    def close(self) -> None:
        self.synthesizer.close()

    def say(self, text: str) -> None:
        self.prepare(text)
        self.play(self._prepared.pop(text))

    def play(self, audio: AudioChunk) -> None:
        if self.on_playback_start:
            self.on_playback_start()
        self._interrupted = False
        try:
            self._finish(self._start(audio, self.device))
            return
        except Exception as e:  # PortAudioError: busy or unplugged speaker; or a stalled stream
            problem = failure_reason(e)
        name = self.device.name
        log.warning("the speaker '%s' could not play (%s); reopening it", name, problem)
        playback = self._reopen(audio, name, problem)
        try:
            self._finish(playback)
        except Exception as e:
            raise DeviceError(f"the speaker '{name}' could not play ({problem}), nor after being reopened "
                              f"({failure_reason(e)})", SPEAKER_HINT) from e
        log.warning("speaker reconnected: '%s'", self.device.name)

    def _finish(self, playback: "_Playback") -> None:
        self._playing = playback
        if self._interrupted:       # interrupted while the stream was being opened
            playback.interrupt()
        try:
            playback.finish()
        finally:
            self._playing = None

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
        playback = _Playback(padded, len(padded) / rate + self.latency_s + self.stall_s, self.stall_s,
                             rate, audio if self.played is not None else None, self.played, self.lead_s)
        factory = self._stream_factory or sounddevice_module().OutputStream
        stream = factory(device=device.index, channels=1, samplerate=rate, dtype="float32",
                         latency=self.latency_s, callback=playback.callback, finished_callback=playback.done.set,
                         prime_output_buffers_using_stream_callback=False)
        try:
            stream.start()
        except Exception:
            close_quietly(stream)
            raise
        mark("playback_started")
        log.debug("playback started (%.1f s)", audio.duration_s)
        playback.stream = stream
        return playback


class _Playback:
    """One utterance on one stream: the callback feeds it, `finish()` waits for its end."""

    def __init__(self, padded: np.ndarray, limit_s: float, stall_s: float, rate_hz: int = SAMPLE_RATE_HZ,
                 reference: AudioChunk | None = None, played: PlayedAudio | None = None, lead_s: float = 0.0):
        self.padded = padded
        self.limit_s = limit_s
        self.stall_s = stall_s
        self.position = 0
        self.done = threading.Event()
        self.interrupted = False
        self.stream = None
        self.started_at_s: float | None = None
        self.rate_hz = rate_hz
        self.played = played
        # the 16 kHz audio as padded, for the echo canceller's reference
        self.reference = (np.concatenate([np.zeros(int(SAMPLE_RATE_HZ * lead_s), np.float32), reference.samples])
                          if reference is not None and played is not None else None)

    def callback(self, outdata, frames, time_info, status) -> None:
        count = 0 if self.interrupted else min(frames, len(self.padded) - self.position)
        outdata[:count, 0] = self.padded[self.position:self.position + count]
        outdata[count:] = 0
        if self.reference is not None and count:
            self._stamp(self.position, count, time_info)
        self.position += count
        if count == 0:  # as sounddevice.play: the call after the data ran out ends the stream
            self.done.set()

    def _stamp(self, position: int, count: int, time_info) -> None:
        """Hand what is played now to the echo canceller's reference, at the time it will be heard."""
        # the samples of one playback are contiguous: their time runs on from the first callback's
        # (the echo canceller lines the whole up with the echo itself, see voice/echo.py)
        now = time.monotonic()
        if self.started_at_s is None or abs(now - (self.started_at_s + position / self.rate_hz)) > 0.25:
            self.started_at_s = now - position / self.rate_hz
        heard_at = self.started_at_s + position / self.rate_hz
        a = position * SAMPLE_RATE_HZ // self.rate_hz
        b = (position + count) * SAMPLE_RATE_HZ // self.rate_hz
        self.played.write(self.reference[a:b], heard_at)

    def interrupt(self) -> None:
        self.interrupted = True
        self.done.set()

    def finish(self) -> None:
        try:
            finished = self.done.wait(self.limit_s)
        finally:
            close_quietly(self.stream)
        if self.interrupted:
            return
        if not finished:
            raise DeviceError(f"playback stalled for over {self.stall_s:g} s")
        if self.position < len(self.padded):
            raise DeviceError("the stream ended before the audio did")


def tone(seconds: float = 0.5, frequency_hz: float = 440.0, amplitude: float = 0.3) -> AudioChunk:
    t = np.arange(int(SAMPLE_RATE_HZ * seconds)) / SAMPLE_RATE_HZ
    return AudioChunk((amplitude * np.sin(2 * np.pi * frequency_hz * t)).astype(np.float32))

"""Checks that a desktop can hold a live interview, each with a fix when it fails.

Kept in voice/ for the audio checks; the model checks are passed in by the CLI so that voice
imports no other project package.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable

import numpy as np

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""


def run_check(name: str, probe: Callable[[], str], fix: str) -> Check:
    """Run one probe; its return value is the detail, any exception a failure."""
    try:
        return Check(name, True, probe())
    except Exception as e:  # a doctor reports every failure instead of stopping at the first
        message = e.one_line() if hasattr(e, "one_line") else str(e)
        return Check(name, False, message[:300], fix)


def record_level(device: str | int | None = None, seconds: float = 1.0, wait_s: float = 5.0) -> str:
    """Record from the microphone and report its level. A microphone that is there but sends nothing (a
    suspended source, a headset in the wrong profile) fails after `wait_s` more seconds instead of
    holding the doctor forever."""
    import threading

    from voice.devices import close_quietly, resolve_device, sounddevice_module
    from voice.errors import DeviceError

    sd = sounddevice_module()
    info = resolve_device(device, "input")
    wanted = int(info.native_rate_hz * seconds)
    blocks: list[np.ndarray] = []
    enough = threading.Event()

    received = 0

    def keep(indata, frames, time_info, status) -> None:
        nonlocal received
        blocks.append(indata[:, 0].copy())
        received += frames
        if received >= wanted:
            enough.set()

    stream = sd.InputStream(device=info.index, channels=1, samplerate=info.native_rate_hz, dtype="float32",
                            callback=keep)
    try:
        stream.start()
        heard = enough.wait(seconds + wait_s)
    finally:
        close_quietly(stream)
    audio = np.concatenate(blocks)[:wanted] if blocks else np.zeros(0, np.float32)
    if not heard:
        raise DeviceError(f"the microphone '{info.name}' sent {len(audio) / info.native_rate_hz:.1f} s of audio in "
                          f"{seconds + wait_s:g} s (it is there but silent: suspended, or in use by another profile)")
    rms = float(np.sqrt(np.mean(np.square(audio)))) if audio.size else 0.0
    db = 20 * np.log10(max(rms, 1e-9))
    note = "" if rms > 1e-4 else " (silent: is the microphone muted?)"
    return f"{info.name} at {info.native_rate_hz} Hz, level {db:.0f} dBFS{note}"


def play_tone(device: str | int | None = None) -> str:
    from voice.sinks import SpeakerSink, tone
    from voice.tts import Synthesizer

    sink = SpeakerSink(Synthesizer(), device)
    sink.play(tone(0.3))
    return f"{sink.device.name} at {sink.device.native_rate_hz} Hz"


def synthesize(engine: str, voice: str | None = None) -> str:
    from voice.tts import Synthesizer, TTSOptions

    synth = Synthesizer(TTSOptions(engine=engine, voice=voice))
    try:
        audio = synth.synthesize("Testing one two three.")
    finally:
        synth.close()
    if audio.duration_s < 0.3:
        raise RuntimeError("the speech engine produced no audio")
    return f"{synth.engine_used}: {audio.duration_s:.1f} s of speech"


def vad_loads() -> str:
    from voice.streaming_vad import FRAME_SAMPLES, StreamingSpeechDetector

    detector = StreamingSpeechDetector()
    detector.probability(np.zeros(FRAME_SAMPLES, dtype=np.float32))
    return "Silero VAD ready"

"""Text to speech as a WAV file: pyttsx3's save_to_file, or espeak-ng -w as a fallback.

pyttsx3's own playback (runAndWait speaking aloud) hangs or cuts speech off on Linux, so speech
is always synthesized to a file within a time limit and then played by sounddevice (sinks.py).
"""
from __future__ import annotations

import contextlib
import io
import logging
import os
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from voice.audio import AudioChunk, decode_file
from voice.errors import AudioError, MissingDependency

log = logging.getLogger(__name__)

Engine = Literal["pyttsx3", "espeak"]


@dataclass(frozen=True)
class TTSOptions:
    engine: Engine = "pyttsx3"
    voice: str | None = None
    rate_wpm: int = 175
    timeout_s: float = 15.0


class Synthesizer:
    """`synthesize(text) -> AudioChunk` (16 kHz mono). Falls back to espeak-ng when pyttsx3 fails."""

    def __init__(self, options: TTSOptions = TTSOptions()):
        self.options = options
        self._engine = None
        self._lock = threading.Lock()
        self._dir = Path(tempfile.mkdtemp(prefix="vivavoce-tts-"))
        self.engine_used: Engine = options.engine

    def synthesize(self, text: str) -> AudioChunk:
        target = self._dir / f"say-{threading.get_ident()}.wav"
        with self._lock:
            if self.options.engine == "pyttsx3":
                try:
                    self._pyttsx3_to_file(text, target)
                    self.engine_used = "pyttsx3"
                    return _read(target)
                except (MissingDependency, AudioError, RuntimeError, OSError) as e:
                    log.warning("pyttsx3 failed (%s); using espeak-ng", e)
            _espeak_to_file(text, target, self.options)
            self.engine_used = "espeak"
            return _read(target)

    def _pyttsx3_to_file(self, text: str, target: Path) -> None:
        if self._engine is None:
            try:
                import pyttsx3
            except ImportError as e:
                raise MissingDependency("pyttsx3") from e
            self._engine = pyttsx3.init()
            self._engine.setProperty("rate", self.options.rate_wpm)
            if self.options.voice:
                self._engine.setProperty("voice", _pick_voice(self._engine, self.options.voice))
        target.unlink(missing_ok=True)
        done = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            try:
                with contextlib.redirect_stdout(io.StringIO()):  # it prints "Audio saved to ..."
                    self._engine.save_to_file(text, str(target))
                    self._engine.runAndWait()
            except BaseException as e:  # reported to the caller below
                failure.append(e)
            finally:
                done.set()

        worker = threading.Thread(target=run, name="pyttsx3", daemon=True)
        worker.start()
        if not done.wait(self.options.timeout_s):
            self._engine = None  # a hung engine is abandoned, not reused
            raise RuntimeError(f"pyttsx3 did not finish within {self.options.timeout_s:.0f} s")
        if failure:
            raise RuntimeError(f"pyttsx3: {failure[0]}")
        if not target.exists() or target.stat().st_size < 100:
            raise RuntimeError("pyttsx3 wrote no audio")

    def close(self) -> None:
        shutil.rmtree(self._dir, ignore_errors=True)


def _pick_voice(engine, wanted: str) -> str:
    voices = engine.getProperty("voices")
    for v in voices:
        if wanted in (v.id, v.name) or wanted.lower() in str(v.name).lower():
            return v.id
    names = ", ".join(str(v.name) for v in voices[:20])
    raise AudioError(f"no voice '{wanted}'", f"voices include: {names}")


def _espeak_to_file(text: str, target: Path, options: TTSOptions) -> None:
    exe = shutil.which("espeak-ng") or shutil.which("espeak")
    if exe is None:
        raise MissingDependency("espeak-ng (apt-get install espeak-ng)")
    cmd = [exe, "-w", str(target), "-s", str(options.rate_wpm)]
    if options.voice:
        cmd += ["-v", options.voice]
    try:
        result = subprocess.run(cmd + ["--", text], capture_output=True, timeout=options.timeout_s,
                                env={**os.environ})
    except subprocess.TimeoutExpired:
        raise AudioError(f"espeak-ng did not finish within {options.timeout_s:.0f} s") from None
    if result.returncode != 0 or not target.exists():
        raise AudioError(f"espeak-ng failed: {result.stderr.decode(errors='replace').strip()[:200]}",
                         "check --voice (espeak-ng --voices lists them)")


def _read(path: Path) -> AudioChunk:
    return decode_file(path)

"""Text to speech as a WAV file: pyttsx3's save_to_file, or espeak-ng -w as a fallback.

pyttsx3's own playback (runAndWait speaking aloud) hangs or cuts speech off on Linux, so speech
is always synthesized to a file within a time limit and then played by sounddevice (sinks.py).
"""
from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
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
    # "slower, please": each request multiplies the rate by this, down to min_rate_wpm
    slower_factor: float = 0.8
    min_rate_wpm: int = 100


class Synthesizer:
    """`synthesize(text) -> AudioChunk` (16 kHz mono). Falls back to espeak-ng when pyttsx3 fails."""

    def __init__(self, options: TTSOptions = TTSOptions()):
        self.options = options
        self._lock = threading.Lock()
        self._dir = Path(tempfile.mkdtemp(prefix="vivavoce-tts-"))
        self.engine_used: Engine = options.engine

    def slow_down(self) -> None:
        """Speak more slowly from now on."""
        from dataclasses import replace

        rate = max(self.options.min_rate_wpm, int(self.options.rate_wpm * self.options.slower_factor))
        with self._lock:
            self.options = replace(self.options, rate_wpm=rate)

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
        # In its own process: pyttsx3's espeak driver can return before the file is written, hang,
        # or print; a child process that must exit within the time limit contains all three.
        target.unlink(missing_ok=True)
        try:
            result = subprocess.run([sys.executable, "-c", _PYTTSX3_SCRIPT, str(target), str(self.options.rate_wpm),
                                     self.options.voice or "", text],
                                    capture_output=True, timeout=self.options.timeout_s)
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"pyttsx3 did not finish within {self.options.timeout_s:.0f} s") from None
        if result.returncode == 3:
            raise MissingDependency("pyttsx3")
        if result.returncode == 4:
            raise AudioError(f"no voice '{self.options.voice}'", result.stderr.decode(errors="replace").strip()[-300:])
        if result.returncode != 0:
            raise RuntimeError(f"pyttsx3: {result.stderr.decode(errors='replace').strip()[-200:]}")
        if not target.exists() or target.stat().st_size < 100:
            raise RuntimeError("pyttsx3 wrote no audio")

    def close(self) -> None:
        shutil.rmtree(self._dir, ignore_errors=True)


_PYTTSX3_SCRIPT = """
import sys, time
from pathlib import Path
target, rate, voice, text = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
try:
    import pyttsx3
except ImportError:
    sys.exit(3)
engine = pyttsx3.init()
engine.setProperty("rate", rate)
if voice:
    voices = engine.getProperty("voices")
    match = [v.id for v in voices if voice in (v.id, v.name) or voice.lower() in str(v.name).lower()]
    if not match:
        sys.stderr.write("voices include: " + ", ".join(str(v.name) for v in voices[:20]))
        sys.exit(4)
    engine.setProperty("voice", match[0])
engine.save_to_file(text, target)
engine.runAndWait()
# the espeak driver may finish writing after runAndWait returns
size = -1
for _ in range(200):
    p = Path(target)
    if p.exists() and p.stat().st_size == size and size > 44:
        break
    size = p.stat().st_size if p.exists() else -1
    time.sleep(0.02)
"""


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


# kept around the speech: engines pad each side with silence the candidate would only wait through
LEAD_KEEP_S = 0.01
TAIL_KEEP_S = 0.1
SILENCE_LEVEL = 0.01


def _read(path: Path) -> AudioChunk:
    return trim_silence(decode_file(path))


def trim_silence(audio: AudioChunk) -> AudioChunk:
    """The synthesized speech without the engine's silence before and after it."""
    import numpy as np

    loud = np.flatnonzero(np.abs(audio.samples) > SILENCE_LEVEL)
    if len(loud) == 0:
        return audio
    rate = audio.sample_rate_hz
    start = max(0, int(loud[0]) - int(LEAD_KEEP_S * rate))
    end = min(len(audio.samples), int(loud[-1]) + 1 + int(TAIL_KEEP_S * rate))
    return AudioChunk(audio.samples[start:end], rate, audio.start_s)

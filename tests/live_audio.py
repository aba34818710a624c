"""Virtual audio for live tests and the latency benchmark: start the private PulseAudio
(shared/ci/audio-up.sh), hear the virtual speaker, and speak into the virtual microphone.

The scripted candidate waits until the interviewer's words end on the speaker, then plays its
answer into the microphone. Every wait polls the captured signal with a bounded timeout.
"""
from __future__ import annotations

import os
import subprocess
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from tests.conftest import stop_process

REPO = Path(__file__).resolve().parents[1]
RATE_HZ = 16000
LOUD = 0.01            # RMS above this in a 20 ms block counts as sound
# the interviewer's rate in the live tests (--speech-rate): every second it talks is a second of CI
FAST_WPM = "260"


def shared_dir() -> Path:
    return Path(os.environ.get("SHARED_DIR", REPO.parent / "shared"))


def audio_up() -> dict[str, str]:
    """Start (or reuse) the virtual devices and return their environment; a broken setup fails loudly."""
    script = shared_dir() / "ci" / "audio-up.sh"
    if not script.exists():
        raise RuntimeError(f"{script} not found: set SHARED_DIR to the folder holding ci/audio-up.sh")
    result = subprocess.run(["bash", str(script), "--install"], capture_output=True, text=True, timeout=300)
    if result.returncode != 0:  # the devices should be there: a broken setup must fail, not skip
        raise RuntimeError(f"audio-up.sh failed: {result.stderr.strip()[-500:]}")
    env = {}
    for line in result.stdout.splitlines():
        if line.startswith("export "):
            key, _, value = line[len("export "):].partition("=")
            env[key] = value.strip("'\"")
    if "PULSE_SERVER" not in env:
        raise RuntimeError(f"audio-up.sh printed no PULSE_SERVER: {result.stdout.strip()[-300:]}")
    os.environ.update(env)  # before anything in this process imports sounddevice
    return env


class Monitor:
    """Captures a PulseAudio source (e.g. vspeaker.monitor) into memory, timestamping arrivals."""

    def __init__(self, source: str, env: dict[str, str]):
        self.process = subprocess.Popen(
            ["parec", "-d", source, "--format=s16le", f"--rate={RATE_HZ}", "--channels=1", "--latency-msec=20"],
            stdout=subprocess.PIPE, env={**os.environ, **env})
        self._blocks: list[np.ndarray] = []
        self._arrivals: list[tuple[int, float]] = []   # (samples so far, monotonic time) per read
        self._count = 0
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._pump, daemon=True)
        self._thread.start()

    def _pump(self) -> None:
        stream = self.process.stdout
        while True:
            data = stream.read1(640) if hasattr(stream, "read1") else stream.read(640)
            if not data:
                return
            block = np.frombuffer(data[: len(data) // 2 * 2], dtype="<i2").astype(np.float32) / 32768
            with self._lock:
                self._blocks.append(block)
                self._count += len(block)
                self._arrivals.append((self._count, time.monotonic()))

    def samples(self) -> np.ndarray:
        with self._lock:
            return np.concatenate(self._blocks) if self._blocks else np.zeros(0, np.float32)

    def time_of(self, sample: int) -> float:
        """Monotonic time at which `sample` arrived (from the read that delivered it)."""
        with self._lock:
            for count, at in self._arrivals:
                if count > sample:
                    return at - (count - sample) / RATE_HZ
            return self._arrivals[-1][1] if self._arrivals else time.monotonic()

    def loud_blocks(self, start: int = 0, block: int = 320) -> np.ndarray:
        audio = self.samples()[start:]
        n = len(audio) // block
        rms = np.sqrt(np.mean(np.square(audio[: n * block].reshape(n, block)), axis=1)) if n else np.zeros(0)
        return rms > LOUD

    def next_utterance(self, after: int, gap_s: float = 0.8, timeout_s: float = 90.0,
                       alive=lambda: True) -> tuple[int, int]:
        """(first, last) loud sample of the next sound after sample `after` that is followed by `gap_s`
        of silence. Polls; raises TimeoutError after `timeout_s`."""
        deadline = time.monotonic() + timeout_s
        block = 320
        while time.monotonic() < deadline:
            loud = self.loud_blocks(after, block)
            idx = np.flatnonzero(loud)
            if len(idx):
                first = idx[0]
                # the end: a loud block followed by gap_s of quiet blocks
                gap = int(gap_s * RATE_HZ / block)
                for i in range(len(idx)):
                    end = idx[i]
                    nxt = idx[i + 1] if i + 1 < len(idx) else None
                    if nxt is None and len(loud) - 1 - end >= gap or nxt is not None and nxt - end > gap:
                        return after + first * block, after + (end + 1) * block
            if not alive():
                if len(idx):    # its last words: the process says nothing more, so no silence need follow
                    time.sleep(0.3)
                    loud = np.flatnonzero(self.loud_blocks(after, block))
                    return after + int(loud[0]) * block, after + (int(loud[-1]) + 1) * block
                raise RuntimeError("the interview process ended while waiting for speech")
            time.sleep(0.05)
        raise TimeoutError(f"no utterance after sample {after} within {timeout_s} s")

    def stop(self) -> None:
        stop_process(self.process)


@contextmanager
def microphone_suspended(env: dict[str, str]):
    """The virtual microphone suspended: there, still listed, and sending nothing; resumed afterwards."""
    suspend = lambda flag: subprocess.run(["pactl", "suspend-source", "vmic", flag], env={**os.environ, **env},  # noqa: E731
                                          check=True, timeout=10)
    suspend("1")
    try:
        yield
    finally:
        suspend("0")


def speak_into_mic(wav: Path, env: dict[str, str]) -> None:
    """Play a file into the virtual microphone; returns when played."""
    subprocess.run(["paplay", "-d", "vmic_in", str(wav)], check=True, timeout=60, env={**os.environ, **env})


def espeak_wav(text: str, path: Path, pause_s: float = 0.0, then: str | None = None) -> Path:
    """A candidate's answer as a 16 kHz WAV (espeak-ng), optionally with a silent pause and a second part."""
    import soundfile as sf

    from voice.audio import decode_file

    parts = []
    for i, piece in enumerate([text] + ([then] if then else [])):
        tmp = path.with_suffix(f".{i}.wav")
        subprocess.run(["espeak-ng", "-s", "160", "-w", str(tmp), piece], check=True, timeout=30)
        parts.append(decode_file(tmp).samples)
        tmp.unlink()
    audio = parts[0]
    if then:
        audio = np.concatenate([audio, np.zeros(int(pause_s * RATE_HZ), np.float32), parts[1]])
    sf.write(str(path), audio, RATE_HZ, subtype="PCM_16")
    return path


_QUESTIONS = (("q1", "pipelines", "Tell me about a data pipeline you built.", "[Python, scheduling]"),
              ("q2", "testing", "How do you test your database queries?", "[unit tests]"),
              ("q3", "teamwork", "Describe a disagreement in your team.", "[listening]"))


def live_plan(count: int = 3, company: str | None = None) -> str:
    """plan.yaml text for the live tests: the first `count` of three short questions with rubrics."""
    lines = ["role: Data engineer"] + ([f"company: {company}"] if company else []) + ["questions:"]
    for qid, competency, text, rubric in _QUESTIONS[:count]:
        lines += [f"  - id: {qid}", f"    competency: {competency}", f"    text: {text}", f"    rubric: {rubric}"]
    return "\n".join(lines) + "\n"

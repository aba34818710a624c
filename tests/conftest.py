"""Shared fixtures: speech synthesis, the real models loaded once, and a CLI runner."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
REPO = Path(__file__).resolve().parent.parent


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str


def run_cli(*args: str, timeout_s: float = 300, cwd: Path | None = None, env: dict | None = None) -> CliResult:
    """Run `interview ...` in a subprocess, as a user would."""
    full_env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""),
                **(env or {})}
    done = subprocess.run([sys.executable, "-m", "interview", *args], capture_output=True, text=True,
                          timeout=timeout_s, cwd=cwd, env=full_env)
    return CliResult(done.returncode, done.stdout, done.stderr)


def stop_process(process: subprocess.Popen, grace_s: float = 5) -> None:
    """Ask a process to end; kill it if it has not within grace_s."""
    process.terminate()
    try:
        process.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def assert_clean_error(result: CliResult, *needles: str) -> None:
    """Exit 2, one line on stderr that names the problem, no traceback."""
    assert result.code == 2, (result.code, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for needle in needles:
        assert needle.lower() in lines[0].lower(), (needle, lines[0])


@pytest.fixture(scope="session")
def speak(tmp_path_factory):
    """speak(text, name, *espeak_args) -> path of a 16 kHz mono WAV of espeak-ng saying `text`."""
    if not shutil.which("espeak-ng"):
        pytest.fail("espeak-ng is required for the speech tests: apt-get install espeak-ng (make test does it)")
    folder = tmp_path_factory.mktemp("speech")

    def _speak(text: str, name: str = "speech.wav", *args: str) -> Path:
        import soundfile as sf

        from voice.audio import resample, to_mono_float32

        raw = folder / f"raw-{name}"
        subprocess.run(["espeak-ng", "-v", "en-us", *args, "-w", str(raw), text], check=True)
        samples, rate = sf.read(raw, dtype="float32")
        out = folder / name
        sf.write(out, resample(to_mono_float32(samples), rate), 16000, subtype="PCM_16")
        return out

    return _speak


@pytest.fixture(scope="session")
def transcriber():
    from voice.stt import WhisperTranscriber

    return WhisperTranscriber()


@pytest.fixture(scope="session")
def embedder():
    from nlp.embedding import load_embedder

    return load_embedder()


def write_wav(path: Path, samples: np.ndarray, rate: int = 16000, subtype: str = "PCM_16") -> Path:
    import soundfile as sf

    sf.write(path, samples, rate, subtype=subtype)
    return path

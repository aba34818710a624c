"""A microphone that fails mid-session, on the virtual PulseAudio devices.

What PortAudio (ALSA's pulse plugin) sees depends on how the source goes away:
- the source's module unloaded: PulseAudio moves the stream to the fallback source and back when
  the source returns; PortAudio sees no error and MicSource goes on without reopening;
- the stream killed by the server (a source with nowhere to move to, a server going away): the
  stream ends (`active` false), or stops calling back, and MicSource reopens it;
- the source suspended: the stream stays active and stops calling back; MicSource counts the
  silence as a stall, reopens, and gives up when the new stream is quiet too.
Everything that changes the shared daemon is undone in the same test (try/finally); the whole
`interview live` run kills a private daemon of its own instead.
"""
from __future__ import annotations

import json
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

from tests.live_audio import (FAST_WPM, REPO, Monitor, audio_up, espeak_wav, live_plan, microphone_suspended, shared_dir,
                              speak_into_mic)

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def audio_env():
    return audio_up()


def pactl(env: dict, *args: str) -> str:
    done = subprocess.run(["pactl", *args], capture_output=True, text=True, timeout=10, env={**os.environ, **env})
    assert done.returncode == 0, (args, done.stderr)
    return done.stdout.strip()


@contextmanager
def microphone_unplugged(env: dict):
    """The module providing source `vmic` unloaded, then loaded again with the same arguments."""
    line = next(m for m in pactl(env, "list", "short", "modules").splitlines()
                if "module-remap-source" in m and re.search(r"\bsource_name=vmic\b", m))
    index, _, arguments = line.split("\t")[:3]
    default_source = pactl(env, "get-default-source")
    pactl(env, "unload-module", index)
    try:
        yield
    finally:
        pactl(env, "load-module", "module-remap-source", arguments)
        pactl(env, "set-default-source", default_source)


@contextmanager
def tone_into_microphone(env: dict, folder: Path, seconds: float = 8.0):
    import soundfile as sf

    wav = folder / "tone.wav"
    t = np.arange(int(16000 * seconds)) / 16000
    sf.write(wav, (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32), 16000, subtype="PCM_16")
    player = subprocess.Popen(["paplay", "-d", "vmic_in", str(wav)], env={**os.environ, **env})
    try:
        yield
    finally:
        player.terminate()
        player.wait(timeout=5)


def listen(mic, seconds: float) -> list:
    """Chunks read for `seconds` of wall time (bounded: a stalled microphone returns empty chunks)."""
    chunks = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        chunks.append(mic.read(32))
    return chunks


def loudness(chunks) -> float:
    samples = np.concatenate([c.samples for c in chunks]) if chunks else np.zeros(1, np.float32)
    return float(np.sqrt(np.mean(np.square(samples)))) if len(samples) else 0.0


def assert_continuous(chunks) -> None:
    for before, after in zip(chunks, chunks[1:]):
        assert after.start_s == pytest.approx(before.start_s + len(before.samples) / 16000)


def test_pulse_moves_the_stream_when_the_microphone_module_is_unloaded(audio_env, tmp_path):
    from voice.sources import MicSource

    mic = MicSource()
    mic.start()
    try:
        with tone_into_microphone(audio_env, tmp_path):
            before = listen(mic, 1.0)
            with microphone_unplugged(audio_env):
                gone = listen(mic, 1.0)
            after = listen(mic, 1.5)
    finally:
        mic.close()
    assert mic.reopens == 0 and mic.failure is None   # PortAudio saw nothing to reopen
    assert_continuous(before + gone + after)
    assert loudness(before) > 0.1
    assert loudness(after[-15:]) > 0.1                # moved back onto vmic, hearing the tone again


def find_source_output(env: dict) -> str:
    """This process's recording stream on the PulseAudio server."""
    listing = pactl(env, "list", "source-outputs")
    current = None
    for line in listing.splitlines():
        if line.startswith("Source Output #"):
            current = line.split("#", 1)[1].strip()
        elif "application.process.id" in line and f'"{os.getpid()}"' in line:
            return current
    raise AssertionError(f"no source output of process {os.getpid()}:\n{listing}")


@contextmanager
def server_commands(env: dict):
    """pacmd (kill-source-output) needs the CLI protocol module; it is unloaded again afterwards."""
    index = pactl(env, "load-module", "module-cli-protocol-unix")
    try:
        yield lambda *args: subprocess.run(["pacmd", *args], capture_output=True, text=True, timeout=10,
                                           env={**os.environ, **env}, check=True)
    finally:
        pactl(env, "unload-module", index)


def kill_own_source_output(env: dict, pacmd) -> None:
    """Kill this process's recording stream. An overrun on a busy machine makes ALSA's pulse plugin
    replace the stream (new index) at any moment, and pacmd exits 0 for an index that is gone: it
    says so on stdout, and the stream is looked up again."""
    for _ in range(5):
        done = pacmd("kill-source-output", find_source_output(env))
        if "No source output found" not in done.stdout + done.stderr:
            return
    raise AssertionError("the recording stream kept changing its index; nothing was killed")


def listen_until_reopened(mic, limit_s: float) -> list:
    """Chunks read until the microphone has reopened (or `limit_s` passed): noticing a stream that
    ends is immediate, one that just stops calling back takes `stall_s`, and the reopen up to
    `reopen_wait_s`."""
    chunks = []
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline and mic.reopens == 0:
        chunks.append(mic.read(32))
    return chunks


def test_a_microphone_stream_killed_by_the_server_is_reopened(audio_env, tmp_path, caplog):
    from voice.sources import MicSource

    mic = MicSource()
    mic.start()
    try:
        with tone_into_microphone(audio_env, tmp_path), caplog.at_level(logging.WARNING, logger="voice.sources"):
            before = listen(mic, 1.0)
            with server_commands(audio_env) as pacmd:
                kill_own_source_output(audio_env, pacmd)
                after = listen_until_reopened(mic, 6.0) + listen(mic, 1.0)
    finally:
        mic.close()
    assert mic.reopens == 1 and mic.failure is None
    # PortAudio sees the killed stream end (`active` false) or, as often under load, just stop calling back
    assert ("stopped delivering audio; reopening it" in caplog.text
            or "delivered no audio for 2 s; reopening it" in caplog.text), caplog.text
    assert "microphone reconnected: 'default'" in caplog.text
    assert_continuous(before + after)
    assert loudness(after[-15:]) > 0.1                # the reopened stream hears the tone


def test_a_microphone_that_stays_quiet_is_reopened_then_given_up(audio_env):
    from voice.errors import DeviceError
    from voice.sources import MicSource

    mic = MicSource(stall_s=1.0, start_grace_s=2.0)
    mic.start()
    try:
        listen(mic, 0.3)
        with microphone_suspended(audio_env), pytest.raises(DeviceError) as e:
            listen(mic, 10.0)
    finally:
        mic.close()
    assert mic.reopens == 1
    # the new stream never called back: it had the longer allowance of a stream just started
    assert e.value.message == "the microphone 'default' delivered no audio for 2 s again after being reopened"


PLAN = live_plan(3)


@contextmanager
def private_audio():
    """A PulseAudio daemon of this test's own (audio-up.sh with its own CI_AUDIO_DIR), killed at the end."""
    folder = Path(tempfile.mkdtemp(prefix="vv-loss-", dir="/tmp"))
    script = shared_dir() / "ci" / "audio-up.sh"
    done = subprocess.run(["bash", str(script)], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "CI_AUDIO_DIR": str(folder)})
    assert done.returncode == 0, done.stderr[-500:]
    env = dict(re.findall(r"^export (\w+)=(\S+)$", done.stdout, re.M))
    pid_file = folder / "runtime" / "pid"

    def kill() -> None:
        pid = pid_file.read_text().strip() if pid_file.exists() else ""
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes() if pid and Path(f"/proc/{pid}").exists() else b""
        if str(folder).encode() in cmdline:   # this test's daemon, nobody else's
            os.kill(int(pid), signal.SIGKILL)

    try:
        yield env, kill
    finally:
        kill()
        shutil.rmtree(folder, ignore_errors=True)


def test_interview_ends_cleanly_when_the_microphone_vanishes_during_turn_two(tmp_path):
    a1 = espeak_wav("I built a pipeline in Python that loads sales data every night.", tmp_path / "a1.wav")
    a2 = espeak_wav("I always write unit tests for every query, and before each release I check the results "
                    "against a small sample of rows I know by heart.", tmp_path / "a2.wav")
    (tmp_path / "plan.yaml").write_text(PLAN)
    session = tmp_path / "s"
    with private_audio() as (env, kill_server):
        speaker = Monitor("vspeaker.monitor", env)
        process = subprocess.Popen(
            [sys.executable, "-m", "interview", "live", "--plan", "plan.yaml", "--out", str(session),
             "--yes-consent", "--tts", "espeak", "--max-followups", "0", "--speech-rate", FAST_WPM],
            cwd=tmp_path, env={**os.environ, **env, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1"},
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            alive = lambda: process.poll() is None  # noqa: E731
            _, end = speaker.next_utterance(0, alive=alive)       # greeting and question 1
            speak_into_mic(a1, env)
            speaker.next_utterance(end, alive=alive)              # question 2 (listened for once turn 1 is journaled)
            # gone for good, mid-answer: the server dies while the answer is still being spoken
            # (an answer played to its end may already be over when the server goes)
            playing = subprocess.Popen(["paplay", "-d", "vmic_in", str(a2)], env={**os.environ, **env})
            time.sleep(2.5)
            kill_server()
            playing.wait(timeout=10)
            out, err = process.communicate(timeout=120)
        finally:
            speaker.stop()
            if process.poll() is None:
                process.kill()
    assert process.returncode == 2, (out, err)
    assert "Traceback" not in err, err
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, err
    assert errors[0].startswith("error: the microphone 'default' stopped delivering audio and could not be "
                                "reopened"), errors[0]
    assert errors[0].endswith(f"resume with: interview live --resume {session})"), errors[0]
    assert "2 answered turn(s) kept" in errors[0]
    lines = [json.loads(line) for line in (session / "journal.jsonl").read_text().splitlines() if line.strip()]
    turns = [e for e in lines if e["type"] == "turn"]
    assert [t["question"]["id"] for t in turns] == ["q1", "q2"]
    assert "python" in turns[0]["transcript"]["text"].lower()
    # the answer being recorded when the microphone died: kept with what was heard
    assert turns[1]["flags"][0] == "device_lost"
    assert any(w in turns[1]["transcript"]["text"].lower() for w in ("write", "unit", "test", "quer"))
    assert (session / "q1.wav").is_file() and (session / "q2.wav").is_file()
    report = json.loads((session / "report.json").read_text())
    assert [t["question_id"] for t in report["turns"]][:2] == ["q1", "q2"]
    assert (session / "report.md").is_file() and str(session / "report.json") in out

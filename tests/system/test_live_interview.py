"""A whole spoken interview on the virtual microphone and speaker, with a scripted candidate.

The candidate waits for the interviewer's words to end on the speaker, then plays its espeak-ng
answer into the microphone. Covers consent by voice, a thinking pause inside one answer, the
"repeat the question" command, the replay folder, kill -9 and --resume, and a wrong device name.
"""
from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.live_audio import FAST_WPM, REPO, Monitor, audio_up, espeak_wav, live_plan, speak_into_mic

pytestmark = pytest.mark.live

PLAN = live_plan(3, company="Acme")


@pytest.fixture(scope="module")
def audio_env():
    return audio_up()


@pytest.fixture(scope="module")
def voices(tmp_path_factory):
    d = tmp_path_factory.mktemp("candidate")
    return {
        "yes": espeak_wav("Yes.", d / "yes.wav"),
        "a1": espeak_wav("I built a pipeline in Python that loads sales data every night.", d / "a1.wav"),
        "repeat": espeak_wav("Repeat the question.", d / "repeat.wav"),
        # a thinking pause in the middle of a clause: the turn model and the transcript hold the turn
        "a2": espeak_wav("I always write tests, and", d / "a2.wav", pause_s=2.0,
                         then="I check the results against a small sample database."),
        "a3": espeak_wav("We disagreed about deadlines, so I listened and we agreed on a plan.", d / "a3.wav"),
    }


def start_live(tmp_path: Path, env: dict, *args: str) -> subprocess.Popen:
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN)
    return subprocess.Popen(
        [sys.executable, "-m", "interview", "live", *args, "--tts", "espeak", "--max-followups", "0",
         "--speech-rate", FAST_WPM],
        cwd=tmp_path, env={**os.environ, **env, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1"},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


class Candidate:
    """Answers each time the interviewer stops speaking."""

    def __init__(self, speaker: Monitor, process: subprocess.Popen, env: dict):
        self.speaker, self.process, self.env = speaker, process, env
        self.cursor = 0
        self.heard: list[tuple[int, int]] = []

    def wait_for_interviewer(self, timeout_s: float = 90.0) -> tuple[int, int]:
        try:
            first, last = self.speaker.next_utterance(self.cursor, timeout_s=timeout_s,
                                                      alive=lambda: self.process.poll() is None)
        except RuntimeError as e:  # the process ended: what it said is the reason
            out = self.process.communicate(timeout=10)[0] if self.process.stdout else ""
            raise RuntimeError(f"{e}; exit {self.process.returncode}; it printed:\n{(out or '')[-4000:]}") from None
        self.cursor = last
        self.heard.append((first, last))
        return first, last

    def say(self, wav: Path) -> None:
        speak_into_mic(wav, self.env)


def finish(process: subprocess.Popen, timeout_s: float = 90.0) -> str:
    out, _ = process.communicate(timeout=timeout_s)
    return out


def journal_lines(session: Path) -> list[dict]:
    return [json.loads(line) for line in (session / "journal.jsonl").read_text().splitlines() if line.strip()]


def test_spoken_interview_with_pause_and_repeat(tmp_path, audio_env, voices):
    speaker = Monitor("vspeaker.monitor", audio_env)
    session = tmp_path / "s1"
    process = start_live(tmp_path, audio_env, "--plan", "plan.yaml", "--out", str(session))
    try:
        candidate = Candidate(speaker, process, audio_env)
        candidate.wait_for_interviewer()          # the consent notice
        candidate.say(voices["yes"])
        candidate.wait_for_interviewer()          # greeting and question 1
        candidate.say(voices["a1"])
        q2 = candidate.wait_for_interviewer()     # question 2
        candidate.say(voices["repeat"])
        q2_again = candidate.wait_for_interviewer()
        candidate.say(voices["a2"])               # two halves with a 2 s thinking pause
        candidate.wait_for_interviewer()          # question 3
        candidate.say(voices["a3"])
        out = finish(process)
    finally:
        speaker.stop()
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, out
    # the question was spoken again, about as long as the first time (plus "Of course.")
    assert (q2_again[1] - q2_again[0]) >= 0.9 * (q2[1] - q2[0])
    lines = journal_lines(session)
    assert lines[0]["type"] == "header"
    consent = [e for e in lines if e["type"] == "consent"]
    assert consent and consent[0]["given"] is True and consent[0]["method"] == "voice" and consent[0]["at"]
    turns = [e for e in lines if e["type"] == "turn"]
    assert [t["question"]["id"] for t in turns] == ["q1", "q2", "q3"], out
    assert all(t["transcript"] for t in turns), out
    texts = [t["transcript"]["text"].lower() for t in turns]
    assert "python" in texts[0] and any(w in texts[0] for w in ("pipeline", "night", "load")), texts[0]
    # both halves in one turn (tiny.en on synthetic speech misses single words, so any of a few)
    assert any(w in texts[1] for w in ("always", "write", "test")), texts[1]
    assert any(w in texts[1] for w in ("results", "sample", "database")), texts[1]
    assert "deadline" in texts[2] or "plan" in texts[2]
    assert all(t["end_reason"] == "silence" for t in turns)
    assert stat.S_IMODE(session.stat().st_mode) == 0o700
    for qid in ("q1", "q2", "q3"):
        wav = session / f"{qid}.wav"
        assert stat.S_IMODE(wav.stat().st_mode) == 0o600
    assert (session / "plan.yaml").read_text() == PLAN
    data = json.loads((session / "report.json").read_text())
    assert [t["question_id"] for t in data["turns"]] == ["q1", "q2", "q3"]
    assert "python" in data["turns"][0]["transcript"].lower()
    assert all(t["score"] is not None and t["emotion"] is not None for t in data["turns"])
    assert (session / "report.html").is_file() and (session / "report.md").is_file()


def wait_for_turns(session: Path, ids: list[str], timeout_s: float = 60.0) -> None:
    """Until the journal holds exactly these turns (the analysis of an answer can outlast the next question)."""
    deadline = time.monotonic() + timeout_s
    while True:
        journaled = [e["question"]["id"] for e in journal_lines(session) if e["type"] == "turn"]
        if journaled == ids or time.monotonic() > deadline:
            assert journaled == ids
            return
        time.sleep(0.2)


def test_kill_during_turn_two_then_resume(tmp_path, audio_env, voices):
    speaker = Monitor("vspeaker.monitor", audio_env)
    session = tmp_path / "s2"
    process = start_live(tmp_path, audio_env, "--plan", "plan.yaml", "--out", str(session), "--yes-consent")
    try:
        candidate = Candidate(speaker, process, audio_env)
        candidate.wait_for_interviewer()          # greeting and question 1
        candidate.say(voices["a1"])
        candidate.wait_for_interviewer()          # question 2, spoken while turn 1 is analysed
        wait_for_turns(session, ["q1"])
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        resumed = start_live(tmp_path, audio_env, "--resume", str(session))
        candidate.process = resumed
        candidate.wait_for_interviewer()          # welcome back and question 2
        candidate.say(voices["a2"])
        candidate.wait_for_interviewer()          # question 3
        candidate.say(voices["a3"])
        out = finish(resumed)
    finally:
        speaker.stop()
        for p in (process, locals().get("resumed")):
            if p is not None and p.poll() is None:
                p.kill()
    assert resumed.returncode == 0, out
    lines = journal_lines(session)
    assert sum(1 for e in lines if e["type"] == "header") == 1
    assert sum(1 for e in lines if e["type"] == "consent") == 1
    ids = [e["question"]["id"] for e in lines if e["type"] == "turn"]
    assert ids == ["q1", "q2", "q3"]
    first = next(e for e in lines if e["type"] == "turn")
    assert "python" in first["transcript"]["text"].lower()
    assert (session / "q1.wav").exists() and (session / "q3.wav").exists()


def test_unknown_device_lists_devices(tmp_path, audio_env):
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN)
    result = subprocess.run(
        [sys.executable, "-m", "interview", "live", "--plan", str(plan), "--out", str(tmp_path / "s"),
         "--input-device", "no such microphone"],
        env={**os.environ, **audio_env, "PYTHONPATH": str(REPO)}, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.startswith("error: no input device 'no such microphone'")
    assert "default" in result.stderr and "Hz" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "s").exists()

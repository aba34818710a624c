"""Single keys in a whole spoken interview: `interview live` on the virtual microphone and speaker
with a pseudo-terminal as its stdin. The candidate agrees with y, ends a paused answer with Space
(the end-of-answer silence is set far longer, so only the key can end it soon), asks for the
question again with r and skips it with s; the terminal's settings are back afterwards."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import termios
import time

import pytest

from tests.live_audio import FAST_WPM, REPO, Monitor, audio_up, espeak_wav, live_plan
from tests.system.test_live_interview import Candidate, finish, journal_lines

pytestmark = pytest.mark.live

PLAN = live_plan(2)
# an answer ends after this much silence unless a key ends it first
END_SILENCE_MS = 12000


@pytest.fixture(scope="module")
def audio_env():
    return audio_up()


def press(terminal: int, key: bytes) -> None:
    os.write(terminal, key)


def test_keys_agree_end_an_answer_repeat_and_skip(tmp_path, audio_env):
    answer = espeak_wav("I built a pipeline in Python that loads sales data every night.", tmp_path / "a1.wav")
    (tmp_path / "plan.yaml").write_text(PLAN)
    session = tmp_path / "s"
    terminal, keyboard = os.openpty()
    before = termios.tcgetattr(keyboard)
    speaker = Monitor("vspeaker.monitor", audio_env)
    process = subprocess.Popen(
        [sys.executable, "-m", "interview", "live", "--plan", "plan.yaml", "--out", str(session),
         "--tts", "espeak", "--max-followups", "0", "--speech-rate", FAST_WPM,
         "--turn-detector", "silence", "--end-silence-ms", str(END_SILENCE_MS)],
        cwd=tmp_path, env={**os.environ, **audio_env, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1"},
        stdin=keyboard, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        candidate = Candidate(speaker, process, audio_env)
        candidate.wait_for_interviewer()          # the consent notice
        press(terminal, b"y")
        candidate.wait_for_interviewer()          # greeting and question 1
        candidate.say(answer)
        time.sleep(1.0)                           # silent, as in a pause in the middle of an answer
        press(terminal, b" ")
        q2 = candidate.wait_for_interviewer()
        press(terminal, b"r")
        q2_again = candidate.wait_for_interviewer()
        press(terminal, b"s")
        candidate.wait_for_interviewer()          # the closing words
        out = finish(process)
        after = termios.tcgetattr(keyboard)
    finally:
        speaker.stop()
        if process.poll() is None:
            process.kill()
        os.close(terminal)
        os.close(keyboard)
    assert process.returncode == 0, out
    assert "keys: Enter/Space" in out
    assert after == before                       # cbreak and no-echo were undone at the end
    lines = journal_lines(session)
    consent = [e for e in lines if e["type"] == "consent"]
    assert consent and consent[0]["given"] is True and consent[0]["method"] == "key" and consent[0]["heard"] == "y"
    turns = {e["question"]["id"]: e for e in lines if e["type"] == "turn"}
    assert list(turns) == ["q1", "q2"], out
    # ended by Space well before the 12 s of silence; the words before the key were kept
    assert turns["q1"]["end_reason"] == "stopped", turns["q1"]
    text = turns["q1"]["transcript"]["text"].lower()
    assert "python" in text or "pipeline" in text, text
    assert (session / "q1.wav").exists()
    # r spoke the question again ("Of course." + the question); s skipped it, with nothing recorded
    assert (q2_again[1] - q2_again[0]) >= 0.9 * (q2[1] - q2[0])
    assert "skipped" in turns["q2"]["flags"] and not (session / "q2.wav").exists()
    report = json.loads((session / "report.json").read_text())
    assert [t["question_id"] for t in report["turns"]] == ["q1", "q2"]

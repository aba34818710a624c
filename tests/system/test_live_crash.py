"""kill -9 at the points where a live session used to lose an answer or become unusable, then resume.

The session runs on fakes (scripted microphone, fixed scorer) in a child process that kills itself:
while the first answer is analysed, and while the journal's header is written."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

from interview.live import resume_plan, run_live
from tests.fakes_live import CountingTranscriber, FakeLiveMic, RecordingSpeaker, live_session
from tests.live_audio import REPO
from tests.unit.test_live_run import ANSWER, PLAN_YAML, QuietView


def crash(tmp_path, point: str):
    (tmp_path / "plan.yaml").write_text(PLAN_YAML)
    session = tmp_path / "s"
    child = subprocess.run([sys.executable, "-m", "tests.live_crash_child", str(session), str(tmp_path / "plan.yaml"),
                            point], cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)},
                           capture_output=True, text=True, timeout=120)
    assert child.returncode == -signal.SIGKILL, child.stderr[-2000:]
    return session


def resume(session):
    transcriber, speaker = CountingTranscriber(), RecordingSpeaker()
    devices, models, options = live_session(FakeLiveMic(*ANSWER, *ANSWER), transcriber, speaker)
    record = run_live(resume_plan(session), session, devices, options, QuietView(), models=models)
    return record, speaker


def test_kill_9_while_an_answer_is_analysed_then_resume_analyses_it(tmp_path):
    session = crash(tmp_path, "analysis")
    kinds = [json.loads(line)["type"] for line in (session / "journal.jsonl").read_text().splitlines()]
    assert kinds == ["header", "consent", "answer_recorded"]
    wav = (session / "q1.wav").read_bytes()
    record, speaker = resume(session)
    assert [t.question.id for t in record.turns] == ["q1", "q2"]
    assert record.turns[0].transcript.text == "speech 2.0"
    assert (session / "q1.wav").read_bytes() == wav
    assert not any("Tell me about a pipeline" in said for said in speaker.said)


def test_kill_9_while_the_header_is_written_leaves_a_resumable_session(tmp_path):
    session = crash(tmp_path, "header")
    assert (session / "plan.yaml").exists() and not (session / "journal.jsonl").exists()
    record, _ = resume(session)
    assert [t.question.id for t in record.turns] == ["q1", "q2"]
    lines = [json.loads(line) for line in (session / "journal.jsonl").read_text().splitlines()]
    assert lines[0]["type"] == "header" and sum(1 for e in lines if e["type"] == "header") == 1


def test_a_crashed_session_folder_is_not_taken_for_a_new_one(tmp_path):
    session = crash(tmp_path, "header")
    result = subprocess.run([sys.executable, "-m", "interview", "live", "--plan", str(tmp_path / "plan.yaml"),
                             "--out", str(session)], cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and f"--resume {session}" in result.stderr

"""Crash safety: kill -9 in the middle of a replay, rerun with --resume, lose and repeat no turn."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest

from tests.conftest import REPO, run_cli
from tests.sessions_guarantees import ANSWERS, make_session, raw_lines

pytestmark = pytest.mark.integration
FAST = ("--no-emotion", "--max-followups", "0", "--format", "json")


def _turn_lines(journal) -> list[dict]:
    return [e for e in raw_lines(journal) if e.get("type") == "turn"] if journal.exists() else []


def test_kill_9_mid_replay_then_resume_loses_and_repeats_nothing(tmp_path):
    folder = make_session(tmp_path / "session")
    out = tmp_path / "out"
    journal = out / "journal.jsonl"
    env = {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "interview", "--quiet", "replay", str(folder), "--out", str(out), *FAST],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 240  # bounded: model load plus one answer on a slow runner
        while not _turn_lines(journal) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert proc.poll() is None, "replay ended before it could be killed: " + proc.stderr.read().decode()[-500:]
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    before = _turn_lines(journal)
    assert 1 <= len(before) < len(ANSWERS), "the kill must land between the first and the last turn"
    assert not (out / "report.json").exists()

    result = run_cli("--quiet", "replay", str(folder), "--out", str(out), "--resume", *FAST, timeout_s=300)
    assert result.code == 0, result.stderr

    entries = raw_lines(journal)
    turns = [e for e in entries if e.get("type") == "turn"]
    per_question = Counter(t["question"]["id"] for t in turns)
    assert per_question == Counter({qid: 1 for qid in ANSWERS}), per_question  # none lost, none run twice
    assert [e["type"] for e in entries].count("header") == 1
    assert turns[:len(before)] == before  # the finished turns were kept as written, not redone
    assert (out / "report.json").exists()


def test_a_crash_while_writing_a_report_leaves_the_previous_report_whole(tmp_path, monkeypatch):
    from reports.write import write_atomic

    report = write_atomic(tmp_path / "report.md", "# the previous, complete report\n")

    def crash(*args, **kwargs):
        raise OSError("disk gone mid-write")

    monkeypatch.setattr("reports.write.os.replace", crash)
    try:
        write_atomic(report, "# a new report that never finished")
    except OSError:
        pass
    assert report.read_text() == "# the previous, complete report\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"], "no temp file is left behind"

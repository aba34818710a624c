"""A live session folder is a complete, portable replay folder.

A spoken interview on the virtual devices with a plan that names a job description and a resume; the
session folder is moved to a new path; `interview replay` on it succeeds and gives the live report's
scores; the journal holds no absolute path into the original location.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.live_audio import REPO, Monitor, audio_up, espeak_wav, live_plan
from tests.system.test_live_interview import Candidate, finish

pytestmark = pytest.mark.live

JD = "We need a data engineer who builds pipelines in Python and Airflow and tests SQL queries."
RESUME = "Sam Lee. Built nightly Airflow pipelines in Python at Acme; wrote unit tests for every query."


def test_a_moved_live_session_folder_replays_to_the_live_scores(tmp_path):
    env = audio_up()
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "jd.md").write_text(JD)
    (plans / "resume.md").write_text(RESUME)
    (plans / "plan.yaml").write_text("job_description: jd.md\nresume: resume.md\n" + live_plan(2))
    answers = {name: espeak_wav(text, tmp_path / f"{name}.wav") for name, text in (
        ("a1", "I built a pipeline in Python that runs every night."),
        # under 3 s of speech each: live mode cuts longer answers into pieces at the gaps between words
        ("a2", "I write unit tests for each query."))}
    speaker = Monitor("vspeaker.monitor", env)
    process = subprocess.Popen(
        [sys.executable, "-m", "interview", "live", "--plan", "plans/plan.yaml", "--out", "s1", "--yes-consent",
         "--tts", "espeak", "--max-followups", "0"],
        cwd=tmp_path, env={**os.environ, **env, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1"},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    candidate = Candidate(speaker, process, env)
    try:
        for answer in answers.values():           # after the greeting and question 1, then after question 2
            candidate.wait_for_interviewer()
            candidate.say(answer)
        out = finish(process)
    finally:
        speaker.stop()
        process.kill() if process.poll() is None else None
    assert process.returncode == 0, out
    session = tmp_path / "s1"
    live = json.loads((session / "report.json").read_text())

    moved = tmp_path / "archive" / "moved-session"
    moved.parent.mkdir()
    shutil.move(str(session), str(moved))
    shutil.rmtree(plans)                          # nothing outside the folder is needed any more
    journal = (moved / "journal.jsonl").read_text()
    assert str(tmp_path) not in journal and str(REPO) not in journal
    assert {"plan.yaml", "job_description.md", "resume.md", "q1.wav", "q2.wav"} <= {p.name for p in moved.iterdir()}

    result = run_cli("replay", str(moved), "--out", str(tmp_path / "again"), "--max-followups", "0",
                     "--no-emotion", timeout_s=300)
    assert result.code == 0, result.stderr
    again = json.loads((tmp_path / "again" / "report.json").read_text())
    # the same recordings give the same transcripts (live mode analyses each saved WAV as replay reads it)...
    assert [t["transcript"] for t in again["turns"]] == [t["transcript"] for t in live["turns"]]
    # ...and so the same scores
    scores = [(t["question_id"], t["score"], t["relevance"]) for t in live["turns"]]
    assert [(t["question_id"], t["score"], t["relevance"]) for t in again["turns"]] == scores
    assert again["overall"]["score"] == live["overall"]["score"] and len(scores) == 2
    header = json.loads((tmp_path / "again" / "journal.jsonl").read_text().splitlines()[0])
    assert (header["plan"]["job_description"], header["plan"]["resume"]) == (JD, RESUME)

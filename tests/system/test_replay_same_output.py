"""Replaying the same folder twice gives byte-identical reports: turn times come from the recordings,
and the report is dated by them, never by how long processing took or when the replay ran."""
from __future__ import annotations

import shutil

from interview.replay import open_replay_folder, replay
from interview.session import SessionParts
from reports import write_reports
from tests.fakes import FakeScorer, FakeTranscriber

PLAN = """role: Data Engineer
questions:
  - id: DE_Q1
    text: How do you test a data pipeline?
  - id: DE_Q2
    text: How do you schedule it?
"""


def _parts(answers, recorded, journal):
    return SessionParts(answers=answers, transcriber=FakeTranscriber("I test each step.", "With Airflow."),
                        scorer=FakeScorer(), clock=answers.timeline)


def test_two_replays_of_one_folder_write_identical_reports(tmp_path, speak):
    folder = tmp_path / "answers"
    folder.mkdir()
    (folder / "plan.yaml").write_text(PLAN)
    shutil.copy(speak("I test each step of the pipeline.", "de1.wav"), folder / "DE_Q1.wav")
    shutil.copy(speak("We schedule it with Airflow every night.", "de2.wav"), folder / "DE_Q2.wav")
    outputs = []
    for name in ("first", "second"):
        out = tmp_path / name
        record = replay(open_replay_folder(folder), out, _parts)
        outputs.append({kind: path.read_bytes() for kind, path in write_reports(record, out).items()})
        starts = [t.started_at_s for t in record.turns]
        assert starts[0] == 0.0 and abs(starts[1] - record.turns[0].audio_s) < 1e-3, starts
    assert outputs[0] == outputs[1]

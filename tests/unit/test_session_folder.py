"""A session folder carries its plan and documents; journal paths are the folder's; a replay output names
its sources and says which have moved; --out naming a file is one clean error."""
from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from interview.cli import main
from interview.journal import Journal
from interview.plan import load_plan
from interview.replay import open_replay_folder
from interview.session_folder import copy_plan, journaled_path, missing_recordings, resolve_journaled
from tests.fakes_reports import sample_record

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "ml-engineer"


def test_the_session_folder_holds_the_plan_and_the_documents_it_names(tmp_path):
    plan = load_plan(EXAMPLE / "plan.yaml")
    session = tmp_path / "s1"
    session.mkdir()
    journaled = copy_plan(plan, session)
    assert journaled.source == "plan.yaml"
    assert sorted(p.name for p in session.iterdir()) == ["job_description.md", "plan.yaml", "resume.md"]
    moved = tmp_path / "elsewhere" / "s1-moved"
    shutil.move(str(session), str(moved))
    again = load_plan(moved / "plan.yaml")
    assert dataclasses.replace(again, source=None) == dataclasses.replace(plan, source=None)
    assert "Airflow" in again.job_description and again.resume == plan.resume


def test_a_plan_without_document_paths_is_copied_byte_for_byte(tmp_path):
    text = "# a comment that stays\nrole: x\njob_description: We need SQL.\nquestions:\n  - {id: A, text: a}\n"
    (tmp_path / "plan.yaml").write_text(text)
    session = tmp_path / "s"
    session.mkdir()
    copy_plan(load_plan(tmp_path / "plan.yaml"), session)
    assert (session / "plan.yaml").read_text() == text and len(list(session.iterdir())) == 1


def test_journaled_paths_are_relative_inside_the_folder_and_resolved_against_it(tmp_path, monkeypatch):
    folder = tmp_path / "s"
    assert journaled_path(folder / "Q1.wav", folder) == "Q1.wav"
    assert journaled_path(folder / "sub" / "Q2.wav", folder) == "sub/Q2.wav"
    assert journaled_path(tmp_path / "src" / "Q1.wav", folder) == str(tmp_path / "src" / "Q1.wav")
    monkeypatch.chdir(tmp_path)
    assert resolve_journaled("Q1.wav", folder) == folder / "Q1.wav"
    assert resolve_journaled("/abs/Q1.wav", folder) == Path("/abs/Q1.wav")


def test_a_replay_output_names_its_sources_and_says_which_moved(tmp_path):
    sources = tmp_path / "answers"
    sources.mkdir()
    for name in ("ML_Q1.wav", "ML_Q1_F1.wav", "ML_Q2.wav"):
        (sources / name).write_bytes(b"RIFF")
    record = sample_record()
    out = tmp_path / "out"
    with Journal(out / "journal.jsonl") as journal:
        journal.write_header(record.plan, {"mode": "replay"})
        for t in record.turns[:3]:
            journal.append_turn(dataclasses.replace(t, audio_path=journaled_path(sources / f"{t.question.id}.wav", out)))
    (sources / "ML_Q2.wav").unlink()
    source = open_replay_folder(out)          # no plan.yaml: the journal's plan and recordings
    assert source.plan.role == record.plan.role and source.plan.job_description == record.plan.job_description
    assert [q.id for q in source.asked] == ["ML_Q1", "ML_Q1_F1", "ML_Q2"]
    assert source.missing == [sources / "ML_Q2.wav"]
    assert missing_recordings((t.audio_path for t in record.turns), out) == [out / f"{t.question.id}.wav"
                                                                          for t in record.turns]


def test_report_on_a_folder_whose_recordings_moved_says_which(tmp_path, capsys):
    record = sample_record()
    with Journal(tmp_path / "journal.jsonl") as journal:
        journal.write_header(record.plan, {"mode": "replay"})
        for t in record.turns:
            journal.append_turn(t)
    (tmp_path / "ML_Q1.wav").write_bytes(b"RIFF")
    assert main(["report", str(tmp_path), "--format", "md"]) == 0
    err = capsys.readouterr().err
    assert "warning: 4 recording(s) the journal names are missing" in err and str(tmp_path / "ML_Q2.wav") in err
    assert (tmp_path / "report.md").is_file()


@pytest.mark.parametrize("argv", [
    ["replay", str(EXAMPLE), "--out", "{file}"],
    ["replay", str(EXAMPLE), str(EXAMPLE), "--out-root", "{file}"],
    ["report", "{session}", "--out", "{file}"],
    ["live", "--plan", str(EXAMPLE / "plan.yaml"), "--out", "{file}"],
])
def test_out_naming_an_existing_file_is_one_clean_error(tmp_path, capsys, argv):
    file = tmp_path / "notes.txt"
    file.write_text("not a folder")
    record = sample_record()
    with Journal(tmp_path / "session" / "journal.jsonl") as journal:
        journal.write_header(record.plan, {"mode": "replay"})
    argv = [a.format(file=file, session=tmp_path / "session") for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err == f"error: {file}: exists and is not a folder (give {argv[-2]} a folder (new or existing))\n"
    assert file.read_text() == "not a folder"


def test_plan_out_naming_an_existing_folder_is_one_clean_error(tmp_path, capsys):
    (tmp_path / "jd.md").write_text("We need Python.")
    assert main(["plan", "--jd", str(tmp_path / "jd.md"), "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"error: {tmp_path}: is a folder (give --out a file, e.g. {tmp_path / 'plan.yaml'})\n"

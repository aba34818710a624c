"""Deletes stay home: only what lies inside the session folder goes by default, paths are the folder's
(never the current folder's), and recordings outside it go only with --include-sources, after the list."""
from __future__ import annotations

import dataclasses
import io
import json
from pathlib import Path

import pytest

from interview.cli import main
from interview.journal import Journal
from interview.retention import delete_session, plan_deletion
from reports import write_reports
from tests.fakes_reports import sample_record


def session(folder: Path, audio_paths: list[str]) -> Path:
    """A session folder whose journal names `audio_paths` (one per turn, cycling)."""
    record = sample_record()
    turns = tuple(dataclasses.replace(t, audio_path=audio_paths[i % len(audio_paths)])
                  for i, t in enumerate(record.turns))
    with Journal(folder / "journal.jsonl") as journal:
        journal.write_header(record.plan, {"mode": "live"})
        for t in turns:
            journal.append_turn(t)
    write_reports(dataclasses.replace(record, turns=turns), folder, ("md", "json"))
    return folder


def test_relative_journal_paths_are_the_session_folders_not_the_current_folders(tmp_path, monkeypatch):
    folder = session(tmp_path / "s1", ["Q1.wav"])
    (folder / "Q1.wav").write_bytes(b"RIFF the candidate")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "Q1.wav").write_bytes(b"RIFF someone else's recording")
    monkeypatch.chdir(elsewhere)
    # even with sources included: the journal's Q1.wav is the one in the session folder
    assert main(["-q", "delete", str(folder), "--include-sources", "--yes"]) == 0
    assert (elsewhere / "Q1.wav").read_bytes() == b"RIFF someone else's recording"
    assert sorted(p.name for p in folder.iterdir()) == ["deletion.json"]


def replay_output(tmp_path: Path) -> tuple[Path, Path]:
    sources = tmp_path / "examples"
    sources.mkdir(parents=True)
    for name in ("ML_Q1.ogg", "ML_Q2.wav"):
        (sources / name).write_bytes(b"tracked example recording")
    (sources / "plan.yaml").write_text("role: x\n")
    out = session(tmp_path / "out" / "demo", [str(sources / "ML_Q1.ogg"), str(sources / "ML_Q2.wav")])
    return out, sources


def test_sources_outside_the_folder_are_listed_and_kept_by_default(tmp_path, capsys):
    out, sources = replay_output(tmp_path)
    plan = plan_deletion(out)
    assert plan.sources == (sources / "ML_Q1.ogg", sources / "ML_Q2.wav")
    assert main(["delete", str(out)]) == 0
    err = capsys.readouterr().err
    assert f"kept 2 source recording(s) outside {out}" in err and str(sources / "ML_Q1.ogg") in err
    assert sorted(p.name for p in sources.iterdir()) == ["ML_Q1.ogg", "ML_Q2.wav", "plan.yaml"]
    assert sorted(p.name for p in out.iterdir()) == ["deletion.json"]
    assert json.loads((out / "deletion.json").read_text())["sources_kept"] == [str(p) for p in plan.sources]


def test_sources_go_only_with_include_sources_and_a_confirmation(tmp_path, monkeypatch, capsys):
    out, sources = replay_output(tmp_path)
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))          # not a terminal: no prompt, no deletion
    assert main(["delete", str(out), "--include-sources"]) == 0
    assert "no terminal to confirm on" in capsys.readouterr().err
    assert (sources / "ML_Q1.ogg").exists() and (sources / "ML_Q2.wav").exists()

    out, sources = replay_output(tmp_path / "again")
    assert main(["delete", str(out), "--include-sources", "--yes"]) == 0
    err = capsys.readouterr().err
    assert "removing 2 source recording(s)" in err and str(sources / "ML_Q2.wav") in err
    assert sorted(p.name for p in sources.iterdir()) == ["plan.yaml"]


@pytest.mark.parametrize("typed, removed", [("y\n", True), ("\n", False), ("no\n", False)])
def test_at_a_terminal_the_list_is_shown_before_asking(tmp_path, monkeypatch, capsys, typed, removed):
    out, sources = replay_output(tmp_path)

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stdin", Terminal(typed))
    assert main(["delete", str(out), "--include-sources"]) == 0
    err = capsys.readouterr().err
    assert err.index(str(sources / "ML_Q1.ogg")) < err.index("remove them? [y/N]")
    assert (sources / "ML_Q1.ogg").exists() is not removed


def test_keep_report_keeps_only_the_report_files(tmp_path):
    out, sources = replay_output(tmp_path)
    (out / "sub").mkdir()
    (out / "sub" / "Q3.flac").write_bytes(b"voice")
    (out / "journal.20240101-000000.jsonl").write_text("{}\n")
    removed = delete_session(plan_deletion(out, keep_report=True), keep_report=True)
    assert sorted(p.name for p in out.iterdir()) == ["deletion.json", "report.json", "report.md"]
    assert str(out / "journal.jsonl") == removed[-1]          # the journal goes last
    assert (sources / "ML_Q1.ogg").exists()

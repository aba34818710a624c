"""Responsible use: a configurable consent notice, human review beside the system, deletion on request."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from interview.consent import DEFAULT_NOTICE, notice_text
from interview.journal import Journal, read_journal
from reports import write_reports
from tests.conftest import assert_clean_error, run_cli
from tests.fakes_reports import sample_record
from voice.errors import VivavoceError


def test_default_notice_says_what_is_recorded_and_that_emotion_is_advisory():
    text = notice_text({})
    for needle in ("recorded", "transcribed", "advisory", "not part of the recommendation", "deleted", "person"):
        assert needle in text, needle
    assert notice_text(None) == DEFAULT_NOTICE


def test_notice_comes_from_the_config_file(tmp_path):
    from interview.config import load_config

    path = tmp_path / "vivavoce.toml"
    path.write_text('[interview]\nconsent_notice = """Dieses Gespräch wird\n  aufgezeichnet."""\n')
    assert notice_text(load_config(str(path))) == "Dieses Gespräch wird aufgezeichnet."
    assert notice_text({"interview": {"consent_notice": "  "}}) == DEFAULT_NOTICE
    with pytest.raises(VivavoceError):
        notice_text({"interview": {"consent_notice": 3}})


def make_session_folder(folder: Path, formats=("md", "html", "json"), audio: Path | None = None) -> Path:
    record = sample_record()
    if audio is not None:
        import dataclasses
        record = dataclasses.replace(record, turns=tuple(dataclasses.replace(t, audio_path=str(audio))
                                                         for t in record.turns))
    with Journal(folder / "journal.jsonl") as journal:
        journal.write_header(record.plan, {"mode": "replay"})
        for turn in record.turns:
            journal.append_turn(turn)
    write_reports(record, folder, formats)
    return folder


def test_review_is_journaled_and_shown_beside_the_system_recommendation(tmp_path):
    folder = make_session_folder(tmp_path / "s")
    turns_before = [line for line in (folder / "journal.jsonl").read_text().splitlines()]
    result = run_cli("review", str(folder), "--reviewer", "Dana <HR>", "--decision", "advance",
                     "--note", "Strong <b>deployment</b> answers", timeout_s=120)
    assert result.code == 0, result.stderr
    lines = (folder / "journal.jsonl").read_text().splitlines()
    assert lines[:len(turns_before)] == turns_before  # appended, nothing rewritten
    review = json.loads(lines[-1])
    assert review["type"] == "review" and review["reviewer"] == "Dana <HR>" and review["decision"] == "advance"
    assert review["note"] == "Strong <b>deployment</b> answers" and review["at"]
    assert read_journal(folder).record().reviews[-1]["decision"] == "advance"
    md = (folder / "report.md").read_text()
    assert "System recommendation" in md and "Human decision" in md and "advance" in md and "Dana" in md
    html = (folder / "report.html").read_text()
    assert "Human decision" in html and "<b>deployment" not in html and "&lt;b&gt;deployment" in html
    data = json.loads((folder / "report.json").read_text())
    assert "advance" in json.dumps(data)
    assert not (folder / "report.pdf").exists()  # only the formats already there are rendered again


@pytest.mark.parametrize("args, needle", [
    (["--decision", "maybe"], "invalid choice"),
    (["--decision", "reject", "--reviewer", "  "], "reviewer"),
])
def test_review_refuses_bad_usage(tmp_path, args, needle):
    folder = make_session_folder(tmp_path / "s", formats=("json",))
    base = ["--reviewer", "Dana"] if "--reviewer" not in args else []
    assert_clean_error(run_cli("review", str(folder), *base, *args), needle)


def test_review_refuses_a_folder_without_a_journal(tmp_path):
    assert_clean_error(run_cli("review", str(tmp_path), "--reviewer", "D", "--decision", "reject"),
                       "not a session folder")


def _personal_files(tmp_path: Path):
    source = tmp_path / "answers"
    source.mkdir(parents=True)
    recording = source / "Q1.wav"
    recording.write_bytes(b"RIFF-candidate-voice")
    folder = make_session_folder(tmp_path / "session", audio=recording)
    (folder / "Q2.flac").write_bytes(b"voice")
    (folder / "journal.20240101-000000.jsonl").write_text("{}\n")
    (folder / "audio").mkdir()
    (folder / "audio" / "Q3.ogg").write_bytes(b"voice")
    (folder / "features.json").write_text("{}")
    return folder, recording


def test_delete_removes_recordings_journal_transcripts_and_derived_data(tmp_path):
    folder, recording = _personal_files(tmp_path)
    (tmp_path / "answers" / "unrelated.txt").write_text("keep me")
    result = run_cli("delete", str(folder))
    assert result.code == 0, result.stderr
    assert sorted(p.name for p in folder.rglob("*")) == ["deletion.json"]
    # the recording the journal names outside the session folder is listed, and kept without --include-sources
    assert recording.exists() and str(recording) in result.stderr and "--include-sources" in result.stderr
    assert (tmp_path / "answers" / "unrelated.txt").exists()
    note = json.loads((folder / "deletion.json").read_text())
    assert note["kept"] == "nothing" and "journal.jsonl" in note["removed"]
    assert note["sources_kept"] == [str(recording)]
    again = run_cli("delete", str(folder))
    assert again.code == 0 and "already deleted" in again.stdout


def test_delete_include_sources_without_a_terminal_needs_yes(tmp_path):
    folder, recording = _personal_files(tmp_path)
    refused = run_cli("delete", str(folder), "--include-sources")   # stdin is not a terminal here
    assert refused.code == 0 and "no terminal to confirm on" in refused.stderr and recording.exists()
    folder, recording = _personal_files(tmp_path / "again")
    result = run_cli("delete", str(folder), "--include-sources", "--yes")
    assert result.code == 0 and str(recording) in result.stderr and not recording.exists()


def test_delete_keep_report_keeps_only_the_reports(tmp_path):
    folder, recording = _personal_files(tmp_path)
    result = run_cli("delete", str(folder), "--keep-report")
    assert result.code == 0, result.stderr
    assert sorted(p.name for p in folder.rglob("*")) == ["deletion.json", "report.html", "report.json",
                                                        "report.md"]
    assert recording.exists()


def test_delete_refuses_a_folder_that_is_not_a_session(tmp_path):
    (tmp_path / "holiday.wav").write_bytes(b"not an interview")
    assert_clean_error(run_cli("delete", str(tmp_path)), "not a session folder")
    assert (tmp_path / "holiday.wav").exists()
    assert_clean_error(run_cli("delete", str(tmp_path / "missing")), "no such folder")

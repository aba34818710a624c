"""`interview replay` and `interview transcribe` as a user runs them: exit codes, files, one-line errors."""
import json
import shutil

import numpy as np
import pytest
import soundfile as sf

from tests.conftest import assert_clean_error, run_cli

PLAN = """\
role: Data Engineer
candidate: Sam Lee
questions:
  - id: DE_Q1
    competency: Pipelines
    text: "How do you make a nightly pipeline reliable?"
    rubric: ["data quality checks", "idempotent loads", "alerting on failures"]
  - id: DE_Q2
    text: "Which file format do you use for analytics tables, and why?"
  - id: DE_Q3
    text: "How do you model slowly changing dimensions?"
  - id: DE_Q4
    text: "What is your favourite orchestration tool?"
  - id: DE_Q5
    text: "How do you test a SQL transformation?"
  - id: DE_Q6
    text: "Tell me about a production incident."
  - id: DE_Q7
    text: "How do you size a Spark cluster?"
  - id: DE_Q8
    text: "How do you handle late data?"
"""


@pytest.fixture(scope="module")
def replay_folder(tmp_path_factory, speak):
    """Answers in every shape the contract names: 16 kHz WAV, 44.1 kHz stereo, FLAC, silence, 0 bytes,
    missing, noise and text renamed .wav."""
    root = tmp_path_factory.mktemp("replay") / "session"
    root.mkdir()
    (root / "plan.yaml").write_text(PLAN)
    shutil.copy(speak("Every load can be rerun safely and we run data quality checks before publishing.", "q1.wav"),
                root / "DE_Q1.wav")
    mono, rate = sf.read(speak("We store analytics tables as Parquet because it is columnar.", "q2.wav"))
    stereo44 = np.stack([np.interp(np.arange(0, len(mono), 16000 / 44100), np.arange(len(mono)), mono)] * 2, axis=1)
    sf.write(root / "DE_Q2.wav", stereo44, 44100)
    data, _ = sf.read(speak("I keep history rows with valid from and valid to dates.", "q3.wav"))
    sf.write(root / "DE_Q3.flac", data, 16000, format="FLAC")
    sf.write(root / "DE_Q4.wav", np.zeros(160000, np.float32), 16000)
    (root / "DE_Q5.wav").write_bytes(b"")
    rng = np.random.default_rng(3)
    sf.write(root / "DE_Q7.wav", (0.05 * rng.standard_normal(160000)).astype(np.float32), 16000)
    (root / "DE_Q8.wav").write_text("not audio, just a text file with the wrong name\n" * 10)
    return root


@pytest.fixture(scope="module")
def replayed(replay_folder, tmp_path_factory):
    out = tmp_path_factory.mktemp("out") / "analysis"
    result = run_cli("replay", str(replay_folder), "--out", str(out), "--max-followups", "0")
    return result, out


@pytest.mark.integration
def test_replay_writes_every_output_and_exits_0(replayed):
    result, out = replayed
    assert result.code == 0, result.stderr
    assert "Traceback" not in result.stderr
    for name in ("report.json", "report.md", "report.html", "transcript.md", "journal.jsonl"):
        assert (out / name).is_file(), name
        assert (out / name).stat().st_mode & 0o077 == 0, f"{name} is readable by others"
    assert "report.md" in result.stdout


@pytest.mark.integration
def test_replay_flags_each_kind_of_answer(replayed):
    result, out = replayed
    report = json.loads((out / "report.json").read_text())
    assert report["schema_version"] == 1 and report["role"] == "Data Engineer" and report["candidate"] == "Sam Lee"
    turns = {t["question_id"]: t for t in report["turns"]}
    assert "quality checks" in turns["DE_Q1"]["transcript"].lower()
    assert "parquet" in turns["DE_Q2"]["transcript"].lower()  # 44.1 kHz stereo
    assert "history" in turns["DE_Q3"]["transcript"].lower()    # FLAC
    journaled = {line["question"]["id"]: line["assessment"] for line in map(json.loads,
                 (out / "journal.jsonl").read_text().splitlines()) if line.get("type") == "turn"}
    for answered in ("DE_Q1", "DE_Q2", "DE_Q3"):
        # the report shows what the scorer journaled for the turn, and its justification
        scored = journaled[answered]
        assert (turns[answered]["score"], turns[answered]["relevance"]) == (scored["score"], scored["relevance"])
        assert turns[answered]["justification"] == scored["justification"] != ""
        assert set(turns[answered]["emotion"]) >= {"concentration", "enthusiasm", "interest", "confidence"}
    assert "no_answer" in turns["DE_Q4"]["flags"] and turns["DE_Q4"]["transcript"] == ""
    assert "audio_error" in turns["DE_Q5"]["flags"]
    assert "not_answered" in turns["DE_Q6"]["flags"]
    assert "no_answer" in turns["DE_Q7"]["flags"] and turns["DE_Q7"]["transcript"] == ""
    assert "audio_error" in turns["DE_Q8"]["flags"]
    for failed in ("DE_Q5", "DE_Q8"):   # the system failed to hear it: left out, to record again, not a 0
        assert "rerecord" in turns[failed]["flags"] and turns[failed]["justification"].startswith("Not scored")
    for silent in ("DE_Q4", "DE_Q5", "DE_Q6", "DE_Q7", "DE_Q8"):
        assert turns[silent]["score"] is None and turns[silent]["emotion"] is None
    # README's overall: mean quality x 100; the three questions without an answer count 0, the two unreadable
    # recordings (DE_Q5, DE_Q8) are left out
    expected = round(100 * sum(journaled[q]["quality"] for q in ("DE_Q1", "DE_Q2", "DE_Q3")) / 6)
    assert report["overall"]["score"] == expected
    assert report["overall"]["recommendation"] == ("strong_yes" if expected >= 80 else "yes" if expected >= 60
                                                   else "no" if expected >= 40 else "strong_no")
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert any("DE_Q5.wav" in w and "0 bytes" in w for w in warnings)
    assert any("DE_Q8.wav" in w for w in warnings)


@pytest.mark.integration
def test_a_session_whose_recordings_all_fail_gets_no_verdict(tmp_path):
    session = tmp_path / "session"
    session.mkdir()
    (session / "plan.yaml").write_text(PLAN)
    for qid in ("DE_Q1", "DE_Q2"):
        (session / f"{qid}.wav").write_bytes(b"RIFF\x00\x00not a wave file")
    result = run_cli("replay", str(session), "--out", str(tmp_path / "out"), "--max-followups", "0", "--no-emotion")
    assert result.code == 0, result.stderr
    overall = json.loads((tmp_path / "out" / "report.json").read_text())["overall"]
    assert overall["score"] is None and overall["recommendation"] == "insufficient_evidence"
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert any("insufficient_evidence" in w and "DE_Q1, DE_Q2" in w for w in warnings)
    assert "Insufficient evidence" in (tmp_path / "out" / "report.md").read_text()


@pytest.mark.integration
def test_journal_keeps_segments_and_confidences(replayed):
    _, out = replayed
    lines = [json.loads(line) for line in (out / "journal.jsonl").read_text().splitlines()]
    assert lines[0]["type"] == "header"
    first = next(line for line in lines if line.get("type") == "turn")
    segment = first["transcript"]["segments"][0]
    assert {"start_s", "end_s", "text", "avg_logprob", "no_speech_prob"} <= set(segment)


@pytest.mark.integration
def test_report_gives_each_word_its_time_and_confidence_and_links_the_recording(replayed, replay_folder):
    _, out = replayed
    turns = {t["question_id"]: t for t in json.loads((out / "report.json").read_text())["turns"]}
    first = turns["DE_Q1"]
    assert (out / first["audio"]).resolve() == (replay_folder / "DE_Q1.wav").resolve()
    assert " ".join(w["text"] for w in first["words"]) == first["transcript"]
    assert all(0 <= w["probability"] <= 1 and w["uncertain"] == (w["probability"] < 0.5) for w in first["words"])
    assert turns["DE_Q6"]["audio"] is None and turns["DE_Q6"]["words"] == []
    html = (out / "report.html").read_text()
    assert f'src="{first["audio"]}"' in html and "data-seek=" in html


@pytest.mark.integration
def test_report_rerenders_from_the_journal(replayed):
    _, out = replayed
    before = json.loads((out / "report.json").read_text())
    (out / "report.json").unlink()
    result = run_cli("report", str(out), "--format", "json")
    assert result.code == 0, result.stderr
    assert json.loads((out / "report.json").read_text())["overall"] == before["overall"]


@pytest.mark.integration
def test_transcribe_prints_one_line_per_file(replay_folder):
    result = run_cli("transcribe", str(replay_folder / "DE_Q1.wav"), str(replay_folder / "DE_Q4.wav"),
                     str(replay_folder / "DE_Q3.flac"))
    assert result.code == 0, result.stderr
    lines = result.stdout.split("\n")
    assert "quality checks" in lines[0].lower() and lines[1] == "" and "history" in lines[2].lower()


@pytest.mark.parametrize("name, needle", [
    ("DE_Q5.wav", "0 bytes"), ("DE_Q8.wav", "not a readable audio file"), ("nope.wav", "no such file")])
def test_transcribe_bad_input_is_one_line(replay_folder, name, needle):
    assert_clean_error(run_cli("transcribe", str(replay_folder / name)), name, needle)


def test_transcribe_truncated_wav_keeps_what_is_there(tmp_path, speak):
    whole = speak("A truncated recording still has words in it.", "trunc.wav").read_bytes()
    cut = tmp_path / "cut.wav"
    cut.write_bytes(whole[: len(whole) * 2 // 3])
    result = run_cli("transcribe", str(cut))
    assert result.code == 0 and "truncated" in result.stdout.lower(), (result.stdout, result.stderr)


@pytest.mark.parametrize("plan, needle", [
    ("role: x\nquestions: [\n", "invalid YAML"),
    ("role: x\nquestions:\n  - {id: A, text: a}\n  - {id: A, text: b}\n", "duplicate"),
    ("role: x\n", "missing 'questions'"),
])
def test_replay_bad_plan_is_one_line(tmp_path, plan, needle):
    (tmp_path / "plan.yaml").write_text(plan)
    assert_clean_error(run_cli("replay", str(tmp_path), "--out", str(tmp_path / "out")), "plan.yaml", needle)
    assert not (tmp_path / "out").exists(), "nothing is written for a plan that cannot run"


def test_replay_missing_folder_and_missing_plan(tmp_path):
    assert_clean_error(run_cli("replay", str(tmp_path / "absent")), "absent", "no such folder")
    assert_clean_error(run_cli("replay", str(tmp_path)), "plan.yaml")


def test_bad_flag_values_are_one_line(tmp_path):
    (tmp_path / "plan.yaml").write_text("role: x\nquestions:\n  - {id: A, text: a}\n")
    assert_clean_error(run_cli("replay", str(tmp_path), "--format", "docx"), "docx")
    assert_clean_error(run_cli("replay", str(tmp_path), "--stt-model", str(tmp_path)), "model")
    assert_clean_error(run_cli("replay"), "DIR")

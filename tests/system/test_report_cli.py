"""`interview report` and `interview cohort` through a subprocess, as a user runs them."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fakes_reports import assessment, question, sample_record, turn, write_session

REPO = Path(__file__).resolve().parents[2]


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""),
           "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "interview", *args], capture_output=True, text=True,
                          timeout=300, env=env, cwd=cwd)


def scored_session(folder: Path, name: str, quality: float) -> Path:
    q = question("Q1", "Why this role?")
    base = sample_record(candidate=name)
    record = base.__class__(plan=base.plan, turns=(turn(q, "Because I like it.", assessment(70, 3, quality)),),
                            meta={"candidate": name})
    return write_session(folder, record)


def no_traceback(result: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in result.stderr, result.stderr


def test_report_rerenders_from_journal(tmp_path):
    review = {"type": "review", "reviewer": "Ana", "decision": "advance", "note": "", "at": "2025-05-02"}
    folder = write_session(tmp_path, sample_record(reviews=(review,)))
    result = cli("report", str(folder), "--format", "md,json,html")
    assert result.returncode == 0, result.stderr
    report = json.loads((folder / "report.json").read_text())
    assert report["schema_version"] == 1 and len(report["turns"]) == 5
    assert report["human_decisions"][0]["decision"] == "advance"
    assert (folder / "report.html").exists() and (folder / "transcript.md").exists()
    assert not (folder / "report.pdf").exists()
    assert "Human decision" in (folder / "report.md").read_text()


@pytest.mark.parametrize("case", ["missing_dir", "no_journal", "bad_format", "empty_journal"])
def test_report_bad_input_is_one_line_exit_2(tmp_path, case):
    target = tmp_path / "session"
    if case != "missing_dir":
        target.mkdir()
    if case == "bad_format":
        write_session(target, sample_record())
    if case == "empty_journal":
        (target / "journal.jsonl").write_text("")
    args = ["report", str(target)] + (["--format", "md,docx"] if case == "bad_format" else [])
    result = cli(*args)
    assert result.returncode == 2
    no_traceback(result)
    assert result.stderr.startswith("error: ") and len(result.stderr.strip().splitlines()) == 1


def test_cohort_of_seven_passes_four(tmp_path):
    folders = [scored_session(tmp_path / f"s{i}", f"Cand {i}", q)
               for i, q in enumerate([0.55, 0.91, 0.12, 0.78, 0.64, 0.40, 0.83])]
    out = tmp_path / "cohort"
    result = cli("cohort", *map(str, folders), "--pass-rate", "0.47", "--json", "--out", str(out))
    assert result.returncode == 0, result.stderr
    decisions = json.loads(result.stdout)
    assert sum(d["decision"] == "pass" for d in decisions.values()) == 4
    assert decisions[str(folders[1])] == {"score": 91, "decision": "pass"}
    assert decisions[str(folders[2])]["decision"] == "fail"
    for name in ("cohort.md", "cohort.json", "cohort.html"):
        assert (out / name).exists()


def test_cohort_with_groups_warns_below_four_fifths(tmp_path):
    folders = [scored_session(tmp_path / f"s{i}", f"Cand {i}", q) for i, q in enumerate([0.9, 0.8, 0.7, 0.2])]
    groups = tmp_path / "groups.csv"
    groups.write_text("candidate,group\nCand 0,A\nCand 1,A\nCand 2,B\nCand 3,B\n")
    result = cli("cohort", *map(str, folders), "--pass-rate", "0.5", "--groups", str(groups), "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "below 0.8" in result.stderr and "group 'B'" in result.stderr
    data = json.loads((tmp_path / "cohort.json").read_text())
    assert {g["group"]: g["impact_ratio"] for g in data["groups"]} == {"A": 1.0, "B": 0.0}


@pytest.mark.parametrize("case", ["missing_session", "bad_rate", "bad_groups", "not_a_session"])
def test_cohort_bad_input_is_one_line_exit_2(tmp_path, case):
    good = scored_session(tmp_path / "good", "Cand", 0.5)
    args = ["cohort", str(good), "--out", str(tmp_path)]
    if case == "missing_session":
        args.insert(2, str(tmp_path / "nope"))
    if case == "bad_rate":
        args += ["--pass-rate", "1.5"]
    if case == "bad_groups":
        args += ["--groups", str(tmp_path / "missing.csv")]
    if case == "not_a_session":
        (tmp_path / "empty").mkdir()
        args.insert(2, str(tmp_path / "empty"))
    result = cli(*args)
    assert result.returncode == 2
    no_traceback(result)
    assert result.stderr.startswith("error: ")


def test_cohort_with_self_reported_categories_prints_and_exports_the_bias_audit(tmp_path):
    folders = [scored_session(tmp_path / f"s{i}", f"Cand {i}", q) for i, q in enumerate([0.9, 0.8, 0.7, 0.2, 0.6])]
    groups = tmp_path / "groups.csv"
    groups.write_text("candidate,sex,race_ethnicity\nCand 0,Female,Asian\nCand 1,Male,White\nCand 2,Female,White\n"
                      "Cand 3,Male,Asian\nCand 4,declined,\n")
    out = tmp_path / "cohort"
    result = cli("cohort", *map(str, folders), "--pass-rate", "0.4", "--groups", str(groups), "--audit-pdf",
                 "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "Bias audit" in result.stdout and "Sex x race/ethnicity" in result.stdout
    assert "Unknown category: 1" in result.stdout
    audit = json.loads((out / "cohort.json").read_text())["audit"]
    sex = {r["category"]: r for r in next(t for t in audit["tables"] if t["dimension"] == "sex")["rows"]}
    assert (sex["Female"]["selected"], sex["Male"]["selected"]) == (1, 1)
    assert audit["metadata"]["sessions"] == 5 and audit["metadata"]["vivavoce_version"]
    assert (out / "audit.csv").read_text().startswith("table,category,applicants")
    text = subprocess.run(["pdftotext", str(out / "audit.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    assert "Bias audit" in text and "Race/ethnicity" in text and "four-fifths" in text


def test_audit_pdf_needs_groups(tmp_path):
    good = scored_session(tmp_path / "good", "Cand", 0.5)
    result = cli("cohort", str(good), "--audit-pdf", "--out", str(tmp_path))
    assert result.returncode == 2 and result.stderr.startswith("error: ") and "--groups" in result.stderr

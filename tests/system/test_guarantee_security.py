"""Security: keys never written out, private session files, plan paths confined, no shell with user data."""
from __future__ import annotations

import logging
import os
import re
import stat
from pathlib import Path

import pytest

from interview.config import load_config
from interview.plan import load_plan
from interview.replay import open_replay_folder
from tests.conftest import REPO, assert_clean_error, run_cli
from tests.sessions_guarantees import ANSWERS, make_session
from tests.stub_openai import StubOpenAI, status
from voice.errors import PlanError

ENV_KEY = "sk-test-PLANTED123"
CONFIG_KEY = "sk-config-PLANTED456"


def _config_with_key(path: Path, mode: int, base_url: str = "http://127.0.0.1:9/v1") -> Path:
    path.write_text(f'[llm]\nbase_url = "{base_url}"\nmodel = "stub-model"\n'
                    f'api_key_env = "VIVAVOCE_TEST_KEY"\napi_key = "{CONFIG_KEY}"\n')
    os.chmod(path, mode)
    return path


@pytest.mark.parametrize("mode, warned", [(0o644, True), (0o640, True), (0o600, False)])
def test_config_holding_a_key_must_not_be_readable_by_others(tmp_path, caplog, mode, warned):
    path = _config_with_key(tmp_path / "vivavoce.toml", mode)
    with caplog.at_level(logging.WARNING):
        load_config(str(path))
    assert any("readable by others" in r.getMessage() and "chmod 600" in r.getMessage()
               for r in caplog.records) == warned
    assert all(CONFIG_KEY not in r.getMessage() for r in caplog.records)


@pytest.mark.integration
@pytest.mark.llm
def test_planted_keys_reach_the_server_but_no_output_file_or_log(tmp_path):
    two = dict(list(ANSWERS.items())[:2])
    folder = make_session(tmp_path / "session", two)
    out = tmp_path / "out"
    with StubOpenAI() as stub:
        stub.push(status(401))  # an error path too: its message and fallback event must not carry the key
        config = _config_with_key(tmp_path / "vivavoce.toml", 0o600, stub.base_url)
        result = run_cli("--verbose", "replay", str(folder), "--out", str(out), "--config", str(config),
                         "--no-emotion", "--max-followups", "1", "--format", "md,html,json",
                         env={"OPENAI_API_KEY": ENV_KEY, "VIVAVOCE_TEST_KEY": ""}, timeout_s=300)
        sent = [h.get("authorization", "") for h in stub.headers]
    assert result.code == 0, result.stderr[-2000:]
    assert sent and all(h == f"Bearer {CONFIG_KEY}" for h in sent)  # the config key was used...
    files = [p for p in out.rglob("*") if p.is_file()]
    assert {"journal.jsonl", "report.md", "report.html", "report.json"} <= {p.name for p in files}
    assert "llm_fallback" in (out / "journal.jsonl").read_text()
    for key in (ENV_KEY, CONFIG_KEY, "PLANTED"):  # ...and written nowhere
        for path in files:
            assert key.encode() not in path.read_bytes(), (key, path)
        assert key not in result.stdout and key not in result.stderr


def test_session_folder_is_0700_and_its_files_0600(tmp_path):
    from interview.journal import Journal
    from reports import write_reports
    from tests.fakes_reports import sample_record

    out = tmp_path / "session"
    with Journal(out / "journal.jsonl") as journal:
        record = sample_record()
        journal.write_header(record.plan, {"mode": "replay"})
        for turn in record.turns:
            journal.append_turn(turn)
    os.umask(0o022)
    write_reports(record, out, ("md", "html", "json"))
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    files = list(out.iterdir())
    assert len(files) >= 5
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


@pytest.mark.integration
def test_replay_output_is_private(tmp_path):
    """The whole replay path, including a folder the user pre-created with loose permissions."""
    folder = make_session(tmp_path / "session", dict(list(ANSWERS.items())[:1]))
    out = tmp_path / "out"
    out.mkdir(mode=0o755)
    result = run_cli("--quiet", "replay", str(folder), "--out", str(out), "--no-emotion", "--max-followups", "0")
    assert result.code == 0, result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    for path in out.rglob("*"):
        assert stat.S_IMODE(path.stat().st_mode) == (0o700 if path.is_dir() else 0o600), path


def _plan_pointing_at(tmp_path: Path, reference: str) -> Path:
    (tmp_path / "secret.md").write_text("private notes of another candidate")
    folder = tmp_path / "plans"
    folder.mkdir(exist_ok=True)
    (folder / "plan.yaml").write_text(f"role: x\njob_description: {reference}\nquestions:\n  - id: Q1\n    text: hi\n")
    return folder


@pytest.mark.parametrize("reference", ["../secret.md", "/etc/../{tmp}/secret.md", "sub/../../secret.md"])
def test_plan_paths_may_not_escape_the_plan_folder(tmp_path, reference):
    folder = _plan_pointing_at(tmp_path, reference.format(tmp=str(tmp_path).lstrip("/")))
    with pytest.raises(PlanError, match="outside the plan's folder"):
        load_plan(folder / "plan.yaml")


def test_symlink_out_of_the_plan_folder_is_refused(tmp_path):
    folder = _plan_pointing_at(tmp_path, "jd.md")
    (folder / "jd.md").symlink_to(tmp_path / "secret.md")
    with pytest.raises(PlanError, match="outside"):
        load_plan(folder / "plan.yaml")


def test_files_named_on_the_command_line_may_live_anywhere(tmp_path):
    folder = _plan_pointing_at(tmp_path, "../secret.md")
    elsewhere = tmp_path / "hr" / "jd-2024.md"
    elsewhere.parent.mkdir()
    elsewhere.write_text("Job description given by the operator")
    source = open_replay_folder(folder, job_description=str(tmp_path / "secret.md"))
    assert source.plan.job_description == "private notes of another candidate"
    source = open_replay_folder(folder, job_description=str(tmp_path / "secret.md"), resume=str(elsewhere))
    assert source.plan.resume == "Job description given by the operator"


def test_replay_refuses_an_escaping_plan_with_a_clean_error(tmp_path):
    folder = _plan_pointing_at(tmp_path, "../secret.md")
    assert_clean_error(run_cli("replay", str(folder), "--out", str(tmp_path / "o")), "outside the plan's folder")


def test_html_escapes_candidate_text():
    """Proven in tests/test_report_html.py::test_script_answer_stays_inert (chromium runs the page)."""
    source = (REPO / "tests" / "system" / "test_report_html.py").read_text()
    assert "def test_script_answer_stays_inert" in source and "&lt;script&gt;" in source


def test_no_shell_true_anywhere_in_the_source():
    offenders = []
    for path in REPO.rglob("*.py"):
        if any(part in {".venv", "node_modules", ".git"} for part in path.parts) or path.name == Path(__file__).name:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if re.search(r"shell\s*=\s*True|os\.system\(|os\.popen\(", text):
            offenders.append(str(path.relative_to(REPO)))
    assert offenders == []

"""Security: keys never written out, private session files, plan paths confined, no shell with user data."""
from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest

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


@pytest.mark.parametrize("mode", [0o644, 0o640])
def test_config_holding_a_key_must_not_be_readable_by_others(tmp_path, mode):
    """Refused, exit 2, before anything is read or sent; the key is not in the message."""
    path = _config_with_key(tmp_path / "vivavoce.toml", mode)
    result = run_cli("replay", str(REPO / "examples" / "ml-engineer"), "--out", str(tmp_path / "out"),
                     "--config", str(path), timeout_s=60)
    assert_clean_error(result, str(path), "others can read", "chmod 600")
    assert CONFIG_KEY not in result.stderr and not (tmp_path / "out").exists()


@pytest.mark.llm
def test_the_openai_key_never_reaches_another_server(tmp_path):
    """With $OPENAI_API_KEY exported, a local server gets a placeholder; a key named for it does reach it."""
    from interview.llm import LLMOptions, OpenAIChat

    with StubOpenAI(default="hello") as stub:
        exported = {"OPENAI_API_KEY": ENV_KEY}
        OpenAIChat(LLMOptions(base_url=stub.base_url, model="stub-model"), env=exported).complete(
            [{"role": "user", "content": "hi"}])
        named = LLMOptions(base_url=stub.base_url, model="stub-model", api_key_env="LOCAL_KEY", key_named=True)
        OpenAIChat(named, env={**exported, "LOCAL_KEY": CONFIG_KEY}).complete([{"role": "user", "content": "hi"}])
        sent = [h.get("authorization", "") for h in stub.headers]
    assert sent == ["Bearer not-needed", f"Bearer {CONFIG_KEY}"]


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


PLANTED_HTML = ("<script>alert(1)</script>", "<img src=x onerror=alert(2)>", "<iframe src=//evil.example>",
                '<a href="javascript:alert(3)">x</a>', "<style>body{display:none}</style>")


def test_html_escapes_candidate_text():
    """Every field a candidate, a model or a reviewer writes, planted with markup: the page has exactly the tags
    it has with plain text in those fields (its own seek script included), and no event handler."""
    import collections
    import dataclasses
    from html.parser import HTMLParser

    from reports.build import build_evaluation
    from reports.render_html import render_html
    from tests.fakes_reports import assessment, sample_record

    def rendered(planted) -> str:
        record = sample_record()
        first = record.turns[0]
        judged = assessment(80, 4, 0.8, strengths=(planted(1),), weaknesses=(planted(2),), tips=(planted(3),),
                            quotes=(planted(0)[:20],), justification=planted(4))
        first = dataclasses.replace(first, transcript=dataclasses.replace(first.transcript, text=planted(0)),
                                    assessment=judged)
        record = dataclasses.replace(
            record, turns=(first,) + record.turns[1:],
            plan=dataclasses.replace(record.plan, candidate=planted(5), role=planted(6), company=planted(7)),
            reviews=({"type": "review", "reviewer": planted(8), "decision": "advance", "note": planted(9)},))
        return render_html(build_evaluation(record))

    class Tags(HTMLParser):
        def __init__(self, html: str):
            super().__init__()
            self.seen: collections.Counter = collections.Counter()
            self.handlers: list[str] = []
            self.feed(html)

        def handle_starttag(self, tag, attrs):
            self.seen[tag] += 1
            self.handlers += [name for name, value in attrs if name.startswith("on") or "javascript:" in (value or "")]

    html = rendered(lambda i: f"field{i} {PLANTED_HTML[i % len(PLANTED_HTML)]}")
    plain = Tags(rendered(lambda i: f"field{i} plain words"))
    planted = Tags(html)
    assert planted.seen == plain.seen and planted.handlers == [] == plain.handlers, planted.seen - plain.seen
    for i in (0, 1, 2, 3, 4, 5, 6, 8, 9):
        assert f"field{i} &lt;" in html, i


def test_no_shell_true_anywhere_in_the_source():
    offenders = []
    for path in REPO.rglob("*.py"):
        if any(part in {".venv", "node_modules", ".git"} for part in path.parts) or path.name == Path(__file__).name:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if re.search(r"shell\s*=\s*True|os\.system\(|os\.popen\(", text):
            offenders.append(str(path.relative_to(REPO)))
    assert offenders == []

"""`interview plan` through a subprocess, as a user runs it."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from interview.plan import load_plan
from tests.unit.test_plan_generation import JD, RESUME

REPO = Path(__file__).resolve().parents[2]


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1"}
    env.pop("VIVAVOCE_LLM_BASE_URL", None)
    return subprocess.run([sys.executable, "-m", "interview", "plan", *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=120)


def test_cli_writes_a_valid_plan_offline(tmp_path):
    (tmp_path / "jd.md").write_text(JD)
    (tmp_path / "r.md").write_text(RESUME)
    done = _cli("--jd", "jd.md", "--resume", "r.md", "--out", "out/plan.yaml", "--questions", "5", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "PROJ_Q1" in done.stdout and done.stdout.strip().endswith("out/plan.yaml")
    assert len(load_plan(tmp_path / "out" / "plan.yaml").questions) == 5


def test_cli_bad_input_is_one_clean_line(tmp_path):
    for args in (["--jd", "missing.md", "--out", "p.yaml"],
                 ["--jd", "missing.md", "--out", "p.yaml", "--questions", "0"],
                 ["--jd", "missing.md", "--out", "p.yaml", "--llm-base-url", "http://127.0.0.1:9/v1"]):
        done = _cli(*args, cwd=tmp_path)
        assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
        assert done.stderr.startswith("error: ") and len(done.stderr.strip().splitlines()) == 1

"""System-test fixtures: one headless Chromium for every browser test, and the workspace server as users start it."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.conftest import stop_process

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--autoplay-policy=no-user-gesture-required"]


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by playwright (never a downloaded browser), shared by all browser tests."""
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed: apt-get install chromium (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


class Served:
    """`interview serve ROOT ...` in a subprocess; `url` is the address it printed (token included)."""

    def __init__(self, root: Path, *args: str, cwd: Path = REPO, timeout_s: float = 60):
        env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""),
               "HF_HUB_OFFLINE": "1"}
        self.process = subprocess.Popen([sys.executable, "-m", "interview", "serve", str(root), "--port", "0", *args],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd, env=env)
        self.lines: list[str] = []
        first = self._read_line(timeout_s)
        if " at http" not in first:
            self.stop()
            raise AssertionError(f"interview serve printed no address: {first!r} {self.process.stderr.read()}")
        self.url = first.split(" at ", 1)[1].strip()
        self.base = self.url.split("?", 1)[0].rstrip("/")

    def _read_line(self, timeout_s: float) -> str:
        got: list[str] = []
        reader = threading.Thread(target=lambda: got.append(self.process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout_s)
        line = got[0] if got else ""
        self.lines.append(line)
        return line

    def next_line(self, timeout_s: float = 5) -> str:
        return self._read_line(timeout_s)

    def stop(self) -> None:
        stop_process(self.process, grace_s=10)

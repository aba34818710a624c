"""A live session on fakes that kills itself (SIGKILL, as kill -9) at a chosen point, for the crash tests.

    python -m tests.live_crash_child SESSION_DIR PLAN analysis|header
"""
from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from interview.cli.live_view import TerminalView
from interview.journal import Journal
from interview.live import run_live
from interview.plan import load_plan
from tests.fakes import FakeScorer
from tests.fakes_live import FakeLiveMic, live_session

ANSWER = ((0.5, False), (2.0, True), (1.5, False))


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


class DyingScorer(FakeScorer):
    """Killed while the first answer is scored: after its WAV and answer_recorded line, before its turn line."""

    def assess(self, question, transcript, plan):
        die()


def main(session: str, plan_path: str, point: str) -> None:
    devices, models, options = live_session(FakeLiveMic(*ANSWER, *ANSWER))
    if point == "analysis":
        models.scorer = DyingScorer()
    elif point == "header":
        Journal.write_header = lambda self, plan, meta: die()
    run_live(load_plan(plan_path), Path(session), devices, options, TerminalView(), models=models)


if __name__ == "__main__":
    main(*sys.argv[1:4])

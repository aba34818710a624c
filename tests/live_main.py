"""Runs `interview live` for the live tests and the latency benchmark.

It is the real CLI; only where this build lacks voice/stt.py, nlp/scoring.py or reports/ does it
substitute the test transcriber and scorer, so the live mode is testable on its own.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from interview.cli import live_cmd, main  # noqa: E402


def _models(args):
    try:
        from voice.stt import WhisperTranscriber
        transcriber = WhisperTranscriber()
    except ImportError:
        from tests.fakes_live import TinyWhisper
        transcriber = TinyWhisper()
    try:
        from nlp.scoring import OfflineScorer
        scorer = OfflineScorer()
    except ImportError:
        from tests.fakes_live import FixedScorer
        scorer = FixedScorer()
    return transcriber, scorer


live_cmd.load_models = _models

if __name__ == "__main__":
    raise SystemExit(main(["live", *sys.argv[1:]]))

"""Hard synthetic answers (fast espeak-ng voices, dense jargon, 44.1 kHz wav and flac) through
`interview transcribe`: the same bytes in every process, and no answer loses more than 10 % of its words.

On whisper's defaults these lost whole 30 s windows (one answer kept 16 of 105 words) and changed from
run to run (temperature fallback samples at random).
"""
from __future__ import annotations

import json

import pytest

from tests.conftest import run_cli
from tests.hard_speech import align, hard_answers, synthesise

pytestmark = pytest.mark.integration
MAX_LOST_SHARE = 0.10   # README's target: no answer loses more than 10 % of its words


@pytest.fixture(scope="module")
def short_hard_answers():
    return [(answer, synthesise(answer)) for answer in hard_answers() if answer.short]


@pytest.fixture(scope="module")
def three_runs(short_hard_answers):
    files = [str(path) for _, path in short_hard_answers]
    runs = [run_cli("transcribe", "--json", "--stt-model", "auto", *files, timeout_s=600) for _ in range(3)]
    for run in runs:
        assert run.code == 0, run.stderr
    return runs


def test_the_same_audio_gives_the_same_bytes_in_three_processes(three_runs):
    assert three_runs[0].stdout == three_runs[1].stdout == three_runs[2].stdout
    assert len(three_runs[0].stdout.splitlines()) == 2


def test_no_hard_answer_loses_more_than_a_tenth_of_its_words(short_hard_answers, three_runs):
    for (answer, _), line in zip(short_hard_answers, three_runs[0].stdout.splitlines()):
        result = json.loads(line)
        alignment = align(answer.text, result["text"])
        assert alignment.lost_share <= MAX_LOST_SHARE, (answer.label, alignment, result["text"])
        words = result["words"]
        assert len(words) >= 0.9 * len(answer.text.split())
        assert all(0 <= w["start_s"] <= w["end_s"] and 0 <= w["probability"] <= 1 for w in words)
        assert [w["start_s"] for w in words] == sorted(w["start_s"] for w in words)

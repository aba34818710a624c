"""The quick draft live mode reads the words before each pause with (voice.draft): only the speech is
encoded, so whisper meets a window far shorter than its 30 s. It must still say what the finished
answers say, and end a clause broken off mid-thought the way the turn decision reads as open."""
from __future__ import annotations

import re

import pytest

from interview.live.turn_end import text_cue
from voice.audio import Utterance, decode_file


@pytest.fixture(scope="module")
def draft():
    from dataclasses import replace

    from voice.stt import SttOptions, WhisperTranscriber

    return WhisperTranscriber(replace(SttOptions(), draft=True))


def words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())


def read(transcriber, path) -> str:
    audio = decode_file(path)
    return transcriber.transcribe(Utterance(audio, 0.0, audio.duration_s, "silence")).text


def test_a_finished_answer_drafts_to_the_words_of_the_full_transcript(speak, transcriber, draft):
    path = speak("I learned to write the data checks before the transformation code.", "done.wav")
    full, quick = words(read(transcriber, path)), words(read(draft, path))
    assert len(set(full) ^ set(quick)) <= 2, (full, quick)        # a word may differ, no more
    assert text_cue(read(draft, path)) == "complete"


@pytest.mark.parametrize("clause", ["We monitored latency, error rates, and", "So the tricky part was, uh",
                                    "Um, I think the best example is"])
def test_a_clause_broken_off_drafts_as_open(speak, draft, clause):
    text = read(draft, speak(clause, "open.wav"))
    assert text_cue(text) == "continue", text
    assert len(words(text)) <= len(words(clause)) + 3, text      # no loop of the clause said again

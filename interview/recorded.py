"""A saved answer recording, read the one way every analysis reads it.

Replay reads each answer this way, and live mode each answer it saved, once the WAV is on disk: the
samples decoded from the file (16-bit, as saved) and the speech the offline VAD finds in them. Live
mode's own pieces (cut at pauses while the candidate speaks, timing-dependent) only serve its early
decisions, so a replay of a live session folder transcribes, scores and reads the emotion of exactly
the audio, with exactly the speech spans, that live mode analysed: the same turn by construction.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable

from voice.audio import AudioChunk, EndReason, Utterance, decode_file
from voice.errors import VivavoceError

log = logging.getLogger(__name__)

Spans = tuple[tuple[float, float], ...]
SpeechFinder = Callable[[AudioChunk], Spans]


def offline_speech(audio: AudioChunk) -> Spans:
    """Silero over the whole recording at the default VAD options (voice.vad), as replay runs it."""
    from voice.vad import speech_spans

    return speech_spans(audio)


def recorded_answer(audio: AudioChunk, end_reason: EndReason = "end_of_input",
                    find_speech: SpeechFinder = offline_speech) -> Utterance:
    """The answer in `audio` (a decoded recording), whole, with the speech `find_speech` finds in it."""
    return Utterance(audio=audio, start_s=0.0, end_s=audio.duration_s, end_reason=end_reason,
                     speech_spans_s=find_speech(audio))


def read_back(path: Path, heard: Utterance, find_speech: SpeechFinder = offline_speech) -> Callable[[], Utterance]:
    """Live mode: the answer just saved at `path`, read back as a replay will read it (keeping the end
    reason live mode saw). A file that cannot be read back leaves the audio as heard to analyse."""

    def read() -> Utterance:
        try:
            return recorded_answer(decode_file(path), heard.end_reason, find_speech)
        except VivavoceError as e:
            log.warning("%s could not be read back (%s); the answer is analysed as heard", path, e.one_line())
            return heard

    return read

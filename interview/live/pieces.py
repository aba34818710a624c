"""An answer's pieces: cut at pauses, transcribed in the background, joined into one transcript.

The Listener cuts them (listen.py); `Heard` holds them for the session, which reads the transcript of
the pieces done by the end of the answer to choose the next question, and the whole one to score it.
"""
from __future__ import annotations

from concurrent.futures import Future
from dataclasses import replace
from typing import Sequence

import numpy as np

from voice.audio import SAMPLE_RATE_HZ, Utterance
from voice.transcript import Segment, Transcript

Piece = tuple[float, float, Transcript]     # start and end in stream seconds, and what was said


class Heard:
    """One stretch of listening: the answer's audio and its transcript.

    Pieces are transcribed in the background as the candidate pauses; `transcript` waits for the
    ones still running. A caller that need not read it at once (a long answer is never a voice
    command) can speak the next question meanwhile."""

    def __init__(self, utterance: Utterance | None, pieces: Sequence[Future] = (), speech_s: float = 0.0,
                 early_share: float = 0.5):
        self.utterance = utterance
        self.pieces = list(pieces)
        self.speech_s = speech_s
        self.early_share = early_share
        self._transcript: Transcript | None = None

    @property
    def partial_text(self) -> str:
        """What is transcribed so far, without waiting."""
        return _text_of(self.pieces)

    @property
    def transcript(self) -> Transcript:
        if self._transcript is None:
            start_s = self.utterance.start_s if self.utterance is not None else 0.0
            self._transcript = merge_pieces([p.result() for p in self.pieces], start_s)
        return self._transcript

    def early_transcript(self) -> Transcript:
        """The transcript of the pieces done by now: enough to choose the next question while the last
        piece is still transcribed. Waits for all of them when the done ones hold too little."""
        done = [p for p in self.pieces if p.done() and p.exception() is None]
        covered_s = sum(end - start for start, end, _ in (p.result() for p in done))
        answer_s = self.utterance.audio.duration_s if self.utterance is not None else 0.0
        if len(done) == len(self.pieces) or covered_s < self.early_share * answer_s:
            return self.transcript
        start_s = self.utterance.start_s if self.utterance is not None else 0.0
        return merge_pieces([p.result() for p in done], start_s)


def _text_of(pieces: Sequence[Future]) -> str:
    done = [p.result() for p in pieces if p.done() and p.exception() is None]
    return " ".join(t.text.strip() for _, _, t in done if t.text.strip())


def piece_spans(spans_s: Sequence[tuple[float, float]], start_s: float, end_s: float,
                pad_s: float) -> tuple[tuple[float, float], ...]:
    """The speech spans inside a piece, padded (whisper needs a little air around words) and
    relative to the piece's start; overlapping ones joined."""
    out: list[tuple[float, float]] = []
    for a, b in spans_s:
        a, b = max(start_s, a - pad_s), min(end_s, b + pad_s)
        if b <= a:
            continue
        if out and a - start_s <= out[-1][1]:
            out[-1] = (out[-1][0], b - start_s)
        else:
            out.append((a - start_s, b - start_s))
    return tuple(out)


def _slice(blocks: list[np.ndarray], stream_start_s: float, from_s: float, to_s: float) -> np.ndarray:
    audio = np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.float32)
    a = max(0, int(round((from_s - stream_start_s) * SAMPLE_RATE_HZ)))
    b = max(a, int(round((to_s - stream_start_s) * SAMPLE_RATE_HZ)))
    return audio[a:b].astype(np.float32, copy=False)


def merge_pieces(pieces: Sequence[Piece], answer_start_s: float) -> Transcript:
    """One transcript from the pieces, segment times relative to the answer's start."""
    segments: list[Segment] = []
    texts: list[str] = []
    speech_s = 0.0
    language = "en"
    for start_s, _end_s, t in pieces:
        offset = start_s - answer_start_s
        segments += [_shifted(s, offset) for s in t.segments]
        if t.text.strip():
            texts.append(t.text.strip())
        speech_s += t.speech_s
        language = t.language or language
    return Transcript(text=" ".join(texts), segments=tuple(segments), language=language, speech_s=speech_s)


def _shifted(segment: Segment, offset_s: float) -> Segment:
    """The segment (and its words) moved by `offset_s`, everything else as whisper gave it."""
    words = tuple(replace(w, start_s=w.start_s + offset_s, end_s=w.end_s + offset_s) for w in segment.words)
    return replace(segment, start_s=segment.start_s + offset_s, end_s=segment.end_s + offset_s, words=words)

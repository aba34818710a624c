"""Listening to one answer: voice activity, endpointing, and transcription at pauses.

The answer is transcribed piece by piece whenever the candidate pauses, so when the answer ends
little or nothing is left to transcribe and the next question comes quickly. Everything runs on
stream time (the microphone's sample count), never on the wall clock.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Callable, Protocol, Sequence

import numpy as np

from voice.audio import SAMPLE_RATE_HZ, AudioChunk, Utterance
from voice.endpoint import Endpointer, EndpointOptions
from voice.transcript import Segment, Transcript

log = logging.getLogger(__name__)


class Microphone(Protocol):
    def read(self, max_ms: int) -> AudioChunk | None: ...
    def drain(self) -> float: ...
    @property
    def now_s(self) -> float: ...


class SpeechDetector(Protocol):
    def reset(self, start_s: float = 0.0) -> None: ...
    def push(self, samples: np.ndarray, start_s: float | None = None) -> list[tuple[float, float]]: ...


class PieceTranscriber(Protocol):
    def transcribe(self, audio: Utterance, *, vocabulary: Sequence[str] = ()) -> Transcript: ...


@dataclass(frozen=True)
class ListenOptions:
    endpoint: EndpointOptions = EndpointOptions()
    echo_tail_ms: int = 300
    speech_threshold: float = 0.5
    # a pause this long is a good moment to transcribe what was said so far
    piece_pause_ms: int = 500
    read_ms: int = 32
    # kept before the first and after the last speech in the saved answer
    margin_s: float = 0.4


@dataclass
class Heard:
    """One stretch of listening: the answer's audio and its transcript so far."""

    utterance: Utterance | None
    transcript: Transcript
    speech_s: float
    pieces: list[tuple[float, float, Transcript]] = field(default_factory=list)


class Listener:
    """Listens until the Endpointer says the answer is over; transcribes at pauses."""

    def __init__(self, mic: Microphone, detector: SpeechDetector, transcriber: PieceTranscriber | None,
                 options: ListenOptions = ListenOptions(), *,
                 stop_requested: Callable[[], bool] = lambda: False,
                 on_progress: Callable[[float, str], None] | None = None):
        self.mic = mic
        self.detector = detector
        self.transcriber = transcriber
        self.options = options
        self.stop_requested = stop_requested
        self.on_progress = on_progress

    def listen(self, vocabulary: Sequence[str] = (), endpoint: EndpointOptions | None = None) -> Heard:
        opts = self.options
        # drop what was heard while the interviewer spoke, and its echo
        start_s = self.mic.drain()
        while self.mic.now_s < start_s + opts.echo_tail_ms / 1000.0:
            if self.mic.read(opts.read_ms) is None:
                break
        start_s = self.mic.now_s
        self.detector.reset(start_s)
        endpointer = Endpointer(endpoint or opts.endpoint, started_at_s=start_s)
        blocks: list[np.ndarray] = []
        pieces: list[tuple[float, float, Transcript]] = []
        cut_s: float | None = None      # audio before this is transcribed
        reason = None
        end_s = start_s
        while reason is None:
            chunk = self.mic.read(opts.read_ms)
            if chunk is None:
                reason = "end_of_input"
                break
            blocks.append(chunk.samples)
            for probability, frame_end_s in self.detector.push(chunk.samples, chunk.start_s):
                is_speech = probability >= opts.speech_threshold
                end_s = frame_end_s
                reason = endpointer.on_frame(is_speech, frame_end_s)
                if reason:
                    break
                last = endpointer.last_speech_s
                if (not is_speech and last is not None and (cut_s is None or last > cut_s)
                        and (frame_end_s - last) * 1000.0 >= opts.piece_pause_ms):
                    piece_start = cut_s if cut_s is not None else self._answer_start(endpointer, start_s)
                    pieces.append(self._transcribe(blocks, start_s, piece_start, frame_end_s, vocabulary))
                    cut_s = frame_end_s
            if self.on_progress:
                self.on_progress(end_s - start_s, " ".join(p[2].text.strip() for p in pieces).strip())
            if reason is None and self.stop_requested():
                reason = "stopped"
        endpointer._close_span()
        if endpointer.first_speech_s is None:
            return Heard(None, Transcript(text=""), 0.0)
        answer_start = self._answer_start(endpointer, start_s)
        answer_end = min(end_s, endpointer.last_speech_s + opts.margin_s)
        if reason in ("stopped", "max_length", "end_of_input"):
            answer_end = end_s
        last_spoken = endpointer.last_speech_s or 0.0
        if cut_s is None or last_spoken > cut_s:
            piece_start = cut_s if cut_s is not None else answer_start
            pieces.append(self._transcribe(blocks, start_s, piece_start, max(answer_end, piece_start), vocabulary))
        audio = _slice(blocks, start_s, answer_start, answer_end)
        spans = tuple((max(0.0, a - answer_start), b - answer_start) for a, b in endpointer.spans_s)
        utterance = Utterance(audio=AudioChunk(audio, SAMPLE_RATE_HZ, answer_start), start_s=answer_start,
                              end_s=answer_end, end_reason=reason, speech_spans_s=spans)
        speech_s = sum(b - a for a, b in endpointer.spans_s)
        return Heard(utterance, merge_pieces(pieces, answer_start), speech_s, pieces)

    def _answer_start(self, endpointer: Endpointer, start_s: float) -> float:
        return max(start_s, (endpointer.first_speech_s or start_s) - self.options.margin_s)

    def _transcribe(self, blocks, stream_start_s, piece_start_s, piece_end_s, vocabulary):
        samples = _slice(blocks, stream_start_s, piece_start_s, piece_end_s)
        if self.transcriber is None or len(samples) == 0:
            return piece_start_s, piece_end_s, Transcript(text="")
        piece = Utterance(AudioChunk(samples, SAMPLE_RATE_HZ, piece_start_s), piece_start_s, piece_end_s, "silence")
        transcript = self.transcriber.transcribe(piece, vocabulary=vocabulary)
        log.debug("piece %.1f-%.1f s: %r", piece_start_s, piece_end_s, transcript.text)
        return piece_start_s, piece_end_s, transcript


def _slice(blocks: list[np.ndarray], stream_start_s: float, from_s: float, to_s: float) -> np.ndarray:
    audio = np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.float32)
    a = max(0, int(round((from_s - stream_start_s) * SAMPLE_RATE_HZ)))
    b = max(a, int(round((to_s - stream_start_s) * SAMPLE_RATE_HZ)))
    return audio[a:b].astype(np.float32, copy=False)


def merge_pieces(pieces: list[tuple[float, float, Transcript]], answer_start_s: float) -> Transcript:
    """One transcript from the pieces, segment times relative to the answer's start."""
    segments: list[Segment] = []
    texts: list[str] = []
    speech_s = 0.0
    language = "en"
    for start_s, _end_s, t in pieces:
        offset = start_s - answer_start_s
        segments += [Segment(s.start_s + offset, s.end_s + offset, s.text, s.avg_logprob, s.no_speech_prob)
                     for s in t.segments]
        if t.text.strip():
            texts.append(t.text.strip())
        speech_s += t.speech_s
        language = t.language or language
    return Transcript(text=" ".join(texts), segments=tuple(segments), language=language, speech_s=speech_s)


class RememberingTranscriber:
    """The session's Transcriber: returns the transcript the Listener already made for an utterance,
    and transcribes anything else (a resumed or replayed turn) with the wrapped transcriber."""

    def __init__(self, base: PieceTranscriber):
        self.base = base
        self._known: list[tuple[Utterance, Transcript]] = []

    def remember(self, utterance: Utterance, transcript: Transcript) -> None:
        self._known = [(utterance, transcript)]

    def transcribe(self, audio: Utterance, *, vocabulary: Sequence[str] = ()) -> Transcript:
        for utterance, transcript in self._known:
            if utterance is audio:
                self._known = []
                return transcript
        return self.base.transcribe(audio, vocabulary=vocabulary)

"""Listening to one answer: voice activity, endpointing, and transcription at pauses.

The answer is transcribed piece by piece, in a background thread, whenever the candidate pauses, so
when the answer ends little or nothing is left to transcribe and the next question comes quickly;
listening itself never waits for the transcriber. Everything runs on
stream time (the microphone's sample count), never on the wall clock.
"""
from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
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
    # once this much is waiting, a shorter pause will do: the last piece, transcribed while the
    # candidate is silent, must stay short enough to be done before the end silence is
    long_piece_s: float = 6.0
    long_piece_pause_ms: int = 200
    read_ms: int = 32
    # kept before the first and after the last speech in the saved answer
    margin_s: float = 0.4


Piece = tuple[float, float, Transcript]     # start and end in stream seconds, and what was said


class Heard:
    """One stretch of listening: the answer's audio and its transcript.

    Pieces are transcribed in the background as the candidate pauses; `transcript` waits for the
    ones still running. A caller that need not read it at once (a long answer is never a voice
    command) can speak the next question meanwhile."""

    def __init__(self, utterance: Utterance | None, pieces: Sequence[Future] = (), speech_s: float = 0.0):
        self.utterance = utterance
        self.pieces = list(pieces)
        self.speech_s = speech_s
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


def _text_of(pieces: Sequence[Future]) -> str:
    done = [p.result() for p in pieces if p.done() and p.exception() is None]
    return " ".join(t.text.strip() for _, _, t in done if t.text.strip())


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
        # one worker: pieces are transcribed in order while listening goes on in real time
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="transcribe")

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
        pieces: list[Future] = []
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
                if not is_speech and last is not None and (cut_s is None or last > cut_s):
                    piece_start = cut_s if cut_s is not None else self._answer_start(endpointer, start_s)
                    pause_ms = (opts.long_piece_pause_ms if last - piece_start >= opts.long_piece_s
                                else opts.piece_pause_ms)
                    if (frame_end_s - last) * 1000.0 < pause_ms:
                        continue
                    pieces.append(self._transcribe(blocks, start_s, piece_start, frame_end_s, vocabulary))
                    cut_s = frame_end_s
            if self.on_progress:
                self.on_progress(end_s - start_s, _text_of(pieces))
            if reason is None and self.stop_requested():
                reason = "stopped"
        endpointer._close_span()
        if endpointer.first_speech_s is None:
            return Heard(None)
        answer_start = self._answer_start(endpointer, start_s)
        answer_end = min(end_s, endpointer.last_speech_s + opts.margin_s)
        if reason in ("stopped", "max_length", "end_of_input"):
            answer_end = end_s
        audio = _slice(blocks, start_s, answer_start, answer_end)
        spans = tuple((max(0.0, a - answer_start), b - answer_start) for a, b in endpointer.spans_s)
        utterance = Utterance(audio=AudioChunk(audio, SAMPLE_RATE_HZ, answer_start), start_s=answer_start,
                              end_s=answer_end, end_reason=reason, speech_spans_s=spans)
        speech_s = sum(b - a for a, b in endpointer.spans_s)
        if cut_s is None or (endpointer.last_speech_s or 0.0) > cut_s:
            piece_start = cut_s if cut_s is not None else answer_start
            pieces.append(self._transcribe(blocks, start_s, piece_start, max(answer_end, piece_start), vocabulary))
        return Heard(utterance, pieces, speech_s)

    def _answer_start(self, endpointer: Endpointer, start_s: float) -> float:
        return max(start_s, (endpointer.first_speech_s or start_s) - self.options.margin_s)

    def _transcribe(self, blocks, stream_start_s, piece_start_s, piece_end_s, vocabulary) -> Future:
        """Start transcribing a piece in the background; the audio is cut here, in the listening thread."""
        samples = _slice(blocks, stream_start_s, piece_start_s, piece_end_s)
        if self.transcriber is None or len(samples) == 0:
            empty: Future = Future()
            empty.set_result((piece_start_s, piece_end_s, Transcript(text="")))
            return empty
        piece = Utterance(AudioChunk(samples, SAMPLE_RATE_HZ, piece_start_s), piece_start_s, piece_end_s, "silence")
        return self._worker.submit(self._transcribe_piece, piece, tuple(vocabulary))

    def _transcribe_piece(self, piece: Utterance, vocabulary: tuple[str, ...]) -> Piece:
        transcript = self.transcriber.transcribe(piece, vocabulary=vocabulary)
        log.debug("piece %.1f-%.1f s: %r", piece.start_s, piece.end_s, transcript.text)
        return piece.start_s, piece.end_s, transcript

    def close(self) -> None:
        self._worker.shutdown(wait=True, cancel_futures=True)


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

    def remember(self, utterance: Utterance, transcript: Transcript | Callable[[], Transcript]) -> None:
        """`transcript` may be a function: it is called when the loop asks for this utterance."""
        self._known = [(utterance, transcript)]

    def transcribe(self, audio: Utterance, *, vocabulary: Sequence[str] = ()) -> Transcript:
        for utterance, transcript in self._known:
            if utterance is audio:
                self._known = []
                return transcript() if callable(transcript) else transcript
        return self.base.transcribe(audio, vocabulary=vocabulary)

"""Listening to one answer: voice activity, the end of the turn, and transcription at pauses.

The answer is transcribed piece by piece, in a background thread, whenever the candidate pauses, so
when the answer ends little or nothing is left to transcribe and the next question comes quickly;
listening itself never waits for the transcriber. The end of the answer is decided by the
Endpointer's timer alone (`silence`), or (`smart`) by the turn model and the transcript of the words
before each pause (see turn_end.py), with the timer as the longest hold. Everything runs on stream
time (the microphone's sample count), never on the wall clock.
"""
from __future__ import annotations

import logging
import time
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Protocol, Sequence

import numpy as np

from interview.live.pieces import Heard, Piece, _slice, _text_of, piece_spans
from interview.live.turn_end import Cue, TurnOptions, text_cue, turn_complete
from interview.session import Transcriber
from voice.audio import SAMPLE_RATE_HZ, AudioChunk, Utterance
from voice.endpoint import Endpointer, EndpointOptions
from voice.streaming_vad import FRAME_S
from voice.sources import AudioSource
from voice.transcript import Transcript
from voice.timing import mark

log = logging.getLogger(__name__)


class SpeechDetector(Protocol):
    """Speech probability per frame of a stream (Silero in voice.streaming_vad)."""

    def reset(self, start_s: float = 0.0) -> None: ...
    def push(self, samples: np.ndarray, start_s: float | None = None) -> list[tuple[float, float]]: ...


class TurnModel(Protocol):
    """The probability that the speech ending these samples is a finished turn (voice.turn_model)."""

    def complete_probability(self, samples: np.ndarray) -> float: ...


@dataclass(frozen=True)
class ListenOptions:
    endpoint: EndpointOptions = EndpointOptions()
    turn: TurnOptions = TurnOptions()
    echo_tail_ms: int = 300
    speech_threshold: float = 0.5
    # a pause this long is a good moment to transcribe what was said so far; with the smart
    # detector the words before a pause are wanted soon, to tell a thinking pause from the end
    piece_pause_ms: int = 200
    # once this much is waiting, a shorter pause will do: the last piece, transcribed while the
    # candidate is silent, must stay short enough to be done before the end silence is
    # (and the pieces done by the end are what the next question is chosen from): a gap between
    # words will do
    long_piece_s: float = 3.0
    long_piece_pause_ms: int = 64
    # and while the transcriber has nothing to do, a gap between words will do too: at the end of an
    # answer the words before the pause are then read ~0.1 s sooner, and nothing waits in line
    idle_piece_pause_ms: int = 96
    read_ms: int = 32
    # kept before the first and after the last speech in the saved answer
    margin_s: float = 0.4
    # silence kept around each speech span handed to the transcriber (the offline VAD pads as much)
    span_pad_s: float = 0.2
    # the early transcript (for choosing the next question) waits for the last pieces when the
    # ones already done hold less than this share of the speech
    early_share: float = 0.5
    # barge-in: this much speech while the interviewer talks stops it, and the turn goes on; shorter
    # sounds (a cough, a "mm-hm") and the interviewer's own echo, removed by the echo canceller, do not
    barge_in: bool = True
    barge_in_ms: int = 500
    barge_in_threshold: float = 0.6
    # a gap this long inside the speech starts the count again
    barge_in_gap_ms: int = 200
    barge_in_keep_s: float = 1.0


@dataclass(frozen=True)
class BargeIn:
    """The candidate's words that broke into the interviewer's: the start of their answer."""

    start_s: float                 # stream time of the first sample kept
    samples: np.ndarray            # from start_s to the moment playback was stopped


@dataclass
class _Stretch:
    """What one listen() has gathered so far."""

    start_s: float
    blocks: list[np.ndarray] = field(default_factory=list)
    pieces: list[Future] = field(default_factory=list)
    cut_s: float | None = None          # audio before this is transcribed
    checks: int = 0                     # questions to the turn model in the current pause
    answers: int = 0                    # ... and its answers
    probability: float = 0.0            # the turn model's last answer in this pause
    asked: Future | None = None         # the question under way

    def audio(self, to_s: float | None = None) -> np.ndarray:
        audio = np.concatenate(self.blocks) if self.blocks else np.zeros(0, dtype=np.float32)
        if to_s is not None:
            audio = audio[:max(0, int(round((to_s - self.start_s) * SAMPLE_RATE_HZ)))]
        return audio


class Listener:
    """Listens until the answer is over; transcribes at pauses."""

    def __init__(self, mic: AudioSource, detector: SpeechDetector, transcriber: Transcriber | None,
                 options: ListenOptions = ListenOptions(), *, turn_model: TurnModel | None = None,
                 judge: Executor | None = None, transcribing: Executor | None = None,
                 echo_settled: Callable[[], bool] = lambda: True,
                 stop_requested: Callable[[], bool] = lambda: False,
                 on_progress: Callable[[float, str], None] | None = None):
        self.mic = mic
        self.detector = detector
        self.transcriber = transcriber
        self.options = options
        self.turn_model = turn_model
        # barge-in is heard only once the interviewer's own voice is out of the microphone's signal
        self.echo_settled = echo_settled
        self.stop_requested = stop_requested
        self.on_progress = on_progress
        # one worker: pieces are transcribed in order while listening goes on in real time
        self._worker = transcribing or ThreadPoolExecutor(max_workers=1, thread_name_prefix="transcribe")
        # where the turn model runs; tests pass one that runs it at once
        self._judge = judge or ThreadPoolExecutor(max_workers=1, thread_name_prefix="turn-model")
        # the last playback was watched to its end: the microphone holds nothing of it but its tail
        self._watched = False

    def watch(self, playing: Future) -> BargeIn | None:
        """While `playing` (the interviewer's words) runs, listen for the candidate speaking: return their
        words once they have spoken `barge_in_ms`, or None when the playback ends first."""
        opts = self.options
        start_s = self.mic.drain()
        self.detector.reset(start_s)
        blocks: list[np.ndarray] = []
        blocks_start_s = start_s
        run_start_s: float | None = None
        last_speech_s = start_s
        speech_ms = 0.0
        self._watched = False
        while not playing.done():
            chunk = self.mic.read(opts.read_ms)
            if chunk is None:
                return None
            blocks.append(chunk.samples)
            settled = self.echo_settled()
            for probability, frame_end_s in self.detector.push(chunk.samples, chunk.start_s):
                if probability >= opts.barge_in_threshold and settled:
                    if run_start_s is None or (frame_end_s - last_speech_s) * 1000.0 > opts.barge_in_gap_ms:
                        run_start_s, speech_ms = frame_end_s - FRAME_S, 0.0
                    speech_ms += FRAME_S * 1000.0
                    last_speech_s = frame_end_s
                    if speech_ms >= opts.barge_in_ms:
                        # the first words said over the interviewer come out of the echo canceller
                        # late and quiet: keep a second before the speech was sure
                        keep_from = max(blocks_start_s, run_start_s - opts.barge_in_keep_s)
                        audio = _slice(blocks, blocks_start_s, keep_from, self.mic.now_s)
                        return BargeIn(keep_from, audio)
            # keep a few seconds at most: only the speech that breaks in is wanted
            while len(blocks) > 1 and sum(len(b) for b in blocks[1:]) > 3 * SAMPLE_RATE_HZ:
                blocks_start_s += len(blocks.pop(0)) / SAMPLE_RATE_HZ
        self._watched = True
        return None

    def played(self) -> None:
        """The interviewer's words, played without `watch`, have ended: drop what the microphone heard of
        them now, so that words said from here on are kept however late the listening starts."""
        self.mic.drain()
        self._watched = True

    def _after_echo_tail(self) -> AudioChunk | None:
        """Drop what was heard while the interviewer spoke, and its echo; after a watched playback that is
        only the tail, and words said since it ended are kept however late the listening starts. A
        listening that starts late reads the backlog in one chunk: what follows the tail in it is
        returned, to be listened to first."""
        opts = self.options
        start_s = self.mic.now_s if self._watched else self.mic.drain()
        self._watched = False
        tail_end_s = start_s + opts.echo_tail_ms / 1000.0
        while self.mic.now_s < tail_end_s:
            chunk = self.mic.read(opts.read_ms)
            if chunk is None:
                return None
            if chunk.end_s > tail_end_s:
                keep = int(round((tail_end_s - chunk.start_s) * SAMPLE_RATE_HZ))
                return AudioChunk(chunk.samples[keep:], SAMPLE_RATE_HZ, chunk.start_s + keep / SAMPLE_RATE_HZ)
        return None

    def listen(self, vocabulary: Sequence[str] = (), endpoint: EndpointOptions | None = None, *,
               barged: BargeIn | None = None) -> Heard:
        """Listen until the answer is over. `barged`: the candidate broke into the interviewer, and the
        answer starts with those words (nothing is dropped)."""
        opts = self.options
        endpoint = endpoint or opts.endpoint
        if endpoint.turn_detector == "smart" and self.turn_model is None:
            raise ValueError("the smart turn detector needs a turn model")
        if barged is None:
            first = self._after_echo_tail()
            start_s = first.start_s if first is not None else self.mic.now_s
        else:
            start_s = barged.start_s
            first = AudioChunk(barged.samples, SAMPLE_RATE_HZ, barged.start_s)
        self.detector.reset(start_s)
        endpointer = Endpointer(endpoint, started_at_s=start_s)
        stretch = _Stretch(start_s)
        reason = None
        end_s = start_s
        while reason is None:
            chunk, first = (first, None) if first is not None else (self.mic.read(opts.read_ms), None)
            if chunk is None:
                reason = "end_of_input"
                break
            stretch.blocks.append(chunk.samples)
            for probability, frame_end_s in self.detector.push(chunk.samples, chunk.start_s):
                is_speech = probability >= opts.speech_threshold
                end_s = frame_end_s
                reason = endpointer.on_frame(is_speech, frame_end_s)
                if reason:
                    break
                if is_speech:
                    stretch.checks, stretch.answers, stretch.probability, stretch.asked = 0, 0, 0.0, None
                    continue
                if endpointer.last_speech_s is None:
                    continue
                self._cut_piece(stretch, endpointer, frame_end_s, vocabulary)
                if self._turn_over(stretch, endpointer, frame_end_s):
                    reason = "silence"
                    break
            if self.on_progress:
                self.on_progress(end_s - start_s, _text_of(stretch.pieces))
            if reason is None and self.stop_requested():
                reason = "stopped"
        endpointer._close_span()
        if endpointer.last_speech_s is not None:
            # how long the pause was when the answer ended, and how far listening lagged the microphone
            mark("answer_over", pause_ms=(end_s - endpointer.last_speech_s) * 1000.0, backlog_s=self.mic.now_s - end_s)
        if endpointer.first_speech_s is None:
            return Heard(None)
        answer_start = self._answer_start(endpointer, start_s)
        answer_end = min(end_s, endpointer.last_speech_s + opts.margin_s)
        if reason in ("stopped", "max_length", "end_of_input"):
            answer_end = end_s
        audio = _slice(stretch.blocks, start_s, answer_start, answer_end)
        spans = tuple((max(0.0, a - answer_start), b - answer_start) for a, b in endpointer.spans_s)
        utterance = Utterance(audio=AudioChunk(audio, SAMPLE_RATE_HZ, answer_start), start_s=answer_start,
                              end_s=answer_end, end_reason=reason, speech_spans_s=spans)
        speech_s = sum(b - a for a, b in endpointer.spans_s)
        if stretch.cut_s is None or (endpointer.last_speech_s or 0.0) > stretch.cut_s:
            piece_start = stretch.cut_s if stretch.cut_s is not None else answer_start
            stretch.pieces.append(self._transcribe(stretch.blocks, start_s, piece_start,
                                                   max(answer_end, piece_start), vocabulary, endpointer.spans_s))
        return Heard(utterance, stretch.pieces, speech_s, opts.early_share)

    def _cut_piece(self, stretch: _Stretch, endpointer: Endpointer, at_s: float, vocabulary) -> None:
        """Send what was said up to this pause to the transcriber, once the pause is long enough."""
        last = endpointer.last_speech_s
        if stretch.cut_s is not None and last <= stretch.cut_s:
            return
        piece_start = stretch.cut_s if stretch.cut_s is not None else self._answer_start(endpointer, stretch.start_s)
        opts = self.options
        pause_ms = opts.long_piece_pause_ms if last - piece_start >= opts.long_piece_s else opts.piece_pause_ms
        if all(p.done() for p in stretch.pieces):
            pause_ms = min(pause_ms, opts.idle_piece_pause_ms)
        if (at_s - last) * 1000.0 < pause_ms:
            return
        stretch.pieces.append(self._transcribe(stretch.blocks, stretch.start_s, piece_start, at_s, vocabulary,
                                               endpointer.spans_s))
        stretch.cut_s = at_s

    def _turn_over(self, stretch: _Stretch, endpointer: Endpointer, at_s: float) -> bool:
        """Smart detector: ask the turn model at each step of the pause, and read the words before it."""
        if endpointer.options.turn_detector != "smart":
            return False
        if stretch.asked is not None and stretch.asked.done():
            try:
                stretch.probability = stretch.asked.result()
                stretch.answers += 1
            except Exception as e:  # the timer still ends the answer
                log.warning("the turn model failed (%s); waiting for the pause to end", e)
            log.debug("pause %.0f ms: turn complete p=%.2f", endpointer.pause_ms(at_s), stretch.probability)
            stretch.asked = None
        # one question at a time, beside the listening: a busy CPU must not make listening lag. The
        # first comes at its step in the pause, or sooner once the words before the pause are read
        if stretch.asked is None and (endpointer.check_due(at_s, stretch.checks)
                                      or (stretch.checks == 0 and not self._cue(stretch, endpointer)[1])):
            stretch.checks += 1
            stretch.asked = self._judge.submit(self._ask_turn_model, stretch.audio(at_s), endpointer.pause_ms(at_s))
        if stretch.answers == 0:
            return False
        cue, pending = self._cue(stretch, endpointer)
        if not turn_complete(stretch.probability, cue, pending, self.options.turn, pause_ms=endpointer.pause_ms(at_s)):
            return False
        mark("turn_complete", p=stretch.probability, cue={"continue": -1, "complete": 1}.get(cue, 0),
             pending=float(pending), pause_ms=endpointer.pause_ms(at_s))
        return True

    @staticmethod
    def _cue(stretch: _Stretch, endpointer: Endpointer) -> tuple[Cue | None, bool]:
        """What the transcript says about the words just before this pause, and whether it is still to come."""
        if not stretch.pieces or stretch.cut_s is None or endpointer.last_speech_s > stretch.cut_s:
            return None, True
        last = stretch.pieces[-1]
        if not last.done():
            return None, True
        if last.exception() is not None:
            return None, False
        return text_cue(last.result()[2].text), False

    def _answer_start(self, endpointer: Endpointer, start_s: float) -> float:
        return max(start_s, (endpointer.first_speech_s or start_s) - self.options.margin_s)

    def _transcribe(self, blocks, stream_start_s, piece_start_s, piece_end_s, vocabulary, spans_s) -> Future:
        """Start transcribing a piece in the background; the audio is cut here, in the listening thread."""
        samples = _slice(blocks, stream_start_s, piece_start_s, piece_end_s)
        # no speech in it by the streaming VAD: nothing to transcribe. The transcriber still finds the
        # speech in a piece itself, with the offline VAD a replay uses, so that a replay of the saved
        # answer hears what live mode heard (the streaming VAD's spans differ by a few frames, and tiny.en
        # then by a word)
        spans = piece_spans(spans_s, piece_start_s, piece_end_s, 0.0)
        if self.transcriber is None or len(samples) == 0 or not spans:
            empty: Future = Future()
            empty.set_result((piece_start_s, piece_end_s, Transcript(text="")))
            return empty
        # a piece cut early in a pause is given the silence a saved answer keeps after its last word
        # (margin_s): whisper then decodes its end as a replay of the WAV does
        short_s = self.options.margin_s - (len(samples) / SAMPLE_RATE_HZ - spans[-1][1])
        if short_s > 0:
            samples = np.concatenate([samples, np.zeros(int(short_s * SAMPLE_RATE_HZ), np.float32)])
        piece = Utterance(AudioChunk(samples, SAMPLE_RATE_HZ, piece_start_s), piece_start_s,
                          piece_start_s + len(samples) / SAMPLE_RATE_HZ, "silence")
        return self._worker.submit(self._transcribe_piece, piece, tuple(vocabulary))

    def _ask_turn_model(self, samples: np.ndarray, pause_ms: float) -> float:
        started = time.monotonic()
        probability = self.turn_model.complete_probability(samples)
        mark("turn_model", pause_ms=pause_ms, p=probability, took_ms=(time.monotonic() - started) * 1000.0)
        return probability

    def _transcribe_piece(self, piece: Utterance, vocabulary: tuple[str, ...]) -> Piece:
        started = time.monotonic()
        transcript = self.transcriber.transcribe(piece, vocabulary=vocabulary)
        mark("piece", audio_s=piece.end_s - piece.start_s, took_ms=(time.monotonic() - started) * 1000.0)
        log.debug("piece %.1f-%.1f s: %r", piece.start_s, piece.end_s, transcript.text)
        return piece.start_s, piece.end_s, transcript

    def close(self) -> None:
        self._worker.shutdown(wait=True, cancel_futures=True)
        self._judge.shutdown(wait=True, cancel_futures=True)



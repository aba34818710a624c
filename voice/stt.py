"""Speech to text with faster-whisper, gated by the VAD, retried where it decodes poorly.

`--stt-model auto` (the default) decodes with whisper tiny.en and calls on whisper base only for the
stretches tiny.en decodes poorly, so easy audio costs what tiny.en costs. `tiny.en`, `base` or a model
folder decode with that one model throughout (and retry poor stretches with it). Models: voice.whisper_models;
the retry strategy and why it exists: voice.decoding.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Sequence

from voice.audio import SAMPLE_RATE_HZ, AudioChunk, Utterance
from voice.decoding import Attempt, Retry, decode_with_retries, whisper_decoder
from voice.transcript import Segment, Transcript, Word
from voice.vad import SpeechOnly, VadOptions, join_speech, speech_spans, total_speech_s
from voice.whisper_models import (base_model_installed, cache_dir, joined_base_model, load_model,  # noqa: F401
                                  resolve_model)

log = logging.getLogger(__name__)

AUTO_MODEL = "auto"
DEFAULT_MODEL = AUTO_MODEL
# Whisper drops fillers unless its prompt shows them; the emotion channel counts them.
FILLER_PROMPT = "Um, uh, so, like, I mean, hmm."
PROMPT_MAX_CHARS = 600  # whisper's prompt holds ~224 tokens


@dataclass(frozen=True)
class SttOptions:
    model: str = DEFAULT_MODEL
    beam_size: int = 5
    compute_type: str = "int8"
    cpu_threads: int = 0
    language: str | None = None
    vad: VadOptions = VadOptions()
    # whisper computes one spectrogram over all it is given: long answers are decoded in pieces of at
    # most this much speech, cut at the VAD's pauses, so memory stays bounded whatever the length
    max_piece_s: float = 300.0
    # beam search options (benchmarks/wer.py --sweep measures them); decoding stays at temperature 0 whatever
    # they are, so the same audio still gives the same words
    patience: float = 1.0
    without_timestamps: bool = False
    # where the plan's vocabulary goes: "prompt" (whisper's initial prompt, which reaches the first 30 s
    # window only), "hotwords" (shown to every window, the fillers stay in the prompt) or "both"
    vocabulary_as: str = "prompt"
    # a draft (voice.draft): only the speech encoded, one greedy pass, no word times or retries, a
    # tenth of the cost. For decisions that cannot wait (live mode reads the words before each pause);
    # never for a turn's transcript
    draft: bool = False


def model_tier(model: str) -> tuple[str, tuple[Retry, ...]]:
    """The model that decodes first, and the retries for a poor stretch, in order.

    auto: tiny.en; a poor stretch again without the prompt (a prompt can derail a fast speaker), then
    with whisper base (with and without the prompt) when it is installed. A named model retries itself.
    """
    if model == AUTO_MODEL:
        larger = (Retry("base", True), Retry("base", False)) if base_model_installed() else ()
        return "tiny.en", (Retry("tiny.en", False), *larger)
    return model, (Retry(model, False),)


def load_whisper(options: SttOptions):
    """The model that decodes first for these options, loaded once per process."""
    return load_model(model_tier(options.model)[0], options.compute_type, options.cpu_threads)


def speech_pieces(spans: Sequence[tuple[float, float]], max_piece_s: float) -> list[tuple[tuple[float, float], ...]]:
    """Group speech spans, in order, into pieces of at most `max_piece_s` of speech each.

    Pieces end at a pause between spans where possible; a single span longer than a piece is cut.
    """
    pieces: list[tuple[tuple[float, float], ...]] = []
    current: list[tuple[float, float]] = []
    length = 0.0
    for start, end in spans:
        while end - start > 0:
            room = max_piece_s - length
            if end - start <= room:
                current.append((start, end))
                length += end - start
                break
            if current:
                pieces.append(tuple(current))
                current, length = [], 0.0
                continue
            current.append((start, start + max_piece_s))  # one span longer than a piece
            pieces.append(tuple(current))
            current, length, start = [], 0.0, start + max_piece_s
    if current:
        pieces.append(tuple(current))
    return pieces


def build_prompt(vocabulary: Sequence[str]) -> str:
    prompt = FILLER_PROMPT
    if vocabulary:
        prompt += " We talked about " + ", ".join(vocabulary) + "."
    return prompt[:PROMPT_MAX_CHARS]


def build_hotwords(vocabulary: Sequence[str]) -> str | None:
    return ", ".join(vocabulary)[:PROMPT_MAX_CHARS // 2] or None   # faster-whisper keeps at most half a window


class WhisperTranscriber:
    """Transcriber seam over faster-whisper: VAD gate, silence removal, deterministic decoding with retries."""

    def __init__(self, options: SttOptions = SttOptions()):
        self.options = options
        self.first_model, self.retries = model_tier(options.model)

    @property
    def model(self):
        return load_model(self.first_model, self.options.compute_type, self.options.cpu_threads)

    def transcribe(self, audio: Utterance | AudioChunk, *, vocabulary: Sequence[str] = ()) -> Transcript:
        chunk = audio.audio if isinstance(audio, Utterance) else audio
        spans = audio.speech_spans_s if isinstance(audio, Utterance) and audio.speech_spans_s else None
        if spans is None:
            spans = speech_spans(chunk, self.options.vad)
        if not spans:
            return Transcript(text="", speech_s=0.0)
        total = total_speech_s(spans)
        if total < 0.1:
            return Transcript(text="", speech_s=total)
        segments: list[Segment] = []
        for piece in speech_pieces(spans, self.options.max_piece_s):
            segments.extend(self._transcribe_piece(chunk, piece, vocabulary))
        text = " ".join(s.text for s in segments if s.text).strip()
        return Transcript(text=text, segments=tuple(segments), language=self._language(), speech_s=total)

    def _language(self) -> str:
        return self.options.language or "en"

    def _decoder(self, model: str, vocabulary: Sequence[str]):
        # tiny.en knows only English, so auto's larger model is told English too rather than guessing
        o = self.options
        language = o.language or ("en" if model.endswith(".en") or o.model == AUTO_MODEL else None)
        prompt = build_prompt(vocabulary if o.vocabulary_as in ("prompt", "both") else ())
        loaded = load_model(model, o.compute_type, o.cpu_threads)
        if not o.draft:
            hotwords = build_hotwords(vocabulary) if o.vocabulary_as in ("hotwords", "both") else None
            return whisper_decoder(loaded, beam_size=o.beam_size, language=language, prompt=prompt,
                                   hotwords=hotwords, patience=o.patience, without_timestamps=o.without_timestamps)
        longer = whisper_decoder(loaded, beam_size=1, language=language, prompt=prompt, word_times=False)
        if language is None:     # a multilingual model left to find the language: the usual way
            return longer
        from voice.draft import draft_decoder

        return draft_decoder(loaded, language=language, prompt=prompt, longer=longer)

    def _transcribe_piece(self, chunk: AudioChunk, spans: tuple[tuple[float, float], ...],
                          vocabulary: Sequence[str]) -> list[Segment]:
        speech = join_speech(chunk, spans)
        if len(speech.samples) < SAMPLE_RATE_HZ // 10:
            return []
        first = self._decoder(self.first_model, vocabulary)
        if self.options.draft:
            raw = [s for window in first(speech.samples, 0.0, True) for s in window.segments]
        else:
            retries = [(retry, _Lazy(lambda r=retry: self._decoder(r.model, vocabulary))) for retry in self.retries]
            raw = decode_with_retries(speech.samples, first, retries,
                                      on_retry=lambda before, after: _log_retry(speech, before, after))
        at = lambda t: chunk.start_s + speech.original_time(t)  # noqa: E731
        return [Segment(start_s=at(s.start_s), end_s=at(s.end_s), text=s.text, avg_logprob=s.avg_logprob,
                        no_speech_prob=s.no_speech_prob, uncertain=s.uncertain,
                        words=tuple(Word(w.text, at(w.start_s), at(w.end_s), w.probability) for w in s.words))
                for s in raw]


class _Lazy:
    """A decoder whose model loads on first use: whisper base is loaded only when a stretch needs it."""

    def __init__(self, make):
        self._make, self._decoder = make, None

    def __call__(self, *args):
        if self._decoder is None:
            self._decoder = self._make()
        return self._decoder(*args)


def _log_retry(speech: SpeechOnly, before: Attempt, after: Attempt) -> None:
    log.info("speech %.1f-%.1f s decoded poorly (%s, %d words); kept %s: %d words%s",
             speech.original_time(before.start_s), speech.original_time(before.end_s), ", ".join(before.problems),
             before.word_count, after.how, after.word_count,
             "" if after.good else f", still uncertain ({', '.join(after.problems)})")

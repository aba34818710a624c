"""One whisper decode of joined speech, judged window by window, and retried where it decoded poorly.

Why: whisper's own safeguards lose speech. When every temperature of its fallback fails the log-prob
threshold and the no-speech probability is high, it skips a whole 30 s window, even where the VAD heard
speech (measured on fast synthetic answers: 105 words came out as 16); and its fallback samples at random,
so the same file gave a different transcript on every run. Here whisper decodes at temperature 0 only
(beam search, no sampling: the same audio gives the same words in every process) and never skips a window.
Each window is then judged by what it produced: too few words for its seconds of speech, more than 5 s of
speech without a word (whisper jumped ahead), a low average log-probability, or a repetition loop (a high
compression ratio). A poor window is decoded again, by the
retries of the model tier (another prompt, the larger model), then in two halves; the best attempt is kept,
and one that is still poor is kept too, marked uncertain, never dropped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable, Sequence

import numpy as np

from voice.audio import SAMPLE_RATE_HZ

# whisper's own thresholds for a failed decode, kept as the judge of a window
MIN_AVG_LOGPROB = -1.0
MAX_COMPRESSION_RATIO = 2.4
# fluent speech runs at 2-3 words a second; under 1 for a stretch the VAD called speech, words are missing,
# and over 6 (plus a few for a short stretch) no one speaks: whisper is looping or inventing
MIN_WORDS_PER_S = 1.0
MAX_WORDS_PER_S = 6.0
MIN_JUDGED_S = 2.0          # shorter stretches say too little about a speaking rate or a log-probability
MIN_SPLIT_S = 8.0           # halves shorter than 4 s give whisper too little context to do better
# After its last full segment whisper decodes what is left of the audio as one more window. Left-overs
# under 1 s are the VAD's padding after the last word, and whisper fills them with its stock inventions
# ("Thank you for watching", "see you next time" in a loop) while rating them as no speech: measured on
# the example answers, every such window was one. They are left out; longer windows are judged and retried.
MAX_LEFTOVER_S = 1.0
MAX_NO_SPEECH_PROB = 0.6
# The VAD cuts pauses over 0.6 s out before decoding, so the joined speech never goes this long without a word.
# Whisper can still jump ahead within a window (measured: whisper base went from 18 s to the next window at 30 s,
# dropping 30 words, while the words around the gap kept the window above MIN_WORDS_PER_S).
MAX_WORDLESS_S = 5.0
# no spoken word lasts longer; whisper stretches the last word before a jump over the skipped audio (measured:
# "ARIMA" from 12.1 s to 27.3 s, with half of the answer lost under it)
MAX_WORD_S = 2.0
# "no, no, no" is speech; a fourth same word in a row is whisper looping on audio it cannot read (measured on an
# answer said over the interviewer, through the echo canceller: "I've been hyped, hyped, hyped, ..." seven times,
# far too short for the compression ratio to show it)
MAX_SAME_WORD_RUN = 3


@dataclass(frozen=True)
class RawWord:
    text: str
    start_s: float          # seconds in the joined speech
    end_s: float
    probability: float


@dataclass(frozen=True)
class RawSegment:
    start_s: float
    end_s: float
    text: str
    avg_logprob: float
    compression_ratio: float
    no_speech_prob: float
    words: tuple[RawWord, ...]
    uncertain: bool = False


@dataclass(frozen=True)
class Attempt:
    """What one decode produced for the stretch [start_s, end_s) of the joined speech."""

    start_s: float
    end_s: float
    segments: tuple[RawSegment, ...]
    how: str = "first pass"

    @property
    def length_s(self) -> float:
        return self.end_s - self.start_s

    @property
    def word_count(self) -> int:
        return sum(len(s.words) if s.words else len(s.text.split()) for s in self.segments)

    @property
    def avg_logprob(self) -> float:
        if not self.segments:
            return float("-inf")
        weights = [max(s.end_s - s.start_s, 0.01) for s in self.segments]
        return float(np.average([s.avg_logprob for s in self.segments], weights=weights))

    @property
    def longest_wordless_s(self) -> float:
        """The longest stretch of this attempt with no word in it (its edges included)."""
        spans = sorted((w.start_s, min(w.end_s, w.start_s + MAX_WORD_S)) for s in self.segments for w in s.words) \
            or sorted((s.start_s, s.end_s) for s in self.segments if s.text)
        longest, reached = 0.0, self.start_s
        for start, end in spans:
            longest, reached = max(longest, start - reached), max(reached, end)
        return max(longest, self.end_s - reached)

    @property
    def longest_same_word_run(self) -> int:
        words = re.findall(r"[a-z0-9']+", " ".join(s.text for s in self.segments).lower())
        longest = run = min(len(words), 1)
        for before, word in zip(words, words[1:]):
            run = run + 1 if word == before else 1
            longest = max(longest, run)
        return longest

    @property
    def problems(self) -> tuple[str, ...]:
        found = []
        judged = self.length_s >= MIN_JUDGED_S
        if judged and self.word_count < MIN_WORDS_PER_S * self.length_s:
            found.append("few words")
        elif self.longest_wordless_s > MAX_WORDLESS_S:
            found.append("words missing mid-stretch")
        if judged and self.segments and self.avg_logprob < MIN_AVG_LOGPROB:
            found.append("low log-probability")
        if any(s.compression_ratio > MAX_COMPRESSION_RATIO for s in self.segments) or self.longest_same_word_run \
                > MAX_SAME_WORD_RUN:
            found.append("repetition")
        if self.word_count > MAX_WORDS_PER_S * self.length_s + 3:
            found.append("too many words")
        return tuple(found)

    @property
    def good(self) -> bool:
        return not self.problems

    def rank(self) -> tuple:
        """Higher is better: no problems; then nothing invented (a loop's many words are no coverage);
        then fewer problems, more of the speech in words, and confidence."""
        problems = self.problems
        invented = "repetition" in problems or "too many words" in problems
        coverage = min(1.0, self.word_count / max(MIN_WORDS_PER_S * self.length_s, 1.0))
        return (not problems, not invented, -len(problems), round(coverage, 3), round(self.avg_logprob, 4))


Decoder = Callable[[np.ndarray, float, bool], list[Attempt]]
"""decode(samples, offset_s, with_prompt) -> one Attempt per whisper window, times offset by offset_s."""


@dataclass(frozen=True)
class Retry:
    """One way to decode a poor stretch again: which model, and whether to show it the prompt."""

    model: str
    prompt: bool


def whisper_decoder(model, *, beam_size: int, language: str | None, prompt: str | None,
                    hotwords: str | None = None, patience: float = 1.0, without_timestamps: bool = False,
                    word_times: bool = True) -> Decoder:
    """A Decoder over a faster-whisper model: temperature 0 only, no window ever skipped, word times
    (unless not wanted: they cost a second pass over the audio).

    `prompt` reaches only the first 30 s window of a decode (whisper resets its prompt at each window when it
    does not condition on its previous text); `hotwords` are shown to every window. Both go with the prompt
    and are left out together by a retry without it.
    """

    def decode(samples: np.ndarray, offset_s: float, with_prompt: bool) -> list[Attempt]:
        segments, _ = model.transcribe(
            samples, beam_size=beam_size, patience=patience, language=language,
            initial_prompt=prompt if with_prompt else None, hotwords=hotwords if with_prompt else None,
            without_timestamps=without_timestamps,
            temperature=0.0, no_speech_threshold=None, log_prob_threshold=None, compression_ratio_threshold=None,
            condition_on_previous_text=False, word_timestamps=word_times, vad_filter=False)
        # the generator decodes lazily: materialise here so cost and errors belong to this call
        return windows(list(segments), offset_s, len(samples) / SAMPLE_RATE_HZ)

    return decode


def windows(segments: Sequence, offset_s: float, length_s: float) -> list[Attempt]:
    """Group faster-whisper's segments by the 30 s window they came from (their `seek`).

    A window covers the speech from its start to the next window's start, so a stretch whisper produced
    nothing for belongs to the window before it (the first window starts at 0) and is judged there.
    """
    groups: dict[int, list] = {}
    for s in segments:
        if any(c.isalnum() for c in s.text):   # a lone "." says nothing and would dangle in the text
            groups.setdefault(int(s.seek), []).append(s)
    if not groups:
        return [Attempt(offset_s, offset_s + length_s, ())]
    seeks = sorted(groups)
    starts = [0.0] + [seek / 100.0 for seek in seeks[1:]]   # seek counts 10 ms mel frames
    ends = starts[1:] + [length_s]
    found = [Attempt(offset_s + start, offset_s + end, tuple(_raw(s, offset_s) for s in groups[seek]))
             for seek, start, end in zip(seeks, starts, ends)]
    return [Attempt(a.start_s, a.end_s, ()) if _invented_leftover(a) else a for a in found]


def _invented_leftover(window: Attempt) -> bool:
    if window.length_s >= MAX_LEFTOVER_S or not window.segments:
        return False
    return (all(s.no_speech_prob > MAX_NO_SPEECH_PROB for s in window.segments)
            or "repetition" in window.problems or "too many words" in window.problems)


def _raw(s, offset_s: float) -> RawSegment:
    words = tuple(RawWord(w.word.strip(), offset_s + float(w.start), offset_s + float(w.end), float(w.probability))
                  for w in (s.words or ()) if w.word.strip())
    return RawSegment(offset_s + float(s.start), offset_s + float(s.end), s.text.strip(), float(s.avg_logprob),
                      float(s.compression_ratio), float(s.no_speech_prob), words)


def merged(attempts: Sequence[Attempt], start_s: float, end_s: float, how: str) -> Attempt:
    return Attempt(start_s, end_s, tuple(s for a in attempts for s in a.segments), how)


def decode_with_retries(samples: np.ndarray, first: Decoder, retries: Sequence[tuple[Retry, Decoder]],
                        on_retry: Callable[[Attempt, Attempt], None] | None = None) -> list[RawSegment]:
    """Decode joined speech; redo each poor window by the retries, then in halves; keep the best.

    Every step is deterministic (temperature 0, fixed order), so the result is too.
    """
    length_s = len(samples) / SAMPLE_RATE_HZ
    found: list[RawSegment] = []
    for window in first(samples, 0.0, True):
        best = window if window.good else _retry(samples, window, first, retries)
        if on_retry is not None and best is not window:
            on_retry(window, best)
        found.extend(replace(s, uncertain=not best.good) for s in best.segments)
        if not best.segments and best.length_s >= MIN_JUDGED_S:
            # speech that no attempt could put into words stays visible as an uncertain stretch
            found.append(RawSegment(best.start_s, best.end_s, "", MIN_AVG_LOGPROB, 0.0, 0.0, (), uncertain=True))
    return [s for s in found if s.start_s < length_s + 1.0]


def _retry(samples: np.ndarray, window: Attempt, first: Decoder,
           retries: Sequence[tuple[Retry, Decoder]]) -> Attempt:
    clip = _clip(samples, window.start_s, window.end_s)
    best, best_decoder, best_prompt = window, first, True
    for retry, decoder in retries:
        attempt = merged(decoder(clip, window.start_s, retry.prompt), window.start_s, window.end_s,
                         f"{retry.model}{'' if retry.prompt else ' without prompt'}")
        if attempt.rank() > best.rank():
            best, best_decoder, best_prompt = attempt, decoder, retry.prompt
        if best.good:
            return best
    if window.length_s >= MIN_SPLIT_S:
        cut = _quietest_point(clip, window.length_s / 2) + window.start_s
        halves = [merged(best_decoder(_clip(samples, a, b), a, best_prompt), a, b, "")
                  for a, b in ((window.start_s, cut), (cut, window.end_s))]
        split = merged(halves, window.start_s, window.end_s, f"{best.how}, in halves")
        if split.rank() > best.rank():
            best = split
    return best


def _clip(samples: np.ndarray, start_s: float, end_s: float) -> np.ndarray:
    return samples[int(round(start_s * SAMPLE_RATE_HZ)):int(round(end_s * SAMPLE_RATE_HZ))]


def _quietest_point(clip: np.ndarray, around_s: float, reach_s: float = 2.0, frame_s: float = 0.05) -> float:
    """The quietest 50 ms frame within `reach_s` of `around_s`: a cut there is least likely to split a word."""
    frame = int(frame_s * SAMPLE_RATE_HZ)
    lo = max(0, int((around_s - reach_s) * SAMPLE_RATE_HZ))
    hi = min(len(clip) - frame, int((around_s + reach_s) * SAMPLE_RATE_HZ))
    if hi <= lo:
        return around_s
    starts = np.arange(lo, hi, frame)
    energy = [float(np.mean(clip[i:i + frame] ** 2)) for i in starts]
    return (int(starts[int(np.argmin(energy))]) + frame / 2) / SAMPLE_RATE_HZ

"""What speech-to-text produces: timed segments and words with their confidences.

A reviewer must be able to tell a confident transcript from a guess: each word keeps whisper's
probability, words under `LOW_CONFIDENCE_PROBABILITY` are shown as uncertain, and a transcript with
stretches that still decoded poorly after every retry (or with many uncertain words) is `uncertain`,
so its turn is flagged for listening before anyone decides on it.
"""
from __future__ import annotations

from dataclasses import dataclass

# A word whisper gave less than this probability is marked in reports. Measured with benchmarks/wer.py
# (auto): on the hard synthetic answers 18 % of words fall under it and 51 % of those are wrong, against 12 %
# of the others; on LibriVox read speech 4 % fall under it.
LOW_CONFIDENCE_PROBABILITY = 0.5
# A transcript with more than this share of low-confidence words is uncertain as a whole.
UNCERTAIN_WORD_SHARE = 0.25


@dataclass(frozen=True)
class Word:
    text: str
    start_s: float
    end_s: float
    probability: float

    @property
    def uncertain(self) -> bool:
        return self.probability < LOW_CONFIDENCE_PROBABILITY


@dataclass(frozen=True)
class Segment:
    start_s: float
    end_s: float
    text: str
    avg_logprob: float = 0.0
    no_speech_prob: float = 0.0
    words: tuple[Word, ...] = ()
    # still decoded poorly after every retry (few words for its speech, low log-probability or a
    # repetition loop): kept, never dropped, and the transcript says so
    uncertain: bool = False


@dataclass(frozen=True)
class Transcript:
    text: str
    segments: tuple[Segment, ...] = ()
    language: str = "en"
    # seconds of detected speech (VAD), so callers can tell silence from an empty decode
    speech_s: float = 0.0

    @property
    def is_empty(self) -> bool:
        return not self.text.strip()

    @property
    def word_count(self) -> int:
        return len(self.text.split())

    @property
    def words(self) -> tuple[Word, ...]:
        return tuple(w for s in self.segments for w in s.words)

    @property
    def uncertain(self) -> bool:
        """A reviewer should listen before relying on this transcript."""
        if any(s.uncertain for s in self.segments):
            return True
        words = self.words
        return bool(words) and sum(w.uncertain for w in words) > UNCERTAIN_WORD_SHARE * len(words)


EMPTY_TRANSCRIPT = Transcript(text="")


def word_offsets(text: str, words: tuple[Word, ...]) -> list[tuple[int, int, Word]]:
    """Where each word lies in `text` as (start, end, word) character offsets, in order.

    Words whisper gave are found left to right; a word that cannot be found (text edited by hand) is
    left out rather than guessed.
    """
    found, at = [], 0
    for word in words:
        token = word.text.strip()
        if not token:
            continue
        start = text.find(token, at)
        if start < 0:
            continue
        found.append((start, start + len(token), word))
        at = start + len(token)
    return found


def quote_start_s(text: str, words: tuple[Word, ...], quote: str) -> float | None:
    """The time the first word of `quote` (a verbatim substring of `text`) was spoken, if known."""
    at = text.find(quote.strip()) if quote.strip() else -1
    if at < 0:
        return None
    return next((w.start_s for _, end, w in word_offsets(text, words) if end > at), None)

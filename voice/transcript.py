"""What speech-to-text produces: timed segments with their confidences."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Segment:
    start_s: float
    end_s: float
    text: str
    avg_logprob: float = 0.0
    no_speech_prob: float = 0.0


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


EMPTY_TRANSCRIPT = Transcript(text="")

"""Emotion per turn: one value for the four levels, the scores built from it, and the classifier seam.

Emotion is advisory context for the candidate's feedback and the interviewer; it never changes
a score or a recommendation.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Protocol

from voice.audio import Utterance
from voice.transcript import Transcript

DIMENSIONS = ("concentration", "enthusiasm", "interest", "confidence")


@dataclass(frozen=True)
class EmotionLevels:
    """The four dimensions, each 0..1: a turn, a stretch of it, or a session's average."""

    concentration: float
    enthusiasm: float
    interest: float
    confidence: float

    def as_dict(self) -> dict[str, float]:
        """In DIMENSIONS order, rounded to 3 places: the journal's and report.json's form."""
        return {d: round(float(getattr(self, d)), 3) for d in DIMENSIONS}

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> EmotionLevels:
        """The four dimensions of a mapping that may hold other keys too (a journal line's)."""
        return cls(**{d: values[d] for d in DIMENSIONS})


@dataclass(frozen=True)
class EmotionWindow:
    """Levels over one stretch of time: a 10 s window of a long answer, or a turn on the report's timeline."""

    start_s: float
    end_s: float
    levels: EmotionLevels


@dataclass(frozen=True)
class EmotionScores:
    """A turn's levels; `evidence` names the cues that moved them, `windows` follow a long answer."""

    levels: EmotionLevels
    evidence: tuple[str, ...] = ()
    windows: tuple[EmotionWindow, ...] = ()


def average_emotion(levels: Iterable[EmotionLevels | None]) -> EmotionLevels | None:
    """Per-dimension mean over the turns that have emotion (report.json `overall.emotion`)."""
    present = [lv for lv in levels if lv is not None]
    if not present:
        return None
    return EmotionLevels(*(sum(getattr(lv, d) for lv in present) / len(present) for d in DIMENSIONS))


class EmotionClassifier(Protocol):
    def classify(self, transcript: Transcript, utterance: Utterance | None) -> EmotionScores | None: ...

    def rescored(self, emotion: EmotionScores | None) -> EmotionScores | None:
        """A turn's scores normalised against the whole session, once it has ended (`emotion` itself
        when nothing changes)."""


class NoEmotion:
    """Emotion switched off: every turn gets null."""

    def classify(self, transcript: Transcript, utterance: Utterance | None) -> EmotionScores | None:
        return None

    def rescored(self, emotion: EmotionScores | None) -> EmotionScores | None:
        return emotion

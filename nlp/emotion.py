"""Emotion scores per turn: the data type and the classifier seam.

Emotion is advisory context for the candidate's feedback and the interviewer; it never changes
a score or a recommendation.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from voice.audio import Utterance
from voice.transcript import Transcript

DIMENSIONS = ("concentration", "enthusiasm", "interest", "confidence")


@dataclass(frozen=True)
class EmotionWindow:
    """Scores for one stretch of a long answer (the report's timeline)."""

    start_s: float
    end_s: float
    concentration: float
    enthusiasm: float
    interest: float
    confidence: float


@dataclass(frozen=True)
class EmotionScores:
    """Each dimension in 0..1; `evidence` names the cues that moved the scores."""

    concentration: float
    enthusiasm: float
    interest: float
    confidence: float
    evidence: tuple[str, ...] = ()
    windows: tuple[EmotionWindow, ...] = field(default=())

    def as_dict(self) -> dict[str, float]:
        return {d: round(float(getattr(self, d)), 3) for d in DIMENSIONS}


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

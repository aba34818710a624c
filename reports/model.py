"""The evaluation a report shows: everything computed, nothing left for a renderer to decide.

`reports.build.build_evaluation(record)` fills these; every renderer (md, json, html, pdf) only
formats them. Emotion lives here as advisory context and never feeds `Overall`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from nlp.emotion import EmotionLevels, EmotionWindow
from voice.transcript import Word, quote_start_s

Recommendation = Literal["strong_yes", "yes", "no", "strong_no", "insufficient_evidence"]

RECOMMENDATION_TEXT = {
    "strong_yes": "Strong yes: advance",
    "yes": "Yes: advance",
    "no": "No: do not advance",
    "strong_no": "Strong no: do not advance",
    "insufficient_evidence": "Insufficient evidence: no usable answer, no decision",
}

EMOTION_ADVISORY = ("Emotion scores are advisory: they are estimated from voice and wording, can be wrong, "
                    "and are not part of the score or the recommendation.")


@dataclass(frozen=True)
class Quote:
    """A verbatim substring of one answer's transcript, given as evidence."""

    text: str
    question_id: str
    about: str = ""        # the strength or claim it supports


@dataclass(frozen=True)
class TurnEvaluation:
    index: int                          # 1-based order in the interview
    question_id: str
    question: str
    competency: str
    kind: Literal["planned", "followup"]
    parent_id: str | None
    rubric: tuple[str, ...]
    transcript: str
    answered: bool
    relevance: int                      # 0 when not answered
    score: int | None                   # None when not answered / not assessed
    quality: float                      # 0..1 counted toward the overall score (0 when not answered)
    weight: float                       # the turn's weight in the overall score
    justification: str
    covered: tuple[str, ...] = ()
    missed: tuple[str, ...] = ()
    strengths: tuple[str, ...] = ()
    weaknesses: tuple[str, ...] = ()
    tips: tuple[str, ...] = ()
    quotes: tuple[str, ...] = ()        # checked: each is a substring of `transcript`
    flags: tuple[str, ...] = ()
    flag_notes: tuple[str, ...] = ()    # one readable line per flag
    struggled: bool = False
    emotion: EmotionWindow | None = None           # the turn's levels over its span on the session's timeline
    emotion_windows: tuple[EmotionWindow, ...] = ()  # its 10 s windows, on the same timeline
    emotion_evidence: tuple[str, ...] = ()
    started_at_s: float = 0.0
    ended_at_s: float = 0.0
    audio_s: float = 0.0
    source: str = "offline"
    words: tuple[Word, ...] = ()        # the transcript's words with their times and confidences
    audio_path: str | None = None       # the recording, as journaled
    audio: str | None = None            # the recording relative to the report's folder (set when written)

    @property
    def uncertain(self) -> bool:
        return "transcript_uncertain" in self.flags

    def spoken_at_s(self, quote: str) -> float | None:
        """When the first word of a quote from this answer was spoken (for seeking the recording)."""
        return quote_start_s(self.transcript, self.words, quote)


@dataclass(frozen=True)
class Thresholds:
    """Overall score at or above which each recommendation applies (below `no_min`: strong_no)."""

    strong_yes_min: float = 80.0
    yes_min: float = 60.0
    no_min: float = 40.0
    followup_weight: float = 0.5


@dataclass(frozen=True)
class Overall:
    score: int | None                   # 0..100; None when there is no usable answer (insufficient_evidence)
    recommendation: Recommendation
    reasons: tuple[str, ...]
    questions_total: int
    answered: int
    average_relevance: float | None     # over answered turns
    average_score: float | None         # 1..5, over scored turns
    highest_relevance: int | None
    lowest_relevance: int | None
    highest_score: int | None
    lowest_score: int | None
    thresholds: Thresholds = field(default_factory=Thresholds)


@dataclass(frozen=True)
class HumanDecision:
    reviewer: str
    decision: str
    note: str
    at: str


@dataclass(frozen=True)
class HRSection:
    strengths: tuple[Quote, ...]        # each strength with its verbatim quote
    critical_gaps: tuple[str, ...]
    technical_skills: tuple[str, ...]   # terms from the plan/JD/resume the answers actually used
    communication: tuple[str, ...]
    recommendation_reasons: tuple[str, ...]


@dataclass(frozen=True)
class Alignment:
    jd_terms_shown: tuple[str, ...]
    jd_terms_missing: tuple[str, ...]
    resume_supported: tuple[Quote, ...]         # resume skill/claim and the answer quote that supports it
    resume_unsupported: tuple[str, ...]         # red flags: claimed, never supported in an answer
    contradictions: tuple[str, ...]
    red_flags: tuple[str, ...]


@dataclass(frozen=True)
class Evaluation:
    schema_version: int
    role: str
    company: str | None
    candidate: str | None
    date: str | None
    duration_s: float
    mode: str | None
    turns: tuple[TurnEvaluation, ...]
    overall: Overall
    emotion_averages: EmotionLevels | None
    summary: str
    hr: HRSection | None = None
    alignment: Alignment | None = None
    human_decisions: tuple[HumanDecision, ...] = ()
    consent: dict | None = None
    advisory_note: str = EMOTION_ADVISORY

    @property
    def has_emotion(self) -> bool:
        return any(t.emotion is not None for t in self.turns)


_NO_ANSWER_REASONS = (
    ("audio_error", "the recording could not be read"),
    ("suggested_followup", "suggested follow-up, not asked in this recorded interview"),
    ("not_answered", "not answered"),
)


def no_answer_reason(t: "TurnEvaluation") -> str:
    """Why a turn has no answer, in words for the reader."""
    return next((text for flag, text in _NO_ANSWER_REASONS if flag in t.flags), "no answer")


def score_text(overall: "Overall") -> str:
    """The overall score as a reader sees it: "72/100", or why there is none."""
    return "n/a (no usable answer)" if overall.score is None else f"{overall.score}/100"


def duration_text(seconds: float) -> str:
    if seconds <= 0:
        return ""
    m, s = divmod(int(round(seconds)), 60)
    return f"{m} min {s} s" if m else f"{s} s"

"""What scoring one answer produces, whoever scored it (the offline scorer or an LLM judge)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Assessment:
    relevance: int                      # 0..100: how much the answer is about the question
    score: int                          # 1..5: how good the answer is, from evidence
    quality: float                      # 0..1: the continuous value behind `score`, for ranking
    justification: str                  # one line naming the evidence
    covered: tuple[str, ...] = ()       # rubric points the answer covers
    missed: tuple[str, ...] = ()        # rubric points it does not
    strengths: tuple[str, ...] = ()
    weaknesses: tuple[str, ...] = ()
    tips: tuple[str, ...] = ()
    quotes: tuple[str, ...] = ()        # verbatim substrings of the transcript
    flags: tuple[str, ...] = ()
    source: Literal["offline", "llm"] = "offline"

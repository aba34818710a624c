"""Prompt-injection detection in candidate answers.

Candidate text always reaches a model as delimited data, so an attempt should fail anyway; this
check makes the attempt visible (flag `injection_attempt`) and lets the judge cap the score at what
the offline scorer, which no text can instruct, gave the same answer.
"""
from __future__ import annotations

import re

_PATTERNS = [
    r"\b(ignore|disregard|forget|override)\b.{0,40}\b(previous|prior|above|earlier|all|your|the)\b.{0,30}"
    r"\b(instructions?|prompts?|rules?|guidelines|directions)\b",
    r"\b(system|developer)\s*(prompt|message|instructions?)\b",
    r"\byou\s+are\s+now\b|\bact\s+as\s+(an?\s+)?(evaluator|grader|judge|system)\b|\bnew\s+instructions?\b",
    r"\b(give|award|assign|rate|score|mark)\s+(me|this|this\s+answer|the\s+candidate|it)\b.{0,30}"
    r"\b(5|five|10|ten|100|full\s+marks?|top\s+(score|marks?)|highest|maximum|perfect|strong[_\s]yes)\b",
    r"\b(5|five)\s+out\s+of\s+(5|five)\b",
    r"</?\s*(answer|system|assistant|instructions?)\s*>",
    r"\b(as\s+an\s+ai\s+language\s+model|jailbreak|prompt\s+injection)\b",
    r"\b(relevance|score)\s*[:=]\s*(100|5)\b",
]
_INJECTION = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.IGNORECASE | re.DOTALL)


def detect_injection(text: str) -> bool:
    """True when the answer tries to instruct the evaluator or dictate its own score."""
    return bool(text) and _INJECTION.search(" ".join(text.split())) is not None

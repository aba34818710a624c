"""Fakes for the LLM area: a scripted chat, a fixed scorer and a clock that only counts."""
from __future__ import annotations

from typing import Any

from interview.plan import Plan, Question
from nlp.assessment import Assessment
from voice.errors import LLMError
from voice.transcript import Transcript


class FakeChat:
    """Replies from a script; an LLMError in the script is raised instead."""

    def __init__(self, *replies: Any):
        self.replies, self.calls = list(replies), []

    def complete(self, messages, schema=None) -> str:
        self.calls.append(list(messages))
        reply = self.replies.pop(0)
        if isinstance(reply, Exception):
            raise reply
        return reply


def failing_chat(retryable: bool = True) -> FakeChat:
    return FakeChat(*[LLMError("server down", retryable=retryable)] * 20)


class FakeScorer:
    """Scores every answer the same; remembers what it was asked."""

    def __init__(self, score: int = 3, relevance: int = 60, flags: tuple[str, ...] = ()):
        self.score, self.relevance, self.flags = score, relevance, flags
        self.calls: list[tuple[str, str]] = []

    def assess(self, question: Question, transcript: Transcript, plan: Plan) -> Assessment:
        self.calls.append((question.id, transcript.text))
        return Assessment(relevance=self.relevance, score=self.score, quality=(self.score - 1) / 4,
                          justification="offline: fixed", flags=self.flags, source="offline")


class FakeClock:
    def __init__(self) -> None:
        self.t = 0.0
        self.sleeps: list[float] = []

    def now_s(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.t += seconds

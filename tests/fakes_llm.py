"""Fakes for the LLM area: a scripted chat (the scorer and the clock are in tests/fakes.py)."""
from __future__ import annotations

from typing import Any

from voice.errors import LLMError


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

"""Structured replies from an LLM: parse JSON, validate it with a pydantic model, and make one
repair request that quotes the validation error before giving up.

Models wrap JSON in prose or code fences, cut it short at max_tokens, or invent fields; each of
these ends either in a valid object or in LLMError(retryable=False), which callers turn into the
offline fallback.
"""
from __future__ import annotations

import json
import logging
import re
from importlib import resources
from typing import Any, Sequence, TypeVar

from interview.llm import ChatClient, Message
from voice.errors import LLMError

log = logging.getLogger(__name__)

T = TypeVar("T")
_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL)


def load_prompt(name: str) -> str:
    """A prompt template from interview/prompts/<name>.txt."""
    return resources.files("interview").joinpath("prompts", f"{name}.txt").read_text(encoding="utf-8")


def delimited(tag: str, text: str) -> str:
    """Candidate (or document) text as inert data: inside tags the text itself cannot close."""
    cleaned = re.sub(rf"</?\s*{tag}\s*>", "", text or "", flags=re.IGNORECASE)
    return f"<{tag}>\n{cleaned.strip()}\n</{tag}>"


def extract_json(text: str) -> Any:
    """The first JSON object in a reply, tolerating code fences and prose around it."""
    candidates = [m.group(1) for m in _FENCE.finditer(text)] + [text]
    last_error: Exception | None = None
    for candidate in candidates:
        start = candidate.find("{")
        if start < 0:
            continue
        try:
            value, _ = json.JSONDecoder().raw_decode(candidate[start:])
            return value
        except json.JSONDecodeError as e:
            last_error = e
    if last_error is not None:
        raise ValueError(f"invalid JSON: {last_error.msg} at char {last_error.pos}")
    raise ValueError("no JSON object in the reply")


def _validate(model: type[T], text: str) -> T:
    from pydantic import ValidationError

    value = extract_json(text)
    try:
        return model.model_validate(value)  # type: ignore[attr-defined]
    except ValidationError as e:
        problems = "; ".join(f"{'.'.join(str(p) for p in err['loc']) or 'reply'}: {err['msg']}"
                             for err in e.errors()[:5])
        raise ValueError(f"schema mismatch: {problems}") from None


def ask_structured(chat: ChatClient, messages: Sequence[Message], model: type[T]) -> T:
    """Ask, validate, repair once, else LLMError(retryable=False). Transport errors propagate."""
    schema = model.model_json_schema()  # type: ignore[attr-defined]
    reply = chat.complete(messages, schema=schema)
    try:
        return _validate(model, reply)
    except ValueError as first:
        log.info("LLM reply rejected (%s); asking for a repair", first)
        repair = [*messages, {"role": "assistant", "content": reply[:4000]},
                  {"role": "user", "content": (
                      f"Your reply was rejected: {first}. Reply again with only one JSON object that "
                      f"matches this JSON schema, no prose:\n{json.dumps(schema)}")}]
        reply = chat.complete(repair, schema=schema)
        try:
            return _validate(model, reply)
        except ValueError as second:
            raise LLMError(f"the LLM reply was not valid after one repair ({second})") from None

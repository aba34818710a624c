"""Keys go only where they were meant to, and base URLs are redacted wherever they are shown."""
from __future__ import annotations

import argparse
import json

import pytest

from interview.llm import LLMFallbacks, LLMOptions, _status_error, _where, key_for, llm_options_from_args, redact_url
from voice.errors import LLMError

KEY = "sk-PLANTED-123"


def options(url: str, *, env_name: str = "OPENAI_API_KEY", named: bool = False) -> LLMOptions:
    return LLMOptions(base_url=url, model="m", api_key_env=env_name, key_named=named)


@pytest.mark.parametrize("url, named, sent", [
    ("https://api.openai.com/v1", False, True),            # what $OPENAI_API_KEY is for
    ("http://localhost:11434/v1", False, False),           # a local Ollama never sees the OpenAI key
    ("http://127.0.0.1:8080/v1", False, False),
    ("https://llm.colleague.example/v1", False, False),    # nor a colleague's server
    ("https://api.openai.com.evil.example/v1", False, False),
    ("https://llm.colleague.example/v1", True, True),      # unless the variable was named for it
    ("http://127.0.0.1:8080/v1", True, True),              # plain http on this computer is fine
    ("http://[::1]:8080/v1", True, True),
])
def test_the_key_goes_only_where_it_was_meant_to(url, named, sent):
    assert key_for(options(url, named=named), {"OPENAI_API_KEY": KEY}) == (KEY if sent else None)


@pytest.mark.parametrize("url", ["http://192.168.1.20:11434/v1", "http://api.openai.com/v1",
                                 "http://llm.colleague.example/v1"])
def test_no_key_ever_goes_over_plain_http_to_another_computer(url):
    assert key_for(options(url), {"OPENAI_API_KEY": KEY}) is None
    with pytest.raises(LLMError) as caught:   # named for it: refused loudly, not sent and not silently dropped
        key_for(options(url, env_name="TEAM_KEY", named=True), {"TEAM_KEY": KEY})
    assert "plain http" in caught.value.message and KEY not in caught.value.one_line()


def test_naming_the_variable_on_the_command_line_or_in_the_environment_counts():
    flag = argparse.Namespace(llm_base_url="https://llm.example/v1", llm_model="m", llm_api_key_env="TEAM_KEY",
                              llm_timeout_s=None)
    assert llm_options_from_args(flag, {}).key_named is True
    bare = argparse.Namespace(llm_base_url="https://llm.example/v1", llm_model="m", llm_api_key_env=None,
                              llm_timeout_s=None)
    assert llm_options_from_args(bare, {}).key_named is False
    assert llm_options_from_args(bare, {"VIVAVOCE_LLM_API_KEY_ENV": "TEAM_KEY"}).key_named is True


@pytest.mark.parametrize("url, shown", [
    ("https://user:secret@llm.example:8443/v1?api-key=SECRET2#frag", "https://***@llm.example:8443/v1?***#***"),
    ("http://localhost:11434/v1", "http://localhost:11434/v1"),
    ("https://token@llm.example/v1", "https://***@llm.example/v1"),
])
def test_base_urls_are_redacted(url, shown):
    assert redact_url(url) == shown


def test_errors_and_journaled_fallbacks_never_carry_url_credentials():
    o = options("https://user:secret@llm.example/v1?key=SECRET2")
    events = []
    LLMFallbacks(record=lambda kind, **payload: events.append(payload)).fallback(
        "judge", LLMError("cannot reach the LLM server", _where(o)), "Q1")
    assert "llm.example" in json.dumps(events) and "secret" not in json.dumps(events).lower()
    with pytest.raises(LLMError) as caught:
        llm_options_from_args(argparse.Namespace(llm_base_url="ftp://user:secret@x/v1", llm_model="m",
                                                 llm_api_key_env=None, llm_timeout_s=None), {})
    assert "secret" not in caught.value.one_line()
    assert "secret" not in _status_error(type("E", (), {"status_code": 404})()).one_line()

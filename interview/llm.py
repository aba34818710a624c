"""ChatClient: one chat completion from any OpenAI-compatible server (OpenAI, Ollama, vLLM,
llama.cpp server, LM Studio, `transformers serve`), with our own retries.

The openai client's own retries are switched off (max_retries=0) and its 600 s default timeout is
replaced, so that a slow or failing server costs a bounded time: connect 5 s, read 30 s, then up to
3 retries with exponential backoff and jitter on 429 / 5xx / timeouts, honouring Retry-After.
Every failure ends as an LLMError(retryable=...); callers fall back to the offline path.

Keys go only where they were meant to (see `key_for`): $OPENAI_API_KEY only to api.openai.com, any
other key only to a server named together with the variable that holds it, and no key ever over
plain http to another computer. The key is never logged; base URLs are shown with their
credentials and query strings redacted (`redact_url`).
"""
from __future__ import annotations

import argparse
import email.utils
import ipaddress
import logging
import os
import random
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Protocol, Sequence
from urllib.parse import urlsplit, urlunsplit

from voice.clock import Clock, SystemClock
from voice.errors import LLMError, MissingDependency

log = logging.getLogger(__name__)

Message = Mapping[str, str]
ENV_BASE_URL = "VIVAVOCE_LLM_BASE_URL"
ENV_MODEL = "VIVAVOCE_LLM_MODEL"
ENV_API_KEY_NAME = "VIVAVOCE_LLM_API_KEY_ENV"
# local servers ignore the key, but the openai client refuses to start without one
PLACEHOLDER_KEY = "not-needed"
DEFAULT_KEY_ENV = "OPENAI_API_KEY"
OPENAI_HOST = "api.openai.com"


@dataclass(frozen=True)
class LLMOptions:
    base_url: str
    model: str
    api_key_env: str = DEFAULT_KEY_ENV
    connect_timeout_s: float = 5.0
    read_timeout_s: float = 30.0
    max_retries: int = 3
    backoff_base_s: float = 0.5
    backoff_max_s: float = 8.0
    max_retry_after_s: float = 30.0
    temperature: float = 0.0
    seed: int = 7
    max_tokens: int = 600
    # True when the user named the key variable for this server (--llm-api-key-env, $VIVAVOCE_LLM_API_KEY_ENV,
    # or a config file they pointed at): only then may a key go to a server other than api.openai.com
    key_named: bool = False

    @property
    def needs_key(self) -> bool:
        return _host(self.base_url) == OPENAI_HOST


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def key_for(options: LLMOptions, env: Mapping[str, str]) -> str | None:
    """The API key to send to `options.base_url`, or None (the server then gets a placeholder).

    An exported $OPENAI_API_KEY is meant for OpenAI, not for a local Ollama or a colleague's server:
    it goes only to https://api.openai.com unless the user named the variable for this server. No key
    ever travels over plain http to another computer; asking for that is an error, not a silent send.
    """
    key = env.get(options.api_key_env, "")
    if not key:
        return None
    parts = urlsplit(options.base_url)
    host = _host(options.base_url)
    if parts.scheme != "https" and not _is_loopback(host):
        if options.key_named:
            raise LLMError(f"refusing to send ${options.api_key_env} over plain http to {host}",
                           "use an https:// URL, or a server on this computer")
        return None
    if options.key_named or (host == OPENAI_HOST and parts.scheme == "https"):
        return key
    log.info("$%s not sent to %s: it goes only to %s unless named with --llm-api-key-env",
             options.api_key_env, host, OPENAI_HOST)
    return None


def redact_url(url: str) -> str:
    """A base URL fit for messages and files: user, password and query string replaced by ***."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(unparseable URL)"
    userinfo, at, hostport = parts.netloc.rpartition("@")
    netloc = ("***@" if at else "") + hostport
    return urlunsplit((parts.scheme, netloc, parts.path, "***" if parts.query else "", "***" if parts.fragment else ""))


class ChatClient(Protocol):
    def complete(self, messages: Sequence[Message], schema: dict[str, Any] | None = None) -> str: ...


def add_llm_arguments(parser: argparse.ArgumentParser) -> None:
    """`--llm-base-url`, `--llm-model`, `--llm-api-key-env`, `--llm-timeout-s`: the LLM is off unless
    a base URL and a model are given (flag or VIVAVOCE_LLM_BASE_URL / VIVAVOCE_LLM_MODEL)."""
    group = parser.add_argument_group("LLM (optional; any OpenAI-compatible server)")
    group.add_argument("--llm-base-url", metavar="URL",
                       help=f"e.g. http://localhost:11434/v1 (default: ${ENV_BASE_URL}; unset = offline)")
    group.add_argument("--llm-model", metavar="NAME", help=f"model name on that server (default: ${ENV_MODEL})")
    group.add_argument("--llm-api-key-env", metavar="VAR",
                       help="name of the environment variable holding the API key for this server "
                            "(default: OPENAI_API_KEY, which is sent only to https://api.openai.com)")
    group.add_argument("--llm-timeout-s", type=float, metavar="S", help="read timeout per request (default: 30)")


def llm_options_from_args(args: argparse.Namespace | None = None,
                          env: Mapping[str, str] | None = None) -> LLMOptions | None:
    """LLMOptions from the flags, falling back to the environment; None when no LLM is configured."""
    env = os.environ if env is None else env
    base_url = getattr(args, "llm_base_url", None) or env.get(ENV_BASE_URL) or ""
    model = getattr(args, "llm_model", None) or env.get(ENV_MODEL) or ""
    if not base_url and not model:
        return None
    if not base_url or not model:
        missing = "--llm-base-url" if not base_url else "--llm-model"
        raise LLMError(f"an LLM needs both a base URL and a model; {missing} is missing",
                       f"pass {missing} or set {ENV_BASE_URL if not base_url else ENV_MODEL}")
    if not base_url.startswith(("http://", "https://")) or not _host(base_url):
        raise LLMError(f"LLM base URL '{redact_url(base_url)}' is not an http(s) URL", "e.g. http://localhost:11434/v1")
    named = getattr(args, "llm_api_key_env", None) or env.get(ENV_API_KEY_NAME)
    options = LLMOptions(base_url=base_url.rstrip("/"), model=model, api_key_env=named or DEFAULT_KEY_ENV,
                         key_named=bool(named))
    timeout_s = getattr(args, "llm_timeout_s", None)
    if timeout_s is not None:
        if timeout_s <= 0:
            raise LLMError(f"--llm-timeout-s must be positive, got {timeout_s}")
        options = LLMOptions(**{**options.__dict__, "read_timeout_s": float(timeout_s)})
    return options


@dataclass
class OpenAIChat:
    """ChatClient over the `openai` package. `clock` sleeps between retries; `rng` draws the jitter."""

    options: LLMOptions
    clock: Clock = field(default_factory=SystemClock)
    rng: random.Random = field(default_factory=random.Random)
    env: Mapping[str, str] = field(default_factory=lambda: os.environ)
    _client: Any = field(default=None, init=False, repr=False)
    _json_mode: bool = field(default=True, init=False, repr=False)

    def _openai(self) -> Any:
        if self._client is None:
            try:
                import openai
            except ImportError as e:
                raise MissingDependency("openai") from e
            key = key_for(self.options, self.env)
            if not key and self.options.needs_key:
                raise LLMError(f"no API key: ${self.options.api_key_env} is not set",
                               f"export {self.options.api_key_env}=... or use --llm-api-key-env")
            o = self.options
            self._client = openai.OpenAI(
                base_url=o.base_url, api_key=key or PLACEHOLDER_KEY, max_retries=0,
                timeout=openai.Timeout(o.read_timeout_s, connect=o.connect_timeout_s))
        return self._client

    def complete(self, messages: Sequence[Message], schema: dict[str, Any] | None = None) -> str:
        """The reply's text. Raises LLMError after the retries are spent or on a non-retryable error."""
        client = self._openai()
        attempts = 1 + max(0, self.options.max_retries)
        for attempt in range(attempts):
            try:
                return self._request(client, messages, schema)
            except LLMError as e:
                if not e.retryable or attempt == attempts - 1:
                    raise
                delay = self._delay_s(attempt, e.retry_after_s)
                log.info("LLM request failed (%s); retry %d/%d in %.1f s",
                         e.message, attempt + 1, attempts - 1, delay)
                self.clock.sleep(delay)
        raise AssertionError("unreachable")

    def _delay_s(self, attempt: int, retry_after_s: float | None) -> float:
        if retry_after_s is not None:
            return min(max(0.0, retry_after_s), self.options.max_retry_after_s)
        ceiling = min(self.options.backoff_max_s, self.options.backoff_base_s * 2 ** attempt)
        # equal jitter: at least half the backoff, so retries never bunch up at zero
        return ceiling / 2 + self.rng.uniform(0, ceiling / 2)

    def _request(self, client: Any, messages: Sequence[Message], schema: dict[str, Any] | None) -> str:
        import openai

        o = self.options
        kwargs: dict[str, Any] = dict(model=o.model, messages=[dict(m) for m in messages],
                                      temperature=o.temperature, seed=o.seed, max_tokens=o.max_tokens)
        if schema is not None and self._json_mode:
            # the server's JSON mode, guided by the schema: OpenAI, vLLM, llama.cpp, Ollama and LM Studio
            # constrain decoding to it, so even a small local model returns the object asked for
            kwargs["response_format"] = {"type": "json_schema", "json_schema": {
                "name": re.sub(r"[^A-Za-z0-9_-]", "_", str(schema.get("title") or "reply"))[:64],
                "schema": schema, "strict": False}}
        try:
            reply = client.chat.completions.create(**kwargs)
        except openai.BadRequestError as e:
            if "response_format" in kwargs:
                # some servers reject JSON mode; the schema is in the prompt anyway
                log.info("server rejected response_format; asking without it")
                self._json_mode = False
                return self._request(client, messages, schema)
            raise _status_error(e) from None
        except openai.APITimeoutError:
            raise LLMError("the LLM server did not answer in time", _where(o), retryable=True) from None
        except openai.APIConnectionError:
            raise LLMError("cannot reach the LLM server", _where(o), retryable=True) from None
        except openai.APIStatusError as e:
            raise _status_error(e) from None
        except openai.OpenAIError as e:  # a reply the client cannot parse
            raise LLMError(f"unusable reply from the LLM server ({type(e).__name__})", _where(o),
                           retryable=True) from None
        choices = getattr(reply, "choices", None) or []
        if not choices:
            raise LLMError("the LLM server sent no choices", _where(o), retryable=True)
        content = getattr(choices[0].message, "content", None) or ""
        if getattr(choices[0], "finish_reason", None) == "length":
            log.info("LLM reply cut at max_tokens=%d", o.max_tokens)
        return content


def _where(options: LLMOptions) -> str:
    return f"server {redact_url(options.base_url)}, model {options.model}"


def _status_error(e: Any) -> LLMError:
    status = int(getattr(e, "status_code", 0) or 0)
    retryable = status in (408, 409, 429) or status >= 500
    headers = getattr(getattr(e, "response", None), "headers", None) or {}
    hint = {401: "check the API key variable", 403: "check the API key's permissions",
            404: "check --llm-model and --llm-base-url (it usually ends in /v1)"}.get(status, "")
    return LLMError(f"the LLM server answered HTTP {status}", hint, retryable=retryable,
                    retry_after_s=retry_after_s(headers))


def retry_after_s(headers: Mapping[str, str], now_epoch_s: float | None = None) -> float | None:
    """Seconds to wait from `retry-after-ms` or `Retry-After` (seconds or an HTTP date)."""
    lower = {str(k).lower(): str(v) for k, v in dict(headers).items()}
    if "retry-after-ms" in lower:
        try:
            return max(0.0, float(lower["retry-after-ms"]) / 1000)
        except ValueError:
            pass
    value = lower.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    import time

    now = time.time() if now_epoch_s is None else now_epoch_s
    return max(0.0, when.timestamp() - now)


class LLMFallbacks:
    """Where LLM failures go: every one is recorded (journal event), the user is told only once.

    `notify` receives a one-line message for the user (the CLI prints it); `record` receives
    `("llm_fallback", **payload)` and is typically `journal.append_event`.
    """

    def __init__(self, notify: Callable[[str], None] | None = None,
                 record: Callable[..., None] | None = None):
        self.notify = notify
        self.record = record
        self.events: list[dict[str, Any]] = []

    def fallback(self, where: str, error: Exception, question_id: str | None = None) -> None:
        message = error.one_line() if isinstance(error, LLMError) else f"{type(error).__name__}"
        event = {"where": where, "question_id": question_id, "message": message,
                 "retryable": bool(getattr(error, "retryable", False))}
        self.events.append(event)
        log.warning("LLM %s failed for %s: %s; using the offline %s", where, question_id, message, where)
        if self.record is not None:
            self.record("llm_fallback", **event)
        if self.notify is not None and len(self.events) == 1:
            self.notify(f"the LLM is not answering properly ({message}); continuing offline where needed")

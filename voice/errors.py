"""The project's errors: one base class whose message and hint the CLI prints on one line.

Any exception that is not a VivavoceError reaching the CLI is a bug, not a user mistake.
"""
from __future__ import annotations


class VivavoceError(Exception):
    """A problem the user can act on: `message` says what is wrong, `hint` how to fix it."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def one_line(self) -> str:
        text = f"{self.message} ({self.hint})" if self.hint else self.message
        return " ".join(text.split())


class PlanError(VivavoceError):
    """An interview plan that cannot be used."""


class AudioError(VivavoceError):
    """An audio file or stream that cannot be decoded."""


class DeviceError(VivavoceError):
    """A microphone or speaker that cannot be opened."""


class ModelError(VivavoceError):
    """A model that cannot be found or loaded."""


class MissingDependency(VivavoceError):
    """An optional package that a feature needs is not installed."""

    def __init__(self, package: str, extra: str | None = None):
        hint = f"pip install 'vivavoce[{extra}]'" if extra else f"pip install {package}"
        super().__init__(f"the package {package} is not installed", hint)
        self.package = package


class LLMError(VivavoceError):
    """A language-model request that failed; `retryable` for timeouts, 429 and 5xx."""

    def __init__(self, message: str, hint: str = "", *, retryable: bool = False,
                 retry_after_s: float | None = None):
        super().__init__(message, hint)
        self.retryable = retryable
        self.retry_after_s = retry_after_s

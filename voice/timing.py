"""Stamps of the moments between the end of an answer and the first sound of the next question.

Logged at debug level (`--verbose`) on the system's monotonic clock, which every process on the
machine shares, so a benchmark that hears the microphone and the speaker from outside can line them
up with what happened inside: `timing <event> at=<seconds> [name=value ...]`."""
from __future__ import annotations

import logging
import time

log = logging.getLogger("vivavoce.timing")


def mark(event: str, **values: float) -> None:
    if log.isEnabledFor(logging.DEBUG):
        details = "".join(f" {name}={value:.4f}" for name, value in values.items())
        log.debug("timing %s at=%.4f%s", event, time.monotonic(), details)

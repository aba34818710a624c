"""Time as a seam: code receives a Clock and never reads the system time itself,
so a scripted five-minute interview runs in milliseconds in tests."""
from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    def now_s(self) -> float: ...
    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """Monotonic seconds for durations; wall time only for timestamps shown to people."""

    def now_s(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)

    @staticmethod
    def wall_iso() -> str:
        return time.strftime("%Y-%m-%dT%H:%M:%S%z")

"""Key presses for the live unit tests: keys that arrive at given times of a scripted microphone."""
from __future__ import annotations


class KeysAt:
    """A key poll: each (seconds, key) is pressed once the microphone has played that far."""

    def __init__(self, mic, *presses: tuple[float, str]):
        self.mic = mic
        self.presses = sorted(presses)

    def __call__(self) -> str | None:
        if self.presses and self.mic.now_s >= self.presses[0][0]:
            return self.presses.pop(0)[1]
        return None

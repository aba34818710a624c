"""What `interview live` shows: the question, a listening indicator with a level meter, the partial
transcript and the elapsed time (rich on a terminal, plain lines otherwise)."""
from __future__ import annotations

import time

from interview.plan import Question

KEYS_HINT = "Enter/Space ends the answer · r repeats · s skips · y/n consent · Ctrl+C stops"
NO_KEYS_HINT = "Ctrl+C stops"


class TerminalView:
    def __init__(self, console=None):
        from rich.console import Console

        self.console = console or Console(stderr=False)
        self.interactive = self.console.is_terminal
        self._live = None
        self._started = time.monotonic()
        self._question = ""
        self._state = ""
        self._partial = ""
        self._level = 0.0
        self._last_draw = 0.0
        self.level_source = lambda: 0.0
        self._hint = NO_KEYS_HINT

    def start(self) -> None:
        if self.interactive:
            from rich.live import Live

            self._live = Live(self._render(), console=self.console, auto_refresh=False, transient=False)
            self._live.start()

    def stop(self) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None

    def show_keys(self) -> None:
        """Single keys are read: list them under the panel, or once as a line on a plain output."""
        self._hint = KEYS_HINT
        if not self.interactive:
            self.line(f"keys: {KEYS_HINT}")
        self._draw(force=True)

    def line(self, text: str) -> None:
        if self._live is not None:
            self._live.console.print(text)
        else:
            print(text, flush=True)

    def question(self, question: Question, text: str) -> None:
        self._question = f"[{question.id}] {question.text}"
        self._partial = ""
        if not self.interactive:
            self.line(f"question {question.id}: {question.text}")
        self._draw(force=True)

    def speaking(self, text: str) -> None:
        self._state = "speaking"
        if not self.interactive and not self._question.endswith(text):
            self.line(f"interviewer: {text}")
        self._draw(force=True)

    def listening(self, heard_s: float, level: float, partial: str) -> None:
        self._state = "listening"
        self._level = self.level_source()
        if partial != self._partial and not self.interactive and partial:
            self.line(f"  ... {partial[len(self._partial):].strip()}" if partial.startswith(self._partial)
                      else f"  ... {partial}")
        self._partial = partial
        self._draw()

    def heard(self, text: str) -> None:
        self._state = "thinking"
        if not self.interactive:
            self.line(f"heard: {text}")
        self._draw(force=True)

    def _draw(self, force: bool = False) -> None:
        now = time.monotonic()
        if self._live is None or (not force and now - self._last_draw < 0.1):
            return
        self._last_draw = now
        self._live.update(self._render(), refresh=True)

    def _render(self):
        from rich.panel import Panel
        from rich.text import Text

        elapsed = int(time.monotonic() - self._started)
        bars = int(min(1.0, self._level * 8) * 30)
        body = Text()
        body.append(self._question or "starting...", style="bold")
        body.append("\n\n")
        mark = {"listening": "● listening", "speaking": "◆ speaking", "thinking": "… thinking"}.get(self._state, "")
        body.append(f"{mark:<14}", style="green" if self._state == "listening" else "cyan")
        body.append("▮" * bars + "·" * (30 - bars), style="green")
        body.append(f"\n\n{self._partial}", style="italic")
        return Panel(body, title="vivavoce live interview",
                     subtitle=f"{elapsed // 60:02d}:{elapsed % 60:02d}  {self._hint}")

"""Single key presses from the terminal, without Enter, for `interview live`.

While a session runs, a terminal on stdin is put in cbreak mode: keys arrive one at a time and
are not echoed, while Ctrl+C still interrupts (cbreak keeps ISIG, raw mode would not). The saved
settings come back however the session ends: normally, on an exception, on Ctrl+C, or on SIGTERM.
When stdin is not a terminal (CI, pipes) there are no key presses and nothing is changed.
"""
from __future__ import annotations

import logging
import os
import select
import signal
import sys
import threading
from collections import deque

log = logging.getLogger(__name__)

_ESC = 0x1B
# Enter arrives as "\n" (ICRNL is left on) or "\r" (terminals that send CR with ICRNL off)
_PRINTABLE = frozenset(b" \n\r") | frozenset(range(0x21, 0x7F))


class KeyReader:
    """A context manager over a terminal file descriptor; `poll()` returns one pressed key or None.

    The poll never blocks (select with a zero timeout, then os.read on the descriptor), so it can
    be called every few tens of milliseconds from the listening loop without a thread.
    """

    def __init__(self, fd: int | None = None):
        if fd is None:
            fd = _stdin_fd()
        self.fd = fd
        self.active = False
        self._saved: list | None = None
        self._pending: deque[str] = deque()
        self._previous_sigterm = None

    def __enter__(self) -> "KeyReader":
        self.start()
        return self

    def start(self) -> bool:
        """cbreak mode on, when stdin is a terminal; True if keys will be read."""
        if self.active or self.fd is None or not os.isatty(self.fd):
            return self.active
        import termios

        try:
            self._saved = termios.tcgetattr(self.fd)
            cbreak = termios.tcgetattr(self.fd)
            cbreak[3] &= ~(termios.ECHO | termios.ICANON)
            cbreak[3] |= termios.ISIG
            cbreak[6][termios.VMIN] = 1
            cbreak[6][termios.VTIME] = 0
            termios.tcsetattr(self.fd, termios.TCSANOW, cbreak)
        except termios.error as e:  # a terminal that refuses settings: run without keys
            log.debug("no cbreak mode on fd %s: %s", self.fd, e)
            self._saved = None
            return False
        self.active = True
        self._catch_sigterm()
        return True

    def __exit__(self, *exc) -> None:
        self.restore()

    def restore(self) -> None:
        """Put the terminal back as it was; safe to call twice."""
        if not self.active:
            return
        self.active = False
        import termios

        try:
            termios.tcsetattr(self.fd, termios.TCSADRAIN, self._saved)
        except (termios.error, OSError) as e:  # the terminal went away: nothing left to restore
            log.debug("terminal settings not restored: %s", e)
        if self._previous_sigterm is not None and threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, self._previous_sigterm)
            self._previous_sigterm = None

    def poll(self) -> str | None:
        """The next key pressed (a one-character string, Enter as "\\n"), or None at once."""
        if not self._pending and self.active:
            self._read_available()
        return self._pending.popleft() if self._pending else None

    def _read_available(self) -> None:
        try:
            ready, _, _ = select.select([self.fd], [], [], 0)
            data = os.read(self.fd, 64) if ready else b""
        except OSError as e:
            log.debug("key input stopped: %s", e)
            data, ready = b"", True
        if ready and not data:  # end of input (the terminal closed): no more keys
            self.restore()
            return
        # an escape sequence (arrow, function key) arrives in one read: drop it whole
        if _ESC in data:
            data = data[: data.index(_ESC)]
        self._pending.extend(chr(b) for b in data if b in _PRINTABLE)

    def _catch_sigterm(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        previous = signal.getsignal(signal.SIGTERM)
        if previous is signal.SIG_IGN or previous is None:
            return

        def on_sigterm(signum, frame):
            self.restore()
            # then whatever SIGTERM did before: the default ends the process with the same signal
            if callable(previous):
                previous(signum, frame)
            else:
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                os.kill(os.getpid(), signal.SIGTERM)

        self._previous_sigterm = previous
        signal.signal(signal.SIGTERM, on_sigterm)


def _stdin_fd() -> int | None:
    try:
        return sys.stdin.fileno() if sys.stdin is not None else None
    except (AttributeError, OSError, ValueError):  # replaced or closed stdin (pytest capture, daemons)
        return None

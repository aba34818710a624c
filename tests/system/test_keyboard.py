"""The terminal key reader on a real pseudo-terminal: cbreak mode, one key without Enter, and the
settings put back after a normal end, an exception, Ctrl+C and SIGTERM."""
from __future__ import annotations

import os
import pty
import select
import signal
import sys
import termios
import time
from pathlib import Path

import pytest

from interview.cli.keyboard import KeyReader

REPO = Path(__file__).resolve().parents[2]
LFLAGS = 3


@pytest.fixture
def terminal():
    master, slave = os.openpty()
    yield master, slave
    for fd in (master, slave):
        os.close(fd)


def next_key(reader: KeyReader, timeout_s: float = 5.0) -> str | None:
    """Poll as the listening loop does, until a key arrives (the pty hands bytes over asynchronously)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        key = reader.poll()
        if key is not None:
            return key
        time.sleep(0.01)
    return None


def test_cbreak_while_inside_and_settings_restored_after(terminal):
    master, slave = terminal
    before = termios.tcgetattr(slave)
    assert before[LFLAGS] & termios.ICANON and before[LFLAGS] & termios.ECHO
    with KeyReader(slave) as reader:
        assert reader.active
        inside = termios.tcgetattr(slave)
        assert not inside[LFLAGS] & termios.ICANON
        assert not inside[LFLAGS] & termios.ECHO
        assert inside[LFLAGS] & termios.ISIG          # Ctrl+C still interrupts
    assert termios.tcgetattr(slave) == before


def test_one_key_is_read_without_enter(terminal):
    master, slave = terminal
    with KeyReader(slave) as reader:
        assert reader.poll() is None                  # nothing pressed: answers at once
        os.write(master, b"s")
        assert next_key(reader) == "s"
        assert reader.poll() is None
        os.write(master, b" ")
        assert next_key(reader) == " "
        os.write(master, b"\r")                       # Enter; ICRNL turns it into a newline
        assert next_key(reader) == "\n"
    # no echo: the keys did not come back on the terminal's output
    ready, _, _ = select.select([master], [], [], 0.2)
    assert not ready or b"s" not in os.read(master, 100)


def test_keys_typed_together_come_one_at_a_time_and_escape_sequences_are_dropped(terminal):
    master, slave = terminal
    with KeyReader(slave) as reader:
        os.write(master, b"ry")
        assert [next_key(reader), next_key(reader)] == ["r", "y"]
        os.write(master, b"\x1b[A")                   # the up arrow
        time.sleep(0.1)
        assert reader.poll() is None
        os.write(master, b"n")
        assert next_key(reader) == "n"


def test_settings_restored_after_an_exception(terminal):
    master, slave = terminal
    before = termios.tcgetattr(slave)
    with pytest.raises(RuntimeError):
        with KeyReader(slave):
            assert not termios.tcgetattr(slave)[LFLAGS] & termios.ICANON
            raise RuntimeError("the session failed")
    assert termios.tcgetattr(slave) == before


def test_sigterm_handler_is_put_back(terminal):
    master, slave = terminal
    previous = signal.getsignal(signal.SIGTERM)
    with KeyReader(slave):
        assert signal.getsignal(signal.SIGTERM) is not previous
    assert signal.getsignal(signal.SIGTERM) is previous


def test_not_a_terminal_means_no_keys(tmp_path):
    read_end, write_end = os.pipe()
    try:
        with KeyReader(read_end) as reader:
            os.write(write_end, b" ")
            assert not reader.active
            assert reader.poll() is None              # a pipe's bytes are not key presses
    finally:
        os.close(read_end)
        os.close(write_end)


CHILD = """
import os, sys, termios, time
from interview.cli.keyboard import KeyReader
with KeyReader(0) as reader:
    print("ready", flush=True)
    try:
        while True:
            key = reader.poll()
            if key:
                print("key", repr(key), flush=True)
            time.sleep(0.01)
    except KeyboardInterrupt:
        print("interrupted", flush=True)
flags = termios.tcgetattr(0)[3]
print("restored" if flags & termios.ICANON and flags & termios.ECHO else "not restored", flush=True)
"""


def run_child_on_terminal():
    """A Python process whose controlling terminal is a new pty (so Ctrl+C there sends SIGINT)."""
    pid, master = pty.fork()
    if pid == 0:  # the child: exec at once, nothing of pytest runs here
        # a job started in the background of a non-interactive shell inherits SIGINT ignored, and
        # Python keeps it so; a terminal program sees Ctrl+C
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.execve(sys.executable, [sys.executable, "-c", CHILD],
                  {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"})
    return pid, master


def read_until(master: int, needle: bytes, timeout_s: float = 30.0) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout_s
    while needle not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                data = os.read(master, 1024)
            except OSError:  # EIO: the child has gone
                break
            if not data:
                break
            seen += data
    return seen


def test_ctrl_c_interrupts_in_cbreak_and_the_terminal_is_restored():
    pid, master = run_child_on_terminal()
    try:
        assert b"ready" in read_until(master, b"ready")
        os.write(master, b"y")
        assert b"key 'y'" in read_until(master, b"key 'y'")
        assert not termios.tcgetattr(master)[LFLAGS] & termios.ICANON   # the child's settings, via the master
        os.write(master, b"\x03")
        out = read_until(master, b"restored")
        assert b"interrupted" in out and b"restored" in out and b"not restored" not in out, out
        _, status = os.waitpid(pid, 0)
        pid = None
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    finally:
        if pid is not None:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(master)


def test_sigterm_restores_the_terminal_and_still_ends_the_process():
    pid, master = run_child_on_terminal()
    try:
        assert b"ready" in read_until(master, b"ready")
        assert not termios.tcgetattr(master)[LFLAGS] & termios.ICANON
        os.kill(pid, signal.SIGTERM)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGTERM
        flags = termios.tcgetattr(master)[LFLAGS]
        assert flags & termios.ICANON and flags & termios.ECHO
    finally:
        os.close(master)


"""Test doubles for sounddevice streams and the device list: each stream follows a script (deliver some
audio, then end, stall or keep going; or refuse to open), and the factory keeps a history of opens."""
from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from voice.devices import DeviceInfo


class FakePortAudioError(Exception):
    """Stands in for sounddevice.PortAudioError."""


@dataclass(frozen=True)
class Deliver:
    """What one input stream does once started: `blocks` blocks at `level`, then `then`:
    'end' (PortAudio's thread stops: inactive), 'stall' (still active, no more audio)."""

    blocks: int = 5
    level: float = 0.1
    then: str = "end"


class FakeInputStream:
    def __init__(self, script: Deliver, *, callback, blocksize: int, **_kwargs):
        self.script, self.callback, self.blocksize = script, callback, blocksize
        self.active = False
        self.aborted = self.closed = False

    def start(self) -> None:
        self.active = True
        block = np.full((self.blocksize, 1), self.script.level, np.float32)
        for _ in range(self.script.blocks):
            self.callback(block, self.blocksize, None, 0)
        if self.script.then == "end":
            self.active = False

    def abort(self) -> None:
        self.aborted, self.active = True, False

    def close(self) -> None:
        self.closed = True


class _ScriptedStreams:
    """A sounddevice stream class: each open takes the next script entry (what the stream does, or an
    exception to raise on opening); `opened` keeps each open's device and rate."""

    stream_class: type
    kind = "Stream"

    def __init__(self, *script):
        self.script = list(script)
        self.opened: list[dict] = []
        self.streams: list = []

    def __call__(self, **kwargs):
        entry = self.script.pop(0) if self.script else FakePortAudioError(f"Error opening {self.kind}: no device")
        self.opened.append({"device": kwargs["device"], "samplerate": kwargs["samplerate"]})
        if isinstance(entry, BaseException):
            raise entry
        stream = self.stream_class(entry, **kwargs)
        self.streams.append(stream)
        return stream


class FakeInputStreams(_ScriptedStreams):
    """sounddevice.InputStream for a MicSource; script entries are Deliver."""

    stream_class = FakeInputStream
    kind = "InputStream"


@dataclass(frozen=True)
class Play:
    """What one output stream does: 'finish' (asks for audio until aborted), 'end_after' blocks
    (PortAudio's thread stops early) or 'stall_after' blocks (stops asking, still active)."""

    then: str = "finish"
    blocks: int = 0


class FakeOutputStream:
    BLOCK = 256

    def __init__(self, script: Play, *, callback, finished_callback, **_kwargs):
        self.script, self.callback, self.finished_callback = script, callback, finished_callback
        self.played: list[np.ndarray] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        count = 0
        while not self._stop.is_set():
            if self.script.then != "finish" and count >= self.script.blocks:
                if self.script.then == "end_after":
                    self.finished_callback()
                return
            out = np.empty((self.BLOCK, 1), np.float32)
            self.callback(out, self.BLOCK, None, 0)
            self.played.append(out[:, 0].copy())
            count += 1
            self._stop.wait(0.0005)

    def abort(self) -> None:
        self._stop.set()
        self._thread.join(5)

    def close(self) -> None:
        self._stop.set()

    def samples(self) -> np.ndarray:
        return np.concatenate(self.played) if self.played else np.zeros(0, np.float32)


class FakeOutputStreams(_ScriptedStreams):
    """sounddevice.OutputStream for a SpeakerSink; script entries are Play."""

    stream_class = FakeOutputStream
    kind = "OutputStream"


class FakeDeviceList:
    """The device list as PortAudio shows it: `lists[0]` until a rescan, which moves to the next one
    (a microphone unplugged, or plugged back under a new index)."""

    def __init__(self, *lists: list[DeviceInfo]):
        self.lists = list(lists)
        self.calls: list[bool] = []

    def __call__(self, rescan: bool = False) -> list[DeviceInfo]:
        self.calls.append(rescan)
        if rescan and len(self.lists) > 1:
            self.lists.pop(0)
        return self.lists[0]


def usb_mic(index: int, rate_hz: int = 48000) -> DeviceInfo:
    return DeviceInfo(index, "USB Headset Mic", "ALSA", 1, 0, rate_hz)


def usb_speaker(index: int, rate_hz: int = 48000) -> DeviceInfo:
    return DeviceInfo(index, "USB Headset Speaker", "ALSA", 0, 2, rate_hz)


def built_in(index: int = 0) -> DeviceInfo:
    return DeviceInfo(index, "HDA Intel PCH: ALC3246 Analog", "ALSA", 2, 2, 44100,
                      default_input=True, default_output=True)

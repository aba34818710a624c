"""Microphones and speakers: list them, resolve a name or index the user gave, and check they work.

PortAudio lists devices once, when sounddevice is imported, so the environment (PULSE_SERVER,
ALSA_CONFIG_PATH) must be set before the first call here.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable, Literal, TypeVar

from voice.clock import Clock
from voice.errors import DeviceError, MissingDependency

log = logging.getLogger(__name__)

Direction = Literal["input", "output"]
Opened = TypeVar("Opened")


@dataclass(frozen=True)
class DeviceInfo:
    index: int
    name: str
    host_api: str
    input_channels: int
    output_channels: int
    native_rate_hz: int
    default_input: bool = False
    default_output: bool = False

    def describe(self) -> str:
        marks = ("<in " if self.default_input else "") + ("out>" if self.default_output else "")
        return (f"{self.index:>3} {self.name} ({self.host_api}) in={self.input_channels} "
                f"out={self.output_channels} {self.native_rate_hz} Hz {marks}".rstrip())


def sounddevice_module():
    """Import sounddevice, turning a missing PortAudio into a clear error."""
    try:
        import sounddevice
    except ImportError as e:
        raise MissingDependency("sounddevice") from e
    except OSError as e:  # the Python package is there but the PortAudio library is not
        raise DeviceError(f"PortAudio could not be loaded ({e})", "apt-get install libportaudio2") from e
    return sounddevice


def list_devices() -> list[DeviceInfo]:
    sd = sounddevice_module()
    try:
        raw = sd.query_devices()
        apis = sd.query_hostapis()
        default_in, default_out = sd.default.device
    except Exception as e:  # PortAudioError: no audio system at all
        raise DeviceError(f"audio devices could not be listed ({e})") from e
    devices = []
    for d in raw:
        devices.append(DeviceInfo(
            index=int(d["index"]), name=str(d["name"]), host_api=str(apis[d["hostapi"]]["name"]),
            input_channels=int(d["max_input_channels"]), output_channels=int(d["max_output_channels"]),
            native_rate_hz=int(round(d["default_samplerate"])),
            default_input=int(d["index"]) == default_in, default_output=int(d["index"]) == default_out))
    return devices


def rescan_devices() -> list[DeviceInfo]:
    """The devices there are now, not when PortAudio started.

    PortAudio reads its device list once, at start, so a microphone plugged back in (maybe under a
    new index) is only seen after PortAudio is re-initialized. That closes every other stream this
    process has open: call it only while nothing else plays or records.
    """
    sd = sounddevice_module()
    try:
        sd._terminate()
        sd._initialize()
    except Exception as e:  # PortAudioError, or a sounddevice without these (they are its documented way)
        raise DeviceError(f"audio devices could not be re-scanned ({e})") from e
    return list_devices()


def list_devices_for(rescan: bool) -> list[DeviceInfo]:
    """The device list a reopen resolves against: the cached one, or a fresh scan."""
    return rescan_devices() if rescan else list_devices()


def resolve_device(wanted: str | int | None, direction: Direction,
                   devices: list[DeviceInfo] | None = None) -> DeviceInfo:
    """The device the user asked for (index, exact name, or unique name part), else the default.

    Raises DeviceError listing the devices there are, so the user can pick one.
    """
    devices = list_devices() if devices is None else devices
    usable = [d for d in devices if (d.input_channels if direction == "input" else d.output_channels) > 0]
    if not usable:
        raise DeviceError(f"no audio {direction} device found", "connect a microphone/speaker or check PulseAudio")
    if wanted is None or wanted == "":
        chosen = next((d for d in usable if (d.default_input if direction == "input" else d.default_output)), None)
        return chosen or usable[0]
    text = str(wanted).strip()
    if text.isdigit():
        chosen = next((d for d in usable if d.index == int(text)), None)
    else:
        chosen = next((d for d in usable if d.name == text), None)
        if chosen is None:
            matches = [d for d in usable if text.lower() in d.name.lower()]
            chosen = matches[0] if len(matches) == 1 else None
    if chosen is None:
        listing = "; ".join(d.describe() for d in usable)
        raise DeviceError(f"no {direction} device '{text}'; {direction} devices: {listing}",
                          "pass a name or index from 'interview devices'")
    return chosen


def close_quietly(stream) -> None:
    """Abort and close a stream. Abort, not stop: a stalled stream has nothing worth waiting for, and
    what is left of a playback is padding; closing a vanished device must not hide the session's result."""
    try:
        stream.abort()
        stream.close()
    except Exception as e:
        log.debug("closing a stream: %s", e)


def failure_reason(error: BaseException) -> str:
    """A PortAudio or device error as one short line."""
    text = error.message if isinstance(error, DeviceError) else str(error)
    text = " ".join(text.split()) or type(error).__name__
    return text if len(text) <= 160 else text[:157] + "..."


def reopen_by_name(name: str, named: bool, direction: Direction, devices: Callable[[bool], list[DeviceInfo]],
                   open_device: Callable[[DeviceInfo], Opened], clock: Clock, wait_s: float) -> tuple[DeviceInfo, Opened]:
    """Find a failed device again and open it, trying until `wait_s` has passed; the last error then.

    By name, because its index may differ after a replug; a device that was never named follows the
    default. `devices(rescan)` gives the device list, asked to rescan after a failed try.

    The first try uses the list PortAudio made at start; a failure there (through ALSA's pulse plugin
    any refused open reads "Illegal combination of I/O devices") always gets a second try on a fresh
    scan, however long the first took: on a loaded machine closing the old stream and one refused
    open can use up the whole wait, and giving up on a stale list alone loses a working device."""
    deadline = clock.now_s() + wait_s
    rescan = False
    while True:
        try:
            device = resolve_device(name if named else None, direction, devices(rescan))
            return device, open_device(device)
        except Exception as e:  # DeviceError from resolving, PortAudioError from opening
            if rescan and clock.now_s() >= deadline:
                raise
            log.debug("reopening the %s device: %s", direction, e)
            rescan = True
            clock.sleep(min(0.25, max(0.0, deadline - clock.now_s())))

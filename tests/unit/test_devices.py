"""Resolving --input-device / --output-device against a device list."""
from __future__ import annotations

import pytest

from voice.devices import DeviceInfo, resolve_device
from voice.errors import DeviceError

DEVICES = [
    DeviceInfo(0, "HDA Intel PCH: ALC3246 Analog", "ALSA", 2, 2, 48000),
    DeviceInfo(1, "USB Headset Mic", "ALSA", 1, 0, 44100, default_input=True),
    DeviceInfo(2, "pulse", "ALSA", 32, 32, 44100, default_output=True),
]


def test_default_devices_by_direction():
    assert resolve_device(None, "input", DEVICES).index == 1
    assert resolve_device(None, "output", DEVICES).index == 2


def test_by_index_exact_name_and_unique_part():
    assert resolve_device("0", "input", DEVICES).index == 0
    assert resolve_device("pulse", "output", DEVICES).index == 2
    assert resolve_device("headset", "input", DEVICES).index == 1


def test_a_microphone_is_not_a_speaker():
    with pytest.raises(DeviceError) as e:
        resolve_device("USB Headset Mic", "output", DEVICES)
    assert "output devices:" in e.value.message and "pulse" in e.value.message


def test_unknown_name_lists_the_devices_with_rates():
    with pytest.raises(DeviceError) as e:
        resolve_device("studio mic", "input", DEVICES)
    text = e.value.one_line()
    assert "no input device 'studio mic'" in text
    assert "USB Headset Mic" in text and "44100 Hz" in text and "48000 Hz" in text


def test_no_devices_at_all():
    with pytest.raises(DeviceError, match="no audio input device"):
        resolve_device(None, "input", [])

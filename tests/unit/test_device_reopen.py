"""A microphone or speaker that fails mid-session is reopened once, found again by name; a second
failure is a DeviceError. Scripted sounddevice streams and device lists, a fake clock for the waits."""
from __future__ import annotations

import logging

import numpy as np
import pytest

from tests.fakes import FakeClock, tone
from tests.fakes_devices import (Deliver, FakeDeviceList, FakeInputStreams, FakeOutputStreams, FakePortAudioError,
                                 Play, built_in, usb_mic, usb_speaker)
from voice.audio import AudioChunk
from voice.errors import DeviceError
from voice.sinks import SpeakerSink
from voice.sources import MicSource


def open_mic(streams, devices, **options) -> MicSource:
    mic = MicSource("USB Headset Mic", stream_factory=streams, devices=devices, clock=FakeClock(), **options)
    mic.start()
    return mic


def read_all(mic: MicSource, reads: int = 40) -> list:
    """Chunks until `reads` reads are done or the microphone gives up (the error is returned last)."""
    chunks = []
    for _ in range(reads):
        try:
            chunks.append(mic.read(5))
        except DeviceError as e:
            chunks.append(e)
            break
    return chunks


def test_a_microphone_that_stops_is_reopened_once_and_the_stream_clock_goes_on(caplog):
    # unplugged at index 3 (48 kHz), back at index 5 (16 kHz) once PortAudio rescans
    devices = FakeDeviceList([built_in(0), usb_mic(3, 48000)], [built_in(0), usb_mic(5, 16000)])
    streams = FakeInputStreams(Deliver(blocks=5, level=0.1, then="end"),
                               FakePortAudioError("Error opening InputStream: Device unavailable"),
                               Deliver(blocks=5, level=0.2, then="stall"))
    mic = open_mic(streams, devices, stall_s=10.0)
    with caplog.at_level(logging.WARNING, logger="voice.sources"):
        chunks = read_all(mic, reads=20)
    assert not any(isinstance(c, DeviceError) for c in chunks)
    assert [o["device"] for o in streams.opened] == [3, 3, 5]
    assert [o["samplerate"] for o in streams.opened] == [48000, 48000, 16000]
    assert True in devices.calls                      # found again in a fresh scan
    assert streams.streams[0].aborted and streams.streams[0].closed
    assert mic.reopens == 1 and mic.device.index == 5
    # the stream clock runs on: each chunk starts where the last one ended
    position = 0
    for chunk in chunks:
        assert chunk.start_s == pytest.approx(position / 16000)
        position += len(chunk.samples)
    assert mic.now_s == pytest.approx(position / 16000)
    # both streams' audio came through: 5 blocks of 32 ms each
    samples = np.concatenate([c.samples for c in chunks])
    assert abs(len(samples) - 2 * 5 * 512) <= 4
    assert np.allclose(samples[-512:], 0.2, atol=1e-3)
    assert np.allclose(samples[1000:2000], 0.1, atol=1e-2)
    assert "microphone reconnected: 'USB Headset Mic'" in caplog.text


def test_a_second_failure_is_a_device_error_and_what_was_heard_is_kept():
    devices = FakeDeviceList([usb_mic(3, 16000)])
    streams = FakeInputStreams(Deliver(blocks=4, then="end"), Deliver(blocks=3, level=0.2, then="end"))
    mic = open_mic(streams, devices)
    chunks = read_all(mic)
    error = chunks[-1]
    assert isinstance(error, DeviceError)
    assert "'USB Headset Mic' stopped delivering audio again after being reopened" in error.message
    assert mic.failure is error and mic.reopens == 1
    assert all(s.closed for s in streams.streams)
    heard = mic.heard()
    assert heard.start_s == 0.0 and len(heard.samples) == 7 * 512
    assert np.allclose(heard.samples[-512:], 0.2)
    mic.drain()                                        # a new answer starts with nothing heard
    assert len(mic.heard().samples) == 0 and mic.heard().start_s == mic.now_s


def test_a_microphone_that_does_not_come_back_is_given_up_after_the_wait():
    devices = FakeDeviceList([usb_mic(3, 16000)], [built_in(0)])      # gone from the rescanned list
    streams = FakeInputStreams(Deliver(blocks=2, then="end"))
    mic = open_mic(streams, devices, reopen_wait_s=2.0)
    error = read_all(mic)[-1]
    assert isinstance(error, DeviceError)
    assert error.message.startswith("the microphone 'USB Headset Mic' stopped delivering audio and could not "
                                    "be reopened (no input device 'USB Headset Mic'")
    assert "resume" in error.hint
    assert mic._clock.now_s() >= 2.0                   # it waited for the device before giving up
    assert len(streams.opened) == 2                    # the cached index once, then it was not listed
    assert mic.failure is error


def test_a_microphone_that_goes_quiet_while_active_is_reopened_then_given_up():
    # a suspended PulseAudio source: the stream stays active and simply stops calling back
    devices = FakeDeviceList([usb_mic(3, 16000)])
    streams = FakeInputStreams(Deliver(blocks=3, then="stall"), Deliver(blocks=3, level=0.2, then="stall"))
    mic = open_mic(streams, devices, stall_s=0.05)
    chunks = read_all(mic, reads=100)
    error = chunks[-1]
    assert isinstance(error, DeviceError)
    assert "delivered no audio for 0.05 s again after being reopened" in error.message
    assert len(streams.opened) == 2
    assert sum(len(c.samples) for c in chunks[:-1]) == 6 * 512


def test_a_stream_just_opened_gets_longer_to_deliver_its_first_audio():
    devices = FakeDeviceList([usb_mic(3, 16000)])
    streams = FakeInputStreams(Deliver(blocks=0, then="stall"), Deliver(blocks=1, then="stall"))
    mic = open_mic(streams, devices, stall_s=0.02, start_grace_s=0.2)
    reads = 0
    while len(streams.opened) < 2:
        mic.read(5)
        reads += 1
    assert reads >= 40                                 # 0.2 s of 5 ms reads, not 0.02 s
    error = read_all(mic)[-1]
    assert "delivered no audio for 0.02 s again" in error.message


def test_a_microphone_that_never_opens_is_a_device_error_without_reopening():
    streams = FakeInputStreams(FakePortAudioError("Device unavailable"))
    mic = MicSource("USB Headset Mic", stream_factory=streams, devices=FakeDeviceList([usb_mic(3)]),
                    clock=FakeClock())
    with pytest.raises(DeviceError, match="could not be opened"):
        mic.start()
    assert len(streams.opened) == 1


def speaker(streams, lists, **options) -> SpeakerSink:
    queue = list(lists)
    return SpeakerSink(None, "USB Headset Speaker", stream_factory=streams,
                       devices=lambda: queue.pop(0) if len(queue) > 1 else queue[0], clock=FakeClock(),
                       latency_s=0.01, lead_s=0.0, **options)


def test_a_speaker_that_fails_plays_again_from_the_start_on_the_device_found_again(caplog):
    streams = FakeOutputStreams(Play("end_after", blocks=3), Play("finish"))
    sink = speaker(streams, [[built_in(0), usb_speaker(4, 16000)], [built_in(0), usb_speaker(6, 16000)]])
    audio = AudioChunk(tone(220.0, 0.3))
    with caplog.at_level(logging.WARNING, logger="voice.sinks"):
        sink.play(audio)
    assert [o["device"] for o in streams.opened] == [4, 6]
    played = streams.streams[1].samples()
    assert np.allclose(played[:len(audio.samples)], audio.samples)      # the whole utterance, again
    assert "speaker reconnected: 'USB Headset Speaker'" in caplog.text
    assert sink.device.index == 6


def test_a_speaker_that_fails_twice_is_a_device_error():
    streams = FakeOutputStreams(Play("end_after", blocks=2), FakePortAudioError("Device unavailable"))
    sink = speaker(streams, [[usb_speaker(4, 16000)]], reopen_wait_s=1.0)
    with pytest.raises(DeviceError) as e:
        sink.play(AudioChunk(tone(220.0, 0.3)))
    assert e.value.message.startswith("the speaker 'USB Headset Speaker' could not play (the stream ended before "
                                      "the audio did) and could not be reopened (")
    assert len(streams.opened) >= 2 and sink._clock.now_s() >= 1.0


def test_a_stalled_speaker_is_retried_once_then_a_device_error():
    streams = FakeOutputStreams(Play("stall_after", blocks=2), Play("stall_after", blocks=2))
    sink = speaker(streams, [[usb_speaker(4, 16000)]], stall_s=0.05)
    with pytest.raises(DeviceError, match="nor after being reopened .playback stalled for over 0.05 s"):
        sink.play(AudioChunk(tone(220.0, 0.1)))
    assert len(streams.opened) == 2


def test_a_refused_first_reopen_gets_a_fresh_scan_even_when_it_used_up_the_wait():
    # a loaded machine: the open on the cached list is refused only after the whole wait has passed
    clock = FakeClock()

    class SlowlyRefused(FakeInputStreams):
        def __call__(self, **kwargs):
            if len(self.opened) == 1:
                clock.sleep(3.0)
            return super().__call__(**kwargs)

    devices = FakeDeviceList([usb_mic(3, 16000)])
    streams = SlowlyRefused(Deliver(blocks=2, then="end"),
                            FakePortAudioError("Error opening InputStream: Illegal combination of I/O devices"),
                            Deliver(blocks=3, level=0.2, then="stall"))
    mic = MicSource("USB Headset Mic", stream_factory=streams, devices=devices, clock=clock, reopen_wait_s=2.0,
                    stall_s=10.0)
    mic.start()
    chunks = read_all(mic, reads=10)
    assert not any(isinstance(c, DeviceError) for c in chunks)
    assert len(streams.opened) == 3 and True in devices.calls and mic.reopens == 1

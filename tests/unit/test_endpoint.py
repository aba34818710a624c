"""The Endpointer on scripted timelines: thinking pauses, end of answer, caps and clicks."""
from __future__ import annotations

from functools import partial

from voice.endpoint import Endpointer
from voice.endpoint import EndpointOptions as _EndpointOptions

FRAME_S = 0.032
# the timer-only detector; the smart one is covered at the end of this file
EndpointOptions = partial(_EndpointOptions, turn_detector="silence")


def play(endpointer: Endpointer, *timeline: tuple[float, bool], start_s: float = 0.0):
    """Feed frames for (seconds, is_speech) blocks; return (reason, time) at the end, or (None, t)."""
    t = start_s
    for seconds, speech in timeline:
        for _ in range(int(round(seconds / FRAME_S))):
            t += FRAME_S
            reason = endpointer.on_frame(speech, t)
            if reason:
                return reason, t
    return None, t


def test_long_answer_ends_after_end_silence():
    e = Endpointer(EndpointOptions(end_silence_ms=1500, short_answer_s=10))
    reason, t = play(e, (0.5, False), (12.0, True), (5.0, False))
    assert reason == "silence"
    assert 1.5 <= t - e.last_speech_s < 1.5 + 2 * FRAME_S


def test_thinking_pause_in_short_answer_does_not_end_it():
    e = Endpointer(EndpointOptions(end_silence_ms=1500, short_answer_silence_ms=3000, short_answer_s=10))
    reason, _ = play(e, (0.3, False), (2.0, True), (2.5, False), (2.0, True))
    assert reason is None
    assert len(e.spans_s) == 1 and e.last_speech_s > 4.5
    reason, t = play(e, (4.0, False), start_s=e.last_speech_s)
    assert reason == "silence"
    assert 3.0 <= t - e.last_speech_s < 3.0 + 2 * FRAME_S


def test_short_answer_ends_after_the_longer_silence():
    e = Endpointer(EndpointOptions(end_silence_ms=1500, short_answer_silence_ms=3000, short_answer_s=10))
    reason, t = play(e, (1.0, True), (2.0, False))
    assert reason is None
    reason, t = play(e, (2.0, False), start_s=t)
    assert reason == "silence"


def test_max_answer_caps_a_monologue():
    e = Endpointer(EndpointOptions(max_answer_s=5))
    reason, t = play(e, (10.0, True))
    assert reason == "max_length"
    assert abs(t - 5.0) < 2 * FRAME_S


def test_no_speech_times_out_without_hearing_anything():
    e = Endpointer(EndpointOptions(no_speech_timeout_s=4))
    reason, t = play(e, (10.0, False))
    assert reason == "silence" and not e.heard_speech
    assert abs(t - 4.0) < 2 * FRAME_S


def test_a_click_does_not_start_an_answer():
    e = Endpointer(EndpointOptions(min_speech_ms=90, no_speech_timeout_s=60))
    reason, _ = play(e, (1.0, False), (0.032, True), (3.0, False))
    assert reason is None and not e.heard_speech


def test_silence_needed_switches_once_the_answer_is_long():
    e = Endpointer(EndpointOptions(end_silence_ms=1200, short_answer_silence_ms=3000, short_answer_s=4))
    play(e, (2.0, True))
    assert e.silence_needed_ms() == 3000
    play(e, (3.0, True), start_s=2.0)
    assert e.silence_needed_ms() == 1200


def test_stream_time_offset_is_respected():
    e = Endpointer(EndpointOptions(max_answer_s=3), started_at_s=100.0)
    reason, t = play(e, (5.0, True), start_s=100.0)
    assert reason == "max_length" and abs(t - 103.0) < 2 * FRAME_S


def test_smart_detector_holds_up_to_the_longest_pause_and_asks_at_each_step():
    e = Endpointer(_EndpointOptions(min_pause_ms=250, max_pause_ms=3000, turn_checks=3))
    reason, t = play(e, (0.3, False), (2.0, True), (0.2, False))
    assert reason is None and not e.check_due(t, 0)          # 0.2 s: too soon to ask the turn model
    reason, t = play(e, (0.1, False), start_s=t)
    assert e.check_due(t, 0) and not e.check_due(t, 1)        # 0.3 s: the first question, not the second
    _, later = play(e, (1.0, False), start_s=t)
    assert e.check_due(later, 2) and not e.check_due(later, 3)   # one per step, three per pause
    assert e.silence_needed_ms() == 3000                      # short or long, the timer is the longest pause
    reason, t = play(e, (3.0, False), start_s=later)
    assert reason == "silence" and 3.0 <= t - e.last_speech_s < 3.0 + 2 * FRAME_S


def test_silence_detector_never_asks_the_turn_model():
    e = Endpointer(EndpointOptions())
    _, t = play(e, (1.0, True), (1.0, False))
    assert not e.check_due(t, 0)

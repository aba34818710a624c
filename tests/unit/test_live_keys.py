"""Single keys in a live interview, on a scripted microphone: Enter/Space ends an answer, r repeats,
s skips, y/n answer the consent question, and keys mean nothing outside their question."""
from __future__ import annotations

import threading
from collections import deque

from interview.live.answers import KeyCommands, LiveAnswers
from interview.live.listen import Listener
from tests.fakes_keys import KeysAt
from tests.fakes_live import CountingTranscriber, LoudnessDetector, RecordingSpeaker, ScriptedMic, loud_spans
from tests.unit.test_live_unit import OPTIONS, PLAN


def live(tmp_path, mic, transcriber, *presses):
    keys = KeyCommands(KeysAt(mic, *presses))
    listener = Listener(mic, LoudnessDetector(), transcriber, OPTIONS, stop_requested=keys.stop_requested)
    speaker = RecordingSpeaker()
    answers = LiveAnswers(PLAN, tmp_path, speaker, listener, find_speech=loud_spans,
                          keys=keys, greeting="Hello.")
    return answers, speaker


def test_space_ends_the_answer_during_a_pause(tmp_path):
    # 1 s of speech, then a pause far shorter than the 3 s that would end a short answer
    mic = ScriptedMic((0.5, False), (1.0, True), (6.0, False), (2.0, True), (3.5, False))
    answers, _ = live(tmp_path, mic, CountingTranscriber(), (2.5, " "))
    capture = answers.capture(PLAN.questions[0])
    assert capture.utterance is not None and capture.utterance.end_reason == "stopped"
    assert mic.now_s < 3.0                    # the listening ended at the key, not at a silence
    assert (tmp_path / "q1.wav").exists()


def test_enter_ends_the_answer(tmp_path):
    mic = ScriptedMic((0.5, False), (1.0, True), (6.0, False))
    answers, _ = live(tmp_path, mic, CountingTranscriber(), (2.0, "\n"))
    assert answers.capture(PLAN.questions[0]).utterance.end_reason == "stopped"


def test_r_repeats_the_question_and_s_skips_it(tmp_path):
    mic = ScriptedMic((5.0, False), (5.0, False))
    answers, speaker = live(tmp_path, mic, CountingTranscriber(), (1.0, "r"), (3.0, "s"))
    capture = answers.capture(PLAN.questions[1])
    assert speaker.said == ["Hello. How do you test SQL?", "Of course. How do you test SQL?"]
    assert capture.utterance is None and "skipped" in capture.flags
    assert answers.repeats == 1


def test_consent_by_key(tmp_path):
    mic = ScriptedMic((10.0, False))
    answers, _ = live(tmp_path, mic, CountingTranscriber(), (1.0, "y"))
    consent = answers.ask_consent()
    assert consent.given and consent.method == "key" and consent.heard == "y"
    assert mic.now_s < 2.0


def test_refused_consent_by_key(tmp_path):
    answers, speaker = live(tmp_path, ScriptedMic((10.0, False)), CountingTranscriber(), (1.0, "N"))
    consent = answers.ask_consent()
    assert not consent.given and consent.method == "key"
    assert "Nothing has been recorded" in speaker.said[-1]


def test_a_consent_key_does_not_end_an_answer(tmp_path):
    mic = ScriptedMic((0.5, False), (1.0, True), (3.5, False))
    answers, _ = live(tmp_path, mic, CountingTranscriber(), (1.0, "y"), (1.2, "x"))
    assert answers.capture(PLAN.questions[0]).utterance.end_reason == "silence"


def test_keys_pressed_while_the_question_is_spoken_are_dropped(tmp_path):
    mic = ScriptedMic((0.5, False), (1.0, True), (3.5, False))
    answers, _ = live(tmp_path, mic, CountingTranscriber(), (0.0, " "), (0.0, "s"))
    capture = answers.capture(PLAN.questions[0])     # the keys were there before the listening began
    assert capture.utterance is not None and capture.utterance.end_reason == "silence"


class DropSeen(KeyCommands):
    """KeyCommands that tells when the keys pressed during the interviewer's words were dropped."""

    def __init__(self, poll):
        super().__init__(poll)
        self.dropped = threading.Event()

    def drop_pressed(self) -> None:
        super().drop_pressed()
        self.dropped.set()


def test_a_key_pressed_after_the_question_counts_though_the_listening_starts_later(tmp_path):
    # the next question is spoken while the last answer is still analysed; r is pressed after it ends,
    # before the listening starts
    pressed: deque[str] = deque(["s"])             # during the question: dropped
    keys = DropSeen(lambda: pressed.popleft() if pressed else None)
    mic = ScriptedMic((5.0, False))
    listener = Listener(mic, LoudnessDetector(), CountingTranscriber(), OPTIONS, stop_requested=keys.stop_requested)
    speaker = RecordingSpeaker()
    answers = LiveAnswers(PLAN, tmp_path, speaker, listener, find_speech=loud_spans, keys=keys)
    answers.announce(PLAN.questions[1])
    assert keys.dropped.wait(5.0)
    pressed.append("r")
    keys.dropped.clear()
    answers.capture(PLAN.questions[1])
    assert speaker.said == ["How do you test SQL?", "Of course. How do you test SQL?"]
    assert answers.repeats == 1

"""The end of a turn: the turn model's answer and the transcript's last words, on a scripted microphone."""
from __future__ import annotations

import threading

import pytest

from interview.live.listen import ListenOptions, Listener
from interview.live.turn_end import TurnOptions, text_cue, turn_complete
from tests.fakes_live import CountingTranscriber, InlineExecutor, LoudnessDetector, ScriptedMic, ScriptedTurnModel
from voice.endpoint import EndpointOptions

SMART = ListenOptions(endpoint=EndpointOptions(min_pause_ms=250, max_pause_ms=3000, no_speech_timeout_s=8),
                      echo_tail_ms=0, piece_pause_ms=300)


@pytest.mark.parametrize("text,cue", [
    ("I started by reading the logs, so", "continue"), ("The first thing I checked was, um,", "continue"),
    ("We used Python, SQL and...", "continue"), ("I moved it because", "continue"),
    ("When the job failed I looked at", "continue"), ("My tools were Airflow, dbt, and the", "continue"),
    ("We cut the run time to twenty minutes.", "complete"), ("I fixed it.", "complete"),
    ("That is the team I worked with.", "continue"), ("When the job failed I looked at.", "continue"),
    ("The best example is.", "continue"), ("and so on and.", "continue"),
    ("Was it worth it?", "complete"), ("", None), ("We shipped it on Friday", None)])
def test_the_last_words_say_whether_a_sentence_is_open(text, cue):
    assert text_cue(text) == cue


def test_the_transcript_settles_what_the_audio_leaves_open():
    def ends(probability, cue, text_pending=False, options=TurnOptions()):
        return turn_complete(probability, cue, text_pending, options, pause_ms=500)

    assert ends(0.6, None) and not ends(0.3, None)
    assert not ends(0.99, "continue")          # "and" holds, however finished it sounds
    assert ends(0.1, "complete") and not ends(0.01, "complete")
    # while the last words are still being transcribed the answer waits for them, or (when set) for a
    # confident model
    assert not ends(0.99, None, text_pending=True)
    sure = TurnOptions(confident_threshold=0.92)
    assert ends(0.95, None, True, sure) and not ends(0.8, None, True, sure)


def test_no_turn_ends_on_a_pause_under_the_floor_whatever_model_and_words_say():
    assert not turn_complete(0.99, "complete", pause_ms=399) and turn_complete(0.99, "complete", pause_ms=400)


def listen(mic, model, transcriber=None, options=SMART):
    return Listener(mic, LoudnessDetector(), transcriber or CountingTranscriber(), options, turn_model=model,
                    judge=InlineExecutor(), transcribing=InlineExecutor()).listen()


def test_a_finished_answer_ends_after_a_short_pause():
    mic = ScriptedMic((0.5, False), (2.0, True), (4.0, False))
    heard = listen(mic, ScriptedTurnModel(lambda n: 0.95))
    assert heard.utterance.end_reason == "silence"
    # ended at the shortest pause an answer may end on (the model, asked sooner, was sure)
    assert 2.5 + 0.4 <= mic.now_s < 2.5 + 0.4 + 0.1
    assert heard.transcript.text == "speech 2.0"


def test_a_comma_breath_never_ends_the_answer_even_when_model_and_words_call_it_finished():
    mic = ScriptedMic((0.5, False), (1.5, True), (0.3, False), (1.0, True), (4.0, False))
    words = CountingTranscriber(lambda n, loud: "We disagreed about deadlines." if n == 1 else "so I listened.")
    heard = listen(mic, ScriptedTurnModel(lambda n: 0.95), words)
    assert heard.transcript.text == "We disagreed about deadlines. so I listened."
    assert len(heard.utterance.speech_spans_s) == 2


def test_a_thinking_pause_holds_the_turn_up_to_the_longest_pause():
    # the model hears an unfinished turn during the 2 s pause, a finished one at the end
    mic = ScriptedMic((0.5, False), (2.0, True), (2.0, False), (1.0, True), (4.0, False))
    model = ScriptedTurnModel(lambda n: 0.1 if n <= 5 else 0.95)
    words = CountingTranscriber(lambda n, loud: f"part {n} of it")     # words that say nothing either way
    heard = listen(mic, model, words)
    assert len(heard.utterance.speech_spans_s) == 2          # one answer, both halves
    assert heard.transcript.text == "part 1 of it part 2 of it"
    assert len(model.calls) == 6          # at each 250 ms step of the pause (five), then once
    # the first question as soon as the words before the pause were read (a gap of 96 ms cuts them)
    assert int((0.5 + 2.0 + 0.096) * 16000) - 512 <= model.calls[0] < int((0.5 + 2.0 + 0.25) * 16000) - 512


def test_with_the_model_unsure_the_timer_ends_the_answer():
    mic = ScriptedMic((0.5, False), (2.0, True), (5.0, False))
    listen(mic, ScriptedTurnModel(lambda n: 0.0))
    assert 2.5 + 3.0 <= mic.now_s < 2.5 + 3.0 + 0.2


def test_a_trailing_and_holds_a_turn_the_audio_calls_finished():
    # the words before the pause are transcribed before the model's second question: "and" wins
    transcribed = threading.Event()

    def text_for(n, loud):
        transcribed.set()
        return "We used Python, SQL, and" if n == 1 else "Airflow."

    def probability(n):
        if n == 2:
            transcribed.wait(timeout=5)
        return 0.95 if n >= 2 else 0.1

    mic = ScriptedMic((0.5, False), (2.0, True), (1.5, False), (1.0, True), (4.0, False))
    heard = listen(mic, ScriptedTurnModel(probability), CountingTranscriber(text_for))
    assert heard.transcript.text == "We used Python, SQL, and Airflow."


def test_the_silence_detector_needs_no_turn_model():
    options = ListenOptions(endpoint=EndpointOptions(turn_detector="silence", end_silence_ms=800,
                                                     short_answer_silence_ms=800), echo_tail_ms=0)
    mic = ScriptedMic((0.5, False), (2.0, True), (2.0, False))
    heard = Listener(mic, LoudnessDetector(), CountingTranscriber(), options).listen()
    assert heard.utterance.end_reason == "silence" and 2.5 + 0.8 <= mic.now_s < 2.5 + 1.0

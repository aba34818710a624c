"""The live answer source on a scripted microphone: pauses, voice commands, consent, saved audio."""
from __future__ import annotations

import stat
import threading
from concurrent.futures import Future

import pytest

from interview.journal import Journal, read_journal
from interview.live.answers import LiveAnswers, consent_answer, voice_command
from interview.live.listen import ListenOptions, Listener
from interview.plan import Plan, Question
from interview.session import SessionParts, run_session
from tests.fakes import FakeScorer
from tests.fakes_live import (BackloggedMic, CountingTranscriber, LoudnessDetector, PlayingSpeaker, RecordingSpeaker, ScriptedMic,
                              loud_spans)
from voice.audio import decode_file
from voice.endpoint import EndpointOptions

PLAN = Plan(role="Data engineer", questions=(Question("q1", "Tell me about a pipeline."),
                                             Question("q2", "How do you test SQL?")))
OPTIONS = ListenOptions(endpoint=EndpointOptions(turn_detector="silence", end_silence_ms=1500,
                                                 short_answer_silence_ms=3000,
                                                 short_answer_s=10, no_speech_timeout_s=8),
                        echo_tail_ms=300, piece_pause_ms=500, barge_in=False)


def live(tmp_path, mic, transcriber, speaker=None):
    speaker = speaker or RecordingSpeaker()
    listener = Listener(mic, LoudnessDetector(), transcriber, OPTIONS)
    return LiveAnswers(PLAN, tmp_path, speaker, listener, find_speech=loud_spans, greeting="Hello."), speaker


def test_thinking_pause_keeps_one_turn_and_both_halves(tmp_path):
    mic = ScriptedMic((0.5, False), (2.0, True), (2.5, False), (1.5, True), (4.0, False))
    transcriber = CountingTranscriber()
    answers, speaker = live(tmp_path, mic, transcriber)
    capture = answers.capture(PLAN.questions[0])
    assert speaker.said == ["Hello. Tell me about a pipeline."]
    assert capture.audio_path == "q1.wav"
    utterance = capture.utterance
    assert utterance.end_reason == "silence"
    assert len(utterance.speech_spans_s) == 2
    # both halves were transcribed at their pauses, so nothing is left for the end of the answer
    assert capture.heard_so_far.text == "speech 2.0 speech 1.5"
    assert len(transcriber.calls) == 2
    # the turn is analysed from the saved file, read back as a replay reads it: both halves, one answer
    recorded = capture.recorded()
    assert recorded.end_reason == "silence" and len(recorded.speech_spans_s) == 2
    assert recorded.audio.duration_s == decode_file(tmp_path / "q1.wav").duration_s
    saved = tmp_path / "q1.wav"
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert 3.5 + 2.5 <= decode_file(saved).duration_s <= 2.0 + 2.5 + 1.5 + 1.0


def test_interviewer_audio_is_dropped_before_listening(tmp_path):
    # the first 0.3 s (the echo tail) is loud: it must not count as the answer
    mic = ScriptedMic((0.25, True), (0.3, False), (1.0, True), (3.5, False))
    transcriber = CountingTranscriber()
    answers, _ = live(tmp_path, mic, transcriber)
    capture = answers.capture(PLAN.questions[0])
    assert mic.drains >= 1
    assert capture.heard_so_far.text == "speech 1.0"


def test_repeat_the_question_speaks_it_again(tmp_path):
    mic = ScriptedMic((0.5, False), (1.0, True), (3.5, False), (0.5, False), (2.0, True), (3.5, False))
    transcriber = CountingTranscriber(lambda n, loud: "Repeat the question, please." if n == 1 else "my answer")
    answers, speaker = live(tmp_path, mic, transcriber)
    capture = answers.capture(PLAN.questions[1])
    assert speaker.said == ["Hello. How do you test SQL?", "Of course. How do you test SQL?"]
    assert capture.heard_so_far.text == "my answer"
    assert answers.repeats == 1


def test_skip_leaves_the_question_unanswered(tmp_path):
    mic = ScriptedMic((0.5, False), (0.8, True), (3.5, False))
    answers, _ = live(tmp_path, mic, CountingTranscriber(lambda n, loud: "Next question."))
    capture = answers.capture(PLAN.questions[0])
    assert capture.utterance is None and "skipped" in capture.flags
    assert not (tmp_path / "q1.wav").exists()


def test_silence_gives_no_answer(tmp_path):
    answers, _ = live(tmp_path, ScriptedMic((10.0, False)), CountingTranscriber())
    capture = answers.capture(PLAN.questions[0])
    assert capture.utterance is None and capture.flags == ("no_answer",)


def test_next_question_is_synthesized_while_listening(tmp_path):
    mic = ScriptedMic((0.5, False), (1.0, True), (3.5, False))
    answers, speaker = live(tmp_path, mic, CountingTranscriber())
    answers.capture(PLAN.questions[0])
    answers.close()
    assert speaker.prepared == ["How do you test SQL?"]


class SlowSpeaker(RecordingSpeaker):
    """Synthesis that takes until the test lets it finish."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()
        self.finished_before_release = False

    def prepare(self, text: str) -> None:
        self.finished_before_release = not self.release.wait(timeout=10)
        super().prepare(text)


def test_listening_does_not_wait_for_synthesis(tmp_path):
    # a candidate who answers at once must be heard from the first word, however slow the TTS
    mic = ScriptedMic((0.3, False), (1.0, True), (3.5, False))
    speaker = SlowSpeaker()
    answers, _ = live(tmp_path, mic, CountingTranscriber(), speaker)
    capture = answers.capture(PLAN.questions[0])
    assert speaker.prepared == []          # still synthesizing, yet the answer is complete
    speaker.release.set()
    answers.close()
    assert speaker.prepared == ["How do you test SQL?"] and not speaker.finished_before_release
    assert capture.heard_so_far.text == "speech 1.0"


def pieces_cut(timeline, **options) -> tuple[int, str]:
    """How many pieces one listening sent to the transcriber (transcribed at once), and the answer's text."""
    from tests.fakes_live import InlineExecutor

    transcriber = CountingTranscriber()
    options = ListenOptions(endpoint=OPTIONS.endpoint, echo_tail_ms=300, piece_pause_ms=500, **options)
    heard = Listener(ScriptedMic(*timeline), LoudnessDetector(), transcriber, options,
                     transcribing=InlineExecutor()).listen()
    return len(transcriber.calls), heard.transcript.text


def test_a_long_stretch_is_cut_at_a_short_pause():
    # after long_piece_s of speech a 0.3 s pause is enough to transcribe, so the piece left for the
    # end of the answer stays short
    timeline = ((0.5, False), (7.0, True), (0.3, False), (2.0, True), (3.5, False))
    cut = pieces_cut(timeline, long_piece_s=6.0, long_piece_pause_ms=200, idle_piece_pause_ms=500)
    whole = pieces_cut(timeline, long_piece_s=60.0, long_piece_pause_ms=200, idle_piece_pause_ms=500)
    assert cut == (2, "speech 7.0 speech 2.0") and whole == (1, "speech 9.0")


def test_while_the_transcriber_is_idle_a_gap_between_words_is_enough_to_cut_a_piece():
    # a 0.15 s gap, shorter than piece_pause_ms: cut only when nothing waits to be transcribed, so the
    # words before the end of an answer are read ~0.1 s sooner
    timeline = ((0.5, False), (2.0, True), (0.15, False), (1.0, True), (3.5, False))
    assert pieces_cut(timeline, idle_piece_pause_ms=96)[0] == 2
    assert pieces_cut(timeline, idle_piece_pause_ms=500)[0] == 1


def test_consent_by_voice(tmp_path):
    mic = ScriptedMic((0.5, False), (0.5, True), (2.0, False))
    answers, speaker = live(tmp_path, mic, CountingTranscriber(lambda n, loud: "Yes."))
    consent = answers.ask_consent()
    assert consent.given and consent.method == "voice"
    assert "recorded" in speaker.said[0]


def test_refused_consent(tmp_path):
    mic = ScriptedMic((0.5, False), (0.5, True), (2.0, False))
    answers, speaker = live(tmp_path, mic, CountingTranscriber(lambda n, loud: "No."))
    assert not answers.ask_consent().given
    assert "Nothing has been recorded" in speaker.said[-1]


@pytest.mark.parametrize("text,expected", [
    ("Repeat the question.", "repeat"), ("Could you say that again?", "repeat"), ("Skip.", "skip"),
    ("Next question, please.", "skip"),
    ("I would skip the staging table and load straight into the warehouse", None), ("", None)])
def test_voice_commands(text, expected):
    assert voice_command(text) == expected


@pytest.mark.parametrize("text,expected", [("Yes.", True), ("Yeah, sure.", True), ("No.", False),
                                           ("Hmm.", None)])
def test_consent_answers(text, expected):
    assert consent_answer(text) is expected


def test_session_folder_is_a_replay_folder(tmp_path):
    from interview.recorded import recorded_answer

    mic = ScriptedMic((0.5, False), (1.0, True), (3.5, False), (0.5, False), (2.0, True), (3.5, False))
    pieces, analysis = CountingTranscriber(), CountingTranscriber()
    answers, _ = live(tmp_path, mic, pieces)
    with Journal(tmp_path / "journal.jsonl") as journal:
        journal.write_header(PLAN, {"mode": "live"})
        record = run_session(PLAN, SessionParts(answers=answers, transcriber=analysis, scorer=FakeScorer()),
                             journal)
    assert [t.question.id for t in record.turns] == ["q1", "q2"]
    # each turn is the saved answer transcribed whole, once, as a replay transcribes it
    assert len(pieces.calls) == 2 and len(analysis.calls) == 2
    turns = read_journal(tmp_path).turns
    assert [t.audio_path for t in turns] == ["q1.wav", "q2.wav"]
    again = CountingTranscriber()
    replayed = [again.transcribe(recorded_answer(decode_file(tmp_path / t.audio_path), "end_of_input", loud_spans))
                for t in turns]
    assert [t.transcript.text for t in turns] == [t.text for t in replayed] == ["speech 1.0", "speech 2.0"]
    assert [c.speech_spans_s for c in analysis.calls] == [c.speech_spans_s for c in again.calls]


class HeldSpeaker(RecordingSpeaker):
    """Says `held` only when the test releases it, so the test sees what happens meanwhile."""

    def __init__(self, held: str) -> None:
        super().__init__()
        self.held = held
        self.started = threading.Event()
        self.release = threading.Event()

    def say(self, text: str) -> None:
        if text == self.held:
            self.started.set()
            self.release.wait(timeout=10)
        super().say(text)


def early_session(tmp_path, timeline, text_for, speaker, max_followups=1):
    from interview.followups import FollowupOptions
    from interview.offline_interviewer import OfflineInterviewer

    mic = ScriptedMic(*timeline)
    transcriber = CountingTranscriber(text_for)
    answers = LiveAnswers(PLAN, tmp_path, speaker, Listener(mic, LoudnessDetector(), transcriber, OPTIONS),
                          find_speech=loud_spans, greeting="Hello.")
    interviewer = OfflineInterviewer(FollowupOptions(max_followups_per_question=max_followups))
    with Journal(tmp_path / "journal.jsonl") as journal:
        journal.write_header(PLAN, {"mode": "live"})
        record = run_session(PLAN, SessionParts(answers=answers, transcriber=CountingTranscriber(), scorer=FakeScorer(),
                                                interviewer=interviewer, announcer=answers), journal)
    answers.close()
    return record


CONCRETE = "I built a pipeline in Python that loads 20 tables every night and checks the row counts first"


def test_the_next_question_is_chosen_from_the_pieces_done_and_spoken_while_the_last_is_transcribed(tmp_path):
    # a follow-up is possible, yet the first piece already shows a full, concrete answer: the next
    # question starts while the last piece is still being transcribed
    speaker = HeldSpeaker(held=PLAN.questions[1].text)
    seen_while_transcribing = []

    def text_for(n, loud):
        if n == 2:
            seen_while_transcribing.append(speaker.started.wait(timeout=3))
            speaker.release.set()
        return "and more" if n == 2 else CONCRETE

    timeline = ((0.5, False), (4.0, True), (0.6, False), (1.0, True), (3.5, False),
                (0.5, False), (4.0, True), (3.5, False))
    record = early_session(tmp_path, timeline, text_for, speaker)
    assert seen_while_transcribing == [True]
    assert speaker.said.count(PLAN.questions[1].text) == 1
    assert [t.question.id for t in record.turns] == ["q1", "q2"]
    assert record.turns[0].transcript.text == "speech 5.0"      # the turn is the whole saved answer


def test_an_answer_in_one_piece_is_transcribed_before_the_next_question_is_chosen(tmp_path):
    # nothing was transcribed before the end: the choice waits for it, and a short answer gets its follow-up
    speaker = RecordingSpeaker()
    timeline = ((0.5, False), (1.0, True), (3.5, False), (0.5, False), (4.0, True), (3.5, False),
                (0.5, False), (4.0, True), (3.5, False))
    record = early_session(tmp_path, timeline, lambda n, loud: "Not much." if n == 1 else CONCRETE, speaker)
    assert [t.question.id for t in record.turns] == ["q1", "q1_F1", "q2"]
    assert speaker.said[1].startswith("Could you say a bit more?")


@pytest.mark.parametrize("text,expected", [("Slower, please.", "slower"), ("Could you rephrase that?", "rephrase"),
                                           ("Sorry, I don't understand the question.", "rephrase")])
def test_candidate_controls(text, expected):
    assert voice_command(text) == expected


@pytest.mark.parametrize("command,said", [("Slower, please.", "Of course, I will speak more slowly. "),
                                          ("Could you rephrase the question?", "Let me put it another way. ")])
def test_slower_and_rephrase_speak_the_question_again(tmp_path, command, said):
    mic = ScriptedMic((0.5, False), (1.0, True), (3.5, False), (0.5, False), (2.0, True), (3.5, False))
    transcriber = CountingTranscriber(lambda n, loud: command if n == 1 else "my answer")
    answers, speaker = live(tmp_path, mic, transcriber)
    capture = answers.capture(PLAN.questions[1])
    assert speaker.said[1].startswith(said) and len(speaker.said) == 2
    assert speaker.slowed == (1 if "slowly" in said else 0)
    assert capture.heard_so_far.text == "my answer"


def test_likely_next_utterances_are_prepared_while_the_candidate_answers(tmp_path):
    from interview.live.answers import likely_after
    from interview.live.run import LiveOptions

    likely = likely_after(PLAN, LiveOptions(max_followups=1))
    mic = ScriptedMic((0.5, False), (1.0, True), (3.5, False))
    speaker = RecordingSpeaker()
    answers = LiveAnswers(PLAN, tmp_path, speaker, Listener(mic, LoudnessDetector(), CountingTranscriber(), OPTIONS),
                          find_speech=loud_spans, greeting="Hello.", likely_next=likely)
    answers.capture(PLAN.questions[0])
    answers.close()
    assert speaker.prepared[0] == "How do you test SQL?"
    assert any(t.startswith("Could you say a bit more?") for t in speaker.prepared[1:])
    # after the last follow-up the planned question alone
    assert likely(Question("q1_F1", "More?", kind="followup", parent_id="q1")) == ["How do you test SQL?"]


class PacedMic(ScriptedMic):
    """Reads wait a little, so the speaker's thread keeps up with the microphone's time."""

    def read(self, max_ms):
        import time

        time.sleep(0.0005)
        return super().read(max_ms)


def barge_in_answers(tmp_path, mic, seconds, text_for=None):
    from dataclasses import replace

    speaker = PlayingSpeaker(mic, seconds)
    transcriber = CountingTranscriber(text_for)
    listener = Listener(mic, LoudnessDetector(), transcriber, replace(OPTIONS, barge_in=True))
    answers = LiveAnswers(PLAN, tmp_path, speaker, listener, find_speech=loud_spans, greeting="")
    return answers, speaker, transcriber


def test_speaking_over_the_question_stops_it_and_the_answer_goes_on(tmp_path):
    # a 4 s question; the candidate starts 1 s in and talks for 2 s
    mic = PacedMic((1.0, False), (2.0, True), (3.5, False))
    answers, speaker, _ = barge_in_answers(tmp_path, mic, seconds=4.0)
    capture = answers.capture(PLAN.questions[0])
    answers.close()
    assert len(speaker.interrupted_at_s) == 1
    assert 1.5 <= speaker.interrupted_at_s[0] < 1.5 + 0.3      # 0.5 s of speech, then at once
    assert capture.heard_so_far.text == "speech 2.0"   # nothing of it lost
    assert capture.utterance.start_s <= 1.0


def test_a_cough_during_the_question_does_not_stop_it(tmp_path):
    mic = PacedMic((1.0, False), (0.3, True), (3.5, False), (1.5, True), (3.5, False))
    answers, speaker, _ = barge_in_answers(tmp_path, mic, seconds=4.0)
    capture = answers.capture(PLAN.questions[0])
    answers.close()
    assert speaker.interrupted_at_s == []
    assert capture.heard_so_far.text == "speech 1.5"


def test_no_barge_in_is_heard_before_the_echo_canceller_has_settled(tmp_path):
    # what the microphone hears may still be the interviewer's own voice: the question plays on
    from dataclasses import replace

    mic = PacedMic((1.0, False), (2.0, True), (3.5, False))
    speaker = PlayingSpeaker(mic, 4.0)
    transcriber = CountingTranscriber()
    listener = Listener(mic, LoudnessDetector(), transcriber, replace(OPTIONS, barge_in=True),
                        echo_settled=lambda: False)
    answers = LiveAnswers(PLAN, tmp_path, speaker, listener, find_speech=loud_spans, greeting="")
    answers.capture(PLAN.questions[0])
    answers.close()
    assert speaker.interrupted_at_s == []


def test_pieces_join_into_one_transcript_with_words_on_the_answers_timeline():
    from interview.live.pieces import merge_pieces
    from voice.transcript import Segment, Transcript, Word

    first = Transcript("I built it.", (Segment(0.1, 1.0, "I built it.", words=(Word("built", 0.3, 0.6, 0.9),)),))
    second = Transcript("In Python.", (Segment(0.0, 0.8, "In Python.", uncertain=True,
                                               words=(Word("Python", 0.2, 0.7, 0.4),)),))
    merged = merge_pieces([(10.0, 11.5, first), (11.5, 12.5, second)], answer_start_s=10.0)
    assert merged.text == "I built it. In Python."
    assert [(w.text, w.start_s) for w in merged.words] == [("built", 0.3), ("Python", 1.7)]
    assert merged.segments[1].start_s == 1.5 and merged.uncertain


def test_words_said_after_a_watched_question_are_kept_when_the_listening_starts_late(tmp_path):
    # the question has been played (and watched); the candidate said 1.5 s of words while the last answer
    # was still analysed, so the listening starts 2.5 s late and reads all of it in one chunk
    mic = BackloggedMic((0.5, False), (1.5, True), (4.0, False))
    listener = Listener(mic, LoudnessDetector(), CountingTranscriber(), OPTIONS)
    played = Future()
    played.set_result(None)
    assert listener.watch(played) is None
    mic.backlog_s = 2.5
    heard = listener.listen()
    assert heard.utterance is not None
    assert heard.speech_s == pytest.approx(1.5, abs=0.07)                     # all of the words


def test_words_said_after_an_unwatched_question_are_kept_when_the_listening_starts_late():
    # without barge-in the question is not watched; what the microphone heard is dropped as it ends,
    # and what the candidate says after it is kept
    mic = BackloggedMic((0.5, False), (1.5, True), (4.0, False))
    listener = Listener(mic, LoudnessDetector(), CountingTranscriber(), OPTIONS)
    listener.played()
    mic.backlog_s = 2.5
    heard = listener.listen()
    assert heard.utterance is not None
    assert heard.speech_s == pytest.approx(1.5, abs=0.07)

"""The live answer source on a scripted microphone: pauses, voice commands, consent, saved audio."""
from __future__ import annotations

import stat
import threading

import pytest

from interview.journal import Journal, read_journal
from interview.live import LiveAnswers, consent_answer, voice_command
from interview.live_listen import ListenOptions, Listener, RememberingTranscriber
from interview.plan import Plan, Question
from interview.session import SessionParts, run_session
from tests.fakes import FakeScorer
from tests.fakes_live import CountingTranscriber, LoudnessDetector, RecordingSpeaker, ScriptedMic
from voice.audio import decode_file
from voice.endpoint import EndpointOptions

PLAN = Plan(role="Data engineer", questions=(Question("q1", "Tell me about a pipeline."),
                                             Question("q2", "How do you test SQL?")))
OPTIONS = ListenOptions(endpoint=EndpointOptions(end_silence_ms=1500, short_answer_silence_ms=3000,
                                                 short_answer_s=10, no_speech_timeout_s=8),
                        echo_tail_ms=300, piece_pause_ms=500)


def live(tmp_path, mic, transcriber, speaker=None):
    speaker = speaker or RecordingSpeaker()
    remembering = RememberingTranscriber(transcriber)
    listener = Listener(mic, LoudnessDetector(), transcriber, OPTIONS)
    return LiveAnswers(PLAN, tmp_path, speaker, listener, remembering, greeting="Hello."), speaker, remembering


def test_thinking_pause_keeps_one_turn_and_both_halves(tmp_path):
    mic = ScriptedMic((0.5, False), (2.0, True), (2.5, False), (1.5, True), (4.0, False))
    transcriber = CountingTranscriber()
    answers, speaker, remembering = live(tmp_path, mic, transcriber)
    capture = answers.capture(PLAN.questions[0])
    assert speaker.said == ["Hello. Tell me about a pipeline."]
    assert capture.audio_path == "q1.wav"
    utterance = capture.utterance
    assert utterance.end_reason == "silence"
    assert len(utterance.speech_spans_s) == 2
    # both halves were transcribed at their pauses, so nothing is left for the end of the answer
    transcript = remembering.transcribe(utterance)
    assert transcript.text == "speech 2.0 speech 1.5"
    assert len(transcriber.calls) == 2
    saved = tmp_path / "q1.wav"
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert 3.5 + 2.5 <= decode_file(saved).duration_s <= 2.0 + 2.5 + 1.5 + 1.0


def test_interviewer_audio_is_dropped_before_listening(tmp_path):
    # the first 0.3 s (the echo tail) is loud: it must not count as the answer
    mic = ScriptedMic((0.25, True), (0.3, False), (1.0, True), (3.5, False))
    transcriber = CountingTranscriber()
    answers, _, remembering = live(tmp_path, mic, transcriber)
    capture = answers.capture(PLAN.questions[0])
    assert mic.drains >= 1
    assert remembering.transcribe(capture.utterance).text == "speech 1.0"


def test_repeat_the_question_speaks_it_again(tmp_path):
    mic = ScriptedMic((0.5, False), (1.0, True), (3.5, False), (0.5, False), (2.0, True), (3.5, False))
    transcriber = CountingTranscriber(lambda n, loud: "Repeat the question, please." if n == 1 else "my answer")
    answers, speaker, remembering = live(tmp_path, mic, transcriber)
    capture = answers.capture(PLAN.questions[1])
    assert speaker.said == ["Hello. How do you test SQL?", "Of course. How do you test SQL?"]
    assert remembering.transcribe(capture.utterance).text == "my answer"
    assert answers.repeats == 1


def test_skip_leaves_the_question_unanswered(tmp_path):
    mic = ScriptedMic((0.5, False), (0.8, True), (3.5, False))
    answers, _, _ = live(tmp_path, mic, CountingTranscriber(lambda n, loud: "Next question."))
    capture = answers.capture(PLAN.questions[0])
    assert capture.utterance is None and "skipped" in capture.flags
    assert not (tmp_path / "q1.wav").exists()


def test_silence_gives_no_answer(tmp_path):
    answers, _, _ = live(tmp_path, ScriptedMic((10.0, False)), CountingTranscriber())
    capture = answers.capture(PLAN.questions[0])
    assert capture.utterance is None and capture.flags == ("no_answer",)


def test_next_question_is_synthesized_while_listening(tmp_path):
    mic = ScriptedMic((0.5, False), (1.0, True), (3.5, False))
    answers, speaker, _ = live(tmp_path, mic, CountingTranscriber())
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
    answers, _, remembering = live(tmp_path, mic, CountingTranscriber(), speaker)
    capture = answers.capture(PLAN.questions[0])
    assert speaker.prepared == []          # still synthesizing, yet the answer is complete
    speaker.release.set()
    answers.close()
    assert speaker.prepared == ["How do you test SQL?"] and not speaker.finished_before_release
    assert remembering.transcribe(capture.utterance).text == "speech 1.0"


def test_a_long_stretch_is_cut_at_a_short_pause():
    # after long_piece_s of speech a 0.3 s pause is enough to transcribe, so the piece left for the
    # end of the answer stays short
    timeline = ((0.5, False), (7.0, True), (0.3, False), (2.0, True), (3.5, False))
    counts = []
    for long_piece_s in (6.0, 60.0):
        transcriber = CountingTranscriber()
        options = ListenOptions(endpoint=OPTIONS.endpoint, echo_tail_ms=300, piece_pause_ms=500,
                                long_piece_s=long_piece_s, long_piece_pause_ms=200)
        heard = Listener(ScriptedMic(*timeline), LoudnessDetector(), transcriber, options).listen()
        text = heard.transcript.text          # waits for the pieces still being transcribed
        counts.append(len(transcriber.calls))
        assert text.replace("speech ", "").split() in (["7.0", "2.0"], ["9.0"])
    assert counts == [2, 1]


def test_consent_by_voice(tmp_path):
    mic = ScriptedMic((0.5, False), (0.5, True), (2.0, False))
    answers, speaker, _ = live(tmp_path, mic, CountingTranscriber(lambda n, loud: "Yes."))
    consent = answers.ask_consent()
    assert consent.given and consent.method == "voice"
    assert "recorded" in speaker.said[0]


def test_refused_consent(tmp_path):
    mic = ScriptedMic((0.5, False), (0.5, True), (2.0, False))
    answers, speaker, _ = live(tmp_path, mic, CountingTranscriber(lambda n, loud: "No."))
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
    mic = ScriptedMic((0.5, False), (1.0, True), (3.5, False), (0.5, False), (2.0, True), (3.5, False))
    transcriber = CountingTranscriber()
    answers, _, remembering = live(tmp_path, mic, transcriber)
    with Journal(tmp_path / "journal.jsonl") as journal:
        journal.write_header(PLAN, {"mode": "live"})
        record = run_session(PLAN, SessionParts(answers=answers, transcriber=remembering, scorer=FakeScorer()),
                             journal)
    assert [t.question.id for t in record.turns] == ["q1", "q2"]
    # the loop used the transcripts made while listening: no second transcription
    assert len(transcriber.calls) == 2
    turns = read_journal(tmp_path).turns
    assert [t.audio_path for t in turns] == ["q1.wav", "q2.wav"]
    assert all((tmp_path / t.audio_path).exists() for t in turns)


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


@pytest.mark.parametrize("max_followups,spoken_early", [(0, True), (1, False)])
def test_a_settled_next_question_is_spoken_while_the_answer_is_scored(tmp_path, max_followups, spoken_early):
    # with no follow-up left the next question cannot depend on the answer: it starts at once and
    # the answer's last piece is transcribed meanwhile; with a follow-up possible it must wait
    from interview.followups import FollowupOptions
    from interview.offline_interviewer import OfflineInterviewer

    speaker = HeldSpeaker(held=PLAN.questions[1].text)
    seen_while_transcribing = []

    def text_for(n, loud):
        if n == 1:
            seen_while_transcribing.append(speaker.started.wait(timeout=3 if spoken_early else 0.5))
            speaker.release.set()
        return f"answer {n}"

    mic = ScriptedMic((0.5, False), (4.0, True), (3.5, False), (0.5, False), (4.0, True), (3.5, False))
    transcriber = CountingTranscriber(text_for)
    options = ListenOptions(endpoint=OPTIONS.endpoint, echo_tail_ms=300, piece_pause_ms=5000)
    remembering = RememberingTranscriber(transcriber)
    answers = LiveAnswers(PLAN, tmp_path, speaker, Listener(mic, LoudnessDetector(), transcriber, options),
                          remembering, greeting="Hello.")
    interviewer = OfflineInterviewer(FollowupOptions(max_followups_per_question=max_followups))
    with Journal(tmp_path / "journal.jsonl") as journal:
        journal.write_header(PLAN, {"mode": "live"})
        record = run_session(PLAN, SessionParts(answers=answers, transcriber=remembering, scorer=FakeScorer(),
                                                interviewer=interviewer), journal)
    answers.close()
    assert seen_while_transcribing == [spoken_early]
    assert speaker.said.count(PLAN.questions[1].text) == 1
    assert record.turns[0].transcript.text == "answer 1"

"""An answer cut short by a microphone that gave up is journaled with what was heard, then the session
stops; a speaker failure, or a failure before any speech, keeps nothing. Fakes only, milliseconds."""
from __future__ import annotations

import numpy as np
import pytest

from interview.journal import Journal, read_journal
from interview.live.device_loss import KeepHeardOnDeviceLoss
from interview.plan import Plan, Question
from interview.session import SessionParts, run_session
from interview.offline_scoring import PlanScorer
from nlp.scoring import OfflineScorer
from tests.fakes import FakeClock, FakeEmbedder, FakeTranscriber, ScriptedAnswers
from voice.audio import AudioChunk, decode_file
from voice.errors import DeviceError

PLAN = Plan(role="Data Engineer", questions=(
    Question("q1", "How do you make a pipeline re-runnable?"),
    Question("q2", "How do you test data quality?"),
    Question("q3", "What is a star schema?"),
))


class DyingMic:
    """Heard one second of silence, then `speech_s` of speech, then gave up."""

    def __init__(self, speech_s: float = 2.0):
        self.failure: DeviceError | None = None
        self.samples = np.concatenate([np.zeros(16000, np.float32), np.full(int(16000 * speech_s), 0.3, np.float32)])

    def heard(self) -> AudioChunk:
        return AudioChunk(self.samples, 16000, 12.0)

    def give_up(self) -> DeviceError:
        self.failure = DeviceError("the microphone 'default' stopped delivering audio and could not be reopened")
        return self.failure


class FailingAt(ScriptedAnswers):
    """Answers from a script until `question_id`, where `error()` is raised instead. Like the live
    source, it can be told to start the next question early (`announced`)."""

    def __init__(self, question_id: str, error):
        super().__init__({"q1": "words", "q2": "words", "q3": "words"})
        self.question_id, self.error = question_id, error
        self.announced: list[str] = []

    def announce(self, question):
        self.announced.append(question.id)

    def capture(self, question):
        if question.id == self.question_id:
            self.asked.append(question.id)
            raise self.error()
        return super().capture(question)


def loud_spans(audio: AudioChunk):
    loud = np.flatnonzero(np.abs(audio.samples) > 0.1)
    return ((loud[0] / 16000, (loud[-1] + 1) / 16000),) if len(loud) else ()


def run(tmp_path, answers, mic):
    guarded = KeepHeardOnDeviceLoss(answers, mic, tmp_path, speech_spans=loud_spans)
    parts = SessionParts(answers=guarded, transcriber=FakeTranscriber("I rerun it.", "I check row counts"),
                         scorer=PlanScorer(OfflineScorer(FakeEmbedder())), clock=FakeClock(), announcer=guarded)
    problems: list[str] = []
    with Journal(tmp_path / "journal.jsonl") as journal:
        journal.write_header(PLAN, {})
        with pytest.raises(DeviceError) as e:
            run_session(PLAN, parts, journal, on_problem=problems.append)
    return e.value, read_journal(tmp_path).record().turns, problems


def test_the_answer_cut_short_is_journaled_with_what_was_heard_then_the_session_stops(tmp_path):
    mic = DyingMic(speech_s=2.0)
    answers = FailingAt("q2", mic.give_up)
    error, turns, problems = run(tmp_path, answers, mic)
    assert error is mic.failure
    assert [t.question.id for t in turns] == ["q1", "q2"]
    assert answers.asked == ["q1", "q2"]                    # q3 was never asked
    assert answers.announced == ["q2"]                      # nor started early after the loss
    cut = turns[1]
    assert cut.flags[0] == "device_lost" and cut.end_reason == "end_of_input"
    assert cut.transcript.text == "I check row counts" and cut.assessment is not None
    assert cut.audio_path == "q2.wav"
    kept = decode_file(tmp_path / "q2.wav")
    assert kept.duration_s == pytest.approx(2.4, abs=0.01)  # 0.4 s before the speech, then the speech
    assert problems == ["the microphone failed during the answer to q2: the 2.4 s heard before are kept"]


def test_a_speaker_failure_keeps_nothing(tmp_path):
    mic = DyingMic()
    speaker_error = DeviceError("the speaker 'default' could not play")
    error, turns, _ = run(tmp_path, FailingAt("q2", lambda: speaker_error), mic)
    assert error is speaker_error
    assert [t.question.id for t in turns] == ["q1"]
    assert not (tmp_path / "q2.wav").exists()


def test_a_microphone_that_gave_up_before_any_speech_keeps_nothing(tmp_path):
    mic = DyingMic(speech_s=0.0)
    error, turns, _ = run(tmp_path, FailingAt("q2", mic.give_up), mic)
    assert error is mic.failure
    assert [t.question.id for t in turns] == ["q1"]
    assert not (tmp_path / "q2.wav").exists()

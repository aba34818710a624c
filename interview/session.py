"""The interview loop: ask, capture the answer, transcribe, assess, journal, choose the next question.

Replay and live run this same loop; they differ only in the AnswerSource (files vs. microphone) and
whether a speaker is attached. The loop is synchronous and receives every seam, so tests drive it
with fakes on a scripted timeline.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Callable, Protocol, Sequence

from interview.interviewer import Interviewer, PlanOrderInterviewer
from interview.journal import Journal
from interview.plan import Plan, Question
from interview.records import SessionRecord, Turn, emotion_to_dict
from nlp.assessment import Assessment
from nlp.emotion import EmotionClassifier, NoEmotion
from voice.audio import Utterance
from voice.clock import Clock, SystemClock
from voice.transcript import EMPTY_TRANSCRIPT, Transcript

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Capture:
    """What the answer source got for one question."""

    utterance: Utterance | None           # None: nothing to transcribe
    audio_path: str | None = None
    flags: tuple[str, ...] = ()           # e.g. not_answered, audio_error
    problem: str | None = None            # a one-line description for the user
    # live: what was transcribed by the time the answer ended, to choose the next question at once
    heard_so_far: Transcript | None = None
    # live: the saved answer read back from its file as a replay reads it (interview.recorded); analysed
    # in place of `utterance`, once the next question has started, so a replay gives the same turn
    recorded: Callable[[], Utterance] | None = None


class AnswerSource(Protocol):
    def capture(self, question: Question) -> Capture: ...


class Announcer(Protocol):
    """Live mode: starts asking the next question while the last answer is still analysed."""

    def announce(self, question: Question) -> None: ...


class Transcriber(Protocol):
    def transcribe(self, audio: Utterance, *, vocabulary: Sequence[str] = ()) -> Transcript: ...


class Scorer(Protocol):
    def assess(self, question: Question, transcript: Transcript, plan: Plan) -> Assessment: ...


@dataclass
class SessionParts:
    """The seams one session runs on."""

    answers: AnswerSource
    transcriber: Transcriber
    scorer: Scorer
    emotion: EmotionClassifier = field(default_factory=NoEmotion)
    interviewer: Interviewer = field(default_factory=PlanOrderInterviewer)
    clock: Clock = field(default_factory=SystemClock)
    announcer: Announcer | None = None


def run_session(plan: Plan, parts: SessionParts, journal: Journal, *, done: Sequence[Turn] = (),
                on_turn: Callable[[Turn], None] | None = None,
                on_problem: Callable[[str], None] | None = None,
                max_turns: int = 200) -> SessionRecord:
    """Run until the interviewer has no more questions. `done` holds turns from a resumed journal."""
    turns: list[Turn] = list(done)
    vocabulary = plan.vocabulary()
    # live: the question already chosen (and started) at the end of the last answer; None, the end
    announced: list[Question | None] = []
    for _ in range(max_turns):
        question = announced.pop() if announced else parts.interviewer.next_question(plan, turns)
        if question is None:
            break

        def early(capture: Capture, q: Question = question) -> None:
            if parts.announcer is not None:
                announced.append(_announce_next(plan, parts.interviewer, parts.announcer, turns, q, capture))

        turn = run_turn(question, plan, parts, vocabulary, on_problem, after_capture=early)
        journal.append_turn(turn)
        turns.append(turn)
        if on_turn:
            on_turn(turn)
    record = SessionRecord(plan=plan, turns=tuple(turns))
    _journal_rescored_emotion(record, parts.emotion, journal)
    return record


def _journal_rescored_emotion(record: SessionRecord, classifier: EmotionClassifier, journal: Journal) -> None:
    """Emotion normalised against all of this candidate's turns, appended once the session ends.

    Per-turn scores are written as each turn finishes (nothing is lost on a crash); the final,
    whole-session baseline arrives as one event that readers apply over them.
    """
    changed = {}
    for turn in record.turns:
        if turn.emotion is not None:
            final = classifier.rescored(turn.emotion)
            if final is not turn.emotion and final is not None:
                changed[turn.question.id] = emotion_to_dict(final)
    if changed:
        journal.append_event("emotion_rescored", turns=changed)


def _announce_next(plan: Plan, interviewer: Interviewer, announcer: Announcer, turns: Sequence[Turn],
                   question: Question, capture: Capture) -> Question | None:
    """Live mode: choose the next question from what was transcribed by the end of the answer and
    start asking it while the rest is transcribed and scored, so the candidate does not wait for the
    analysis. The question chosen (or the end) is the one asked next, whatever the full analysis says."""
    transcript = capture.heard_so_far if capture.utterance is not None else None
    provisional = Turn(question=question, transcript=transcript, assessment=None, flags=capture.flags)
    upcoming = interviewer.next_question(plan, [*turns, provisional])
    if upcoming is not None:
        announcer.announce(upcoming)
    return upcoming


def run_turn(question: Question, plan: Plan, parts: SessionParts, vocabulary: Sequence[str],
             on_problem: Callable[[str], None] | None = None,
             after_capture: Callable[[Capture], None] | None = None) -> Turn:
    started = parts.clock.now_s()
    capture = parts.answers.capture(question)
    if after_capture is not None:
        after_capture(capture)
    if capture.problem and on_problem:
        on_problem(capture.problem)
    flags = list(capture.flags)
    transcript: Transcript | None = None
    assessment: Assessment | None = None
    emotion = None
    judge = None
    utterance = capture.utterance
    if utterance is not None and capture.recorded is not None:
        utterance = capture.recorded()
    if utterance is not None:
        transcript = parts.transcriber.transcribe(utterance, vocabulary=vocabulary)
        if transcript.is_empty:
            flags.append("no_answer")
        else:
            if transcript.uncertain:
                flags.append("transcript_uncertain")
            assessment = parts.scorer.assess(question, transcript, plan)
            verdict_for = getattr(parts.scorer, "verdict_for", None)  # an LLM judge: its and the offline view
            judge = verdict_for(question.id) if verdict_for is not None else None
            flags.extend(f for f in assessment.flags if f not in flags)
            emotion = parts.emotion.classify(transcript, utterance)
        if utterance.end_reason == "max_length":
            flags.append("max_length")
    return Turn(
        question=question,
        transcript=transcript if transcript is not None else (None if utterance is None else EMPTY_TRANSCRIPT),
        assessment=assessment,
        emotion=emotion,
        flags=tuple(dict.fromkeys(flags)),
        audio_path=capture.audio_path,
        started_at_s=started,
        ended_at_s=parts.clock.now_s(),
        audio_s=utterance.audio.duration_s if utterance else 0.0,
        end_reason=utterance.end_reason if utterance else None,
        judge=judge,
    )

"""Replay: a folder of recorded answers becomes a session, through the same loop as live mode.

A replay folder is DIR/plan.yaml plus `<question id>.<wav|flac|ogg|mp3>` per answered question. A session
folder saved by live mode is one too: its journal adds the follow-up questions that were asked.
"""
from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Sequence

from interview.interviewer import Interviewer
from interview.journal import JOURNAL_NAME, Journal, read_journal
from interview.plan import MAX_PLAN_BYTES, Plan, Question, load_plan
from interview.records import SessionRecord, Turn
from interview.session import Capture, SessionParts, run_session
from voice.audio import AUDIO_SUFFIXES, Utterance, decode_file
from voice.clock import SystemClock
from voice.vad import VadOptions, speech_spans
from voice.errors import AudioError, PlanError, VivavoceError

log = logging.getLogger(__name__)


def find_recording(folder: Path, question_id: str) -> Path | None:
    for suffix in AUDIO_SUFFIXES:
        for candidate in (folder / f"{question_id}{suffix}", folder / f"{question_id}{suffix.upper()}"):
            if candidate.is_file():
                return candidate
    return None


class RecordingTimeline:
    """The replay's clock: time on the recordings laid end to end, not processing time, so a turn's start and
    end (and every timeline in the report) are the same however fast the machine replays them."""

    def __init__(self, start_s: float = 0.0):
        self._at_s = start_s

    def now_s(self) -> float:
        return self._at_s

    def sleep(self, seconds: float) -> None:
        self._at_s += max(0.0, seconds)


class FileAnswers:
    """AnswerSource over recordings on disk. Unreadable files flag the turn; they never stop the session."""

    def __init__(self, folder: Path, vad: VadOptions = VadOptions(), timeline: RecordingTimeline | None = None):
        self.folder = folder
        self.vad = vad
        self.timeline = timeline or RecordingTimeline()

    def capture(self, question: Question) -> Capture:
        path = find_recording(self.folder, question.id)
        if path is not None:
            path = path.resolve()  # absolute in the journal, so `interview delete` finds it from anywhere
        if path is None:
            # an asynchronous interview cannot answer a follow-up it never heard: keep it as a suggestion
            flag = "suggested_followup" if question.kind == "followup" else "not_answered"
            return Capture(utterance=None, flags=(flag,))
        try:
            audio = decode_file(path)
        except AudioError as e:
            return Capture(utterance=None, audio_path=str(path), flags=("audio_error",), problem=e.one_line())
        self.timeline.sleep(audio.duration_s)
        # one VAD pass serves both speech-to-text (the gate) and the emotion channel (pauses)
        return Capture(utterance=Utterance(audio=audio, start_s=0.0, end_s=audio.duration_s,
                                           end_reason="end_of_input", speech_spans_s=speech_spans(audio, self.vad)),
                       audio_path=str(path))


class RecordedQuestions:
    """The questions a recorded session asked: the plan's, plus follow-ups a live session journaled."""

    def __init__(self, plan: Plan, asked: Sequence[Question] = ()):
        followups: dict[str, list[Question]] = {}
        for q in asked:
            if q.kind == "followup" and q.parent_id and plan.question(q.id) is None:
                followups.setdefault(q.parent_id, []).append(q)
        ordered: list[Question] = []
        for q in plan.questions:
            ordered.append(q)
            ordered.extend(followups.pop(q.id, []))
        ordered.extend(q for qs in followups.values() for q in qs)
        self.questions = tuple(ordered)

    def next_question(self, plan: Plan, turns: Sequence[Turn]) -> Question | None:
        asked = {t.question.id for t in turns}
        return next((q for q in self.questions if q.id not in asked), None)


@dataclass(frozen=True)
class ReplayInput:
    folder: Path
    plan: Plan
    asked: tuple[Question, ...]
    recorded_at: str | None = None   # when the answers were recorded: the report's date, not the replay's


def open_replay_folder(folder: str | os.PathLike, *, plan_path: str | None = None,
                       job_description: str | None = None, resume: str | None = None) -> ReplayInput:
    """Validate a replay folder: it must exist and hold a valid plan.

    `job_description` and `resume` are files named on the command line: they replace the plan's and, being
    the operator's own choice, may live anywhere; paths inside a plan may not leave the plan's folder.
    """
    root = Path(folder)
    if not root.exists():
        raise VivavoceError(f"{root}: no such folder")
    if not root.is_dir():
        raise VivavoceError(f"{root}: not a folder", "give the folder that holds plan.yaml and the recordings")
    plan_file = Path(plan_path) if plan_path else root / "plan.yaml"
    if not plan_file.exists():
        raise PlanError(f"{plan_file}: no plan.yaml in the replay folder")
    given = {"job_description": job_description, "resume": resume}
    outside = tuple(Path(p).resolve().parent for p in given.values() if p)
    plan = load_plan(plan_file, allow_outside=outside)
    documents = {field: _read_document(Path(p), field) for field, p in given.items() if p}
    if documents:
        plan = replace(plan, **documents)
    asked: tuple[Question, ...] = ()
    recorded_at = None
    if (root / JOURNAL_NAME).exists():
        try:
            earlier = read_journal(root)
            asked = tuple(t.question for t in earlier.turns)
            recorded_at = earlier.header.get("meta", {}).get("started_at")
        except VivavoceError as e:
            log.warning("%s: earlier journal not used (%s)", root, e.one_line())
    return ReplayInput(folder=root, plan=plan, asked=asked,
                       recorded_at=recorded_at or _newest_recording_time(root, plan))


def _newest_recording_time(folder: Path, plan: Plan) -> str | None:
    """A plain folder of recordings has no journal: its newest answer file dates the interview."""
    times = [path.stat().st_mtime for q in plan.questions if (path := find_recording(folder, q.id))]
    if not times:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(max(times)))


def _read_document(path: Path, what: str) -> str:
    if not path.is_file():
        raise PlanError(f"{path}: no such file", f"the {what.replace('_', ' ')} given on the command line")
    try:
        return path.read_text(encoding="utf-8", errors="replace")[:MAX_PLAN_BYTES]
    except OSError as e:
        raise PlanError(f"{path}: cannot read ({e.strerror})") from None


def prepare_output(out: Path, *, resume: bool) -> tuple[Journal, tuple[Turn, ...]]:
    """Open OUT's journal: continue it with --resume, else keep any earlier one under a new name."""
    out.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(out, 0o700)
    path = out / JOURNAL_NAME
    done: tuple[Turn, ...] = ()
    if path.exists() and path.stat().st_size:
        if resume:
            done = read_journal(path).record().turns
        else:
            kept = path.with_name(f"journal.{time.strftime('%Y%m%d-%H%M%S')}.jsonl")
            os.replace(path, kept)
            log.warning("%s existed and was kept as %s", path, kept.name)
    return Journal(path), done


PartsFactory = Callable[[FileAnswers, "Interviewer | None", Journal], SessionParts]


def replay(source: ReplayInput, out: Path, parts_factory: PartsFactory, *,
           resume: bool = False, meta: dict | None = None,
           on_turn: Callable[[Turn], None] | None = None,
           on_problem: Callable[[str], None] | None = None) -> SessionRecord:
    """Run the recorded session into OUT/journal.jsonl and return its record."""
    journal, done = prepare_output(out, resume=resume)
    with journal:
        if journal.is_new:
            journal.write_header(source.plan, {"mode": "replay", "source": str(source.folder),
                                               "started_at": SystemClock.wall_iso(),
                                               "recorded_at": source.recorded_at, **(meta or {})})
        # a live session's folder replays the questions it actually asked; a plain folder lets the
        # interviewer decide, and follow-ups without a recording become suggestions
        recorded = RecordedQuestions(source.plan, source.asked) if source.asked else None
        resumed_at_s = max((t.ended_at_s for t in done), default=0.0)
        parts = parts_factory(FileAnswers(source.folder, timeline=RecordingTimeline(resumed_at_s)), recorded, journal)
        run_session(source.plan, parts, journal, done=done, on_turn=on_turn, on_problem=on_problem)
    return read_journal(out).record()

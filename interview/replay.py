"""Replay: a folder of recorded answers becomes a session, through the same loop as live mode.

A replay folder is DIR/plan.yaml plus `<question id>.<wav|flac|ogg|mp3>` per answered question. A session
folder saved by live mode is one too: its journal adds the follow-up questions that were asked. So is a
replay's output folder: its journal holds the plan and names the source recordings; those that have moved
are reported as missing (flag `audio_error`), never a crash.

Each answer is capped at `max_answer_s` (as live mode caps it while listening): only that much is decoded,
and a longer recording is flagged `max_length`.
"""
from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Sequence

from interview.interviewer import Interviewer
from interview.journal import JOURNAL_NAME, Journal, keep_aside, read_journal
from interview.plan import MAX_PLAN_BYTES, Plan, Question, load_plan
from interview.recorded import recorded_answer
from interview.records import SessionRecord, Turn
from interview.session import Capture, SessionParts, run_session
from interview.session_folder import PLAN_NAME, journaled_path, output_folder, resolve_journaled
from voice.audio import AUDIO_SUFFIXES, SAMPLE_RATE_HZ, AudioChunk, decode_file
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


# a one-way interview answer longer than this is cut (live mode's default cap is 180 s)
MAX_ANSWER_S = 300.0


class FileAnswers:
    """AnswerSource over recordings on disk. Unreadable files flag the turn; they never stop the session.

    `recordings` maps question ids to files named by an earlier journal (a replay output folder); other
    questions are looked up by name in `folder`. The journal in `out` names each recording relative to
    `out` when it lies inside it, else by its absolute path.
    """

    def __init__(self, folder: Path, vad: VadOptions = VadOptions(), timeline: RecordingTimeline | None = None, *,
                 out: Path | None = None, recordings: dict[str, Path] | None = None,
                 max_answer_s: float = MAX_ANSWER_S):
        self.folder = folder
        self.vad = vad
        self.timeline = timeline or RecordingTimeline()
        self.out = out
        self.recordings = recordings or {}
        self.max_answer_s = max_answer_s

    def capture(self, question: Question) -> Capture:
        path = self.recordings.get(question.id) or find_recording(self.folder, question.id)
        if path is None:
            # an asynchronous interview cannot answer a follow-up it never heard: keep it as a suggestion
            flag = "suggested_followup" if question.kind == "followup" else "not_answered"
            return Capture(utterance=None, flags=(flag,))
        named = journaled_path(path, self.out) if self.out is not None else str(path.resolve())
        if not path.is_file():
            return Capture(utterance=None, audio_path=named, flags=("audio_error",),
                           problem=f"{path}: recording missing (moved or deleted since it was analysed)")
        try:
            # a second more than the cap is read, so that a longer answer is known to be longer
            audio = decode_file(path, read_s=self.max_answer_s + 1.0)
        except AudioError as e:
            return Capture(utterance=None, audio_path=named, flags=("audio_error",), problem=e.one_line())
        cut = audio.duration_s > self.max_answer_s
        problem = None
        if cut:  # the loop flags the turn max_length from the end reason, as in live mode
            audio = AudioChunk(audio.samples[: int(self.max_answer_s * SAMPLE_RATE_HZ)].copy(), SAMPLE_RATE_HZ)
            problem = (f"{path}: answer longer than {self.max_answer_s:g} s; only its first "
                       f"{self.max_answer_s:g} s were analysed (--max-answer-s)")
        self.timeline.sleep(audio.duration_s)
        # one VAD pass serves both speech-to-text (the gate) and the emotion channel (pauses); live mode
        # reads its saved answers the same way (interview.recorded)
        answer = recorded_answer(audio, "max_length" if cut else "end_of_input", lambda a: speech_spans(a, self.vad))
        return Capture(utterance=answer, audio_path=named, problem=problem)


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
    # recordings an earlier journal names (a replay output folder), by question id
    recordings: dict[str, Path] = field(default_factory=dict)
    recorded_at: str | None = None   # when the answers were recorded: the report's date, not the replay's

    @property
    def missing(self) -> list[Path]:
        """Recordings the journal names that are no longer there."""
        return [p for p in self.recordings.values() if not p.is_file()]


def open_replay_folder(folder: str | os.PathLike, *, plan_path: str | None = None,
                       job_description: str | None = None, resume: str | None = None) -> ReplayInput:
    """Validate a replay folder: it must exist and hold a valid plan, or be an earlier replay's output.

    `job_description` and `resume` are files named on the command line: they replace the plan's, and the
    plan may read exactly those files besides its own folder's documents (not their folders).
    """
    root = Path(folder)
    if not root.exists():
        raise VivavoceError(f"{root}: no such folder")
    if not root.is_dir():
        raise VivavoceError(f"{root}: not a folder", "give the folder that holds plan.yaml and the recordings")
    plan_file = Path(plan_path) if plan_path else root / PLAN_NAME
    journal = root / JOURNAL_NAME
    if not plan_file.exists() and not plan_path and journal.is_file():
        return _earlier_output(root, job_description, resume)
    if not plan_file.exists():
        raise PlanError(f"{plan_file}: no plan.yaml in the replay folder")
    given = {"job_description": job_description, "resume": resume}
    named = tuple(Path(p).resolve() for p in given.values() if p)
    plan = _with_documents(load_plan(plan_file, allow_outside=named), given)
    asked: tuple[Question, ...] = ()
    recorded_at = None
    if journal.exists():
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


def _earlier_output(root: Path, job_description: str | None, resume: str | None) -> ReplayInput:
    """A replay output folder: the plan from its journal, the recordings its turns name."""
    record = read_journal(root).record()
    recordings = {t.question.id: resolve_journaled(t.audio_path, root) for t in record.turns if t.audio_path}
    plan = _with_documents(record.plan, {"job_description": job_description, "resume": resume})
    meta = record.meta
    return ReplayInput(folder=root, plan=plan, asked=tuple(t.question for t in record.turns), recordings=recordings,
                       recorded_at=meta.get("recorded_at") or meta.get("started_at"))


def _with_documents(plan: Plan, given: dict[str, str | None]) -> Plan:
    documents = {name: _read_document(Path(p), name) for name, p in given.items() if p}
    return replace(plan, **documents) if documents else plan


def _read_document(path: Path, what: str) -> str:
    if not path.is_file():
        raise PlanError(f"{path}: no such file", f"the {what.replace('_', ' ')} given on the command line")
    try:
        return path.read_text(encoding="utf-8", errors="replace")[:MAX_PLAN_BYTES]
    except OSError as e:
        raise PlanError(f"{path}: cannot read ({e.strerror})") from None


def prepare_output(out: Path, *, resume: bool) -> tuple[Journal, tuple[Turn, ...]]:
    """Open OUT's journal: continue it with --resume, else keep any earlier one under a new name."""
    output_folder(out)
    out.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(out, 0o700)
    path = out / JOURNAL_NAME
    done: tuple[Turn, ...] = ()
    if path.exists() and path.stat().st_size:
        if resume:
            done = read_journal(path).record().turns
        else:
            kept = keep_aside(path)
            log.warning("%s existed and was kept as %s", path, kept.name)
    return Journal(path), done


PartsFactory = Callable[[FileAnswers, "Interviewer | None", Journal], SessionParts]


def replay(source: ReplayInput, out: Path, parts_factory: PartsFactory, *,
           resume: bool = False, meta: dict | None = None, max_answer_s: float = MAX_ANSWER_S,
           on_turn: Callable[[Turn], None] | None = None,
           on_problem: Callable[[str], None] | None = None) -> SessionRecord:
    """Run the recorded session into OUT/journal.jsonl and return its record."""
    journal, done = prepare_output(out, resume=resume)
    with journal:
        if journal.is_new:
            journal.write_header(source.plan, {"mode": "replay", "source": journaled_path(source.folder, out),
                                               "max_answer_s": max_answer_s, "started_at": SystemClock.wall_iso(),
                                               "recorded_at": source.recorded_at, **(meta or {})})
        # a live session's folder replays the questions it actually asked; a plain folder lets the
        # interviewer decide, and follow-ups without a recording become suggestions
        recorded = RecordedQuestions(source.plan, source.asked) if source.asked else None
        resumed_at_s = max((t.ended_at_s for t in done), default=0.0)
        answers = FileAnswers(source.folder, timeline=RecordingTimeline(resumed_at_s), out=out,
                              recordings=source.recordings, max_answer_s=max_answer_s)
        parts = parts_factory(answers, recorded, journal)
        run_session(source.plan, parts, journal, done=done, on_turn=on_turn, on_problem=on_problem)
    return read_journal(out).record()

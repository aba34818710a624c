"""journal.jsonl: the session's durable record, one JSON object per line.

The first line is a header; then one line per finished turn and a line per event (consent,
review, fallback). Each line is appended, flushed and fsynced before the next turn starts, so a
crash loses no finished turn. A torn last line (a crash mid-write: not JSON, at the very end) is
ignored on reading and cut off when the journal is opened again for writing. Any other line that is
not JSON or does not match the journal's schema is an error naming the line: a turn that silently
vanished would change the report while it still looked whole.
"""
from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from interview.plan import Plan
from interview.records import (SessionRecord, Turn, emotion_from_dict, plan_from_dict, plan_to_dict, turn_from_dict,
                               turn_to_dict)
from voice.errors import VivavoceError

log = logging.getLogger(__name__)

JOURNAL_NAME = "journal.jsonl"
SCHEMA_VERSION = 1


class Journal:
    """Append-only writer. Opening an existing journal continues it (resume)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        self._file = os.fdopen(fd, "a", encoding="utf-8")
        self._cut_torn_tail()

    def _cut_torn_tail(self) -> None:
        # a crash mid-line leaves a partial record and no newline at the end. It was never a finished
        # turn (those are fsynced whole), so it is cut off: left in place it would sit in the middle of
        # the journal once the next line is appended, where a bad line is an error
        size = self.path.stat().st_size
        if not size:
            return
        with open(self.path, "rb") as f:
            f.seek(max(0, size - 1_000_000))
            tail = f.read()
        if tail.endswith(b"\n"):
            return
        end = tail.rfind(b"\n")
        keep = size - len(tail) + end + 1 if end >= 0 else 0
        if end < 0 and size > len(tail):
            raise VivavoceError(f"{self.path}: last line longer than 1 MB and unfinished; not a journal")
        log.warning("%s: unfinished last line (%d bytes) cut off", self.path, size - keep)
        os.truncate(self.path, keep)

    @property
    def is_new(self) -> bool:
        return self.path.stat().st_size == 0

    def write_header(self, plan: Plan, meta: dict[str, Any]) -> None:
        self._append({"type": "header", "schema_version": SCHEMA_VERSION, "plan": plan_to_dict(plan),
                      "meta": meta})

    def append_turn(self, turn: Turn) -> None:
        self._append({"type": "turn", **turn_to_dict(turn)})

    def append_event(self, kind: str, **payload: Any) -> None:
        self._append({"type": kind, **payload})

    def _append(self, entry: dict[str, Any]) -> None:
        self._file.write(json.dumps(entry, ensure_ascii=False, allow_nan=False) + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> "Journal":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass(frozen=True)
class JournalContents:
    header: dict[str, Any]
    turns: tuple[Turn, ...]
    events: tuple[dict[str, Any], ...]

    def record(self) -> SessionRecord:
        plan = plan_from_dict(self.header.get("plan", {}))
        consent = next((e for e in self.events if e.get("type") == "consent"), None)
        reviews = tuple(e for e in self.events if e.get("type") == "review")
        turns = latest_turns(self.turns)
        for event in self.events:
            if event.get("type") == "emotion_rescored":
                # emotion normalised against the whole session once it ended (see nlp.emotion_local)
                rescored = event.get("turns", {})
                turns = tuple(replace(t, emotion=emotion_from_dict(rescored[t.question.id]))
                              if t.question.id in rescored else t for t in turns)
        return SessionRecord(plan=plan, turns=turns, consent=consent,
                             meta=dict(self.header.get("meta", {})), reviews=reviews)


def latest_turns(turns: tuple[Turn, ...]) -> tuple[Turn, ...]:
    """One turn per question id, the last written winning, in first-asked order."""
    by_id: dict[str, Turn] = {}
    for turn in turns:
        by_id[turn.question.id] = turn
    return tuple(by_id.values())


def read_journal(path: str | Path) -> JournalContents:
    """The journal's header, turns and events. Raises VivavoceError naming the first bad line; only a
    torn last line is skipped (with a warning)."""
    p = Path(path)
    if p.is_dir():
        p = p / JOURNAL_NAME
    if not p.exists():
        raise VivavoceError(f"{p}: no journal found", "run 'interview replay' or 'interview live' first")
    header: dict[str, Any] | None = None
    turns: list[Turn] = []
    events: list[dict[str, Any]] = []
    text = p.read_text(encoding="utf-8", errors="replace")
    lines = text.split("\n")
    last = max((n for n, line in enumerate(lines, start=1) if line.strip()), default=0)
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except ValueError as e:
            if number == last and not text.endswith("\n"):
                log.warning("%s: line %d ignored (torn last line: a crash while it was written)", p, number)
                continue
            raise VivavoceError(f"{p}: line {number} is not JSON ({e.msg})",
                                "the journal was edited or damaged; restore it from a backup") from None
        try:
            kind = check_line(entry)
            if kind == "header":
                header = header or entry
            elif kind == "turn":
                turns.append(turn_from_dict(entry))
            else:
                events.append(entry)
        except (ValueError, KeyError, TypeError) as e:
            raise VivavoceError(f"{p}: line {number} does not match the journal schema ({_problem(e)})",
                                "the journal was edited or damaged; restore it from a backup") from None
    if header is None:
        raise VivavoceError(f"{p}: journal has no header line")
    return JournalContents(header=header, turns=tuple(turns), events=tuple(events))


def _problem(error: Exception) -> str:
    return " ".join(str(error).split())[:160] or type(error).__name__


def check_line(entry: Any) -> str:
    """The line's type after checking it against the journal schema; ValueError says what is wrong."""
    from pydantic import ValidationError

    if not isinstance(entry, dict):
        raise ValueError(f"expected an object, got {type(entry).__name__}")
    kind = entry.get("type")
    if not isinstance(kind, str) or not kind:
        raise ValueError("no 'type'")
    model = _line_models().get(kind)
    if model is not None:
        try:
            model.model_validate(entry)
        except ValidationError as e:
            err = e.errors()[0]
            raise ValueError(f"{'.'.join(str(x) for x in err['loc'])}: {err['msg']}") from None
    return kind


_MODELS: dict[str, type] = {}


def _line_models() -> dict[str, type]:
    """pydantic models of the lines whose shape reports rely on; other event types pass as they are."""
    if _MODELS:
        return _MODELS
    from typing import Literal

    from pydantic import BaseModel, ConfigDict, Field

    class Shape(BaseModel):
        model_config = ConfigDict(strict=True, extra="allow")

    class QuestionLine(Shape):
        id: str = Field(min_length=1)
        text: str
        competency: str = ""
        rubric: list[str] = []
        kind: Literal["planned", "followup"] = "planned"
        parent_id: str | None = None

    class SegmentLine(Shape):
        start_s: float
        end_s: float
        text: str
        avg_logprob: float
        no_speech_prob: float

    class TranscriptLine(Shape):
        text: str
        language: str = "en"
        speech_s: float = 0.0
        segments: list[SegmentLine] = []

    class AssessmentLine(Shape):
        relevance: int = Field(ge=0, le=100)
        score: int = Field(ge=1, le=5)
        quality: float
        justification: str
        flags: list[str] = []

    class EmotionLine(Shape):
        concentration: float = Field(ge=0, le=1)
        enthusiasm: float = Field(ge=0, le=1)
        interest: float = Field(ge=0, le=1)
        confidence: float = Field(ge=0, le=1)

    class TurnLine(Shape):
        question: QuestionLine
        transcript: TranscriptLine | None = None
        assessment: AssessmentLine | None = None
        emotion: EmotionLine | None = None
        flags: list[str] = []
        audio_path: str | None = None
        started_at_s: float = 0.0
        ended_at_s: float = 0.0
        audio_s: float = 0.0

    class PlanLine(Shape):
        role: str | None = None
        questions: list[QuestionLine]

    class HeaderLine(Shape):
        schema_version: Literal[1]
        plan: PlanLine
        meta: dict = {}

    class ReviewLine(Shape):
        reviewer: str
        decision: str

    class ConsentLine(Shape):
        given: bool

    class RescoredLine(Shape):
        turns: dict[str, EmotionLine]

    _MODELS.update(header=HeaderLine, turn=TurnLine, review=ReviewLine, consent=ConsentLine,
                   emotion_rescored=RescoredLine)
    return _MODELS


def keep_aside(path: Path) -> Path:
    """Rename an earlier journal out of the way under a name no other kept journal has; returns it.

    A hard link then unlink never replaces an existing file, so two replays within one second keep both.
    """
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for n in range(1, 10_000):
        kept = path.with_name(f"journal.{stamp}{'' if n == 1 else f'-{n}'}.jsonl")
        try:
            os.link(path, kept)
        except FileExistsError:
            continue
        except OSError:  # a file system without hard links: check, then rename
            if kept.exists():
                continue
            os.rename(path, kept)
            return kept
        os.unlink(path)
        return kept
    raise VivavoceError(f"{path}: too many kept journals named journal.{stamp}*.jsonl")

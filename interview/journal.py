"""journal.jsonl: the session's durable record, one JSON object per line.

The first line is a header; then one line per finished turn and a line per event (consent,
review, fallback). Each line is appended, flushed and fsynced before the next turn starts, so a
crash loses no finished turn. A torn last line (a crash mid-write) is ignored on reading.
"""
from __future__ import annotations

import json
import logging
import os
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
        self._heal_torn_tail()

    def _heal_torn_tail(self) -> None:
        # a crash mid-line leaves no newline at the end: start the next record on a fresh line
        size = self.path.stat().st_size
        if size:
            with open(self.path, "rb") as f:
                f.seek(size - 1)
                if f.read(1) != b"\n":
                    self._file.write("\n")
                    self._file.flush()

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
    p = Path(path)
    if p.is_dir():
        p = p / JOURNAL_NAME
    if not p.exists():
        raise VivavoceError(f"{p}: no journal found", "run 'interview replay' or 'interview live' first")
    header: dict[str, Any] | None = None
    turns: list[Turn] = []
    events: list[dict[str, Any]] = []
    lines = p.read_text(encoding="utf-8", errors="replace").split("\n")
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            if not isinstance(entry, dict):
                raise ValueError("not an object")
            kind = entry.get("type")
            if kind == "header":
                header = header or entry
            elif kind == "turn":
                turns.append(turn_from_dict(entry))
            else:
                events.append(entry)
        except (ValueError, KeyError, TypeError) as e:
            log.warning("%s: line %d ignored (%s)", p, number, "torn last line" if number >= len(lines) - 1 else e)
    if header is None:
        raise VivavoceError(f"{p}: journal has no header line")
    return JournalContents(header=header, turns=tuple(turns), events=tuple(events))

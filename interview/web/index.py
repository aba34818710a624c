"""Every session folder under ROOT, found once and summarised once per journal change.

A session folder is any folder under ROOT (up to MAX_DEPTH levels, hidden folders skipped) that holds a
regular `journal.jsonl`. Symlinked folders and symlinked journals are never followed, so nothing outside
ROOT becomes a session. Each journal is read and evaluated when first seen and again only when its size
or modification time changes, so the list page costs a directory walk and a stat per session.
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

from interview.journal import JOURNAL_NAME, read_journal
from reports.cohort import CohortEntry, SessionFacts, entry_from_evaluation, session_facts
from voice.errors import VivavoceError

log = logging.getLogger(__name__)

MAX_DEPTH = 6
# the flags a hiring team filters on; others stay on the session page
LIST_FLAGS = ("needs_review", "struggled", "transcript_uncertain", "injection_attempt", "audio_error")
_ID_SAFE = re.compile(r"^[A-Za-z0-9._~-]+$")


@dataclass(frozen=True)
class SessionSummary:
    """One session as the candidate list shows it."""

    id: str
    folder: Path
    relative: str                       # the folder under ROOT, e.g. "batch/s1"
    candidate: str
    role: str
    score: int
    recommendation: str
    average_relevance: float
    flags: tuple[str, ...]
    emotion: dict[str, float] | None
    review: dict | None                 # the latest human decision: reviewer, decision, note, at
    reviews: int
    date: str | None
    answered: int
    questions: int
    facts: SessionFacts = field(default_factory=SessionFacts)

    @property
    def status(self) -> str:
        return self.review["decision"] if self.review else "unreviewed"

    def cohort_entry(self) -> CohortEntry:
        return CohortEntry(folder=self.relative, candidate=self.candidate, score=self.score,
                           average_relevance=self.average_relevance, recommendation=self.recommendation)

    def as_dict(self) -> dict:
        return {"id": self.id, "candidate": self.candidate, "role": self.role, "date": self.date,
                "overall": {"score": self.score, "recommendation": self.recommendation,
                            "average_relevance": self.average_relevance, "emotion": self.emotion},
                "flags": list(self.flags), "answered": self.answered, "questions": self.questions,
                "review": self.review}


def summarise(session_id: str, folder: Path, root: Path) -> SessionSummary:
    """Read one journal and build its evaluation with the same code the reports use."""
    from reports.build import build_evaluation

    record = read_journal(folder).record()
    ev = build_evaluation(record)
    entry = entry_from_evaluation(ev, folder)
    flags = {f for t in ev.turns for f in t.flags}
    latest = ev.human_decisions[-1] if ev.human_decisions else None
    return SessionSummary(
        id=session_id, folder=folder, relative=folder.relative_to(root).as_posix(), candidate=entry.candidate, role=ev.role, score=entry.score,
        recommendation=entry.recommendation, average_relevance=entry.average_relevance,
        flags=tuple(f for f in LIST_FLAGS if f in flags),
        emotion=ev.emotion_averages.as_dict() if ev.emotion_averages is not None else None,
        review={"reviewer": latest.reviewer, "decision": latest.decision, "note": latest.note, "at": latest.at}
        if latest else None,
        reviews=len(ev.human_decisions), date=ev.date, answered=ev.overall.answered,
        questions=ev.overall.questions_total, facts=session_facts(record.meta, ev.date))


class SessionIndex:
    """The sessions under ROOT by id; `refresh()` rescans and re-reads only journals that changed."""

    def __init__(self, root: str | Path):
        self.root = Path(root).resolve()
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[tuple[int, int], SessionSummary]] = {}
        self._folders: dict[str, Path] = {}
        self.problems: tuple[str, ...] = ()

    def refresh(self) -> list[SessionSummary]:
        with self._lock:
            found = dict(self._walk())
            problems = []
            cache = {}
            for session_id, (folder, key) in found.items():
                cached = self._cache.get(session_id)
                if cached is not None and cached[0] == key and cached[1].folder == folder:
                    cache[session_id] = cached
                    continue
                try:
                    cache[session_id] = (key, summarise(session_id, folder, self.root))
                except (VivavoceError, OSError, ValueError, KeyError, TypeError) as e:
                    # one broken journal must not hide the others
                    log.warning("%s: not listed (%s)", folder, e)
                    problems.append(f"{folder.relative_to(self.root)}: {e.__class__.__name__}")
            self._cache = cache
            self._folders = {sid: folder for sid, (folder, _) in found.items() if sid in cache}
            self.problems = tuple(problems)
            return [summary for _, summary in self._cache.values()]

    def summary(self, session_id: str) -> SessionSummary | None:
        """The session with this id, only if it was found under ROOT (ids are never turned into paths)."""
        cached = self._cache.get(session_id)
        if cached is not None and _journal_key(cached[1].folder) == cached[0]:
            return cached[1]
        self.refresh()
        cached = self._cache.get(session_id)
        return cached[1] if cached else None

    def _walk(self):
        taken: set[str] = set()
        stack = [(self.root, 0)]
        while stack:
            folder, depth = stack.pop()
            try:
                with os.scandir(folder) as entries:
                    children = list(entries)
            except OSError:
                continue
            for child in children:
                if child.name == JOURNAL_NAME and child.is_file(follow_symlinks=False):
                    st = child.stat(follow_symlinks=False)
                    session_id = _session_id(self.root, folder, taken)
                    taken.add(session_id)
                    yield session_id, (folder, (st.st_mtime_ns, st.st_size))
                elif depth < MAX_DEPTH and not child.name.startswith(".") and child.is_dir(follow_symlinks=False):
                    stack.append((Path(child.path), depth + 1))


def _journal_key(folder: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(folder / JOURNAL_NAME, follow_symlinks=False)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


def _session_id(root: Path, folder: Path, taken: set[str]) -> str:
    """A URL-safe id from the folder's path under ROOT: `demo`, `batch~s1`; a hash when the name does not fit."""
    relative = folder.relative_to(root).as_posix()
    readable = "~".join(relative.split("/")) if relative != "." else "root"
    if _ID_SAFE.match(readable) and readable not in taken and not readable.startswith("."):
        return readable
    return "s-" + hashlib.sha256(relative.encode("utf-8", "surrogateescape")).hexdigest()[:12]

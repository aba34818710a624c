"""What a retention or deletion request removes, and removing it.

By default only what lies inside the session folder goes: its recordings, journals (current and kept
earlier ones), transcripts and every derived file. Paths the journal names are resolved against the
session folder, never the current folder, so a deletion run from elsewhere cannot hit a stranger's
`Q1.wav`. Recordings the journal names outside the folder (a replay's source answers, such as a
repository's example recordings) are the sources: they are listed, and removed only when asked for
(`include_sources`). With `keep_report` the report.* files stay as the record of the decision: they
still hold the scores, the recommendation, any human decision and the short verbatim quotes that
justify each score. A `deletion.json` note (file names and time only) is left behind so that a second
request is answered, not refused.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from interview.journal import JOURNAL_NAME
from interview.session_folder import resolve_journaled
from voice.errors import VivavoceError

NOTE_NAME = "deletion.json"


@dataclass(frozen=True)
class DeletionPlan:
    """The files a deletion request concerns, before anything is removed."""

    folder: Path
    inside: tuple[Path, ...]     # in the session folder (the journal last)
    sources: tuple[Path, ...]    # recordings the journal names outside it


def is_deleted(folder: Path) -> bool:
    return not (folder / JOURNAL_NAME).is_file() and (folder / NOTE_NAME).is_file()


def plan_deletion(folder: str | os.PathLike, *, keep_report: bool = False) -> DeletionPlan:
    """What deleting `folder` removes. Raises VivavoceError when it is not a session folder."""
    from voice.audio import AUDIO_SUFFIXES

    root = Path(folder)
    if not root.is_dir():
        raise VivavoceError(f"{root}: no such folder")
    if not (root / JOURNAL_NAME).is_file():
        raise VivavoceError(f"{root}: not a session folder (no {JOURNAL_NAME}); nothing deleted",
                            "give the folder that 'interview replay' or 'interview live' wrote")
    inside_root = root.resolve()
    sources: list[Path] = []
    for path in _referenced_recordings(root, AUDIO_SUFFIXES):
        if not _within(path, inside_root) and path.is_file():
            sources.append(path)
    # the journal goes last: if this is interrupted, a rerun still finds the session and what it references
    inside = sorted((p for p in root.rglob("*") if p.is_file() or p.is_symlink()),
                    key=lambda p: (p.name == JOURNAL_NAME, str(p)))
    kept = [p for p in inside
            if p.name == NOTE_NAME and p.parent == root or keep_report and p.parent == root
            and p.name.startswith("report.")]
    return DeletionPlan(root, tuple(p for p in inside if p not in kept), tuple(dict.fromkeys(sources)))


def delete_session(plan: DeletionPlan, *, keep_report: bool = False, include_sources: bool = False) -> list[str]:
    """Remove what `plan` lists (the sources only with `include_sources`); returns the paths removed."""
    from voice.clock import SystemClock

    removed: list[str] = []
    for path in (plan.sources if include_sources else ()) + plan.inside:
        try:
            path.unlink()
            removed.append(str(path))
        except FileNotFoundError:
            pass
    for sub in sorted((p for p in plan.folder.rglob("*") if p.is_dir() and not p.is_symlink()),
                      key=lambda p: -len(p.parts)):
        try:
            sub.rmdir()
        except OSError:
            pass
    note = {"deleted_at": SystemClock.wall_iso(), "kept": "reports" if keep_report else "nothing",
            "removed": [os.path.basename(p) for p in removed],
            "sources_kept": [] if include_sources else [str(p) for p in plan.sources]}
    fd = os.open(plan.folder / NOTE_NAME, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(note, f, indent=1)
    return removed


def _within(path: Path, root: Path) -> bool:
    resolved = path.resolve()
    return resolved == root or root in resolved.parents


def _referenced_recordings(folder: Path, suffixes: tuple[str, ...]) -> list[Path]:
    """Recordings named by the journal's turns, resolved against the session folder: only audio files, so a
    crafted journal cannot aim at anything else."""
    found: list[Path] = []
    journals = sorted(folder.glob("journal*.jsonl"))
    for journal in journals:
        for line in journal.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            value = entry.get("audio_path") if isinstance(entry, dict) and entry.get("type") == "turn" else None
            if isinstance(value, str) and value and Path(value).suffix.lower() in suffixes:
                found.append(resolve_journaled(value, folder))
    return found

"""`interview delete DIR [--keep-report]`: honour a retention or deletion request for one session.

Removes, inside the session folder: recordings, journals (current and kept earlier ones), transcripts
and every other derived file; plus the recordings the journal references elsewhere (e.g. the replay
folder's answer files). With --keep-report the report.* files stay as the record of the decision:
they still hold the scores, the recommendation, any human decision and the short verbatim quotes that
justify each score. Without it nothing of the candidate remains. A `deletion.json` note (file names and
time only) is left behind so that a second request is answered, not refused.
"""
from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

NAME = "delete"
HELP = "delete a session's recordings, transcripts and derived data (retention requests)"
NOTE_NAME = "deletion.json"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", metavar="DIR", help="session folder holding journal.jsonl")
    parser.add_argument("--keep-report", action="store_true",
                        help="keep report.* (scores, recommendation, decision, short quotes)")


def run(args: argparse.Namespace) -> int:
    from interview.journal import JOURNAL_NAME
    from voice.errors import VivavoceError

    folder = Path(args.folder)
    if not folder.is_dir():
        raise VivavoceError(f"{folder}: no such folder")
    if not (folder / JOURNAL_NAME).is_file():
        if (folder / NOTE_NAME).is_file():
            if not args.quiet:
                print(f"{folder}: already deleted")
            return 0
        raise VivavoceError(f"{folder}: not a session folder (no {JOURNAL_NAME}); nothing deleted",
                            "give the folder that 'interview replay' or 'interview live' wrote")
    removed = delete_session(folder, keep_report=args.keep_report)
    if not args.quiet:
        print(f"deleted {len(removed)} files from {folder}" + (" (reports kept)" if args.keep_report else ""))
    return 0


def delete_session(folder: Path, *, keep_report: bool) -> list[str]:
    """Remove the session's personal data; returns the paths removed."""
    from interview.journal import JOURNAL_NAME
    from voice.audio import AUDIO_SUFFIXES
    from voice.clock import SystemClock

    referenced = _referenced_recordings(folder / JOURNAL_NAME, AUDIO_SUFFIXES)
    removed: list[str] = []
    # the journal goes last: if this is interrupted, a rerun still finds the session and what it references
    inside = sorted((p for p in folder.rglob("*") if p.is_file() or p.is_symlink()),
                    key=lambda p: p.name == JOURNAL_NAME)
    for path in referenced + inside:
        if path.parent == folder and keep_report and path.name.startswith("report.") or path.name == NOTE_NAME:
            continue
        try:
            path.unlink()
            removed.append(str(path))
        except FileNotFoundError:
            pass
    for sub in sorted((p for p in folder.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)):
        try:
            sub.rmdir()
        except OSError:
            pass
    note = {"deleted_at": SystemClock.wall_iso(), "kept": "reports" if keep_report else "nothing",
            "removed": [os.path.basename(p) for p in removed]}
    fd = os.open(folder / NOTE_NAME, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(note, f, indent=1)
    return removed


def _referenced_recordings(journal: Path, suffixes: tuple[str, ...]) -> list[Path]:
    """Recordings named by the journal's turns: only audio files, so a crafted journal cannot aim elsewhere."""
    found: list[Path] = []
    for line in journal.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        path = entry.get("audio_path") if isinstance(entry, dict) and entry.get("type") == "turn" else None
        if isinstance(path, str) and Path(path).suffix.lower() in suffixes and Path(path).is_file():
            found.append(Path(path))
    return found

"""`interview review DIR --reviewer NAME --decision advance|reject --note TEXT`: a person's hiring decision.

The decision is appended to the session's journal (never rewriting what the system recorded) and the
reports in DIR are rendered again, so they show the system recommendation and the human decision side by side.
"""
from __future__ import annotations

import argparse
from pathlib import Path

NAME = "review"
HELP = "record a reviewer's decision on a session and update its reports"
DECISIONS = ("advance", "reject")
MAX_NOTE_CHARS = 2000


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", metavar="DIR", help="session folder holding journal.jsonl")
    parser.add_argument("--reviewer", required=True, metavar="NAME", help="who made the decision")
    parser.add_argument("--decision", required=True, choices=DECISIONS, help="the hiring decision")
    parser.add_argument("--note", default="", metavar="TEXT", help="the reason, in a sentence or two")


def run(args: argparse.Namespace) -> int:
    from interview.journal import JOURNAL_NAME, Journal, read_journal
    from reports.write import FORMATS, write_reports
    from voice.clock import SystemClock
    from voice.errors import VivavoceError

    folder = Path(args.folder)
    if not (folder / JOURNAL_NAME).is_file():
        raise VivavoceError(f"{folder}: not a session folder (no {JOURNAL_NAME})",
                            "give the folder that 'interview replay' or 'interview live' wrote")
    reviewer = " ".join(args.reviewer.split())
    if not reviewer:
        raise VivavoceError("--reviewer is empty", "name the person who made the decision")
    note = " ".join(args.note.split())
    if len(note) > MAX_NOTE_CHARS:
        raise VivavoceError(f"--note is {len(note)} characters, over {MAX_NOTE_CHARS}")
    read_journal(folder)  # a journal without a header is refused before anything is appended
    with Journal(folder / JOURNAL_NAME) as journal:
        journal.append_event("review", reviewer=reviewer, decision=args.decision, note=note,
                             at=SystemClock.wall_iso())
    present = tuple(f for f in FORMATS if (folder / f"report.{f}").is_file())
    if present:
        written = write_reports(read_journal(folder).record(), folder, present)
        if not args.quiet:
            for kind, path in written.items():
                print(f"{kind}: {path}")
    elif not args.quiet:
        print(f"review recorded in {folder / JOURNAL_NAME} (no reports to update)")
    return 0

"""`interview review DIR --reviewer NAME --decision advance|reject|hold --note TEXT`: a person's hiring decision.

The decision is appended to the session's journal (never rewriting what the system recorded) and the
reports in DIR are rendered again, so they show the system recommendation and the human decision side by side.
"""
from __future__ import annotations

import argparse

from interview.review import DECISIONS

NAME = "review"
HELP = "record a reviewer's decision on a session and update its reports"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", metavar="DIR", help="session folder holding journal.jsonl")
    parser.add_argument("--reviewer", required=True, metavar="NAME", help="who made the decision")
    parser.add_argument("--decision", required=True, choices=DECISIONS, help="the hiring decision")
    parser.add_argument("--note", default="", metavar="TEXT", help="the reason, in a sentence or two")


def run(args: argparse.Namespace) -> int:
    from interview.journal import JOURNAL_NAME
    from interview.review import checked_review, record_review
    from reports import rewrite_reports
    from voice.clock import SystemClock

    review = checked_review(args.reviewer, args.decision, args.note)
    record_review(args.folder, review, at=SystemClock.wall_iso())
    written = rewrite_reports(args.folder)
    if not args.quiet:
        for kind, path in written.items():
            print(f"{kind}: {path}")
        if not written:
            print(f"review recorded in {args.folder}/{JOURNAL_NAME} (no reports to update)")
    return 0

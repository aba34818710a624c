"""`interview delete DIR [--keep-report] [--include-sources [--yes]]`: honour a retention or deletion request.

What is removed is decided in interview.retention: everything inside the session folder by default; the
source recordings a replay read from elsewhere only with --include-sources, after showing the list and
asking (--yes skips the question; without a terminal and without --yes, sources are never removed).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

NAME = "delete"
HELP = "delete a session's recordings, transcripts and derived data (retention requests)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", metavar="DIR", help="session folder holding journal.jsonl")
    parser.add_argument("--keep-report", action="store_true",
                        help="keep report.* (scores, recommendation, decision, short quotes)")
    parser.add_argument("--include-sources", action="store_true",
                        help="also remove the recordings the session was made from outside DIR (listed first)")
    parser.add_argument("--yes", action="store_true", help="remove the listed source recordings without asking")


def run(args: argparse.Namespace) -> int:
    from interview.retention import delete_session, is_deleted, plan_deletion

    folder = Path(args.folder)
    if folder.is_dir() and is_deleted(folder):
        if not args.quiet:
            print(f"{folder}: already deleted")
        return 0
    plan = plan_deletion(folder, keep_report=args.keep_report)
    include = bool(plan.sources) and args.include_sources and _confirmed(plan.sources, args)
    removed = delete_session(plan, keep_report=args.keep_report, include_sources=include)
    if not args.quiet:
        print(f"deleted {len(removed)} files from {folder}" + (" (reports kept)" if args.keep_report else ""))
    if plan.sources and not include:
        sys.stderr.write(f"kept {len(plan.sources)} source recording(s) outside {folder}:\n"
                         + "".join(f"  {p}\n" for p in plan.sources)
                         + "remove them too with: interview delete --include-sources\n")
    return 0


def _confirmed(sources: tuple[Path, ...], args: argparse.Namespace) -> bool:
    """--yes, or a 'y' typed at a terminal after seeing the list; never without a terminal."""
    listing = "".join(f"  {p}\n" for p in sources)
    if args.yes:
        if not args.quiet:
            sys.stderr.write(f"removing {len(sources)} source recording(s) outside {args.folder}:\n{listing}")
        return True
    if not sys.stdin.isatty():
        sys.stderr.write("source recordings not removed: no terminal to confirm on (add --yes)\n")
        return False
    sys.stderr.write(f"{len(sources)} source recording(s) outside {args.folder}:\n{listing}remove them? [y/N] ")
    sys.stderr.flush()
    answer = sys.stdin.readline().strip().lower()
    return answer in ("y", "yes")

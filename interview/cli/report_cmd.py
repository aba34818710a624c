"""`interview report DIR`: re-render a session's reports from its journal, without re-transcribing."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from voice.errors import VivavoceError

NAME = "report"
HELP = "re-render a session's reports (md, html, pdf, json) from DIR/journal.jsonl"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dir", metavar="DIR", help="session folder holding journal.jsonl")
    parser.add_argument("--format", default="md,html,json",
                        help="comma-separated formats from md,html,pdf,json (default md,html,json)")
    parser.add_argument("--out", metavar="OUT", help="folder to write into (default DIR)")


def run(args: argparse.Namespace) -> int:
    from interview.journal import read_journal
    from interview.session_folder import missing_recordings, output_folder
    from reports import parse_formats, write_reports

    folder = Path(args.dir)
    if not folder.is_dir():
        raise VivavoceError(f"{folder}: no such session folder")
    out = output_folder(args.out) if args.out else folder
    formats = parse_formats(args.format)
    record = read_journal(folder).record()
    missing = missing_recordings((t.audio_path for t in record.turns), folder)
    if missing:  # the report comes from the journal alone; only a new analysis would need them
        shown = ", ".join(str(p) for p in missing[:5]) + (", ..." if len(missing) > 5 else "")
        sys.stderr.write(f"warning: {len(missing)} recording(s) the journal names are missing "
                         f"(moved or deleted): {shown}\n")
    try:
        written = write_reports(record, out, formats=formats, session_dir=folder)
    except OSError as e:
        raise VivavoceError(f"{e.filename or args.out or folder}: cannot write reports ({e.strerror})") from None
    for kind, path in written.items():
        if args.quiet:
            print(path)
        else:
            sys.stdout.write(f"{kind:>10}: {path}\n")
    return 0

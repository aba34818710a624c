"""`interview cohort OUT...`: rank sessions, pass the top share, and check four-fifths impact ratios."""
from __future__ import annotations

import argparse
import json
import sys

from voice.errors import VivavoceError

NAME = "cohort"
HELP = "rank several sessions by overall score and pass the top ceil(rate x N)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("sessions", metavar="OUT", nargs="+", help="session folders (replay/live output)")
    parser.add_argument("--pass-rate", type=float, default=0.47, help="share of candidates to pass (default 0.47)")
    parser.add_argument("--groups", metavar="CSV", help="candidate,group file for selection rates and impact ratios")
    parser.add_argument("--json", action="store_true", help="print {folder: {score, decision}} as JSON")
    parser.add_argument("--out", metavar="DIR", default=".", help="where cohort.md/json/html go (default .)")


def run(args: argparse.Namespace) -> int:
    from reports.cohort import decide, load_entry, load_groups
    from reports.render_cohort import write_cohort

    if len(set(args.sessions)) != len(args.sessions):
        raise VivavoceError("the same session folder is given twice")
    groups = load_groups(args.groups) if args.groups else None
    cohort = decide([load_entry(s) for s in args.sessions], args.pass_rate, groups)
    try:
        written = write_cohort(cohort, args.out)
    except OSError as e:
        raise VivavoceError(f"{args.out}: cannot write cohort files ({e.strerror})") from None
    for warning in cohort.warnings:
        sys.stderr.write(f"warning: {warning}\n")
    if args.json:
        print(json.dumps(cohort.decisions(), indent=2))
        return 0
    if not args.quiet:
        print(f"pass rate {cohort.pass_rate:g}: {cohort.pass_count} of {len(cohort.entries)} pass")
        for e in cohort.entries:
            print(f"{e.rank or '-':>3}  {'n/a' if e.score is None else e.score:>3}  {e.decision:<4}  {e.candidate}  ({e.folder})"
                  + ("  tie at cut" if e.tied_at_cut else ""))
        for g in cohort.groups:
            ratio = "n/a" if g.impact_ratio is None else f"{g.impact_ratio:.2f}"
            print(f"group {g.group}: {g.passed}/{g.total} selected, rate {g.selection_rate:.2f}, impact ratio {ratio}")
    for path in written.values():
        print(path)
    return 0

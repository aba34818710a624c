"""`interview cohort OUT...`: rank sessions, pass the top share, check impact ratios, and audit for bias."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from voice.errors import VivavoceError

NAME = "cohort"
HELP = "rank several sessions by overall score and pass the top ceil(rate x N)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("sessions", metavar="OUT", nargs="+", help="session folders (replay/live output)")
    parser.add_argument("--pass-rate", type=float, default=0.47, help="share of candidates to pass (default 0.47)")
    parser.add_argument("--groups", metavar="CSV",
                        help="candidate,group or candidate,sex,race_ethnicity file (self-reported): selection "
                             "rates, impact ratios and a bias audit (audit.csv)")
    parser.add_argument("--audit-pdf", action="store_true", help="with --groups: also write audit.pdf")
    parser.add_argument("--json", action="store_true", help="print {folder: {score, decision}} as JSON")
    parser.add_argument("--out", metavar="DIR", default=".", help="where cohort.md/json/html go (default .)")


def run(args: argparse.Namespace) -> int:
    from reports.audit import decide_with_audit
    from reports.cohort import load_scored, read_groups_file
    from reports.render_audit import render_audit_md
    from reports.render_cohort import write_cohort
    from voice.clock import SystemClock

    if len(set(args.sessions)) != len(args.sessions):
        raise VivavoceError("the same session folder is given twice")
    if args.audit_pdf and not args.groups:
        raise VivavoceError("--audit-pdf needs --groups", "give the file of self-reported categories")
    categories = read_groups_file(args.groups) if args.groups else None
    cohort, audit = decide_with_audit([load_scored(s) for s in args.sessions], args.pass_rate, categories,
                                      audit_date=SystemClock.wall_iso()[:10],
                                      data_source=f"self-reported categories in {Path(args.groups).name}"
                                      if args.groups else "")
    try:
        written = write_cohort(cohort, args.out, audit, audit_pdf=args.audit_pdf)
    except OSError as e:
        raise VivavoceError(f"{args.out}: cannot write cohort files ({e.strerror})") from None
    for warning in cohort.warnings + (audit.warnings if audit else ()):
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
        if audit is not None:
            print(render_audit_md(audit).rstrip())
    for path in written.values():
        print(path)
    return 0

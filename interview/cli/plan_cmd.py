"""`interview plan`: write a plan.yaml from a job description (and a resume), offline by default."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from interview.llm import LLMFallbacks, OpenAIChat, add_llm_arguments, llm_options_from_args
from interview.plan_generation import DEFAULT_QUESTIONS, MAX_QUESTIONS, llm_plan, offline_plan, write_plan
from voice.errors import PlanError

NAME = "plan"
HELP = "write an interview plan from a job description (and a resume)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--jd", required=True, metavar="FILE", help="job description (markdown or text)")
    parser.add_argument("--resume", metavar="FILE", help="candidate's resume: adds a question about a project in it")
    parser.add_argument("--out", required=True, metavar="FILE", help="where to write plan.yaml")
    parser.add_argument("--questions", type=int, default=DEFAULT_QUESTIONS, metavar="N",
                        help=f"number of questions (1-{MAX_QUESTIONS}, default {DEFAULT_QUESTIONS})")
    add_llm_arguments(parser)


def _read(path: str, what: str) -> str:
    p = Path(path)
    if not p.is_file():
        raise PlanError(f"{p}: no such {what} file")
    try:
        text = p.read_text(encoding="utf-8", errors="replace")
    except OSError as e:
        raise PlanError(f"{p}: cannot read ({e.strerror})") from None
    if not text.strip():
        raise PlanError(f"{p}: the {what} is empty")
    return text


def run(args: argparse.Namespace) -> int:
    if not 1 <= args.questions <= MAX_QUESTIONS:
        raise PlanError(f"--questions must be between 1 and {MAX_QUESTIONS}, got {args.questions}")
    if Path(args.out).is_dir():
        raise PlanError(f"{args.out}: is a folder", f"give --out a file, e.g. {Path(args.out) / 'plan.yaml'}")
    job_description = _read(args.jd, "job description")
    resume = _read(args.resume, "resume") if args.resume else None
    options = llm_options_from_args(args)
    if options is None:
        plan = offline_plan(job_description, resume, args.questions)
    else:
        fallbacks = LLMFallbacks(notify=lambda message: print(f"warning: {message}", file=sys.stderr))
        plan = llm_plan(OpenAIChat(options), job_description, resume, args.questions, fallbacks=fallbacks)
    written = write_plan(plan, args.out)
    if not args.quiet:
        print(f"{len(written.questions)} questions for {written.role}: {', '.join(q.id for q in written.questions)}")
    print(args.out)
    return 0

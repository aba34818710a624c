"""`interview replay DIR --out OUT`: recorded answers -> transcript, scores, journal and reports.

`interview replay DIR1 DIR2 ... --out-root OUT [--workers N]` (or `--batch FILE`) replays many sessions in one
run, loading the models once per worker (see interview.batch); a failed session never stops the others.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from interview.cli.common import (add_emotion_arguments, add_interviewer_arguments, add_model_arguments, config_for,
                                 emotion_label, emotion_options, llm_options, max_answer_s, max_followups,
                                 report_formats, stt_options, warn)

NAME = "replay"
HELP = "analyse a folder of recorded answers (plan.yaml + <question id>.wav ...) and write reports"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folders", metavar="DIR", nargs="*",
                        help="replay folder(s): plan.yaml and one recording per answer")
    parser.add_argument("--out", metavar="OUT", help="output folder (default: DIR/analysis)")
    parser.add_argument("--plan", metavar="FILE", help="plan file, if not DIR/plan.yaml")
    parser.add_argument("--jd", metavar="FILE", help="job description file (replaces the plan's; may be anywhere)")
    parser.add_argument("--candidate-resume", metavar="FILE",
                        help="candidate's resume file (replaces the plan's; may be anywhere)")
    parser.add_argument("--candidate", metavar="NAME", help="candidate name shown in reports")
    parser.add_argument("--resume", action="store_true", help="continue an interrupted replay in OUT")
    parser.add_argument("--max-answer-s", type=float, metavar="S",
                        help="analyse at most the first S seconds of each answer (default 300; longer ones are "
                             "flagged max_length)")
    parser.add_argument("--format", default=None, metavar="LIST",
                        help="report formats, comma-separated: md,html,json,pdf (default md,html,json)")
    batch = parser.add_argument_group("many sessions")
    batch.add_argument("--out-root", metavar="OUT", help="one output folder per session under OUT")
    batch.add_argument("--batch", metavar="FILE", help="file listing session folders, one per line")
    batch.add_argument("--workers", type=int, metavar="N", help="sessions replayed in parallel (default 1)")
    batch.add_argument("--executor", choices=("local", "ray"), default="local",
                       help="local processes, or a Ray cluster (pip install 'vivavoce[ray]')")
    batch.add_argument("--ray-address", metavar="ADDR", help="Ray cluster address (default: start a local one)")
    add_model_arguments(parser)
    add_emotion_arguments(parser)
    add_interviewer_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from voice.errors import VivavoceError

    folders = list(args.folders)
    if args.batch:
        from interview.batch import read_batch_file
        folders += read_batch_file(args.batch)
    if not folders:
        raise VivavoceError("no replay folder given", "interview replay DIR, or DIR1 DIR2 --out-root OUT")
    if (len(folders) > 1 or args.batch or args.out_root or args.workers is not None or args.executor != "local"
            or args.ray_address):
        from interview.cli.batch_run import run_many
        return run_many(args, folders)
    return _run_one(args, folders[0])


def _run_one(args: argparse.Namespace, folder: str) -> int:
    from interview.replay import open_replay_folder, replay
    from interview.session_folder import output_folder

    config = config_for(args)
    source = open_replay_folder(folder, plan_path=args.plan, job_description=args.jd,
                                resume=args.candidate_resume)
    out = output_folder(args.out if args.out else source.folder / "analysis")
    longest = max_answer_s(args)
    if source.missing:
        shown = ", ".join(str(p) for p in source.missing[:5]) + (", ..." if len(source.missing) > 5 else "")
        warn(f"{len(source.missing)} of {len(source.recordings)} source recordings are missing "
             f"(moved or deleted): {shown}; their turns are flagged audio_error")
    formats = report_formats(args, config)
    options = stt_options(args, config)
    feelings = emotion_options(args, config)

    from interview.session_parts import replay_parts
    from voice.stt import load_whisper

    load_whisper(options)  # fail on a bad model before any output is written

    llm = llm_options(args, config)
    followups = max_followups(args, config)

    parts = replay_parts(options, feelings, llm, max_followups=followups, notify=warn)

    meta = {"candidate": args.candidate or source.plan.candidate, "stt_model": options.model,
            "emotion": emotion_label(feelings),
            "interviewer": f"llm:{llm.model}" if llm else "offline"}
    with _Progress(len(source.plan.questions), quiet=args.quiet) as progress:
        record = replay(source, out, parts, resume=args.resume, meta=meta, max_answer_s=longest,
                        on_turn=progress.turn_done, on_problem=warn)
    from reports import write_reports
    from reports.build import build_evaluation, evidence_warning

    written = write_reports(record, out, formats)
    warning = evidence_warning(build_evaluation(record))
    if warning:
        warn(warning)
    if not args.quiet:
        for kind, path in written.items():
            print(f"{kind}: {path}")
    return 0


class _Progress:
    """A progress bar over turns on a terminal; silent with --quiet or when stderr is not a terminal."""

    def __init__(self, total: int, quiet: bool):
        self.total, self.quiet, self._progress, self._task = total, quiet, None, None

    def __enter__(self) -> "_Progress":
        if not self.quiet and sys.stderr.isatty():
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._progress = Progress(TextColumn("[bold]replay"), BarColumn(), MofNCompleteColumn(),
                                      TextColumn("{task.description}"), TimeElapsedColumn(), transient=True)
            self._progress.start()
            self._task = self._progress.add_task("", total=self.total)
        return self

    def turn_done(self, turn) -> None:
        if self._progress is not None:
            self._progress.update(self._task, advance=1, description=turn.question.id)
        elif not self.quiet:
            flags = f" [{', '.join(turn.flags)}]" if turn.flags else ""
            score = f" score {turn.score}/5" if turn.score else ""
            sys.stderr.write(f"{turn.question.id}:{score}{flags}\n")

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()

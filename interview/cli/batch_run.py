"""The many-sessions half of `interview replay`: options from flags, a progress line per session, a summary."""
from __future__ import annotations

import argparse
import sys

from interview.cli.common import (config_for, emotion_label, emotion_options, llm_options, max_answer_s, max_followups,
                                  report_formats, stt_options)


def run_many(args: argparse.Namespace, folders: list[str]) -> int:
    """Exit 0 when every session succeeded, 1 when any failed (each one named), 2 for bad usage."""
    from interview.batch import BatchSettings, output_folders, run_batch, summary
    from reports import write_reports
    from voice.errors import VivavoceError
    from voice.stt import load_whisper

    single_only = [flag for flag, value in (("--out", args.out), ("--plan", args.plan), ("--jd", args.jd),
                                            ("--candidate-resume", args.candidate_resume),
                                            ("--candidate", args.candidate)) if value]
    if single_only:
        raise VivavoceError(f"{single_only[0]} applies to one session only",
                            "use --out-root OUT for many sessions; each folder brings its own plan")
    if args.workers is not None and not 1 <= args.workers <= 64:
        raise VivavoceError(f"--workers {args.workers}: must be between 1 and 64")
    if args.out_root:
        from interview.session_folder import output_folder
        output_folder(args.out_root, "--out-root")
    config = config_for(args)
    options = stt_options(args, config)
    feelings = emotion_options(args, config)
    llm = llm_options(args, config)
    settings = BatchSettings(
        stt=options, emotion=feelings, write_reports=write_reports, llm=llm, max_followups=max_followups(args, config),
        formats=report_formats(args, config),
        resume=args.resume, max_answer_s=max_answer_s(args),
        meta={"stt_model": options.model, "interviewer": f"llm:{llm.model}" if llm else "offline",
              "emotion": emotion_label(feelings)})
    if args.executor == "ray":
        try:
            import ray  # noqa: F401
        except ImportError:
            from voice.errors import MissingDependency
            raise MissingDependency("ray", extra="ray") from None
    else:
        load_whisper(options)  # a bad model is one clean error, not fifty failed sessions
    jobs = output_folders(folders, args.out_root)
    workers = args.workers if args.workers is not None else 1
    if workers > 1 and options.cpu_threads == 0:
        import dataclasses
        import os
        # N workers each using every core only fight over them: share the cores out
        settings = dataclasses.replace(settings, stt=dataclasses.replace(
            options, cpu_threads=max(1, (os.cpu_count() or 1) // workers)))

    def report(result) -> None:
        if args.quiet and result.ok:
            return
        status = f"ok ({result.turns} turns)" if result.ok else f"FAILED: {result.message}"
        sys.stderr.write(f"{result.folder}: {status}\n")

    results = run_batch(jobs, settings, workers=workers, executor=args.executor,
                        ray_address=args.ray_address, on_result=report)
    ok, failed = summary(results)
    print(f"{ok} of {len(results)} sessions replayed" + (f", {failed} failed" if failed else ""))
    for result in results:
        if not result.ok:
            print(f"failed: {result.folder}: {result.message}")
    return 0 if failed == 0 else 1

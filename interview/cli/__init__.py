"""The `interview` command. The only place that prints; every subcommand is a module here.

Each command module exposes `NAME`, `HELP`, `add_arguments(parser)` and `run(args) -> int`.
A VivavoceError becomes one line on stderr and exit 2; anything else is a bug and shows a traceback.
"""
from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys

from voice.errors import VivavoceError

# Order is the order shown in --help.
COMMANDS = ("replay", "transcribe", "report", "live", "plan", "cohort", "review", "serve", "delete", "devices", "doctor")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, no usage dump
        sys.stderr.write(f"error: {message} (see '{self.prog} --help')\n")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="interview", description="Voice interviews: live, replayed from recordings, and reported.")
    parser.add_argument("--verbose", "-v", action="store_true", help="log details to stderr")
    parser.add_argument("--quiet", "-q", action="store_true", help="print only errors and final paths")
    # the same two flags after the command name; SUPPRESS keeps an absent one from undoing a given one
    shared = argparse.ArgumentParser(add_help=False)
    shared.add_argument("--verbose", "-v", action="store_true", default=argparse.SUPPRESS, help="log details to stderr")
    shared.add_argument("--quiet", "-q", action="store_true", default=argparse.SUPPRESS,
                        help="print only errors and final paths")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"interview.cli.{name}_cmd")
        except ModuleNotFoundError as e:
            if e.name == f"interview.cli.{name}_cmd":
                continue
            raise
        command = sub.add_parser(module.NAME, help=module.HELP, description=module.HELP, parents=[shared])
        module.add_arguments(command)
        command.set_defaults(run=module.run)
    return parser


def setup_logging(verbose: bool, quiet: bool) -> None:
    level = logging.DEBUG if verbose else logging.ERROR if quiet else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s: %(message)s" if not verbose
                        else "%(asctime)s %(name)s %(levelname)s: %(message)s")
    if not verbose:  # third-party chatter is not the user's business
        for noisy in ("faster_whisper", "transformers", "httpx", "openai", "urllib3", "weasyprint", "fontTools"):
            logging.getLogger(noisy).setLevel(logging.ERROR)


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    setup_logging(args.verbose, args.quiet)
    try:
        return int(args.run(args) or 0)
    except VivavoceError as e:
        sys.stderr.write(f"error: {e.one_line()}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""`interview transcribe FILE...`: one transcript per line on stdout."""
from __future__ import annotations

import argparse

from interview.cli.common import add_model_arguments, config_for, stt_options, warn
from voice.errors import VivavoceError

NAME = "transcribe"
HELP = "print the transcript of each audio file, one line per file"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help="audio files (wav, flac, ogg, mp3)")
    parser.add_argument("--vocabulary", metavar="TERMS", default="",
                        help="comma-separated terms to favour (e.g. 'XGBoost,FastAPI')")
    add_model_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from voice.audio import decode_file
    from voice.stt import WhisperTranscriber

    # check every file before loading the model: a typo should fail in milliseconds
    decoded = []
    failed = 0
    for name in args.files:
        try:
            decoded.append((name, decode_file(name)))
        except VivavoceError as e:
            failed += 1
            decoded.append((name, e))
    if failed == len(args.files):
        first = next(item for _, item in decoded if isinstance(item, VivavoceError))
        raise first
    transcriber = WhisperTranscriber(stt_options(args, config_for(args)))
    vocabulary = tuple(t.strip() for t in args.vocabulary.split(",") if t.strip())
    for name, item in decoded:
        if isinstance(item, VivavoceError):
            warn(item.one_line())
            print("")
            continue
        print(transcriber.transcribe(item, vocabulary=vocabulary).text, flush=True)
    return 2 if failed else 0

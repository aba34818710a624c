"""`interview transcribe FILE...`: one transcript per line on stdout (`--json`: one JSON object per line).

Files are decoded one at a time, each just before it is transcribed, so memory holds one recording (plus
the model), not all of them: ten 2-hour files cost one file's 460 MB, not 4.6 GB. Before the model loads,
each file's header is only read, so a typo or a file that is not audio still fails in milliseconds.
"""
from __future__ import annotations

import argparse
import json
from typing import Callable, Iterable, Iterator

from interview.cli.common import add_model_arguments, config_for, stt_options, warn
from voice.errors import VivavoceError

NAME = "transcribe"
HELP = "print the transcript of each audio file, one line per file"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help="audio files (wav, flac, ogg, mp3)")
    parser.add_argument("--vocabulary", metavar="TERMS", default="",
                        help="comma-separated terms to favour (e.g. 'XGBoost,FastAPI')")
    parser.add_argument("--json", action="store_true",
                        help="one JSON object per file: text, uncertain, and each word with its times and probability")
    add_model_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from voice.audio import check_audio_file, decode_file
    from voice.stt import WhisperTranscriber

    problems = {}
    for name in args.files:
        try:
            check_audio_file(name)
        except VivavoceError as e:
            problems[name] = e
    if len(problems) == len(args.files):
        raise problems[args.files[0]]
    transcriber = WhisperTranscriber(stt_options(args, config_for(args)))
    vocabulary = tuple(t.strip() for t in args.vocabulary.split(",") if t.strip())
    failed = 0
    for name, item in transcripts(args.files, problems, decode_file,
                                  lambda audio: transcriber.transcribe(audio, vocabulary=vocabulary)):
        if isinstance(item, VivavoceError):
            failed += 1
            warn(item.one_line())
            print(json.dumps({"file": name, "error": item.one_line()}) if args.json else "")
            continue
        print(_as_json(name, item) if args.json else item.text, flush=True)
    return 2 if failed else 0


def transcripts(names: Iterable[str], problems: dict, decode: Callable, transcribe: Callable) -> Iterator[tuple]:
    """(file, transcript or error) in order, each file decoded only when its turn comes and dropped after."""
    for name in names:
        if name in problems:
            yield name, problems[name]
            continue
        try:
            audio = decode(name)
        except VivavoceError as e:
            yield name, e
            continue
        transcript = transcribe(audio)
        del audio  # the next file is decoded only after this one is gone
        yield name, transcript


def _as_json(name: str, transcript) -> str:
    from voice.transcript import LOW_CONFIDENCE_PROBABILITY

    return json.dumps({
        "file": name, "text": transcript.text, "uncertain": transcript.uncertain,
        "low_confidence_below": LOW_CONFIDENCE_PROBABILITY,
        "words": [{"text": w.text, "start_s": round(w.start_s, 3), "end_s": round(w.end_s, 3),
                   "probability": round(w.probability, 4)} for w in transcript.words]}, ensure_ascii=False)

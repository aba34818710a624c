"""`interview transcribe FILE...`: one transcript per line on stdout (`--json`: one JSON object per line)."""
from __future__ import annotations

import argparse
import json

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
            print(json.dumps({"file": name, "error": item.one_line()}) if args.json else "")
            continue
        transcript = transcriber.transcribe(item, vocabulary=vocabulary)
        print(_as_json(name, transcript) if args.json else transcript.text, flush=True)
    return 2 if failed else 0


def _as_json(name: str, transcript) -> str:
    from voice.transcript import LOW_CONFIDENCE_PROBABILITY

    return json.dumps({
        "file": name, "text": transcript.text, "uncertain": transcript.uncertain,
        "low_confidence_below": LOW_CONFIDENCE_PROBABILITY,
        "words": [{"text": w.text, "start_s": round(w.start_s, 3), "end_s": round(w.end_s, 3),
                   "probability": round(w.probability, 4)} for w in transcript.words]}, ensure_ascii=False)

"""Arguments and model set-up shared by the commands that transcribe and score."""
from __future__ import annotations

import argparse
import sys
from typing import Any

from interview.config import load_config, setting


def add_model_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", metavar="FILE", help="settings file (TOML); flags override it")
    parser.add_argument("--stt-model", metavar="NAME|PATH",
                        help="speech model: tiny.en (default), base, or a CTranslate2 whisper folder")
    parser.add_argument("--beam-size", type=int, metavar="N", help="whisper beam size (default 5)")
    parser.add_argument("--language", metavar="CODE", help="spoken language for multilingual models (e.g. de)")


def stt_options(args: argparse.Namespace, config: dict[str, Any]):
    from voice.stt import DEFAULT_MODEL, SttOptions

    beam = args.beam_size if args.beam_size is not None else int(setting(config, "stt", "beam_size", 5))
    if beam < 1 or beam > 20:
        from voice.errors import VivavoceError
        raise VivavoceError(f"--beam-size {beam}: must be between 1 and 20")
    return SttOptions(model=args.stt_model or setting(config, "stt", "model", DEFAULT_MODEL), beam_size=beam,
                      language=args.language or setting(config, "stt", "language"))


def config_for(args: argparse.Namespace) -> dict[str, Any]:
    return load_config(getattr(args, "config", None))


def warn(message: str) -> None:
    sys.stderr.write(f"warning: {message}\n")


def add_emotion_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-emotion", action="store_true", help="no emotion analysis at all")
    parser.add_argument("--no-voice-emotion", action="store_true",
                        help="emotion from the words only, not from the voice")


def emotion_options(args: argparse.Namespace, config: dict[str, Any]):
    """Flags can only switch emotion off: a deployment that disabled it in its config stays off."""
    from nlp.emotion_local import EmotionOptions

    enabled = bool(setting(config, "emotion", "enabled", True)) and not args.no_emotion
    voice = bool(setting(config, "emotion", "voice", True)) and not args.no_voice_emotion
    return EmotionOptions(enabled=enabled, voice_enabled=voice,
                          window_s=float(setting(config, "emotion", "window_s", 10.0)))

"""Arguments and model set-up shared by the commands that transcribe and score."""
from __future__ import annotations

import argparse
import sys
from typing import Any

from interview.config import Settings, load_config, setting


def add_model_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", metavar="FILE", help="settings file (TOML); flags override it")
    parser.add_argument("--stt-model", metavar="NAME|PATH",
                        help="speech model: auto (default: tiny.en, and whisper base only where tiny.en "
                             "decodes poorly), tiny.en, base, or a CTranslate2 whisper folder")
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


def config_for(args: argparse.Namespace) -> Settings:
    return load_config(getattr(args, "config", None))


def warn(message: str) -> None:
    sys.stderr.write(f"warning: {message}\n")


def add_emotion_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-emotion", action="store_true", help="no emotion analysis at all")
    parser.add_argument("--no-voice-emotion", action="store_true",
                        help="emotion from the words only, not from the voice")


def emotion_label(options) -> str:
    """How emotion was analysed, for the journal header and the reports."""
    return "off" if not options.enabled else "words and voice" if options.voice_enabled else "words"


def emotion_options(args: argparse.Namespace, config: dict[str, Any]):
    """Flags can only switch emotion off: a deployment that disabled it in its config stays off."""
    from nlp.emotion_local import EmotionOptions

    enabled = bool(setting(config, "emotion", "enabled", True)) and not args.no_emotion
    voice = bool(setting(config, "emotion", "voice", True)) and not args.no_voice_emotion
    return EmotionOptions(enabled=enabled, voice_enabled=voice,
                          window_s=float(setting(config, "emotion", "window_s", 10.0)))


def add_interviewer_arguments(parser: argparse.ArgumentParser) -> None:
    from interview.llm import add_llm_arguments

    parser.add_argument("--max-followups", type=int, metavar="N",
                        help="follow-up questions per planned question (default 1; 0 for none)")
    add_llm_arguments(parser)


def llm_options(args: argparse.Namespace, config: Settings):
    """Flags, then environment, then the config file's [llm] section; None keeps everything offline.

    A ./vivavoce.toml may have been written by whoever wrote the folder: its [llm] section is announced,
    and it cannot by itself choose where a key goes (point at it with --config to trust it).
    """
    import os
    from dataclasses import replace

    from interview.llm import ENV_API_KEY_NAME, ENV_BASE_URL, ENV_MODEL, llm_options_from_args, redact_url

    section = config.get("llm", {})
    from_folder = config.found_by == "folder" and bool(section)
    if from_folder:
        where = f" at {redact_url(section['base_url'])}" if section.get("base_url") else ""
        warn(f"{config.path}: [llm] settings from the current folder are in effect (answers go to the LLM{where}); "
             "pass --config to confirm them")
    env = {ENV_BASE_URL: section.get("base_url", ""), ENV_MODEL: section.get("model", ""),
           ENV_API_KEY_NAME: section.get("api_key_env", ""), **os.environ}
    options = llm_options_from_args(args, {k: str(v) for k, v in env.items() if v})
    if options is None:
        return None
    if from_folder and not (getattr(args, "llm_api_key_env", None) or os.environ.get(ENV_API_KEY_NAME)):
        options = replace(options, key_named=False)
    limits = {k: section[k] for k in ("connect_timeout_s", "read_timeout_s", "max_retries") if k in section}
    if getattr(args, "llm_timeout_s", None) is not None:
        limits.pop("read_timeout_s", None)   # the flag wins over the file
    options = replace(options, **limits)
    if section.get("api_key") and not os.environ.get(options.api_key_env):
        os.environ[options.api_key_env] = str(section["api_key"])  # in-process only, never written out
    return options


def report_formats(args: argparse.Namespace, config: dict[str, Any]) -> tuple[str, ...]:
    """--format, else the config file's [report] formats, else md,html,json; a bad name is one error naming it."""
    from reports import DEFAULT_FORMATS, parse_formats
    from voice.errors import VivavoceError

    text = args.format or ",".join(config.get("report", {}).get("formats", DEFAULT_FORMATS))
    try:
        return parse_formats(text)
    except VivavoceError as e:
        raise VivavoceError(f"--format {text}: {e.message}", e.hint) from None


def max_followups(args: argparse.Namespace, config: dict[str, Any]) -> int:
    from voice.errors import VivavoceError

    value = args.max_followups if args.max_followups is not None else int(
        setting(config, "interview", "max_followups", 1))
    if not 0 <= value <= 5:
        raise VivavoceError(f"--max-followups {value}: must be between 0 and 5")
    return value


def max_answer_s(args: argparse.Namespace) -> float:
    """Replay's per-answer cap (live mode has its own, applied while listening)."""
    from interview.replay import MAX_ANSWER_S
    from voice.errors import VivavoceError

    value = args.max_answer_s if getattr(args, "max_answer_s", None) is not None else MAX_ANSWER_S
    if not 0 < value <= 4 * 3600:
        raise VivavoceError(f"--max-answer-s {value:g}: must be more than 0 and at most 14400 (4 h)")
    return float(value)


# live mode's defaults, for the flags and [live] keys that are not given
LIVE_DEFAULTS = {"end_silence_ms": 1500, "short_answer_silence_ms": None, "max_answer_s": 180.0,
                 "echo_tail_ms": 300, "tts": "pyttsx3", "voice": None, "input_device": None, "output_device": None}


def apply_live_settings(args: argparse.Namespace, config: Settings) -> None:
    """Fill the live flags not given from the config's [live] section, then from the defaults."""
    section = config.get("live", {})
    for key, default in LIVE_DEFAULTS.items():
        if getattr(args, key, None) is None:
            value = section.get(key, default)
            # a device index in the file is a number; on the command line it is text
            setattr(args, key, str(value) if key.endswith("_device") and value is not None else value)
    if args.short_answer_silence_ms is None:  # people pause to think early in an answer
        args.short_answer_silence_ms = max(3000, args.end_silence_ms)

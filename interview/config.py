"""Deployment settings from a TOML file, so a whole installation can set policy (e.g. emotion off)
without relying on every operator passing the right flag. Command-line flags override the file.

Looked up in order: --config PATH, $VIVAVOCE_CONFIG, ./vivavoce.toml, ~/.config/vivavoce/config.toml.
"""
from __future__ import annotations

import logging
import os
import stat
import tomllib
from pathlib import Path
from typing import Any

from voice.errors import VivavoceError

log = logging.getLogger(__name__)

KNOWN = {
    "stt": {"model", "beam_size", "language"},
    "emotion": {"enabled", "voice", "window_s"},
    "llm": {"base_url", "model", "api_key_env", "api_key", "connect_timeout_s", "read_timeout_s", "max_retries"},
    "report": {"formats"},
    "interview": {"max_followups", "consent_notice"},
    "live": {"end_silence_ms", "short_answer_silence_ms", "max_answer_s", "tts", "voice", "input_device",
             "output_device", "echo_tail_ms"},
}


def config_path(explicit: str | None) -> Path | None:
    for candidate in (explicit, os.environ.get("VIVAVOCE_CONFIG"), "vivavoce.toml",
                      os.path.expanduser("~/.config/vivavoce/config.toml")):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
        if candidate and candidate == explicit:
            raise VivavoceError(f"{candidate}: config file not found")
    return None


def load_config(explicit: str | None = None) -> dict[str, dict[str, Any]]:
    """The settings as {section: {key: value}}; empty when there is no config file."""
    path = config_path(explicit)
    if path is None:
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        raise VivavoceError(f"{path}: cannot read config ({e})") from None
    except tomllib.TOMLDecodeError as e:
        raise VivavoceError(f"{path}: invalid TOML ({e})") from None
    for section, values in data.items():
        if section not in KNOWN or not isinstance(values, dict):
            log.warning("%s: unknown section [%s] ignored", path, section)
            continue
        for key in values:
            if key not in KNOWN[section]:
                log.warning("%s: unknown key %s.%s ignored", path, section, key)
    if "api_key" in data.get("llm", {}):
        mode = path.stat().st_mode
        if mode & (stat.S_IRGRP | stat.S_IROTH):
            log.warning("%s holds an API key but is readable by others; run: chmod 600 %s", path, path)
    return {k: v for k, v in data.items() if isinstance(v, dict)}


def setting(config: dict[str, dict[str, Any]], section: str, key: str, default: Any = None) -> Any:
    return config.get(section, {}).get(key, default)

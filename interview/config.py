"""Deployment settings from a TOML file, so a whole installation can set policy (e.g. emotion off)
without relying on every operator passing the right flag. Command-line flags override the file.

Looked up in order: --config PATH, $VIVAVOCE_CONFIG, ./vivavoce.toml, ~/.config/vivavoce/config.toml.

The file fails closed: every section and key is checked against a schema, and a wrong type, an
unknown value or an unknown key stops with one line naming the file, the key and what is expected.
A setting that silently meant something else would be worse than none: `enabled = "false"` (text)
once left emotion on, the setting README recommends turning off for hiring in the EU.
"""
from __future__ import annotations

import logging
import os
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from voice.errors import VivavoceError

log = logging.getLogger(__name__)

FORMATS = ("md", "html", "json", "pdf")
# where a config file was found; "folder" (./vivavoce.toml) can be planted by whoever wrote the folder
FoundBy = str


@dataclass(frozen=True)
class Settings:
    """The validated settings as {section: {key: value}} (only keys the file sets), and where they came from."""

    sections: dict[str, dict[str, Any]] = field(default_factory=dict)
    path: Path | None = None
    found_by: FoundBy = "none"     # flag, environment, folder, user or none

    def get(self, section: str, default: Any = None) -> Any:   # a mapping's get, for callers that take one
        return self.sections.get(section, default)


def _schema() -> dict[str, type]:
    """One pydantic model per section; strict, so text never passes for a number or a boolean."""
    from typing import Literal

    from pydantic import BaseModel, ConfigDict, Field

    class Section(BaseModel):
        # every key is optional (defaults live with the code that reads it); only what is set is checked
        model_config = ConfigDict(strict=True, extra="forbid")

    class Stt(Section):
        model: str = Field(None, min_length=1)
        beam_size: int = Field(None, ge=1, le=20)
        language: str = Field(None, min_length=2, max_length=8)

    class Emotion(Section):
        enabled: bool = None
        voice: bool = None
        window_s: float = Field(None, ge=2, le=60)

    class Llm(Section):
        base_url: str = Field(None, pattern=r"^https?://")
        model: str = Field(None, min_length=1)
        api_key_env: str = Field(None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
        api_key: str = Field(None, min_length=1)
        connect_timeout_s: float = Field(None, gt=0, le=300)
        read_timeout_s: float = Field(None, gt=0, le=3600)
        max_retries: int = Field(None, ge=0, le=10)

    class Report(Section):
        formats: list[Literal["md", "html", "json", "pdf"]] = Field(None, min_length=1)

    class Interview(Section):
        max_followups: int = Field(None, ge=0, le=5)
        consent_notice: str = None

    class Live(Section):
        end_silence_ms: int = Field(None, ge=200, le=10_000)
        short_answer_silence_ms: int = Field(None, ge=200, le=20_000)
        max_answer_s: float = Field(None, gt=0, le=3600)
        echo_tail_ms: int = Field(None, ge=0, le=5000)
        tts: Literal["pyttsx3", "espeak"] = None
        voice: str = None
        input_device: str | int = None
        output_device: str | int = None

    return {"stt": Stt, "emotion": Emotion, "llm": Llm, "report": Report, "interview": Interview, "live": Live}


def config_path(explicit: str | None) -> tuple[Path, FoundBy] | None:
    """The config file in effect and how it was found, or None."""
    for candidate, found_by in ((explicit, "flag"), (os.environ.get("VIVAVOCE_CONFIG"), "environment"),
                                ("vivavoce.toml", "folder"),
                                (os.path.expanduser("~/.config/vivavoce/config.toml"), "user")):
        if candidate and Path(candidate).is_file():
            return Path(candidate), found_by
        if candidate and candidate == explicit:
            raise VivavoceError(f"{candidate}: config file not found")
    return None


def load_config(explicit: str | None = None) -> Settings:
    """The validated settings; empty when there is no config file. Raises VivavoceError naming the key."""
    found = config_path(explicit)
    if found is None:
        return Settings()
    path, found_by = found
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        raise VivavoceError(f"{path}: cannot read config ({e})") from None
    except tomllib.TOMLDecodeError as e:
        raise VivavoceError(f"{path}: invalid TOML ({e})") from None
    sections = validate(data, path)
    if "api_key" in sections.get("llm", {}):
        mode = path.stat().st_mode
        if mode & (stat.S_IRGRP | stat.S_IROTH | stat.S_IWGRP | stat.S_IWOTH):
            raise VivavoceError(f"{path}: holds an API key but others can read or change it",
                                f"run: chmod 600 {path}, or keep the key in the environment (api_key_env)")
    return Settings(sections, path, found_by)


def validate(data: dict[str, Any], path: Path) -> dict[str, dict[str, Any]]:
    """{section: {key: value}} for the keys set, or VivavoceError('<file>: [section] key: expected ...')."""
    from pydantic import ValidationError

    schema = _schema()
    out: dict[str, dict[str, Any]] = {}
    for section, values in data.items():
        if section not in schema:
            raise VivavoceError(f"{path}: unknown section [{section}]",
                                f"known sections: {', '.join(f'[{s}]' for s in schema)}")
        if not isinstance(values, dict):
            raise VivavoceError(f"{path}: {section} must be a [{section}] section, got {_shown(values)}")
        try:
            model = schema[section].model_validate(values)
        except ValidationError as e:
            raise VivavoceError(_problem(path, section, e.errors()[0], schema[section])) from None
        out[section] = model.model_dump(exclude_unset=True)
    return out


def _problem(path: Path, section: str, error: dict[str, Any], model: type) -> str:
    loc = [str(p) for p in error["loc"] if p not in ("str", "int")]   # union branches name their type
    key = loc[0] if loc else "?"
    where = f"{path}: [{section}] {key}" + "".join(f"[{p}]" for p in loc[1:])
    if error["type"] == "extra_forbidden":
        return f"{where}: unknown key (known: {', '.join(model.model_fields)})"
    expected = _EXPECTED.get(error["type"]) or error["msg"].removeprefix("Input should be ").rstrip(".")
    if error["type"] == "literal_error":
        expected = f"one of {error['ctx']['expected']}"
    if key in ("input_device", "output_device") and error["type"] in ("string_type", "int_type"):
        expected = "a device name (text) or index (a whole number)"
    return f"{where}: expected {expected}, got {_shown(error['input'])}"


_EXPECTED = {"bool_type": "true or false (without quotes)", "int_type": "a whole number (without quotes)",
             "float_type": "a number (without quotes)", "string_type": "text in double quotes",
             "list_type": 'a list, e.g. ["md", "html"]', "missing": "a value"}


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return f'the text "{value[:40]}"'
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (dict, list)):
        return "a table" if isinstance(value, dict) else "a list"
    return repr(value)[:40]


def setting(config: Settings | dict[str, dict[str, Any]], section: str, key: str, default: Any = None) -> Any:
    return config.get(section, {}).get(key, default)

"""A session folder that can be moved, zipped or served from elsewhere and still be re-analysed.

A live session folder holds everything a replay needs: its copy of the plan, the job description and
resume that plan refers to, every answer recording and the journal. Paths the journal records are
relative to the folder when they lie inside it, and are resolved against the folder (never the current
folder) when read back. A replay output folder keeps its source recordings where they are and names
them; when they have moved, `missing_recordings` says which.
"""
from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Iterable

from interview.plan import Plan, looks_like_path
from voice.errors import VivavoceError

PLAN_NAME = "plan.yaml"
DOCUMENT_FIELDS = ("job_description", "resume")


def output_folder(path: str | os.PathLike, flag: str = "--out") -> Path:
    """`path` as a folder to write into; a clean error when it names an existing file."""
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise VivavoceError(f"{folder}: exists and is not a folder", f"give {flag} a folder (new or existing)")
    return folder


def copy_plan(plan: Plan, session_dir: Path) -> Plan:
    """Write the plan into the session folder with the documents it refers to; returns the plan as the
    session knows it (its source is the folder's own plan.yaml, so the journal names no outside path).

    A plan without document paths is copied byte for byte. One that names files gets each document written
    beside it as `<field>.md` (a name no recording or report uses) and its reference rewritten to match.
    """
    import yaml

    target = session_dir / PLAN_NAME
    source = Path(plan.source) if plan.source else None
    if source is None or not source.is_file():
        return replace(plan, source=PLAN_NAME)
    text = source.read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    named = [f for f in DOCUMENT_FIELDS
             if isinstance(raw, dict) and isinstance(raw.get(f), str) and looks_like_path(raw[f].strip())]
    if named:
        for field in named:
            _write_private(session_dir / f"{field}.md", getattr(plan, field) or "")
            raw[field] = f"{field}.md"
        text = yaml.safe_dump(raw, sort_keys=False, allow_unicode=True, width=100)
    if source.resolve() != target.resolve():
        _write_private(target, text)
    return replace(plan, source=PLAN_NAME)


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)


def journaled_path(path: str | os.PathLike, folder: Path) -> str:
    """How the journal in `folder` names a recording: relative inside the folder, absolute outside it."""
    absolute = Path(path).resolve()
    try:
        return absolute.relative_to(folder.resolve()).as_posix()
    except ValueError:
        return str(absolute)


def resolve_journaled(value: str, folder: Path) -> Path:
    """A path read from the journal in `folder`: relative ones are the folder's, never the current folder's."""
    path = Path(value)
    return path if path.is_absolute() else folder / path


def missing_recordings(audio_paths: Iterable[str | None], folder: Path) -> list[Path]:
    """The journaled recordings that are no longer where the journal says, in journal order."""
    missing: list[Path] = []
    for value in audio_paths:
        if value and not resolve_journaled(value, folder).is_file():
            missing.append(resolve_journaled(value, folder))
    return list(dict.fromkeys(missing))

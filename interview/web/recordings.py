"""Which answer recordings the workspace may serve: only files a session's journal names, inside the allowed roots.

The allowed roots of a session are ROOT itself and the recorded source folder its journal header names
(`meta.source`: a replay journals the folder it replayed, e.g. examples/ml-engineer, which usually lies
outside ROOT). A relative source is taken relative to the session folder, then to the folder the server
was started in (where `interview replay` was run), and else stands for the folder of that name that holds
the recording (the recording's real path must end in `<source>/<file>` or deeper under it). A recording
is served when
- a turn with that question id names it (`audio_path`; a relative path is relative to the session folder),
- its real path (symlinks resolved) is a regular file inside one of the allowed roots, and
- it has an audio suffix (.wav, .flac, .ogg, .mp3).
Anything else is "not found": the request never names a path, only a session id and a question id.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from voice.audio import AUDIO_SUFFIXES

_MEDIA_TYPES = {".wav": "audio/wav", ".flac": "audio/flac", ".ogg": "audio/ogg", ".mp3": "audio/mpeg"}
# one entry per suffix replay accepts: a suffix added there without a type here fails at import
AUDIO_TYPES = {suffix: _MEDIA_TYPES[suffix] for suffix in AUDIO_SUFFIXES}


def allowed_roots(root: Path, folder: Path, meta: dict[str, Any], cwd: Path | None = None) -> tuple[Path, ...]:
    roots = [root.resolve()]
    source = meta.get("source")
    if isinstance(source, str) and source.strip():
        named = Path(source)
        bases = [named] if named.is_absolute() else [folder / named, (cwd or Path.cwd()) / named]
        for base in bases:
            try:
                resolved = base.resolve(strict=True)
            except (OSError, RuntimeError):
                continue
            if resolved.is_dir() and resolved != Path(resolved.anchor) and resolved not in roots:
                roots.append(resolved)
    return tuple(roots)


def answer_recording(root: Path, folder: Path, record, question_id: str, cwd: Path | None = None) -> Path | None:
    """The real path of the recording of `question_id`'s answer, or None when it may not be served."""
    named = next((t.audio_path for t in reversed(record.turns) if t.question.id == question_id), None)
    if not named:
        return None
    path = Path(named)
    if not path.is_absolute():
        path = folder / path
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if real.suffix.lower() not in AUDIO_TYPES or not real.is_file():
        return None
    roots = allowed_roots(root, folder, record.meta, cwd) + _named_source_above(real, record.meta)
    if not any(real.is_relative_to(allowed) for allowed in roots):
        return None
    return real


def _named_source_above(real: Path, meta: dict[str, Any]) -> tuple[Path, ...]:
    """The ancestor of `real` whose trailing folder names are the relative source, e.g. .../examples/ml-engineer."""
    source = meta.get("source")
    if not isinstance(source, str) or not source.strip() or Path(source).is_absolute():
        return ()
    parts = Path(source).parts
    if not parts or any(part in ("..", ".") for part in parts):
        return ()
    for ancestor in real.parents:
        if ancestor.parts[-len(parts):] == parts:
            return (ancestor,)
    return ()

"""Writing report files: atomically (temp file + os.replace), private (0600), transcript.md always."""
from __future__ import annotations

import logging
import os
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterable

from interview.records import SessionRecord
from reports.model import Evaluation
from voice.errors import VivavoceError

log = logging.getLogger(__name__)

FORMATS = ("md", "html", "pdf", "json")
DEFAULT_FORMATS = ("md", "html", "json")


def parse_formats(text: str | Iterable[str]) -> tuple[str, ...]:
    """'md,html' -> ('md', 'html'); an unknown name is a user mistake."""
    names = [n.strip().lower() for n in (text.split(",") if isinstance(text, str) else text)]
    names = [n for n in names if n]
    unknown = [n for n in names if n not in FORMATS]
    if unknown:
        raise VivavoceError(f"unknown report format '{unknown[0]}'", f"choose from {','.join(FORMATS)}")
    if not names:
        raise VivavoceError("no report format given", f"choose from {','.join(FORMATS)}")
    return tuple(dict.fromkeys(names))


def write_reports(record: SessionRecord, out_dir: str | Path,
                  formats: Iterable[str] = DEFAULT_FORMATS, *, session_dir: str | Path | None = None) -> dict[str, Path]:
    """Build the evaluation and write report.<fmt> for each format plus transcript.md.

    `session_dir` is the folder whose journal the record came from (default: `out_dir`, where a session
    writes its own reports); the journal's relative recording paths are that folder's.
    Returns {"md": path, ..., "transcript": path}. Each file appears whole or not at all.
    """
    from reports.build import build_evaluation

    chosen = parse_formats(formats)
    out = Path(out_dir)
    evaluation = with_audio_links(build_evaluation(record), out, Path(session_dir) if session_dir else out)
    out.mkdir(parents=True, exist_ok=True, mode=0o700)
    written: dict[str, Path] = {}
    for fmt in chosen:
        content = renderer(fmt)(evaluation)
        written[fmt] = write_atomic(out / f"report.{fmt}", content)
    from reports.render_md import render_transcript_md
    written["transcript"] = write_atomic(out / "transcript.md", render_transcript_md(evaluation))
    return written


def with_audio_links(evaluation: Evaluation, out: Path, session_dir: Path) -> Evaluation:
    """Each turn's recording as a path relative to the report's folder, so the report's audio player
    keeps working when the folder holding both is moved; None when there is no recording on disk."""
    from interview.session_folder import resolve_journaled

    def link(path: str | None) -> str | None:
        if not path:
            return None
        found = resolve_journaled(path, session_dir)
        if not found.is_file():
            return None
        return Path(os.path.relpath(found.resolve(), out.resolve())).as_posix()
    return replace(evaluation, turns=tuple(replace(t, audio=link(t.audio_path)) for t in evaluation.turns))


def rewrite_reports(folder: str | Path) -> dict[str, Path]:
    """Render again, from FOLDER's journal, the report files already in FOLDER (e.g. after a review).

    Returns the files written; empty when the folder holds no report yet.
    """
    from interview.journal import read_journal

    folder = Path(folder)
    present = tuple(f for f in FORMATS if (folder / f"report.{f}").is_file())
    if not present:
        return {}
    return write_reports(read_journal(folder).record(), folder, present)


def renderer(fmt: str) -> Callable[[Evaluation], str | bytes]:
    """The function that renders an Evaluation as `fmt` (md, json, html, pdf)."""
    if fmt == "md":
        from reports.render_md import render_md
        return render_md
    if fmt == "json":
        from reports.render_json import render_json
        return render_json
    if fmt == "html":
        from reports.render_html import render_html
        return render_html
    if fmt == "pdf":
        from reports.render_pdf import render_pdf
        return render_pdf
    raise VivavoceError(f"unknown report format '{fmt}'")


def write_atomic(path: Path, content: str | bytes) -> Path:
    """Write via a temp file in the same folder and os.replace, so readers never see half a report."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return path

"""Evaluation reports: a session record in, report.md / .html / .pdf / .json and transcript.md out.

`build_evaluation(record)` decides every number; the renderers only format. `write_reports` is the
one entry point the CLI and the replay pipeline call.
"""
from __future__ import annotations

from reports.write import DEFAULT_FORMATS, FORMATS, parse_formats, rewrite_reports, write_reports

__all__ = ["DEFAULT_FORMATS", "FORMATS", "parse_formats", "rewrite_reports", "write_reports"]

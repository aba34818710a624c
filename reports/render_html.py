"""Evaluation -> one self-contained report.html."""
from __future__ import annotations

import html

from reports.model import Evaluation
from reports.render_md import render_md


def render_html(ev: Evaluation) -> str:
    body = html.escape(render_md(ev))
    return ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Interview evaluation</title>"
            "</head><body><pre style=\"white-space:pre-wrap;font-family:sans-serif\">" + body + "</pre></body></html>\n")

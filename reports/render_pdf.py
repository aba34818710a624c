"""Evaluation -> report.pdf, laid out by weasyprint from the same self-contained HTML (no network)."""
from __future__ import annotations

import logging

from reports.model import Evaluation
from voice.errors import MissingDependency

log = logging.getLogger(__name__)


def render_pdf(ev: Evaluation) -> bytes:
    try:
        from weasyprint import HTML
    except ImportError as e:  # also raised when its system libraries (pango) are missing
        raise MissingDependency("weasyprint", extra="pdf") from e
    from reports.render_html import render_html

    def no_fetch(url: str, *args: object, **kwargs: object) -> dict:
        # the report is self-contained; refusing every fetch keeps rendering offline and private
        raise ValueError(f"external resource refused: {url[:60]}")

    return HTML(string=render_html(ev), url_fetcher=no_fetch).write_pdf()

"""Evaluation -> report.pdf, laid out by weasyprint from the same self-contained HTML (no network)."""
from __future__ import annotations

import logging

from reports.model import Evaluation
from voice.errors import MissingDependency

log = logging.getLogger(__name__)


def render_pdf(ev: Evaluation) -> bytes:
    from reports.render_html import render_html

    return html_to_pdf(render_html(ev))


def html_to_pdf(html: str) -> bytes:
    """A self-contained HTML page -> PDF bytes; any fetch (image, font, stylesheet by URL) is refused."""
    try:
        from weasyprint import HTML
    except ImportError as e:  # also raised when its system libraries (pango) are missing
        raise MissingDependency("weasyprint", extra="pdf") from e

    def no_fetch(url: str, *args: object, **kwargs: object) -> dict:
        # the page is self-contained; refusing every fetch keeps rendering offline and private
        raise ValueError(f"external resource refused: {url[:60]}")

    return HTML(string=html, url_fetcher=no_fetch).write_pdf()

"""Audit -> CSV (one row per category, metadata rows first), Markdown tables, an HTML section, a PDF summary."""
from __future__ import annotations

import csv
import io
from html import escape

from reports.audit import Audit, AuditTable, CategoryRow
from reports.cohort import FOUR_FIFTHS
from reports.render_cohort import md_cell
from reports.styles import CSS

CSV_COLUMNS = ("table", "category", "applicants", "decided", "selected", "selection_rate", "selection_impact_ratio",
               "above_median", "scoring_rate", "scoring_impact_ratio", "below_four_fifths", "note")
ABOUT = ("Selection rate: share of a category's candidates who passed the cohort cut. Scoring rate: share whose "
         "overall score is above the cohort's median score. Impact ratio: a category's rate over the highest "
         f"category's rate; below {FOUR_FIFTHS} (the four-fifths rule) is marked for review. Categories under 2 % "
         "of the cohort are shown but left out of the ratios. Categories are self-reported and optional.")


def _rate(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def metadata_rows(audit: Audit) -> list[tuple[str, str]]:
    m = audit.metadata
    window = " to ".join(x for x in (m.first_session, m.last_session) if x) or "unknown"
    return [("audit date", m.audit_date), ("role", m.role or "all roles"), ("data window", window),
            ("sessions", str(m.sessions)), ("decided (pass or fail)", str(m.decided)),
            ("pass rate", f"{m.pass_rate:g}"), ("median score", "n/a" if m.median_score is None else f"{m.median_score:g}"),
            ("vivavoce version", m.vivavoce_version), ("models", "; ".join(m.models) or "not recorded"),
            ("scorer", "; ".join(m.scorers) or "not recorded"), ("data source", m.data_source)]


def render_audit_csv(audit: Audit) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for key, value in metadata_rows(audit):
        writer.writerow(["metadata", key] + [""] * (len(CSV_COLUMNS) - 3) + [value])
    for table in audit.tables:
        for r in table.rows:
            writer.writerow([table.dimension, r.category, r.applicants, r.decided, r.selected, _csv(r.selection_rate),
                             _csv(r.selection_impact_ratio), r.above_median, _csv(r.scoring_rate),
                             _csv(r.scoring_impact_ratio), "yes" if r.below_four_fifths else "no", r.excluded])
        writer.writerow([table.dimension, "unknown", table.unknown] + [""] * (len(CSV_COLUMNS) - 4)
                        + ["no category given; not in the table's rates"])
    return out.getvalue()


def _csv(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def _ratio_text(ratio: float | None, excluded: str) -> str:
    if excluded:
        return "excluded"
    return _rate(ratio) + (" ⚠" if ratio is not None and ratio < FOUR_FIFTHS else "")


def render_audit_md(audit: Audit) -> str:
    lines = ["## Bias audit: selection and scoring rates by category", "", ABOUT, ""]
    lines += [f"- {k}: {md_cell(v)}" for k, v in metadata_rows(audit)] + [""]
    for table in audit.tables:
        lines += [f"### {table.title}", "", "| Category | Applicants | Selected | Selection rate | Selection impact ratio "
                  "| Above median | Scoring rate | Scoring impact ratio | Note |", "|---|---|---|---|---|---|---|---|---|"]
        for r in table.rows:
            lines.append(f"| {md_cell(r.category)} | {r.applicants} | {r.selected}/{r.decided} | {_rate(r.selection_rate)} "
                         f"| {_ratio_text(r.selection_impact_ratio, r.excluded)} | {r.above_median} "
                         f"| {_rate(r.scoring_rate)} | {_ratio_text(r.scoring_impact_ratio, r.excluded)} "
                         f"| {md_cell(r.excluded)} |")
        lines += ["", f"Unknown category: {table.unknown}", ""]
    if audit.warnings:
        lines += ["### Audit warnings", ""] + [f"- {md_cell(w)}" for w in audit.warnings] + [""]
    return "\n".join(lines)


def render_audit_section(audit: Audit) -> str:
    """The audit as an HTML section (every text escaped): shared by the PDF summary and the workspace."""
    e = escape
    meta = "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in metadata_rows(audit))
    tables = "".join(_html_table(t) for t in audit.tables)
    warnings = ""
    if audit.warnings:
        warnings = ('<h3>Marked for review</h3><ul class="audit-warnings">'
                    + "".join(f"<li>{e(w)}</li>" for w in audit.warnings) + "</ul>")
    return (f'<section class="audit"><h2>Bias audit: selection and scoring rates by category</h2><p class="muted">{e(ABOUT)}</p>'
            f'<table class="audit-meta">{meta}</table>{tables}{warnings}</section>')


def _html_table(table: AuditTable) -> str:
    e = escape
    head = ('<tr><th></th><th></th><th colspan="3" class="group">Selection</th><th colspan="3" class="group">Scoring '
            '(above the median)</th><th></th></tr><tr><th>Category</th><th class="num">Applicants</th>'
            '<th class="num">Selected</th><th class="num">Rate</th><th class="num">Impact ratio</th>'
            '<th class="num">Above median</th><th class="num">Rate</th><th class="num">Impact ratio</th><th>Note</th></tr>')
    rows = "".join(_html_row(r) for r in table.rows) or '<tr><td colspan="9">No candidate has a known category.</td></tr>'
    return (f'<h3>{e(table.title)}</h3><table class="audit-table">{head}{rows}</table>'
            f'<p class="muted">Unknown category: {table.unknown}</p>')


def _html_row(r: CategoryRow) -> str:
    e = escape

    def ratio(value: float | None) -> str:
        warn = value is not None and value < FOUR_FIFTHS
        return f'<td class="{"warn" if warn else "num"}">{e(_ratio_text(value, r.excluded))}</td>'
    return (f'<tr{" class=excluded" if r.excluded else ""}><td>{e(r.category)}</td><td class="num">{r.applicants}</td>'
            f'<td class="num">{r.selected}/{r.decided}</td><td class="num">{_rate(r.selection_rate)}</td>'
            f'{ratio(r.selection_impact_ratio)}<td class="num">{r.above_median}</td>'
            f'<td class="num">{_rate(r.scoring_rate)}</td>{ratio(r.scoring_impact_ratio)}<td>{e(r.excluded)}</td></tr>')


AUDIT_CSS = """td.num, th.num { text-align: right; } td.warn { text-align: right; color: #b42318; font-weight: bold; }
tr.excluded td { color: #667085; } table.audit-meta th { font-weight: normal; color: #667085; }
th.group { text-align: center; } ul.audit-warnings li { color: #b54708; }"""


def render_audit_html(audit: Audit) -> str:
    """A whole page: the PDF summary's source."""
    role = f": {escape(audit.metadata.role)}" if audit.metadata.role else ""
    return ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Bias audit</title>"
            f"<style>{CSS}{AUDIT_CSS}</style></head><body><main><h1>Bias audit summary{role}</h1>"
            f"{render_audit_section(audit)}</main></body></html>\n")


def render_audit_pdf(audit: Audit) -> bytes:
    from reports.render_pdf import html_to_pdf

    return html_to_pdf(render_audit_html(audit))


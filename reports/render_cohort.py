"""Cohort -> cohort.md / cohort.json / cohort.html: ranking, decisions, score distribution, impact ratios."""
from __future__ import annotations

import json
from dataclasses import asdict
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from reports.cohort import FOUR_FIFTHS, Cohort
from reports.styles import CSS
from reports.write import write_atomic

if TYPE_CHECKING:
    from reports.audit import Audit

BIN_WIDTH = 10


def distribution(cohort: Cohort) -> list[tuple[str, int]]:
    """Scores counted in bins of 10 (0-9, ..., 90-100)."""
    counts = [0] * 10
    for e in cohort.entries:
        if e.score is not None:
            counts[min(9, max(0, e.score) // BIN_WIDTH)] += 1
    return [(f"{i * BIN_WIDTH}-{i * BIN_WIDTH + 9 if i < 9 else 100}", c) for i, c in enumerate(counts)]


def cohort_to_dict(cohort: Cohort, audit: "Audit | None" = None) -> dict:
    extra = {}
    if audit is not None:
        from reports.audit import audit_to_dict
        extra["audit"] = audit_to_dict(audit)
    return {"pass_rate": cohort.pass_rate, "pass_count": cohort.pass_count, "total": len(cohort.entries),
            "decisions": cohort.decisions(), "ranking": [asdict(e) for e in cohort.entries],
            "distribution": dict(distribution(cohort)), "groups": [asdict(g) for g in cohort.groups],
            "four_fifths_threshold": FOUR_FIFTHS, "warnings": list(cohort.warnings), **extra}


def _score(score: int | None) -> str:
    return "n/a" if score is None else str(score)


def render_cohort_json(cohort: Cohort, audit: "Audit | None" = None) -> str:
    return json.dumps(cohort_to_dict(cohort, audit), indent=2, ensure_ascii=False) + "\n"


def render_cohort_md(cohort: Cohort, audit: "Audit | None" = None) -> str:
    n = len(cohort.entries)
    lines = ["# Cohort decisions", "",
             f"Pass rate {cohort.pass_rate:g}: the top {cohort.pass_count} of {n} sessions pass "
             f"(ceil({cohort.pass_rate:g} x {n})). Ties on score are broken by average relevance, then folder name.",
             "", "| Rank | Session | Candidate | Score | Decision |", "|---|---|---|---|---|"]
    for e in cohort.entries:
        tie = " (tie at cut)" if e.tied_at_cut else ""
        lines.append(f"| {e.rank or '-'} | {md_cell(e.folder)} | {md_cell(e.candidate)} | {_score(e.score)} | "
                     f"{e.decision}{tie} |")
    lines += ["", "## Score distribution", "", "```"]
    lines += [f"{label:>7} | {'#' * count} {count}" for label, count in distribution(cohort)]
    lines += ["```", ""]
    if cohort.groups:
        lines += ["## Selection rates and impact ratios (four-fifths rule)", "",
                  "| Group | Passed | Total | Selection rate | Impact ratio |", "|---|---|---|---|---|"]
        for g in cohort.groups:
            ratio = "n/a" if g.impact_ratio is None else f"{g.impact_ratio:.2f}" + (" ⚠ below 0.8" if g.below_four_fifths else "")
            lines.append(f"| {md_cell(g.group)} | {g.passed} | {g.total} | {g.selection_rate:.2f} | {ratio} |")
        lines.append("")
    if cohort.warnings:
        lines += ["## Warnings", ""] + [f"- {md_cell(w)}" for w in cohort.warnings] + [""]
    if audit is not None:
        from reports.render_audit import render_audit_md
        lines.append(render_audit_md(audit))
    return "\n".join(lines)


def render_cohort_html(cohort: Cohort, audit: "Audit | None" = None) -> str:
    e = escape
    audit_section = ""
    if audit is not None:
        from reports.render_audit import AUDIT_CSS, render_audit_section
        audit_section = f"<style>{AUDIT_CSS}</style>{render_audit_section(audit)}"
    rows = "".join(
        f"<tr class=\"{x.decision}\"><td>{x.rank or '-'}</td><td>{e(x.folder)}</td><td>{e(x.candidate)}</td><td>{_score(x.score)}</td>"
        f"<td><strong>{x.decision}</strong>{' (tie at cut)' if x.tied_at_cut else ''}</td></tr>" for x in cohort.entries)
    groups = ""
    if cohort.groups:
        cells = []
        for g in cohort.groups:
            ratio = "n/a" if g.impact_ratio is None else f"{g.impact_ratio:.2f}"
            warn = ' class="warn"' if g.below_four_fifths else ""
            cells.append(f"<tr><td>{e(g.group)}</td><td>{g.passed}</td><td>{g.total}</td>"
                         f"<td>{g.selection_rate:.2f}</td><td{warn}>{ratio}</td></tr>")
        groups = ("<h2>Selection rates and impact ratios</h2><table><tr><th>Group</th><th>Passed</th><th>Total</th>"
                  "<th>Selection rate</th><th>Impact ratio</th></tr>" + "".join(cells) + "</table>")
    warnings = "".join(f'<p class="advisory">{e(w)}</p>' for w in cohort.warnings)
    return ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Cohort decisions</title>"
            f"<style>{CSS} tr.pass td {{ background:#ecfdf3; }} td.warn {{ color:#b42318; font-weight:bold; }}</style>"
            f"</head><body><main><h1>Cohort decisions</h1><p>Pass rate {cohort.pass_rate:g}: the top "
            f"{cohort.pass_count} of {len(cohort.entries)} sessions pass. Ties on score are broken by average "
            f"relevance, then folder name.</p>{warnings}<h2>Ranking</h2><table><tr><th>Rank</th><th>Session</th>"
            f"<th>Candidate</th><th>Score</th><th>Decision</th></tr>{rows}</table><h2>Score distribution</h2>"
            f"{_histogram(cohort)}{groups}{audit_section}</main></body></html>\n")


def _histogram(cohort: Cohort) -> str:
    bins = distribution(cohort)
    top = max(1, max(c for _, c in bins))
    bar_w, height = 60, 160
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {len(bins) * bar_w + 20} {height + 40}" '
             f'width="100%" role="img" aria-label="Score distribution">']
    for i, (label, count) in enumerate(bins):
        h = height * count / top
        x = 10 + i * bar_w
        parts.append(f'<rect x="{x + 6}" y="{10 + height - h:.1f}" width="{bar_w - 12}" height="{h:.1f}" fill="#1f4e8c"/>'
                     f'<text x="{x + bar_w / 2}" y="{height + 26}" text-anchor="middle" class="axis">{label}</text>')
        if count:
            parts.append(f'<text x="{x + bar_w / 2}" y="{6 + height - h:.1f}" text-anchor="middle" class="axis">{count}</text>')
    return "".join(parts) + "</svg>"


def write_cohort(cohort: Cohort, out_dir: str | Path, audit: "Audit | None" = None,
                 audit_pdf: bool = False) -> dict[str, Path]:
    """cohort.md/json/html; with an audit also audit.csv, and audit.pdf when asked for."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True, mode=0o700)
    written = {"md": write_atomic(out / "cohort.md", render_cohort_md(cohort, audit)),
               "json": write_atomic(out / "cohort.json", render_cohort_json(cohort, audit)),
               "html": write_atomic(out / "cohort.html", render_cohort_html(cohort, audit))}
    if audit is not None:
        from reports.render_audit import render_audit_csv, render_audit_pdf
        written["audit_csv"] = write_atomic(out / "audit.csv", render_audit_csv(audit))
        if audit_pdf:
            written["audit_pdf"] = write_atomic(out / "audit.pdf", render_audit_pdf(audit))
    return written


def md_cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|").replace("<", "&lt;")

"""Bias audit in the style of New York City's Local Law 144: selection and scoring rates per category.

Pure: a decided cohort plus each candidate's self-reported categories -> tables. No I/O, no clock (the
audit date is given). The rules, as the law's implementing rules describe them:

- selection rate: the share of a category's candidates who passed the cohort cut; entries whose decision
  is neither pass nor fail (e.g. insufficient evidence) are counted as applicants but left out of the rate;
- scoring rate: the share of a category's candidates whose overall score is above the median score of the
  whole cohort (every candidate, known category or not);
- impact ratio: a category's rate over the highest rate among the categories kept in the ratios;
- sex, race/ethnicity and the sex x race/ethnicity intersections each get a table; how many candidates have
  no (or a declined) category is reported per table;
- a category under 2 % of the cohort is listed with its counts and rates but excluded from the ratios
  (neither given a ratio nor used as the reference), with the reason written beside it.

A ratio below 0.8 (the four-fifths rule) is marked for review; it is evidence to look into, not a verdict.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Mapping, Sequence

from reports.cohort import FOUR_FIFTHS, Cohort, CohortEntry, SessionFacts, decide, legacy_groups, lookup_keys

SMALL_CATEGORY_SHARE = 0.02
INTERSECTION = "sex x race_ethnicity"
DIMENSION_TEXT = {"sex": "Sex", "race_ethnicity": "Race/ethnicity", INTERSECTION: "Sex x race/ethnicity",
                  "group": "Group"}


@dataclass(frozen=True)
class CategoryRow:
    category: str
    applicants: int
    decided: int                        # applicants with a pass or fail decision
    selected: int
    selection_rate: float | None        # None when nobody in the category was decided
    selection_impact_ratio: float | None
    above_median: int
    scoring_rate: float
    scoring_impact_ratio: float | None
    excluded: str = ""                  # why the category is left out of the ratios ("" when it is not)

    @property
    def below_four_fifths(self) -> bool:
        return any(r is not None and r < FOUR_FIFTHS for r in (self.selection_impact_ratio, self.scoring_impact_ratio))


@dataclass(frozen=True)
class AuditTable:
    dimension: str                      # sex | race_ethnicity | sex x race_ethnicity | group
    rows: tuple[CategoryRow, ...]
    unknown: int                        # candidates with no category in this dimension

    @property
    def title(self) -> str:
        return DIMENSION_TEXT.get(self.dimension, self.dimension)


@dataclass(frozen=True)
class AuditMetadata:
    audit_date: str
    first_session: str | None
    last_session: str | None
    sessions: int
    decided: int
    pass_rate: float
    median_score: float | None
    vivavoce_version: str
    models: tuple[str, ...]
    scorers: tuple[str, ...]
    data_source: str
    role: str | None = None


@dataclass(frozen=True)
class Audit:
    metadata: AuditMetadata
    tables: tuple[AuditTable, ...]
    warnings: tuple[str, ...] = ()


def bias_audit(cohort: Cohort, categories: Mapping[str, Mapping[str, str]], facts: Sequence[SessionFacts], *,
               audit_date: str, vivavoce_version: str, data_source: str, role: str | None = None) -> Audit:
    """The audit tables for a decided cohort.

    `categories` maps a lower-cased candidate name or session folder (as the groups file gives it) to that
    candidate's categories, e.g. {"sex": "Female", "race_ethnicity": "Asian"}; a missing or empty value
    is unknown. `facts` holds one entry per session, in any order, for the metadata.
    """
    entries = cohort.entries
    per_entry = [_categories_of(e.candidate, e.folder, categories) for e in entries]
    dimensions = [d for d in ("group", "sex", "race_ethnicity") if any(d in c for c in per_entry)]
    if "sex" in dimensions and "race_ethnicity" in dimensions:
        dimensions.append(INTERSECTION)
    scores = [e.score for e in entries if e.score is not None]   # no usable answer: no score
    median = statistics.median(scores) if scores else None
    tables = tuple(_table(d, entries, per_entry, median) for d in dimensions)
    dates = sorted(f.date for f in facts if f.date)
    meta = AuditMetadata(
        audit_date=audit_date, first_session=dates[0] if dates else None, last_session=dates[-1] if dates else None,
        sessions=len(entries), decided=sum(e.decision in ("pass", "fail") for e in entries),
        pass_rate=cohort.pass_rate, median_score=median, vivavoce_version=vivavoce_version,
        models=tuple(sorted({m for f in facts for m in f.models})),
        scorers=tuple(sorted({f.scorer for f in facts if f.scorer})), data_source=data_source, role=role)
    return Audit(metadata=meta, tables=tables, warnings=_warnings(tables, meta))


def _categories_of(candidate: str, folder: str, categories: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    for key in lookup_keys(candidate, folder):
        if key in categories:
            return {k: v for k, v in categories[key].items() if v}
    return {}


def _label(dimension: str, cats: Mapping[str, str]) -> str | None:
    if dimension == INTERSECTION:
        sex, race = cats.get("sex"), cats.get("race_ethnicity")
        return f"{sex} x {race}" if sex and race else None
    return cats.get(dimension)


def _table(dimension: str, entries, per_entry, median: float | None) -> AuditTable:
    members: dict[str, list] = {}
    unknown = 0
    for entry, cats in zip(entries, per_entry):
        label = _label(dimension, cats)
        if label is None:
            unknown += 1
        else:
            members.setdefault(label, []).append(entry)
    total = len(entries)
    counted = []
    for label in sorted(members):
        group = members[label]
        decided = [e for e in group if e.decision in ("pass", "fail")]
        selected = sum(e.decision == "pass" for e in decided)
        above = sum(median is not None and e.score is not None and e.score > median for e in group)
        share = len(group) / total
        excluded = (f"under 2 % of the cohort ({len(group)} of {total}): excluded from the impact ratios"
                    if share < SMALL_CATEGORY_SHARE else "")
        counted.append(dict(category=label, applicants=len(group), decided=len(decided), selected=selected,
                            selection_rate=round(selected / len(decided), 4) if decided else None,
                            above_median=above, scoring_rate=round(above / len(group), 4), excluded=excluded))
    kept = [c for c in counted if not c["excluded"]]
    best_selection = max((c["selection_rate"] for c in kept if c["selection_rate"] is not None), default=0.0)
    best_scoring = max((c["scoring_rate"] for c in kept), default=0.0)
    rows = tuple(CategoryRow(**c, selection_impact_ratio=_ratio(c["selection_rate"], best_selection, c["excluded"]),
                             scoring_impact_ratio=_ratio(c["scoring_rate"], best_scoring, c["excluded"]))
                 for c in counted)
    return AuditTable(dimension=dimension, rows=rows, unknown=unknown)


def _ratio(rate: float | None, best: float, excluded: str) -> float | None:
    if excluded or rate is None or best <= 0:
        return None
    return round(rate / best, 4)


def _warnings(tables: tuple[AuditTable, ...], meta: AuditMetadata) -> tuple[str, ...]:
    out = []
    for table in tables:
        for row in table.rows:
            for what, ratio in (("selection", row.selection_impact_ratio), ("scoring", row.scoring_impact_ratio)):
                if ratio is not None and ratio < FOUR_FIFTHS:
                    out.append(f"{table.title} '{row.category}': {what} impact ratio {ratio:.2f} is below "
                               f"{FOUR_FIFTHS} (four-fifths rule): review the process for adverse impact")
        if table.unknown:
            out.append(f"{table.title}: {table.unknown} of {meta.sessions} candidates have no known category")
    undecided = meta.sessions - meta.decided
    if undecided:
        out.append(f"{undecided} candidates were neither passed nor failed: counted as applicants, "
                   f"left out of the selection rates")
    return tuple(out)


def audit_to_dict(audit: Audit) -> dict:
    from dataclasses import asdict

    return {"metadata": asdict(audit.metadata),
            "tables": [{"dimension": t.dimension, "title": t.title, "unknown": t.unknown,
                        "rows": [{**asdict(r), "below_four_fifths": r.below_four_fifths} for r in t.rows]}
                       for t in audit.tables],
            "four_fifths_threshold": FOUR_FIFTHS, "small_category_share": SMALL_CATEGORY_SHARE,
            "warnings": list(audit.warnings)}


def decide_with_audit(scored: Sequence[tuple[CohortEntry, SessionFacts]], pass_rate: float,
                      categories: Mapping[str, Mapping[str, str]] | None, *, audit_date: str, data_source: str,
                      role: str | None = None) -> tuple[Cohort, Audit | None]:
    """The cohort decision (reports.cohort rules) and, when categories are given, its audit.

    The one path `interview cohort --groups` and the workspace's cohort page both take.
    """
    groups = legacy_groups(categories) if categories else None
    cohort = decide([entry for entry, _ in scored], pass_rate, groups)
    if not categories:
        return cohort, None
    return cohort, bias_audit(cohort, categories, [facts for _, facts in scored], audit_date=audit_date,
                              vivavoce_version=installed_version(), data_source=data_source, role=role)


def installed_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("vivavoce")
    except PackageNotFoundError:
        return "unknown"

"""Cohort decisions: rank several sessions, pass a fixed share, and check adverse impact.

Ranking and the cut:
- Sessions are ranked by overall score (high first); ties on score are broken by average relevance
  (high first), then by session folder name, so the order is deterministic.
- Exactly ceil(pass_rate x N) sessions pass (pass_rate in (0, 1]); e.g. 7 sessions at 0.47 -> 4.
- A session that fails with the same score as the last one passing is marked `tied_at_cut`: the
  quota is kept, and the tie is reported for a human to settle.

A session with no usable answer (recommendation `insufficient_evidence`) has no score: it is neither
passed nor failed, takes no place in the ranking or the quota, is left out of the impact ratios, and
a warning names it for re-recording.

Adverse impact (with a groups file mapping candidate -> self-reported group): each group's
selection rate is passed / total; its impact ratio is its rate over the highest group's rate. A
ratio below 0.8 (the four-fifths rule) is a warning to review the process, not a verdict.
"""
from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass
from pathlib import Path

from voice.errors import VivavoceError

FOUR_FIFTHS = 0.8


@dataclass(frozen=True)
class CohortEntry:
    folder: str
    candidate: str
    score: int | None             # None: no usable answer
    average_relevance: float
    recommendation: str
    rank: int = 0                 # 0: not ranked (insufficient evidence)
    decision: str = "fail"        # pass | fail | insufficient_evidence
    tied_at_cut: bool = False
    group: str | None = None


@dataclass(frozen=True)
class GroupImpact:
    group: str
    total: int
    passed: int
    selection_rate: float
    impact_ratio: float | None    # None when no group passed anyone
    below_four_fifths: bool


@dataclass(frozen=True)
class Cohort:
    pass_rate: float
    pass_count: int
    entries: tuple[CohortEntry, ...]
    groups: tuple[GroupImpact, ...] = ()
    warnings: tuple[str, ...] = ()

    def decisions(self) -> dict[str, dict]:
        return {e.folder: {"score": e.score, "decision": e.decision} for e in self.entries}


def pass_count(pass_rate: float, n: int) -> int:
    if not 0 < pass_rate <= 1:
        raise VivavoceError(f"pass rate {pass_rate:g} is outside (0, 1]", "give a fraction such as 0.47")
    # the epsilon keeps 0.5 x 4 from becoming 3 through float error
    return min(n, math.ceil(pass_rate * n - 1e-9))


def decide(entries: list[CohortEntry], pass_rate: float,
           groups: dict[str, str] | None = None) -> Cohort:
    """Rank, cut at ceil(pass_rate x N), and compute impact ratios when groups are given."""
    if not entries:
        raise VivavoceError("no sessions to rank")
    unscored = sorted((e for e in entries if e.score is None or e.recommendation == "insufficient_evidence"),
                      key=lambda e: e.folder)
    scored = [e for e in entries if e not in unscored]
    count = pass_count(pass_rate, len(scored)) if scored else 0
    ordered = sorted(scored, key=lambda e: (-e.score, -e.average_relevance, e.folder))
    cut_score = ordered[count - 1].score if count else None
    ranked = []
    for rank, entry in enumerate(ordered, start=1):
        passed = rank <= count
        group = _group_of(entry, groups) if groups is not None else None
        ranked.append(CohortEntry(**{**entry.__dict__, "rank": rank, "decision": "pass" if passed else "fail",
                                     "tied_at_cut": (not passed) and entry.score == cut_score, "group": group}))
    for entry in unscored:
        group = _group_of(entry, groups) if groups is not None else None
        ranked.append(CohortEntry(**{**entry.__dict__, "rank": 0, "decision": "insufficient_evidence",
                                     "tied_at_cut": False, "group": group}))
    warnings = []
    if unscored:
        warnings.append(f"no usable answer (insufficient evidence, neither passed nor failed; record again): "
                        f"{', '.join(e.folder for e in unscored)}")
    tied = [e.folder for e in ranked if e.tied_at_cut]
    if tied:
        warnings.append(f"tie at the cut (score {cut_score}): {', '.join(tied)} failed by tie-break "
                        f"(average relevance, then folder name); review by hand")
    impacts: tuple[GroupImpact, ...] = ()
    if groups is not None:
        impacts = impact_ratios(ranked)
        for g in impacts:
            if g.below_four_fifths:
                warnings.append(f"group '{g.group}' impact ratio {g.impact_ratio:.2f} is below {FOUR_FIFTHS} "
                                f"(four-fifths rule): review the process for adverse impact")
        missing = [e.folder for e in ranked if e.group is None and e.decision != "insufficient_evidence"]
        if missing:
            warnings.append(f"no group given for: {', '.join(missing)} (left out of the impact ratios)")
    return Cohort(pass_rate=pass_rate, pass_count=count, entries=tuple(ranked), groups=impacts,
                  warnings=tuple(warnings))


def impact_ratios(entries: list[CohortEntry] | tuple[CohortEntry, ...]) -> tuple[GroupImpact, ...]:
    by_group: dict[str, list[CohortEntry]] = {}
    for e in entries:
        if e.group is not None and e.decision != "insufficient_evidence":
            by_group.setdefault(e.group, []).append(e)
    rates = {g: sum(e.decision == "pass" for e in members) / len(members) for g, members in by_group.items()}
    best = max(rates.values(), default=0.0)
    out = []
    for g in sorted(by_group):
        ratio = rates[g] / best if best > 0 else None
        out.append(GroupImpact(group=g, total=len(by_group[g]), passed=sum(e.decision == "pass" for e in by_group[g]),
                               selection_rate=round(rates[g], 4), impact_ratio=None if ratio is None else round(ratio, 4),
                               below_four_fifths=ratio is not None and ratio < FOUR_FIFTHS))
    return tuple(out)


def _group_of(entry: CohortEntry, groups: dict[str, str]) -> str | None:
    for key in (entry.candidate, entry.folder, Path(entry.folder).name):
        if key and key.strip().lower() in groups:
            return groups[key.strip().lower()]
    return None


def load_groups(path: str | Path) -> dict[str, str]:
    """groups.csv: `candidate,group` rows (a header row is optional). Keys match candidate or folder name."""
    p = Path(path)
    if not p.is_file():
        raise VivavoceError(f"{p}: groups file not found")
    try:
        rows = list(csv.reader(p.read_text(encoding="utf-8-sig").splitlines()))
    except (UnicodeDecodeError, csv.Error) as e:
        raise VivavoceError(f"{p}: not a readable CSV file ({e.__class__.__name__})") from None
    groups: dict[str, str] = {}
    for number, row in enumerate(rows, start=1):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if len(cells) < 2 or not cells[0] or not cells[1]:
            raise VivavoceError(f"{p}: line {number} needs 'candidate,group'")
        if number == 1 and cells[0].lower() in {"candidate", "name", "session", "folder"}:
            continue
        groups[cells[0].lower()] = cells[1]
    if not groups:
        raise VivavoceError(f"{p}: no 'candidate,group' rows")
    return groups


def load_entry(folder: str | Path) -> CohortEntry:
    """One session's score: rebuilt from its journal, or read from its report.json."""
    d = Path(folder)
    if not d.is_dir():
        raise VivavoceError(f"{d}: no such session folder")
    if (d / "journal.jsonl").is_file():
        from interview.journal import read_journal
        from reports.build import build_evaluation
        ev = build_evaluation(read_journal(d).record())
        return CohortEntry(folder=str(folder), candidate=ev.candidate or d.name, score=ev.overall.score,
                           average_relevance=ev.overall.average_relevance or 0.0,
                           recommendation=ev.overall.recommendation)
    if (d / "report.json").is_file():
        try:
            report = json.loads((d / "report.json").read_text(encoding="utf-8"))
            overall = report["overall"]
            return CohortEntry(folder=str(folder), candidate=report.get("candidate") or d.name,
                               score=None if overall["score"] is None else int(overall["score"]),
                               average_relevance=float(overall.get("average_relevance") or 0.0),
                               recommendation=str(overall.get("recommendation", "")))
        except (ValueError, KeyError, TypeError) as e:
            raise VivavoceError(f"{d / 'report.json'}: not a valid report ({e.__class__.__name__})") from None
    raise VivavoceError(f"{d}: no journal.jsonl or report.json", "run 'interview replay' on it first")

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
    for key in lookup_keys(entry.candidate, entry.folder):
        if key in groups:
            return groups[key]
    return None


def lookup_keys(candidate: str, folder: str) -> tuple[str, ...]:
    """The keys a groups file may name a session by: candidate name, folder, folder name (lower case)."""
    return tuple(k.strip().lower() for k in (candidate, folder, Path(folder).name) if k and k.strip())


# header names a groups file may use for each column it can hold
COLUMNS = {"candidate": "candidate", "name": "candidate", "session": "candidate", "folder": "candidate",
           "group": "group", "sex": "sex", "gender": "sex", "race_ethnicity": "race_ethnicity",
           "race/ethnicity": "race_ethnicity", "race": "race_ethnicity", "ethnicity": "race_ethnicity",
           "race and ethnicity": "race_ethnicity"}
# self-reported categories are optional: these answers mean "not known"
UNKNOWN = {"", "unknown", "declined", "decline", "prefer not to say", "not disclosed", "n/a", "na", "-"}


def read_groups_file(path: str | Path) -> dict[str, dict[str, str]]:
    """A groups file -> {candidate (lower case): {column: value}}; an unknown or declined value is left out.

    Either `candidate,group` rows (the header is optional), or a header naming the columns, e.g.
    `candidate,sex,race_ethnicity` (self-reported; any value may be empty or "declined"). Keys match a
    session's candidate name, folder or folder name.
    """
    p = Path(path)
    if not p.is_file():
        raise VivavoceError(f"{p}: groups file not found")
    try:
        rows = list(csv.reader(p.read_text(encoding="utf-8-sig").splitlines()))
    except (UnicodeDecodeError, csv.Error) as e:
        raise VivavoceError(f"{p}: not a readable CSV file ({e.__class__.__name__})") from None
    numbered = [(n, [c.strip() for c in row]) for n, row in enumerate(rows, start=1) if any(c.strip() for c in row)]
    columns = ["candidate", "group"]
    legacy = True
    if numbered and numbered[0][1][0].lower() in {"candidate", "name", "session", "folder"}:
        header_line, header = numbered.pop(0)
        columns = [COLUMNS.get(" ".join(h.lower().split()), "") for h in header]
        legacy = columns[:2] == ["candidate", "group"] and len(columns) == 2
        if not {"group", "sex", "race_ethnicity"} & set(columns):
            raise VivavoceError(f"{p}: line {header_line} names no group, sex or race_ethnicity column")
    categories: dict[str, dict[str, str]] = {}
    for number, cells in numbered:
        if legacy and (len(cells) < 2 or not cells[0] or not cells[1]):
            raise VivavoceError(f"{p}: line {number} needs 'candidate,group'")
        if not cells[0]:
            raise VivavoceError(f"{p}: line {number} has no candidate")
        values = {name: cells[i] for i, name in enumerate(columns)
                  if name not in ("", "candidate") and i < len(cells)
                  and (legacy or cells[i].lower() not in UNKNOWN)}
        categories[cells[0].lower()] = values
    if not categories:
        raise VivavoceError(f"{p}: no 'candidate,group' rows")
    return categories


def legacy_groups(categories: dict[str, dict[str, str]]) -> dict[str, str] | None:
    """The `group` column, for the four-fifths table of `decide`; None when the file has none."""
    groups = {k: v["group"] for k, v in categories.items() if v.get("group")}
    return groups or None


def load_groups(path: str | Path) -> dict[str, str]:
    """groups.csv: `candidate,group` rows (a header row is optional). Keys match candidate or folder name."""
    groups = legacy_groups(read_groups_file(path))
    if groups is None:
        raise VivavoceError(f"{path}: no group column", "give 'candidate,group' rows")
    return groups


@dataclass(frozen=True)
class SessionFacts:
    """What a bias audit's metadata needs from one session: when it ran and what judged it."""

    date: str | None = None
    models: tuple[str, ...] = ()        # e.g. "speech-to-text: tiny.en"
    scorer: str = ""


def session_facts(meta: dict, date: str | None) -> SessionFacts:
    """From a journal header's meta: the models named there and the scorer behind the scores."""
    from nlp.embedding import DEFAULT_EMBEDDER

    models = [f"{what}: {meta[key]}" for key, what in (("stt_model", "speech-to-text"), ("interviewer", "interviewer"),
                                                       ("emotion", "emotion")) if meta.get(key)]
    judge = str(meta.get("interviewer") or "offline")
    scorer = str(meta.get("scorer_version") or meta.get("scorer") or (
        f"offline scorer on {DEFAULT_EMBEDDER}" if judge == "offline"
        else f"{judge} judge, checked by the offline scorer on {DEFAULT_EMBEDDER}"))
    return SessionFacts(date=date, models=tuple(models), scorer=scorer)


def entry_from_evaluation(ev, folder: str | Path) -> CohortEntry:
    """A session's place in a cohort, from its evaluation (reports.model.Evaluation)."""
    return CohortEntry(folder=str(folder), candidate=ev.candidate or Path(folder).name, score=ev.overall.score,
                       average_relevance=ev.overall.average_relevance or 0.0,
                       recommendation=ev.overall.recommendation)


def load_entry(folder: str | Path) -> CohortEntry:
    """One session's score: rebuilt from its journal, or read from its report.json."""
    return load_scored(folder)[0]


def load_scored(folder: str | Path) -> tuple[CohortEntry, SessionFacts]:
    """One session's score and facts: rebuilt from its journal, or read from its report.json."""
    d = Path(folder)
    if not d.is_dir():
        raise VivavoceError(f"{d}: no such session folder")
    if (d / "journal.jsonl").is_file():
        from interview.journal import read_journal
        from reports.build import build_evaluation
        record = read_journal(d).record()
        ev = build_evaluation(record)
        return entry_from_evaluation(ev, folder), session_facts(record.meta, ev.date)
    if (d / "report.json").is_file():
        try:
            report = json.loads((d / "report.json").read_text(encoding="utf-8"))
            overall = report["overall"]
            entry = CohortEntry(folder=str(folder), candidate=report.get("candidate") or d.name,
                                score=None if overall["score"] is None else int(overall["score"]),
                                average_relevance=float(overall.get("average_relevance") or 0.0),
                                recommendation=str(overall.get("recommendation", "")))
            return entry, SessionFacts(date=report.get("date"))
        except (ValueError, KeyError, TypeError) as e:
            raise VivavoceError(f"{d / 'report.json'}: not a valid report ({e.__class__.__name__})") from None
    raise VivavoceError(f"{d}: no journal.jsonl or report.json", "run 'interview replay' on it first")

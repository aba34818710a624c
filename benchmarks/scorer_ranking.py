"""How well the offline scorer orders graded answers (weak < average < strong < exceptional).

Prints, per role, the share of correctly ordered answer pairs and each question's quality values.
Run: .venv/bin/python benchmarks/scorer_ranking.py [--verbose]
"""
from __future__ import annotations

import itertools
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from interview.plan import Question  # noqa: E402
from nlp.scoring import OfflineScorer  # noqa: E402

LEVELS = ("weak", "average", "strong", "exceptional")
GRADED = REPO / "tests" / "data" / "graded"


def load_sets() -> dict[str, list[tuple[Question, dict[str, str]]]]:
    sets = {}
    for path in sorted(GRADED.glob("*.yaml")):
        data = yaml.safe_load(path.read_text())
        sets[path.stem] = [(Question(q["id"], q["text"], q.get("competency", ""), tuple(q.get("rubric", []))),
                            q["answers"]) for q in data["questions"]]
    return sets


def evaluate(scorer: OfflineScorer, questions) -> tuple[float, list[tuple[str, list]]]:
    """Share of ordered pairs (by quality) over all questions, and per question the assessments."""
    right = total = 0
    rows = []
    for question, answers in questions:
        assessed = [scorer.assess_text(question, answers[level]) for level in LEVELS]
        for (i, a), (j, b) in itertools.combinations(enumerate(assessed), 2):
            total += 1
            right += a.quality < b.quality
        rows.append((question.id, assessed))
    return right / total, rows


def main() -> int:
    verbose = "--verbose" in sys.argv
    scorer = OfflineScorer()
    for role, questions in load_sets().items():
        share, rows = evaluate(scorer, questions)
        print(f"{role:18s} ordered pairs {share:6.1%}")
        for qid, assessed in rows:
            print(f"  {qid:10s} " + "  ".join(f"{lvl[:4]} q={a.quality:.2f} s={a.score} r={a.relevance:3d}"
                                             for lvl, a in zip(LEVELS, assessed)))
            if verbose:
                for lvl, a in zip(LEVELS, assessed):
                    print(f"      {lvl}: {a.justification}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""How well nlp/injection.py tells text addressed to the evaluator from honest answers that look like it.

Data: tests/data/injection.yaml (attempts that must be caught, honest look-alikes that must not be): the
table the detector was written against, lines used to tune it since, and held-out lines written after it
was last frozen.
Each line is also tried inside an ordinary answer, since attempts rarely come alone.
Prints the miss rate (attempts not detected) and the false-alarm rate (honest lines flagged).
Run: .venv/bin/python benchmarks/injection_detection.py [--verbose]
"""
from __future__ import annotations

import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from nlp.injection import detect_injection  # noqa: E402

TABLE = REPO / "tests" / "data" / "injection.yaml"
CONTEXT = "I deployed the churn model with FastAPI and load tested it with Locust. {} We versioned models in S3."


def main() -> int:
    verbose = "--verbose" in sys.argv
    table = yaml.safe_load(TABLE.read_text())
    # table: written with the detector; tuned: lines used to change it since (round 1's held-out lines, round 3's
    # tuning lines); held-out (round 2) and held-out round 3: each written before a change and measured by it, then
    # tuning lines for round 4; held-out round 4: written before the round-4 change, never used to make it
    for name, key in (("held-out round 4", "held_out_round4"), ("held-out round 3", "held_out_round3"),
                      ("held-out round 2", "held_out"), ("tuned", "tuned"), ("table", None)):
        attempts = table.get(f"{key}_attempts" if key else "attempts") or []
        honest = table.get(f"{key}_honest" if key else "honest") or []
        if not attempts and not honest:
            continue
        cases = [(t, True) for t in attempts] + [(t, False) for t in honest]
        misses = [t for t, bad in cases if bad and not (detect_injection(t) and detect_injection(CONTEXT.format(t)))]
        alarms = [t for t, bad in cases if not bad and (detect_injection(t) or detect_injection(CONTEXT.format(t)))]
        print(f"{name:16s} attempts {len(attempts):3d}  missed {len(misses):2d} ({len(misses) / max(1, len(attempts)):.0%})"
              f"   honest {len(honest):3d}  false alarms {len(alarms):2d} ({len(alarms) / max(1, len(honest)):.0%})")
        if verbose:
            for t in misses:
                print(f"    missed: {t}")
            for t in alarms:
                print(f"    false alarm: {t}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Build the emotion head's labeled set, train the logistic heads, report held-out accuracy.

    PYTHONPATH=. HF_HUB_OFFLINE=1 python scripts/train_emotion.py

Writes nlp/data/emotion_labeled.json (the labeled set, train and held-out rows) and
nlp/data/emotion_head.npz (one logistic regression per dimension over all-MiniLM-L6-v2
embeddings, plus the held-out figures). Installing the project never trains: the head ships.
Deterministic (fixed seed), so rerunning reproduces the shipped files.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from emotion_corpus import BODIES, CUES  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "nlp" / "data"
SEED = 7
TRAIN_PER_LEVEL = 120
NOISE_P = 0.2
RIDGE = 0.2


def _split(items: list[str], every: int) -> tuple[list[str], list[str]]:
    return ([x for i, x in enumerate(items) if i % every], [x for i, x in enumerate(items) if not i % every])


def compose(seed: int = SEED) -> list[dict]:
    """Labeled rows: text, dimension, level (high/low), split (train/heldout)."""
    rng = random.Random(seed)
    bodies = {"train": _split(BODIES, 3)[0], "heldout": _split(BODIES, 3)[1]}
    cues = {d: {lvl: dict(zip(("train", "heldout"), _split(ts, 4))) for lvl, ts in levels.items()}
            for d, levels in CUES.items()}
    rows = []
    for split in ("train", "heldout"):
        for dim, levels in cues.items():
            others = [(d, lvl) for d in cues if d != dim for lvl in ("high", "low")]
            for level in ("high", "low"):
                combos = [(b, t) for b in bodies[split] for t in levels[level][split]]
                rng.shuffle(combos)
                if split == "train":
                    combos = combos[:TRAIN_PER_LEVEL]
                for body, template in combos:
                    text = template.format(b=body)
                    text = text[0].upper() + text[1:]
                    if rng.random() < NOISE_P:  # another dimension's cue, so each head learns only its own
                        od, ol = rng.choice(others)
                        extra = rng.choice(cues[od][ol][split]).format(b=rng.choice(bodies[split]))
                        text = f"{text} {extra[0].upper() + extra[1:]}"
                    rows.append({"text": text, "dimension": dim, "level": level, "split": split})
    return rows


def fit_logistic(x: np.ndarray, y: np.ndarray, ridge: float = RIDGE, iterations: int = 30) -> tuple[np.ndarray, float]:
    """Ridge-regularised logistic regression by Newton's method (IRLS); the bias is not penalised."""
    xb = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(xb.shape[1])
    penalty = np.full(xb.shape[1], ridge)
    penalty[-1] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-xb @ w))
        grad = xb.T @ (p - y) + penalty * w
        hess = (xb * (p * (1 - p))[:, None]).T @ xb + np.diag(penalty) + 1e-6 * np.eye(len(w))
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-6:
            break
    return w[:-1].astype(np.float32), float(w[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DATA)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from nlp.embedding import load_embedder

    rows = compose()
    args.out.mkdir(parents=True, exist_ok=True)
    with open(args.out / "emotion_labeled.json", "w") as f:
        f.write("[\n" + ",\n".join(json.dumps(r) for r in rows) + "\n]\n")
    embedder = load_embedder()
    vectors = embedder.embed([r["text"] for r in rows])
    dims = list(CUES)
    weights, biases, report = [], [], {}
    for dim in dims:
        idx = {s: [i for i, r in enumerate(rows) if r["dimension"] == dim and r["split"] == s]
               for s in ("train", "heldout")}
        label = np.array([1.0 if r["level"] == "high" else 0.0 for r in rows])
        w, b = fit_logistic(vectors[idx["train"]], label[idx["train"]])
        weights.append(w)
        biases.append(b)
        accuracy = {}
        for split, ids in idx.items():
            predicted = (vectors[ids] @ w + b) > 0
            accuracy[split] = float(np.mean(predicted == (label[ids] > 0.5)))
        report[dim] = {"train_accuracy": round(accuracy["train"], 3),
                       "heldout_accuracy": round(accuracy["heldout"], 3),
                       "train_rows": len(idx["train"]), "heldout_rows": len(idx["heldout"])}
        print(f"{dim:14s} train {accuracy['train']:.3f}  held-out {accuracy['heldout']:.3f}  "
              f"({len(idx['train'])} train, {len(idx['heldout'])} held-out)")
    np.savez(args.out / "emotion_head.npz", dimensions=np.array(dims), weights=np.stack(weights),
             biases=np.array(biases, dtype=np.float32), report=np.array(json.dumps(report)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

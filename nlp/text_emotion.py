"""Text channel: a logistic head per dimension over all-MiniLM-L6-v2 sentence embeddings.

The head (nlp/data/emotion_head.npz) is trained by scripts/train_emotion.py on the labeled set in
nlp/data/emotion_labeled.json and ships with the package, so installing never trains. Each row
of the head maps an embedding to P(high level) for one dimension. The model truncates input, so
long answers are scored in windows of a few sentences and combined weighted by word count.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

from nlp.emotion import DIMENSIONS
from nlp.embedding import TextEmbedder

HEAD_PATH = Path(__file__).resolve().parent / "data" / "emotion_head.npz"
# about 15 s of speech: well under MiniLM's 256 word pieces
MAX_WINDOW_WORDS = 40
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True)
class TextHead:
    """Logistic weights (dimensions x 384) and biases, in DIMENSIONS order."""

    weights: np.ndarray
    biases: np.ndarray
    report: dict

    def probabilities(self, embeddings: np.ndarray) -> np.ndarray:
        """P(high) per row and dimension, shape (rows, 4)."""
        logits = embeddings @ self.weights.T + self.biases
        return 1.0 / (1.0 + np.exp(-logits))


@lru_cache(maxsize=2)
def load_head(path: str = str(HEAD_PATH)) -> TextHead:
    with np.load(path, allow_pickle=False) as data:
        order = [str(d) for d in data["dimensions"]]
        index = [order.index(d) for d in DIMENSIONS]
        return TextHead(weights=data["weights"][index].astype(np.float32),
                        biases=data["biases"][index].astype(np.float32),
                        report=json.loads(str(data["report"])))


def split_for_model(text: str, max_words: int = MAX_WINDOW_WORDS) -> list[str]:
    """Group sentences into pieces of at most `max_words` words (a long sentence is cut by words)."""
    pieces: list[str] = []
    current: list[str] = []
    for sentence in _SENTENCE_END.split(text.strip()):
        words = sentence.split()
        while len(words) > max_words:
            if current:
                pieces.append(" ".join(current))
                current = []
            pieces.append(" ".join(words[:max_words]))
            words = words[max_words:]
        if current and len(current) + len(words) > max_words:
            pieces.append(" ".join(current))
            current = []
        current.extend(words)
    if current:
        pieces.append(" ".join(current))
    return pieces


@dataclass(frozen=True)
class TextReading:
    """Text-channel probabilities for one stretch, and the pieces that drove them."""

    probabilities: np.ndarray  # (4,) in DIMENSIONS order
    pieces: tuple[str, ...]
    piece_probabilities: np.ndarray  # (pieces, 4)
    words: int


def read_texts(texts: Sequence[str], embedder: TextEmbedder, head: TextHead) -> list[TextReading | None]:
    """Score several stretches with one batched embedding call; None for a stretch with no words."""
    split = [split_for_model(t) if t.strip() else [] for t in texts]
    flat = [p for pieces in split for p in pieces]
    probs = head.probabilities(embedder.embed(flat)) if flat else np.zeros((0, len(DIMENSIONS)))
    out: list[TextReading | None] = []
    at = 0
    for pieces in split:
        if not pieces:
            out.append(None)
            continue
        block = probs[at: at + len(pieces)]
        at += len(pieces)
        weights = np.array([len(p.split()) for p in pieces], dtype=np.float64)
        mean = (block * weights[:, None]).sum(0) / weights.sum()
        out.append(TextReading(mean, tuple(pieces), block, int(weights.sum())))
    return out

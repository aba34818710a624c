"""MiniLM through onnxruntime (exported from the packaged transformers model, as `make venv` does) agrees
with the transformers + torch reference, and the reference is the fallback when no export exists."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.integration
TOLERANCE = 1e-4        # per embedding component, as nlp/minilm_onnx.py refuses an export beyond it
GRADED = Path(__file__).resolve().parent.parent / "data" / "graded"


def sentences() -> list[str]:
    """Real answer text of every length, from the graded answer sets."""
    texts = [line.strip() for path in sorted(GRADED.rglob("*")) if path.is_file()
             for line in path.read_text(encoding="utf-8").splitlines() if len(line.strip()) > 20]
    return texts[:120] + ["", "ok", "a " * 400]   # empty, tiny, and longer than the 256-token limit


def test_the_onnx_export_agrees_with_torch_and_torch_is_the_fallback(tmp_path, monkeypatch):
    from nlp.embedding import MiniLMEmbedder
    from nlp.minilm_onnx import current_export, export

    monkeypatch.setenv("VIVAVOCE_CACHE", str(tmp_path))
    fallback = MiniLMEmbedder()
    texts = sentences()
    reference = fallback.embed(texts)
    assert fallback.backend_loaded == "torch"      # no export in this cache yet

    from nlp.embedding import packaged_model_dir
    exported = export(packaged_model_dir())
    assert current_export(packaged_model_dir()) == exported
    onnx = MiniLMEmbedder()
    vectors = onnx.embed(texts)
    assert onnx.backend_loaded == "onnx"
    assert len(texts) > 100 and vectors.shape == reference.shape == (len(texts), 384)
    assert float(np.abs(vectors - reference).max()) <= TOLERANCE
    assert float((vectors * reference).sum(axis=1).min()) >= 1 - 1e-6

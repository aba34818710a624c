"""Loading the embedder: a model folder on disk is read offline, and the library leaves the environment alone."""
from __future__ import annotations

import os
import sys
import types

from nlp.embedding import MiniLMEmbedder


def test_a_model_folder_loads_offline_without_setting_the_environment(monkeypatch, tmp_path):
    loads = []

    class Auto:  # stands in for transformers' AutoTokenizer and AutoModel
        @staticmethod
        def from_pretrained(location, **options):
            loads.append((location, options))
            return types.SimpleNamespace(eval=lambda: "model")

    transformers = types.ModuleType("transformers")
    transformers.AutoModel = transformers.AutoTokenizer = Auto
    utils = types.ModuleType("transformers.utils")
    utils.logging = types.SimpleNamespace(disable_progress_bar=lambda: None)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    with monkeypatch.context() as fake:  # undone before the unit guard looks for heavy modules
        for name, module in (("torch", types.ModuleType("torch")), ("transformers", transformers),
                             ("transformers.utils", utils)):
            fake.setitem(sys.modules, name, module)
        MiniLMEmbedder(str(tmp_path))._load()
    assert loads == [(str(tmp_path), {"local_files_only": True})] * 2
    assert "HF_HUB_OFFLINE" not in os.environ

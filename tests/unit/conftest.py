"""Unit tests run on fakes and a scripted clock: no subprocess, espeak, model, browser or audio device.

The guard below makes that rule fail loudly instead of slowly: a test that starts a process or loads a
heavy library belongs in tests/system/.
"""
from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("torch", "transformers", "sentence_transformers", "onnxruntime", "sounddevice", "pyttsx3", "playwright",
         "weasyprint", "openai")


class _NoProcess:
    def __init__(self, *args, **kwargs):
        raise AssertionError("unit tests start no process: move this test to tests/system/")


@pytest.fixture(autouse=True)
def _unit_rules(monkeypatch, request):
    monkeypatch.setattr(subprocess, "Popen", _NoProcess)
    loaded = {name for name in HEAVY if name in sys.modules}
    yield
    newly = sorted(name for name in HEAVY if name in sys.modules and name not in loaded)
    assert not newly, f"{request.node.nodeid} imported {', '.join(newly)}: move it to tests/system/"

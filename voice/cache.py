"""The folder for what vivavoce derives once and reuses: joined and exported models, generated test audio."""
from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """$VIVAVOCE_CACHE, else $XDG_CACHE_HOME/vivavoce, else ~/.cache/vivavoce."""
    root = os.environ.get("VIVAVOCE_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "vivavoce")
    return Path(root)

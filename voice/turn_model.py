"""Has the speaker finished their turn? Smart Turn v3.2, an audio model that hears intonation and words.

Smart Turn v3.2 (Daily, BSD-2-Clause) is a whisper-tiny encoder with a classifier head, 8.7 MB as int8
ONNX. It reads the last 8 s of 16 kHz audio as whisper log-mel features and returns the probability that
the turn is complete, in tens of milliseconds on one CPU thread. The ONNX file ships inside the
`pipecat-ai` wheel (installed without its dependencies: only the file is used, through onnxruntime,
which faster-whisper already brings).

`log_mel_features` is a numpy copy of transformers' WhisperFeatureExtractor at Smart Turn's settings
(chunk_length=8, do_normalize=True); a system test checks it against transformers.
"""
from __future__ import annotations

import importlib.util
import threading
from pathlib import Path

import numpy as np

from voice.errors import MissingDependency, ModelError

SAMPLE_RATE_HZ = 16000
WINDOW_S = 8
N_FFT = 400
HOP = 160
N_MELS = 80
MODEL_FILE = "smart-turn-v3.2-cpu.onnx"


def model_path() -> Path:
    """The ONNX file inside the installed pipecat-ai package (found without importing pipecat,
    whose own imports are not installed)."""
    spec = importlib.util.find_spec("pipecat")
    if spec is None or not spec.submodule_search_locations:
        raise MissingDependency("pipecat-ai (pip install --no-deps pipecat-ai)")
    path = Path(spec.submodule_search_locations[0]) / "audio" / "turn" / "smart_turn" / "data" / MODEL_FILE
    if not path.is_file():
        raise ModelError(f"{path}: the Smart Turn model is missing", "reinstall pipecat-ai (--no-deps)")
    return path


def _mel_filters() -> np.ndarray:
    """Slaney-scale, Slaney-normalised triangular filters, (N_FFT // 2 + 1, N_MELS), as whisper uses."""
    def to_mel(hz):
        hz = np.atleast_1d(np.asarray(hz, dtype=np.float64))
        mel = 3.0 * hz / 200.0
        log = hz >= 1000.0
        mel[log] = 15.0 + np.log(hz[log] / 1000.0) * (27.0 / np.log(6.4))
        return mel

    def to_hz(mel):
        mel = np.atleast_1d(np.asarray(mel, dtype=np.float64))
        hz = 200.0 * mel / 3.0
        log = mel >= 15.0
        hz[log] = 1000.0 * np.exp((np.log(6.4) / 27.0) * (mel[log] - 15.0))
        return hz

    edges = to_hz(np.linspace(to_mel(0.0)[0], to_mel(SAMPLE_RATE_HZ / 2)[0], N_MELS + 2))
    bins = np.linspace(0, SAMPLE_RATE_HZ // 2, N_FFT // 2 + 1)
    slopes = edges[None, :] - bins[:, None]
    down = -slopes[:, :-2] / np.diff(edges)[:-1]
    up = slopes[:, 2:] / np.diff(edges)[1:]
    filters = np.maximum(0.0, np.minimum(down, up))
    return filters * (2.0 / (edges[2:N_MELS + 2] - edges[:N_MELS]))[None, :]


_FILTERS = _mel_filters()
_WINDOW = np.hanning(N_FFT + 1)[:-1]      # periodic Hann, as torch.hann_window


def last_window(samples: np.ndarray) -> np.ndarray:
    """The last 8 s of the audio, silence-padded in front when shorter (as Smart Turn was trained)."""
    size = WINDOW_S * SAMPLE_RATE_HZ
    samples = np.asarray(samples, dtype=np.float32)[-size:]
    return np.pad(samples, (size - len(samples), 0)) if len(samples) < size else samples


def log_mel_features(window: np.ndarray) -> np.ndarray:
    """Whisper log-mel features of an 8 s window: (80, 800) float32."""
    x = np.asarray(window, dtype=np.float32)
    x = (x - x.mean()) / np.sqrt(x.var() + 1e-7)
    padded = np.pad(x.astype(np.float64), (N_FFT // 2, N_FFT // 2), mode="reflect")
    frames = np.lib.stride_tricks.sliding_window_view(padded, N_FFT)[::HOP]
    power = np.abs(np.fft.rfft(frames * _WINDOW, axis=-1)) ** 2
    mel = np.log10(np.maximum(1e-10, _FILTERS.T @ power.T))[:, :-1]
    mel = np.maximum(mel, mel.max() - 8.0)
    return ((mel + 4.0) / 4.0).astype(np.float32)


class SmartTurn:
    """`complete_probability(samples)`: the chance that the speech ending `samples` is a finished turn."""

    def __init__(self, path: str | Path | None = None, threads: int = 1):
        try:
            import onnxruntime as ort
        except ImportError as e:
            raise MissingDependency("onnxruntime") from e
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        try:
            self._session = ort.InferenceSession(str(path or model_path()), sess_options=options,
                                                 providers=["CPUExecutionProvider"])
        except Exception as e:  # a damaged or foreign file
            raise ModelError(f"the Smart Turn model could not be loaded ({str(e).splitlines()[0][:160]})",
                             "reinstall pipecat-ai (--no-deps)") from e
        self._lock = threading.Lock()

    def complete_probability(self, samples: np.ndarray) -> float:
        features = log_mel_features(last_window(samples))[None]
        with self._lock:     # one ONNX session, called from the listening thread and the warm-up
            out = self._session.run(None, {"input_features": features})[0]
        return float(np.asarray(out).reshape(-1)[0])

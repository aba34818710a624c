"""Speech probability for a live stream: faster-whisper's Silero model, one 32 ms frame at a time.

faster-whisper runs Silero over a whole file at once; live listening needs the same model fed
frame by frame with its recurrent state (h, c) and the previous frame's last 64 samples kept
between calls, as faster_whisper.vad.SileroVADModel does inside one batch.
"""
from __future__ import annotations

import numpy as np

from voice.errors import MissingDependency, ModelError

FRAME_SAMPLES = 512          # Silero's window at 16 kHz
CONTEXT_SAMPLES = 64
FRAME_S = FRAME_SAMPLES / 16000.0


class StreamingSpeechDetector:
    """Push 16 kHz samples in any sizes; get (probability, frame_end_s) per complete 512-sample frame."""

    def __init__(self, threshold: float = 0.5):
        self.threshold = threshold
        self._session = _load_session()
        self.reset()

    def reset(self, start_s: float = 0.0) -> None:
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)
        self._context = np.zeros(CONTEXT_SAMPLES, dtype=np.float32)
        self._pending = np.zeros(0, dtype=np.float32)
        self._pending_start_s = start_s

    def probability(self, frame: np.ndarray) -> float:
        """Speech probability of one 512-sample frame, continuing the stream's state."""
        frame = np.asarray(frame, dtype=np.float32)
        if frame.shape != (FRAME_SAMPLES,):
            raise ValueError(f"expected {FRAME_SAMPLES} samples, got {frame.shape}")
        batch = np.concatenate([self._context, frame])[None, :]
        out, self._h, self._c = self._session.run(None, {"input": batch, "h": self._h, "c": self._c})
        self._context = frame[-CONTEXT_SAMPLES:].copy()
        return float(np.asarray(out).reshape(-1)[0])

    def push(self, samples: np.ndarray, start_s: float | None = None) -> list[tuple[float, float]]:
        """Add samples; returns (probability, end time in seconds) for each frame completed."""
        if start_s is not None and len(self._pending) == 0:
            self._pending_start_s = start_s
        self._pending = np.concatenate([self._pending, np.asarray(samples, dtype=np.float32)])
        results = []
        while len(self._pending) >= FRAME_SAMPLES:
            frame, self._pending = self._pending[:FRAME_SAMPLES], self._pending[FRAME_SAMPLES:]
            self._pending_start_s += FRAME_S
            results.append((self.probability(frame), self._pending_start_s))
        return results


def _load_session():
    try:
        from faster_whisper.vad import get_vad_model
    except ImportError as e:
        raise MissingDependency("faster-whisper") from e
    try:
        return get_vad_model().session
    except Exception as e:  # onnxruntime missing or a damaged model file
        raise ModelError(f"the Silero VAD model could not be loaded ({e})", "reinstall faster-whisper") from e

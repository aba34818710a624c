"""Fakes for the emotion area: a model-free text embedder and helpers that make test audio."""
from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path
from typing import Sequence

import numpy as np

from voice.audio import AudioChunk, Utterance, decode_file
from voice.transcript import Segment, Transcript


class FakeEmbedder:
    """Hashed bag of words, unit length: deterministic and instant, with a history of calls."""

    def __init__(self, size: int = 384):
        self.size, self.calls = size, []

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        out = np.zeros((len(texts), self.size), np.float32)
        for i, text in enumerate(texts):
            for word in text.lower().split():
                out[i, int(hashlib.md5(word.encode()).hexdigest(), 16) % self.size] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-9)


def tone(freq_hz: float | np.ndarray, seconds: float, amplitude: float = 0.3, rate: int = 16000) -> np.ndarray:
    """A harmonic-rich voiced-like tone; `freq_hz` may be a per-sample contour."""
    n = int(seconds * rate)
    f = np.broadcast_to(np.asarray(freq_hz, dtype=np.float64), (n,))
    phase = 2 * np.pi * np.cumsum(f) / rate
    wave = sum(np.sin(k * phase) / k for k in range(1, 6))
    return (amplitude * wave / 2.0).astype(np.float32)


def answer(samples: np.ndarray, text: str, rate: int = 16000) -> tuple[Transcript, Utterance]:
    """A turn whose words span the whole recording (the emotion tests are not about STT timing)."""
    chunk = AudioChunk(samples.astype(np.float32), rate)
    segments = (Segment(0.0, chunk.duration_s, text),) if text.strip() else ()
    return Transcript(text, segments), Utterance(chunk, 0.0, chunk.duration_s)


def espeak(path: Path, text: str, *, pitch: int = 50, speed_wpm: int = 175, amplitude: int = 100,
           pitch_range: str = "medium") -> AudioChunk:
    """Synthesize with espeak-ng; SSML prosody sets the pitch range (x-low .. x-high)."""
    ssml = f'<speak><prosody range="{pitch_range}">{text}</prosody></speak>'
    subprocess.run(["espeak-ng", "-m", "-w", str(path), "-p", str(pitch), "-s", str(speed_wpm),
                    "-a", str(amplitude), ssml], check=True, capture_output=True, timeout=60)
    return decode_file(path)

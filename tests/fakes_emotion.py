"""Turns for the emotion classifier: words over given samples, and speech synthesised by espeak-ng.

The model-free embedder and `tone` are in tests/fakes.py.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np

from voice.audio import AudioChunk, Utterance, decode_file
from voice.transcript import Segment, Transcript


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

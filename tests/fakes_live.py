"""Test doubles for the live mode: a scripted microphone and detector, a recording speaker and a
transcriber that reports how much loud audio it was given (the scorer is tests.fakes.FakeScorer)."""
from __future__ import annotations

from typing import Sequence

import numpy as np

from voice.audio import SAMPLE_RATE_HZ, AudioChunk, Utterance
from voice.transcript import Segment, Transcript


class ScriptedMic:
    """A microphone playing a timeline of (seconds, is_speech) blocks; 'speech' is a constant 0.5."""

    def __init__(self, *timeline: tuple[float, bool]):
        parts = [np.full(int(s * SAMPLE_RATE_HZ), 0.5 if speech else 0.0, np.float32) for s, speech in timeline]
        self.samples = np.concatenate(parts) if parts else np.zeros(0, np.float32)
        self.position = 0
        self.drains = 0

    def read(self, max_ms: int) -> AudioChunk | None:
        if self.position >= len(self.samples):
            return None
        n = int(SAMPLE_RATE_HZ * max_ms / 1000)
        chunk = AudioChunk(self.samples[self.position:self.position + n], SAMPLE_RATE_HZ,
                           self.position / SAMPLE_RATE_HZ)
        self.position += len(chunk.samples)
        return chunk

    def drain(self) -> float:
        self.drains += 1
        return self.now_s

    @property
    def now_s(self) -> float:
        return self.position / SAMPLE_RATE_HZ


class LoudnessDetector:
    """Stands in for Silero: a frame is speech when its mean magnitude is above 0.1."""

    def __init__(self) -> None:
        self.reset()

    def reset(self, start_s: float = 0.0) -> None:
        self.pending = np.zeros(0, np.float32)
        self.t = start_s

    def push(self, samples: np.ndarray, start_s: float | None = None) -> list[tuple[float, float]]:
        if start_s is not None and len(self.pending) == 0:
            self.t = start_s
        self.pending = np.concatenate([self.pending, samples])
        out = []
        while len(self.pending) >= 512:
            frame, self.pending = self.pending[:512], self.pending[512:]
            self.t += 512 / SAMPLE_RATE_HZ
            out.append((1.0 if np.abs(frame).mean() > 0.1 else 0.0, self.t))
        return out


class CountingTranscriber:
    """Says how many seconds of loud audio a piece had, e.g. 'speech 2.0'; remembers its calls."""

    def __init__(self, text_for=None):
        self.calls: list[Utterance] = []
        self.text_for = text_for

    def transcribe(self, audio: Utterance, *, vocabulary: Sequence[str] = ()) -> Transcript:
        self.calls.append(audio)
        loud = float((np.abs(audio.audio.samples) > 0.1).sum()) / SAMPLE_RATE_HZ
        text = self.text_for(len(self.calls), loud) if self.text_for else (f"speech {loud:.1f}" if loud else "")
        return Transcript(text=text, segments=(Segment(0.0, audio.audio.duration_s, text),) if text else (),
                          speech_s=loud)


class RecordingSpeaker:
    def __init__(self) -> None:
        self.said: list[str] = []
        self.prepared: list[str] = []

    def say(self, text: str) -> None:
        self.said.append(text)

    def prepare(self, text: str) -> None:
        self.prepared.append(text)

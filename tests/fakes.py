"""Fakes for the seams: each is a script of answers plus a history of calls."""
from __future__ import annotations

import zlib
from typing import Sequence

import numpy as np

from interview.plan import Question
from interview.session import Capture
from voice.audio import AudioChunk, Utterance
from voice.transcript import Segment, Transcript


class FakeClock:
    def __init__(self, start_s: float = 0.0):
        self.t = start_s

    def now_s(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.t += max(0.0, seconds)


def tone(seconds: float, level: float = 0.3) -> AudioChunk:
    t = np.arange(int(seconds * 16000)) / 16000
    return AudioChunk((level * np.sin(2 * np.pi * 220 * t)).astype(np.float32))


class ScriptedAnswers:
    """AnswerSource: per question id, the words 'spoken' (None: no recording; '' : silence; Exception: unreadable)."""

    def __init__(self, script: dict, clock: FakeClock | None = None, seconds_per_answer: float = 3.0):
        self.script, self.clock, self.seconds = script, clock, seconds_per_answer
        self.asked: list[str] = []

    def capture(self, question: Question) -> Capture:
        self.asked.append(question.id)
        words = self.script.get(question.id)
        if self.clock:
            self.clock.sleep(self.seconds)
        if words is None:
            return Capture(utterance=None, flags=("not_answered",))
        if isinstance(words, Exception):
            return Capture(utterance=None, audio_path=f"{question.id}.wav", flags=("audio_error",), problem=str(words))
        audio = tone(self.seconds) if words else AudioChunk(np.zeros(16000 * 3, np.float32))
        return Capture(utterance=Utterance(audio=audio, start_s=0.0, end_s=audio.duration_s,
                                           speech_spans_s=((0.0, audio.duration_s),) if words else ()),
                       audio_path=f"{question.id}.wav")


class FakeTranscriber:
    """Returns the scripted words for each utterance in order; silence gives an empty transcript."""

    def __init__(self, *texts: str):
        self.texts = list(texts)
        self.calls: list[tuple[float, tuple[str, ...]]] = []

    def transcribe(self, audio: Utterance, *, vocabulary: Sequence[str] = ()) -> Transcript:
        self.calls.append((audio.audio.duration_s, tuple(vocabulary)))
        if not audio.speech_spans_s:
            return Transcript(text="")
        text = self.texts.pop(0)
        return Transcript(text=text, segments=(Segment(0.0, audio.audio.duration_s, text),),
                          speech_s=audio.audio.duration_s)


class FakeEmbedder:
    """Bag-of-words vectors: similar wording -> similar vectors, no model needed (crc32, not hash(), so the
    same words collide the same way in every run)."""

    def __init__(self, dims: int = 256):
        self.dims = dims

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dims), np.float32)
        for i, text in enumerate(texts):
            for word in text.lower().split():
                out[i, zlib.crc32(word.strip(".,?!").encode()) % self.dims] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-9)

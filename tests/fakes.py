"""Fakes for the session's seams (Clock, AnswerSource, Transcriber, Scorer, TextEmbedder) and test audio.

Each fake is a script of answers plus a history of calls. The other seam families have their own
module: tests/fakes_llm.py (chat), fakes_live.py (microphone, detector, speaker), fakes_devices.py
(sounddevice streams, device lists), fakes_keys.py (key presses), fakes_emotion.py (turns for the
emotion classifier), fakes_reports.py (session records).
"""
from __future__ import annotations

import hashlib
from typing import Sequence

import numpy as np

from interview.plan import Plan, Question
from interview.session import Capture
from nlp.assessment import Assessment
from voice.audio import AudioChunk, Utterance
from voice.transcript import Segment, Transcript


class FakeClock:
    """Time moves only when someone sleeps; `sleeps` keeps each requested wait."""

    def __init__(self, start_s: float = 0.0):
        self.t = start_s
        self.sleeps: list[float] = []

    def now_s(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.t += max(0.0, seconds)


def tone(freq_hz: float | np.ndarray, seconds: float, amplitude: float = 0.3, rate: int = 16000) -> np.ndarray:
    """A harmonic-rich voiced-like tone; `freq_hz` may be a per-sample contour."""
    n = int(seconds * rate)
    f = np.broadcast_to(np.asarray(freq_hz, dtype=np.float64), (n,))
    phase = 2 * np.pi * np.cumsum(f) / rate
    wave = sum(np.sin(k * phase) / k for k in range(1, 6))
    return (amplitude * wave / 2.0).astype(np.float32)


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
        audio = AudioChunk(tone(220.0, self.seconds)) if words else AudioChunk(np.zeros(16000 * 3, np.float32))
        return Capture(utterance=Utterance(audio=audio, start_s=0.0, end_s=audio.duration_s,
                                           speech_spans_s=((0.0, audio.duration_s),) if words else ()),
                       audio_path=f"{question.id}.wav")


class FakeTranscriber:
    """Returns the scripted words (or a scripted Transcript) for each utterance in order; silence gives an
    empty transcript."""

    def __init__(self, *texts: str | Transcript):
        self.texts = list(texts)
        self.calls: list[tuple[float, tuple[str, ...]]] = []

    def transcribe(self, audio: Utterance, *, vocabulary: Sequence[str] = ()) -> Transcript:
        self.calls.append((audio.audio.duration_s, tuple(vocabulary)))
        if not audio.speech_spans_s:
            return Transcript(text="")
        text = self.texts.pop(0)
        if isinstance(text, Transcript):
            return text
        return Transcript(text=text, segments=(Segment(0.0, audio.audio.duration_s, text),),
                          speech_s=audio.audio.duration_s)


class FakeDecoder:
    """A whisper decode (voice.decoding.Decoder) by script: so many words a second, in 30 s windows.

    `words_per_s` applies with the prompt, `unprompted_words_per_s` without it (default: the same);
    `max_clip_s`: longer clips decode to nothing (a model that only copes with short pieces).
    """

    def __init__(self, words_per_s: float, *, unprompted_words_per_s: float | None = None,
                 avg_logprob: float = -0.3, probability: float = 0.9, max_clip_s: float = 1e9):
        self.words_per_s = words_per_s
        self.unprompted = words_per_s if unprompted_words_per_s is None else unprompted_words_per_s
        self.avg_logprob, self.probability, self.max_clip_s = avg_logprob, probability, max_clip_s
        self.calls: list[tuple[float, float, bool]] = []   # (offset_s, length_s, with_prompt)

    def __call__(self, samples: np.ndarray, offset_s: float, with_prompt: bool) -> list:
        from voice.decoding import Attempt, RawSegment, RawWord

        length_s = len(samples) / 16000
        self.calls.append((offset_s, length_s, with_prompt))
        rate = 0.0 if length_s > self.max_clip_s else self.words_per_s if with_prompt else self.unprompted
        attempts, start = [], 0.0
        while start < length_s:
            end = min(length_s, start + 30.0)
            count = int(rate * (end - start))
            words = tuple(RawWord(f"w{k}", offset_s + start + k / max(rate, 1e-9),
                                  offset_s + start + (k + 0.5) / max(rate, 1e-9), self.probability)
                          for k in range(count))
            segments = (RawSegment(offset_s + start, offset_s + end, " ".join(w.text for w in words),
                                   self.avg_logprob, 1.5, 0.1, words),) if words else ()
            attempts.append(Attempt(offset_s + start, offset_s + end, segments))
            start = end
        return attempts


class FakeWhisperModel:
    """faster-whisper's WhisperModel as far as voice.decoding uses it: remembers each transcribe call's options
    and returns no segments."""

    def __init__(self):
        self.calls: list[dict] = []

    def transcribe(self, samples: np.ndarray, **options):
        self.calls.append(options)
        return iter(()), None


class FakeScorer:
    """Scores every answer the same; remembers what it was asked."""

    def __init__(self, score: int = 3, relevance: int = 60, flags: tuple[str, ...] = ()):
        self.score, self.relevance, self.flags = score, relevance, flags
        self.calls: list[tuple[str, str]] = []

    def assess(self, question: Question, transcript: Transcript, plan: Plan) -> Assessment:
        self.calls.append((question.id, transcript.text))
        return Assessment(relevance=self.relevance, score=self.score, quality=(self.score - 1) / 4,
                          justification="offline: fixed", flags=self.flags, source="offline")


class FakeEmbedder:
    """Hashed bag of words, unit length: similar wording gives similar vectors, no model needed.

    md5, not hash(): Python salts hash() per process, and a fake must give the same vectors in every run.
    """

    def __init__(self, size: int = 384):
        self.size, self.calls = size, []

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        out = np.zeros((len(texts), self.size), np.float32)
        for i, text in enumerate(texts):
            for word in text.lower().split():
                out[i, int(hashlib.md5(word.strip(".,?!").encode()).hexdigest(), 16) % self.size] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-9)

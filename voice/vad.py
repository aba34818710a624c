"""Where the speech is: faster-whisper's bundled Silero VAD over a whole recording.

Used to gate speech-to-text (no speech -> no transcription, so whisper cannot invent "Thank you.")
and to cut long silences out before decoding, so a long thinking pause never makes whisper stop early.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from voice.audio import SAMPLE_RATE_HZ, AudioChunk
from voice.errors import MissingDependency

Span = tuple[float, float]


@dataclass(frozen=True)
class VadOptions:
    threshold: float = 0.5
    min_speech_ms: int = 250          # shorter bursts are clicks and breaths
    min_silence_ms: int = 600         # a gap this long separates two speech spans
    speech_pad_ms: int = 200
    # Silero over a whole recording holds ~7x its size at once (padding, context frames, ONNX buffers;
    # measured 283 MB over 10 minutes): a long file is scanned in windows of this length, so memory stays
    # bounded by one window (~60 MB) whatever the recording's length
    window_s: float = 60.0


def speech_spans(audio: AudioChunk, options: VadOptions = VadOptions()) -> tuple[Span, ...]:
    """Speech spans in seconds (relative to the chunk's start), scanned window by window."""
    window = max(1, int(options.window_s * SAMPLE_RATE_HZ))
    spans: list[Span] = []
    gap_s = options.min_silence_ms / 1000.0
    for offset in range(0, len(audio.samples), window):
        for c in _speech_chunks(audio.samples[offset:offset + window], options):
            start, end = (offset + c["start"]) / SAMPLE_RATE_HZ, (offset + c["end"]) / SAMPLE_RATE_HZ
            if spans and start - spans[-1][1] < gap_s:  # speech running across a window edge is one span
                spans[-1] = (spans[-1][0], end)
            else:
                spans.append((start, end))
    return tuple(spans)


def _speech_chunks(samples: np.ndarray, options: VadOptions) -> list[dict]:
    try:
        from faster_whisper.vad import VadOptions as SileroOptions, get_speech_timestamps
    except ImportError as e:
        raise MissingDependency("faster-whisper") from e
    if len(samples) < 512:
        return []
    return get_speech_timestamps(samples, SileroOptions(
        threshold=options.threshold, min_speech_duration_ms=options.min_speech_ms,
        min_silence_duration_ms=options.min_silence_ms, speech_pad_ms=options.speech_pad_ms))


def total_speech_s(spans: tuple[Span, ...]) -> float:
    return float(sum(end - start for start, end in spans))


@dataclass(frozen=True, eq=False)
class SpeechOnly:
    """The speech spans joined end to end, and the way back to the original timeline."""

    samples: np.ndarray
    spans: tuple[Span, ...]

    def original_time(self, t: float) -> float:
        """Map a time in the joined audio back to the recording's timeline."""
        elapsed = 0.0
        for start, end in self.spans:
            length = end - start
            if t <= elapsed + length + 1e-6:
                return start + max(0.0, t - elapsed)
            elapsed += length
        return self.spans[-1][1] if self.spans else t


def join_speech(audio: AudioChunk, spans: tuple[Span, ...]) -> SpeechOnly:
    rate = audio.sample_rate_hz
    pieces = [audio.samples[int(s * rate):int(e * rate)] for s, e in spans]
    samples = np.concatenate(pieces).astype(np.float32, copy=False) if pieces else np.zeros(0, np.float32)
    return SpeechOnly(samples, spans)

"""Voice features of one answer: pitch, loudness, pace, pauses and fillers.

Pure numpy, so it costs a few milliseconds per minute of audio. Pitch is tracked with a
vectorised YIN (cumulative mean normalised difference, computed for all frames at once with
FFTs) on audio decimated to 8 kHz: naive autocorrelation makes octave errors and librosa.pyin is
about a hundred times slower. Pitch variation is measured in semitones, which do not depend on
the base pitch, so a naturally low or high voice does not read as flat or lively by itself.

Pauses come from the utterance's speech spans (the VAD) when the capture recorded them, and
otherwise from frame energy, which is cheap and good enough to tell a fluent answer from one
broken by long silences. Speaking rate comes from the transcript's segment timestamps, and
fillers from its words (the transcriber's initial prompt keeps whisper from dropping them).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from nlp.text_features import filler_count
from voice.audio import Utterance
from voice.transcript import Transcript

PITCH_RATE_HZ = 8000
HOP_S = 0.02
# pitch statistics need no 20 ms detail: a 40 ms hop halves the cost of the tracker
PITCH_HOP_S = 0.04
FRAME_S = 0.04
F0_MIN_HZ = 65.0
F0_MAX_HZ = 400.0
# YIN's threshold on the normalised difference: lower is stricter about what counts as voiced
YIN_THRESHOLD = 0.2
LONG_PAUSE_S = 1.0
BLOCK_FRAMES = 1000
# frames this far below the answer's loud frames count as silence (energy fallback for pauses)
SILENCE_BELOW_DB = 35.0

@dataclass(frozen=True)
class ProsodyFeatures:
    """Delivery cues of one answer (or one window of it); absolute units, not yet normalised."""

    duration_s: float
    speech_s: float
    f0_mean_semitones: float  # relative to 100 Hz; NaN-free: 0.0 when nothing was voiced
    f0_sd_semitones: float
    energy_sd_db: float
    words_per_s: float
    pause_ratio: float
    long_pauses: int
    fillers_per_min: float
    voiced_frames: int

    @property
    def has_voice(self) -> bool:
        return self.voiced_frames >= 5


def _decimate(samples: np.ndarray, from_hz: int) -> np.ndarray:
    """Down to 8 kHz by block averaging: crude low-pass, but pitch lives well below 4 kHz."""
    factor = max(1, int(round(from_hz / PITCH_RATE_HZ)))
    n = len(samples) // factor * factor
    if factor == 1:
        return samples[:n].astype(np.float32, copy=False)
    out = samples[0:n:factor].astype(np.float32)
    for k in range(1, factor):
        out += samples[k:n:factor]
    return out / factor


def _frames(signal: np.ndarray, frame: int, hop: int) -> np.ndarray:
    if len(signal) < frame:
        return np.zeros((0, frame), dtype=np.float32)
    count = 1 + (len(signal) - frame) // hop
    return np.lib.stride_tricks.sliding_window_view(signal, frame)[::hop][:count]


def frame_energy_db(samples: np.ndarray, sample_rate_hz: int) -> np.ndarray:
    """RMS level per 20 ms hop in dB (full scale)."""
    hop = int(sample_rate_hz * HOP_S)
    n = len(samples) // hop
    if n == 0:
        return np.zeros(0, dtype=np.float32)
    blocks = samples[: n * hop].reshape(n, hop).astype(np.float32)
    rms = np.sqrt(np.mean(blocks * blocks, axis=1) + 1e-12)
    return (20.0 * np.log10(rms + 1e-9)).astype(np.float32)


def pitch_track(samples: np.ndarray, sample_rate_hz: int, loud: np.ndarray | None = None) -> np.ndarray:
    """F0 in Hz per 40 ms hop (0.0 where unvoiced). `loud` (per 40 ms hop) masks which hops to analyse."""
    x = _decimate(samples, sample_rate_hz)
    frame, hop = int(PITCH_RATE_HZ * FRAME_S), int(PITCH_RATE_HZ * PITCH_HOP_S)
    frames = _frames(x, frame, hop)
    f0 = np.zeros(len(frames), dtype=np.float32)
    if len(frames) == 0:
        return f0
    idx = np.arange(len(frames))
    if loud is not None:
        idx = idx[loud[: len(frames)]] if len(loud) >= len(frames) else idx[np.pad(loud, (0, len(frames) - len(loud)))]
    if len(idx) == 0:
        return f0
    tau_min = int(PITCH_RATE_HZ / F0_MAX_HZ)
    tau_max = min(int(PITCH_RATE_HZ / F0_MIN_HZ), frame // 2)
    # blocks of frames bound the FFT buffers (~10 MB) however long the answer
    for at in range(0, len(idx), BLOCK_FRAMES):
        block = idx[at: at + BLOCK_FRAMES]
        f0[block] = _yin(frames[block], frame, tau_min, tau_max)
    return f0


def _yin(frames: np.ndarray, frame: int, tau_min: int, tau_max: int) -> np.ndarray:
    w = frame - tau_max  # YIN's integration window
    sel = frames.astype(np.float64)
    sel = sel - sel.mean(axis=1, keepdims=True)
    size = 1 << int(math.ceil(math.log2(frame + w)))
    # d(tau) = sum (x_j - x_{j+tau})^2 over j < w, via one cross-correlation per frame
    spec_full = np.fft.rfft(sel, size, axis=1)
    spec_head = np.fft.rfft(sel[:, :w], size, axis=1)
    cross = np.fft.irfft(np.conj(spec_head) * spec_full, size, axis=1)[:, : tau_max + 1]
    sq = np.cumsum(sel * sel, axis=1)
    sq = np.concatenate([np.zeros((len(sel), 1)), sq], axis=1)
    energy_head = sq[:, w][:, None]
    taus = np.arange(tau_max + 1)
    energy_shift = sq[:, taus + w] - sq[:, taus]
    diff = energy_head + energy_shift - 2.0 * cross
    diff[:, 0] = 0.0
    cum = np.cumsum(diff[:, 1:], axis=1) / np.arange(1, tau_max + 1)
    cmnd = np.ones_like(diff)
    cmnd[:, 1:] = diff[:, 1:] / np.maximum(cum, 1e-12)
    band = cmnd[:, tau_min:]
    below = band < YIN_THRESHOLD
    has = below.any(axis=1)
    first = np.argmax(below, axis=1)
    # walk from the first dip below threshold to its local minimum
    rows = np.arange(len(band))
    tau = first.copy()
    for _ in range(8):
        nxt = np.minimum(tau + 1, band.shape[1] - 1)
        step = band[rows, nxt] < band[rows, tau]
        if not step.any():
            break
        tau = np.where(step, nxt, tau)
    period = (tau + tau_min).astype(np.float64)
    # parabolic interpolation for sub-sample period
    left = band[rows, np.maximum(tau - 1, 0)]
    mid = band[rows, tau]
    right = band[rows, np.minimum(tau + 1, band.shape[1] - 1)]
    denom = left - 2 * mid + right
    shift = np.where(np.abs(denom) > 1e-9, 0.5 * (left - right) / np.where(denom == 0, 1, denom), 0.0)
    period = period + np.clip(shift, -1, 1)
    values = np.where(has, PITCH_RATE_HZ / np.maximum(period, 1.0), 0.0)
    values[(values < F0_MIN_HZ) | (values > F0_MAX_HZ)] = 0.0
    return values.astype(np.float32)


def _spans_from_energy(energy_db: np.ndarray) -> list[tuple[float, float]]:
    if len(energy_db) == 0:
        return []
    ref = float(np.percentile(energy_db, 95))
    speech = energy_db > max(ref - SILENCE_BELOW_DB, -60.0)
    # close gaps shorter than 200 ms: stops and short consonant gaps are not pauses
    spans: list[tuple[float, float]] = []
    start = None
    for i, on in enumerate(speech):
        if on and start is None:
            start = i
        elif not on and start is not None:
            spans.append((start * HOP_S, i * HOP_S))
            start = None
    if start is not None:
        spans.append((start * HOP_S, len(speech) * HOP_S))
    merged: list[tuple[float, float]] = []
    for s, e in spans:
        if merged and s - merged[-1][1] < 0.2:
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return [(s, e) for s, e in merged if e - s >= 0.06]


def _semitones(f0: np.ndarray) -> np.ndarray:
    return 12.0 * np.log2(f0 / 100.0)


def _robust_sd(values: np.ndarray) -> float:
    """Spread that shrugs off the odd octave error: scaled interquartile range."""
    if len(values) < 4:
        return 0.0
    q1, q3 = np.percentile(values, [25, 75])
    return float((q3 - q1) / 1.349)


@dataclass(frozen=True, eq=False)
class Tracks:
    """Per-frame energy (20 ms hops) and F0 (40 ms hops) of a stretch of audio, computed once so that
    the 10 s windows of a long answer slice them instead of tracking pitch a second time."""

    energy_db: np.ndarray
    f0_hz: np.ndarray

    def window(self, start_s: float, end_s: float) -> "Tracks":
        return Tracks(self.energy_db[int(start_s / HOP_S): int(end_s / HOP_S)],
                      self.f0_hz[int(start_s / PITCH_HOP_S): int(end_s / PITCH_HOP_S)])


def _speech_mask(energy: np.ndarray, spans: list[tuple[float, float]]) -> np.ndarray:
    speech = np.zeros(len(energy), dtype=bool)
    for s, e in spans:
        speech[max(0, int(s / HOP_S)): max(0, int(math.ceil(e / HOP_S)))] = True
    return speech


def compute_tracks(samples: np.ndarray, sample_rate_hz: int,
                   speech_spans_s: tuple[tuple[float, float], ...] = ()) -> Tracks:
    energy = frame_energy_db(samples, sample_rate_hz)
    spans = list(speech_spans_s) if speech_spans_s else _spans_from_energy(energy)
    speech = _speech_mask(energy, spans)
    loud = speech & (energy > (np.percentile(energy, 95) - 25.0 if len(energy) else 0.0))
    step = int(round(PITCH_HOP_S / HOP_S))
    return Tracks(energy, pitch_track(samples, sample_rate_hz, loud[::step]))


def features_from_arrays(samples: np.ndarray, sample_rate_hz: int, *, text: str, words: int,
                         spoken_s: float | None, speech_spans_s: tuple[tuple[float, float], ...] = (),
                         tracks: Tracks | None = None) -> ProsodyFeatures:
    """Features of one stretch of audio and the words said in it (`tracks`: already computed)."""
    duration = len(samples) / float(sample_rate_hz)
    tracks = tracks or compute_tracks(samples, sample_rate_hz, speech_spans_s)
    energy, f0 = tracks.energy_db, tracks.f0_hz
    spans = list(speech_spans_s) if speech_spans_s else _spans_from_energy(energy)
    speech = _speech_mask(energy, spans)
    speech_s = float(speech.sum() * HOP_S)
    loud = speech & (energy > (np.percentile(energy, 95) - 25.0 if len(energy) else 0.0))
    voiced = f0[f0 > 0]
    st = _semitones(voiced) if len(voiced) else np.zeros(0)
    gaps = [b[0] - a[1] for a, b in zip(spans, spans[1:])]
    lead_in = spans[0][0] if spans else 0.0
    long_pauses = sum(1 for g in gaps if g >= LONG_PAUSE_S) + (1 if lead_in >= 2 * LONG_PAUSE_S else 0)
    first, last = (spans[0][0], spans[-1][1]) if spans else (0.0, 0.0)
    active = max(last - first, 1e-6)
    pause_ratio = float(np.clip(1.0 - speech_s / active, 0.0, 1.0)) if spans else 0.0
    talk_s = spoken_s if spoken_s and spoken_s > 0 else max(speech_s, 1e-6)
    loud_energy = energy[loud] if loud.sum() > 1 else energy
    minutes = max(duration, 1.0) / 60.0
    return ProsodyFeatures(
        duration_s=duration, speech_s=speech_s,
        f0_mean_semitones=float(np.median(st)) if len(st) else 0.0,
        f0_sd_semitones=_robust_sd(st),
        energy_sd_db=float(np.std(loud_energy)) if len(loud_energy) > 1 else 0.0,
        words_per_s=words / talk_s if words else 0.0,
        pause_ratio=pause_ratio, long_pauses=long_pauses,
        fillers_per_min=filler_count(text) / minutes,
        voiced_frames=int(len(voiced)),
    )


def extract_prosody(transcript: Transcript, utterance: Utterance, tracks: Tracks | None = None) -> ProsodyFeatures:
    """Features of a whole answer; speaking rate over the span the transcript's segments cover."""
    audio = utterance.audio
    segs = transcript.segments
    spoken = (segs[-1].end_s - segs[0].start_s) if segs else None
    # speech_spans_s are relative to the start of the utterance's audio, as voice.vad produces them
    return features_from_arrays(audio.samples, audio.sample_rate_hz, text=transcript.text,
                                words=transcript.word_count, spoken_s=spoken,
                                speech_spans_s=tuple(utterance.speech_spans_s), tracks=tracks)

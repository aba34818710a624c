"""Audio as data: decode any recording to 16 kHz mono float32, resample, write WAV.

Everything after this module sees one format (16 kHz, mono, float32 in [-1, 1]), so the
VAD, speech-to-text and prosody code never handle rates or channels. float32 rather than
int16 because every consumer (whisper, Silero, pitch tracking) wants floats anyway.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np

from voice.errors import AudioError, MissingDependency

log = logging.getLogger(__name__)

SAMPLE_RATE_HZ = 16000
AUDIO_SUFFIXES = (".wav", ".flac", ".ogg", ".mp3")
# A bound on what one decode may hold in memory: 4 hours of 16 kHz float32 is ~0.9 GB.
MAX_DURATION_S = 4 * 3600

EndReason = Literal["silence", "max_length", "end_of_input", "stopped"]


@dataclass(frozen=True, eq=False)
class AudioChunk:
    """Mono float32 samples at `sample_rate_hz`, starting `start_s` into the stream."""

    samples: np.ndarray
    sample_rate_hz: int = SAMPLE_RATE_HZ
    start_s: float = 0.0

    @property
    def duration_s(self) -> float:
        return len(self.samples) / float(self.sample_rate_hz)

    @property
    def end_s(self) -> float:
        return self.start_s + self.duration_s


@dataclass(frozen=True, eq=False)
class Utterance:
    """One answer's audio, and why listening stopped."""

    audio: AudioChunk
    start_s: float
    end_s: float
    end_reason: EndReason = "end_of_input"
    speech_spans_s: tuple[tuple[float, float], ...] = field(default=())


def silence(seconds: float, sample_rate_hz: int = SAMPLE_RATE_HZ) -> AudioChunk:
    return AudioChunk(np.zeros(int(round(seconds * sample_rate_hz)), dtype=np.float32), sample_rate_hz)


def to_mono_float32(samples: np.ndarray) -> np.ndarray:
    """Average channels and map any sample type to finite float32 in [-1, 1]."""
    data = np.asarray(samples)
    if data.ndim == 2:
        data = data.mean(axis=1) if data.shape[1] > 1 else data[:, 0]
    if data.dtype.kind in "iu":
        info = np.iinfo(data.dtype)
        scale = float(max(abs(info.min), info.max))
        offset = (info.max + 1) / 2.0 if data.dtype.kind == "u" else 0.0  # 8-bit WAV is unsigned
        data = (data.astype(np.float32) - offset) / scale
    data = np.asarray(data, dtype=np.float32)
    if not np.all(np.isfinite(data)):
        log.warning("audio had NaN or infinite samples; they were replaced by silence")
        data = np.nan_to_num(data, nan=0.0, posinf=0.0, neginf=0.0)
    return np.clip(data, -1.0, 1.0)


def resample(samples: np.ndarray, from_hz: int, to_hz: int = SAMPLE_RATE_HZ) -> np.ndarray:
    """Band-limited resampling (soxr), not sample dropping: aliasing hurts recognition."""
    if from_hz == to_hz or len(samples) == 0:
        return samples.astype(np.float32, copy=False)
    try:
        import soxr
    except ImportError as e:  # pragma: no cover - soxr is a core dependency
        raise MissingDependency("soxr") from e
    return soxr.resample(samples, from_hz, to_hz, quality="HQ").astype(np.float32, copy=False)


def probe_file(path: str | os.PathLike) -> Path:
    """The checks that need no decoding (exists, not a folder, not empty), in microseconds; the path."""
    p = Path(path)
    if not p.exists():
        raise AudioError(f"{p}: no such file")
    if p.is_dir():
        raise AudioError(f"{p}: is a folder, not an audio file")
    try:
        size = p.stat().st_size
    except OSError as e:
        raise AudioError(f"{p}: cannot read ({e.strerror})") from e
    if size == 0:
        raise AudioError(f"{p}: empty file (0 bytes)")
    return p


def check_audio_file(path: str | os.PathLike) -> Path:
    """`probe_file` plus the file's header read (libsndfile, else FFmpeg's demuxer): a file that is not audio
    at all fails here in milliseconds, without decoding a sample."""
    p = probe_file(path)
    try:
        import soundfile as sf

        sf.info(str(p))
        return p
    except Exception as first:  # FFmpeg may still read what libsndfile cannot
        try:
            import av

            with av.open(str(p)) as container:
                if container.streams.audio:
                    return p
        except Exception:  # any failure here means: not audio
            pass
        raise AudioError(f"{p}: not a readable audio file ({_short(first)})", "expected WAV, FLAC, Ogg or MP3") from None


def decode_file(path: str | os.PathLike, *, max_duration_s: float = MAX_DURATION_S,
                read_s: float | None = None) -> AudioChunk:
    """Decode a recording to 16 kHz mono float32.

    With `read_s`, only the first `read_s` seconds are read (a longer file is not an error): a caller that
    caps an answer's length never pays for the rest of it.
    Raises AudioError naming the file for empty, non-audio, unreadable or absurdly long input.
    """
    p = probe_file(path)
    try:
        samples, rate = _decode_soundfile(p, max_duration_s, read_s)
    except AudioError:
        raise
    except Exception as first:  # libsndfile refuses truncated or exotic files that FFmpeg can read
        try:
            samples, rate = _decode_ffmpeg(p, max_duration_s)
            if read_s is not None:  # FFmpeg decodes the whole file; at least only the part kept is returned
                samples = samples[: int(read_s * SAMPLE_RATE_HZ)].copy()
        except AudioError:
            raise
        except Exception:
            raise AudioError(f"{p}: not a readable audio file ({_short(first)})",
                             "expected WAV, FLAC, Ogg or MP3") from None
    # both decoders hand back clean 16 kHz mono float32: no extra whole-recording copy here
    return AudioChunk(samples, SAMPLE_RATE_HZ)


def _short(error: Exception) -> str:
    text = " ".join(str(error).split())
    return text[:120] or type(error).__name__


def _check_length(p: Path, frames: int, rate: int, max_duration_s: float) -> None:
    if rate <= 0:
        raise AudioError(f"{p}: invalid sample rate {rate}")
    if frames / rate > max_duration_s:
        raise AudioError(f"{p}: recording is {frames / rate / 3600:.1f} h long, over the "
                         f"{max_duration_s / 3600:.1f} h limit", "split it into answers")


# Blocks of at most this many seconds are read, mixed and resampled at a time: with 96 kHz and 6 channels
# a 60 s block would already be 140 MB of float32.
BLOCK_S = 10
_PCM_CONTAINERS = {"WAV", "WAVEX", "RF64", "W64", "AIFF", "AU", "RAW", "CAF"}


def _decode_soundfile(p: Path, max_duration_s: float, read_s: float | None = None) -> tuple[np.ndarray, int]:
    """Stream the file through mix-down and resampling into one preallocated 16 kHz buffer.

    Peak memory is the decoded answer plus one block, never a second copy of the whole recording:
    a two-hour file costs ~460 MB of output, not the ~1.4 GB that read-all, concatenate, resample did.
    """
    import soundfile as sf

    with sf.SoundFile(str(p)) as f:
        rate, declared = f.samplerate, f.frames
        if rate <= 0:
            raise AudioError(f"{p}: invalid sample rate {rate}")
        wanted = int(read_s * rate) if read_s is not None else None
        if declared > 0:
            if f.format in _PCM_CONTAINERS:
                # a header may declare far more frames than the file holds; PCM needs >= 1 byte per sample
                declared = min(declared, p.stat().st_size // max(1, f.channels))
            if wanted is not None:
                declared = min(declared, wanted)
            _check_length(p, declared, rate, max_duration_s)
        limit = int(max_duration_s * rate)
        stream = _Resampler(rate)
        out = _Growing(int(declared * SAMPLE_RATE_HZ / rate) + 64 if declared > 0 else SAMPLE_RATE_HZ * 60)
        total, warned = 0, False
        while wanted is None or total < wanted:
            step = rate * BLOCK_S if wanted is None else min(rate * BLOCK_S, wanted - total)
            block = f.read(frames=step, dtype="float32", always_2d=True)
            if len(block) == 0:
                break
            total += len(block)
            if total > limit:
                _check_length(p, total, rate, max_duration_s)
            mono, bad = _clean(block.mean(axis=1) if block.shape[1] > 1 else block[:, 0])
            if bad and not warned:
                log.warning("audio had NaN or infinite samples; they were replaced by silence")
                warned = True
            del block
            out.extend(stream.push(mono))
        out.extend(stream.finish())
    return out.result(), SAMPLE_RATE_HZ


def _clean(samples: np.ndarray) -> tuple[np.ndarray, bool]:
    data = np.asarray(samples, dtype=np.float32)
    bad = not np.all(np.isfinite(data))
    if bad:
        data = np.nan_to_num(data, nan=0.0, posinf=0.0, neginf=0.0)
    return np.clip(data, -1.0, 1.0, out=data if data.flags.writeable else None), bad


class _Resampler:
    """soxr's streaming resampler, so block edges leave no clicks; a no-op at 16 kHz."""

    def __init__(self, from_hz: int):
        self.stream = None
        if from_hz != SAMPLE_RATE_HZ:
            try:
                import soxr
            except ImportError as e:  # pragma: no cover - soxr is a core dependency
                raise MissingDependency("soxr") from e
            self.stream = soxr.ResampleStream(from_hz, SAMPLE_RATE_HZ, 1, dtype="float32", quality="HQ")

    def push(self, samples: np.ndarray) -> np.ndarray:
        return samples if self.stream is None else self.stream.resample_chunk(samples, last=False)

    def finish(self) -> np.ndarray:
        if self.stream is None:
            return np.zeros(0, dtype=np.float32)
        return self.stream.resample_chunk(np.zeros(0, dtype=np.float32), last=True)


class _Growing:
    """A float32 buffer filled in place; grown or shrunk with realloc rather than copied into a new array."""

    def __init__(self, capacity: int):
        self.data = np.empty(max(1, capacity), dtype=np.float32)
        self.size = 0

    def extend(self, samples: np.ndarray) -> None:
        need = self.size + len(samples)
        if need > len(self.data):
            self.data.resize(max(need, int(len(self.data) * 1.25)), refcheck=False)
        self.data[self.size:need] = samples
        self.size = need

    def result(self) -> np.ndarray:
        self.data.resize(self.size, refcheck=False)
        return np.clip(self.data, -1.0, 1.0, out=self.data)


def _decode_ffmpeg(p: Path, max_duration_s: float) -> tuple[np.ndarray, int]:
    try:
        from faster_whisper.audio import decode_audio
    except ImportError as e:
        raise MissingDependency("faster-whisper", extra=None) from e
    samples = decode_audio(str(p), sampling_rate=SAMPLE_RATE_HZ)
    _check_length(p, len(samples), SAMPLE_RATE_HZ, max_duration_s)
    return to_mono_float32(samples), SAMPLE_RATE_HZ


def write_wav(path: str | os.PathLike, audio: AudioChunk, *, mode: int = 0o600) -> Path:
    """Write 16-bit PCM WAV, flushed and fsynced, readable by the owner only (recordings are personal data)."""
    import soundfile as sf

    p = Path(path)
    tmp = p.with_name(p.name + ".part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as f:
        sf.write(f, audio.samples, audio.sample_rate_hz, subtype="PCM_16", format="WAV")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, p)
    return p

import numpy as np
import pytest
import soundfile as sf

from tests.conftest import write_wav
from voice.audio import SAMPLE_RATE_HZ, decode_file, write_wav as save
from voice.audio import AudioChunk
from voice.errors import AudioError


def sine(seconds: float, rate: int, channels: int = 1) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    mono = 0.3 * np.sin(2 * np.pi * 440 * t)
    return np.stack([mono] * channels, axis=1) if channels > 1 else mono


@pytest.mark.parametrize("rate, channels, fmt, subtype", [
    (44100, 2, "WAV", "PCM_16"), (16000, 1, "FLAC", "PCM_16"), (48000, 1, "OGG", "VORBIS"),
    (96000, 6, "WAV", "PCM_24"), (8000, 1, "WAV", "PCM_U8"), (22050, 1, "WAV", "FLOAT"),
    (16000, 1, "MP3", "MPEG_LAYER_III"),
])
def test_any_format_decodes_to_16k_mono(tmp_path, rate, channels, fmt, subtype):
    path = tmp_path / f"a.{fmt.lower()}"
    sf.write(path, sine(1.0, rate, channels), rate, format=fmt, subtype=subtype)
    audio = decode_file(path)
    assert audio.sample_rate_hz == SAMPLE_RATE_HZ and audio.samples.ndim == 1
    assert abs(audio.duration_s - 1.0) < 0.06
    assert audio.samples.dtype == np.float32 and 0.1 < np.abs(audio.samples).max() <= 1.0


def test_nan_and_inf_samples_become_silence(tmp_path):
    data = sine(0.5, 16000).astype(np.float32)
    data[100:200] = np.nan
    data[300] = np.inf
    audio = decode_file(write_wav(tmp_path / "nan.wav", data, subtype="FLOAT"))
    assert np.all(np.isfinite(audio.samples))


@pytest.mark.parametrize("make, needle", [
    (lambda p: p.write_bytes(b""), "0 bytes"),
    (lambda p: p.write_text("this is not audio at all, just text " * 20), "not a readable audio file"),
    (lambda p: p.write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt "), "not a readable audio file"),
])
def test_broken_files_raise_one_line_audio_errors(tmp_path, make, needle):
    path = tmp_path / "answer.wav"
    make(path)
    with pytest.raises(AudioError) as caught:
        decode_file(path)
    assert str(path) in caught.value.message and needle in caught.value.message


def test_truncated_wav_keeps_what_is_there(tmp_path):
    full = write_wav(tmp_path / "full.wav", sine(2.0, 16000))
    cut = tmp_path / "cut.wav"
    cut.write_bytes(full.read_bytes()[: 44 + 16000 * 2])  # header says 2 s, 1 s of samples remain
    audio = decode_file(cut)
    assert 0.9 < audio.duration_s < 1.1


def test_missing_file_is_named(tmp_path):
    with pytest.raises(AudioError, match="no such file"):
        decode_file(tmp_path / "nope.wav")


def test_written_wav_is_private_and_round_trips(tmp_path):
    path = save(tmp_path / "turn.wav", AudioChunk(sine(0.5, 16000).astype(np.float32)))
    assert (path.stat().st_mode & 0o777) == 0o600
    assert abs(decode_file(path).duration_s - 0.5) < 0.01

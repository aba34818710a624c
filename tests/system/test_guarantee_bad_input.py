"""Bad input: random bytes, truncated headers, absurd sizes and exotic formats give a clean result or a
clean VivavoceError; nothing else, no hang, and memory bounded by the answer's own length."""
from __future__ import annotations

import json
import signal
import struct
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from interview.plan import Plan, load_plan, parse_plan
from tests.conftest import REPO
from voice.audio import SAMPLE_RATE_HZ, AudioChunk, Utterance, decode_file
from voice.errors import PlanError, VivavoceError
from voice.stt import SttOptions, WhisperTranscriber, speech_pieces

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@contextmanager
def no_hang(seconds: int = 20):
    """A guard, not a timing assertion: a hung decoder fails the test instead of stalling CI."""
    def _alarm(*_):
        raise AssertionError(f"no result within {seconds} s: hang")
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _decode_cleanly(path: Path):
    with no_hang():
        try:
            audio = decode_file(path)
        except VivavoceError as e:
            assert e.one_line() and "\n" not in e.one_line()
            return None
    assert audio.sample_rate_hz == SAMPLE_RATE_HZ and audio.samples.ndim == 1
    assert audio.samples.dtype == np.float32 and np.all(np.isfinite(audio.samples))
    assert not len(audio.samples) or np.abs(audio.samples).max() <= 1.0
    return audio


def _wav_bytes(samples: np.ndarray, rate: int, subtype: str, tmp: Path) -> bytes:
    path = tmp / "source.wav"
    sf.write(path, samples, rate, subtype=subtype)
    return path.read_bytes()


# ---- plans ---------------------------------------------------------------------------------------------

yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["role", "questions", "id", "text", "rubric", "resume", "job_description", "x"])
        | st.text(max_size=8), inner, max_size=5),
    max_leaves=20)


@SETTINGS
@given(text=st.text(max_size=400))
def test_plan_from_any_text_is_a_plan_or_a_plan_error(text):
    try:
        plan = parse_plan(text, Path("/nonexistent/plan.yaml"))
    except PlanError as e:
        assert e.one_line().startswith("/nonexistent/plan.yaml") and "\n" not in e.one_line()
    else:
        assert isinstance(plan, Plan) and plan.questions


@SETTINGS
@given(value=yaml_values)
def test_plan_from_any_yaml_structure_is_a_plan_or_a_plan_error(value):
    text = yaml.safe_dump({"role": "x", "questions": value} if not isinstance(value, dict) else value)
    try:
        parse_plan(text, Path("/nonexistent/plan.yaml"))
    except PlanError:
        pass


@SETTINGS
@given(data=st.binary(max_size=2000))
def test_plan_file_of_random_bytes(tmp_path, data):
    path = tmp_path / "plan.yaml"
    path.write_bytes(data)
    try:
        load_plan(path)
    except PlanError as e:
        assert str(path) in e.one_line()


def test_absurd_plans_are_refused(tmp_path):
    huge = tmp_path / "huge.yaml"
    huge.write_bytes(b"role: x\n" + b"#" * 2_000_000)
    bomb = tmp_path / "bomb.yaml"  # the billion-laughs shape: aliases expanding exponentially
    bomb.write_text("a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(8)) + "questions: *i\n")
    deep = tmp_path / "deep.yaml"
    deep.write_text("questions: " + "[" * 5000 + "]" * 5000 + "\n")
    for path in (huge, bomb, deep):
        with no_hang(), pytest.raises(PlanError):
            load_plan(path)


# ---- audio ---------------------------------------------------------------------------------------------

@SETTINGS
@given(data=st.binary(max_size=4000), riff=st.booleans())
def test_random_bytes_decode_cleanly(tmp_path, data, riff):
    path = tmp_path / "answer.wav"
    path.write_bytes((b"RIFF\xff\xff\xff\xffWAVEfmt " if riff else b"") + data)
    _decode_cleanly(path)


@SETTINGS
@given(cut=st.integers(min_value=0, max_value=400))
def test_truncated_headers_decode_cleanly(tmp_path, cut):
    whole = _wav_bytes(np.full(200, 0.1, np.float32), 16000, "PCM_16", tmp_path)
    path = tmp_path / "cut.wav"
    path.write_bytes(whole[:cut])
    _decode_cleanly(path)


@SETTINGS
@given(data_size=st.integers(min_value=0, max_value=2**32 - 1), riff_size=st.integers(0, 2**32 - 1),
       rate=st.sampled_from([0, 1, 8000, 16000, 2**31 - 1, 2**32 - 1]), channels=st.integers(0, 70000 % 65536))
def test_absurd_declared_sizes_decode_cleanly(tmp_path, data_size, riff_size, rate, channels):
    body = np.zeros(800, np.int16).tobytes()
    header = (b"RIFF" + struct.pack("<I", riff_size) + b"WAVEfmt " + struct.pack("<IHHIIHH", 16, 1, channels, rate,
              rate * 2 % 2**32, 2, 16) + b"data" + struct.pack("<I", data_size))
    path = tmp_path / "absurd.wav"
    path.write_bytes(header + body)
    _decode_cleanly(path)


def test_header_declaring_4_gb_keeps_the_real_samples(tmp_path):
    whole = _wav_bytes(np.full(8000, 0.25, np.float32), 8000, "PCM_U8", tmp_path)
    lying = bytearray(whole)
    lying[4:8] = struct.pack("<I", 0xFFFFFFF0)
    at = lying.index(b"data")
    lying[at + 4:at + 8] = struct.pack("<I", 0xFFFFFFE0)  # 4 GB of 8-bit samples: 149 hours at 8 kHz
    path = tmp_path / "lying.wav"
    path.write_bytes(bytes(lying))
    audio = _decode_cleanly(path)
    assert audio is not None and abs(audio.duration_s - 1.0) < 0.05


@pytest.mark.parametrize("rate, channels, subtype", [
    (8000, 1, "PCM_U8"), (44100, 1, "FLOAT"), (96000, 2, "PCM_24"), (48000, 6, "PCM_16"), (22050, 1, "DOUBLE"),
])
def test_exotic_formats_decode_to_16k_mono(tmp_path, rate, channels, subtype):
    t = np.arange(rate) / rate
    mono = (0.5 * np.sin(2 * np.pi * 300 * t)).astype(np.float32)
    path = tmp_path / "exotic.wav"
    sf.write(path, np.stack([mono] * channels, axis=1), rate, subtype=subtype)
    audio = _decode_cleanly(path)
    assert abs(audio.duration_s - 1.0) < 0.02 and 0.3 < np.abs(audio.samples).max() <= 1.0


@SETTINGS
@given(values=st.lists(st.sampled_from([np.nan, np.inf, -np.inf, 1e30, -1e30, 0.5]), min_size=1, max_size=50))
def test_nan_inf_and_huge_float_samples_become_finite(tmp_path, values):
    samples = np.zeros(1600, np.float32)
    samples[:len(values)] = values
    path = tmp_path / "floats.wav"
    sf.write(path, samples, 16000, subtype="FLOAT")
    assert _decode_cleanly(path) is not None


# ---- long recordings: bounded memory -------------------------------------------------------------------

LONG_SCRIPT = r"""
import json, re, sys
import numpy as np
from voice.audio import AudioChunk, decode_file
from voice.vad import speech_spans

def peak_mb():
    return int(re.search(r"VmHWM:\s+(\d+)", open("/proc/self/status").read()).group(1)) / 1024

def restart_peak():  # Linux: resets VmHWM to the current RSS
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")

import soundfile, soxr  # imported before the baseline: their code is not the recording
from faster_whisper.vad import get_vad_model
get_vad_model()
restart_peak()
base = peak_mb()
audio = decode_file(sys.argv[1])
after_decode = peak_mb()
half_hour = AudioChunk(audio.samples[: 30 * 60 * 16000])
restart_peak()
before_vad = peak_mb()
spans = speech_spans(half_hour)
after_vad = peak_mb()
print(json.dumps({"seconds": audio.duration_s, "output_mb": audio.samples.nbytes / 2**20,
                  "decode_growth_mb": after_decode - base, "vad_growth_mb": after_vad - before_vad,
                  "spans": len(spans)}))
"""


@pytest.fixture(scope="module")
def two_hour_wav(tmp_path_factory) -> Path:
    """A real two-hour 8 kHz 8-bit WAV (58 MB): near-silence, written in blocks."""
    path = tmp_path_factory.mktemp("long") / "two_hours.wav"
    rate, seconds = 8000, 2 * 3600
    with sf.SoundFile(path, "w", samplerate=rate, channels=1, subtype="PCM_U8") as f:
        noise = (np.random.default_rng(0).standard_normal(rate * 60) * 0.002).astype(np.float32)
        for _ in range(seconds // 60):
            f.write(noise)
    return path


@pytest.mark.integration
def test_two_hour_file_decodes_with_memory_bounded_by_its_output(two_hour_wav):
    done = subprocess.run([sys.executable, "-c", LONG_SCRIPT, str(two_hour_wav)], capture_output=True, text=True,
                          timeout=300, cwd=REPO, env={"PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1",
                                                      "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert abs(figures["seconds"] - 7200) < 1
    # the 16 kHz float32 output is ~440 MB; streaming adds one block, never a second whole copy
    assert figures["decode_growth_mb"] < figures["output_mb"] * 1.15 + 48, figures
    # VAD over 30 minutes works window by window: one scan over all of it holds ~7x its 110 MB
    assert figures["vad_growth_mb"] < 120, figures


@SETTINGS
@given(spans=st.lists(st.tuples(st.floats(0, 50), st.floats(0.01, 900)), max_size=20),
       max_piece_s=st.floats(1, 300))
def test_long_speech_is_cut_into_bounded_pieces_in_order(spans, max_piece_s):
    timeline, t = [], 0.0
    for gap, length in spans:
        timeline.append((t + gap, t + gap + length))
        t += gap + length
    pieces = speech_pieces(timeline, max_piece_s)
    flat = [span for piece in pieces for span in piece]
    for piece in pieces:
        assert sum(e - s for s, e in piece) <= max_piece_s + 1e-6
    assert all(a[1] <= b[0] + 1e-9 for a, b in zip(flat, flat[1:]))
    assert abs(sum(e - s for s, e in flat) - sum(e - s for s, e in timeline)) < 1e-6 * (1 + len(flat))


@pytest.mark.integration
def test_long_answer_transcribed_piece_by_piece_keeps_every_word_in_time_order(speak, transcriber):
    first = decode_file(speak("I trained the model with early stopping.", "piece1.wav"))
    second = decode_file(speak("Then we deployed it with Docker and FastAPI.", "piece2.wav"))
    gap = np.zeros(SAMPLE_RATE_HZ, np.float32)
    audio = AudioChunk(np.concatenate([first.samples, gap, second.samples]))
    utterance = Utterance(audio=audio, start_s=0.0, end_s=audio.duration_s)
    # pieces of 2 s of speech force several whisper calls on this ~6 s answer
    small = WhisperTranscriber(SttOptions(max_piece_s=2.0))
    small._model = transcriber.model
    whole, pieces = transcriber.transcribe(utterance), small.transcribe(utterance)
    for text in (whole.text.lower(), pieces.text.lower()):
        assert "early stopping" in text and "docker" in text
    starts = [s.start_s for s in pieces.segments]
    assert len(pieces.segments) >= 2 and starts == sorted(starts)
    assert pieces.segments[-1].end_s <= audio.duration_s + 0.01

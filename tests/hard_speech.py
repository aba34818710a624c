"""Hard synthetic answers with their ground truth, and the word alignment that scores a transcript.

The texts live in tests/data/hard_speech/answers.yaml; the audio is made by espeak-ng on first use and
cached outside the repository (`hard_speech_dir()`), keyed by everything that shapes it, so a changed text
or espeak version makes new audio. Shared by the system tests and benchmarks/wer.py.
"""
from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

ANSWERS = Path(__file__).resolve().parent / "data" / "hard_speech" / "answers.yaml"
# answers kept out of every decoding choice, so that their WER says whether a choice generalises
HELD_OUT = ANSWERS.with_name("held_out.yaml")
LIBRIVOX = Path("/usr/share/pocketsphinx/test/data/librivox")


@dataclass(frozen=True)
class HardAnswer:
    id: str
    voice: str
    wpm: int
    rate_hz: int
    format: str
    text: str
    short: bool = False
    vocabulary: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.voice} {self.wpm} wpm {self.rate_hz / 1000:g} kHz {self.format}"


def hard_answers(path: Path = ANSWERS) -> tuple[HardAnswer, ...]:
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return tuple(HardAnswer(**{**a, "vocabulary": tuple(a.get("vocabulary", ()))}) for a in data["answers"])


def held_out_answers() -> tuple[HardAnswer, ...]:
    return hard_answers(HELD_OUT)


def hard_speech_dir() -> Path:
    from voice.cache import cache_dir

    return cache_dir() / "hard-speech"


def espeak_version() -> str:
    if not shutil.which("espeak-ng"):
        raise RuntimeError("espeak-ng is required: apt-get install espeak-ng (make system installs it)")
    return subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True, check=True).stdout.strip()


def synthesise(answer: HardAnswer, folder: Path | None = None) -> Path:
    """The answer's recording (made once, then served from the cache)."""
    import soundfile as sf
    import soxr

    folder = folder or hard_speech_dir()
    key = hashlib.sha256("\0".join([espeak_version(), answer.voice, str(answer.wpm), str(answer.rate_hz),
                                    answer.format, answer.text]).encode()).hexdigest()[:16]
    path = folder / f"{answer.id}-{key}.{answer.format}"
    if path.is_file():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    raw = folder / f".{answer.id}-{key}.raw.wav"
    subprocess.run(["espeak-ng", "-v", answer.voice, "-s", str(answer.wpm), "-w", str(raw), answer.text],
                   check=True, capture_output=True)
    samples, rate = sf.read(raw, dtype="float32")
    raw.unlink()
    if rate != answer.rate_hz:
        samples = soxr.resample(samples, rate, answer.rate_hz).astype(np.float32)
    partial = path.with_name(f".{path.name}.partial")
    sf.write(partial, samples, answer.rate_hz, format=answer.format.upper(), subtype="PCM_16")
    partial.replace(path)  # a run killed mid-write never leaves a short file in the cache
    return path


def librivox_references() -> dict[str, str]:
    """{utterance name: reference text} for pocketsphinx-testdata's LibriVox recordings."""
    refs = {}
    for line in (LIBRIVOX / "transcription").read_text().splitlines():
        m = re.match(r"<s>(.*)</s>\s*\((.+)\)", line.strip())
        if m:
            refs[m.group(2)] = m.group(1).strip()
    return refs


ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen").split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
# one spelling per word, so that neither British spelling nor an abbreviation counts as an error
SPELLINGS = {"mr": "mister", "mrs": "missus", "dr": "doctor", "st": "saint", "ok": "okay",
             "regularisation": "regularization", "analyse": "analyze", "centre": "center", "artefact": "artifact",
             "labelled": "labeled", "quantising": "quantizing", "ms": "milliseconds"}


def number_words(n: int) -> str:
    if n < 20:
        return ONES[n]
    if n < 100:
        return TENS[n // 10] + ("" if n % 10 == 0 else " " + ONES[n % 10])
    if n < 1000:
        return ONES[n // 100] + " hundred" + ("" if n % 100 == 0 else " " + number_words(n % 100))
    if n < 1_000_000:
        return number_words(n // 1000) + " thousand" + ("" if n % 1000 == 0 else " " + number_words(n % 1000))
    return str(n)


def normalise(text: str) -> list[str]:
    """Lower-case words with numbers spelled out: '0.3' -> zero point three, '99%' -> ninety nine percent.

    This project's own normaliser; `whisper_normalise` is the field's usual one."""
    text = text.lower().replace("-", " ").replace("%", " percent ")
    text = re.sub(r"(\d)\.(\d)", r"\1 point \2", text)
    text = re.sub(r"\d[\d,]*", lambda m: " " + number_words(int(m.group(0).replace(",", ""))) + " ", text)
    text = re.sub(r"[^a-z' ]+", " ", text)
    return [SPELLINGS.get(w, w) for w in text.split()]


def whisper_normalise(text: str) -> list[str]:
    """Words as Whisper's EnglishTextNormalizer writes them (the normaliser WER figures for whisper are usually
    quoted with: numbers as digits, British spellings American, contractions expanded, hyphens and
    punctuation off), from the `whisper-normalizer` package, which ships its spelling map."""
    from whisper_normalizer.english import EnglishTextNormalizer

    global _whisper_normaliser
    if _whisper_normaliser is None:
        _whisper_normaliser = EnglishTextNormalizer()
    return _whisper_normaliser(text).split()


_whisper_normaliser = None


@dataclass(frozen=True)
class Alignment:
    reference_words: int
    substitutions: int
    deletions: int       # reference words with no counterpart: speech the transcript lost
    insertions: int

    @property
    def errors(self) -> int:
        return self.substitutions + self.deletions + self.insertions

    @property
    def wer(self) -> float:
        return self.errors / max(1, self.reference_words)

    @property
    def lost_share(self) -> float:
        return self.deletions / max(1, self.reference_words)


def align(reference: str, hypothesis: str, normaliser: Callable[[str], list[str]] = normalise) -> Alignment:
    """Levenshtein alignment of normalised words (the same normaliser on both sides), counting each kind of error."""
    ref = normaliser(reference)
    subs, dels, ins, _ = _walk(ref, normaliser(hypothesis))
    return Alignment(len(ref), subs, dels, ins)


def correct_words(reference: str, words: list[str]) -> list[bool]:
    """For each transcribed word, whether all of its normalised tokens match the reference in the alignment."""
    tokens, owner = [], []
    for k, word in enumerate(words):
        for token in normalise(word):
            tokens.append(token)
            owner.append(k)
    *_, matched = _walk(normalise(reference), tokens)
    correct = [True] * len(words)
    for token_index, ok in enumerate(matched):
        correct[owner[token_index]] &= ok
    return correct


def _walk(ref: list[str], hyp: list[str]) -> tuple[int, int, int, list[bool]]:
    ops = edit_ops(ref, hyp)
    matched = [False] * len(hyp)
    for op, _, j in ops:
        if op == "=":
            matched[j] = True
    return (sum(op == "s" for op, *_ in ops), sum(op == "d" for op, *_ in ops), sum(op == "i" for op, *_ in ops),
            matched)


def edit_ops(ref: list[str], hyp: list[str]) -> list[tuple[str, int | None, int | None]]:
    """A Levenshtein alignment as (op, reference index, hypothesis index) in order; op is '=' (match),
    's' (substitution), 'd' (deletion: a reference word with no counterpart) or 'i' (insertion)."""
    n, m = len(ref), len(hyp)
    cost = np.zeros((n + 1, m + 1), dtype=np.int32)
    cost[:, 0] = np.arange(n + 1)
    cost[0, :] = np.arange(m + 1)
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            cost[i, j] = min(cost[i - 1, j] + 1, cost[i, j - 1] + 1, cost[i - 1, j - 1] + (ref[i - 1] != hyp[j - 1]))
    i, j = n, m
    ops: list[tuple[str, int | None, int | None]] = []
    while i or j:  # walk back, preferring a match, then a substitution
        if i and j and cost[i, j] == cost[i - 1, j - 1] + (ref[i - 1] != hyp[j - 1]):
            ops.append(("=" if ref[i - 1] == hyp[j - 1] else "s", i - 1, j - 1))
            i, j = i - 1, j - 1
        elif i and cost[i, j] == cost[i - 1, j] + 1:
            ops.append(("d", i - 1, None))
            i -= 1
        else:
            ops.append(("i", None, j - 1))
            j -= 1
    return ops[::-1]


def edit_distance(ref: list[str], hyp: list[str]) -> int:
    return sum(op != "=" for op, *_ in edit_ops(ref, hyp))


def error_runs(ref: list[str], hyp: list[str]) -> list[tuple[list[str], list[str], int]]:
    """The alignment's errors grouped into runs between matches: (reference words, transcript words, errors)."""
    runs, current = [], []
    for op in [*edit_ops(ref, hyp), ("=", None, None)]:
        if op[0] != "=":
            current.append(op)
        elif current:
            runs.append(([ref[i] for _, i, _ in current if i is not None],
                         [hyp[j] for *_, j in current if j is not None], len(current)))
            current = []
    return runs

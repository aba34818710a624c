"""Word error rate of the speech models on read speech: the LibriVox utterances shipped by Debian's
pocketsphinx-testdata (apt-get install pocketsphinx-testdata), with text and number normalisation.

Run: .venv/bin/python benchmarks/wer.py [--models tiny.en,base]
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from voice.audio import decode_file  # noqa: E402
from voice.stt import SttOptions, WhisperTranscriber, load_whisper  # noqa: E402

DATA = Path("/usr/share/pocketsphinx/test/data/librivox")
ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen " \
       "seventeen eighteen nineteen".split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
SPELLINGS = {"mr": "mister", "mrs": "missus", "dr": "doctor", "st": "saint", "ok": "okay"}


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
    text = text.lower().replace("-", " ")
    text = re.sub(r"\d[\d,]*", lambda m: " " + number_words(int(m.group(0).replace(",", ""))) + " ", text)
    text = re.sub(r"[^a-z' ]+", " ", text)
    return [SPELLINGS.get(w, w) for w in text.split()]


def edit_distance(ref: list[str], hyp: list[str]) -> int:
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[-1]


def load_references() -> dict[str, str]:
    refs = {}
    for line in (DATA / "transcription").read_text().splitlines():
        m = re.match(r"<s>(.*)</s>\s*\((.+)\)", line.strip())
        if m:
            refs[m.group(2)] = m.group(1).strip()
    return refs


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--models", default="tiny.en,base")
    parser.add_argument("--beam-size", type=int, default=5)
    args = parser.parse_args()
    if not DATA.is_dir():
        print(f"{DATA} not found: apt-get install pocketsphinx-testdata", file=sys.stderr)
        return 1
    refs = load_references()
    print(f"{len(refs)} LibriVox utterances from pocketsphinx-testdata")
    for model in args.models.split(","):
        options = SttOptions(model=model, beam_size=args.beam_size, language="en")
        load_whisper(options)
        transcriber = WhisperTranscriber(options)
        errors = total = 0
        audio_s = wall_s = 0.0
        for name, ref in refs.items():
            audio = decode_file(DATA / f"{name}.wav")
            start = time.perf_counter()
            hyp = transcriber.transcribe(audio).text
            wall_s += time.perf_counter() - start
            audio_s += audio.duration_s
            errors += edit_distance(normalise(ref), normalise(hyp))
            total += len(normalise(ref))
        print(f"{model:8s} WER {100 * errors / total:5.1f} %  ({errors}/{total} words)  RTF {wall_s / audio_s:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Word error rate and lost speech, per answer, on hard synthetic answers and on read speech.

Sets: the hard answers of tests/data/hard_speech (espeak-ng voices en-us, en-gb, en+f3, en-us+m3 at
140-190 wpm, 16 / 22.05 / 44.1 kHz, wav and flac, dense with domain terms; made once into a cache folder)
and the LibriVox utterances of Debian's pocketsphinx-testdata. For each speech model setting it prints WER,
the worst share of an answer's words that have no counterpart in the transcript ("lost"), and the decoding
cost against plain faster-whisper tiny.en (its default options, no VAD, no prompt) measured in the same run.

The last column decodes with `auto` and each answer's plan vocabulary in whisper's prompt, as a replay does.

Run: .venv/bin/python benchmarks/wer.py [--models tiny.en,base,auto] [--sets hard,librivox] [--vocabulary auto]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.hard_speech import (LIBRIVOX, Alignment, align, correct_words, hard_answers,  # noqa: E402
                               librivox_references, synthesise)
from voice.audio import decode_file  # noqa: E402
from voice.stt import SttOptions, WhisperTranscriber, load_whisper, resolve_model  # noqa: E402
from voice.transcript import LOW_CONFIDENCE_PROBABILITY  # noqa: E402

TARGET_LOST = 0.10
TARGET_HARD_WER = 0.08
TARGET_COST = 1.3
TARGET_LIBRIVOX_WER = 0.05


def cases(sets: list[str]) -> list[tuple[str, str, str, Path, tuple[str, ...]]]:
    """(set, label, reference text, audio path, the plan's vocabulary) for every answer in the chosen sets."""
    found = []
    if "hard" in sets:
        found += [("hard", a.label, a.text, synthesise(a), a.vocabulary) for a in hard_answers()]
    if "librivox" in sets:
        if not LIBRIVOX.is_dir():
            raise SystemExit(f"{LIBRIVOX} not found: apt-get install pocketsphinx-testdata")
        found += [("librivox", name, text, LIBRIVOX / f"{name}.wav", ())
                  for name, text in librivox_references().items()]
    return found


def plain_tiny(paths: list[Path], beam_size: int) -> tuple[list[str], list[float]]:
    """The naive baseline: faster-whisper tiny.en as it comes."""
    from faster_whisper import WhisperModel

    model = WhisperModel(resolve_model("tiny.en"), device="cpu", compute_type="int8")
    texts, walls = [], []
    for path in paths:
        samples = decode_file(path).samples
        start = time.perf_counter()
        segments, _ = model.transcribe(samples, beam_size=beam_size)
        texts.append(" ".join(s.text.strip() for s in segments))
        walls.append(time.perf_counter() - start)
    return texts, walls


def ours(model: str, paths: list[Path], beam_size: int,
         vocabularies: list[tuple[str, ...]] | None = None) -> tuple[list[str], list[float], list[tuple]]:
    options = SttOptions(model=model, beam_size=beam_size, language="en")
    load_whisper(options)
    transcriber = WhisperTranscriber(options)
    texts, walls, words = [], [], []
    for i, path in enumerate(paths):
        audio = decode_file(path)
        start = time.perf_counter()
        transcript = (transcriber.transcribe(audio, vocabulary=vocabularies[i]) if vocabularies
                      else transcriber.transcribe(audio))
        walls.append(time.perf_counter() - start)
        texts.append(transcript.text)
        words.append(getattr(transcript, "words", ()))
    return texts, walls, words


def calibration(found: list, words: list[tuple]) -> str:
    """How often a word marked low-confidence is wrong, against the words not marked."""
    low = [0, 0]    # [words, wrong]
    rest = [0, 0]
    for (_, _, ref, *_), answer_words in zip(found, words):
        for word, ok in zip(answer_words, correct_words(ref, [w.text for w in answer_words])):
            bucket = low if word.probability < LOW_CONFIDENCE_PROBABILITY else rest
            bucket[0] += 1
            bucket[1] += not ok
    if not low[0] + rest[0]:
        return "no word confidences"
    return (f"words under {100 * LOW_CONFIDENCE_PROBABILITY:g} % confidence: {100 * low[0] / (low[0] + rest[0]):.0f} % "
            f"of words, {100 * low[1] / max(1, low[0]):.0f} % of them wrong; "
            f"the rest {100 * rest[1] / max(1, rest[0]):.0f} % wrong")


def summary(rows: list[tuple[Alignment, float]]) -> tuple[float, float, float]:
    words = sum(a.reference_words for a, _ in rows)
    return (sum(a.errors for a, _ in rows) / max(1, words), max(a.lost_share for a, _ in rows),
            sum(w for _, w in rows))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--models", default="tiny.en,base,auto")
    parser.add_argument("--sets", default="hard,librivox")
    parser.add_argument("--beam-size", type=int, default=5)
    parser.add_argument("--vocabulary", default="auto", metavar="MODEL",
                        help="also decode with this model and each answer's plan vocabulary ('' for none)")
    parser.add_argument("--show", action="store_true", help="print each transcript")
    args = parser.parse_args()
    found = cases(args.sets.split(","))
    paths = [p for *_, p, _ in found]
    audio_s = {p: decode_file(p).duration_s for p in paths}
    results = {"plain tiny.en": plain_tiny(paths, args.beam_size)}
    for model in args.models.split(","):
        results[model] = ours(model, paths, args.beam_size)
    if args.vocabulary:  # as a replay decodes: the plan's terms in whisper's prompt
        results[f"{args.vocabulary}+vocab"] = ours(args.vocabulary, paths, args.beam_size, [v for *_, v in found])
    names = list(results)
    print("per answer: WER % / lost % (reference words with no counterpart)")
    print(f"{'set':9s}{'answer':36s}{'words':>6s}" + "".join(f"{n:>18s}" for n in names))
    scored: dict[str, dict[str, list[tuple[Alignment, float]]]] = {n: {} for n in names}
    for i, (kind, label, ref, path, _) in enumerate(found):
        cells = []
        for name in names:
            alignment = align(ref, results[name][0][i])
            scored[name].setdefault(kind, []).append((alignment, results[name][1][i]))
            cells.append(f"{100 * alignment.wer:7.1f} / {100 * alignment.lost_share:5.1f}")
        print(f"{kind:9s}{label:36s}{len(ref.split()):6d}" + "".join(f"{c:>18s}" for c in cells))
        for name in names if args.show else ():
            print(f"    {name}: {results[name][0][i]}")
    print("\nper set (cost = decoding wall time / plain tiny.en on the same files, this run)")
    for kind in dict.fromkeys(k for k, *_ in found):
        total_audio = sum(audio_s[p] for k, *_, p, _ in found if k == kind)
        _, _, base_wall = summary(scored["plain tiny.en"][kind])
        target = TARGET_HARD_WER if kind == "hard" else TARGET_LIBRIVOX_WER
        print(f"{kind} ({len(scored[names[0]][kind])} answers, {total_audio:.0f} s of audio); "
              f"targets: WER <= {100 * target:g} %, worst lost <= {100 * TARGET_LOST:g} %"
              + (f", cost <= {TARGET_COST:g} x" if kind == "hard" else ""))
        for name in names:
            wer, worst_lost, wall = summary(scored[name][kind])
            print(f"  {name:14s} WER {100 * wer:5.1f} %   worst lost {100 * worst_lost:5.1f} %   "
                  f"RTF {wall / total_audio:.3f}   cost {wall / base_wall:4.2f} x")
        for name in names[1:]:
            chosen = [i for i, (k, *_) in enumerate(found) if k == kind]
            print(f"  {name:14s} " + calibration([found[i] for i in chosen], [results[name][2][i] for i in chosen]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

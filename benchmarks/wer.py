"""Word error rate and lost speech, per answer, on hard synthetic answers and on read speech.

Sets: the hard answers of tests/data/hard_speech/answers.yaml (espeak-ng voices en-us, en-gb, en+f3, en-us+m3
at 140-190 wpm, 16 / 22.05 / 44.1 kHz, wav and flac, dense with domain terms; made once into a cache folder),
the held-out hard answers of held_out.yaml (same generator, other texts, voices and speeds, never used to
choose decoding options: the figure that says whether a choice generalises), and the LibriVox utterances of
Debian's pocketsphinx-testdata. For each speech model setting it prints WER, the worst share of an answer's
words that have no counterpart in the transcript ("lost"), and the decoding cost against plain faster-whisper
tiny.en (its default options, no VAD, no prompt) measured in the same run.

WER is read on Whisper's EnglishTextNormalizer (applied to reference and transcript alike: numbers as digits,
American spelling, contractions expanded, punctuation and hyphens off), the normaliser whisper's published
figures use; the targets are read on it. Beside it: the same with this project's own normaliser (numbers
spelled out, the figure earlier versions printed) and raw (lower case, punctuation off, nothing else), so
the share of errors that are only a matter of writing is visible.

The last column decodes with `auto` and each answer's plan vocabulary, as a replay does; `interview
transcribe` has no plan and decodes as the `auto` column.

Run: .venv/bin/python benchmarks/wer.py [--models tiny.en,base,auto] [--sets hard,held-out,librivox]
     [--vocabulary auto] [--sweep]
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.hard_speech import (LIBRIVOX, Alignment, align, correct_words, edit_distance, error_runs,  # noqa: E402
                               hard_answers, held_out_answers, librivox_references, normalise, synthesise,
                               whisper_normalise)
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
    if "held-out" in sets:
        found += [("held-out", a.label, a.text, synthesise(a), a.vocabulary) for a in held_out_answers()]
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


def ours(options: SttOptions, paths: list[Path],
         vocabularies: list[tuple[str, ...]] | None = None) -> tuple[list[str], list[float], list[tuple]]:
    load_whisper(options)
    transcriber = WhisperTranscriber(options)
    texts, walls, words = [], [], []
    for i, path in enumerate(paths):
        audio = decode_file(path)
        start = time.perf_counter()
        transcript = transcriber.transcribe(audio, vocabulary=vocabularies[i] if vocabularies else ())
        walls.append(time.perf_counter() - start)
        texts.append(transcript.text)
        words.append(getattr(transcript, "words", ()))
    return texts, walls, words


# --sweep: decoding options measured on the tuning set (answers.yaml), each with the plan's vocabulary
# unless named "no vocab"; the chosen defaults are then read once on the held-out answers
SWEEP = {
    "vocab hotwords": dict(vocabulary_as="hotwords"),
    "vocab both": dict(vocabulary_as="both"),
    "beam 1": dict(beam_size=1),
    "beam 2": dict(beam_size=2),
    "beam 10": dict(beam_size=10),
    "patience 2": dict(patience=2.0),
    "no timestamps": dict(without_timestamps=True),
    "pieces <= 30 s": dict(max_piece_s=30.0),
    "pieces <= 15 s": dict(max_piece_s=15.0),
    "base+vocab": dict(model="base"),
    "base+vocab beam 2": dict(model="base", beam_size=2),
    "base+vocab beam 1": dict(model="base", beam_size=1),
}


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


def raw_words(text: str) -> list[str]:
    """Lower case, punctuation off the word edges, nothing else: '99%' and 'ninety nine percent' differ."""
    return [w for w in (t.strip(".,;:!?\"()").lower() for t in text.split()) if w]


NORMALISERS = {"whisper": whisper_normalise, "project": normalise, "raw": raw_words}


ERROR_KINDS = ("hyphen/compound", "number", "spelling", "domain term", "deletion", "other word")


def error_kinds(reference: str, hypothesis: str, vocabulary: tuple[str, ...]) -> dict[str, int]:
    """The raw errors (see raw_words) by kind, run by run (errors between two matched words). The errors of a
    run that vanish without hyphens and spaces, or under a normaliser, are only a matter of writing
    (hyphens and compounds; numbers; spelling including contractions); the rest are a misrecognised domain
    term when the run covers a word of the plan's vocabulary, deletions when the transcript has nothing
    there, or other misheard words."""
    terms = {w for t in vocabulary for w in re.split(r"[-\s]", t.lower()) if len(w) > 2}
    counts = dict.fromkeys(ERROR_KINDS, 0)
    for ref, hyp, errors in error_runs(raw_words(reference), raw_words(hypothesis)):
        said, heard = " ".join(ref), " ".join(hyp)
        unhyphenated = 0 if re.sub(r"[-\s]", "", said) == re.sub(r"[-\s]", "", heard) else min(
            errors, edit_distance(said.replace("-", " ").split(), heard.replace("-", " ").split()))
        left = min(unhyphenated, edit_distance(whisper_normalise(said), whisper_normalise(heard)),
                   edit_distance(normalise(said), normalise(heard)))
        counts["hyphen/compound"] += errors - unhyphenated
        # Whisper's normaliser writes numbers as digits: a digit on either side marks a number
        digits = re.search(r"\d", " ".join([said, heard, *whisper_normalise(said)]))
        counts["number" if digits else "spelling"] += unhyphenated - left
        if terms & {w for word in ref for w in word.split("-")}:
            counts["domain term"] += left
        else:
            counts["other word" if hyp else "deletion"] += left
    return counts


def pooled_wer(alignments: list[Alignment]) -> float:
    return sum(a.errors for a in alignments) / max(1, sum(a.reference_words for a in alignments))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--models", default="tiny.en,base,auto")
    parser.add_argument("--sets", default="hard,held-out,librivox")
    parser.add_argument("--beam-size", type=int, default=5)
    parser.add_argument("--vocabulary", default="auto", metavar="MODEL",
                        help="also decode with this model and each answer's plan vocabulary ('' for none)")
    parser.add_argument("--show", action="store_true", help="print each transcript")
    parser.add_argument("--sweep", nargs="?", const=",".join(SWEEP), default="", metavar="NAMES",
                        help="also measure decoding options (beam, patience, hotwords, pieces, base), all or the "
                             "named ones; use with --sets hard, the tuning set")
    args = parser.parse_args()
    found = cases(args.sets.split(","))
    paths = [p for *_, p, _ in found]
    audio_s = {p: decode_file(p).duration_s for p in paths}
    vocabularies = [v for *_, v in found]
    results = {"plain tiny.en": plain_tiny(paths, args.beam_size)}
    for model in args.models.split(","):
        results[model] = ours(SttOptions(model=model, beam_size=args.beam_size, language="en"), paths)
    if args.vocabulary:  # as a replay decodes: the plan's terms in whisper's prompt
        results[f"{args.vocabulary}+vocab"] = ours(
            SttOptions(model=args.vocabulary, beam_size=args.beam_size, language="en"), paths, vocabularies)
    for name in filter(None, args.sweep.split(",")):
        if name not in SWEEP:
            raise SystemExit(f"error: --sweep {name}: not one of {', '.join(SWEEP)}")
        changes = SWEEP[name]
        options = SttOptions(**{"model": "auto", "beam_size": args.beam_size, "language": "en", **changes})
        results[name] = ours(options, paths, vocabularies)
    names = list(results)
    print("per answer: WER % / lost % (Whisper's normaliser; lost = reference words with no counterpart)")
    print(f"{'set':9s}{'answer':36s}{'words':>6s}" + "".join(f"{n:>19s}" for n in names))
    # scored[name][set][normaliser] = one Alignment per answer; walls[name][set] = decoding seconds per answer
    scored: dict[str, dict[str, dict[str, list[Alignment]]]] = {n: {} for n in names}
    walls: dict[str, dict[str, list[float]]] = {n: {} for n in names}
    for i, (kind, label, ref, path, _) in enumerate(found):
        cells = []
        for name in names:
            for key, normaliser in NORMALISERS.items():
                scored[name].setdefault(kind, {}).setdefault(key, []).append(
                    align(ref, results[name][0][i], normaliser))
            walls[name].setdefault(kind, []).append(results[name][1][i])
            alignment = scored[name][kind]["whisper"][-1]
            cells.append(f"{100 * alignment.wer:7.1f} / {100 * alignment.lost_share:5.1f}")
        print(f"{kind:9s}{label:36s}{len(ref.split()):6d}" + "".join(f"{c:>19s}" for c in cells))
        for name in names if args.show else ():
            print(f"    {name}: {results[name][0][i]}")
    print("\nper set: WER with Whisper's normaliser (the targets are read on it), then with this project's "
          "normaliser and raw;\ncost = decoding wall time / plain tiny.en on the same files, this run")
    for kind in dict.fromkeys(k for k, *_ in found):
        total_audio = sum(audio_s[p] for k, *_, p, _ in found if k == kind)
        base_wall = sum(walls["plain tiny.en"][kind])
        target = TARGET_LIBRIVOX_WER if kind == "librivox" else TARGET_HARD_WER
        print(f"{kind} ({len(walls[names[0]][kind])} answers, {total_audio:.0f} s of audio); "
              f"targets: WER <= {100 * target:g} %, worst lost <= {100 * TARGET_LOST:g} %"
              + ("" if kind == "librivox" else f", cost <= {TARGET_COST:g} x"))
        for name in names:
            by = scored[name][kind]
            wer, worst_lost = pooled_wer(by["whisper"]), max(a.lost_share for a in by["whisper"])
            wall = sum(walls[name][kind])
            cheap = kind == "librivox" or wall <= TARGET_COST * base_wall
            met = wer <= target and worst_lost <= TARGET_LOST and cheap
            print(f"  {name:18s} WER {100 * wer:5.1f} %  (project {100 * pooled_wer(by['project']):5.1f} %, "
                  f"raw {100 * pooled_wer(by['raw']):5.1f} %)   worst lost {100 * worst_lost:5.1f} %   "
                  f"RTF {wall / total_audio:.3f}   cost {wall / base_wall:4.2f} x   {'met' if met else 'not met'}")
        chosen = [i for i, (k, *_) in enumerate(found) if k == kind]
        words = sum(len(raw_words(found[i][2])) for i in chosen)
        print(f"  raw errors by kind, points of WER {'':4s}" + "".join(f"{k:>17s}" for k in ERROR_KINDS))
        for name in names:
            counts = dict.fromkeys(ERROR_KINDS, 0)
            for i in chosen:
                for k, n in error_kinds(found[i][2], results[name][0][i], found[i][4]).items():
                    counts[k] += n
            print(f"  {name:38s}" + "".join(f"{100 * counts[k] / words:17.1f}" for k in ERROR_KINDS))
        for name in names[1:]:
            print(f"  {name:18s} " + calibration([found[i] for i in chosen], [results[name][2][i] for i in chosen]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

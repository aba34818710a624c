"""Emotion classifier speed: model load time and ms per turn for the text and voice channels.

    PYTHONPATH=. HF_HUB_OFFLINE=1 python benchmarks/emotion_speed.py [--turns 10]

Answers are 60 s of espeak-ng speech (tiled) with ~150 words; speech-to-text is not included.
Target: <= 50 ms per turn for each channel on 2 cores.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from nlp.emotion_local import EmotionOptions, LocalEmotionClassifier  # noqa: E402
from nlp.prosody import extract_prosody  # noqa: E402
from voice.audio import AudioChunk, Utterance, decode_file  # noqa: E402
from voice.transcript import Segment, Transcript  # noqa: E402

TEXT = ("I built the data pipeline for our analytics team and it cut the report time in half. Then we moved "
        "the dashboards over and the whole team started using them every morning, which I really enjoyed.")


def sixty_second_answer(seconds: float = 60.0) -> tuple[Transcript, Utterance]:
    with tempfile.TemporaryDirectory() as folder:
        wav = Path(folder) / "a.wav"
        subprocess.run(["espeak-ng", "-w", str(wav), TEXT], check=True, capture_output=True)
        once = decode_file(wav)
    reps = int(np.ceil(seconds / once.duration_s))
    samples = np.tile(once.samples, reps)[: int(seconds * 16000)]
    text = " ".join([TEXT] * reps)
    per = seconds / reps
    segments = tuple(Segment(i * per, (i + 1) * per, TEXT) for i in range(reps))
    chunk = AudioChunk(samples, 16000)
    return Transcript(text, segments), Utterance(chunk, 0.0, chunk.duration_s)


def main() -> int:
    parser = argparse.ArgumentParser(description="emotion classifier speed")
    parser.add_argument("--turns", type=int, default=10)
    args = parser.parse_args()
    transcript, utterance = sixty_second_answer()

    t0 = time.perf_counter()
    text_only = LocalEmotionClassifier(EmotionOptions(voice_enabled=False, window_s=1e9))
    text_only.classify(transcript, None)
    load_s = time.perf_counter() - t0
    print(f"model load + first turn: {load_s:.2f} s")

    def per_turn_ms(fn) -> float:
        fn()
        start = time.perf_counter()
        for _ in range(args.turns):
            fn()
        return (time.perf_counter() - start) * 1000 / args.turns

    # the shared embedder caches repeated texts; vary one word so every turn is encoded afresh
    counter = iter(range(10 ** 9))

    def fresh(t: Transcript) -> Transcript:
        return Transcript(f"({next(counter)}) {t.text}", t.segments)

    text_ms = per_turn_ms(lambda: text_only.classify(fresh(transcript), None))
    voice_ms = per_turn_ms(lambda: extract_prosody(transcript, utterance))
    full = LocalEmotionClassifier(EmotionOptions())
    full_ms = per_turn_ms(lambda: full.classify(fresh(transcript), utterance))
    print(f"60 s answer, {transcript.word_count} words, {args.turns} turns each")
    print(f"text channel (whole answer):       {text_ms:6.1f} ms/turn")
    print(f"voice channel (prosody features):  {voice_ms:6.1f} ms/turn")
    print(f"full classify (text + voice + 10 s windows): {full_ms:6.1f} ms/turn")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

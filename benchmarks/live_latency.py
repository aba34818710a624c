"""Live turn-taking latency on the virtual devices: from the last voiced sample of an answer (heard
on the microphone) to the first audible sample of the next question (heard on the speaker).

    SHARED_DIR=../shared python benchmarks/live_latency.py [--turns 10] [--end-silence-ms 1500]

Runs `interview live` with the offline interviewer and a scripted candidate whose answers are
long enough (> short_answer_s) that the normal end silence applies. Prints p50/p95 and how much of
the time is the end-of-answer silence itself.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.live_audio import Monitor, audio_up, espeak_wav, speak_into_mic  # noqa: E402

ANSWER = ("I built a pipeline in Python that loads the sales data every night, checks the row counts, "
          "and then writes a small report for the finance team so they can see the numbers each morning.")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=10)
    parser.add_argument("--end-silence-ms", type=int, default=1500)
    parser.add_argument("--tts", default="pyttsx3")
    args = parser.parse_args()
    env = audio_up()
    work = Path(tempfile.mkdtemp(prefix="live-latency-"))
    questions = "\n".join(f"  - id: q{i}\n    text: Tell me about project number {i}." for i in range(args.turns + 1))
    (work / "plan.yaml").write_text(f"role: Data engineer\nquestions:\n{questions}\n")
    answer = espeak_wav(ANSWER, work / "answer.wav")
    speaker = Monitor("vspeaker.monitor", env)
    mic = Monitor("vmic_in.monitor", env)
    process = subprocess.Popen(
        [sys.executable, "-m", "interview", "live", "--plan", str(work / "plan.yaml"), "--max-followups", "0",
         "--out", str(work / "session"), "--yes-consent", "--tts", args.tts,
         "--end-silence-ms", str(args.end_silence_ms)],
        env={**os.environ, **env, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1"},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    latencies = []
    try:
        alive = lambda: process.poll() is None  # noqa: E731
        _, cursor = speaker.next_utterance(0, timeout_s=120, alive=alive)   # greeting + first question
        for _ in range(args.turns):
            mic_from = len(mic.samples())
            speak_into_mic(answer, env)
            _, mic_last = mic.next_utterance(mic_from, gap_s=0.3, timeout_s=30)
            answer_end_t = mic.time_of(mic_last)
            first, cursor = speaker.next_utterance(cursor, timeout_s=60, alive=alive)
            latencies.append(speaker.time_of(first) - answer_end_t)
        process.wait(timeout=120)
    finally:
        speaker.stop()
        mic.stop()
        if process.poll() is None:
            process.kill()
    values = np.array(latencies)
    silence_s = args.end_silence_ms / 1000
    print(f"turns: {len(values)}  end silence: {silence_s:.2f} s  tts: {args.tts}")
    print(f"latency p50 {np.percentile(values, 50):.2f} s  p95 {np.percentile(values, 95):.2f} s  "
          f"min {values.min():.2f} s  max {values.max():.2f} s")
    print(f"beyond the end silence: p50 {np.percentile(values, 50) - silence_s:.2f} s  "
          f"p95 {np.percentile(values, 95) - silence_s:.2f} s")
    print("per turn: " + " ".join(f"{v:.2f}" for v in values))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

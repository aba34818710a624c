"""Live turn-taking latency on the virtual devices: from the last voiced sample of an answer (heard
on the microphone) to the first audible sample of the next question (heard on the speaker).

    SHARED_DIR=../shared python benchmarks/live_latency.py [--turns 10] [--end-silence-ms 1500 1000]
                                                            [--max-followups 0]

Runs `interview live` once per end silence (the default 1500 ms, and a shorter one for comparison)
with the offline interviewer and a scripted candidate whose answers are long enough
(> short_answer_s) that the normal end silence applies. Prints p50/p95 for each, and how much of
the time is the end-of-answer silence itself: the rest is what the system adds.
"""
from __future__ import annotations

import argparse
import os
import signal
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
    parser.add_argument("--end-silence-ms", type=int, nargs="+", default=[1500, 1000])
    parser.add_argument("--tts", default="pyttsx3")
    parser.add_argument("--max-followups", type=int, default=0,
                        help="0: the next question never depends on the answer, so it is spoken while the "
                             "answer is scored; 1 (the product's default): it waits for the score when a "
                             "follow-up is possible")
    args = parser.parse_args()
    env = audio_up()
    work = Path(tempfile.mkdtemp(prefix="live-latency-"))
    questions = "\n".join(f"  - id: q{i}\n    text: Tell me about project number {i}." for i in range(args.turns + 1))
    (work / "plan.yaml").write_text(f"role: Data engineer\nquestions:\n{questions}\n")
    answer = espeak_wav(ANSWER, work / "answer.wav")
    for end_silence_ms in args.end_silence_ms:
        values = np.array(measure(work, answer, env, end_silence_ms, args))
        silence_s = end_silence_ms / 1000
        print(f"turns: {len(values)}  end silence: {silence_s:.2f} s  max follow-ups: {args.max_followups}  "
              f"tts: {args.tts}")
        print(f"  latency p50 {np.percentile(values, 50):.2f} s  p95 {np.percentile(values, 95):.2f} s  "
              f"min {values.min():.2f} s  max {values.max():.2f} s")
        print(f"  beyond the end silence: p50 {np.percentile(values, 50) - silence_s:.2f} s  "
              f"p95 {np.percentile(values, 95) - silence_s:.2f} s")
        print("  per turn: " + " ".join(f"{v:.2f}" for v in values))
    return 0


def measure(work: Path, answer: Path, env: dict[str, str], end_silence_ms: int, args) -> list[float]:
    """Seconds from the end of each spoken answer to the start of the next question."""
    session = work / f"session-{end_silence_ms}"
    log = work / f"live-{end_silence_ms}.log"     # read it when a run fails
    speaker = Monitor("vspeaker.monitor", env)
    mic = Monitor("vmic_in.monitor", env)
    process = subprocess.Popen(
        [sys.executable, "-m", "interview", "live", "--plan", str(work / "plan.yaml"), "--max-followups", str(args.max_followups),
         "--out", str(session), "--yes-consent", "--tts", args.tts, "--end-silence-ms", str(end_silence_ms)],
        env={**os.environ, **env, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1", "PYTHONFAULTHANDLER": "1"},
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log.open("w"),
        # a background shell ignores SIGINT for its jobs; the session needs it to end by Ctrl+C
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
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
        # what is left goes unanswered: Ctrl+C ends the interview as a candidate's interrupt would
        process.send_signal(signal.SIGINT)
        process.wait(timeout=120)
    except Exception:
        process.send_signal(signal.SIGABRT)     # PYTHONFAULTHANDLER: every thread's stack goes to the log
        print(f"the live session failed or stalled; its log: {log}", file=sys.stderr)
        raise
    finally:
        speaker.stop()
        mic.stop()
        if process.poll() is None:
            process.kill()
    return latencies


if __name__ == "__main__":
    raise SystemExit(main())

"""Live turn-taking on the virtual devices, both sides at once: how fast the next question comes after
an answer ends, and how often a candidate who pauses to think is cut off.

    SHARED_DIR=../shared python benchmarks/live_latency.py [--answers 40] [--json] [-- LIVE FLAGS...]

Runs one `interview live` session at the product's defaults (follow-ups on, the default turn detector;
flags after `--` are passed on) with a scripted candidate. Half of the answers hold a thinking pause of
0.8-2.5 s in the middle (after "so", after "um", mid-clause, mid-list), half end cleanly. For each
answer:
- latency: from the answer's last voiced sample (heard on the microphone) to the first audible sample
  of the interviewer's next words (heard on the speaker);
- a false cut-off: the interviewer started speaking before the answer's last voiced sample (its turn
  gives no latency figure).
`--json` prints one line: {"p50_s", "p95_s", "false_cutoffs", "paused_answers", "turns", "stages_p50_s"}.

Where the time goes: the session runs with `--verbose`, which stamps each step between an answer's end and
the next question's first sound on the machine's monotonic clock (voice.timing); each answer's latency is
split into the pause held before the answer was called over, the lag of listening behind the microphone,
saving the answer and waiting for the transcript of its last words, choosing the next question, waiting
for its synthesis, opening the playback stream, and the stream's way to the ear.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.live_audio import LOUD, Monitor, audio_up, espeak_wav, speak_into_mic  # noqa: E402

# (first part, pause in seconds, second part): where people stop to think
PAUSED = [
    ("I started by reading the logs, so", 1.2, "I could see which step failed first and fix it."),
    ("The first thing I checked was, um", 1.8, "whether the input files had arrived on time."),
    ("We built it with Python, SQL, and", 1.0, "a small scheduler that runs every night."),
    ("I moved the data into the warehouse because", 2.2, "the old database could not keep up with the reports."),
    ("When the job failed I looked at", 0.9, "the row counts of each table before and after the load."),
    ("So the tricky part was, uh", 2.5, "getting the finance team to agree on one definition of revenue."),
    ("My main tools were Airflow, dbt, and", 1.5, "Great Expectations for the data checks."),
    ("We tested every query with", 1.1, "a small sample database that we rebuilt for each run."),
    ("The dashboard was slow, so", 2.0, "I added an index and cached the daily totals."),
    ("Um, I think the best example is", 1.4, "the migration we did last spring from cron to Airflow."),
    ("I wrote unit tests for the parsers and", 0.8, "an end to end test that loads one day of data."),
    ("We disagreed about the deadline, so", 1.7, "I listened to both sides and we split the release in two."),
    ("The model drifted after a month, and", 2.3, "we only noticed because the weekly accuracy report dropped."),
    ("First we profiled the job, then", 1.3, "we rewrote the slowest join in plain SQL."),
    ("I usually start with, hmm", 1.9, "a quick look at the data types and the null counts."),
    ("The pipeline reads from Kafka, cleans the events, and", 1.0, "writes them to Parquet files by hour."),
    ("What I learned from that was", 2.4, "to agree on the data contract before writing any code."),
    ("We monitored latency, error rates, and", 1.6, "the size of the input queue."),
    ("To be honest the hardest part was, um", 1.2, "explaining the delay to the customer."),
    ("I set up alerts in Grafana because", 0.9, "nobody looked at the dashboards at night."),
]
CLEAN = [
    "I built a pipeline in Python that loads the sales data every night and checks the row counts.",
    "We cut the run time of the nightly job from two hours to twenty minutes.",
    "I would check the logs first, then roll back the last change if the error started with it.",
    "The team still uses the test suite I wrote for the billing service.",
    "I learned to write the data checks before the transformation code.",
    "We agreed on a plan with the product owner and delivered it the next week.",
    "My favourite project was a recommendation service that served ten thousand requests a minute.",
    "I keep every query in version control and review it like any other code.",
    "We used feature flags so that we could turn the new pipeline off in a minute.",
    "The result was a report that the finance team reads every morning.",
    "I trained a gradient boosting model and tracked its accuracy every week.",
    "When two colleagues disagreed, I asked each of them to write down their proposal.",
    "I set up continuous integration that runs the tests on every pull request.",
    "We replaced the manual export with an API that the partners call directly.",
    "I documented the schema so that new analysts could start in a day.",
    "The biggest gain came from partitioning the table by date.",
    "I paired with a junior engineer for a month until she owned the service.",
    "We measured the impact with an A B test over two weeks.",
    "I moved the batch job to the cloud and cut its cost by half.",
    "That project taught me to ask for the numbers before promising a date.",
]


@dataclass(frozen=True)
class Answer:
    wav: Path
    paused: bool
    # the longest silence inside it, espeak-ng's own silences around each part included
    pause_s: float = 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=40, help="half paused, half clean (at least 40 for the target)")
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    parser.add_argument("--barge-in", type=int, default=0, metavar="N",
                        help="instead: N interruptions, each 1 s into a question; how soon the question stops")
    parser.add_argument("live_flags", nargs="*", help="after --: flags passed on to `interview live`")
    args = parser.parse_args()
    env = audio_up()
    work = Path(tempfile.mkdtemp(prefix="live-latency-"))
    if args.barge_in:
        return barge_in(work, env, args.barge_in, args.live_flags, args.json)
    answers = make_answers(work, args.answers)
    # more questions than answers: follow-ups take some turns, and Ctrl+C ends the session
    questions = "\n".join(f"  - id: q{i}\n    text: Tell me about project number {i}." for i in range(len(answers) + 1))
    (work / "plan.yaml").write_text(f"role: Data engineer\nquestions:\n{questions}\n")
    result = measure(work, answers, env, args.live_flags)
    latencies = np.array(result["latencies"])
    summary = {"p50_s": round(float(np.percentile(latencies, 50)), 3) if len(latencies) else None,
               "p95_s": round(float(np.percentile(latencies, 95)), 3) if len(latencies) else None,
               "false_cutoffs": result["false_cutoffs"], "paused_answers": result["paused_answers"],
               "turns": len(answers),
               "stages_p50_s": {name: round(float(np.percentile(v, 50)), 3) for name, v in result["stages"].items() if v}}
    if args.json:
        print(json.dumps(summary))
        return 0
    print(f"answers: {len(answers)} ({result['paused_answers']} with a thinking pause)  flags: {args.live_flags}")
    print(f"  latency p50 {summary['p50_s']} s  p95 {summary['p95_s']} s  min {latencies.min():.2f} s  "
          f"max {latencies.max():.2f} s")
    print(f"  false cut-offs: {result['false_cutoffs']} of {result['paused_answers']} paused answers "
          f"(clean answers cut off: {result['clean_cutoffs']})")
    print("  where the time goes (p50 / p95 over the answers measured, seconds):")
    for name, values in result["stages"].items():
        if values:
            print(f"    {name:<34} {np.percentile(values, 50):6.3f} / {np.percentile(values, 95):6.3f}")
    for what, calls in (("turn model", result["turn_model"]), ("pieces' whisper", result["pieces"])):
        if calls:
            took = [c["took_ms"] for c in calls]
            print(f"  {what}: {len(calls)} calls, p50 {np.median(took):.0f} ms, p95 {np.percentile(took, 95):.0f} ms")
    print("  per answer: " + " ".join(result["log"]))
    return 0


def make_answers(work: Path, count: int) -> list[Answer]:
    answers = []
    for i in range(count):
        if i % 2 == 0:
            first, pause_s, then = PAUSED[(i // 2) % len(PAUSED)]
            wav = espeak_wav(first, work / f"a{i}.wav", pause_s=pause_s, then=then)
        else:
            wav = espeak_wav(CLEAN[(i // 2) % len(CLEAN)], work / f"a{i}.wav")
        answers.append(Answer(wav, i % 2 == 0, longest_silence_s(wav)))
    return answers


def longest_silence_s(wav: Path) -> float:
    """The longest quiet stretch between the first and last sound of a WAV, by the Monitor's measure."""
    from voice.audio import decode_file

    samples = decode_file(wav).samples
    blocks = samples[: len(samples) // 320 * 320].reshape(-1, 320)
    loud = np.flatnonzero(np.sqrt(np.mean(np.square(blocks), axis=1)) > LOUD)
    return float(np.diff(loud).max() - 1) * 320 / 16000 if len(loud) > 1 else 0.0


def measure(work: Path, answers: list[Answer], env: dict[str, str], flags: list[str]) -> dict:
    session = work / "session"
    log = work / "live.log"     # read it when a run fails
    speaker = Monitor("vspeaker.monitor", env)
    mic = Monitor("vmic_in.monitor", env)
    process = subprocess.Popen(
        [sys.executable, "-m", "interview", "--verbose", "live", "--plan", str(work / "plan.yaml"), "--out",
         str(session), "--yes-consent", *flags],
        env={**os.environ, **env, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1", "PYTHONFAULTHANDLER": "1"},
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log.open("w"),
        # a background shell ignores SIGINT for its jobs; the session needs it to end by Ctrl+C
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    latencies: list[float] = []
    measured: list[tuple[float, float]] = []     # (last voiced sample, first audible sample) per answer
    cutoffs = clean_cutoffs = 0
    lines: list[str] = []
    cuts: list[tuple[int, float]] = []          # (answer, when the interviewer cut in)
    try:
        alive = lambda: process.poll() is None  # noqa: E731
        _, cursor = speaker.next_utterance(0, timeout_s=120, alive=alive)   # greeting + first question
        for answer in answers:
            mic_from, speaker_from = len(mic.samples()), cursor
            speak_into_mic(answer.wav, env)
            # the whole answer: its pause (at most 2.5 s, and espeak-ng's silences around the parts) is not its end
            _, mic_last = mic.next_utterance(mic_from, gap_s=answer.pause_s + 0.3, timeout_s=30)
            answer_end_t = mic.time_of(mic_last)
            first, cursor = speaker.next_utterance(speaker_from, timeout_s=60, alive=alive)
            if speaker.time_of(first) < answer_end_t - 0.05:
                # the interviewer spoke before the answer was over: find the words that came after it
                cutoffs += answer.paused
                clean_cutoffs += not answer.paused
                lines.append("cut")
                cuts.append((len(lines) - 1, speaker.time_of(first)))
                # with barge-in the interrupted words stop and come again after the answer; without it,
                # the words that cut in were the next question, and nothing more comes
                try:
                    while speaker.time_of(first) < answer_end_t:
                        first, cursor = speaker.next_utterance(cursor, timeout_s=8, alive=alive)
                except TimeoutError:
                    pass
                continue
            latencies.append(speaker.time_of(first) - answer_end_t)
            measured.append((answer_end_t, speaker.time_of(first)))
            lines.append(f"{latencies[-1]:.2f}{'p' if answer.paused else ''}")
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
    marks = read_marks(log)
    for i, cut_t in cuts:   # what ended the answer too soon
        decided = [v for e, t, v in marks if e == "turn_complete" and t < cut_t]
        if decided:
            v = decided[-1]
            cue = {-1: "continue", 1: "complete", 0: "pending" if v["pending"] else "none"}[int(v["cue"])]
            lines[i] = f"cut(p={v['p']:.2f},{cue},{v['pause_ms']:.0f}ms)"
    return {"latencies": latencies, "false_cutoffs": cutoffs, "clean_cutoffs": clean_cutoffs,
            "paused_answers": sum(a.paused for a in answers), "log": lines, "stages": stages(marks, measured),
            "turn_model": [v for e, _, v in marks if e == "turn_model"], "pieces": [v for e, _, v in marks if e == "piece"]}


MARK = re.compile(r"timing (\w+) at=([\d.]+)((?: \w+=[-\d.e]+)*)")
ANALYSIS = "(beside it: whole-answer analysis)"
STEPS = ("saved", "early_transcript", "next_chosen", "synthesized", "playback_started")


def read_marks(log: Path) -> list[tuple[str, float, dict[str, float]]]:
    """The session's timing stamps (voice.timing), in order."""
    marks = []
    for match in MARK.finditer(log.read_text(errors="replace")):
        values = {k: float(v) for k, v in (pair.split("=") for pair in match.group(3).split())}
        marks.append((match.group(1), float(match.group(2)), values))
    return marks


def stages(marks: list, measured: list[tuple[float, float]]) -> dict[str, list[float]]:
    """Each measured answer's latency, step by step, from the stamps between its end and the next sound."""
    names = ("pause held before the end was called", "listening behind the microphone",
             "save + last words' transcript", "choose the next question", "wait for its synthesis",
             "open the playback stream", "stream to the ear")
    out: dict[str, list[float]] = {name: [] for name in (*names, ANALYSIS)}
    for end_t, audible_t in measured:
        over = [(t, v) for e, t, v in marks if e == "answer_over" and end_t < t < audible_t]
        if not over:
            continue
        over_t, values = over[-1]
        at = {}
        for step in STEPS:
            at[step] = next((t for e, t, _ in marks if e == step and over_t <= t <= audible_t), None)
        if any(t is None for t in at.values()):
            continue
        pause_s = values["pause_ms"] / 1000.0
        parts = (pause_s, over_t - end_t - pause_s, at["early_transcript"] - over_t,
                 at["next_chosen"] - at["early_transcript"], at["synthesized"] - at["next_chosen"],
                 at["playback_started"] - at["synthesized"], audible_t - at["playback_started"])
        for name, value in zip(names, parts):
            out[name].append(value)
        # not part of the latency: the saved answer transcribed whole and scored while the question plays
        saved = next((t for e, t, _ in marks if e == "turn_saved" and t > at["next_chosen"]), None)
        if saved is not None:
            out[ANALYSIS].append(saved - at["next_chosen"])
    return out


def barge_in(work: Path, env: dict[str, str], count: int, flags: list[str], as_json: bool) -> int:
    """From the moment the candidate has spoken 0.5 s over a question (what barge-in waits for) to the
    question's last audible sample on the speaker."""
    answer = espeak_wav(CLEAN[0], work / "answer.wav")
    questions = "\n".join(f"  - id: q{i}\n    text: Tell me about project number {i}, what it did, who used "
                          f"it, how you built it, and what you would change about it today." for i in range(count + 1))
    (work / "plan.yaml").write_text(f"role: Data engineer\nquestions:\n{questions}\n")
    speaker = Monitor("vspeaker.monitor", env)
    mic = Monitor("vmic_in.monitor", env)
    process = subprocess.Popen(
        [sys.executable, "-m", "interview", "live", "--plan", str(work / "plan.yaml"), "--out", str(work / "session"),
         "--yes-consent", "--max-followups", "0", *flags],
        env={**os.environ, **env, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1"},
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=(work / "live.log").open("w"),
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    stops: list[float] = []
    try:
        alive = lambda: process.poll() is None  # noqa: E731
        _, cursor = speaker.next_utterance(0, timeout_s=120, alive=alive)   # greeting + first question:
        mic_from = len(mic.samples())                                       # the canceller learns here
        speak_into_mic(answer, env)
        for _ in range(count):
            _, mic_last = mic.next_utterance(mic_from, gap_s=0.5, timeout_s=30)
            first, _ = speaker.next_utterance(cursor, gap_s=0.05, timeout_s=60, alive=alive)
            while speaker.time_of(first) < mic.time_of(mic_last):          # the next question's start
                first, _ = speaker.next_utterance(first + 320, gap_s=0.05, timeout_s=60, alive=alive)
            time.sleep(max(0.0, speaker.time_of(first) + 1.0 - time.monotonic()))
            mic_from = len(mic.samples())
            speak_into_mic(answer, env)
            spoke, _ = mic.next_utterance(mic_from, gap_s=0.5, timeout_s=30)
            _, cursor = speaker.next_utterance(first, gap_s=0.8, timeout_s=60, alive=alive)
            stops.append(speaker.time_of(cursor) - (mic.time_of(spoke) + 0.5))
        process.send_signal(signal.SIGINT)
        process.wait(timeout=120)
    finally:
        speaker.stop()
        mic.stop()
        if process.poll() is None:
            process.kill()
    values = np.array(stops)
    summary = {"stop_p50_s": round(float(np.percentile(values, 50)), 3), "stop_max_s": round(float(values.max()), 3),
               "interruptions": count}
    print(json.dumps(summary) if as_json else
          f"barge-in: {count} interruptions; from 0.5 s of speech to the question's last sound: p50 "
          f"{summary['stop_p50_s']} s, max {summary['stop_max_s']} s ({' '.join(f'{v:.2f}' for v in values)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

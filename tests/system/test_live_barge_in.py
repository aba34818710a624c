"""Barge-in and echo on the virtual devices, with the speaker's output mixed back into the microphone
(a PulseAudio loopback from vspeaker.monitor into vmic_in), as a laptop's loudspeakers and microphone do.

The candidate starts answering while the first question is still being spoken: the question stops and
the answer is kept whole. A short noise burst (a cough) during the second question does not stop it.
The interviewer hears its own words the whole time, and no turn is ever made of them."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import numpy as np
import pytest
import soundfile as sf

from tests.live_audio import FAST_WPM, REPO, RATE_HZ, Monitor, audio_up, espeak_wav, speak_into_mic

pytestmark = pytest.mark.live

Q1 = ("Tell me about a data pipeline you built, what it loaded, how often it ran, who used its output, "
      "and what you would change about it today.")
Q2 = "How do you test your database queries?"
PLAN = f"""role: Data engineer
questions:
  - id: q1
    text: {Q1}
  - id: q2
    text: {Q2}
"""
# words the interviewer says and the candidate never does
INTERVIEWER_ONLY = ("loaded", "often", "change", "today", "queries", "welcome", "interview")


@pytest.fixture(scope="module")
def echo_env():
    env = audio_up()
    run = lambda *a: subprocess.run(["pactl", *a], env={**os.environ, **env}, capture_output=True,  # noqa: E731
                                    text=True, timeout=10, check=True).stdout.strip()
    module = run("load-module", "module-loopback", "source=vspeaker.monitor", "sink=vmic_in", "latency_msec=30")
    # the echo about 13 dB under the candidate's voice, as a laptop's own loudspeakers give it
    inputs = run("list", "sink-inputs").split("Sink Input #")
    loopback = next(block.split()[0] for block in inputs if f"Owner Module: {module}\n" in block)
    run("set-sink-input-volume", loopback, "60%")
    yield env
    run("unload-module", module)


def test_the_candidate_interrupts_and_the_interviewer_never_hears_itself(tmp_path, echo_env):
    a1 = espeak_wav("I built a pipeline in Python that loads sales data every night for the finance team.",
                    tmp_path / "a1.wav")
    a2 = espeak_wav("I write unit tests against a small sample database.", tmp_path / "a2.wav")
    cough = tmp_path / "cough.wav"
    rng = np.random.default_rng(7)
    sf.write(str(cough), (0.3 * rng.standard_normal(int(0.3 * RATE_HZ))).astype(np.float32), RATE_HZ)
    full_q2_s = _spoken_length(Q2, tmp_path)
    (tmp_path / "plan.yaml").write_text(PLAN)
    session = tmp_path / "s"
    speaker = Monitor("vspeaker.monitor", echo_env)
    process = subprocess.Popen(
        [sys.executable, "-m", "interview", "live", "--plan", "plan.yaml", "--out", str(session), "--yes-consent",
         "--tts", "espeak", "--max-followups", "0", "--speech-rate", FAST_WPM],
        cwd=tmp_path, env={**os.environ, **echo_env, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1"},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    alive = lambda: process.poll() is None  # noqa: E731
    try:
        q1_start = _next_sound(speaker, 0, alive)
        time.sleep(5.0)                                   # well inside the greeting and question
        interrupted_at = len(speaker.samples())
        speak_into_mic(a1, echo_env)                      # the candidate talks over it
        q1_first, q1_last = speaker.next_utterance(q1_start, gap_s=0.8, timeout_s=30, alive=alive)
        q2_first, q2_last = speaker.next_utterance(q1_last, gap_s=0.8, timeout_s=60, alive=alive)
        time.sleep(0.5)
        speak_into_mic(cough, echo_env)                   # a cough during the second question
        q2_first, q2_last = speaker.next_utterance(q1_last, gap_s=0.8, timeout_s=60, alive=alive)
        speak_into_mic(a2, echo_env)
        out, _ = process.communicate(timeout=90)
    finally:
        speaker.stop()
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, out
    # the greeting and first question stopped because the candidate spoke (after their first words,
    # not before), and long before the end of the answer played over it
    assert interrupted_at + 0.3 * RATE_HZ < q1_last < interrupted_at + len(sf.read(str(a1))[0]), (interrupted_at, q1_last)
    assert "the candidate spoke during" in out or "turn q1 saved" in out
    # the cough did not stop the second question
    assert (q2_last - q2_first) / RATE_HZ >= 0.9 * full_q2_s
    turns = [json.loads(line) for line in (session / "journal.jsonl").read_text().splitlines()
             if json.loads(line)["type"] == "turn"]
    assert [t["question"]["id"] for t in turns] == ["q1", "q2"], out
    texts = [t["transcript"]["text"].lower() for t in turns]
    # the answer that broke in is kept whole as the first turn (tiny.en on espeak-ng speech gets some
    # words wrong, and words said over the interviewer come out of the echo canceller quieter)
    assert turns[0]["audio_s"] >= 0.9 * len(sf.read(str(a1))[0]) / RATE_HZ
    assert any(w in texts[0] for w in ("pipeline", "python", "sales", "night", "load", "data")), (texts[0], out[-3000:])
    assert any(w in texts[1] for w in ("test", "sample", "database")), texts[1]
    for text in texts:
        assert not any(w in text for w in INTERVIEWER_ONLY), text


def _next_sound(monitor: Monitor, after: int, alive, timeout_s: float = 120.0) -> int:
    """The first loud sample after `after` (polls)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        loud = np.flatnonzero(monitor.loud_blocks(after))
        if len(loud):
            return after + int(loud[0]) * 320
        if not alive():
            raise RuntimeError("the interview ended before speaking")
        time.sleep(0.05)
    raise TimeoutError("the interviewer never spoke")


def _spoken_length(text: str, tmp_path) -> float:
    from voice.tts import Synthesizer, TTSOptions

    synthesizer = Synthesizer(TTSOptions(engine="espeak", rate_wpm=int(FAST_WPM)))
    try:
        return synthesizer.synthesize(text).duration_s
    finally:
        synthesizer.close()

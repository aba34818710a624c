"""Speech synthesis: real espeak-ng output, trimmed so a question starts with its first word."""
from __future__ import annotations

import numpy as np

from voice.audio import AudioChunk
from voice.tts import LEAD_KEEP_S, SILENCE_LEVEL, TAIL_KEEP_S, Synthesizer, TTSOptions, trim_silence


def _silence_around(audio: AudioChunk) -> tuple[float, float]:
    loud = np.flatnonzero(np.abs(audio.samples) > SILENCE_LEVEL)
    rate = audio.sample_rate_hz
    return loud[0] / rate, (len(audio.samples) - 1 - loud[-1]) / rate


def test_synthesized_question_starts_at_once():
    synthesizer = Synthesizer(TTSOptions(engine="espeak"))
    try:
        audio = synthesizer.synthesize("Tell me about a data pipeline you built.")
    finally:
        synthesizer.close()
    lead_s, tail_s = _silence_around(audio)
    assert lead_s <= LEAD_KEEP_S + 0.001
    assert tail_s <= TAIL_KEEP_S + 0.001
    assert audio.duration_s > 1.0


def test_trim_keeps_the_speech_and_a_little_silence():
    rate = 16000
    speech = 0.3 * np.sin(np.arange(rate) * 2 * np.pi * 200 / rate).astype(np.float32)
    padded = np.concatenate([np.zeros(rate // 2, np.float32), speech, np.zeros(rate, np.float32)])
    trimmed = trim_silence(AudioChunk(padded, rate))
    assert abs(trimmed.duration_s - (1.0 + LEAD_KEEP_S + TAIL_KEEP_S)) < 0.002
    silent = AudioChunk(np.zeros(rate, np.float32), rate)
    assert trim_silence(silent) is silent

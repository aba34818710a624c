"""Test doubles for the live mode: a scripted microphone and detector, a recording (or playing) speaker,
a transcriber that reports how much loud audio it was given, a stand-in for the offline VAD over a saved
answer, a scripted turn model, and `live_session`,
the devices, models and options `run_live` runs on (the scorer is tests.fakes.FakeScorer)."""
from __future__ import annotations

from typing import Sequence

import numpy as np

from voice.audio import SAMPLE_RATE_HZ, AudioChunk, Utterance
from voice.transcript import Segment, Transcript


class ScriptedMic:
    """A microphone playing a timeline of (seconds, is_speech) blocks; 'speech' is a constant 0.5."""

    def __init__(self, *timeline: tuple[float, bool]):
        parts = [np.full(int(s * SAMPLE_RATE_HZ), 0.5 if speech else 0.0, np.float32) for s, speech in timeline]
        self.samples = np.concatenate(parts) if parts else np.zeros(0, np.float32)
        self.position = 0
        self.drains = 0

    def read(self, max_ms: int) -> AudioChunk | None:
        if self.position >= len(self.samples):
            return None
        n = int(SAMPLE_RATE_HZ * max_ms / 1000)
        chunk = AudioChunk(self.samples[self.position:self.position + n], SAMPLE_RATE_HZ,
                           self.position / SAMPLE_RATE_HZ)
        self.position += len(chunk.samples)
        return chunk

    def drain(self) -> float:
        self.drains += 1
        return self.now_s

    @property
    def now_s(self) -> float:
        return self.position / SAMPLE_RATE_HZ


class BackloggedMic(ScriptedMic):
    """A ScriptedMic nobody read for `backlog_s` (the last answer still being analysed): the next read
    returns all of that at once, as a real microphone's queue does."""

    def __init__(self, *timeline: tuple[float, bool], backlog_s: float = 0.0):
        super().__init__(*timeline)
        self.backlog_s = backlog_s

    def read(self, max_ms: int) -> AudioChunk | None:
        max_ms, self.backlog_s = max(max_ms, int(self.backlog_s * 1000)), 0.0
        return super().read(max_ms)

    def drain(self) -> float:
        self.position += int(self.backlog_s * SAMPLE_RATE_HZ)   # what it heard so far is dropped
        self.backlog_s = 0.0
        return super().drain()


class LoudnessDetector:
    """Stands in for Silero: a frame is speech when its mean magnitude is above 0.1."""

    def __init__(self) -> None:
        self.reset()

    def reset(self, start_s: float = 0.0) -> None:
        self.pending = np.zeros(0, np.float32)
        self.t = start_s

    def push(self, samples: np.ndarray, start_s: float | None = None) -> list[tuple[float, float]]:
        if start_s is not None and len(self.pending) == 0:
            self.t = start_s
        self.pending = np.concatenate([self.pending, samples])
        out = []
        while len(self.pending) >= 512:
            frame, self.pending = self.pending[:512], self.pending[512:]
            self.t += 512 / SAMPLE_RATE_HZ
            out.append((1.0 if np.abs(frame).mean() > 0.1 else 0.0, self.t))
        return out


def loud_spans(audio: AudioChunk) -> tuple[tuple[float, float], ...]:
    """Stands in for the offline VAD over a saved answer (interview.recorded): the runs of loud samples."""
    loud = (np.abs(audio.samples) > 0.1).astype(np.int8)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], loud, [0]])))
    return tuple((a / SAMPLE_RATE_HZ, b / SAMPLE_RATE_HZ) for a, b in zip(edges[::2], edges[1::2]))


class CountingTranscriber:
    """Says how many seconds of loud audio a piece had, e.g. 'speech 2.0'; remembers its calls."""

    def __init__(self, text_for=None):
        self.calls: list[Utterance] = []
        self.text_for = text_for

    def transcribe(self, audio: Utterance, *, vocabulary: Sequence[str] = ()) -> Transcript:
        self.calls.append(audio)
        loud = float((np.abs(audio.audio.samples) > 0.1).sum()) / SAMPLE_RATE_HZ
        text = self.text_for(len(self.calls), loud) if self.text_for else (f"speech {loud:.1f}" if loud else "")
        return Transcript(text=text, segments=(Segment(0.0, audio.audio.duration_s, text),) if text else (),
                          speech_s=loud)


class RecordingSpeaker:
    def __init__(self) -> None:
        self.said: list[str] = []
        self.prepared: list[str] = []
        self.slowed = 0

    def say(self, text: str) -> None:
        self.said.append(text)

    def prepare(self, text: str) -> None:
        self.prepared.append(text)

    def slow_down(self) -> None:
        self.slowed += 1

    def close(self) -> None:
        """Nothing to release."""


class ScriptedTurnModel:
    """Stands in for Smart Turn: `probability(call number)` answers each question; remembers the calls."""

    def __init__(self, probability=lambda n: 0.9):
        self.probability = probability
        self.calls: list[int] = []      # samples heard at each call

    def complete_probability(self, samples: np.ndarray) -> float:
        self.calls.append(len(samples))
        return self.probability(len(self.calls))


class PlayingSpeaker(RecordingSpeaker):
    """A speaker whose words last `seconds` of the scripted microphone's time, unless interrupted."""

    def __init__(self, mic: ScriptedMic, seconds: float):
        super().__init__()
        self.mic, self.seconds = mic, seconds
        self.interrupted_at_s: list[float] = []
        self._interrupted = False

    def say(self, text: str) -> None:
        import time

        super().say(text)
        self._interrupted = False
        end_s = self.mic.now_s + self.seconds
        while self.mic.now_s < end_s and not self._interrupted and self.mic.position < len(self.mic.samples):
            time.sleep(0.0005)

    def interrupt(self) -> None:
        self._interrupted = True
        self.interrupted_at_s.append(self.mic.now_s)


class InlineExecutor:
    """An Executor that runs each call at once, in the caller's thread: scripted timelines stay exact."""

    def submit(self, fn, *args, **kwargs):
        from concurrent.futures import Future

        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as e:
            future.set_exception(e)
        return future

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        """Nothing runs in the background."""


class FakeLiveMic(ScriptedMic):
    """The scripted microphone as a session's device: started, closed, and what it heard since a drain."""

    def __init__(self, *timeline: tuple[float, bool]):
        super().__init__(*timeline)
        self.level = 0.0
        self.failure = None
        self.echo_settled = True
        self.started = self.closed = False
        self._drained_at = 0

    def start(self) -> None:
        self.started = True

    def close(self) -> None:
        self.closed = True

    def drain(self) -> float:
        self._drained_at = self.position
        return super().drain()

    def heard(self) -> AudioChunk:
        return AudioChunk(self.samples[self._drained_at:self.position], SAMPLE_RATE_HZ,
                          self._drained_at / SAMPLE_RATE_HZ)


def live_session(mic: FakeLiveMic, transcriber=None, speaker=None, **options):
    """Devices, models and options for `run_live` on fakes: the timer detector, no barge-in, the fixed scorer."""
    from dataclasses import replace

    from interview.live import LiveDevices, LiveModels, LiveOptions
    from interview.live.listen import ListenOptions
    from nlp.emotion import NoEmotion
    from tests.fakes import FakeScorer
    from voice.endpoint import EndpointOptions

    endpoint = EndpointOptions(turn_detector="silence", end_silence_ms=1000, short_answer_silence_ms=1000,
                               no_speech_timeout_s=5)
    listen = ListenOptions(endpoint=endpoint, echo_tail_ms=0, piece_pause_ms=500, barge_in=False)
    transcriber = transcriber or CountingTranscriber()
    devices = LiveDevices(mic=mic, speaker=speaker or RecordingSpeaker())
    models = LiveModels(transcriber=transcriber, detector=LoudnessDetector(), turn_model=None,
                        scorer=FakeScorer(), emotion=NoEmotion(), recorded_speech=loud_spans)
    return devices, models, replace(LiveOptions(listen=listen, max_followups=0, consent_given=True), **options)

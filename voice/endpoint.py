"""Deciding when an answer has ended, from a stream of speech/no-speech frames.

The Endpointer receives each frame's time and never reads a clock, so a unit test can play a
five-minute answer as a list of numbers. Two detectors:
- `smart` (the default): after `min_pause_ms` of silence a turn model (Smart Turn, with the running
  transcript) is asked whether the answer is complete, and again after each further `min_pause_ms`,
  `turn_checks` times in all; the Endpointer itself only ends the answer when a pause reaches
  `max_pause_ms`. The caller asks `check_due` and ends the answer when the model (or the transcript)
  says so.
- `silence`: a timer alone. People pause to think early in an answer ("hmm, let me think..."), so
  while the answer is still short a longer silence is needed to end it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from voice.audio import EndReason

TurnDetector = Literal["smart", "silence"]


@dataclass(frozen=True)
class EndpointOptions:
    turn_detector: TurnDetector = "smart"
    # smart: the first question to the turn model comes after this much silence, then one per step
    min_pause_ms: int = 200
    # smart: questions per pause. The model hears the silence too, and the longer it lasts the surer
    # it is that the turn is over, thinking pause or not (measured: "..., and" went from 0.26 at 250 ms
    # to 0.86 at 500 ms): its later answers count only where the words before the pause (which
    # arrive by then) say nothing either way, so a finished answer without a full stop ends before the
    # longest pause
    turn_checks: int = 5
    # smart: the longest thinking pause held before the answer counts as over
    max_pause_ms: int = 3000
    # silence: the timer
    end_silence_ms: int = 1500
    # held longer while the answer is short: a thinking pause is not the end of an answer
    short_answer_silence_ms: int = 3000
    short_answer_s: float = 10.0
    max_answer_s: float = 180.0
    # nothing said at all for this long: give up on the question (the turn is flagged no_answer)
    no_speech_timeout_s: float = 30.0
    # frames of speech shorter than this (a cough, a click) do not start an answer
    min_speech_ms: int = 90


class Endpointer:
    """Feed `on_frame(is_speech, at_s)` for consecutive frames; it returns why the answer ended, or None."""

    def __init__(self, options: EndpointOptions = EndpointOptions(), *, started_at_s: float = 0.0):
        self.options = options
        self.started_at_s = started_at_s
        self.first_speech_s: float | None = None
        self.last_speech_s: float | None = None
        self._run_start_s: float | None = None   # start of the current run of speech frames
        self.spans_s: list[tuple[float, float]] = []
        self._span_start_s: float | None = None

    @property
    def heard_speech(self) -> bool:
        return self.first_speech_s is not None

    def silence_needed_ms(self) -> int:
        """The silence that would end the answer now."""
        if self.options.turn_detector == "smart":
            return self.options.max_pause_ms
        if self.first_speech_s is None or self.last_speech_s is None:
            return self.options.end_silence_ms
        answer_s = self.last_speech_s - self.first_speech_s
        if answer_s < self.options.short_answer_s:
            return max(self.options.short_answer_silence_ms, self.options.end_silence_ms)
        return self.options.end_silence_ms

    def pause_ms(self, at_s: float) -> float:
        """How long the candidate has been silent at `at_s` (0 before the first speech)."""
        if self.last_speech_s is None or self._run_start_s is not None:
            return 0.0
        return (at_s - self.last_speech_s) * 1000.0

    def check_due(self, at_s: float, checks_done: int) -> bool:
        """Smart detector: whether the turn model should be asked now, its `checks_done`+1-th time in
        this pause (at min_pause_ms, 2 x min_pause_ms, ...)."""
        if self.options.turn_detector != "smart" or checks_done >= self.options.turn_checks:
            return False
        return self.pause_ms(at_s) >= self.options.min_pause_ms * (checks_done + 1)

    def on_frame(self, is_speech: bool, at_s: float) -> EndReason | None:
        """`at_s` is the end time of the frame, in the stream's seconds."""
        opts = self.options
        if is_speech:
            if self._run_start_s is None:
                self._run_start_s = at_s
            # a speech run counts once it is long enough to be more than a click
            if (at_s - self._run_start_s) * 1000.0 >= opts.min_speech_ms or self.first_speech_s is not None:
                if self.first_speech_s is None:
                    self.first_speech_s = self._run_start_s
                if self._span_start_s is None:
                    self._span_start_s = self._run_start_s
                self.last_speech_s = at_s
        else:
            self._run_start_s = None
            if self._span_start_s is not None and self.last_speech_s is not None:
                self.spans_s.append((self._span_start_s, self.last_speech_s))
                self._span_start_s = None
        if at_s - self.started_at_s >= opts.max_answer_s:
            self._close_span()
            return "max_length"
        if self.last_speech_s is None:
            if at_s - self.started_at_s >= opts.no_speech_timeout_s:
                return "silence"
            return None
        if not is_speech and (at_s - self.last_speech_s) * 1000.0 >= self.silence_needed_ms():
            return "silence"
        return None

    def _close_span(self) -> None:
        if self._span_start_s is not None and self.last_speech_s is not None:
            self.spans_s.append((self._span_start_s, self.last_speech_s))
            self._span_start_s = None

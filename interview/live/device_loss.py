"""When the microphone gives up in the middle of an answer: keep what was heard as that question's turn,
then stop the session so it can be resumed.

The Listener holds an answer's audio only until it returns, so a microphone failure inside it would
lose the whole answer. The microphone keeps what it handed out since the last drain(); this wraps the
live AnswerSource, and when the microphone's own DeviceError comes out of a capture, the speech in
that audio is saved as <question id>.wav and handed to the loop as a turn flagged `device_lost`. The
loop journals it as any other turn; the next capture raises the error, which ends the session.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Protocol

from interview.plan import Question
from interview.recorded import SpeechFinder, offline_speech, read_back
from interview.session import Announcer, AnswerSource, Capture
from voice.audio import SAMPLE_RATE_HZ, AudioChunk, Utterance, write_wav
from voice.errors import DeviceError

log = logging.getLogger(__name__)


DEVICE_LOST = "device_lost"


class LiveAnswerSource(AnswerSource, Announcer, Protocol):
    """The live answer source: captures answers and can start the next question early."""


class HeardMicrophone(Protocol):
    failure: DeviceError | None

    def heard(self) -> AudioChunk: ...


class KeepHeardOnDeviceLoss:
    """AnswerSource wrapper: an answer cut short by the microphone keeps what was heard."""

    def __init__(self, answers: LiveAnswerSource, mic: HeardMicrophone, session_dir: Path,
                 speech_spans: SpeechFinder = offline_speech, *, margin_s: float = 0.4):
        self.answers = answers
        # kept before the first speech, as the Listener keeps before an answer (ListenOptions.margin_s)
        self.margin_s = margin_s
        self.mic = mic
        self.session_dir = Path(session_dir)
        self.speech_spans = speech_spans
        self.failure: DeviceError | None = None

    def capture(self, question: Question) -> Capture:
        if self.failure is not None:
            raise self.failure
        try:
            return self.answers.capture(question)
        except DeviceError as e:
            # only the microphone's own failure leaves an answer behind; a speaker failure comes
            # before listening, when what the microphone holds is the question's echo
            if self.mic.failure is not e:
                raise
            kept = self._keep(question)
            if kept is None:
                raise
            self.failure = e
            return kept

    def announce(self, question: Question) -> None:
        """Passes the early start of the next question on (see session._announce_next)."""
        # after a lost microphone the session ends: no question is started that cannot be answered
        if self.failure is None:
            self.answers.announce(question)

    def _keep(self, question: Question) -> Capture | None:
        heard = self.mic.heard()
        try:
            spans = self.speech_spans(heard)
        except Exception as e:  # the answer is lost either way; the device error is what the user needs
            log.warning("the answer heard before the microphone failed could not be checked for speech: %s", e)
            return None
        if not spans:
            return None
        start = max(0.0, spans[0][0] - self.margin_s)
        samples = heard.samples[int(start * SAMPLE_RATE_HZ):]
        audio = AudioChunk(samples, SAMPLE_RATE_HZ, heard.start_s + start)
        utterance = Utterance(audio=audio, start_s=audio.start_s, end_s=audio.start_s + audio.duration_s,
                              end_reason="end_of_input",
                              speech_spans_s=tuple((max(0.0, a - start), b - start) for a, b in spans))
        name = f"{question.id}.wav"
        write_wav(self.session_dir / name, audio)
        return Capture(utterance, audio_path=name, flags=(DEVICE_LOST,),
                       recorded=read_back(self.session_dir / name, utterance, self.speech_spans),
                       problem=f"the microphone failed during the answer to {question.id}: "
                               f"the {audio.duration_s:.1f} s heard before are kept")

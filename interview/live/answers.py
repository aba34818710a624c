"""The live AnswerSource: speak the question, listen to the answer, save it, hand it to the loop.

Also the spoken parts around the questions: the consent notice (nothing is recorded without a
'yes'), the greeting and the closing words. Voice commands ("repeat the question", "slower, please",
"could you rephrase", "skip", "next question") are recognised from the quick transcript of a short
utterance; single keys on the terminal do the same (see KeyCommands). Each answer is saved as
<question id>.wav in the session folder before the loop journals it, so the folder is a replay
folder at every moment.
"""
from __future__ import annotations

import logging
import re
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Literal, Protocol, Sequence

from interview.consent import DEFAULT_NOTICE
from interview.live.listen import BargeIn, Listener
from interview.live.pieces import Heard
from interview.plan import Plan, Question
from interview.recorded import SpeechFinder, offline_speech, read_back
from interview.session import Capture
from voice.audio import write_wav
from voice.sinks import SpeechSink
from voice.timing import mark

log = logging.getLogger(__name__)

Command = Literal["repeat", "slower", "rephrase", "skip"]
KeyCommand = Literal["end", "yes", "no", "repeat", "skip"]

# Enter or Space ends an answer; y / n answer the consent question; r and s are the voice commands
KEY_COMMANDS: dict[str, KeyCommand] = {"\n": "end", "\r": "end", " ": "end", "y": "yes", "n": "no",
                                       "r": "repeat", "s": "skip"}
ANSWER_KEYS: frozenset[KeyCommand] = frozenset({"end", "repeat", "skip"})
CONSENT_KEYS: frozenset[KeyCommand] = frozenset({"end", "yes", "no"})

CONSENT_QUESTION = " Please say yes or no."
CONSENT_RETRY = "Sorry, I did not catch that. Please say yes to agree, or no to stop."
REPEAT_INTRO = "Of course. "
SLOWER_INTRO = "Of course, I will speak more slowly. "
REPHRASE_INTRO = "Let me put it another way. "
CLOSING = "That was the last question. Thank you for your time, and goodbye."
NO_CONSENT = "Understood. Nothing has been recorded. Goodbye."

_REPEAT = re.compile(r"\b(repeat|say (that|it) again|pardon|come again|once more)\b")
_SLOWER = re.compile(r"\b(slower|slow down|more slowly|too fast)\b")
_REPHRASE = re.compile(r"\b(rephrase|reword|put it (another|differently)|other words|what do you mean|"
                       r"(do not|don't) understand( the question)?)\b")
_SKIP = re.compile(r"\b(skip|next question|pass)\b")
_YES = re.compile(r"\b(yes|yeah|yep|i agree|agree|i do|okay|ok|sure|of course)\b")
_NO = re.compile(r"\b(no|nope|i do not|i don't|disagree)\b")
# a voice command is a short utterance; a long answer that mentions "skip" is still an answer
COMMAND_MAX_WORDS = 6
# speech longer than this cannot be a voice command, so its last piece need not be transcribed
# before the next question is chosen
COMMAND_MAX_SPEECH_S = 3.0


class View(Protocol):
    """What the terminal shows; the live source reports, the CLI draws."""

    def question(self, question: Question, text: str) -> None: ...
    def speaking(self, text: str) -> None: ...
    def listening(self, heard_s: float, level: float, partial: str) -> None: ...
    def heard(self, text: str) -> None: ...


class QuietView:
    def question(self, question: Question, text: str) -> None: ...
    def speaking(self, text: str) -> None: ...
    def listening(self, heard_s: float, level: float, partial: str) -> None: ...
    def heard(self, text: str) -> None: ...


class KeyCommands:
    """Keys pressed on the terminal, read as interview commands while the interviewer listens.

    `poll` returns one pressed key or None without waiting. The Listener calls `stop_requested`
    between audio blocks, so a key that means something now ends the listening; LiveAnswers then
    `take`s it. A key means something only for the current question: a stray 'y' does not end an
    answer, and keys pressed while the interviewer was speaking are dropped (`drop_pressed`, called
    as the speech ends). A key pressed after that counts, even when the listening starts later
    because the last answer is still being analysed.
    """

    def __init__(self, poll: Callable[[], str | None] = lambda: None):
        self.poll = poll
        self.wanted: frozenset[KeyCommand] = frozenset()
        self.pressed: KeyCommand | None = None

    def drop_pressed(self) -> None:
        # an Enter typed during the question would otherwise end the answer before it starts
        while self.poll() is not None:
            pass

    def listen_for(self, wanted: frozenset[KeyCommand]) -> None:
        self.wanted, self.pressed = wanted, None

    def stop_requested(self) -> bool:
        if self.pressed is not None:
            return True
        while (key := self.poll()) is not None:
            command = KEY_COMMANDS.get(key.lower())
            if command in self.wanted:
                self.pressed = command
                return True
        return False

    def take(self) -> KeyCommand | None:
        pressed, self.pressed, self.wanted = self.pressed, None, frozenset()
        return pressed


@dataclass(frozen=True)
class Consent:
    given: bool
    method: str           # voice, key or flag
    heard: str = ""


def voice_command(text: str) -> Command | None:
    """'repeat the question' -> repeat, 'skip' / 'next question' -> skip, else None."""
    words = re.sub(r"[^a-z' ]+", " ", text.lower()).split()
    if not words or len(words) > COMMAND_MAX_WORDS:
        return None
    phrase = " ".join(words)
    if _SLOWER.search(phrase):
        return "slower"
    if _REPHRASE.search(phrase):
        return "rephrase"
    if _REPEAT.search(phrase):
        return "repeat"
    if _SKIP.search(phrase):
        return "skip"
    return None


def consent_answer(text: str) -> bool | None:
    phrase = " ".join(re.sub(r"[^a-z' ]+", " ", text.lower()).split())
    if _NO.search(phrase) and not _YES.search(phrase.replace("no problem", "")):
        return False
    if _YES.search(phrase):
        return True
    return None


class LiveAnswers:
    """AnswerSource for `run_session`: one spoken question and one listened answer per capture()."""

    def __init__(self, plan: Plan, session_dir: Path, speaker: SpeechSink, listener: Listener, *,
                 find_speech: SpeechFinder = offline_speech, view: View | None = None,
                 keys: KeyCommands | None = None, greeting: str | None = None,
                 notice: str = DEFAULT_NOTICE,
                 likely_next: Callable[[Question], Sequence[str]] | None = None,
                 on_recorded: Callable[[Question, str, Heard], None] | None = None):
        self.plan = plan
        self.session_dir = Path(session_dir)
        self.speaker = speaker
        self.listener = listener
        # the offline VAD a saved answer is read back with, as a replay reads it (interview.recorded)
        self.find_speech = find_speech
        self.view = view or QuietView()
        # the same KeyCommands must be the listener's stop_requested for keys to end a listening
        self.keys = keys or KeyCommands()
        self._greeting = greeting if greeting is not None else default_greeting(plan)
        self.vocabulary = plan.vocabulary()
        self.repeats = 0
        self.notice = notice
        # what may be said after a question: synthesized while the candidate answers
        self.likely_next = likely_next or (lambda question: [_planned_after(plan, question)])
        # the answer's WAV is on disk: the session journals that before analysing it
        self.on_recorded = on_recorded
        # synthesis runs beside listening: done in line, it would delay the start of listening and
        # drop the first words of a candidate who answers at once
        self._synthesis = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tts")
        self._preparing: dict[str, Future] = {}
        # the words are played in one thread while another (the loop's, or the speaker thread for a
        # question started early) listens for the candidate breaking in
        self._playback = ThreadPoolExecutor(max_workers=1, thread_name_prefix="speaker")
        self._sound = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sound")
        self._announced: tuple[Question, Future] | None = None

    def ask_consent(self, attempts: int = 2) -> Consent:
        """Speak and show the notice; a 'yes' by voice or the y key agrees, 'no' or n refuses."""
        text = self.notice + CONSENT_QUESTION
        for _ in range(attempts):
            barged = self._say(text)
            self.keys.listen_for(CONSENT_KEYS)
            heard = self.listener.listen(endpoint=_short_reply(self.listener), barged=barged)
            key = self.keys.take()
            if key in ("yes", "no"):
                if key == "no":
                    self._say(NO_CONSENT)
                return Consent(key == "yes", "key", key[0])
            self.view.heard(heard.transcript.text)
            answer = consent_answer(heard.transcript.text)
            if answer is not None:
                if not answer:
                    self._say(NO_CONSENT)
                return Consent(answer, "voice", heard.transcript.text)
            text = CONSENT_RETRY
        self._say(NO_CONSENT)
        return Consent(False, "voice", "")

    def capture(self, question: Question) -> Capture:
        text = question.text
        if self._greeting:
            text, self._greeting = f"{self._greeting} {question.text}", None
        spoken, barged = self._finish_announced(question)
        while True:
            if not spoken:
                self.view.question(question, text)
                barged = self._say(text)
            spoken = False
            self._prepare_next(question)
            self.keys.listen_for(ANSWER_KEYS)
            heard = self.listener.listen(self.vocabulary, barged=barged)
            barged = None
            key = self.keys.take()
            if key not in ("repeat", "skip") and heard.utterance is not None and heard.speech_s > COMMAND_MAX_SPEECH_S:
                self.view.heard(heard.partial_text)
                return self._keep(question, heard)
            self.view.heard(heard.transcript.text)
            command = key if key in ("repeat", "skip") else voice_command(heard.transcript.text)
            if command in ("repeat", "slower", "rephrase"):
                self.repeats += 1
                if command == "slower":
                    self.speaker.slow_down()
                text = {"repeat": REPEAT_INTRO + question.text, "slower": SLOWER_INTRO + question.text,
                        "rephrase": REPHRASE_INTRO + rephrased(question)}[command]
                continue
            if command == "skip":
                return Capture(None, flags=("not_answered", "skipped"))
            return self._keep(question, heard)

    def announce(self, question: Question) -> None:
        """Start speaking `question` now, while the loop still transcribes and scores the last answer;
        the next `capture(question)` waits for the end of it and listens."""
        self._finish_announced(None)
        log.debug("next question chosen: %s", question.id)
        mark("next_chosen")
        self.view.question(question, question.text)
        self._settle_synthesis(question.text)
        mark("synthesized")
        self.view.speaking(question.text)
        self._announced = (question, self._playback.submit(self._speak, question.text))

    def finish(self) -> None:
        """The closing words."""
        self._finish_announced(None)
        self._say(CLOSING)

    def close(self) -> None:
        self._synthesis.shutdown(wait=True, cancel_futures=True)
        self._playback.shutdown(wait=True, cancel_futures=True)
        self._sound.shutdown(wait=True, cancel_futures=True)

    def _finish_announced(self, question: Question | None) -> tuple[bool, BargeIn | None]:
        """Wait for an announced question to be heard (or broken into): whether it was `question`,
        and the candidate's words that broke in."""
        if self._announced is None:
            return False, None
        announced, playing = self._announced
        self._announced = None
        barged = playing.result()          # a speaker error surfaces here, in the loop's thread
        return question is not None and announced == question, barged

    def _keep(self, question: Question, heard: Heard) -> Capture:
        if heard.utterance is None:
            return Capture(None, flags=("no_answer",))
        log.debug("answer to %s over (%s)", question.id, heard.utterance.end_reason)
        name = f"{question.id}.wav"
        write_wav(self.session_dir / name, heard.utterance.audio)
        if self.on_recorded is not None:
            self.on_recorded(question, name, heard)
        mark("saved")
        early = heard.early_transcript()
        mark("early_transcript", pieces=len(heard.pieces))
        # the pieces choose the next question; the turn is the saved WAV's, read back as a replay reads it
        return Capture(heard.utterance, audio_path=name, heard_so_far=early,
                       recorded=read_back(self.session_dir / name, heard.utterance, self.find_speech))

    def _prepare_next(self, question: Question) -> None:
        # synthesize ahead while the candidate answers, the likeliest first
        for text in dict.fromkeys(t or CLOSING for t in self.likely_next(question)):
            if text not in self._preparing:
                self._preparing[text] = self._synthesis.submit(self._prepare, text)

    def _prepare(self, text: str) -> None:
        try:
            self.speaker.prepare(text)
        except Exception as e:  # a failed pre-synthesis is retried when the text is said
            log.debug("pre-synthesis failed: %s", e)

    def _say(self, text: str) -> BargeIn | None:
        self._settle_synthesis(text)
        self.view.speaking(text)
        return self._speak(text)

    def _speak(self, text: str) -> BargeIn | None:
        """Play `text`, listening meanwhile: the candidate's words stop it (barge-in) and are returned."""
        if not self.listener.options.barge_in:
            self.speaker.say(text)
            self.listener.played()
            self.keys.drop_pressed()
            return None
        playing = self._sound.submit(self.speaker.say, text)
        barged = self.listener.watch(playing)
        if barged is not None:
            self.speaker.interrupt()
            log.info("the candidate spoke during '%s...': playback stopped", text[:40])
        playing.result()
        self.keys.drop_pressed()
        return barged

    def _settle_synthesis(self, text: str) -> None:
        # the less likely texts not started yet are dropped; `text` itself is waited for when it is
        # under way, rather than synthesized twice
        for other, future in self._preparing.items():
            if other != text:
                future.cancel()
        wanted = self._preparing.get(text)
        if wanted is not None and not wanted.cancelled():
            wanted.result()
        self._preparing = {}


def _short_reply(listener: Listener):
    # a yes/no needs no thinking-pause allowance
    opts = listener.options.endpoint
    return replace(opts, short_answer_silence_ms=opts.end_silence_ms, no_speech_timeout_s=20.0)


def _planned_after(plan: Plan, question: Question) -> str | None:
    """The planned question after `question` (its parent, for a follow-up); None after the last."""
    ids = [q.id for q in plan.questions]
    try:
        return plan.questions[ids.index(question.parent_id or question.id) + 1].text
    except (ValueError, IndexError):
        return None


def likely_after(plan: Plan, options) -> Callable[[Question], list[str | None]]:
    """What the interviewer is likely to say after each question, likeliest first, for pre-synthesis:
    the next planned question, then (offline interviewer, while a follow-up is possible) its
    follow-ups, whose wording depends only on the question. `options` is a LiveOptions."""
    from interview.followups import followup_text

    def likely(question: Question) -> list[str | None]:
        texts = [_planned_after(plan, question)]
        parent = plan.question(question.parent_id or question.id) or question
        asked = int(question.id.rsplit("_F", 1)[1]) if question.kind == "followup" and "_F" in question.id else 0
        if options.llm is None and asked < options.max_followups:
            texts += [followup_text(need, parent) for need in ("vague", "short", "struggle", "off_topic")]
        return texts
    return likely


def rephrased(question: Question) -> str:
    """The question in other words, from its competency and rubric (no model needed)."""
    topic = (question.competency or "").rstrip(".").lower()
    points = [p.rstrip(".").lower() for p in question.rubric[:2]]
    if topic and points:
        return f"I would like to hear about your experience with {topic}, for example {' or '.join(points)}."
    if topic:
        return f"I would like to hear about your own experience with {topic}: a real example is ideal."
    return f"In your own words, and with an example if you have one: {question.text}"

def default_greeting(plan: Plan) -> str:
    who = f" at {plan.company}" if plan.company else ""
    return (f"Hello, and welcome to this interview for the {plan.role} role{who}. "
            f"I will ask you {len(plan.questions)} questions. Take your time; say 'repeat the question' "
            f"to hear one again, or 'skip' to move on. Here is the first question.")

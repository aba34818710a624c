"""`run_live`: one spoken interview from consent to the last turn, as a library call (like replay).

It owns consent (nothing is recorded before a 'yes'), the session folder, the journal and its header,
the session's parts, the turn loop and the bookkeeping when a device is lost. What the candidate sees
goes through a View; nothing here prints. A session folder is a replay folder at every moment.

Crash safety, in order of what reaches the disk:
1. the folder and plan.yaml; the journal is created with its header in one step (written beside it,
   then renamed), so a journal never exists without a header;
2. each answer's WAV, then an `answer_recorded` journal line, before any analysis;
3. the turn line once the answer is transcribed and scored.
`--resume` analyses an answer that was recorded but not yet scored instead of asking again, and a
folder whose journal never got its header (an older version, or a crash before the header) starts over
from its plan.yaml.
"""
from __future__ import annotations

import logging
import os
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Protocol, Sequence

from interview.consent import DEFAULT_NOTICE
from interview.journal import JOURNAL_NAME, Journal, JournalContents, read_journal
from interview.live.answers import Consent, KeyCommands, LiveAnswers, View, likely_after
from interview.live.device_loss import HeardMicrophone, KeepHeardOnDeviceLoss
from interview.live.listen import ListenOptions, Listener, SpeechDetector, TurnModel
from interview.live.pieces import Heard
from interview.plan import Plan, Question, load_plan
from interview.recorded import SpeechFinder, offline_speech, recorded_answer
from interview.records import SessionRecord, Turn, question_from_dict, question_to_dict
from interview.session import Capture, Scorer, SessionParts, Transcriber, run_session, run_turn
from interview.session_folder import copy_plan, resolve_journaled
from nlp.emotion import EmotionClassifier
from voice.audio import decode_file
from voice.clock import SystemClock
from voice.errors import DeviceError, VivavoceError
from voice.sinks import SpeechSink
from voice.sources import AudioSource
from voice.timing import mark

log = logging.getLogger(__name__)

RECORDED = "answer_recorded"
WELCOME_BACK = "Welcome back. Let us continue where we stopped."


class LiveMicrophone(AudioSource, HeardMicrophone, Protocol):
    """The microphone a session runs on (voice.sources.MicSource)."""

    level: float
    echo_settled: bool      # the interviewer's own voice is out of what it hears: barge-in may be heard

    def start(self) -> None: ...
    def close(self) -> None: ...


class LiveSpeaker(SpeechSink, Protocol):
    def close(self) -> None: ...


class LiveView(View, Protocol):
    """What the candidate sees: the answer source's view plus lines and the key hint."""

    def line(self, text: str) -> None: ...


@dataclass
class LiveDevices:
    """The microphone, the speaker and the terminal's keys (KeyCommands() when there are none)."""

    mic: LiveMicrophone
    speaker: LiveSpeaker
    keys: KeyCommands = field(default_factory=KeyCommands)


@dataclass
class LiveModels:
    """The models a session runs on; `load_models` loads the real ones, tests pass fakes."""

    transcriber: Transcriber
    detector: SpeechDetector
    turn_model: TurnModel | None
    scorer: Scorer | None = None            # None: the offline scorer, or the LLM judge when configured
    emotion: EmotionClassifier | None = None
    # the offline VAD over a saved answer, as a replay runs it (interview.recorded)
    recorded_speech: SpeechFinder = offline_speech
    # reads the words before each pause while the candidate speaks, for the decisions that cannot
    # wait (end of the answer, the next question, voice commands): a quicker draft; None: `transcriber`
    pieces: Transcriber | None = None


@dataclass(frozen=True)
class LiveOptions:
    listen: ListenOptions = ListenOptions()
    llm: Any = None                        # interview.llm.LLMOptions, or None for the offline interviewer
    emotion: Any = None                    # nlp.emotion_local.EmotionOptions; None: the defaults
    max_followups: int = 1
    notice: str = DEFAULT_NOTICE
    consent_given: bool = False            # --yes-consent: the candidate agreed before the session
    tts_engine: str = "pyttsx3"            # journaled in the header


def open_devices(input_device: str | int | None, output_device: str | int | None, tts, *,
                 echo_cancel: bool = True, key_poll: Callable[[], str | None] | None = None) -> LiveDevices:
    """The real microphone and speaker, by name or index (None: the defaults). With `echo_cancel` the
    speaker hands what it plays to an echo canceller on the microphone (voice/echo.py)."""
    from voice.echo import PlayedAudio, WebRtcEchoCanceller
    from voice.sinks import SpeakerSink
    from voice.sources import MicSource
    from voice.tts import Synthesizer

    played = PlayedAudio() if echo_cancel else None
    speaker = SpeakerSink(Synthesizer(tts), output_device, played=played)
    mic = MicSource(input_device, echo=WebRtcEchoCanceller(played) if echo_cancel else None)
    return LiveDevices(mic=mic, speaker=speaker, keys=KeyCommands(key_poll) if key_poll else KeyCommands())


def load_models(stt, options: LiveOptions) -> LiveModels:
    """Whisper, Silero and Smart Turn (when the smart turn detector is on), each run once so that no
    answer waits for a load."""
    from voice.streaming_vad import StreamingSpeechDetector
    from voice.stt import WhisperTranscriber, load_whisper

    load_whisper(stt)
    transcriber = WhisperTranscriber(stt)
    pieces = WhisperTranscriber(replace(stt, draft=True))
    turn_model = None
    if options.listen.endpoint.turn_detector == "smart":
        from voice.turn_model import SmartTurn

        turn_model = SmartTurn()
    _warm_up(pieces, turn_model)
    return LiveModels(transcriber=transcriber, detector=StreamingSpeechDetector(), turn_model=turn_model,
                      pieces=pieces)


def _warm_up(transcriber, turn_model) -> None:
    import numpy as np

    from nlp.embedding import load_embedder

    tone = (0.1 * np.sin(np.arange(16000) * 2 * np.pi * 220 / 16000)).astype(np.float32)
    try:
        # straight to whisper: the VAD would (rightly) skip a tone and leave the decoder cold
        list(transcriber.model.transcribe(tone, beam_size=1)[0])
        load_embedder().embed(["Warming up the answer scorer."])
        if turn_model is not None:
            turn_model.complete_probability(tone)
    except Exception as e:  # a warm-up failure will show again, with context, on the first answer
        log.debug("warm-up failed: %s", e)


def resume_plan(session_dir: Path) -> Plan:
    """The plan of an interrupted session: the journal header's (job description and resume inlined),
    or the folder's plan.yaml when the journal never got its header."""
    try:
        return read_journal(session_dir).record().plan
    except VivavoceError:
        if (session_dir / "plan.yaml").is_file():
            return load_plan(session_dir / "plan.yaml")
        raise VivavoceError(f"{session_dir}: not a live session folder (no journal and no plan.yaml)",
                            "start a new session with --plan and --out")


def run_live(plan: Plan, session_dir: Path, devices: LiveDevices, options: LiveOptions, view: LiveView, *,
             models: LiveModels) -> SessionRecord:
    """Hold the interview (or continue the one in `session_dir`) and return its record.

    `record.meta["end"]` says how it ended: finished, interrupted (Ctrl+C), no_consent or device_lost
    (then `record.meta["error"]` holds the device error's message; the turns so far are journaled)."""
    session_dir = Path(session_dir)
    earlier = _earlier(session_dir)
    consented = options.consent_given or any(e.get("type") == "consent" and e.get("given")
                                             for e in (earlier.events if earlier else ()))
    mic, speaker = devices.mic, devices.speaker
    listener = Listener(mic, models.detector, models.pieces or models.transcriber, options.listen,
                        turn_model=models.turn_model,
                        echo_settled=lambda: mic.echo_settled, stop_requested=devices.keys.stop_requested,
                        on_progress=lambda s, partial: view.listening(s, mic.level, partial))
    journal_box: list[Journal] = []
    answers = LiveAnswers(plan, session_dir, speaker, listener, find_speech=models.recorded_speech, view=view,
                          keys=devices.keys,
                          greeting=WELCOME_BACK if earlier and earlier.turns else None, notice=options.notice,
                          likely_next=likely_after(plan, options),
                          on_recorded=lambda q, name, heard: _journal_recorded(journal_box, q, name, heard))
    guarded = KeepHeardOnDeviceLoss(answers, mic, session_dir, models.recorded_speech, margin_s=options.listen.margin_s)
    meta: dict[str, Any] = {"end": "finished"}
    mic.start()
    try:
        consent = Consent(True, "flag") if options.consent_given else None
        if not consented:
            consent = answers.ask_consent()
            if not consent.given:
                return SessionRecord(plan=plan, turns=(), meta={"end": "no_consent"})
        with _open_journal(plan, session_dir, options) as journal:
            journal_box.append(journal)
            if consent is not None and not (earlier and _consent_journaled(earlier)):
                journal.append_event("consent", given=True, method=consent.method, at=SystemClock.wall_iso(),
                                     heard=consent.heard)
            parts = _parts(plan, options, models, guarded, answers, journal, view)
            done = _analyse_recorded(plan, session_dir, parts, journal, earlier, view, models.recorded_speech)
            try:
                run_session(plan, parts, journal, done=done, on_turn=lambda t: _turn_saved(view, t),
                            on_problem=view.line)
                if guarded.failure is not None:  # the last answer was cut short: no closing words
                    raise guarded.failure
                answers.finish()
            except KeyboardInterrupt:
                meta["end"] = "interrupted"
    except KeyboardInterrupt:
        meta["end"] = "interrupted"
    except DeviceError as e:  # a device that failed mid-session and could not be reopened
        meta.update(end="device_lost", error=e.message)
        if not (session_dir / JOURNAL_NAME).exists():
            raise
    finally:
        mic.close()
        answers.close()
        listener.close()
        speaker.close()
    if not (session_dir / JOURNAL_NAME).exists():
        shutil.rmtree(session_dir, ignore_errors=True) if not earlier and session_dir.exists() else None
        return SessionRecord(plan=plan, turns=(), meta=meta)
    record = read_journal(session_dir).record()
    return SessionRecord(plan=record.plan, turns=record.turns, consent=record.consent,
                         meta={**record.meta, **meta}, reviews=record.reviews)


def _earlier(session_dir: Path) -> JournalContents | None:
    try:
        return read_journal(session_dir) if (session_dir / JOURNAL_NAME).exists() else None
    except VivavoceError:  # a journal without its header: nothing in it can be used
        return None


def _consent_journaled(earlier: JournalContents) -> bool:
    return any(e.get("type") == "consent" for e in earlier.events)


def _turn_saved(view: LiveView, turn: Turn) -> None:
    # the saved answer is transcribed whole and scored while the next question plays: how long that took
    mark("turn_saved", audio_s=turn.audio_s)
    view.line(f"turn {turn.question.id} saved{' (' + ', '.join(turn.flags) + ')' if turn.flags else ''}")


def _open_journal(plan: Plan, session_dir: Path, options: LiveOptions) -> Journal:
    """The session's journal, created with its header in one step when there is none (or none with a header)."""
    session_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(session_dir, 0o700)
    path = session_dir / JOURNAL_NAME
    if _earlier(session_dir) is None:
        # the plan and the documents it names, so the folder replays anywhere (interview.session_folder)
        copied = copy_plan(plan, session_dir)
        fresh = path.with_name(JOURNAL_NAME + ".new")
        fresh.unlink(missing_ok=True)
        with Journal(fresh) as journal:
            llm = options.llm
            journal.write_header(copied, {"mode": "live", "candidate": plan.candidate,
                                        "started_at": SystemClock.wall_iso(), "tts": options.tts_engine,
                                        "interviewer": f"llm:{llm.model}" if llm else "offline"})
        os.replace(fresh, path)
    return Journal(path)


def _parts(plan: Plan, options: LiveOptions, models: LiveModels, answers, announcer, journal,
           view: LiveView) -> SessionParts:
    from interview.session_parts import build_judging
    from nlp.emotion_local import build_emotion_classifier

    judging = build_judging(options.llm, notify=view.line, record=journal.append_event,
                            max_followups=options.max_followups, scorer=models.scorer)
    emotion = models.emotion
    if emotion is None:
        emotion = build_emotion_classifier(options.emotion) if options.emotion is not None else build_emotion_classifier()
    return SessionParts(answers=answers, transcriber=models.transcriber, scorer=judging.scorer, emotion=emotion,
                        interviewer=judging.interviewer, clock=SystemClock(), announcer=answers)


def _journal_recorded(journal_box: list[Journal], question: Question, name: str, heard: Heard) -> None:
    """The answer's WAV is on disk: journal it before any analysis, so a crash cannot lose it."""
    if not journal_box or heard.utterance is None:
        return
    u = heard.utterance
    journal_box[0].append_event(RECORDED, question=question_to_dict(question), audio_path=name,
                                end_reason=u.end_reason, audio_s=round(u.audio.duration_s, 3))


class _RecordedAnswer:
    """AnswerSource for one answer that was recorded but not analysed before a crash."""

    def __init__(self, capture: Capture):
        self.capture_ = capture

    def capture(self, question: Question) -> Capture:
        return self.capture_


def _analyse_recorded(plan: Plan, session_dir: Path, parts: SessionParts, journal: Journal,
                      earlier: JournalContents | None, view: LiveView, find_speech: SpeechFinder) -> tuple[Turn, ...]:
    """The turns of an earlier run, plus a turn for each answer it recorded but did not analyse (read as
    the uninterrupted session, and a replay, read it: interview.recorded)."""
    if earlier is None:
        return ()
    done = list(earlier.record().turns)
    finished = {t.question.id for t in done}
    pending = [e for e in earlier.events if e.get("type") == RECORDED
               and e.get("question", {}).get("id") not in finished]
    vocabulary = plan.vocabulary()
    for event in {e["question"]["id"]: e for e in pending}.values():
        question = question_from_dict(event["question"])
        path = resolve_journaled(event["audio_path"], session_dir)
        try:
            audio = decode_file(path)
        except VivavoceError as e:
            log.warning("%s: the recorded answer could not be read (%s); the question is asked again", path, e)
            continue
        capture = Capture(recorded_answer(audio, event.get("end_reason") or "silence", find_speech),
                          audio_path=event["audio_path"])
        recorded = SessionParts(answers=_RecordedAnswer(capture), transcriber=parts.transcriber,
                                scorer=parts.scorer, emotion=parts.emotion, interviewer=parts.interviewer,
                                clock=parts.clock)
        view.line(f"analysing the answer to {question.id} recorded before the interruption")
        turn = run_turn(question, plan, recorded, vocabulary)
        journal.append_turn(turn)
        done.append(turn)
    return tuple(done)


def session_folder_problem(session_dir: Path) -> str | None:
    """Why a new session may not use `session_dir` (None when it may)."""
    if session_dir.exists() and any(session_dir.iterdir()):
        return f"{session_dir}: folder exists and is not empty"
    return None


__all__: Sequence[str] = ("LiveDevices", "LiveModels", "LiveOptions", "load_models", "open_devices", "resume_plan",
                          "run_live")

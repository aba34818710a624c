"""`interview live`: a spoken interview through the microphone and speaker, saved as a replay folder."""
from __future__ import annotations

import argparse
import logging
import os
import shutil
from pathlib import Path

from interview.cli.common import (add_emotion_arguments, add_interviewer_arguments, add_model_arguments,
                                 apply_live_settings, config_for, emotion_options, llm_options, max_followups,
                                 stt_options)
from voice.errors import DeviceError, VivavoceError

log = logging.getLogger(__name__)

NAME = "live"
HELP = "hold a spoken interview through the microphone and speaker"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--plan", help="plan.yaml (not needed with --resume)")
    parser.add_argument("--out", help="session folder to create (a replay folder)")
    parser.add_argument("--resume", metavar="DIR", help="continue an interrupted session in DIR")
    parser.add_argument("--input-device", help="microphone name or index (see 'interview devices')")
    parser.add_argument("--output-device", help="speaker name or index")
    parser.add_argument("--voice", help="TTS voice name")
    # defaults (in interview.cli.common.LIVE_DEFAULTS) apply after the config file's [live] section
    parser.add_argument("--tts", choices=("pyttsx3", "espeak"), help="speech engine (default pyttsx3)")
    parser.add_argument("--end-silence-ms", type=int, help="silence that ends an answer (default 1500)")
    parser.add_argument("--max-answer-s", type=float, help="longest answer (default 180)")
    parser.add_argument("--echo-tail-ms", type=int, help="microphone ignored after speaking (default 300)")
    parser.add_argument("--yes-consent", action="store_true",
                        help="the candidate has agreed already (recorded as consent by flag)")
    add_model_arguments(parser)
    add_emotion_arguments(parser)
    add_interviewer_arguments(parser)


def load_models(args: argparse.Namespace, config: dict):
    """The transcriber, loaded before the first question so no answer waits for it."""
    from voice.stt import WhisperTranscriber, load_whisper

    options = stt_options(args, config)
    load_whisper(options)
    return WhisperTranscriber(options)


def write_reports(record, out_dir: Path) -> list[Path]:
    from reports import write_reports as write

    return list(write(record, out_dir).values())


def run(args: argparse.Namespace) -> int:
    from interview.journal import Journal, read_journal
    from interview.plan import load_plan
    from voice.clock import SystemClock

    config = config_for(args)
    apply_live_settings(args, config)
    session_dir, plan, done, consent_event = _session_target(args, load_plan, read_journal)
    if args.end_silence_ms < 200 or args.max_answer_s <= 0:
        raise VivavoceError("--end-silence-ms must be >= 200 and --max-answer-s > 0")
    # devices first: a wrong name should fail in a second, not after loading models
    from voice.devices import resolve_device

    resolve_device(args.input_device, "input")
    resolve_device(args.output_device, "output")
    llm = llm_options(args, config)
    followups = max_followups(args, config)
    feelings = emotion_options(args, config)
    transcriber_base = load_models(args, config)
    _warm_up(transcriber_base)

    from interview.cli.keyboard import KeyReader
    from interview.cli.live_view import TerminalView
    from interview.live import Consent, KeyCommands, LiveAnswers
    from interview.live_listen import ListenOptions, Listener, RememberingTranscriber
    from interview.session import SessionParts, run_session
    from voice.endpoint import EndpointOptions
    from voice.sinks import SpeakerSink
    from voice.sources import MicSource
    from voice.streaming_vad import StreamingSpeechDetector
    from voice.tts import Synthesizer, TTSOptions

    view = TerminalView()
    reader = KeyReader()
    keys = KeyCommands(reader.poll)
    synthesizer = Synthesizer(TTSOptions(engine=args.tts, voice=args.voice))
    speaker = SpeakerSink(synthesizer, args.output_device)
    mic = MicSource(args.input_device)
    view.level_source = lambda: mic.level
    transcriber = RememberingTranscriber(transcriber_base)
    options = ListenOptions(endpoint=EndpointOptions(end_silence_ms=args.end_silence_ms,
                                                     short_answer_silence_ms=args.short_answer_silence_ms,
                                                     max_answer_s=args.max_answer_s),
                            echo_tail_ms=args.echo_tail_ms)
    listener = Listener(mic, StreamingSpeechDetector(), transcriber_base, options,
                        stop_requested=keys.stop_requested,
                        on_progress=lambda s, partial: view.listening(s, mic.level, partial))
    greeting = "Welcome back. Let us continue where we stopped." if done else None
    from interview.consent import notice_text

    notice = notice_text(config)
    answers = LiveAnswers(plan, session_dir, speaker, listener, transcriber, view=view,
                          keys=keys, greeting=greeting, notice=notice)
    from interview.live_device_loss import KeepHeardOnDeviceLoss

    guarded = KeepHeardOnDeviceLoss(answers, mic, session_dir)
    created = not session_dir.exists()
    interrupted = False
    device_error: DeviceError | None = None
    mic.start()
    view.start()
    try:
        # single keys for the whole session; the finally below puts the terminal back
        if reader.start():
            view.show_keys()
        if consent_event is None:
            if args.yes_consent:
                consent = Consent(True, "flag")
            else:
                by_key = " or press y (n refuses)" if reader.active else ""
                view.line(f"Consent notice: {notice} Say 'yes'{by_key} to agree.")
                consent = answers.ask_consent()
            if not consent.given:
                view.stop()
                print("no consent: nothing was recorded")
                return 0
        session_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(session_dir, 0o700)
        with Journal(session_dir / "journal.jsonl") as journal:
            if journal.is_new:
                from interview.session_folder import copy_plan
                journal.write_header(copy_plan(plan, session_dir), {"mode": "live", "candidate": plan.candidate,
                                            "started_at": SystemClock.wall_iso(), "tts": args.tts,
                                            "interviewer": f"llm:{llm.model}" if llm else "offline"})
            if consent_event is None:
                journal.append_event("consent", given=True, method=consent.method, at=SystemClock.wall_iso(),
                                     heard=consent.heard)
            from interview.session_parts import build_judging
            from nlp.emotion_local import build_emotion_classifier

            judging = build_judging(llm, notify=view.line, record=journal.append_event, max_followups=followups)
            parts = SessionParts(answers=guarded, transcriber=transcriber, scorer=judging.scorer,
                                 emotion=build_emotion_classifier(feelings), interviewer=judging.interviewer,
                                 clock=SystemClock())
            try:
                run_session(plan, parts, journal, done=done,
                                     on_turn=lambda t: view.line(f"turn {t.question.id} saved"
                                                                 f"{' (' + ', '.join(t.flags) + ')' if t.flags else ''}"),
                                     on_problem=view.line)
                if guarded.failure is not None:  # the last answer was cut short: no closing words
                    raise guarded.failure
                answers.finish()
            except KeyboardInterrupt:
                interrupted = True
    except KeyboardInterrupt:
        interrupted = True
    except DeviceError as e:  # a device that failed mid-session and could not be reopened
        device_error = e
    finally:
        reader.restore()
        view.stop()
        mic.close()
        answers.close()
        listener.close()
        synthesizer.close()
    if created and not (session_dir / "journal.jsonl").exists():
        shutil.rmtree(session_dir, ignore_errors=True)
        if device_error is not None:
            raise device_error
        return 130 if interrupted else 0
    full = read_journal(session_dir).record()
    paths = write_reports(full, session_dir)
    answered = sum(1 for t in full.turns if t.answered)
    if device_error is not None:
        # the report for the turns kept goes to stdout as usual; the one error line to stderr (exit 2)
        for p in paths:
            print(p)
        raise DeviceError(device_error.message,
                          f"{answered} answered turn(s) kept; resume with: interview live --resume {session_dir}")
    if interrupted:
        print(f"interrupted: {answered} answered turn(s) kept; resume with: interview live --resume {session_dir}")
    for p in paths:
        print(p)
    print(f"session: {session_dir}")
    return 130 if interrupted else 0


def _warm_up(transcriber) -> None:
    """Load every model and run each once before the first question, so no answer waits for a load."""
    import numpy as np

    from nlp.embedding import load_embedder

    tone = (0.1 * np.sin(np.arange(16000) * 2 * np.pi * 220 / 16000)).astype(np.float32)
    try:
        # straight to whisper: the VAD would (rightly) skip a tone and leave the decoder cold
        list(transcriber.model.transcribe(tone, beam_size=1)[0])
        load_embedder().embed(["Warming up the answer scorer."])
    except Exception as e:  # a warm-up failure will show again, with context, on the first answer
        log.debug("warm-up failed: %s", e)


def _session_target(args, load_plan, read_journal):
    if args.resume:
        session_dir = Path(args.resume)
        contents = read_journal(session_dir)
        # the header's plan has job description and resume inlined, so it needs no other file
        plan = contents.record().plan
        consent = next((e for e in contents.events if e.get("type") == "consent" and e.get("given")), None)
        return session_dir, plan, contents.record().turns, consent
    if not args.plan or not args.out:
        raise VivavoceError("interview live needs --plan and --out (or --resume DIR)")
    from interview.session_folder import output_folder

    session_dir = output_folder(args.out)
    if session_dir.exists() and any(session_dir.iterdir()):
        raise VivavoceError(f"{session_dir}: folder exists and is not empty",
                            f"pick a new --out, or continue it with --resume {session_dir}")
    return session_dir, load_plan(args.plan), (), None


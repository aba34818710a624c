"""`interview live`: a spoken interview through the microphone and speaker, saved as a replay folder.

Flags become LiveOptions, `interview.live.run_live` holds the session, and this prints the outcome."""
from __future__ import annotations

import argparse
import logging
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
    parser.add_argument("--speech-rate", type=int, default=175, metavar="WPM",
                        help="the interviewer's speaking rate in words per minute (default 175)")
    parser.add_argument("--turn-detector", choices=("smart", "silence"), default="smart",
                        help="smart: a turn model and the transcript decide at each pause (default); "
                             "silence: --end-silence-ms of silence alone")
    parser.add_argument("--min-pause-ms", type=int, default=250,
                        help="smart: the pause after which the turn model is first asked")
    parser.add_argument("--max-pause-ms", type=int, default=3000,
                        help="smart: the longest thinking pause before an answer counts as over")
    parser.add_argument("--end-silence-ms", type=int,
                        help="silence: the silence that ends an answer (default 1500)")
    parser.add_argument("--wait-for-answer-s", type=float, default=30.0,
                        help="thinking time before the first word: after this long with nothing said, "
                             "the question counts as unanswered")
    parser.add_argument("--max-answer-s", type=float, help="longest answer (default 180)")
    parser.add_argument("--echo-tail-ms", type=int, help="microphone ignored after speaking (default 300)")
    parser.add_argument("--no-barge-in", action="store_true",
                        help="the candidate cannot interrupt the interviewer (the microphone is ignored while it speaks)")
    parser.add_argument("--no-echo-cancel", action="store_true",
                        help="no echo canceller on the microphone (with headphones, or with the system's "
                             "module-echo-cancel); use --no-barge-in too on loudspeakers")
    parser.add_argument("--yes-consent", action="store_true",
                        help="the candidate has agreed already (recorded as consent by flag)")
    add_model_arguments(parser)
    add_emotion_arguments(parser)
    add_interviewer_arguments(parser)


def live_options(args: argparse.Namespace, config: dict):
    """The flags as LiveOptions; a value out of range is a usage error."""
    from interview.consent import notice_text
    from interview.live import LiveOptions
    from interview.live.listen import ListenOptions
    from voice.endpoint import EndpointOptions

    if args.end_silence_ms < 200 or args.max_answer_s <= 0:
        raise VivavoceError("--end-silence-ms must be >= 200 and --max-answer-s > 0")
    if not 50 <= args.min_pause_ms <= args.max_pause_ms:
        raise VivavoceError("--min-pause-ms must be >= 50 and at most --max-pause-ms")
    if not 80 <= args.speech_rate <= 400:
        raise VivavoceError(f"--speech-rate {args.speech_rate}: give words per minute between 80 and 400")
    if args.wait_for_answer_s <= 0:
        raise VivavoceError("--wait-for-answer-s must be > 0")
    endpoint = EndpointOptions(turn_detector=args.turn_detector, min_pause_ms=args.min_pause_ms,
                               max_pause_ms=args.max_pause_ms, end_silence_ms=args.end_silence_ms,
                               short_answer_silence_ms=args.short_answer_silence_ms,
                               max_answer_s=args.max_answer_s, no_speech_timeout_s=args.wait_for_answer_s)
    return LiveOptions(listen=ListenOptions(endpoint=endpoint, echo_tail_ms=args.echo_tail_ms,
                                            barge_in=not args.no_barge_in),
                       llm=llm_options(args, config), emotion=emotion_options(args, config),
                       max_followups=max_followups(args, config), notice=notice_text(config),
                       consent_given=args.yes_consent, tts_engine=args.tts)


def run(args: argparse.Namespace) -> int:
    from interview.live import load_models, open_devices, resume_plan, run_live
    from interview.live.run import session_folder_problem
    from interview.session_folder import output_folder
    from interview.plan import load_plan

    if args.resume:
        session_dir = Path(args.resume)
        plan = resume_plan(session_dir)
    elif not args.plan or not args.out:
        raise VivavoceError("interview live needs --plan and --out (or --resume DIR)")
    else:
        session_dir = output_folder(args.out)
        problem = session_folder_problem(session_dir)
        if problem:
            raise VivavoceError(problem, f"pick a new --out, or continue it with --resume {session_dir}")
        plan = load_plan(args.plan)
    config = config_for(args)
    apply_live_settings(args, config)
    options = live_options(args, config)
    # devices first: a wrong name should fail in a second, not after loading models
    from voice.devices import resolve_device
    from voice.tts import TTSOptions

    resolve_device(args.input_device, "input")
    resolve_device(args.output_device, "output")
    models = load_models(stt_options(args, config), options)

    from interview.cli.keyboard import KeyReader
    from interview.cli.live_view import TerminalView

    reader = KeyReader()
    devices = open_devices(args.input_device, args.output_device,
                           TTSOptions(engine=args.tts, voice=args.voice, rate_wpm=args.speech_rate),
                           echo_cancel=not args.no_echo_cancel, key_poll=reader.poll)
    view = TerminalView()
    view.level_source = lambda: devices.mic.level
    view.start()
    try:
        # single keys for the whole session; the finally below puts the terminal back
        if reader.start():
            view.show_keys()
        if not options.consent_given:
            by_key = " or press y (n refuses)" if reader.active else ""
            view.line(f"Consent notice: {options.notice} Say 'yes'{by_key} to agree.")
        record = run_live(plan, session_dir, devices, options, view, models=models)
    finally:
        reader.restore()
        view.stop()
    end = record.meta.get("end")
    if end == "no_consent":
        print("no consent: nothing was recorded")
        return 0
    if not (session_dir / "journal.jsonl").exists():
        return 130 if end == "interrupted" else 0
    from interview.journal import read_journal

    # the reports come from the journal alone, as for any session folder
    paths = write_reports(read_journal(session_dir).record(), session_dir)
    answered = sum(1 for t in record.turns if t.answered)
    resume_hint = f"resume with: interview live --resume {session_dir}"
    if end == "device_lost":
        # the report for the turns kept goes to stdout as usual; the one error line to stderr (exit 2)
        for p in paths:
            print(p)
        raise DeviceError(record.meta.get("error", "a device failed"), f"{answered} answered turn(s) kept; {resume_hint}")
    if end == "interrupted":
        print(f"interrupted: {answered} answered turn(s) kept; {resume_hint}")
    for p in paths:
        print(p)
    print(f"session: {session_dir}")
    return 130 if end == "interrupted" else 0


def write_reports(record, out_dir: Path) -> list[Path]:
    from reports import write_reports as write

    return list(write(record, out_dir).values())

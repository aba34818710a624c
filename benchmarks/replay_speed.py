"""Replay speed against bare faster-whisper on the same files, in the same run.

Prints audio seconds, wall seconds, real-time factor (wall / audio) of a whole replay (decode, VAD,
speech-to-text, scoring, emotion, journal, reports), and its ratio to plain faster-whisper transcription
of the same recordings with the same model and beam. Models are loaded before timing in both cases.
Run: .venv/bin/python benchmarks/replay_speed.py [FOLDER] [--repeat N]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from interview.session_parts import replay_parts  # noqa: E402
from interview.replay import find_recording, open_replay_folder, replay  # noqa: E402
from nlp.emotion_local import EmotionOptions  # noqa: E402
from reports import write_reports  # noqa: E402
from voice.audio import decode_file  # noqa: E402
from voice.stt import SttOptions, load_whisper, resolve_model  # noqa: E402


def bare_faster_whisper(files: list[Path], options: SttOptions) -> float:
    from faster_whisper import WhisperModel
    from faster_whisper.audio import decode_audio

    model = WhisperModel(resolve_model(options.model), device="cpu", compute_type=options.compute_type)
    list(model.transcribe(decode_audio(str(files[0])), beam_size=options.beam_size)[0])  # warm-up
    start = time.perf_counter()
    for path in files:
        segments, _ = model.transcribe(decode_audio(str(path)), beam_size=options.beam_size)
        list(segments)
    return time.perf_counter() - start


def full_replay(folder: Path, options: SttOptions) -> float:
    source = open_replay_folder(folder)
    load_whisper(options)

    parts = replay_parts(options, EmotionOptions(), None, max_followups=0)

    with tempfile.TemporaryDirectory() as tmp:  # warm-up: loads MiniLM and the emotion head
        replay(source, Path(tmp) / "warm", parts)
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        record = replay(source, Path(tmp) / "out", parts)
        write_reports(record, Path(tmp) / "out", ("md", "html", "json"))
        return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", nargs="?", default=str(REPO / "examples" / "ml-engineer"))
    parser.add_argument("--model", default="tiny.en")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    folder = Path(args.folder)
    plan = open_replay_folder(folder).plan
    files = [p for q in plan.questions if (p := find_recording(folder, q.id))]
    audio_s = sum(decode_file(p).duration_s for p in files)
    options = SttOptions(model=args.model)
    bare = min(bare_faster_whisper(files, options) for _ in range(args.repeat))
    ours = min(full_replay(folder, options) for _ in range(args.repeat))
    print(f"model {args.model}, {len(files)} recordings, {audio_s:.1f} s of audio, best of {args.repeat}")
    print(f"bare faster-whisper : wall {bare:6.2f} s   RTF {bare / audio_s:.3f}")
    print(f"vivavoce replay     : wall {ours:6.2f} s   RTF {ours / audio_s:.3f}")
    print(f"ratio replay / bare : {ours / bare:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

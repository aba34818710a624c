"""Whole-process wall time of `interview replay` against `interview transcribe` of the same recordings.

Both run as a user runs them (a fresh process each: imports and model loading included), with the default
speech model. Printed side by side with their ratio; the target is replay <= 2 x transcribe. Sessions: the
example (examples/ml-engineer) and, with --hard, a session made of the hard synthetic answers.
Run: .venv/bin/python benchmarks/replay_speed.py [FOLDER ...] [--hard] [--repeat N]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from interview.replay import find_recording, open_replay_folder  # noqa: E402
from voice.audio import decode_file  # noqa: E402

TARGET_RATIO = 2.0


def timed(*args: str) -> float:
    env = {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1"}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "interview", *args], check=True, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - start


def hard_session(folder: Path) -> Path:
    """A replay folder whose answers are the hard synthetic ones (links into the audio cache)."""
    import yaml

    from tests.hard_speech import hard_answers, synthesise

    folder.mkdir(parents=True, exist_ok=True)
    questions = []
    for answer in hard_answers():
        qid = f"HARD_{answer.id.upper()}"
        audio = synthesise(answer)
        link = folder / f"{qid}{audio.suffix}"
        if not link.exists():
            link.symlink_to(audio)
        questions.append({"id": qid, "competency": "Machine learning engineering",
                          "text": f"Tell me about your work on {answer.id.split('_')[0]}."})
    (folder / "plan.yaml").write_text(yaml.safe_dump({"role": "Machine Learning Engineer",
                                                      "questions": questions}, sort_keys=False))
    return folder


def measure(folder: Path, repeat: int) -> None:
    plan = open_replay_folder(folder).plan
    files = [str(p) for q in plan.questions if (p := find_recording(folder, q.id))]
    audio_s = sum(decode_file(p).duration_s for p in files)
    transcribe = replay = float("inf")
    for _ in range(repeat):
        transcribe = min(transcribe, timed("transcribe", *files))
        with tempfile.TemporaryDirectory() as tmp:
            replay = min(replay, timed("replay", str(folder), "--out", str(Path(tmp) / "out"), "--quiet"))
    print(f"{folder.name}: {len(files)} recordings, {audio_s:.1f} s of audio, best of {repeat}")
    print(f"  interview transcribe : {transcribe:6.2f} s   RTF {transcribe / audio_s:.3f}")
    print(f"  interview replay     : {replay:6.2f} s   RTF {replay / audio_s:.3f}")
    print(f"  replay / transcribe  : {replay / transcribe:.2f}   (target <= {TARGET_RATIO:g})")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("folders", nargs="*", default=[str(REPO / "examples" / "ml-engineer")])
    parser.add_argument("--hard", action="store_true", help="also a session of the hard synthetic answers")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    folders = [Path(f) for f in args.folders]
    if args.hard:
        from voice.cache import cache_dir

        folders.append(hard_session(cache_dir() / "hard-session"))
    for folder in folders:
        measure(folder, args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

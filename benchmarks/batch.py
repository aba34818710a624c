"""Batch replay throughput: sessions per minute and peak memory for 1 and 2 local workers.

    PYTHONPATH=$PWD python -m benchmarks.batch [--sessions 5]

Makes small sessions with espeak-ng (four spoken answers each), replays them with
`interview replay DIR... --out-root OUT --workers N`, and samples the resident memory of the whole
process tree (the command and its workers) from /proc every 0.2 s.
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


def tree_rss_mb(root_pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            pages = int(Path(f"/proc/{entry}/statm").read_text().split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(entry))
        rss[int(entry)] = pages
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total * os.sysconf("SC_PAGE_SIZE") / 2**20


def run(folders: list[Path], out: Path, workers: int) -> tuple[float, float, int]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1"}
    command = [sys.executable, "-m", "interview", "--quiet", "replay", *map(str, folders), "--out-root", str(out),
               "--workers", str(workers), "--no-emotion", "--max-followups", "0", "--format", "json"]
    started = time.monotonic()
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0.0
    while proc.poll() is None:
        peak = max(peak, tree_rss_mb(proc.pid))
        time.sleep(0.2)
    return time.monotonic() - started, peak, proc.returncode


def main() -> None:
    from tests.sessions_guarantees import make_session

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folders = [make_session(Path(tmp) / f"session{i}", candidate=f"Candidate {i}") for i in range(args.sessions)]
        print(f"{args.sessions} sessions of 4 answers; {os.cpu_count()} CPUs")
        for workers in (1, 2):
            seconds, peak_mb, code = run(folders, Path(tmp) / f"out{workers}", workers)
            print(f"workers={workers}: {seconds:6.1f} s  {args.sessions / seconds * 60:5.1f} sessions/min  "
                  f"peak RSS {peak_mb:6.0f} MB  exit {code}")


if __name__ == "__main__":
    main()

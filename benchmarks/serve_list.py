"""The workspace's candidate list with 1,000 sessions under ROOT: cold (first) and warm render times.

    .venv/bin/python benchmarks/serve_list.py [--sessions 1000] [--repeat 20]

Writes N synthetic session journals (two answered questions each, three roles, no recordings) into a
temporary ROOT, then times GET / through the application in this process (no network): the first
request (cold: every journal read and evaluated into the index) and the median and worst of the
following ones (warm: a directory walk and a stat per session, then the page). Target: warm <= 300 ms.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

ROLES = ("Machine Learning Engineer", "Data Engineer", "Backend Engineer")


def make_root(root: Path, sessions: int) -> None:
    from tests.fakes_reports import candidate_record, write_session

    for i in range(sessions):
        record = candidate_record(f"Candidate {i:04d}", ROLES[i % len(ROLES)], ((i * 37) % 100) / 100,
                                  flags=("struggled",) if i % 7 == 0 else (),
                                  started_at=f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}T10:00:00")
        folder = root / f"batch-{i // 100:02d}" / f"s{i:04d}"
        folder.mkdir(parents=True)
        write_session(folder, record)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    from starlette.testclient import TestClient

    from interview.web.app import create_app, open_workspace

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        make_root(root, args.sessions)
        print(f"{args.sessions} sessions written in {time.perf_counter() - started:.1f} s")
        client = TestClient(create_app(open_workspace(root)), base_url="http://127.0.0.1:8700")
        started = time.perf_counter()
        page = client.get("/")
        cold_ms = 1000 * (time.perf_counter() - started)
        assert page.status_code == 200 and page.text.count('class="candidate"') == args.sessions, "not every session listed"
        warm = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            client.get("/")
            warm.append(1000 * (time.perf_counter() - started))
        print(f"list page, {args.sessions} sessions: warm median {statistics.median(warm):.0f} ms "
              f"(worst {max(warm):.0f} ms, target <= 300 ms); cold {cold_ms:.0f} ms; page {len(page.content) // 1024} KiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

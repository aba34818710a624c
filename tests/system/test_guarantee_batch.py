"""Load: many sessions in one command, models once per worker, failures reported without stopping the batch."""
from __future__ import annotations

import json
import os

import pytest

from tests.conftest import REPO, assert_clean_error, run_cli
from tests.sessions_guarantees import ANSWERS, make_session

ONE = dict(list(ANSWERS.items())[:1])
FAST = ("--no-emotion", "--max-followups", "0", "--format", "json")


@pytest.mark.integration
def test_batch_with_two_workers_replays_all_and_reports_the_broken_one(tmp_path):
    good = [make_session(tmp_path / f"cand{i}", ONE, candidate=f"Candidate {i}") for i in range(3)]
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "plan.yaml").write_text("role: [unclosed\n")
    listing = tmp_path / "more.txt"
    listing.write_text(f"# the third candidate\n{good[2].name}\n")
    out = tmp_path / "out"
    result = run_cli("replay", str(good[0]), str(broken), str(good[1]), "--batch", str(listing),
                     "--out-root", str(out), "--workers", "2", *FAST, timeout_s=400)
    assert result.code == 1, result.stderr[-2000:]
    assert "3 of 4 sessions replayed, 1 failed" in result.stdout
    assert f"failed: {broken}" in result.stdout and "invalid YAML" in result.stdout
    assert "Traceback" not in result.stderr
    for i, folder in enumerate(good):
        report = json.loads((out / folder.name / "report.json").read_text())
        assert report["candidate"] == f"Candidate {i}" and len(report["turns"]) == 1
        assert report["turns"][0]["transcript"]
    assert not (out / "broken" / "report.json").exists()


@pytest.mark.integration
def test_batch_where_all_succeed_exits_0(tmp_path):
    folders = [make_session(tmp_path / f"s{i}", ONE) for i in range(2)]
    result = run_cli("--quiet", "replay", *map(str, folders), "--out-root", str(tmp_path / "out"), *FAST,
                     timeout_s=300)
    assert result.code == 0, result.stderr[-2000:]
    assert "2 of 2 sessions replayed" in result.stdout
    assert {p.name for p in (tmp_path / "out").iterdir()} == {"s0", "s1"}


@pytest.mark.parametrize("extra, needle", [
    (["--out", "x"], "--out applies to one session only"),
    (["--workers", "0"], "--workers 0"),
    (["--executor", "dask"], "invalid choice"),
])
def test_batch_bad_usage_is_a_clean_error(tmp_path, extra, needle):
    folders = [tmp_path, tmp_path]
    assert_clean_error(run_cli("replay", *map(str, folders), "--out-root", str(tmp_path / "o"), *extra), needle)


def test_ray_executor_without_ray_names_the_extra(tmp_path):
    # a `ray` that cannot be imported, first on the path, stands for an installation without the extra
    blocker = tmp_path / "no_ray"
    (blocker / "ray").mkdir(parents=True)
    (blocker / "ray" / "__init__.py").write_text("raise ImportError(\"No module named 'ray'\")\n")
    result = run_cli("replay", str(tmp_path), str(tmp_path), "--executor", "ray",
                     env={"PYTHONPATH": os.pathsep.join([str(blocker), str(REPO)])})
    assert_clean_error(result, "ray", "vivavoce[ray]")


@pytest.mark.integration
def test_ray_executor_on_a_local_ray_instance(tmp_path):
    import ray

    from interview.batch import BatchSettings, output_folders, run_batch
    from nlp.emotion_local import EmotionOptions
    from reports import write_reports
    from voice.stt import SttOptions

    folders = [str(make_session(tmp_path / f"s{i}", ONE)) for i in range(2)]
    ray.init(num_cpus=2, include_dashboard=False)
    try:
        settings = BatchSettings(stt=SttOptions(), emotion=EmotionOptions(enabled=False),
                                 write_reports=write_reports, max_followups=0, formats=("json",))
        results = run_batch(output_folders(folders, str(tmp_path / "out")), settings, workers=2, executor="ray")
    finally:
        ray.shutdown()
    assert [r.ok for r in results] == [True, True]

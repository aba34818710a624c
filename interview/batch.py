"""Many recorded sessions in one run: a pool of workers, each loading the models once.

`run_batch(jobs, settings, workers=N)` replays every job and returns one BatchResult per job, in job
order. A session that fails is reported in its result and never stops the others. Local workers are
spawned processes (fork would copy a parent that may already hold threads and models); with
`executor="ray"` the same work runs on Ray actors, one per worker, for teams that outgrow one machine.
Each worker writes its sessions' reports through `BatchSettings.write_reports`, which the command
passes in (reports.write_reports): the interview package never imports reports.
"""
from __future__ import annotations

import logging
import os
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from interview.records import SessionRecord
from voice.errors import MissingDependency, VivavoceError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BatchJob:
    folder: str
    out: str


@dataclass(frozen=True)
class BatchSettings:
    """Everything a worker needs, picklable: the same options `interview replay` builds from flags."""

    stt: Any                                  # voice.stt.SttOptions
    emotion: Any                              # nlp.emotion_local.EmotionOptions
    # (record, out folder, formats) -> {kind: path}; a module-level function, so that it pickles
    write_reports: Callable[[SessionRecord, str, tuple[str, ...]], dict[str, Any]]
    llm: Any = None                           # interview.llm.LLMOptions | None
    max_followups: int = 1
    formats: tuple[str, ...] = ("md", "html", "json")
    resume: bool = False
    meta: dict[str, Any] = field(default_factory=dict)
    max_answer_s: float = 300.0                # interview.replay.MAX_ANSWER_S


@dataclass(frozen=True)
class BatchResult:
    folder: str
    out: str
    ok: bool
    message: str = ""                         # one line: the error, or the report written
    turns: int = 0
    warnings: tuple[str, ...] = ()


def output_folders(folders: Sequence[str], out_root: str | None) -> list[BatchJob]:
    """OUT_ROOT/<folder name> per session (made unique), or DIR/analysis as a single replay does."""
    jobs, taken = [], set()
    for folder in folders:
        if out_root is None:
            jobs.append(BatchJob(folder, str(Path(folder) / "analysis")))
            continue
        name = Path(folder).resolve().name or "session"
        unique, n = name, 2
        while unique in taken:
            unique, n = f"{name}-{n}", n + 1
        taken.add(unique)
        jobs.append(BatchJob(folder, str(Path(out_root) / unique)))
    return jobs


def read_batch_file(path: str) -> list[str]:
    """One session folder per line; blank lines and '#' comments skipped; relative to the file's folder."""
    p = Path(path)
    try:
        lines = p.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise VivavoceError(f"{p}: cannot read batch file ({e})") from None
    base = p.resolve().parent
    return [str(base / line.strip()) for line in lines if line.strip() and not line.strip().startswith("#")]


def warm_models(settings: BatchSettings) -> None:
    """Load the speech and text models into this process once, before its first session."""
    from nlp.embedding import load_embedder
    from voice.stt import load_whisper

    load_whisper(settings.stt)
    load_embedder().embed(["warm up"])


def replay_session(job: BatchJob, settings: BatchSettings) -> BatchResult:
    """Replay one folder and write its reports; every failure becomes a result, never an exception."""
    from interview.replay import open_replay_folder, replay

    warnings: list[str] = []
    try:
        source = open_replay_folder(job.folder)
        meta = {**settings.meta, "candidate": source.plan.candidate}
        record = replay(source, Path(job.out), _parts_factory(settings, warnings.append),
                        resume=settings.resume, meta=meta, max_answer_s=settings.max_answer_s,
                        on_problem=warnings.append)
        written = settings.write_reports(record, job.out, settings.formats)
        return BatchResult(job.folder, job.out, True, str(written.get("json") or next(iter(written.values()))),
                           turns=len(record.turns), warnings=tuple(warnings))
    except VivavoceError as e:
        return BatchResult(job.folder, job.out, False, e.one_line(), warnings=tuple(warnings))
    except Exception as e:  # a bug in one session must not lose the other forty-nine
        log.exception("%s: replay failed", job.folder)
        return BatchResult(job.folder, job.out, False, f"internal error: {type(e).__name__}: {e}"[:300],
                           warnings=tuple(warnings))


def _parts_factory(settings: BatchSettings, notify: Callable[[str], None]):
    from interview.session_parts import replay_parts

    return replay_parts(settings.stt, settings.emotion, settings.llm, max_followups=settings.max_followups,
                        notify=notify)


_worker_settings: BatchSettings | None = None


def _init_worker(settings: BatchSettings) -> None:
    global _worker_settings
    _worker_settings = settings
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    logging.basicConfig(level=logging.ERROR)
    if settings.stt.cpu_threads:
        try:
            import torch
            torch.set_num_threads(settings.stt.cpu_threads)
        except ImportError:
            pass
    warm_models(settings)


def _work(job: BatchJob) -> BatchResult:
    assert _worker_settings is not None
    return replay_session(job, _worker_settings)


def run_batch(jobs: Sequence[BatchJob], settings: BatchSettings, *, workers: int = 1, executor: str = "local",
              ray_address: str | None = None,
              on_result: Callable[[BatchResult], None] | None = None) -> list[BatchResult]:
    """Replay every job; results come back in job order, `on_result` is called as each finishes."""
    if workers < 1:
        raise VivavoceError(f"--workers {workers}: must be at least 1")
    if executor == "ray":
        return _run_ray(jobs, settings, workers, ray_address, on_result)
    if executor != "local":
        raise VivavoceError(f"--executor {executor}: choose local or ray")
    if workers == 1 or len(jobs) == 1:
        warm_models(settings)
        results = []
        for job in jobs:
            results.append(replay_session(job, settings))
            if on_result:
                on_result(results[-1])
        return results
    import multiprocessing

    by_index: dict[int, BatchResult] = {}
    pending = list(enumerate(jobs))
    with ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=multiprocessing.get_context("spawn"),
                             initializer=_init_worker, initargs=(settings,)) as pool:
        running: dict[Any, int] = {}
        # at most two sessions queued per worker: results of thousands of jobs never pile up in flight
        while pending or running:
            while pending and len(running) < 2 * workers:
                index, job = pending.pop(0)
                running[pool.submit(_work, job)] = index
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                index = running.pop(future)
                try:
                    result = future.result()
                except Exception as e:  # a worker killed (e.g. out of memory) fails its session only
                    job = jobs[index]
                    result = BatchResult(job.folder, job.out, False, f"worker failed: {type(e).__name__}: {e}"[:300])
                by_index[index] = result
                if on_result:
                    on_result(result)
    return [by_index[i] for i in range(len(jobs))]


def _run_ray(jobs: Sequence[BatchJob], settings: BatchSettings, workers: int, address: str | None,
             on_result: Callable[[BatchResult], None] | None) -> list[BatchResult]:
    try:
        import ray
    except ImportError as e:
        raise MissingDependency("ray", extra="ray") from e
    started_here = not ray.is_initialized()
    if started_here:
        ray.init(address=address, ignore_reinit_error=True, log_to_driver=False)

    @ray.remote
    class SessionWorker:  # one per worker: models load once per actor
        def __init__(self, worker_settings: BatchSettings):
            _init_worker(worker_settings)

        def replay(self, job: BatchJob) -> BatchResult:
            return _work(job)

    actors = [SessionWorker.remote(settings) for _ in range(min(workers, len(jobs)))]
    refs = {actors[i % len(actors)].replay.remote(job): i for i, job in enumerate(jobs)}
    by_index: dict[int, BatchResult] = {}
    remaining = list(refs)
    try:
        while remaining:
            done, remaining = ray.wait(remaining, num_returns=1)
            index = refs[done[0]]
            try:
                result = ray.get(done[0])
            except Exception as e:  # an actor that died fails its sessions only
                result = BatchResult(jobs[index].folder, jobs[index].out, False, f"worker failed: {e}"[:300])
            by_index[index] = result
            if on_result:
                on_result(result)
    finally:
        if started_here:
            ray.shutdown()
    return [by_index[i] for i in range(len(jobs))]


def summary(results: Iterable[BatchResult]) -> tuple[int, int]:
    results = list(results)
    return sum(r.ok for r in results), sum(not r.ok for r in results)

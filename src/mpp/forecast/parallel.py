"""Run independent tasks on local processes (joblib/loky) or a Dask cluster, with a progress bar.

Results come back in task order, and every task carries its own seed, so the numbers do not depend on the
number of workers or the backend.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn


@contextlib.contextmanager
def progress_bar(total: int, description: str, enabled: bool) -> Iterator[Callable[[int], None]]:
    if not enabled:
        yield lambda n=1: None
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, transient=True) as prog:
        task = prog.add_task(description, total=total)
        yield lambda n=1: prog.advance(task, n)


def map_tasks(
    fn: Callable[[Any], Any],
    tasks: Sequence[Any],
    *,
    workers: int = 1,
    backend: str = "processes",
    scheduler: str | None = None,
    progress: bool = False,
    description: str = "fitting",
) -> list[Any]:
    """Apply `fn` to every task; `fn` and tasks must be picklable for the parallel backends."""
    n = len(tasks)
    with progress_bar(n, description, progress) as advance:
        if backend == "dask":
            return _map_dask(fn, tasks, workers, scheduler, advance)
        if backend != "processes":
            raise ValueError(f"unknown parallel backend {backend!r} (processes or dask)")
        if workers <= 1 or n <= 1:
            out = []
            for t in tasks:
                out.append(fn(t))
                advance(1)
            return out
        from joblib import Parallel, delayed

        results: list[Any] = []
        for r in Parallel(n_jobs=workers, backend="loky", return_as="generator")(delayed(fn)(t) for t in tasks):
            results.append(r)
            advance(1)
        return results


def _map_dask(fn, tasks, workers, scheduler, advance) -> list[Any]:
    from dask.distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(
            n_workers=max(workers, 1), threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
        )
        client = Client(cluster)
    try:
        futures = client.map(fn, tasks, pure=False)
        index = {f.key: i for i, f in enumerate(futures)}
        results: list[Any] = [None] * len(tasks)
        for fut in as_completed(futures):
            results[index[fut.key]] = fut.result()
            advance(1)
        return results
    finally:
        client.close()
        if cluster is not None:
            cluster.close()

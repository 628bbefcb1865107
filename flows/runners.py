"""Where the heavy stages (language detection and NER) run: in the flow's own process, in worker processes on
this machine, or on a Dask cluster through prefect-dask. Everything else, and every write to the warehouse,
stays in the flow's process."""

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

import polars as pl
from prefect.context import FlowRunContext
from prefect.settings import PREFECT_API_URL
from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner
from prefect_dask import DaskTaskRunner

TASK_RUNNERS = ("processes", "local", "dask")

# A worker process costs a few seconds to start (Prefect, spaCy and the models); until a batch has this many
# articles per worker, batches are annotated in the flow's process, so small runs (the seeds, a quiet hour of a feed)
# never pay it.
MIN_ARTICLES_PER_WORKER = 100


class TaskRunnerChoiceError(ValueError):
    """An unknown task runner name, or a Dask address given for a runner that is not Dask."""


def heavy_stage_runner(kind: str, workers: int, dask_address: str | None) -> TaskRunner:
    """A task runner for the heavy stages; enter it (`with`) to start its workers."""
    if kind not in TASK_RUNNERS:
        raise TaskRunnerChoiceError(f"unknown task runner {kind!r}: choose one of {', '.join(TASK_RUNNERS)}")
    if dask_address and kind != "dask":
        raise TaskRunnerChoiceError(f"a Dask scheduler address needs the dask task runner, not {kind!r}")
    if workers < 1:
        raise TaskRunnerChoiceError(f"workers must be at least 1, not {workers}")
    if kind == "local":
        return ThreadPoolTaskRunner(max_workers=1)
    if kind == "processes":
        return ProcessPoolTaskRunner(max_workers=workers)
    if dask_address:
        return DaskTaskRunner(address=dask_address)
    return DaskTaskRunner(
        cluster_class="distributed.LocalCluster",
        cluster_kwargs={
            "n_workers": workers,
            "threads_per_worker": 1,
            "processes": True,
            # Loopback only and no dashboard: a local cluster needs no open port beyond this machine.
            "host": "127.0.0.1",
            "dashboard_address": None,
            "local_directory": tempfile.gettempdir(),
        },
    )


def parallel_workers(kind: str, workers: int) -> int:
    """How many slices a batch is cut into: one for the in-process runner, which runs them one after another."""
    return 1 if kind == "local" else workers


def split_for_workers(articles: pl.DataFrame, workers: int) -> list[pl.DataFrame]:
    """Contiguous slices of `articles`, at most one per worker and none under MIN_ARTICLES_PER_WORKER rows
    (except a lone slice); concatenated, they are `articles` in its order."""
    parts = max(1, min(workers, articles.height // MIN_ARTICLES_PER_WORKER))
    size = -(-articles.height // parts) if articles.height else 0
    return [articles.slice(start, size) for start in range(0, articles.height, size)] if size else [articles]


@contextmanager
def workers_report_to_this_api() -> Iterator[None]:
    """Within the block, worker processes started from this flow run report to the Prefect API the run reports to.

    A plain run talks to a temporary server Prefect starts for its process, and that server's address is in no
    setting or environment variable a worker inherits. Each process-pool or local Dask worker would then start a
    temporary server of its own (seen: one per worker, ~200 MB each, 10-20 s to start on this machine) and record
    its task runs there, out of the flow run's sight. Where PREFECT_API_URL is set, workers already use it."""
    context = FlowRunContext.get()
    if PREFECT_API_URL.value() or "PREFECT_API_URL" in os.environ or context is None:
        yield
        return
    os.environ["PREFECT_API_URL"] = str(context.client.api_url).rstrip("/")
    try:
        yield
    finally:
        os.environ.pop("PREFECT_API_URL", None)

"""Where the heavy stages run: splitting a batch over workers, choosing a runner, and real runs in worker
processes and on a Dask LocalCluster giving the same warehouse as a run in one process."""

import csv

import polars as pl
import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId, TaskRunFilter, TaskRunFilterName
from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner
from prefect_dask import DaskTaskRunner

from flows.pipeline import GAZETTEER_CHUNK, gazetteer_on_workers
from flows.runners import MIN_ARTICLES_PER_WORKER, TaskRunnerChoiceError, heavy_stage_runner, split_for_workers
from tests.conftest import SEEDS_DIR, SHARED_DIR, run_flow
from tests.test_pipeline import fetch, table_contents

AG_NEWS = SHARED_DIR / "datasets" / "ag_news_test" / "test.csv"

# Enough short AG News articles for one batch to be split over two workers, few enough for a quick NER pass.
SPLIT_CORPUS_ROWS = 2 * MIN_ARTICLES_PER_WORKER + 40


@pytest.mark.parametrize(
    ("rows", "workers", "sizes"),
    [
        (0, 2, [0]),
        (50, 2, [50]),
        (MIN_ARTICLES_PER_WORKER * 2 - 1, 2, [MIN_ARTICLES_PER_WORKER * 2 - 1]),
        (MIN_ARTICLES_PER_WORKER * 2, 2, [MIN_ARTICLES_PER_WORKER, MIN_ARTICLES_PER_WORKER]),
        (501, 2, [251, 250]),
        (501, 4, [126, 126, 126, 123]),
        (501, 1, [501]),
    ],
)
def test_split_for_workers_keeps_slices_large_enough_and_in_order(rows, workers, sizes):
    articles = pl.DataFrame({"article_id": [f"a{number:04d}" for number in range(rows)]}, schema={"article_id": pl.String})
    parts = split_for_workers(articles, workers)
    assert [part.height for part in parts] == sizes
    assert pl.concat(parts)["article_id"].to_list() == articles["article_id"].to_list()


@pytest.mark.parametrize(
    ("kind", "runner_class"),
    [("local", ThreadPoolTaskRunner), ("processes", ProcessPoolTaskRunner), ("dask", DaskTaskRunner)],
)
def test_heavy_stage_runner_builds_the_named_runner(kind, runner_class):
    assert type(heavy_stage_runner(kind, 2, None)) is runner_class


def test_heavy_stage_runner_points_dask_at_an_existing_cluster():
    runner = heavy_stage_runner("dask", 2, "tcp://10.0.0.5:8786")
    assert runner.address == "tcp://10.0.0.5:8786"


@pytest.mark.parametrize(
    ("kind", "workers", "address", "message"),
    [
        ("spark", 2, None, "unknown task runner 'spark': choose one of processes, local, dask"),
        ("processes", 2, "tcp://10.0.0.5:8786", "a Dask scheduler address needs the dask task runner, not 'processes'"),
        ("processes", 0, None, "workers must be at least 1, not 0"),
    ],
)
def test_heavy_stage_runner_rejects_a_wrong_choice_with_a_clear_message(kind, workers, address, message):
    with pytest.raises(TaskRunnerChoiceError) as raised:
        heavy_stage_runner(kind, workers, address)
    assert str(raised.value) == message


@pytest.fixture(scope="module")
def split_corpus(tmp_path_factory):
    if not AG_NEWS.exists():
        pytest.skip(f"AG News is not at {AG_NEWS} (../shared absent)")
    folder = tmp_path_factory.mktemp("split_corpus")
    with AG_NEWS.open(encoding="utf-8", newline="") as source, (folder / "ag_news.csv").open("w", encoding="utf-8", newline="") as target:
        reader, writer = csv.reader(source), csv.writer(target)
        writer.writerow(next(reader))
        writer.writerows(next(reader) for _ in range(SPLIT_CORPUS_ROWS))
    return folder


@pytest.fixture(scope="module")
def one_process_warehouse(prefect_server, split_corpus, tmp_path_factory):
    path = tmp_path_factory.mktemp("local") / "news.duckdb"
    result = run_flow([split_corpus], path, task_runner="local")
    assert result["status"] == "completed"
    return path, result


def task_runs_named(flow_run_id: str, name: str) -> list:
    with get_client(sync_client=True) as client:
        return client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])),
            task_run_filter=TaskRunFilter(name=TaskRunFilterName(like_=name)),
        )


@pytest.mark.slow
@pytest.mark.shared_data
@pytest.mark.parametrize("kind", ["processes", "dask"])
def test_a_batch_split_over_two_workers_gives_the_same_warehouse_as_one_process(kind, split_corpus, one_process_warehouse, tmp_path):
    reference, local = one_process_warehouse
    path = tmp_path / "news.duckdb"
    result = run_flow([split_corpus], path, task_runner=kind, workers=2)
    assert result["status"] == "completed"
    assert result["counts"] == local["counts"]
    assert len(task_runs_named(local["run_id"], "extract_entities")) == 1
    first, second = sorted(task_runs_named(result["run_id"], "extract_entities"), key=lambda run: run.start_time)
    # The two slices are tagged at the same time, not one after the other.
    assert second.start_time < first.end_time
    assert table_contents(path) == table_contents(reference)


@pytest.mark.slow
@pytest.mark.shared_data
def test_a_short_last_batch_goes_to_the_workers_once_they_are_started(split_corpus, one_process_warehouse, tmp_path):
    from flows.models import ner_pipeline

    reference, _ = one_process_warehouse
    path = tmp_path / "news.duckdb"
    ner_pipeline.cache_clear()
    # Batches of 2 x MIN_ARTICLES_PER_WORKER rows: the first needs both workers, the short last one would fit here.
    result = run_flow([split_corpus], path, task_runner="processes", workers=2, batch_size=2 * MIN_ARTICLES_PER_WORKER)
    assert result["status"] == "completed"
    assert result["counts"]["articles_read"] % (2 * MIN_ARTICLES_PER_WORKER) != 0  # there is a short last batch
    # This (the flow's) process never loaded an NER model: every batch was tagged in a worker.
    assert ner_pipeline.cache_info().currsize == 0
    assert table_contents(path) == table_contents(reference)


@pytest.mark.slow
def test_gazetteer_chunks_matched_on_two_workers_give_the_same_warehouse(seeds_warehouse, tmp_path, monkeypatch):
    from flows import pipeline
    from flows.models import sentence_splitter

    reference, local = seeds_warehouse
    # One article per chunk: the seeds' few gazetteer articles (German, Spanish, Portuguese, Swahili, Hausa) make
    # several chunks, which go to the two workers.
    monkeypatch.setattr(pipeline, "GAZETTEER_CHUNK", 1)
    sentence_splitter.cache_clear()
    path = tmp_path / "news.duckdb"
    result = run_flow([SEEDS_DIR], path, task_runner="processes", workers=2)
    assert result["status"] == "completed"
    assert result["counts"] == local["counts"]
    gazetteer_articles = fetch(path, "select count(*) from articles where ner_method = 'gazetteer'")[0][0]
    assert len(task_runs_named(result["run_id"], "match_gazetteer_chunk")) == gazetteer_articles >= 4
    # The chunks ran on the workers: this process split no sentence. (Whether two of them overlap in time depends
    # on how fast the workers start; one-article chunks often do not.)
    assert sentence_splitter.cache_info().currsize == 0
    assert table_contents(path) == table_contents(reference)
    assert fetch(path, "select count(*) from entity_mentions where method = 'gazetteer'")[0][0] > 0


@pytest.mark.parametrize(
    ("articles", "slices", "on_workers"),
    [
        (0, 2, False),
        (GAZETTEER_CHUNK - 1, 2, False),
        (GAZETTEER_CHUNK, 2, True),
        (4 * GAZETTEER_CHUNK, 2, True),
        (4 * GAZETTEER_CHUNK, 1, False),
    ],
)
def test_the_gazetteer_goes_to_the_workers_from_one_full_chunk_and_two_slices(articles, slices, on_workers):
    assert gazetteer_on_workers(articles, slices) is on_workers


@pytest.mark.slow
@pytest.mark.shared_data
def test_workers_of_a_plain_run_report_to_its_temporary_server_instead_of_starting_their_own(split_corpus, tmp_path):
    import os
    import subprocess
    import time

    import psutil

    from flows.settings import PROJECT_ROOT

    # A plain `news-etl run`: no PREFECT_API_URL, so the run starts a temporary Prefect server.
    env = {name: value for name, value in os.environ.items() if name != "PREFECT_API_URL"}
    env.update(PREFECT_HOME=str(tmp_path / "prefect"), PREFECT_LOGGING_LEVEL="WARNING")
    command = [str(PROJECT_ROOT / ".venv" / "bin" / "news-etl"), "run", str(split_corpus), "--warehouse", str(tmp_path / "news.duckdb")]
    run = subprocess.Popen([*command, "--workers", "2"], env=env, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    servers, workers = {}, set()
    try:
        flow_process = psutil.Process(run.pid)
        deadline = time.monotonic() + 300
        while run.poll() is None and time.monotonic() < deadline:
            try:
                for child in flow_process.children(recursive=True):
                    line = " ".join(child.cmdline())
                    if "uvicorn" in line and "prefect.server" in line:
                        servers[child.pid] = child.ppid()
                    elif "spawn_main" in line:
                        workers.add(child.pid)
            except psutil.Error:
                pass  # a process ended while it was looked at
            time.sleep(0.2)
        output = run.communicate(timeout=30)[0].decode()
    finally:
        if run.poll() is None:
            run.kill()
    assert run.returncode == 0, output
    assert len(workers) >= 2  # the batch went to the worker processes
    # One temporary server, the flow's own; none started by a worker.
    assert list(servers.values()) == [run.pid]

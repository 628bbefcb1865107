"""Crashes and concurrent runs with real processes: SIGKILL inside a load transaction, SIGKILL in the middle of a
real `news-etl run`, and two runs started at once on one warehouse."""

import csv
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from flows import warehouse
from flows.settings import PROJECT_ROOT
from tests.conftest import SHARED_DIR, run_flow
from tests.test_ingest import ARTICLES
from tests.test_pipeline import fetch, table_contents

NEWS_ETL = PROJECT_ROOT / ".venv" / "bin" / "news-etl"
AG_NEWS = SHARED_DIR / "datasets" / "ag_news_test" / "test.csv"

# The crash test reads this many AG News rows (English title + short description; the English NER model runs on
# each, quickly, since they are short), split into files so that the manifest is written part-way through the run.
AG_NEWS_ROWS = 3000
AG_NEWS_FILES = 4
CRASH_BATCH_SIZE = 100

pytestmark = pytest.mark.slow


@pytest.fixture
def subprocess_env(prefect_server) -> dict[str, str]:
    """Environment for `news-etl` subprocesses: the test session's Prefect server, so no process starts its own."""
    from prefect.settings import PREFECT_API_URL

    return {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(), "PREFECT_LOGGING_LEVEL": "WARNING", "COLUMNS": "200"}


def start_run(sources: list[Path], path: Path, env: dict, *options: str, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [str(NEWS_ETL), "run", *map(str, sources), "--warehouse", str(path), *options],
        env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, cwd=PROJECT_ROOT, start_new_session=True,
    )  # fmt: skip


def wait_for(predicate, timeout: float, what: str, process: subprocess.Popen | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        if process is not None and process.poll() is not None:
            pytest.fail(f"the run ended (exit {process.returncode}) before {what}")
        time.sleep(0.2)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")


def peek(path: Path, sql: str):
    """Read the warehouse between the writer's tasks; None while the writer has it open."""
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            return con.execute(sql).fetchone()[0]
    except duckdb.Error:
        return None


def test_a_load_killed_inside_its_transaction_leaves_the_warehouse_as_it_was(tmp_path):
    path = tmp_path / "news.duckdb"
    marker = tmp_path / "inside_transaction"
    script = tmp_path / "load_and_hang.py"
    script.write_text(textwrap.dedent(f"""
        import time
        from flows import warehouse
        from tests.test_warehouse import empty_batch

        execute = warehouse._execute

        def execute_then_hang(con, sql, params=None):
            result = execute(con, sql, params)
            if "into input_files" in sql:  # articles, children and the manifest written, not committed
                open({str(marker)!r}, "w").close()
                time.sleep(120)
            return result

        warehouse._execute = execute_then_hang
        warehouse.load_batch({str(path)!r}, "r1", "test", empty_batch())
    """))  # fmt: skip
    with warehouse.connect(path):
        pass  # migrated and empty
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    process = subprocess.Popen([sys.executable, str(script)], cwd=PROJECT_ROOT, env=env, start_new_session=True)
    try:
        wait_for(marker.exists, 60, "the load to be inside its transaction", process)
        os.killpg(process.pid, signal.SIGKILL)
    finally:
        process.wait(30)
    counts = "select (select count(*) from articles), (select count(*) from removed_lines), (select count(*) from entity_mentions), (select count(*) from input_files), (select count(*) from article_sources)"
    assert fetch(path, counts) == [(0, 0, 0, 0, 0)]
    # and the warehouse is usable: the same batch loads in full
    from tests.test_warehouse import empty_batch

    assert warehouse.load_batch(str(path), "r2", "test", empty_batch()) == 1
    assert fetch(path, counts) == [(1, 1, 1, 1, 1)]


@pytest.mark.shared_data
@pytest.mark.skipif(not AG_NEWS.exists(), reason=f"AG News is not at {AG_NEWS} (../shared absent)")
def test_a_run_killed_mid_load_resumes_to_the_same_warehouse_as_an_uninterrupted_run(subprocess_env, tmp_path):
    corpus = tmp_path / "ag_news"
    corpus.mkdir()
    with AG_NEWS.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = [next(reader) for _ in range(AG_NEWS_ROWS)]
    per_file = AG_NEWS_ROWS // AG_NEWS_FILES
    for number in range(AG_NEWS_FILES):
        with (corpus / f"part_{number}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows[number * per_file : (number + 1) * per_file])

    reference = tmp_path / "reference.duckdb"
    uninterrupted = run_flow([corpus], reference, batch_size=per_file)
    assert uninterrupted["status"] == "completed"
    total = uninterrupted["counts"]["articles_loaded"]
    assert total > AG_NEWS_ROWS - 10  # AG News repeats a few items

    path = tmp_path / "news.duckdb"
    # The run lets readers in every second instead of every 30: the first batch is seen, and the run killed, long
    # before its last batch however fast the machine runs it.
    crashed_env = {**subprocess_env, "NEWS_ETL_HOLD_SECONDS": "1"}
    crashed = start_run([corpus], path, crashed_env, "--batch-size", str(CRASH_BATCH_SIZE), log=tmp_path / "crashed.log")
    try:
        loaded_before_kill = wait_for(
            lambda: (peek(path, "select count(*) from articles") or 0) >= CRASH_BATCH_SIZE and peek(path, "select count(*) from articles"),
            150, "the first batch to be committed", crashed,
        )  # fmt: skip
        os.killpg(crashed.pid, signal.SIGKILL)
    finally:
        crashed.wait(30)
    assert crashed.returncode == -signal.SIGKILL
    # What the killed run left: whole batches only, consistent, its files' manifest rows only with all their articles.
    loaded = fetch(path, "select count(*) from articles")[0][0]
    assert loaded_before_kill <= loaded < total
    # Entities are derived from all mentions at the end of a run, so until the next run finishes they lag behind
    # the mentions the killed run loaded; every other check holds.
    checks = warehouse.run_checks(str(path))
    assert checks.pop("assert_entities_complete") > 0
    assert set(checks.values()) == {0}
    assert fetch(path, "select status from runs") == [("running",)]
    finished_files = [uri for (uri,) in fetch(path, "select source_uri from input_files")]
    for uri in finished_files:
        expected = fetch(reference, "select count(*) from article_sources where input_uri = ?", [uri])
        assert fetch(path, "select count(*) from article_sources where input_uri = ?", [uri]) == expected

    resumed = subprocess.run(
        [str(NEWS_ETL), "run", str(corpus), "--warehouse", str(path), "--batch-size", str(CRASH_BATCH_SIZE)],
        env=subprocess_env, capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=300,
    )  # fmt: skip
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    # Each article exactly once, nothing missing: the same tables as the uninterrupted run.
    assert table_contents(path) == table_contents(reference)
    sources = "select source_uri, input_uri, input_hash, article_id from article_sources order by all"
    assert fetch(path, sources) == fetch(reference, sources)
    runs = fetch(path, "select status, articles_loaded, articles_language_detected from runs order by started_at")
    assert [status for status, _, _ in runs] == ["interrupted", "completed"]
    assert set(warehouse.run_checks(str(path)).values()) == {0}
    # the resumed run did language and NER work only for what the killed run had not loaded
    assert runs[1][1:] == (total - loaded, total - loaded)


def test_two_runs_at_once_wait_for_each_other_or_stop_with_a_clear_message(subprocess_env, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in ARTICLES.items():
        (corpus / f"{name}.txt").write_text(text, encoding="utf-8")
    path = tmp_path / "news.duckdb"
    with warehouse.connect(path):
        pass
    # A reader with the warehouse open keeps the first run waiting after it has taken the run lock, so the other
    # two runs start while it still holds it however fast the machine is (a small corpus is loaded in seconds).
    reader = duckdb.connect(str(path), read_only=True)
    patient_env = {**subprocess_env, "NEWS_ETL_LOCK_WAIT_SECONDS": "600"}
    first = start_run([corpus], path, patient_env, log=tmp_path / "first.log")
    lock_file = Path(f"{path}{warehouse.RUN_LOCK_SUFFIX}")
    try:
        wait_for(lambda: lock_file.exists() and f"pid {first.pid}," in lock_file.read_text(), 120, "the first run to take the run lock", first)
        impatient = start_run([corpus], path, {**subprocess_env, "NEWS_ETL_LOCK_WAIT_SECONDS": "1"}, log=tmp_path / "impatient.log")
        patient = start_run([corpus], path, patient_env, log=tmp_path / "patient.log")
        assert impatient.wait(120) == 1
        assert first.poll() is None, "the first run ended while the reader held the warehouse"
        reader.close()
        assert first.wait(180) == 0, (tmp_path / "first.log").read_text()
        assert patient.wait(180) == 0, (tmp_path / "patient.log").read_text()
    finally:
        reader.close()
        for process in (first, locals().get("impatient"), locals().get("patient")):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
    message = " ".join((tmp_path / "impatient.log").read_text().split())
    assert f"is being loaded by another run (pid {first.pid}," in message and "waited 1 s" in message
    runs = fetch(path, "select status, articles_loaded, inputs_unchanged, started_at, finished_at from runs order by started_at")
    # The impatient run touched nothing; the patient one started after the first had finished and found no work.
    count = len(ARTICLES)
    assert [(status, loaded, unchanged) for status, loaded, unchanged, _, _ in runs] == [("completed", count, 0), ("completed", 0, count)]
    assert runs[1][3] >= runs[0][4]
    assert set(warehouse.run_checks(str(path)).values()) == {0}
    assert fetch(path, "select count(*), count(distinct article_id) from articles") == [(count, count)]

import shutil

import pytest
from typer.testing import CliRunner

from flows import warehouse
from flows.cli import app
from tests.conftest import SEEDS_DIR

runner = CliRunner()


@pytest.mark.parametrize(
    "command", [[], ["run"], ["query"], ["checks"], ["serve"], ["evaluate"], ["evaluate", "ner"], ["evaluate", "canonical"]]
)
def test_every_command_has_help(command):
    result = runner.invoke(app, [*command, "--help"], prog_name="news-etl")
    assert result.exit_code == 0
    assert "Usage: news-etl" in result.output


def test_run_prints_a_summary(prefect_server, tmp_path):
    warehouse_path = tmp_path / "news.duckdb"
    result = runner.invoke(app, ["run", str(SEEDS_DIR / "en_02_climate_summit.txt"), "--warehouse", str(warehouse_path)], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    for heading in ("articles_loaded", "Lines removed, by reason", "Languages", "Top entities in the warehouse", "Rejected inputs"):
        assert heading in result.output
    assert "photo_credit" in result.output and "António Guterres" in result.output
    assert f"completed: warehouse {warehouse_path}" in result.output


def test_a_run_out_of_duckdb_memory_says_which_setting_to_raise(prefect_server, tmp_path, monkeypatch):
    monkeypatch.setattr(warehouse, "DUCKDB_MEMORY_LIMIT", "1MB")
    result = runner.invoke(app, ["run", str(SEEDS_DIR / "en_02_climate_summit.txt"), "--warehouse", str(tmp_path / "w.duckdb")], env={"COLUMNS": "250"})
    assert result.exit_code == 1
    assert "error: run failed: TransactionException: TransactionContext Error: Failed to commit: could not allocate" in result.output
    assert "DuckDB ran out of the memory news-etl gives it (NEWS_ETL_DUCKDB_MEMORY_LIMIT, now 1MB). Set it higher and run again: the batches" in result.output


def test_a_query_out_of_duckdb_memory_says_which_setting_to_raise(seeds_warehouse, monkeypatch):
    monkeypatch.setattr(warehouse, "DUCKDB_MEMORY_LIMIT", "2MB")
    result = runner.invoke(app, ["query", "select count(distinct range::varchar) from range(3000000)", "--warehouse", str(seeds_warehouse[0])], env={"COLUMNS": "250"})
    assert result.exit_code == 2
    assert "OutOfMemoryException: Out of Memory Error" in result.output
    assert "DuckDB ran out of the memory news-etl gives it (NEWS_ETL_DUCKDB_MEMORY_LIMIT, now 2MB). Set it higher and query again." in result.output


def test_run_with_a_missing_source_exits_2_with_a_message(tmp_path):
    result = runner.invoke(app, ["run", str(tmp_path / "nowhere"), "--warehouse", str(tmp_path / "w.duckdb")])
    assert result.exit_code == 2
    assert "source not found" in result.output
    assert not (tmp_path / "w.duckdb").exists()


def test_run_with_a_dask_address_but_no_dask_runner_exits_2_with_a_message(tmp_path):
    result = runner.invoke(app, ["run", "--dask-address", "tcp://10.0.0.5:8786", "--warehouse", str(tmp_path / "w.duckdb")])
    assert result.exit_code == 2
    assert "a Dask scheduler address needs the dask task runner, not 'processes'" in result.output
    assert not (tmp_path / "w.duckdb").exists()


def test_query_lists_named_queries_and_views():
    result = runner.invoke(app, ["query"])
    assert result.exit_code == 0
    for name in ("top_entities", "run_languages", "entity_cooccurrence", "articles_per_language"):
        assert name in result.output


def test_query_named_view_and_adhoc_sql(seeds_warehouse):
    path = str(seeds_warehouse[0])
    named = runner.invoke(app, ["query", "top_entities", "--warehouse", path], env={"COLUMNS": "250"})
    assert named.exit_code == 0 and "Benjamin Netanyahu" in named.output
    view = runner.invoke(app, ["query", "articles_per_language", "--warehouse", path], env={"COLUMNS": "250"})
    assert view.exit_code == 0 and "article_count" in view.output
    adhoc = runner.invoke(app, ["query", "select count(*) as n from articles", "--warehouse", path])
    assert adhoc.exit_code == 0 and "12" in adhoc.output
    # A statement longer than a file name may be is still a statement, not a missing view.
    long_sql = "select count(*) as n from articles where " + " or ".join(f"language = 'l{number}'" for number in range(40)) + " or true"
    long = runner.invoke(app, ["query", long_sql, "--warehouse", path])
    assert long.exit_code == 0 and "12" in long.output
    # run_id defaults to the latest run
    by_run = runner.invoke(app, ["query", "run_removed_lines_by_reason", "--warehouse", path])
    assert by_run.exit_code == 0 and "related_headline" in by_run.output


def test_query_cannot_write_and_says_why(seeds_warehouse):
    result = runner.invoke(app, ["query", "delete from articles", "--warehouse", str(seeds_warehouse[0])])
    assert result.exit_code == 2
    assert "read-only" in result.output


def test_query_on_a_missing_warehouse(tmp_path):
    result = runner.invoke(app, ["query", "top_entities", "--warehouse", str(tmp_path / "missing.duckdb")])
    assert result.exit_code == 2
    assert "no warehouse at" in result.output


def test_checks_command(seeds_warehouse):
    result = runner.invoke(app, ["checks", "--warehouse", str(seeds_warehouse[0])])
    assert result.exit_code == 0
    assert "assert_mention_offsets_match_body" in result.output


def test_checks_out_of_duckdb_memory_say_which_setting_to_raise(seeds_warehouse, tmp_path, monkeypatch):
    # A copy: the checks open the warehouse for writing, and the session's warehouse is shared with other tests.
    path = tmp_path / "w.duckdb"
    shutil.copyfile(seeds_warehouse[0], path)
    monkeypatch.setattr(warehouse, "DUCKDB_MEMORY_LIMIT", "1MB")
    result = runner.invoke(app, ["checks", "--warehouse", str(path)], env={"COLUMNS": "250"})
    assert result.exit_code == 2
    assert "Set it higher and run the checks again." in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", [["evaluate"], ["evaluate", "boilerplate"], ["evaluate", "language"]])
def test_evaluate_commands_have_help(command):
    result = runner.invoke(app, [*command, "--help"], prog_name="news-etl")
    assert result.exit_code == 0
    assert "Usage: news-etl evaluate" in result.output

"""Schedules: the deployment `news-etl serve` registers, checked offline, and one real scheduled run."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import httpx
import pytest

from flows import deployments
from tests.conftest import SEEDS_DIR


def test_default_schedule_is_hourly_cron():
    deployment = deployments.build_deployment(sources=["/data/news"], warehouse_path="/data/news.duckdb")
    assert [schedule.schedule.cron for schedule in deployment.schedules] == ["0 * * * *"]
    assert deployment.parameters == {"sources": ["/data/news"], "warehouse_path": "/data/news.duckdb"}
    assert deployment.name == "news-etl-scheduled"


def test_custom_cron_and_interval():
    assert deployments.build_deployment(cron="*/15 6-22 * * *").schedules[0].schedule.cron == "*/15 6-22 * * *"
    interval = deployments.build_deployment(interval_seconds=300).schedules[0].schedule.interval
    assert interval.total_seconds() == 300


def test_cron_and_interval_together_are_refused():
    with pytest.raises(ValueError, match="not both"):
        deployments.build_deployment(cron="0 * * * *", interval_seconds=60)


def test_serving_without_a_server_says_how_to_start_one(monkeypatch):
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: None}):
        with pytest.raises(deployments.NoPrefectServer, match="prefect server start"):
            deployments.require_server()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(predicate, timeout: float, what: str, processes: list[subprocess.Popen]):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                raise AssertionError(f"{process.args[:3]} exited with {process.returncode} while waiting for {what}")
        result = predicate()
        if result:
            return result
        time.sleep(2)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)


@pytest.mark.slow
@pytest.mark.timeout(420)
def test_scheduled_run_on_a_real_prefect_server(tmp_path):
    """`prefect server start` on loopback, `news-etl serve --interval 10`, and a scheduled run loading seeds."""
    port = _free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS_DIR, corpus)
    warehouse_path = tmp_path / "news.duckdb"
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
        "PREFECT_API_URL": api_url,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_LOGGING_LEVEL": "INFO",
    }
    bin_dir = Path(sys.executable).parent
    logs = {name: (tmp_path / f"{name}.log").open("w") for name in ("server", "serve")}
    server = subprocess.Popen(
        [str(bin_dir / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=logs["server"], stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    processes = [server]
    try:
        def healthy():
            try:
                return httpx.get(f"{api_url}/health", timeout=5).status_code == 200
            except httpx.HTTPError:
                return False

        _wait_for(healthy, 180, "the Prefect server to answer", processes)
        serve = subprocess.Popen(
            [str(bin_dir / "news-etl"), "serve", str(corpus), "--warehouse", str(warehouse_path), "--interval", "10", "--name", "test-schedule"],
            env=env, stdout=logs["serve"], stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        processes.append(serve)

        def completed_scheduled_run():
            response = httpx.post(
                f"{api_url}/flow_runs/filter",
                json={"flow_runs": {"state": {"type": {"any_": ["COMPLETED"]}}}, "limit": 5},
                timeout=10,
            )
            runs = [run for run in response.json() if run.get("deployment_id")]
            return runs[0] if runs else None

        flow_run = _wait_for(completed_scheduled_run, 200, "a scheduled flow run to complete", processes)
        assert flow_run["auto_scheduled"] is True
        _stop(serve)
        with duckdb.connect(str(warehouse_path), read_only=True) as con:
            assert con.execute("select count(*) from articles").fetchone() == (12,)
            statuses = {row[0] for row in con.execute("select status from runs").fetchall()}
        assert "completed" in statuses
    finally:
        for process in reversed(processes):
            _stop(process)
        for log in logs.values():
            log.close()

import subprocess
import sys
from pathlib import Path

import pytest

from flows.settings import SettingError, memory_from_env, number_from_env

NEWS_ETL = Path(sys.executable).parent / "news-etl"
ROOT = Path(__file__).resolve().parents[1]


def test_an_unset_number_is_its_default_and_a_set_one_is_read(monkeypatch):
    monkeypatch.delenv("NEWS_ETL_TEST_NUMBER", raising=False)
    assert number_from_env("NEWS_ETL_TEST_NUMBER", 30.0, minimum=0) == 30.0
    monkeypatch.setenv("NEWS_ETL_TEST_NUMBER", "1.5")
    assert number_from_env("NEWS_ETL_TEST_NUMBER", 30.0, minimum=0) == 1.5
    monkeypatch.setenv("NEWS_ETL_TEST_NUMBER", "0")
    assert number_from_env("NEWS_ETL_TEST_NUMBER", 30.0, minimum=0) == 0.0
    monkeypatch.setenv("NEWS_ETL_TEST_NUMBER", " 4 ")
    assert number_from_env("NEWS_ETL_TEST_NUMBER", 1, minimum=1, whole=True) == 4


@pytest.mark.parametrize(
    ("text", "whole", "message"),
    [
        ("abc", False, "NEWS_ETL_TEST_NUMBER must be a number of at least 0; it is 'abc'"),
        ("", False, "NEWS_ETL_TEST_NUMBER must be a number of at least 0; it is ''"),
        ("-3", False, "NEWS_ETL_TEST_NUMBER must be a number of at least 0; it is '-3'"),
        ("nan", False, "NEWS_ETL_TEST_NUMBER must be a number of at least 0; it is 'nan'"),
        ("inf", False, "NEWS_ETL_TEST_NUMBER must be a number of at least 0; it is 'inf'"),
        ("0", True, "NEWS_ETL_TEST_NUMBER must be a whole number of at least 1; it is '0'"),
        ("2.5", True, "NEWS_ETL_TEST_NUMBER must be a whole number of at least 1; it is '2.5'"),
    ],
)
def test_a_number_that_cannot_be_used_is_refused_with_its_name_and_value(monkeypatch, text, whole, message):
    monkeypatch.setenv("NEWS_ETL_TEST_NUMBER", text)
    minimum = 1 if whole else 0
    with pytest.raises(SettingError) as error:
        number_from_env("NEWS_ETL_TEST_NUMBER", minimum, minimum=minimum, whole=whole)
    assert str(error.value) == message


@pytest.mark.parametrize(
    ("text", "expected"), [(None, "128MB"), ("1GB", "1GB"), ("1.5 gib", "1.5 gib"), ("500MiB", "500MiB")]
)
def test_a_memory_amount_is_read_as_written(monkeypatch, text, expected):
    if text is None:
        monkeypatch.delenv("NEWS_ETL_TEST_MEMORY", raising=False)
    else:
        monkeypatch.setenv("NEWS_ETL_TEST_MEMORY", text)
    assert memory_from_env("NEWS_ETL_TEST_MEMORY", "128MB") == expected


@pytest.mark.parametrize("text", ["lots", "128", "-1GB", "80%", "1 GBs"])
def test_a_memory_amount_duckdb_would_misread_or_refuse_is_refused(monkeypatch, text):
    monkeypatch.setenv("NEWS_ETL_TEST_MEMORY", text)
    with pytest.raises(SettingError) as error:
        memory_from_env("NEWS_ETL_TEST_MEMORY", "128MB")
    assert str(error.value) == (
        "NEWS_ETL_TEST_MEMORY must be an amount of memory such as 128MB or 1GiB (units KB, MB, GB, TB, KiB, MiB, GiB, "
        f"TiB); it is {text!r}"
    )


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("NEWS_ETL_DUCKDB_THREADS", "two", "NEWS_ETL_DUCKDB_THREADS must be a whole number of at least 1; it is 'two'"),
        ("NEWS_ETL_HOLD_SECONDS", "-1", "NEWS_ETL_HOLD_SECONDS must be a number of at least 0; it is '-1'"),
        ("NEWS_ETL_LOCK_WAIT_SECONDS", "2m", "NEWS_ETL_LOCK_WAIT_SECONDS must be a number of at least 0; it is '2m'"),
        (
            "NEWS_ETL_DUCKDB_MEMORY_LIMIT",
            "128",
            "NEWS_ETL_DUCKDB_MEMORY_LIMIT must be an amount of memory such as 128MB or 1GiB "
            "(units KB, MB, GB, TB, KiB, MiB, GiB, TiB); it is '128'",
        ),
    ],
)
def test_the_command_stops_on_a_bad_setting_with_one_line_and_exit_code_2(tmp_path, name, text, message):
    warehouse_path = tmp_path / "news.duckdb"
    result = subprocess.run(
        [str(NEWS_ETL), "run", "--warehouse", str(warehouse_path)],
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), name: text},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert (result.returncode, result.stdout, result.stderr) == (2, "", f"error: {message}\n")
    assert not warehouse_path.exists()


@pytest.mark.parametrize("module", ["flows", "flows.cli"])
def test_python_dash_m_is_the_command_and_stops_on_a_bad_setting_the_same_way(tmp_path, module):
    warehouse_path = tmp_path / "news.duckdb"
    result = subprocess.run(
        [sys.executable, "-m", module, "run", "--warehouse", str(warehouse_path)],
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "NEWS_ETL_DUCKDB_THREADS": "two"},
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    message = "NEWS_ETL_DUCKDB_THREADS must be a whole number of at least 1; it is 'two'"
    assert (result.returncode, result.stdout, result.stderr) == (2, "", f"error: {message}\n")
    assert not warehouse_path.exists()

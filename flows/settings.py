"""Paths and defaults that work on a laptop with nothing configured; each can be overridden."""

import math
import os
import re
from importlib.metadata import version
from pathlib import Path
from typing import Literal, overload


class SettingError(ValueError):
    """A NEWS_ETL_* variable holds a value the project cannot use; the message names the variable and the value."""


@overload
def number_from_env(name: str, default: int, *, minimum: float, whole: Literal[True]) -> int: ...


@overload
def number_from_env(name: str, default: float, *, minimum: float, whole: Literal[False] = False) -> float: ...


def number_from_env(name: str, default: float, *, minimum: float, whole: bool = False) -> float:
    """The number in environment variable `name`, or `default` when it is unset; a bad value raises SettingError.
    `whole` numbers are ints (DuckDB's thread count must be one), the others floats."""
    text = os.environ.get(name)
    if text is None:
        return default
    try:
        value = int(text) if whole else float(text)
    except ValueError:
        value = None
    # float() also reads "nan" and "inf", which no setting here means.
    if value is None or not math.isfinite(value) or value < minimum:
        kind = "a whole number" if whole else "a number"
        raise SettingError(f"{name} must be {kind} of at least {minimum:g}; it is {text!r}")
    return value


# DuckDB's memory units; it reads a bare number as an error and "-1GB" as no limit, so both are refused here.
MEMORY_AMOUNT = re.compile(r"\s*\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*", re.IGNORECASE)


def memory_from_env(name: str, default: str) -> str:
    """An amount of memory for DuckDB from environment variable `name`, such as 128MB or 1GiB."""
    text = os.environ.get(name)
    if text is None:
        return default
    if not MEMORY_AMOUNT.fullmatch(text):
        raise SettingError(
            f"{name} must be an amount of memory such as 128MB or 1GiB (units KB, MB, GB, TB, KiB, MiB, GiB, TiB); "
            f"it is {text!r}"
        )
    return text


PROJECT_ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = PROJECT_ROOT / "sql"

# `news-etl run` with no arguments reads the embedded seed articles into the project's warehouse.
DEFAULT_SOURCES = (str(PROJECT_ROOT / "seeds"),)
DEFAULT_WAREHOUSE = os.environ.get("NEWS_ETL_WAREHOUSE", str(PROJECT_ROOT / "warehouse" / "news.duckdb"))

# Articles per batch: one batch is read, cleaned, tagged and loaded in one transaction. Every batch pays a fixed cost:
# polars plans the cleaning expressions and compiles their regexes again (its regex cache holds 32 per thread, the
# rules use ~150; most only in a cheaper loosened form), 0.20-0.21 CPU s whatever the batch size on a slow day of the
# machine (about 0.4 that day at commit d85321b, before the loosened patterns and the shared columns), and Prefect
# records ~10 task runs. On MasakhaNEWS (20k articles) batches of 2,000 instead of 500 took the flow's process from
# 47.8 to 28.6 CPU s, Prefect's server from 19.6 to 6.9 and the run from 197 to 165 s, with the same peak memory (776
# against 759 MiB): a batch is ~6 MB of text. Larger batches save more CPU but cost time and memory: 5,000 and 10,000
# took the run from 115 to 147 and 136 s (cores busy 94 % against 76 % at 10,000: the next batch waits for both slices
# of a batch, and a large slice can hold most of the English articles) and the flow's peak from 813 to 991 and 1,159
# MiB.
DEFAULT_BATCH_SIZE = 2000

# Worker processes for language detection and NER: both cores of a 2-core machine. They are CPU-bound Python,
# so threads would share one core.
DEFAULT_WORKERS = os.cpu_count() or 1

PIPELINE_VERSION = version("news-etl")

# Prefect offline and quiet: no telemetry, a project-local home (its SQLite database and logs stay out of the
# user's home), and a startup timeout for the temporary API server that survives a busy 2-core machine, where
# the default 20 s was seen to run out.
PREFECT_DEFAULTS = {
    "PREFECT_HOME": str(PROJECT_ROOT / ".prefect"),
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "PREFECT_UI_ENABLED": "false",
}


def apply_prefect_defaults() -> None:
    for name, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(name, value)

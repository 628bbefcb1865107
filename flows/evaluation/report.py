"""What the evaluation commands share: where the research datasets are, and how their tables print."""

import os
from pathlib import Path

import polars as pl
from rich.console import Console
from rich.table import Table

from flows.settings import PROJECT_ROOT

# ../shared beside the checkout, as on every developer's machine and in CI; NEWS_ETL_SHARED points elsewhere.
SHARED_DIR = Path(os.environ.get("NEWS_ETL_SHARED", PROJECT_ROOT.parent / "shared"))
DATASETS_DIR = SHARED_DIR / "datasets"


def fmt(value: object, decimals: int = 3) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{decimals}f}"
    return str(value)


def print_table(console: Console, title: str, frame: pl.DataFrame, decimals: int = 3) -> None:
    """`frame` as a rich table: text columns to the left, numbers to the right, floats to `decimals` places."""
    table = Table(title=title, title_justify="left")
    for column in frame.columns:
        table.add_column(column, justify="left" if frame.schema[column] == pl.String else "right")
    for row in frame.iter_rows():
        table.add_row(*(fmt(value, decimals) for value in row))
    console.print(table)


def clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"

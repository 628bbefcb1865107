"""Orchestration: Prefect flows and tasks, input discovery, the warehouse, the command line.

Prefect reads its settings when it is first imported, so the offline, quiet defaults are applied here, before
any module of this package imports it. A variable the user has already set always wins.
"""

import sys

from flows.settings import SettingError, apply_prefect_defaults

apply_prefect_defaults()


def main() -> None:
    """The `news-etl` command.

    The NEWS_ETL_* settings are read when their modules are imported, so the command line is imported here: a value
    that cannot be used stops the command with one line naming it, not a traceback.
    """
    try:
        from flows.cli import app
    except SettingError as error:
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    app()

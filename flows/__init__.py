"""Orchestration: Prefect flows and tasks, input discovery, the warehouse, the command line.

Prefect reads its settings when it is first imported, so the offline, quiet defaults are applied here, before
any module of this package imports it. A variable the user has already set always wins.
"""

from flows.settings import apply_prefect_defaults

apply_prefect_defaults()

"""An optional progress callback for long runs: the CLI sets one, library and scheduled runs leave it unset."""

from collections.abc import Callable
from contextvars import ContextVar

_reporter: ContextVar[Callable[[int, int], None] | None] = ContextVar("news_etl_progress", default=None)


def set_reporter(reporter: Callable[[int, int], None] | None) -> None:
    """`reporter(done, total)` is called with the inputs handled so far after every batch."""
    _reporter.set(reporter)


def report(done: int, total: int) -> None:
    reporter = _reporter.get()
    if reporter is not None:
        reporter(done, total)

"""Handing freed memory back to the operating system between the flow's steps.

glibc keeps the heap pages a process frees for its next allocations; a run that allocates and frees a batch's
frames, query results and strings over and over keeps the largest such set resident for the rest of the run, and
the end-of-run passes add theirs on top. `malloc_trim(0)` returns those free pages. It costs milliseconds, so
the flow calls it after every batch and every end-of-run step."""

import ctypes
import ctypes.util
from functools import cache


@cache
def _malloc_trim():
    """glibc's malloc_trim, or None on a C library without it (musl, macOS): there, nothing is done."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        return ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return None


def release_freed_memory() -> None:
    trim = _malloc_trim()
    if trim is not None:
        trim(0)

"""Handing memory a run no longer uses back to the operating system between the flow's steps.

Two things keep it:
* Reference cycles. Objects of a batch that end up in a cycle (Prefect's futures and states, the closures that
  wait on them) are freed only by a full garbage collection, and the interpreter runs those rarely once a process
  holds many objects. On a 60k-article run glibc's in-use heap grew by about 1 MB a batch; one collection at the
  end of the run freed 108 MB of it. A full collection over everything the process holds (the libraries, the
  language tables) takes 120-400 ms, so `collecting_per_step` freezes what exists when a run starts (frozen objects
  are left out of collections; `gc.freeze`) and a collection after each step then takes a few milliseconds.
  Before freezing it collects the young generations only: a run's own garbage is collected by its steps, and at
  the start of a run the oldest generation held 0-26 unreachable objects (five runs in one process: three on an
  empty folder, then two on the seeds), not worth the 0.23-0.35 CPU s a full collection of 390,000-500,000
  objects took. What it holds is frozen for the run and collectable again after it.
* glibc's free pages. glibc keeps the heap pages a process frees for its next allocations; a run that allocates
  and frees a batch's frames, query results and strings over and over keeps the largest such set resident for the
  rest of the run, and the end-of-run passes add theirs on top. `malloc_trim(0)` returns those free pages. It
  costs milliseconds.
The flow calls `release_freed_memory` after every batch and every end-of-run step."""

import ctypes
import ctypes.util
import gc
from collections.abc import Iterator
from contextlib import contextmanager
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


# `gc.collect(1)` collects generations 0 and 1: objects that have not yet lived through two collections.
YOUNG_GENERATIONS = 1


@contextmanager
def collecting_per_step() -> Iterator[None]:
    """Within the block, collections leave out the objects that existed when it began (see the module's note)."""
    gc.collect(YOUNG_GENERATIONS)
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def release_freed_memory() -> None:
    gc.collect()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)

"""Where the flow's process keeps its memory during a run: `news-etl run` with a sampling thread beside it.

Every EVERY seconds one JSON line goes to LOG: seconds since the start; resident MiB by kind of mapping
(/proc/self/smaps: glibc's main heap, files, other anonymous memory); glibc's own account (`mallinfo2`: the
arenas' total, what is in use and what is free in them, large blocks it maps directly); Python's allocated
blocks; and DuckDB's memory by tag (`duckdb_memory()`) on the connection the run holds, when it holds one.
The README's attribution of the batch loop's memory ("At 200k articles") was read from these lines.

    .venv/bin/python benchmarks/memory_sampler.py --log /tmp/mem.jsonl -- /tmp/corpus --warehouse /tmp/w.duckdb

Everything after `--` is passed to `news-etl run`. Not part of `make test`."""

import argparse
import ctypes
import json
import sys
import threading
import time
from functools import cache
from typing import Any, TextIO

from flows import warehouse
from flows.cli import app

SMAPS = "/proc/self/smaps"


class _MallInfo2(ctypes.Structure):
    # glibc's struct mallinfo2 (glibc 2.33 and later), field for field.
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost",
        )
    ]  # fmt: skip


@cache
def _mallinfo2():
    """glibc's mallinfo2, looked up once rather than at every sample."""
    function = ctypes.CDLL("libc.so.6").mallinfo2
    function.restype = _MallInfo2
    return function


def _mallinfo() -> dict[str, int]:
    info = _mallinfo2()()
    return {
        "glibc_arena_mib": info.arena >> 20,
        "glibc_in_use_mib": info.uordblks >> 20,
        "glibc_free_mib": info.fordblks >> 20,
        "glibc_mapped_mib": info.hblkhd >> 20,
    }


def resident_by_mapping() -> dict[str, int]:
    """Resident MiB of this process: all, glibc's main heap, file mappings, and the other (anonymous) mappings."""
    kib = {"rss_mib": 0, "heap_mib": 0, "file_mib": 0, "anonymous_mib": 0}
    mapping = ""
    with open(SMAPS, encoding="ascii", errors="replace") as smaps:
        for line in smaps:
            fields = line.split()
            if not fields[0].endswith(":"):  # a mapping's header line: address range, ..., and its name if any
                mapping = fields[5] if len(fields) > 5 else ""
            elif fields[0] == "Rss:":
                size = int(fields[1])
                kib["rss_mib"] += size
                kind = "heap_mib" if mapping == "[heap]" else "file_mib" if mapping.startswith("/") else "anonymous_mib"
                kib[kind] += size
    return {name: size // 1024 for name, size in kib.items()}


def duckdb_memory() -> dict[str, int]:
    """MiB by tag that DuckDB reports for the warehouse connection this process holds; empty when it holds none."""
    # A diagnostic may look at the held connection; the flow itself goes through `warehouse.connect`.
    for held in list(warehouse._held.values()):
        if held.con is not None:
            cursor = held.con.cursor()
            try:
                query = "select tag, memory_usage_bytes from duckdb_memory() where memory_usage_bytes > 0"
                rows = cursor.execute(query).fetchall()
            finally:
                cursor.close()
            return {tag: size >> 20 for tag, size in rows}
    return {}


def sample_forever(log: TextIO, every: float) -> None:
    start = time.monotonic()
    while True:
        row: dict[str, Any] = {"seconds": round(time.monotonic() - start), **resident_by_mapping(), **_mallinfo()}
        row["python_blocks"] = sys.getallocatedblocks()
        try:
            row["duckdb_mib"] = duckdb_memory()
        except Exception as error:  # the connection closed between the look and the query: the next sample reads it
            row["duckdb_error"] = str(error)[:200]
        log.write(json.dumps(row) + "\n")
        time.sleep(every)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], epilog="Arguments after -- go to `news-etl run`."
    )
    parser.add_argument("--log", required=True, help="file to write one JSON line per sample to")
    parser.add_argument("--every", type=float, default=10.0, help="seconds between samples (default 10)")
    split = argv.index("--") if "--" in argv else len(argv)
    options = parser.parse_args(argv[:split])
    with open(options.log, "w", encoding="utf-8", buffering=1) as log:
        threading.Thread(target=sample_forever, args=(log, options.every), daemon=True).start()
        sys.argv = ["news-etl", "run", *argv[split + 1 :]]
        app()


if __name__ == "__main__":
    main(sys.argv[1:])

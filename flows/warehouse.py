"""The one module that opens the DuckDB warehouse: migrations, batch loads, checks and read-only queries."""

import fcntl
import hashlib
import os
import re
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from flows.settings import SQL_DIR, memory_from_env, number_from_env

MIGRATIONS_DIR = SQL_DIR / "migrations"
VIEWS_DIR = SQL_DIR / "views"
LOAD_DIR = SQL_DIR / "load"
CHECKS_DIR = SQL_DIR / "checks"
QUERIES_DIR = SQL_DIR / "queries"
GAZETTEER_DIR = SQL_DIR / "gazetteer"
LINKS_DIR = SQL_DIR / "links"
REPETITION_DIR = SQL_DIR / "repetition"

# DuckDB lets one process write a file at a time. Another run holding it is usually between two short
# transactions, so a writer waits this long for the lock before giving up with a clear message. The same wait
# applies to the run lock: a second run on the same warehouse waits this long for the first to finish.
LOCK_WAIT_SECONDS = number_from_env("NEWS_ETL_LOCK_WAIT_SECONDS", 120.0, minimum=0)
LOCK_RETRY_SECONDS = 0.5

# One run at a time per warehouse. A flow opens the DuckDB file per task, so two runs would interleave between
# tasks and each do the other's work again; the run lock, a file beside the warehouse held with flock(2), makes
# the second wait. The kernel releases it when its process dies, so a killed run never leaves it behind.
RUN_LOCK_SUFFIX = ".run.lock"

# Closing a written file makes DuckDB checkpoint it, and a checkpoint rewrites the tables' open row groups: 0.25 s
# a batch on a 20k-article warehouse, growing with it. So a run holds one connection (`hold`) instead of one per
# task, and lets go of it every HOLD_SECONDS for READER_WINDOW_SECONDS: long enough for a waiting
# `news-etl query`, which retries every LOCK_RETRY_SECONDS, to get in. A shorter hold lets readers in more
# often at the price of more checkpoints.
HOLD_SECONDS = number_from_env("NEWS_ETL_HOLD_SECONDS", 30.0, minimum=0)
READER_WINDOW_SECONDS = 2 * LOCK_RETRY_SECONDS

# DuckDB keeps the blocks it reads cached up to its memory limit, 80% of the machine's memory by default, and a
# run holds its connection: the end-of-run passes over the whole warehouse (checks, links, entities) would leave
# the process as large as the warehouse. Bounded here; queries larger than this spill to disk instead. At 512 MB
# the flow's process of a 200k-article run peaked at 1,326 MiB, in those passes; at 256 MB, once the repeated
# lines were marked part by part, at 1,073 MiB in the same time (1,751 against 1,730 s), and a 20k run and a
# batch's load were unchanged (850 against 838 MiB; benchmarks/load_memory.py 545 against 553). At 128 MB, with
# the passes that join the bodies run in parts of ARTICLES_PER_PART: 40 articles run into a 200k-article warehouse
# peaked at 843 MiB against 974 at 256 MB (slower there: 76 against 50 s, its passes mark 480k repeated lines),
# and a batch's load at 491 / 497 MiB in a 20k / 200k warehouse (load_memory.py). The whole 200k benchmark run
# did not peak lower (1,081 against 1,073 MiB, now set in the batch loop) and was slower (1,931 against 1,751 s;
# an unchanged re-run 36 against 17 s), so 128 MB buys the worst case only.
DUCKDB_MEMORY_LIMIT = memory_from_env("NEWS_ETL_DUCKDB_MEMORY_LIMIT", "128MB")

# Threads of a writable connection (a run's). DuckDB starts one per core by default; a run's statements are small
# (a batch's load, the passes over a warehouse of thousands of articles) and share the cores with the NER and
# language workers, so a second thread adds coordination, not speed. On BBC (2,225 articles) the flow's process
# took 3.8 and 4.0 CPU s with one thread against 4.5-5.6 with two, the loads 0.36-0.41 against 0.56-0.69. Read-only
# connections (`news-etl query`) keep DuckDB's default.
WRITER_THREADS = number_from_env("NEWS_ETL_DUCKDB_THREADS", 1, minimum=1, whole=True)

# Corpus-level boilerplate (sql/repetition/): a line that at least REPEATED_LINE_MIN_ARTICLES distinct articles of
# one source share is a template of that source. On MasakhaNEWS (20k articles) and BBC (2.2k) such lines were
# reporters' contact addresses, section headers, a gossip column's dated title and columnists' bios; below five,
# two or three follow-ups of one story sharing a quote or a background sentence would count too.
REPEATED_LINE_MIN_ARTICLES = 5
# Longer shared lines were whole paragraphs of one story filed twice under different headlines: content, not template.
REPEATED_LINE_MAX_CHARS = 200
REPEATED_LINE_REASON = "repeated_in_source"
# Statements over the whole warehouse that take a part (the repeated lines, the checks that compare with the
# bodies) run once per part of the articles, a part being about this many (`_run_in_parts`): joined with
# their lines or mentions, the bodies of a 200k-article warehouse did not fit DuckDB's memory limit at once. On
# MasakhaNEWS copied ten times (200k articles, nearly every short line repeated), parts of 20k fit in 256 MB but
# not in 128; parts of 10k fit in 128 MB. A warehouse of 10k articles or fewer is one part.
ARTICLES_PER_PART = 10_000

# What a run writes whatever it loads (its own `runs` row, and `derived_state`, where the checks' fingerprint is
# recorded) and no check reads: left out of the fingerprint that lets an unchanged run skip the checks.
UNCHECKED_TABLES = ("runs", "derived_state")

_PARAMETER = re.compile(r"\$([a-z_][a-z0-9_]*)")


class WarehouseNotFound(FileNotFoundError):
    """A read-only command was pointed at a warehouse file that does not exist."""


class WarehouseLocked(RuntimeError):
    """Another process kept the warehouse open for longer than we wait."""


# A commit that runs out of memory is reported as a failed commit (TransactionException: "Failed to commit: could not
# allocate block of size ..."), not as an OutOfMemoryException; these are the words DuckDB 1.5 uses for it.
OUT_OF_MEMORY_MESSAGE = re.compile(r"Out of Memory Error|could not allocate|failed to allocate|failed to pin")


def is_out_of_memory(error: BaseException) -> bool:
    """True when DuckDB failed for want of the memory it was given (a statement or a commit)."""
    return isinstance(error, duckdb.OutOfMemoryException) or (
        isinstance(error, duckdb.Error) and OUT_OF_MEMORY_MESSAGE.search(str(error)) is not None
    )


@dataclass(frozen=True)
class LoadBatch:
    """Everything one batch adds to the warehouse; each frame is registered under `batch_<field name>`."""

    articles: pl.DataFrame
    removed_lines: pl.DataFrame
    related_headlines: pl.DataFrame
    entity_mentions: pl.DataFrame
    rejected_inputs: pl.DataFrame
    input_files: pl.DataFrame  # inputs finished in this batch: the manifest lands with their last articles
    article_sources: pl.DataFrame  # every document read: article_id, source_uri, input_uri, input_hash


@dataclass
class _Held:
    """The connection a run holds to its warehouse; reopened after a reader's window every HOLD_SECONDS."""

    path: Path
    con: duckdb.DuckDBPyConnection | None = None
    opened_at: float = 0.0

    def connection(self) -> duckdb.DuckDBPyConnection:
        if self.con is not None and time.monotonic() - self.opened_at > HOLD_SECONDS:
            self.close()
            time.sleep(READER_WINDOW_SECONDS)
        if self.con is None:
            self.con = _open_writable(self.path)
            self.opened_at = time.monotonic()
        return self.con

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None


# Warehouses this process holds open (`hold`), by resolved path.
_held: dict[Path, _Held] = {}


@contextmanager
def hold(path: str | Path) -> Iterator[None]:
    """Within this block every `connect(path)` of this process shares one connection (see HOLD_SECONDS)."""
    key = Path(path).resolve()
    held = _held[key] = _Held(key)
    try:
        yield
    finally:
        del _held[key]
        held.close()


class RunLock:
    """The warehouse's run lock, held until `release()` or the end of the process."""

    def __init__(self, handle):
        self._handle = handle

    def release(self) -> None:
        if not self._handle.closed:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()


def acquire_run_lock(path: str | Path, run_id: str = "") -> RunLock:
    """Wait up to LOCK_WAIT_SECONDS for no other run to be loading this warehouse, then hold it."""
    lock_path = Path(f"{path}{RUN_LOCK_SUFFIX}")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(lock_path, "a+", encoding="utf-8")
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() >= deadline:
                handle.seek(0)
                holder = handle.read().strip() or "another process"
                handle.close()
                raise WarehouseLocked(
                    f"warehouse {path} is being loaded by another run ({holder}); waited {LOCK_WAIT_SECONDS:.0f} s. "
                    "Run again when it has finished (NEWS_ETL_LOCK_WAIT_SECONDS sets the wait)."
                ) from None
            time.sleep(LOCK_RETRY_SECONDS)
    handle.seek(0)
    handle.truncate()
    handle.write(f"pid {os.getpid()}, run {run_id or '?'}, since {time.strftime('%Y-%m-%d %H:%M:%S %z')}\n")
    handle.flush()
    return RunLock(handle)


def _execute(con: duckdb.DuckDBPyConnection, sql: str, params: Mapping[str, Any] | None = None) -> duckdb.DuckDBPyConnection:
    """Execute one statement, passing only the named parameters it uses."""
    wanted = set(_PARAMETER.findall(sql))
    missing = wanted - set(params or {})
    if missing:
        raise ValueError(f"query needs parameter(s) {', '.join(sorted(missing))}")
    return con.execute(sql, {name: value for name, value in (params or {}).items() if name in wanted} or None)


def _run_in_parts(con: duckdb.DuckDBPyConnection, sql: str, params: Mapping[str, Any]) -> list[tuple]:
    """Execute one statement; one that takes `$part` of `$parts`, or the rows `$first_row` to `$end_row` (end
    excluded) of `articles`, runs once per part of the articles (ARTICLES_PER_PART). Returns the rows of every run.

    A part is a range of the articles' rowids: a scan of `articles` filtered by one reads that part's bodies only,
    where a filter on a hash of the id read every body once per part (at 200k articles, 21 parts, the check of
    mention offsets took 15.8 s against 5.4). Rowids have gaps where rows were deleted, so the ranges split the
    rowids up to the largest, not the rows; a statement that needs another cut (one by line hash) takes `$part`."""
    wanted = set(_PARAMETER.findall(sql))
    if not wanted & {"part", "first_row"}:
        return _execute(con, sql, params).fetchall()
    article_count, last_row = con.execute("select count(*), coalesce(max(rowid), -1) from articles").fetchone()
    parts = max(1, -(-article_count // ARTICLES_PER_PART))
    rows_per_part = -(-(last_row + 1) // parts)
    runs = []
    for part in range(parts):
        cut = {"parts": parts, "part": part, "first_row": part * rows_per_part, "end_row": (part + 1) * rows_per_part}
        runs.extend(_execute(con, sql, {**params, **cut}).fetchall())
    return runs


@contextmanager
def connect(path: str | Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse; a writable open creates the file and brings its schema up to date."""
    path = Path(path)
    held = _held.get(path.resolve())
    if held is not None:
        # Reads go through the held connection too: one process cannot open a file twice with different modes.
        yield held.connection()
        return
    if read_only and not path.exists():
        raise WarehouseNotFound(f"no warehouse at {path}: run `news-etl run` first, or pass --warehouse")
    con = _open_waiting_for_lock(path, read_only) if read_only else _open_writable(path)
    try:
        yield con
    finally:
        con.close()


def _open_writable(path: Path) -> duckdb.DuckDBPyConnection:
    """Open the warehouse for writing: create the file if need be and bring its schema up to date."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = _open_waiting_for_lock(path, read_only=False)
    try:
        migrate(con)
    except Exception:
        con.close()
        raise
    return con


def _open_waiting_for_lock(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    config = {"memory_limit": DUCKDB_MEMORY_LIMIT} | ({} if read_only else {"threads": WRITER_THREADS})
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only, config=config)
        except duckdb.IOException as error:
            if "lock" not in str(error).lower():
                raise
            if time.monotonic() >= deadline:
                raise WarehouseLocked(
                    f"warehouse {path} is in use by another process; waited {LOCK_WAIT_SECONDS:.0f} s ({error})"
                ) from error
            time.sleep(LOCK_RETRY_SECONDS)


@contextmanager
def _transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Commit what the block does, or roll all of it back if it raises."""
    con.begin()
    try:
        yield
        con.commit()
    except Exception:
        try:
            con.rollback()
        except duckdb.TransactionException:
            # A commit that failed (out of memory, say) has ended the transaction already; the error worth
            # reporting is the one that got us here, not that there is nothing left to roll back.
            pass
        raise


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply numbered migrations not yet recorded, each in its own transaction; then (re)create the views."""
    con.execute(
        "create table if not exists schema_migrations (version varchar primary key, applied_at timestamp with time zone not null)"
    )
    applied = {row[0] for row in con.execute("select version from schema_migrations").fetchall()}
    newly_applied = []
    for migration in sorted(MIGRATIONS_DIR.glob("*.sql")):
        if migration.stem in applied:
            continue
        with _transaction(con):
            con.execute(migration.read_text(encoding="utf-8"))
            con.execute("insert into schema_migrations values (?, now())", [migration.stem])
        newly_applied.append(migration.stem)
    for view in sorted(VIEWS_DIR.glob("*.sql")):
        con.execute(view.read_text(encoding="utf-8"))
    return newly_applied


def start_run(path: str, run_id: str, sources: list[str], pipeline_version: str) -> None:
    """Record a new run. Called under the run lock, so a run still marked 'running' died before finishing (killed,
    out of memory, power cut): it is marked 'interrupted'; what its finished batches loaded stays loaded."""
    with connect(path) as con:
        con.execute(
            "update runs set status = 'interrupted', error = 'stopped before finishing; the next run resumed its work' where status = 'running'"
        )
        con.execute(
            "insert into runs (run_id, started_at, status, pipeline_version, sources) values (?, now(), 'running', ?, ?)",
            [run_id, pipeline_version, sources],
        )


def finish_run(path: str, run_id: str, status: str, counts: Mapping[str, int], error: str | None = None) -> None:
    columns = sorted(counts)
    assignments = ", ".join(f"{column} = ?" for column in columns)
    with connect(path) as con:
        con.execute(
            f"update runs set finished_at = now(), status = ?, error = ?, {assignments} where run_id = ?",
            [status, error, *(counts[column] for column in columns), run_id],
        )


def known_inputs(path: str, source_uris: pl.Series) -> pl.DataFrame:
    """The manifest rows (source_uri, size_bytes, modified_at_ns, content_hash, status) of these inputs."""
    with connect(path) as con:
        requested = pl.DataFrame({"source_uri": source_uris}, schema={"source_uri": pl.String})
        con.register("requested_inputs", requested)
        return con.execute(
            "select source_uri, size_bytes, modified_at_ns, content_hash, status from input_files semi join requested_inputs using (source_uri)"
        ).pl()


def known_article_ids(path: str, article_ids: list[str]) -> set[str]:
    with connect(path) as con:
        con.register("requested_ids", pl.DataFrame({"article_id": article_ids}, schema={"article_id": pl.String}))
        rows = con.execute("select article_id from articles semi join requested_ids using (article_id)").fetchall()
    return {row[0] for row in rows}


def load_batch(path: str, run_id: str, pipeline_version: str, batch: LoadBatch) -> int:
    """Insert one batch in one transaction; return how many articles were new."""
    params = {"run_id": run_id, "pipeline_version": pipeline_version}
    names = [f"batch_{field.name}" for field in fields(batch)]
    with connect(path) as con:
        for name, field in zip(names, fields(batch)):
            con.register(name, getattr(batch, field.name))
        try:
            with _transaction(con):
                for statement in sorted(LOAD_DIR.glob("*.sql")):
                    _execute(con, statement.read_text(encoding="utf-8"), params)
                new_articles = con.execute("select count(*) from new_article_ids").fetchone()[0]
        finally:
            # A held connection outlives the batch: let go of its frames.
            for name in names:
                con.unregister(name)
    return new_articles


def replaced_article_count(path: str, run_id: str) -> int:
    with connect(path) as con:
        return con.execute("select count(*) from replaced_articles where run_id = ?", [run_id]).fetchone()[0]


def refresh_entities(path: str, pipeline_version: str) -> None:
    """Rebuild the cross-article links, each mention's entity_id and the entity tables from all mentions, in one
    transaction that also records what they were derived from (`entities_are_current`)."""
    with connect(path) as con, _transaction(con):
        for statement in sorted(LINKS_DIR.glob("*.sql")):
            con.execute(statement.read_text(encoding="utf-8"))
        con.execute((SQL_DIR / "refresh_entities.sql").read_text(encoding="utf-8"))
        _record_derived(con, "entities", _derived_fingerprint(con, pipeline_version))


def _recorded_fingerprint(con: duckdb.DuckDBPyConnection, name: str) -> str | None:
    """The fingerprint `name` was last derived with (`derived_state`), None if it never was."""
    row = con.execute("select fingerprint from derived_state where name = ?", [name]).fetchone()
    return None if row is None else row[0]


def _record_derived(con: duckdb.DuckDBPyConnection, name: str, fingerprint: str) -> None:
    con.execute("insert or replace into derived_state values (?, ?, now())", [name, fingerprint])


def _derived_fingerprint(con: duckdb.DuckDBPyConnection, pipeline_version: str) -> str:
    sql = (SQL_DIR / "derived_fingerprint.sql").read_text(encoding="utf-8")
    return _execute(con, sql, {"pipeline_version": pipeline_version}).fetchone()[0]


def entities_are_current(path: str, pipeline_version: str) -> bool:
    """True when no article, mention or entity changed since this pipeline version last derived the gazetteer
    mentions, links and entities: deriving them again would give the same rows."""
    with connect(path) as con:
        return _recorded_fingerprint(con, "entities") == _derived_fingerprint(con, pipeline_version)


def _repetition_parameters(pipeline_version: str) -> dict[str, Any]:
    return {
        "min_articles": REPEATED_LINE_MIN_ARTICLES,
        "max_line_chars": REPEATED_LINE_MAX_CHARS,
        "reason": REPEATED_LINE_REASON,
        "pipeline_version": pipeline_version,
    }


def _repetition_fingerprint(con: duckdb.DuckDBPyConnection, pipeline_version: str) -> str:
    sql = (REPETITION_DIR / "fingerprint.sql").read_text(encoding="utf-8")
    return _execute(con, sql, _repetition_parameters(pipeline_version)).fetchone()[0]


def repeated_lines_are_current(path: str, pipeline_version: str) -> bool:
    """True when no article came or went (nor changed source) since this rule and version last derived the
    repeated lines: deriving them again would give the same rows."""
    with connect(path) as con:
        return _recorded_fingerprint(con, "repeated_lines") == _repetition_fingerprint(con, pipeline_version)


def refresh_repeated_lines(path: str, pipeline_version: str) -> int:
    """Key the lines of new articles, then rebuild the repeated lines of each source whose articles changed, and
    mark the articles' lines that are one, in one transaction that records what they were derived from. Returns how
    many article lines are repeated."""
    params = _repetition_parameters(pipeline_version)
    # Lines are keyed once, up to the length limit of the day: another limit keys them all again.
    keying = f"max_line_chars={REPEATED_LINE_MAX_CHARS}"
    # A source's repeated lines depend on its articles and on the rule; another rule derives every source again.
    rule = "|".join(f"{name}={value}" for name, value in sorted(params.items()))
    with connect(path) as con:
        with _transaction(con):
            keyed = _recorded_fingerprint(con, "article_lines") == keying
            if not keyed:
                con.execute("delete from article_lines")
                _record_derived(con, "article_lines", keying)
            # The sources to derive again, `changed_sources`, and their articles, `changed_articles`: every one
            # when the lines were keyed again or the rule is not the one the last derivation used.
            every_source = not keyed or _recorded_fingerprint(con, "repetition_sources") != rule
            changed = ("all_sources.sql", "all_articles.sql") if every_source else ("changed_sources.sql", "changed_articles.sql")
            for setup in ("sourced_articles.sql", "source_fingerprints.sql", *changed):
                con.execute((REPETITION_DIR / setup).read_text(encoding="utf-8"))
            for statement in sorted(REPETITION_DIR.glob("[0-9]*.sql")):
                _run_in_parts(con, statement.read_text(encoding="utf-8"), params)
            _record_derived(con, "repetition_sources", rule)
            _record_derived(con, "repeated_lines", _repetition_fingerprint(con, pipeline_version))
            # Dropped here, not at the end of the connection: a run holds its connection for the whole run.
            con.execute(f"drop {'view' if every_source else 'table'} changed_articles")
            for temporary in ("changed_sources", "source_fingerprints", "sourced_articles"):
                con.execute(f"drop table {temporary}")
        return _repeated_line_count(con)


def repeated_line_count(path: str) -> int:
    with connect(path) as con:
        return _repeated_line_count(con)


def _repeated_line_count(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("select count(*) from article_repeated_lines").fetchone()[0]


def link_across_articles(mentions: pl.DataFrame) -> pl.DataFrame:
    """`mentions` (canonical columns) with `entity_id` and `entity_key` as a warehouse holding exactly them links them.

    The links are computed by the warehouse's own SQL (`sql/links/`) in a throwaway in-memory database, so an
    evaluation scores the same rule a run applies."""
    con = duckdb.connect(":memory:")
    try:
        migrate(con)
        con.register("given_mentions", mentions.with_row_index("mention_no"))
        con.execute(
            "insert into entity_mentions by name select article_id, entity_id, entity_id as article_entity_id, surface, "
            "start_char, end_char, entity_type, model_label, method from given_mentions"
        )
        con.execute("insert into entity_keys select distinct entity_id, entity_key from given_mentions")
        for statement in sorted(LINKS_DIR.glob("*.sql")):
            con.execute(statement.read_text(encoding="utf-8"))
        linked = con.execute(
            "select given_mentions.mention_no, entity_mentions.entity_id, entity_keys.entity_key from given_mentions "
            "inner join entity_mentions using (article_id, start_char) "
            "inner join entity_keys on entity_keys.entity_id = entity_mentions.entity_id"
        ).pl()
    finally:
        con.close()
    return (
        mentions.with_row_index("mention_no")
        .drop("entity_id", "entity_key")
        .join(linked, on="mention_no", how="left", maintain_order="left")
        .select(["mention_no", *mentions.columns])
        .drop("mention_no")
    )


def known_names(path: str) -> pl.DataFrame:
    """entity_id, entity_key, surface, entity_type of every model-found name: what the gazetteer looks for."""
    with connect(path) as con:
        return con.execute((GAZETTEER_DIR / "known_names.sql").read_text(encoding="utf-8")).pl()


def gazetteer_sentence_numbers(path: str, article_ids: list[str]) -> pl.DataFrame:
    """article_id, start_char, sentence_no of the gazetteer mentions the warehouse holds in these articles."""
    with connect(path) as con:
        con.register("requested_ids", pl.DataFrame({"article_id": article_ids}, schema={"article_id": pl.String}))
        try:
            return con.execute(
                "select article_id, start_char, sentence_no from entity_mentions semi join requested_ids using (article_id) "
                "where method = 'gazetteer' and sentence_no is not null"
            ).pl()
        finally:
            con.unregister("requested_ids")


def gazetteer_article_ids(path: str) -> pl.DataFrame:
    """row_no (rowid), article_id, matched of the articles the gazetteer tags, in rowid order; `matched` says an
    earlier pass matched this row of the article, with the names `gazetteer_surfaces` returns."""
    with connect(path) as con:
        return con.execute((GAZETTEER_DIR / "articles.sql").read_text(encoding="utf-8")).pl()


def gazetteer_articles(path: str, article_ids: pl.DataFrame, chunk_size: int) -> Iterator[pl.DataFrame]:
    """article_id, body_clean, language of `article_ids` (row_no, article_id, in rowid order: rows of
    `gazetteer_article_ids`), `chunk_size` at a time, in that order."""
    texts = (GAZETTEER_DIR / "article_texts.sql").read_text(encoding="utf-8")
    for chunk_ids in article_ids.iter_slices(chunk_size):
        rows = {"first_row": chunk_ids["row_no"][0], "last_row": chunk_ids["row_no"][-1]}
        with connect(path) as con:
            con.register("chunk_ids", chunk_ids.select("article_id"))
            try:
                chunk = con.execute(texts, rows).pl()
            finally:
                con.unregister("chunk_ids")
        yield chunk


def last_gazetteer_surfaces(path: str, pipeline_version: str) -> pl.DataFrame | None:
    """surface, entity_key, entity_type the gazetteer last matched with, or None when this pipeline version has not
    matched yet (a new warehouse, one loaded before migration 011, or another version's rules): then every article
    is matched again."""
    with connect(path) as con:
        if _recorded_fingerprint(con, "gazetteer") != pipeline_version:
            return None
        return con.execute("select surface, entity_key, entity_type from gazetteer_surfaces order by surface").pl()


def replace_gazetteer_mentions(
    path: str, chunks: Iterable[pl.DataFrame], scope: pl.DataFrame, surfaces: pl.DataFrame, pipeline_version: str
) -> int:
    """Make the gazetteer mentions of the articles in `scope` (article_id: those matched this time) exactly the rows
    of `chunks` (canonical columns; at least one frame, which may be empty), and record `surfaces` as the names
    every gazetteer article is now matched with, in one transaction; returns how many mentions `chunks` hold.

    The gazetteer finds mentions in every article of the warehouse: held in memory until the end they would make
    a run's memory grow with the warehouse. Each chunk goes to a Parquet file as it comes instead, and the
    statements read them from there."""
    with tempfile.TemporaryDirectory(prefix="news-etl-gazetteer-") as staging:
        found = 0
        for number, chunk in enumerate(chunks):
            chunk.write_parquet(Path(staging) / f"{number:06d}.parquet")
            found += chunk.height
        with connect(path) as con:
            # Numbered files, read in name order: the rows come in the order the chunks did. A view cannot take a
            # parameter, so the path (a folder tempfile made) is quoted into it.
            files = str(Path(staging) / "*.parquet").replace("'", "''")
            con.execute(f"create or replace temp view gazetteer_mentions as select * from read_parquet('{files}')")
            con.register("gazetteer_scope", scope.select("article_id"))
            con.register("current_surfaces", surfaces)
            try:
                with _transaction(con):
                    for statement in sorted(GAZETTEER_DIR.glob("[0-9]*.sql")):
                        con.execute(statement.read_text(encoding="utf-8"))
                    _record_derived(con, "gazetteer", pipeline_version)
            finally:
                con.execute("drop view gazetteer_mentions")
                con.unregister("gazetteer_scope")
                con.unregister("current_surfaces")
    return found


def run_checks(path: str) -> dict[str, int]:
    """Run every `sql/checks/assert_*.sql`; each must return zero rows. Returns failing row counts by check."""
    with connect(path) as con:
        return _run_checks(con)


def _run_checks(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    results = {}
    for check in sorted(CHECKS_DIR.glob("assert_*.sql")):
        sql = check.read_text(encoding="utf-8")
        results[check.stem] = sum(row[0] for row in _run_in_parts(con, f"select count(*) from ({sql})", {}))
    return results


def run_checks_unless_passed(path: str, pipeline_version: str) -> dict[str, int] | None:
    """Run the checks, unless every one of them passed before on exactly the rows the warehouse holds now, with the
    same checks, views and pipeline version: then None, since they would pass again. When all pass, what they
    passed on is recorded for the next run to compare with."""
    with connect(path) as con:
        fingerprint = _checked_fingerprint(con, pipeline_version)
        if _recorded_fingerprint(con, "checks") == fingerprint:
            return None
        results = _run_checks(con)
        if not any(results.values()):
            _record_derived(con, "checks", fingerprint)
        return results


def _checked_fingerprint(con: duckdb.DuckDBPyConnection, pipeline_version: str) -> str:
    """Each table's row count and sum of row hashes (every column), with a digest of the checks' and views' SQL
    and the pipeline version: any row added, removed or changed, by a run or by hand, moves it."""
    tables = [
        row[0]
        for row in con.execute(
            "select table_name from duckdb_tables() where database_name = current_database() and schema_name = 'main' "
            "and not temporary order by table_name"
        ).fetchall()
        if row[0] not in UNCHECKED_TABLES
    ]
    # `hash(checked_row)` hashes the whole row, every column: the alias names the row as a struct.
    counted = " union all ".join(
        f"select {index} as table_no, count(*) || ':' || coalesce(sum(hash(checked_row)::hugeint), 0) as part "
        f'from "{table}" as checked_row'
        for index, table in enumerate(tables)
    )
    parts = [row[0] for row in con.execute(f"select part from ({counted}) order by table_no").fetchall()]
    sql = hashlib.sha256()
    for path in [*sorted(CHECKS_DIR.glob("assert_*.sql")), *sorted(VIEWS_DIR.glob("*.sql"))]:
        sql.update(f"{path.name}\0{path.read_text(encoding='utf-8')}\0".encode())
    return "|".join([*(f"{table}={part}" for table, part in zip(tables, parts)), sql.hexdigest(), pipeline_version])


def named_queries() -> dict[str, Path]:
    """Named queries users can run by name: the files of `sql/queries/`."""
    return {query.stem: query for query in sorted(QUERIES_DIR.glob("*.sql"))}


def query_parameters(sql: str) -> set[str]:
    return set(_PARAMETER.findall(sql))


def query(path: str | Path, sql: str, params: Mapping[str, Any] | None = None) -> tuple[list[str], list[tuple]]:
    """Run one statement against the warehouse read-only; return column names and rows."""
    with connect(path, read_only=True) as con:
        result = _execute(con, sql, params)
        columns = [column[0] for column in result.description]
        return columns, result.fetchall()


def latest_run_id(path: str | Path) -> str | None:
    with connect(path, read_only=True) as con:
        row = con.execute("select run_id from runs order by started_at desc limit 1").fetchone()
    return None if row is None else row[0]

import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import polars as pl
import pytest

from flows import warehouse


def test_migrations_are_recorded_and_applied_once(tmp_path):
    path = tmp_path / "w.duckdb"
    with warehouse.connect(path) as con:
        applied = [row[0] for row in con.execute("select version from schema_migrations order by version").fetchall()]
        assert applied[0] == "001_core_tables"
        assert warehouse.migrate(con) == []
        tables = {row[0] for row in con.execute("select table_name from information_schema.tables where table_type = 'BASE TABLE'").fetchall()}
        views = {row[0] for row in con.execute("select table_name from information_schema.tables where table_type = 'VIEW'").fetchall()}
    assert {"articles", "removed_lines", "related_headlines", "entities", "entity_mentions", "runs", "rejected_inputs"} <= tables
    assert {"articles_per_language", "top_entities_by_type", "entity_cooccurrence", "article_entities"} <= views


def test_every_migration_applies_on_an_empty_database():
    with duckdb.connect() as con:
        applied = warehouse.migrate(con)
    assert applied == sorted(path.stem for path in warehouse.MIGRATIONS_DIR.glob("*.sql"))


def test_read_only_query_on_a_missing_warehouse_says_so(tmp_path):
    with pytest.raises(warehouse.WarehouseNotFound, match="no warehouse at"):
        warehouse.query(tmp_path / "missing.duckdb", "select 1")


def test_query_is_read_only(tmp_path):
    path = tmp_path / "w.duckdb"
    with warehouse.connect(path):
        pass
    with pytest.raises(duckdb.Error, match="read-only"):
        warehouse.query(path, "insert into runs (run_id, started_at, status, pipeline_version, sources) values ('x', now(), 'x', 'x', [])")


def test_a_run_writes_with_one_duckdb_thread_and_queries_keep_the_default(tmp_path):
    path = tmp_path / "w.duckdb"
    with duckdb.connect(":memory:") as plain:
        default_threads = plain.execute("select current_setting('threads')").fetchone()[0]
    with warehouse.connect(path) as con:
        assert con.execute("select current_setting('threads'), current_setting('memory_limit')").fetchone() == (1, "122.0 MiB")
    with warehouse.connect(path, read_only=True) as con:
        assert con.execute("select current_setting('threads')").fetchone() == (default_threads,)


def test_query_parameters_are_required(tmp_path):
    path = tmp_path / "w.duckdb"
    with warehouse.connect(path):
        pass
    with pytest.raises(ValueError, match="needs parameter"):
        warehouse.query(path, "select * from runs where run_id = $run_id")
    assert warehouse.query(path, "select $a::int as a", {"a": 3, "unused": 1}) == (["a"], [(3,)])


def empty_batch(**frames) -> warehouse.LoadBatch:
    article = {
        "article_id": "a1", "source_uri": "/x.txt", "source_encoding": "utf-8", "title": None, "dateline": None,
        "agencies": ["AP"], "byline": ["Jane Doe"], "body_clean": "Ankara is a city.", "char_count": 17, "word_count": 4,
        "quality_flags": ["too_short"],
        "language": "en", "language_score": 0.99, "ner_method": "model:test",
        "url": None, "published_at": None, "published_text": None, "outlet": None, "given_language": None,
        "language_guess": "en", "language_reason": None, "language_method": "langdetect", "script": "Latn", "language_shares": None,
    }  # fmt: skip
    defaults = {
        "articles": pl.DataFrame([article]),
        "removed_lines": pl.DataFrame({"article_id": ["a1"], "line_no": [2], "text": ["Share this"], "reason": ["share_prompt"]}),
        "related_headlines": pl.DataFrame(schema={"article_id": pl.String, "headline_no": pl.Int32, "headline": pl.String}),
        "entity_mentions": pl.DataFrame(
            {"article_id": ["a1"], "entity_id": ["e1"], "entity_key": ["ankara"], "entity_type": ["LOC"], "surface": ["Ankara"],
             "start_char": [0], "end_char": [6], "sentence_no": [0], "model_label": ["GPE"], "method": ["model:test"]}
        ),  # fmt: skip
        "rejected_inputs": pl.DataFrame(schema={"source_uri": pl.String, "reason": pl.String, "detail": pl.String, "content_hash": pl.String}),
        "input_files": pl.DataFrame(
            {"source_uri": ["/x.txt"], "size_bytes": [10], "modified_at_ns": [1], "content_hash": ["h"], "status": ["loaded"]}
        ),
        "article_sources": pl.DataFrame({"article_id": ["a1"], "source_uri": ["/x.txt"], "input_uri": ["/x.txt"], "input_hash": ["h"]}),
    }
    defaults.update(frames)
    return warehouse.LoadBatch(**defaults)


def test_load_batch_is_idempotent_and_loads_children_of_new_articles_only(tmp_path):
    path = str(tmp_path / "w.duckdb")
    warehouse.start_run(path, "r1", ["/x"], "test")
    assert warehouse.load_batch(path, "r1", "test", empty_batch()) == 1
    assert warehouse.load_batch(path, "r1", "test", empty_batch()) == 0
    warehouse.refresh_entities(path, "test")
    counts = warehouse.query(path, "select (select count(*) from articles), (select count(*) from removed_lines), (select count(*) from entity_mentions), (select count(*) from input_files)")[1]
    assert counts == [(1, 1, 1, 1)]
    assert warehouse.query(path, "select canonical_name, entity_type, mention_count, article_count from entities")[1] == [("Ankara", "LOC", 1, 1)]
    assert set(warehouse.run_checks(path).values()) == {0}


def test_bylines_and_quality_flags_are_stored_and_flagged_articles_lists_them(tmp_path):
    path = str(tmp_path / "w.duckdb")
    clean = {"article_id": "a2", "source_uri": "/y.txt", "quality_flags": [], "byline": []}
    articles = pl.concat([empty_batch().articles, empty_batch().articles.update(pl.DataFrame([clean]))])
    sources = pl.DataFrame({"article_id": ["a1", "a2"], "source_uri": ["/x.txt", "/y.txt"], "input_uri": ["/x.txt", "/y.txt"], "input_hash": ["h", "g"]})
    warehouse.load_batch(path, "r1", "test", empty_batch(articles=articles, article_sources=sources))
    stored = warehouse.query(path, "select article_id, byline, quality_flags from articles order by article_id")[1]
    assert stored == [("a1", ["Jane Doe"], ["too_short"]), ("a2", [], [])]
    flagged = warehouse.query(path, "select article_id, quality_flags, body_start from flagged_articles")[1]
    assert flagged == [("a1", ["too_short"], "Ankara is a city.")]
    with warehouse.connect(path) as con:
        con.execute("update articles set quality_flags = ['too_long'] where article_id = 'a2'")
    assert warehouse.run_checks(path)["assert_known_quality_flags"] == 1


def test_entities_are_current_until_an_article_or_mention_changes(tmp_path):
    path = str(tmp_path / "w.duckdb")
    warehouse.start_run(path, "r1", ["/x"], "test")
    warehouse.load_batch(path, "r1", "test", empty_batch())
    assert not warehouse.entities_are_current(path, "test")  # never derived
    warehouse.refresh_entities(path, "test")
    assert warehouse.entities_are_current(path, "test")
    assert not warehouse.entities_are_current(path, "another version")
    with warehouse.connect(path) as con:
        con.execute("update entity_mentions set surface = 'ANKARA'")
    assert not warehouse.entities_are_current(path, "test")
    warehouse.refresh_entities(path, "test")
    assert warehouse.entities_are_current(path, "test")
    with warehouse.connect(path) as con:
        con.execute("delete from entity_mentions")
    assert not warehouse.entities_are_current(path, "test")


def test_checks_are_not_run_again_while_the_rows_they_passed_on_are_unchanged(tmp_path):
    path = str(tmp_path / "w.duckdb")
    warehouse.start_run(path, "r1", ["/x"], "test")
    warehouse.load_batch(path, "r1", "test", empty_batch())
    warehouse.refresh_entities(path, "test")
    every_check = {check.stem: 0 for check in warehouse.CHECKS_DIR.glob("assert_*.sql")}
    assert warehouse.run_checks_unless_passed(path, "test") == every_check
    assert warehouse.run_checks_unless_passed(path, "test") is None
    # A run's own row is not something the checks read.
    warehouse.start_run(path, "r2", ["/x"], "test")
    warehouse.finish_run(path, "r2", "completed", {"articles_loaded": 0})
    assert warehouse.run_checks_unless_passed(path, "test") is None
    # Another pipeline version checks again, and is what passed last.
    assert warehouse.run_checks_unless_passed(path, "another version") == every_check
    assert warehouse.run_checks_unless_passed(path, "test") == every_check
    # A row changed by hand is checked; a failure is not recorded as passed, so it is found again.
    with warehouse.connect(path) as con:
        con.execute("update articles set quality_flags = ['too_long']")
    assert warehouse.run_checks_unless_passed(path, "test") == every_check | {"assert_known_quality_flags": 1}
    assert warehouse.run_checks_unless_passed(path, "test") == every_check | {"assert_known_quality_flags": 1}
    with warehouse.connect(path) as con:
        con.execute("update articles set quality_flags = ['too_short']")
    assert warehouse.run_checks_unless_passed(path, "test") is None  # the very rows that passed


def test_a_changed_check_is_run_again(tmp_path, monkeypatch):
    checks = tmp_path / "checks"
    shutil.copytree(warehouse.CHECKS_DIR, checks)
    monkeypatch.setattr(warehouse, "CHECKS_DIR", checks)
    path = str(tmp_path / "w.duckdb")
    warehouse.load_batch(path, "r1", "test", empty_batch())
    warehouse.refresh_entities(path, "test")
    assert set(warehouse.run_checks_unless_passed(path, "test").values()) == {0}
    assert warehouse.run_checks_unless_passed(path, "test") is None
    edited = checks / "assert_known_quality_flags.sql"
    edited.write_text(edited.read_text(encoding="utf-8").replace("'too_short'", "'too_brief'"), encoding="utf-8")
    assert warehouse.run_checks_unless_passed(path, "test")["assert_known_quality_flags"] == 1


def test_the_checks_fingerprint_sees_every_column_of_every_table_but_runs_and_derived_state(tmp_path):
    path = str(tmp_path / "w.duckdb")
    warehouse.start_run(path, "r1", ["/x"], "test")
    warehouse.load_batch(path, "r1", "test", empty_batch())
    warehouse.refresh_entities(path, "test")
    with warehouse.connect(path) as con:
        before = warehouse._checked_fingerprint(con, "test")
        tables = [row[0] for row in con.execute("select table_name from duckdb_tables() where schema_name = 'main' and estimated_size > 0").fetchall()]
        assert {"articles", "entity_mentions", "removed_lines", "article_sources", "input_files", "entities", "runs", "derived_state"} <= set(tables)
        for table in tables:
            con.begin()
            con.execute(f"delete from {table}")
            moved = warehouse._checked_fingerprint(con, "test") != before
            con.rollback()
            assert moved == (table not in ("runs", "derived_state")), table
        con.begin()
        con.execute("update entity_mentions set model_label = 'LOC'")  # one column of one row
        assert warehouse._checked_fingerprint(con, "test") != before
        con.rollback()
        assert warehouse._checked_fingerprint(con, "test") == before


def test_a_held_warehouse_is_one_connection_let_go_of_for_readers(tmp_path, monkeypatch):
    path = tmp_path / "w.duckdb"
    with warehouse.hold(path):
        with warehouse.connect(path) as first, warehouse.connect(path, read_only=True) as second:
            assert first is second
        with warehouse.connect(path) as third:
            assert third is first
        monkeypatch.setattr(warehouse, "HOLD_SECONDS", 0.0)
        monkeypatch.setattr(warehouse, "READER_WINDOW_SECONDS", 0.0)
        with warehouse.connect(path) as reopened:
            assert reopened is not first
    # Let go of at the end of the block: another connection with another mode opens.
    with warehouse.connect(path, read_only=True) as con:
        assert con.execute("select count(*) from schema_migrations").fetchone()[0] >= 6


def test_a_commit_that_runs_out_of_memory_is_reported_as_itself(tmp_path, monkeypatch):
    # The migrations' commit fails at 1 MB; rolling back after it once raised "no transaction is active" instead.
    monkeypatch.setattr(warehouse, "DUCKDB_MEMORY_LIMIT", "1MB")
    with pytest.raises(duckdb.TransactionException, match="Failed to commit: could not allocate") as raised:
        with warehouse.connect(tmp_path / "w.duckdb"):
            pass
    assert warehouse.is_out_of_memory(raised.value)


def test_out_of_memory_is_told_from_other_duckdb_errors():
    con = duckdb.connect(config={"memory_limit": "2MB", "threads": 1})
    with pytest.raises(duckdb.OutOfMemoryException) as raised:
        con.execute("select count(distinct range::varchar || 'x') from range(3000000)")
    assert warehouse.is_out_of_memory(raised.value)
    with pytest.raises(duckdb.CatalogException) as raised:
        con.execute("select * from no_such_table")
    assert not warehouse.is_out_of_memory(raised.value)
    assert not warehouse.is_out_of_memory(ValueError("could not allocate"))


def test_a_failing_batch_leaves_nothing_behind(tmp_path):
    path = str(tmp_path / "w.duckdb")
    broken_mentions = pl.DataFrame({"article_id": ["a1"], "entity_id": [None], "entity_key": ["k"], "entity_type": ["LOC"], "surface": ["Ankara"],
                                    "start_char": [0], "end_char": [6], "sentence_no": [0], "model_label": ["GPE"], "method": ["m"]}, schema_overrides={"entity_id": pl.String})  # fmt: skip
    with pytest.raises(duckdb.ConstraintException):
        warehouse.load_batch(path, "r1", "test", empty_batch(entity_mentions=broken_mentions))
    assert warehouse.query(path, "select (select count(*) from articles), (select count(*) from removed_lines), (select count(*) from input_files)")[1] == [(0, 0, 0)]


@contextmanager
def another_process(target, path: Path) -> Iterator[None]:
    """Run `target(path, ready, release)` in a spawned process on a created warehouse; the block starts once it is
    ready and ends by releasing it."""
    import multiprocessing

    with warehouse.connect(path):
        pass
    context = multiprocessing.get_context("spawn")
    ready, release = context.Event(), context.Event()
    process = context.Process(target=target, args=(str(path), ready, release))
    process.start()
    try:
        assert ready.wait(60)
        yield
    finally:
        release.set()
        process.join(60)


def test_a_locked_warehouse_is_waited_for_then_reported(tmp_path, monkeypatch):
    path = tmp_path / "w.duckdb"
    with another_process(_hold_lock, path):
        monkeypatch.setattr(warehouse, "LOCK_WAIT_SECONDS", 1.0)
        with pytest.raises(warehouse.WarehouseLocked, match="in use by another process; waited 1 s"):
            with warehouse.connect(path):
                pass


def _hold_lock(path: str, ready, release) -> None:
    con = duckdb.connect(path)
    ready.set()
    release.wait(60)
    con.close()


def test_a_reader_gets_in_while_another_process_holds_the_warehouse(tmp_path):
    path = tmp_path / "w.duckdb"
    with another_process(_hold_and_write, path):
        started = time.monotonic()
        # The holder lets go every HOLD_SECONDS (1 s there); the reader, retrying, gets in within a few seconds.
        columns, rows = warehouse.query(path, "select count(*) from schema_migrations")
        assert rows[0][0] >= 6
        assert time.monotonic() - started < 10


def _hold_and_write(path: str, ready, release) -> None:
    warehouse.HOLD_SECONDS = 1.0
    with warehouse.hold(path):
        with warehouse.connect(path) as con:
            con.execute("create table busy (n integer)")
        ready.set()
        while not release.is_set():
            with warehouse.connect(path) as con:
                con.execute("insert into busy values (1)")
            time.sleep(0.05)


def test_gazetteer_articles_come_in_loading_order_chunk_by_chunk(tmp_path):
    path = str(tmp_path / "w.duckdb")
    # Five gazetteer articles loaded out of id order, between model-read articles the gazetteer must not be given:
    # a chunk's range of rowids spans them.
    german = {i: sourced_article(i, "Ankara.") for i in ["d5", "d2", "d4", "d1", "d3"]}
    gazetteer_read = {i: (article.with_columns(ner_method=pl.lit("gazetteer"), language=pl.lit("de")), *rest) for i, (article, *rest) in german.items()}
    order = ["a1", "d5", "a2", "d2", "d4", "a3", "d1", "d3"]
    for article_id in order:
        article, sources, mentions = gazetteer_read.get(article_id) or sourced_article(article_id, "Ankara.")
        batch = empty_batch(articles=article, article_sources=sources, entity_mentions=mentions, removed_lines=NO_LINES)
        warehouse.load_batch(path, "r1", "test", batch)

    article_ids = warehouse.gazetteer_article_ids(path)
    chunks = [chunk["article_id"].to_list() for chunk in warehouse.gazetteer_articles(path, article_ids, chunk_size=2)]

    assert chunks == [["d5", "d2"], ["d4", "d1"], ["d3"]]


def test_gazetteer_mentions_follow_the_names_models_found(tmp_path):
    from transforms.entities import gazetteer_surfaces, match_known_entities, stable_id

    ankara = pl.select(stable_id(pl.lit("ankara"))).item()
    path = str(tmp_path / "w.duckdb")
    german = {
        "article_id": "d1", "source_uri": "/d.txt", "body_clean": "Ankara und Ankara.", "char_count": 18, "word_count": 3,
        "language": "de", "ner_method": "gazetteer", "agencies": [],
    }  # fmt: skip
    articles = pl.concat([empty_batch().articles, empty_batch().articles.update(pl.DataFrame([german]))])
    sources = pl.DataFrame({"article_id": ["a1", "d1"], "source_uri": ["/x.txt", "/d.txt"], "input_uri": ["/x.txt", "/d.txt"], "input_hash": ["h", "g"]})
    mentions = empty_batch().entity_mentions.with_columns(pl.lit(ankara).alias("entity_id"))
    warehouse.load_batch(path, "r1", "test", empty_batch(articles=articles, article_sources=sources, entity_mentions=mentions))

    def gazetteer_pass() -> list[tuple]:
        surfaces = gazetteer_surfaces(warehouse.known_names(path))
        articles = warehouse.gazetteer_article_ids(path)
        found = [
            match_known_entities(chunk, surfaces).with_columns(pl.lit(0, dtype=pl.Int32).alias("sentence_no"))
            for chunk in warehouse.gazetteer_articles(path, articles, chunk_size=1)
        ]
        replaced = warehouse.replace_gazetteer_mentions(path, found, articles, surfaces, "test")
        assert replaced == sum(chunk.height for chunk in found)
        return warehouse.query(path, "select article_id, surface, start_char, entity_id, method from entity_mentions order by all")[1]

    assert warehouse.known_names(path).rows() == [(ankara, "ankara", "Ankara", "LOC")]
    expected = [("a1", "Ankara", 0, ankara, "model:test"), ("d1", "Ankara", 0, ankara, "gazetteer"), ("d1", "Ankara", 11, ankara, "gazetteer")]
    assert gazetteer_pass() == expected
    assert gazetteer_pass() == expected  # a rerun changes nothing
    # With the model-found mention gone, the gazetteer knows no name and its mentions and keys go too.
    with warehouse.connect(path) as con:
        con.execute("delete from entity_mentions where method = 'model:test'")
    assert gazetteer_pass() == []
    assert warehouse.query(path, "select count(*) from entity_keys")[1] == [(0,)]


def test_a_gazetteer_pass_rewrites_the_mentions_of_its_scope_and_records_its_names_and_articles(tmp_path):
    from transforms.entities import gazetteer_surfaces, match_known_entities

    path = str(tmp_path / "w.duckdb")
    warehouse.load_batch(path, "r1", "test", empty_batch())  # a1: a model found "Ankara"
    for article_id in ["d1", "d2"]:
        article, sources, mentions = sourced_article(article_id, "Ankara und Ankara.")
        article = article.with_columns(ner_method=pl.lit("gazetteer"), language=pl.lit("de"))
        warehouse.load_batch(path, "r2", "test", empty_batch(articles=article, article_sources=sources, entity_mentions=mentions, removed_lines=NO_LINES))
    known = warehouse.known_names(path)
    surfaces = gazetteer_surfaces(known)
    articles = warehouse.gazetteer_article_ids(path)

    def gazetteer_pass(scope: list[str], found_in: list[str]) -> list[tuple]:
        texts = pl.concat(warehouse.gazetteer_articles(path, articles, chunk_size=10))
        found = match_known_entities(texts.filter(pl.col("article_id").is_in(found_in)), surfaces).with_columns(pl.lit(0, dtype=pl.Int32).alias("sentence_no"))
        warehouse.replace_gazetteer_mentions(path, [found], articles.filter(pl.col("article_id").is_in(scope)), surfaces, "test")
        return warehouse.query(path, "select article_id, start_char from entity_mentions where method = 'gazetteer' order by all")[1]

    assert warehouse.last_gazetteer_surfaces(path, "test") is None
    assert articles.select("article_id", "matched").rows() == [("d1", False), ("d2", False)]

    assert gazetteer_pass(scope=["d1", "d2"], found_in=["d1", "d2"]) == [("d1", 0), ("d1", 11), ("d2", 0), ("d2", 11)]
    # Out of the scope, mentions stay even where nothing was found: the pass only rewrites the articles it matched.
    assert gazetteer_pass(scope=["d1"], found_in=[]) == [("d2", 0), ("d2", 11)]

    assert warehouse.last_gazetteer_surfaces(path, "test").rows() == surfaces.rows() == [("Ankara", "ankara", "LOC")]
    assert warehouse.last_gazetteer_surfaces(path, "another version") is None
    assert warehouse.gazetteer_article_ids(path).select("article_id", "matched").rows() == [("d1", True), ("d2", True)]
    # A row of the article loaded by another run (deleted by a changed input, then loaded again) is not the row
    # that was matched.
    with warehouse.connect(path) as con:
        con.execute("update articles set run_id = 'r3' where article_id = 'd2'")
    assert warehouse.gazetteer_article_ids(path).select("article_id", "matched").rows() == [("d1", True), ("d2", False)]


def tagged_article(article_id: str, body: str, names: list[tuple[str, str]]) -> tuple[pl.DataFrame, ...]:
    """(articles, article_sources, canonical mentions) of one article whose model tagged `names` (surface, label)
    at their first occurrence in `body`, made canonical as the flow does."""
    from transforms.entities import MENTION_SCHEMA, canonicalize_mentions

    article = empty_batch().articles.with_columns(
        pl.lit(article_id).alias("article_id"),
        pl.lit(f"/{article_id}.txt").alias("source_uri"),
        pl.lit(body).alias("body_clean"),
        pl.lit(len(body)).alias("char_count"),
    )
    uri = f"/{article_id}.txt"
    sources = pl.DataFrame({"article_id": [article_id], "source_uri": [uri], "input_uri": [uri], "input_hash": ["h"]})
    raw = pl.DataFrame(
        {
            "article_id": [article_id] * len(names),
            "start_char": [body.index(surface) for surface, _ in names],
            "end_char": [body.index(surface) + len(surface) for surface, _ in names],
            "surface": [surface for surface, _ in names],
            "model_label": [label for _, label in names],
            "method": ["model:test"] * len(names),
        },
        schema=MENTION_SCHEMA,
    )
    mentions = canonicalize_mentions(raw).with_columns(pl.lit(0, dtype=pl.Int32).alias("sentence_no"))
    return article, sources, mentions


NO_LINES = empty_batch().removed_lines.clear()


def load_articles(path: str, articles: list[tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]]) -> None:
    """Load each article in its own batch, in the given order, then refresh the entities as a run's end does."""
    for article, sources, mentions in articles:
        batch = empty_batch(articles=article, article_sources=sources, entity_mentions=mentions, removed_lines=NO_LINES)
        warehouse.load_batch(path, "r1", "test", batch)
    warehouse.refresh_entities(path, "test")


NETANYAHU_FULL = tagged_article("a1", "Benjamin Netanyahu met the press.", [("Benjamin Netanyahu", "PERSON")])
NETANYAHU_SHORT = tagged_article("a2", "Netanyahu spoke in Jerusalem.", [("Netanyahu", "PERSON"), ("Jerusalem", "GPE")])
BILL_CLINTON = tagged_article("b1", "Bill Clinton gave a speech.", [("Bill Clinton", "PERSON")])
HILLARY_CLINTON = tagged_article("b2", "Hillary Clinton gave a speech.", [("Hillary Clinton", "PERSON")])
CLINTON_SHORT = tagged_article("b3", "Clinton was not there.", [("Clinton", "PERSON")])


def entity_rows(path: str) -> list[tuple]:
    sql = "select canonical_name, entity_type, entity_key, mention_count, article_count from entities order by all"
    return warehouse.query(path, sql)[1]


CUT_SHORT_BODY = "WHO said so. The World Health Organization (WHO) met."
CUT_SHORT_NAMES = [("WHO", "ORG"), ("World Health Organization (WHO", "ORG")]


def test_a_name_an_earlier_version_cut_short_inside_brackets_is_not_the_canonical_name(tmp_path, monkeypatch):
    from transforms import entities

    # Before version 0.3.2 a span the model ended inside brackets was loaded as it was.
    monkeypatch.setattr(entities, "_trim_unclosed_brackets", lambda mentions: mentions)
    path = str(tmp_path / "w.duckdb")
    load_articles(path, [tagged_article("w1", CUT_SHORT_BODY, CUT_SHORT_NAMES)])
    assert entity_rows(path) == [("WHO", "ORG", "world health organization who", 2, 1)]


def test_a_name_cut_short_inside_brackets_is_loaded_without_them(tmp_path):
    path = str(tmp_path / "w.duckdb")
    load_articles(path, [tagged_article("w1", CUT_SHORT_BODY, CUT_SHORT_NAMES)])
    assert entity_rows(path) == [
        ("WHO", "ORG", "who", 1, 1),
        ("World Health Organization", "ORG", "world health organization", 1, 1),
    ]


def test_a_surname_alone_in_an_article_joins_the_one_full_name_in_the_warehouse(tmp_path):
    path = str(tmp_path / "w.duckdb")
    load_articles(path, [NETANYAHU_FULL, NETANYAHU_SHORT])
    assert entity_rows(path) == [
        ("Benjamin Netanyahu", "PERSON", "benjamin netanyahu", 2, 2),
        ("Jerusalem", "LOC", "jerusalem", 1, 1),
    ]
    links = """
        select short_form.entity_key, full_name.entity_key, entity_links.reason
        from entity_links
        inner join entity_keys as short_form using (entity_id)
        inner join entity_keys as full_name on full_name.entity_id = entity_links.linked_entity_id
    """
    assert warehouse.query(path, links)[1] == [("netanyahu", "benjamin netanyahu", "only_full_name")]
    # The mention keeps the entity its own article gave it beside the one the warehouse resolves it to.
    keys = """
        select m.surface, own.entity_key, resolved.entity_key
        from entity_mentions as m
        inner join entity_keys as own on own.entity_id = m.article_entity_id
        inner join entity_keys as resolved on resolved.entity_id = m.entity_id
        where m.article_id = 'a2'
        order by m.start_char
    """
    assert warehouse.query(path, keys)[1] == [
        ("Netanyahu", "netanyahu", "benjamin netanyahu"),
        ("Jerusalem", "jerusalem", "jerusalem"),
    ]
    assert warehouse.query(path, "select canonical_name, article_id from article_entities order by all")[1] == [
        ("Benjamin Netanyahu", "a1"), ("Benjamin Netanyahu", "a2"), ("Jerusalem", "a2"),
    ]  # fmt: skip
    pairs = "select canonical_name_a, canonical_name_b, article_count from entity_cooccurrence"
    assert warehouse.query(path, pairs)[1] == [("Benjamin Netanyahu", "Jerusalem", 1)]
    assert set(warehouse.run_checks(path).values()) == {0}


def test_a_surname_two_full_names_in_the_warehouse_share_stays_its_own_entity(tmp_path):
    path = str(tmp_path / "w.duckdb")
    load_articles(path, [BILL_CLINTON, HILLARY_CLINTON, CLINTON_SHORT])
    assert entity_rows(path) == [
        ("Bill Clinton", "PERSON", "bill clinton", 1, 1),
        ("Clinton", "PERSON", "clinton", 1, 1),
        ("Hillary Clinton", "PERSON", "hillary clinton", 1, 1),
    ]
    assert warehouse.query(path, "select count(*) from entity_links")[1] == [(0,)]
    assert set(warehouse.run_checks(path).values()) == {0}


def test_a_second_full_name_arriving_later_undoes_the_link(tmp_path):
    path = str(tmp_path / "w.duckdb")
    load_articles(path, [BILL_CLINTON, CLINTON_SHORT])
    assert entity_rows(path) == [("Bill Clinton", "PERSON", "bill clinton", 2, 2)]
    load_articles(path, [HILLARY_CLINTON])
    assert [row[0] for row in entity_rows(path)] == ["Bill Clinton", "Clinton", "Hillary Clinton"]
    assert set(warehouse.run_checks(path).values()) == {0}


def test_an_article_that_writes_the_full_name_beside_two_people_keeps_its_own_decision(tmp_path):
    # "Mr Howard" and "Mrs Howard" beside "Michael Howard": the article shows two Howards, so its bare "Howard"
    # stays apart there, while "Howard" alone in another article joins the warehouse's one Michael Howard.
    path = str(tmp_path / "w.duckdb")
    body = "Michael Howard and his wife: Mr Howard thanked Mrs Howard."
    both = tagged_article("h1", body, [("Michael Howard", "PERSON"), ("Mr Howard", "PERSON"), ("Mrs Howard", "PERSON")])
    alone = tagged_article("h2", "Howard said no.", [("Howard", "PERSON")])
    load_articles(path, [both, alone])
    names = "select m.article_id, m.surface, e.canonical_name from entity_mentions as m inner join entities as e using (entity_id)"
    assert warehouse.query(path, names + " order by all")[1] == [
        ("h1", "Howard", "Howard"),
        ("h1", "Howard", "Howard"),
        ("h1", "Michael Howard", "Michael Howard"),
        ("h2", "Howard", "Michael Howard"),
    ]
    assert set(warehouse.run_checks(path).values()) == {0}


@pytest.mark.parametrize("order", [(0, 1, 2, 3, 4), (4, 3, 2, 1, 0), (2, 4, 0, 3, 1)])
def test_entity_tables_do_not_depend_on_load_order_and_a_refresh_changes_nothing(tmp_path, order):
    articles = [NETANYAHU_FULL, NETANYAHU_SHORT, BILL_CLINTON, HILLARY_CLINTON, CLINTON_SHORT]
    reference, path = str(tmp_path / "reference.duckdb"), str(tmp_path / "w.duckdb")
    load_articles(reference, articles)
    load_articles(path, [articles[index] for index in order])

    def tables(at: str) -> list[list[tuple]]:
        return [
            warehouse.query(at, "select article_id, start_char, entity_id, article_entity_id from entity_mentions order by all")[1],
            warehouse.query(at, "select * exclude (first_seen_at, last_seen_at) from entities order by all")[1],
            warehouse.query(at, "select * from entity_aliases order by all")[1],
            warehouse.query(at, "select * from entity_links order by all")[1],
            warehouse.query(at, "select * from entity_keys order by all")[1],
        ]

    assert tables(path) == tables(reference)
    warehouse.refresh_entities(path, "test")
    assert tables(path) == tables(reference)


def test_link_across_articles_applies_the_warehouse_rule_to_a_frame():
    mentions = pl.concat([NETANYAHU_SHORT[2], NETANYAHU_FULL[2], CLINTON_SHORT[2]])
    linked = warehouse.link_across_articles(mentions)
    assert linked.columns == mentions.columns
    assert linked.select("article_id", "surface", "entity_key").rows() == [
        ("a2", "Netanyahu", "benjamin netanyahu"),
        ("a2", "Jerusalem", "jerusalem"),
        ("a1", "Benjamin Netanyahu", "benjamin netanyahu"),
        ("b3", "Clinton", "clinton"),
    ]
    assert linked.filter(pl.col("surface") == "Netanyahu")["entity_id"].item() == NETANYAHU_FULL[2]["entity_id"].item()


@pytest.mark.parametrize(
    ("names", "keys"),
    [
        # Every full name ending with it is part of the longest: linked to the longest. A key of two words is a name
        # already and is not linked on.
        (
            [("Recep Tayyip Erdoğan", "PERSON"), ("Tayyip Erdoğan", "PERSON"), ("Erdoğan", "PERSON")],
            ["recep tayyip erdogan", "tayyip erdogan", "recep tayyip erdogan"],
        ),
        ([("Tory Liam Fox", "PERSON"), ("Liam Fox", "PERSON")], ["tory liam fox", "liam fox"]),
        # A word that starts more full names than it ends is a given name.
        (
            [("Michael Howard", "PERSON"), ("Michael Heseltine", "PERSON"), ("Alun Michael", "PERSON"), ("Michael", "PERSON")],
            ["michael howard", "michael heseltine", "alun michael", "michael"],
        ),
        # Two full names, one with a middle initial: neither is part of the other, so "Trump" is ambiguous.
        ([("Donald J. Trump", "PERSON"), ("Donald Trump", "PERSON"), ("Trump", "PERSON")], ["donald j trump", "donald trump", "trump"]),
        # Places are not linked: "Korea" is not silently "South Korea".
        ([("South Korea", "GPE"), ("Korea", "GPE")], ["south korea", "korea"]),
        # Nor organisations: a bare "Commission" is any of several.
        ([("European Commission", "ORG"), ("Commission", "ORG")], ["european commission", "commission"]),
        # A connector makes the longer name another thing's.
        ([("Citra Group of Suharto", "PERSON"), ("Suharto", "PERSON")], ["citra group of suharto", "suharto"]),
    ],
)
def test_cross_article_link_rules(names, keys):
    # One article per name, so only the cross-article rule can link them.
    mentions = pl.concat([tagged_article(f"x{number}", f"{surface} was here.", [(surface, label)])[2] for number, (surface, label) in enumerate(names)])
    assert warehouse.link_across_articles(mentions)["entity_key"].to_list() == keys


def test_migration_005_keeps_mentions_loaded_before_it_as_their_article_gave_them(tmp_path, monkeypatch):
    earlier = tmp_path / "migrations"
    earlier.mkdir()
    for migration in sorted(warehouse.MIGRATIONS_DIR.glob("00[1-4]_*.sql")):
        (earlier / migration.name).write_text(migration.read_text(encoding="utf-8"), encoding="utf-8")
    path = tmp_path / "w.duckdb"
    monkeypatch.setattr(warehouse, "MIGRATIONS_DIR", earlier)
    # Today's views read tables later migrations add; a warehouse at 004 had the views of its day.
    monkeypatch.setattr(warehouse, "VIEWS_DIR", tmp_path / "no_views")
    with warehouse.connect(path) as con:
        con.execute("insert into entity_mentions values ('a1', 'e1', 'Ankara', 0, 6, 'LOC', 'GPE', 'model:test', 0)")
    monkeypatch.undo()
    with warehouse.connect(path) as con:
        assert con.execute("select entity_id, article_entity_id from entity_mentions").fetchall() == [("e1", "e1")]
        assert con.execute("select count(*) from entity_links").fetchall() == [(0,)]


def sourced_article(article_id: str, body: str, folder: str = "/feeds/daily", outlet: str | None = None, url: str | None = None) -> tuple[pl.DataFrame, ...]:
    """(articles, article_sources, no mentions) of one article with `body`, read from a file in `folder`."""
    uri = f"{folder}/{article_id}.txt"
    article = empty_batch().articles.with_columns(
        pl.lit(article_id).alias("article_id"),
        pl.lit(uri).alias("source_uri"),
        pl.lit(body).alias("body_clean"),
        pl.lit(len(body)).alias("char_count"),
        pl.lit(outlet, dtype=pl.String).alias("outlet"),
        pl.lit(url, dtype=pl.String).alias("url"),
    )
    sources = pl.DataFrame({"article_id": [article_id], "source_uri": [uri], "input_uri": [uri], "input_hash": ["h"]})
    return article, sources, empty_batch().entity_mentions.clear()


def load_and_derive(path: str, articles: list[tuple[pl.DataFrame, ...]]) -> int:
    for article, sources, mentions in articles:
        batch = empty_batch(articles=article, article_sources=sources, entity_mentions=mentions, removed_lines=NO_LINES)
        warehouse.load_batch(path, "r1", "test", batch)
    return warehouse.refresh_repeated_lines(path, "test")


CONTACT = "Reporting by Ama Owusu; email ama.owusu@example.org"


TOPICS = ("budget", "schools", "roads", "housing", "water", "parks", "buses")


def story(number: int, last_line: str = CONTACT) -> str:
    # Only digits would not make the lines differ: a line's key ignores them.
    topic = TOPICS[number]
    return f"The council met to discuss the {topic}.\nIts plan for the {topic} passed.\n{last_line}"


@pytest.mark.parametrize("sharing, repeated", [(4, 0), (5, 5)])
def test_a_line_five_articles_of_a_source_share_is_repeated_and_four_is_not(tmp_path, sharing, repeated):
    path = str(tmp_path / "w.duckdb")
    articles = [sourced_article(f"a{number}", story(number)) for number in range(sharing)]
    assert load_and_derive(path, articles) == repeated
    rows = warehouse.query(path, "select article_id, line_no, start_char, text, source_key, reason from article_repeated_lines order by all")[1]
    expected = [
        (f"a{number}", 3, story(number).index(CONTACT), CONTACT, "folder:/feeds/daily", "repeated_in_source") for number in range(sharing)
    ]
    assert rows == (expected if repeated else [])
    text = warehouse.query(path, "select body_text, has_repeated_lines from article_text where article_id = 'a0'")[1]
    assert text == [(story(0).rsplit("\n", 1)[0], True)] if repeated else [(story(0), False)]
    assert set(warehouse.run_checks(path).values()) == {0}


def test_case_digits_and_punctuation_do_not_tell_repeated_lines_apart(tmp_path):
    path = str(tmp_path / "w.duckdb")
    variants = ["Subscribe to The Daily Brief, 2021 edition", "subscribe to the daily brief - 2022 edition!", "SUBSCRIBE TO THE DAILY BRIEF 2023 EDITION"]
    articles = [sourced_article(f"a{number}", story(number, variants[number % 3])) for number in range(5)]
    assert load_and_derive(path, articles) == 5
    assert warehouse.query(path, "select source_key, line_text, article_count from repeated_lines")[1] == [
        ("folder:/feeds/daily", "SUBSCRIBE TO THE DAILY BRIEF 2023 EDITION", 5)
    ]


@pytest.mark.parametrize(
    "where",
    [
        # Three from one folder and two from another: no source has five.
        [{"folder": "/feeds/a"}] * 3 + [{"folder": "/feeds/b"}] * 2,
        # The outlet the input names is the source, whatever folder the files are in.
        [{"folder": "/feeds/a", "outlet": "Daily Herald"}] * 3 + [{"folder": "/feeds/a", "outlet": "Evening Post"}] * 2,
        # Else the host of the article's url.
        [{"url": "https://www.herald.example/news/1"}] * 3 + [{"url": "https://post.example/2"}] * 2,
    ],
)
def test_lines_are_counted_within_one_source(tmp_path, where):
    path = str(tmp_path / "w.duckdb")
    assert load_and_derive(path, [sourced_article(f"a{number}", story(number), **place) for number, place in enumerate(where)]) == 0


def test_the_source_key_is_the_outlet_else_the_url_host_else_the_folder(tmp_path):
    path = str(tmp_path / "w.duckdb")
    articles = [
        sourced_article("a1", "x", outlet=" Daily Herald ", url="https://herald.example/1"),
        sourced_article("a2", "y", url="https://user@www.Herald.example:8080/news?id=2"),
        sourced_article("a3", "z", folder="/data/scrapes/post"),
    ]
    load_and_derive(path, articles)
    assert warehouse.query(path, "select * from article_source_keys order by article_id")[1] == [
        ("a1", "outlet:daily herald"), ("a2", "host:herald.example"), ("a3", "folder:/data/scrapes/post")
    ]  # fmt: skip


@pytest.mark.parametrize(
    "line",
    [
        "x" * 150 + " and then some more words " + "y" * 30,  # longer than REPEATED_LINE_MAX_CHARS: a shared paragraph
        "2000 GMT",  # a field's value, not a template
        "Isidingo",
    ],
)
def test_long_lines_and_lines_without_two_words_are_never_repeated_lines(tmp_path, line):
    path = str(tmp_path / "w.duckdb")
    assert load_and_derive(path, [sourced_article(f"a{number}", story(number, line)) for number in range(6)]) == 0


def test_an_article_made_only_of_repeated_lines_keeps_its_text(tmp_path):
    path = str(tmp_path / "w.duckdb")
    articles = [sourced_article(f"a{number}", story(number)) for number in range(5)] + [sourced_article("stub", CONTACT)]
    assert load_and_derive(path, articles) == 5
    assert warehouse.query(path, "select body_text, has_repeated_lines from article_text where article_id = 'stub'")[1] == [(CONTACT, False)]
    assert warehouse.query(path, "select article_count from repeated_lines")[1] == [(6,)]


@pytest.mark.parametrize("order", [(0, 1, 2, 3, 4, 5), (5, 4, 3, 2, 1, 0), (3, 0, 5, 1, 4, 2)])
def test_repeated_lines_do_not_depend_on_load_order_and_follow_deletions(tmp_path, order):
    articles = [sourced_article(f"a{number}", story(number)) for number in range(6)]
    reference, path = str(tmp_path / "reference.duckdb"), str(tmp_path / "w.duckdb")
    load_and_derive(reference, articles)
    # In two runs, each deriving from what it has: the second run's answer is the whole warehouse's.
    load_and_derive(path, [articles[index] for index in order[:3]])
    load_and_derive(path, [articles[index] for index in order[3:]])

    def tables(at: str) -> list[list[tuple]]:
        return [
            warehouse.query(at, "select * from article_lines order by all")[1],
            warehouse.query(at, "select * from repeated_lines order by all")[1],
            warehouse.query(at, "select * from article_repeated_lines order by all")[1],
        ]

    assert tables(path) == tables(reference)
    assert warehouse.repeated_line_count(path) == 6
    # An article leaving (a changed input) can take a line below the threshold again.
    with warehouse.connect(path) as con:
        con.execute("delete from articles where article_id = 'a0'")
        con.execute("delete from article_sources where article_id = 'a0'")
    assert not warehouse.repeated_lines_are_current(path, "test")
    assert warehouse.refresh_repeated_lines(path, "test") == 5
    with warehouse.connect(path) as con:
        con.execute("delete from articles where article_id = 'a1'")
        con.execute("delete from article_sources where article_id = 'a1'")
    assert warehouse.refresh_repeated_lines(path, "test") == 0
    assert warehouse.query(path, "select count(*) from article_lines where article_id in ('a0', 'a1')")[1] == [(0,)]
    assert set(warehouse.run_checks(path).values()) == {0}


def test_only_the_sources_whose_articles_changed_are_derived_again(tmp_path):
    path = str(tmp_path / "w.duckdb")
    daily, weekly = "folder:/feeds/daily", "folder:/feeds/weekly"
    digest = "Weekly digest from the county desk"
    assert load_and_derive(path, [sourced_article(f"a{number}", story(number)) for number in range(5)]) == 5
    # A value only deriving the daily folder again would overwrite.
    with warehouse.connect(path) as con:
        con.execute("update repeated_lines set line_text = 'as derived before' where source_key = ?", [daily])

    def repeated() -> list[tuple]:
        return warehouse.query(path, "select source_key, line_text, article_count from repeated_lines order by all")[1]

    weekly_articles = [sourced_article(f"w{number}", story(number, digest), folder="/feeds/weekly") for number in range(5)]
    assert load_and_derive(path, weekly_articles) == 10
    assert repeated() == [(daily, "as derived before", 5), (weekly, digest, 5)]
    # One more daily article: the daily folder is derived again, from all of its articles.
    assert load_and_derive(path, [sourced_article("a5", story(5))]) == 11
    assert repeated() == [(daily, CONTACT, 6), (weekly, digest, 5)]
    # The weekly folder's articles gone (changed inputs): so are its lines.
    with warehouse.connect(path) as con:
        con.execute("delete from articles where source_uri like '/feeds/weekly/%'")
        con.execute("delete from article_sources where source_uri like '/feeds/weekly/%'")
    assert warehouse.refresh_repeated_lines(path, "test") == 6
    assert repeated() == [(daily, CONTACT, 6)]
    assert warehouse.query(path, "select source_key, count(*) from repetition_sources group by all")[1] == [(daily, 1)]
    # Another pipeline version derives every source again, changed or not.
    with warehouse.connect(path) as con:
        con.execute("update repeated_lines set line_text = 'as derived before' where source_key = ?", [daily])
    assert warehouse.refresh_repeated_lines(path, "another version") == 6
    assert repeated() == [(daily, CONTACT, 6)]
    assert set(warehouse.run_checks(path).values()) == {0}


def test_repeated_lines_marked_part_by_part_are_those_marked_at_once(tmp_path, monkeypatch):
    articles = [sourced_article(f"a{number}", story(number)) for number in range(7)] + [sourced_article("stub", CONTACT)]
    whole, parted = str(tmp_path / "whole.duckdb"), str(tmp_path / "parted.duckdb")
    assert load_and_derive(whole, articles) == 7
    # Eight articles at two a part: four parts by rowid, the stub (all repeated lines) judged within its part.
    monkeypatch.setattr(warehouse, "ARTICLES_PER_PART", 2)
    assert load_and_derive(parted, articles) == 7

    def same_tables() -> None:
        for table in ("article_lines", "repeated_lines", "article_repeated_lines"):
            assert warehouse.query(parted, f"select * from {table} order by all")[1] == warehouse.query(whole, f"select * from {table} order by all")[1]

    same_tables()
    # Deleted articles leave gaps in the rowids: the parts still cover every article left, once, and a new one.
    for path in (whole, parted):
        with warehouse.connect(path) as con:
            con.execute("delete from articles where article_id in ('a0', 'a3')")
            con.execute("delete from article_sources where article_id in ('a0', 'a3')")
        assert load_and_derive(path, [sourced_article("a7", story(0))]) == 6
    same_tables()
    assert set(warehouse.run_checks(parted).values()) == {0}


@pytest.mark.parametrize("articles_per_part", [10_000, 2])
def test_checks_run_part_by_part_count_each_failing_row_once(tmp_path, monkeypatch, articles_per_part):
    path = str(tmp_path / "w.duckdb")
    monkeypatch.setattr(warehouse, "ARTICLES_PER_PART", articles_per_part)
    assert load_and_derive(path, [sourced_article(f"a{number}", story(number)) for number in range(7)]) == 7
    with warehouse.connect(path) as con:
        con.execute("update article_repeated_lines set text = 'moved' where article_id in ('a1', 'a4', 'a6')")
        con.execute("delete from repeated_lines")  # every article's contact line is now unsourced
        con.execute("insert into entity_mentions (article_id, entity_id, surface, start_char, end_char, entity_type, model_label, method) values ('a2', 'e', 'Nowhere', 0, 7, 'LOC', 'GPE', 'model:test')")
    results = warehouse.run_checks(path)
    assert (results["assert_repeated_lines_match_body"], results["assert_mention_offsets_match_body"]) == (3 + 7, 1)


def spelled(number: int) -> str:
    """`number` in letters, as a line's key ignores digits: 0 -> "a", 26 -> "ab"."""
    letters = ""
    while True:
        number, digit = divmod(number, 26)
        letters += chr(ord("a") + digit)
        if not number:
            return letters


SIGN_UP = "Sign up for the evening newsletter"
STORY_LINES = 25


def printed_story(story: int, edition: int) -> str:
    """One edition of a story: a lead line of its own, then the story's lines and the folder's sign-up line, which
    every edition shares."""
    lines = [f"Story {spelled(story)} line {spelled(line)} tells more" for line in range(STORY_LINES)]
    return "\n".join([f"Edition {spelled(edition)} of story {spelled(story)} leads", *lines, SIGN_UP])


def load_in_batches(path: str, articles: list[tuple[pl.DataFrame, ...]]) -> None:
    for first in range(0, len(articles), 2000):
        batch = articles[first : first + 2000]
        frames = [pl.concat([article[part] for article in batch]) for part in range(3)]
        warehouse.load_batch(path, "r1", "test", empty_batch(articles=frames[0], article_sources=frames[1], entity_mentions=frames[2], removed_lines=NO_LINES))


def test_articles_added_to_a_source_of_many_repeated_lines_are_derived_within_the_memory_limit(tmp_path, monkeypatch):
    # One folder printing 300 stories in 10 editions: 7,501 repeated lines over 3,000 articles. Deriving again after
    # 30 more editions once paired every repeated line with every article of the folder (the optimizer joined the
    # repeated lines to the articles' sources on the source alone) and ran out of 128 MB.
    monkeypatch.setattr(warehouse, "DUCKDB_MEMORY_LIMIT", "128MB")
    path = str(tmp_path / "w.duckdb")
    editions = [sourced_article(f"s{story}e{edition}", printed_story(story, edition)) for edition in range(10) for story in range(300)]
    load_in_batches(path, editions)
    assert warehouse.refresh_repeated_lines(path, "test") == 3000 * (STORY_LINES + 1)
    load_in_batches(path, [sourced_article(f"s{story}e10", printed_story(story, 10)) for story in range(30)])
    assert warehouse.refresh_repeated_lines(path, "test") == 3030 * (STORY_LINES + 1)
    assert warehouse.query(path, "select count(*), sum(article_count) from repeated_lines")[1] == [(300 * STORY_LINES + 1, 300 * STORY_LINES * 10 + 30 * STORY_LINES + 3030)]
    assert set(warehouse.run_checks(path).values()) == {0}


def test_repeated_lines_are_current_until_an_article_comes_or_the_version_changes(tmp_path):
    path = str(tmp_path / "w.duckdb")
    warehouse.start_run(path, "r1", ["/x"], "test")
    assert not warehouse.repeated_lines_are_current(path, "test")  # never derived
    load_and_derive(path, [sourced_article("a1", story(1))])
    assert warehouse.repeated_lines_are_current(path, "test")
    assert not warehouse.repeated_lines_are_current(path, "another version")
    load_and_derive(path, [])
    assert warehouse.repeated_lines_are_current(path, "test")
    warehouse.load_batch(path, "r1", "test", empty_batch(articles=sourced_article("a2", story(2))[0], removed_lines=NO_LINES))
    assert not warehouse.repeated_lines_are_current(path, "test")


def test_another_length_limit_keys_every_line_again(tmp_path, monkeypatch):
    path = str(tmp_path / "w.duckdb")
    assert load_and_derive(path, [sourced_article(f"a{number}", story(number)) for number in range(5)]) == 5
    monkeypatch.setattr(warehouse, "REPEATED_LINE_MAX_CHARS", len(CONTACT) - 1)
    assert warehouse.refresh_repeated_lines(path, "test") == 0
    assert warehouse.query(path, "select count(line_hash) from article_lines where line_chars = $chars", {"chars": len(CONTACT)})[1] == [(0,)]
    monkeypatch.undo()
    assert warehouse.refresh_repeated_lines(path, "test") == 5


def test_the_hold_between_reader_windows_comes_from_the_environment():
    import subprocess
    import sys

    def hold_seconds(env: dict[str, str]) -> str:
        code = "from flows import warehouse; print(warehouse.HOLD_SECONDS)"
        clean = {name: value for name, value in os.environ.items() if name != "NEWS_ETL_HOLD_SECONDS"}
        return subprocess.run([sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True, check=True).stdout.strip()

    assert hold_seconds({}) == "30.0"
    assert hold_seconds({"NEWS_ETL_HOLD_SECONDS": "1.5"}) == "1.5"


KEYED_BEFORE_009 = {
    "articles", "removed_lines", "related_headlines", "entity_mentions", "input_files", "article_sources", "entity_keys",
    "article_lines", "article_repeated_lines",
}  # fmt: skip


def table_snapshot(con: duckdb.DuckDBPyConnection) -> dict[str, tuple]:
    """Every base table's columns (name, type, nullable, in order) and rows, sorted."""
    tables = [row[0] for row in con.execute("select table_name from duckdb_tables() where not internal order by table_name").fetchall()]
    snapshot = {}
    for table in tables:
        columns = con.execute(
            "select column_name, data_type, is_nullable from duckdb_columns() where table_name = ? order by column_index", [table]
        ).fetchall()
        rows = con.execute(f"select * exclude (applied_at) from {table}" if table == "schema_migrations" else f"select * from {table}").fetchall()
        snapshot[table] = (columns, sorted(rows, key=repr))
    return snapshot


def primary_keys(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {row[0] for row in con.execute("select table_name from duckdb_constraints() where constraint_type = 'PRIMARY KEY'").fetchall()}


def test_migration_009_keeps_every_column_and_row_and_drops_only_the_key_indexes(tmp_path, monkeypatch):
    # The migrations before 009, then those up to it: later ones may change the tables again.
    earlier, through_009 = tmp_path / "before_009", tmp_path / "through_009"
    for folder, names in ((earlier, "00[1-8]_*.sql"), (through_009, "00[1-9]_*.sql")):
        folder.mkdir()
        for migration in sorted(warehouse.MIGRATIONS_DIR.glob(names)):
            (folder / migration.name).write_text(migration.read_text(encoding="utf-8"), encoding="utf-8")
    path = str(tmp_path / "w.duckdb")
    monkeypatch.setattr(warehouse, "MIGRATIONS_DIR", earlier)
    warehouse.start_run(path, "r1", ["/x"], "test")
    article, sources, _ = sourced_article("a2", "Ankara is a city.\nShare this story.")
    warehouse.load_batch(path, "r1", "test", empty_batch())
    warehouse.load_batch(path, "r1", "test", empty_batch(articles=article, article_sources=sources, removed_lines=NO_LINES))
    # Today's refresh records each source's articles in a table of migration 012: there for the refresh only.
    with warehouse.connect(path) as con:
        con.execute((warehouse.SQL_DIR / "migrations" / "012_repetition_sources.sql").read_text(encoding="utf-8"))
    warehouse.refresh_repeated_lines(path, "test")
    warehouse.refresh_entities(path, "test")
    with warehouse.connect(path) as con:
        con.execute("drop table repetition_sources")
        before = table_snapshot(con)
        assert KEYED_BEFORE_009 <= primary_keys(con)
    monkeypatch.setattr(warehouse, "MIGRATIONS_DIR", through_009)
    with warehouse.connect(path) as con:
        after = table_snapshot(con)
        assert primary_keys(con) == {"runs", "derived_state", "schema_migrations", "entity_links", "repeated_lines"}
    migrations = after.pop("schema_migrations")
    assert migrations[1] == [*before.pop("schema_migrations")[1], ("009_keys_without_indexes",)]
    assert after == before
    rows = {table: len(after[table][1]) for table in ("articles", "article_sources", "article_lines", "entity_mentions", "input_files")}
    assert rows == {"articles": 2, "article_sources": 2, "article_lines": 3, "entity_mentions": 1, "input_files": 1}


def test_keys_stay_unique_when_batches_load_again_and_the_check_catches_a_duplicate(tmp_path):
    path = str(tmp_path / "w.duckdb")
    warehouse.start_run(path, "r1", ["/x"], "test")
    warehouse.load_batch(path, "r1", "test", empty_batch())
    warehouse.load_batch(path, "r1", "test", empty_batch())
    changed_input = empty_batch().input_files.with_columns(pl.lit("h2").alias("content_hash"), pl.lit(12).alias("size_bytes"))
    changed_source = empty_batch().article_sources.with_columns(pl.lit("h2").alias("input_hash"))
    warehouse.load_batch(path, "r2", "test", empty_batch(input_files=changed_input, article_sources=changed_source))
    warehouse.refresh_repeated_lines(path, "test")
    assert warehouse.query(path, "select source_uri, size_bytes, content_hash, run_id from input_files")[1] == [("/x.txt", 12, "h2", "r2")]
    # The changed input's new version replaces the old one's sources.
    assert warehouse.query(path, "select source_uri, input_hash, run_id from article_sources")[1] == [("/x.txt", "h2", "r2")]
    assert warehouse.query(path, "select (select count(*) from removed_lines), (select count(*) from entity_keys), (select count(*) from article_lines)")[1] == [(1, 1, 1)]
    assert warehouse.run_checks(path)["assert_unique_keys"] == 0
    with warehouse.connect(path) as con:
        con.execute("insert into removed_lines select * from removed_lines")
        con.execute("insert into entity_keys select * from entity_keys")
    assert warehouse.run_checks(path)["assert_unique_keys"] == 2


def test_a_replaced_article_takes_away_the_keys_only_it_mentioned(tmp_path):
    path = str(tmp_path / "w.duckdb")

    def batch(article_id: str, uri: str, input_hash: str, entity_ids: list[str]) -> warehouse.LoadBatch:
        article, sources, _ = sourced_article(article_id, "Ankara and Izmir are cities.")
        sources = sources.with_columns(pl.lit(uri).alias("source_uri"), pl.lit(uri).alias("input_uri"), pl.lit(input_hash).alias("input_hash"))
        mentions = pl.concat(
            [empty_batch().entity_mentions.with_columns(pl.lit(article_id).alias("article_id"), pl.lit(entity_id).alias("entity_id"),
                                                        pl.lit(entity_id).alias("entity_key"), pl.lit(10 * number).alias("start_char"))
             for number, entity_id in enumerate(entity_ids)]
        )  # fmt: skip
        inputs = empty_batch().input_files.with_columns(pl.lit(uri).alias("source_uri"), pl.lit(input_hash).alias("content_hash"))
        return empty_batch(articles=article, article_sources=sources, entity_mentions=mentions, removed_lines=NO_LINES, input_files=inputs)

    warehouse.load_batch(path, "r1", "test", batch("a1", "/x.txt", "h", ["e1", "e3"]))
    warehouse.load_batch(path, "r1", "test", batch("a3", "/y.txt", "h", ["e3"]))
    # /x.txt changed: a1 goes; e1 only it mentioned goes with it, e3 that a3 mentions too stays.
    warehouse.load_batch(path, "r2", "test", batch("a2", "/x.txt", "h2", ["e2"]))
    assert warehouse.query(path, "select entity_id from entity_keys order by entity_id")[1] == [("e2",), ("e3",)]
    assert warehouse.query(path, "select article_id from articles order by article_id")[1] == [("a2",), ("a3",)]

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
        "agencies": ["AP"], "body_clean": "Ankara is a city.", "char_count": 17, "word_count": 4,
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
    warehouse.refresh_entities(path)
    counts = warehouse.query(path, "select (select count(*) from articles), (select count(*) from removed_lines), (select count(*) from entity_mentions), (select count(*) from input_files)")[1]
    assert counts == [(1, 1, 1, 1)]
    assert warehouse.query(path, "select canonical_name, entity_type, mention_count, article_count from entities")[1] == [("Ankara", "LOC", 1, 1)]
    assert set(warehouse.run_checks(path).values()) == {0}


def test_a_failing_batch_leaves_nothing_behind(tmp_path):
    path = str(tmp_path / "w.duckdb")
    broken_mentions = pl.DataFrame({"article_id": ["a1"], "entity_id": [None], "entity_key": ["k"], "entity_type": ["LOC"], "surface": ["Ankara"],
                                    "start_char": [0], "end_char": [6], "sentence_no": [0], "model_label": ["GPE"], "method": ["m"]}, schema_overrides={"entity_id": pl.String})  # fmt: skip
    with pytest.raises(duckdb.ConstraintException):
        warehouse.load_batch(path, "r1", "test", empty_batch(entity_mentions=broken_mentions))
    assert warehouse.query(path, "select (select count(*) from articles), (select count(*) from removed_lines), (select count(*) from input_files)")[1] == [(0, 0, 0)]


def test_a_locked_warehouse_is_waited_for_then_reported(tmp_path, monkeypatch):
    import multiprocessing

    path = tmp_path / "w.duckdb"
    with warehouse.connect(path):
        pass
    context = multiprocessing.get_context("spawn")
    ready, release = context.Event(), context.Event()
    holder = context.Process(target=_hold_lock, args=(str(path), ready, release))
    holder.start()
    try:
        assert ready.wait(60)
        monkeypatch.setattr(warehouse, "LOCK_WAIT_SECONDS", 1.0)
        with pytest.raises(warehouse.WarehouseLocked, match="in use by another process; waited 1 s"):
            with warehouse.connect(path):
                pass
    finally:
        release.set()
        holder.join(60)


def _hold_lock(path: str, ready, release) -> None:
    con = duckdb.connect(path)
    ready.set()
    release.wait(60)
    con.close()


def test_gazetteer_mentions_follow_the_names_models_found(tmp_path):
    from transforms.entities import match_known_entities, stable_id

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
        known = warehouse.known_names(path)
        found = pl.concat([match_known_entities(chunk, known) for chunk in warehouse.gazetteer_articles(path, chunk_size=1)])
        found = found.with_columns(pl.lit(0, dtype=pl.Int32).alias("sentence_no"))
        warehouse.replace_gazetteer_mentions(path, found)
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

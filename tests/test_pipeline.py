"""End to end: real Prefect flow runs into real DuckDB files, with the real spaCy models."""

import shutil
from pathlib import Path

import duckdb
import pytest

from flows import warehouse
from tests.conftest import GOLDEN_SEED, SEEDS_DIR, run_flow

# How many data checks a run that runs them runs.
EVERY_CHECK = len(list(warehouse.CHECKS_DIR.glob("assert_*.sql")))

# Tables compared between warehouses, with the columns that legitimately differ per run left out.
RUN_SPECIFIC_COLUMNS = {"run_id", "ingested_at", "rejected_at", "seen_at", "first_seen_at", "last_seen_at"}
CONTENT_TABLES = (
    "articles",
    "removed_lines",
    "related_headlines",
    "entity_mentions",
    "entities",
    "entity_aliases",
    "entity_keys",
    "rejected_inputs",
    "input_files",
    "article_lines",
    "repeated_lines",
    "article_repeated_lines",
)


def fetch(path: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def table_contents(path: Path) -> dict[str, list[tuple]]:
    contents = {}
    with duckdb.connect(str(path), read_only=True) as con:
        for table in CONTENT_TABLES:
            columns = [row[0] for row in con.execute(f"describe {table}").fetchall() if row[0] not in RUN_SPECIFIC_COLUMNS]
            column_list = ", ".join(columns)
            contents[table] = con.execute(f"select {column_list} from {table} order by all").fetchall()
    return contents


def golden_article(path: Path) -> dict:
    rows = fetch(
        path,
        "select article_id, body_clean, dateline, agencies, language, language_score from articles where source_uri = ?",
        [str(GOLDEN_SEED.resolve())],
    )
    assert len(rows) == 1
    article_id, body, dateline, agencies, language, score = rows[0]
    return {"article_id": article_id, "body": body, "dateline": dateline, "agencies": agencies, "language": language, "score": score}


def test_golden_body_is_clean(golden_warehouse):
    article = golden_article(golden_warehouse[0])
    assert article["body"].startswith("Turkey and Israel have initiated")
    assert "RELATED NEWS" not in article["body"]
    assert "Follow Us" not in article["body"]
    assert "SOURCE :" not in article["body"]
    assert article["body"].endswith("even as the broader relationship remains fraught.")


def test_golden_removed_lines_keep_their_reasons(golden_warehouse):
    path = golden_warehouse[0]
    article = golden_article(path)
    removed = fetch(path, "select line_no, text, reason from removed_lines where article_id = ? order by line_no", [article["article_id"]])
    assert removed == [
        (3, "RELATED NEWS : Turks protest as opposition remains defiant over Istanbul mayor’s detention", "related_headline"),
        (13, "SOURCE : AP NEWS/TIMES OF ISRAEL | Follow Us: Facebook | Instagram | Twitter | Youtube", "source_credit"),
    ]


def test_golden_metadata_columns(golden_warehouse):
    path = golden_warehouse[0]
    article = golden_article(path)
    assert article["dateline"] == "Istanbul, Turkey"
    assert article["agencies"] == ["AP", "Times of Israel"]
    assert article["language"] == "en"
    assert article["score"] > 0.9
    headlines = fetch(path, "select headline from related_headlines where article_id = ?", [article["article_id"]])
    assert headlines == [("Turks protest as opposition remains defiant over Istanbul mayor’s detention",)]


def test_golden_entities(golden_warehouse):
    path = golden_warehouse[0]
    names = {row[0] for row in fetch(path, "select canonical_name from entities")}
    expected = {
        "Turkey", "Israel", "Syria", "Azerbaijan", "Ankara", "Gaza", "Benjamin Netanyahu", "Hakan Fidan",
        "Donald Trump", "Recep Tayyip Erdoğan", "Bashar al-Assad", "Islamic State",
    }  # fmt: skip
    assert expected <= names


@pytest.mark.parametrize(
    ("short_form", "full_name"),
    [("Netanyahu", "Benjamin Netanyahu"), ("Erdoğan", "Recep Tayyip Erdoğan"), ("Trump", "Donald Trump")],
)
def test_golden_short_forms_join_the_full_name(golden_warehouse, short_form, full_name):
    path = golden_warehouse[0]
    entity_ids = fetch(
        path,
        "select distinct entity_id from entity_mentions where surface in (?, ?)",
        [short_form, full_name],
    )
    assert len(entity_ids) == 1
    canonical = fetch(path, "select canonical_name, entity_type from entities where entity_id = ?", [entity_ids[0][0]])
    assert canonical == [(full_name, "PERSON")]


def test_golden_netanyahu_after_a_title_is_the_same_entity(golden_warehouse):
    path = golden_warehouse[0]
    article = golden_article(path)
    body = article["body"]
    # "Prime Minister Benjamin Netanyahu warned" and "Prime Minister Netanyahu reportedly sought".
    titled = [body.index("Prime Minister Benjamin Netanyahu") + len("Prime Minister "), body.index("Prime Minister Netanyahu") + len("Prime Minister ")]
    rows = fetch(
        path,
        "select distinct entity_id from entity_mentions where article_id = ? and start_char in (?, ?)",
        [article["article_id"], *titled],
    )
    assert len(rows) == 1


def test_golden_turkey_and_turkish_are_different_entities(golden_warehouse):
    rows = fetch(golden_warehouse[0], "select canonical_name, entity_type from entities where canonical_name in ('Turkey', 'Turkish') order by 1")
    assert rows == [("Turkey", "LOC"), ("Turkish", "NORP")]


def test_every_mention_surface_is_its_body_slice(golden_warehouse, seeds_warehouse):
    for path in (golden_warehouse[0], seeds_warehouse[0]):
        rows = fetch(path, "select m.surface, m.start_char, m.end_char, a.body_clean from entity_mentions m join articles a using (article_id)")
        assert rows
        for surface, start, end, body in rows:
            assert body[start:end] == surface


def test_seed_run_counts(seeds_warehouse):
    path, result = seeds_warehouse
    counts = result["counts"]
    assert result["status"] == "completed"
    assert counts["inputs_discovered"] == 12
    assert counts["articles_loaded"] == 12
    assert counts["inputs_rejected"] == 0
    # English and French have models: 5 English + 2 French seeds.
    assert counts["articles_ner"] == 7
    run = fetch(path, "select status, articles_loaded, articles_ner, checks_failed from runs where run_id = ?", [result["run_id"]])
    assert run == [("completed", 12, 7, 0)]


def test_seed_removed_lines_match_author_labels(seeds_warehouse, seeds_expected):
    path = seeds_warehouse[0]
    for name, expected in seeds_expected.items():
        article_id = fetch(path, "select article_id from articles where source_uri = ?", [str((SEEDS_DIR / name).resolve())])[0][0]
        removed = fetch(path, "select text, reason from removed_lines where article_id = ? order by line_no", [article_id])
        assert removed == [(line["text"], line["reason"]) for line in expected["removed_lines"]], name


def test_seed_metadata_matches_author_labels(seeds_warehouse, seeds_expected):
    path = seeds_warehouse[0]
    for name, expected in seeds_expected.items():
        row = fetch(
            path,
            "select article_id, title, byline, dateline, agencies, body_clean, source_encoding, quality_flags from articles"
            " where source_uri = ?",
            [str((SEEDS_DIR / name).resolve())],
        )[0]
        article_id, title, byline, dateline, agencies, body, encoding, flags = row
        assert (title, byline, flags) == (expected["title"], expected["byline"], expected["quality_flags"]), name
        assert dateline == expected["dateline"], name
        assert agencies == expected["agencies"], name
        assert body.startswith(expected["first_words"]), name
        assert encoding == {"utf-8": "utf-8", "cp1252": "windows-1252"}[expected["encoding"]], name
        headlines = fetch(path, "select headline from related_headlines where article_id = ? order by headline_no", [article_id])
        assert [headline for (headline,) in headlines] == expected["related_headlines"], name


def test_seed_languages_langdetect_knows(seeds_warehouse, seeds_expected):
    path = seeds_warehouse[0]
    for name, expected in seeds_expected.items():
        if expected["language"] == "ha":  # not one of langdetect's languages; see tests/test_language.py
            continue
        language, score = fetch(path, "select language, language_score from articles where source_uri = ?", [str((SEEDS_DIR / name).resolve())])[0]
        assert (language, score > 0.9) == (expected["language"], True), name


def test_seed_entities_found_by_the_models(seeds_warehouse, seeds_expected):
    """Recall floor over the author's labelled entities in the English and French seeds (the small models miss a
    few street names, which is why this is a floor and not equality)."""
    path = seeds_warehouse[0]
    found = labelled = 0
    for name, expected in seeds_expected.items():
        if expected["language"] not in ("en", "fr"):
            continue
        names = {row[0] for row in fetch(
            path,
            "select distinct e.canonical_name from entity_mentions m join entities e using (entity_id) join articles a using (article_id) where a.source_uri = ?",
            [str((SEEDS_DIR / name).resolve())],
        )}  # fmt: skip
        labelled += len(expected["entities"])
        found += len(set(expected["entities"]) & names)
    assert found / labelled >= 0.9


def test_latin_script_languages_without_a_model_use_the_gazetteer(seeds_warehouse):
    rows = fetch(seeds_warehouse[0], "select language, ner_method from articles where language in ('de', 'es') order by language")
    assert rows == [("de", "gazetteer"), ("es", "gazetteer")]


def test_the_german_seed_links_netanyahu_to_the_entity_english_articles_found(seeds_warehouse):
    german = str((SEEDS_DIR / "de_01_netanyahu_besuch.txt").resolve())
    english = str((SEEDS_DIR / "en_04_middle_east_trade.txt").resolve())
    rows = fetch(
        seeds_warehouse[0],
        """select a.source_uri, m.surface, e.canonical_name, m.method, m.sentence_no
        from entity_mentions m join articles a using (article_id) join entities e using (entity_id)
        where e.canonical_name = 'Benjamin Netanyahu' and a.source_uri in (?, ?)
        order by a.source_uri, m.start_char""",
        [german, english],
    )
    german_rows = [row[1:] for row in rows if row[0] == german]
    # Third sentence (the dateline's paragraph has two); the "Lesen Sie auch" line was removed, so the seventh.
    assert german_rows == [
        ("Benjamin Netanyahu", "Benjamin Netanyahu", "gazetteer", 2),
        ("Netanyahu", "Benjamin Netanyahu", "gazetteer", 6),
    ]
    assert any(row[0] == english and row[3].startswith("model:") for row in rows)
    # Every gazetteer mention points into its article's clean body, as model mentions do.
    assert fetch(
        seeds_warehouse[0],
        "select count(*) from entity_mentions m join articles a using (article_id) "
        "where m.method = 'gazetteer' and substr(a.body_clean, m.start_char + 1, m.end_char - m.start_char) <> m.surface",
    ) == [(0,)]


def test_rerun_adds_nothing(prefect_server, tmp_path):
    path = tmp_path / "news.duckdb"
    first = run_flow([SEEDS_DIR], path)
    before = table_contents(path)
    second = run_flow([SEEDS_DIR], path)
    assert first["counts"]["articles_loaded"] == 12
    assert second["counts"]["inputs_unchanged"] == 12
    assert second["counts"]["articles_loaded"] == 0
    assert second["counts"]["articles_ner"] == 0
    assert table_contents(path) == before
    assert fetch(path, "select count(*) from runs where status = 'completed'") == [(2,)]
    # Nothing changed, so the second run derived neither the gazetteer, the entities nor the repeated lines again,
    # nor ran the checks, which all passed on these very rows in the first run.
    assert fetch(path, "select name from derived_state where derived_at < ? order by name", [second_started(path)]) == [
        ("article_lines",), ("checks",), ("entities",), ("gazetteer",), ("repeated_lines",), ("repetition_sources",)
    ]
    assert (first["counts"]["checks_run"], second["counts"]["checks_run"]) == (EVERY_CHECK, 0)
    assert fetch(path, "select checks_run, checks_failed from runs order by started_at") == [(EVERY_CHECK, 0), (0, 0)]


def test_a_row_changed_by_hand_is_checked_by_the_next_unchanged_run(prefect_server, tmp_path):
    path = tmp_path / "news.duckdb"
    run_flow([SEEDS_DIR], path)
    with duckdb.connect(str(path)) as con:
        con.execute("update articles set quality_flags = ['too_long'] where source_uri like '%en_03_brief.txt'")
    again = run_flow([SEEDS_DIR], path)
    assert again["counts"]["articles_loaded"] == 0
    assert (again["status"], again["failed_checks"]) == ("failed_checks", ["assert_known_quality_flags"])
    assert again["counts"]["checks_run"] == EVERY_CHECK


def second_started(path: Path):
    return fetch(path, "select max(started_at) from runs")[0][0]


def test_the_gazetteer_matches_new_articles_and_those_a_new_name_occurs_in_as_a_full_pass_would(prefect_server, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS_DIR, corpus)
    english = sorted(corpus.glob("en_*.txt"))
    aside = tmp_path / "aside"
    aside.mkdir()
    for file in english:
        file.rename(aside / file.name)
    path = tmp_path / "news.duckdb"
    first = run_flow([corpus], path)
    for file in english:
        (aside / file.name).rename(file)
    # The English articles bring names the German and the Swahili articles hold ("Netanyahu", East African
    # places): those two are matched again; the Spanish, Hausa and Portuguese ones hold none of the new names.
    second = run_flow([corpus], path)
    third = run_flow([corpus], path)
    assert [run["counts"]["articles_gazetteer_matched"] for run in (first, second, third)] == [5, 2, 0]
    assert fetch(path, "select count(*) from entity_mentions where method = 'gazetteer'") == [(12,)]
    in_one_run = tmp_path / "in_one_run.duckdb"
    assert run_flow([corpus], in_one_run)["counts"]["articles_gazetteer_matched"] == 5
    assert table_contents(path) == table_contents(in_one_run)


def test_touched_but_unchanged_file_is_not_reprocessed(prefect_server, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS_DIR, corpus)
    path = tmp_path / "news.duckdb"
    run_flow([corpus], path)
    (corpus / "en_03_brief.txt").touch()
    second = run_flow([corpus], path)
    assert (second["counts"]["inputs_unchanged"], second["counts"]["inputs_read"], second["counts"]["articles_loaded"]) == (12, 0, 0)


def test_two_fresh_warehouses_are_identical(prefect_server, seeds_warehouse, tmp_path):
    other = tmp_path / "again.duckdb"
    run_flow([SEEDS_DIR], other, batch_size=3)  # other batch boundaries must not change anything stored
    assert table_contents(other) == table_contents(seeds_warehouse[0])


@pytest.mark.parametrize("batch_size", [None, 1], ids=["one batch", "consecutive batches"])
def test_same_content_in_two_files_is_one_article(prefect_server, tmp_path, batch_size):
    # In batches of one, b.txt is cleaned while a.txt is being tagged: it is dropped as in flight, not tagged again.
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = (SEEDS_DIR / "en_03_brief.txt").read_bytes()
    (corpus / "a.txt").write_bytes(text)
    (corpus / "b.txt").write_bytes(text.replace(b"\n", b"\r\n"))  # same content, Windows line endings
    path = tmp_path / "news.duckdb"
    result = run_flow([corpus], path, **({} if batch_size is None else {"batch_size": batch_size}))
    assert result["counts"]["articles_loaded"] == 1
    assert result["counts"]["articles_duplicate"] == 1
    assert result["counts"]["articles_language_detected"] == 1
    assert fetch(path, "select source_uri from articles") == [(str((corpus / "a.txt").resolve()),)]


COLUMN_NOTE = "This column appears every Tuesday in the county edition."
COUNTY_TOPICS = ("library", "bridge", "market", "clinic", "ferry", "stadium")


def county_story(topic: str) -> str:
    return f"Council approves new {topic}\nThe county council approved the new {topic} on Monday after a long debate.\n{COLUMN_NOTE}\n"


def test_a_line_five_articles_of_a_folder_share_is_found_by_the_run(prefect_server, tmp_path):
    corpus = tmp_path / "county"
    corpus.mkdir()
    for topic in COUNTY_TOPICS[:4]:
        (corpus / f"{topic}.txt").write_text(county_story(topic), encoding="utf-8")
    path = tmp_path / "news.duckdb"
    assert run_flow([corpus], path)["counts"]["lines_repeated"] == 0
    (corpus / "ferry.txt").write_text(county_story("ferry"), encoding="utf-8")
    # The fifth article makes the line its folder's template, in the four loaded before it too.
    result = run_flow([corpus], path)
    assert (result["counts"]["articles_loaded"], result["counts"]["lines_repeated"]) == (1, 5)
    assert fetch(path, "select source_key, line_text, article_count from repeated_lines") == [
        (f"folder:{corpus.resolve()}", COLUMN_NOTE, 5)
    ]
    bodies = fetch(path, "select body_text from article_text order by body_text")
    expected = [county_story(topic).rsplit("\n", 2)[0] for topic in sorted(COUNTY_TOPICS[:5])]
    assert bodies == [(body,) for body in expected]
    assert fetch(path, "select lines_repeated from runs order by started_at") == [(0,), (5,)]


def test_bad_inputs_are_rejected_or_repaired_and_the_run_goes_on(prefect_server, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEEDS_DIR / "en_01_port_talks.txt", corpus / "good.txt")
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    (corpus / "latin1.txt").write_bytes("Le maire de Lyon a annoncé mardi que la ligne de tramway sera prolongée jusqu’à l’hôpital.".encode("cp1252"))
    (corpus / "noise.txt").write_bytes(bytes(range(128, 256)) * 20)
    path = tmp_path / "news.duckdb"
    result = run_flow([corpus], path)
    assert result["status"] == "completed"
    rejected = fetch(path, "select split_part(source_uri, '/', -1), reason from rejected_inputs order by 1")
    assert rejected == [("empty.txt", "empty_input"), ("image.txt", "binary_content"), ("noise.txt", "undecodable")]
    loaded = fetch(path, "select split_part(source_uri, '/', -1), source_encoding, language from articles order by 1")
    assert loaded == [("good.txt", "utf-8", "en"), ("latin1.txt", "windows-1252", "fr")]
    body = fetch(path, "select body_clean from articles where source_uri like '%latin1.txt'")[0][0]
    assert "annoncé" in body and "jusqu’à l’hôpital" in body
    assert (result["counts"]["inputs_rejected"], result["counts"]["articles_loaded"]) == (3, 2)
    # Rejected inputs are remembered too: a rerun does not add them again.
    run_flow([corpus], path)
    assert fetch(path, "select count(*) from rejected_inputs") == [(3,)]


def test_run_publishes_a_prefect_table_artifact(seeds_warehouse):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["news-etl-run-summary"])))
    assert artifacts
    assert any(seeds_warehouse[1]["run_id"] in (artifact.description or "") for artifact in artifacts)
    assert all(artifact.type == "table" for artifact in artifacts)


def test_data_checks_pass_and_catch_a_broken_row(seeds_warehouse, tmp_path):
    from flows import warehouse

    path = seeds_warehouse[0]
    assert set(warehouse.run_checks(str(path)).values()) == {0}
    broken = tmp_path / "broken.duckdb"
    shutil.copy(path, broken)
    with duckdb.connect(str(broken)) as con:
        con.execute("update entity_mentions set start_char = start_char + 1 where surface = 'Mombasa'")
    results = warehouse.run_checks(str(broken))
    assert results["assert_mention_offsets_match_body"] > 0
    assert results["assert_unique_article_id"] == 0


def test_entity_views_on_seeds(seeds_warehouse):
    path = seeds_warehouse[0]
    by_language = fetch(path, "select language, language_rank, canonical_name from top_entities_by_language where language = 'fr' and language_rank <= 2")
    assert by_language == [("fr", 1, "Dakar"), ("fr", 2, "Organisation mondiale de la santé")]
    by_day = fetch(path, "select sum(mention_count) from entity_mentions_by_day")
    assert by_day == fetch(path, "select count(*) from entity_mentions")
    cooccurring = fetch(
        path,
        "select canonical_name_a, canonical_name_b from entity_cooccurrence where 'Benjamin Netanyahu' in (canonical_name_a, canonical_name_b) and 'Recep Tayyip Erdoğan' in (canonical_name_a, canonical_name_b)",
    )
    assert len(cooccurring) == 1


def test_number_sentences_reuses_stored_numbers_and_splits_the_rest():
    import polars as pl

    from flows.pipeline import number_sentences

    articles = pl.DataFrame(
        {"article_id": ["a", "b"], "body_clean": ["Mr. Ruto spoke. Then Odinga left.", "Kisumu is wet.\nNairobi is dry."], "language": ["en", "sw"]}
    )
    mentions = pl.DataFrame({"article_id": ["b", "a", "a"], "start_char": [15, 4, 21], "surface": ["Nairobi", "Ruto", "Odinga"]}).with_columns(
        pl.col("start_char").cast(pl.Int32)
    )
    split = number_sentences(mentions, articles)
    assert split["sentence_no"].to_list() == [1, 0, 1]
    # A stored number is taken as it is (here a wrong one, to show it is not recomputed); the rest are split.
    stored = pl.DataFrame({"article_id": ["a"], "start_char": [21], "sentence_no": [7]}, schema={"article_id": pl.String, "start_char": pl.Int32, "sentence_no": pl.Int32})
    assert number_sentences(mentions, articles, stored).to_dicts() == split.with_columns(
        pl.Series("sentence_no", [1, 0, 7], dtype=pl.Int32)
    ).to_dicts()
    assert number_sentences(mentions, articles, stored.clear()).equals(split)

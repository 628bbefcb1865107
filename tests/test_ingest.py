"""Real flow runs over every input kind, good and bad, and over corpora that change between runs."""

import bz2
import csv
import gzip
import io
import json
import lzma
import os
import shutil
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from typer.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from flows.cli import app
from tests.conftest import run_flow
from tests.test_pipeline import fetch, table_contents

# Articles written for these tests, one subject each so that no two share content by accident.
ARTICLES = {
    "port": "MOMBASA, Kenya — Dock workers ended a three-day strike on Monday after the port authority agreed to raise wages.\nShips that had waited offshore began unloading by the afternoon.",
    "rail": "The new rail line between Nairobi and Kisumu will open in March, the transport ministry said on Tuesday.\nTickets go on sale next month.",
    "tram": "Le maire de Lyon a annoncé mardi que la ligne de tramway sera prolongée jusqu’à l’hôpital.\nLes travaux commenceront à l’automne.",
    "vote": "Voters in Accra queued from dawn on Saturday to choose a new city council.\nTurnout was higher than in the last election, officials said.",
    "rain": "Heavy rain flooded parts of Dar es Salaam on Wednesday, closing schools and markets.\nThe weather service expects more rain this week.",
    "bank": "The central bank of Ghana held its main interest rate at 27 percent on Thursday.\nThe governor said inflation was slowing.",
    "wind": "A wind farm on the shore of Lake Turkana doubled its output this year, the operator said.\nIt now supplies a fifth of Kenya's electricity.",
    "corn": "Maize prices in Lusaka fell by a tenth in May as the harvest reached the markets.\nTraders expect prices to stay low until August.",
    "film": "A film about fishermen on Lake Victoria won the main prize at the festival in Zanzibar on Sunday.\nIts director thanked the village where it was shot.",
    "ship": "The shipping company said its new ferry between Dar es Salaam and Zanzibar will carry 1,200 passengers.\nThe first crossing is planned for June.",
    "road": "Workers finished the last section of the coastal road from Lagos to Calabar, the works minister said on Friday.\nTolls will apply from next year.",
    "book": "A library in Kampala received 10,000 books from a foundation on Tuesday.\nIt will open on Sundays from next month.",
    "dam": "Engineers began filling the reservoir behind the new dam on the Rufiji river on Monday.\nThe filling will take two rainy seasons.",
    "fish": "Fishermen in Kisumu said catches of tilapia rose after the lake was cleared of water hyacinth.\nPrices at the market fell by a third.",
    "tea": "Tea exports from Kenya reached a record in April, helped by demand from Pakistan and Egypt.\nThe auction in Mombasa sold 12 million kilograms.",
    "solar": "A school in Kigali now runs on solar power after panels were fitted on its roof in May.\nThe head teacher said lights stay on during power cuts.",
}

PAGE = """<!doctype html><html lang="{lang}"><head><title>{title} | The Coast Herald</title>
<meta property="og:site_name" content="The Coast Herald"></head><body>
<nav><a href="/">Home</a> | <a href="/news">News</a> | <a href="/sport">Sport</a></nav>
<article><h1>{title}</h1>{paragraphs}</article>
<footer>Subscribe to our newsletter. Copyright The Coast Herald.</footer></body></html>"""


def html_page(title: str, text: str, lang: str = "en") -> str:
    paragraphs = "".join(f"<p>{line}</p>" for line in text.split("\n"))
    return PAGE.format(lang=lang, title=title, paragraphs=paragraphs)


def csv_text(header: list[str], rows: list[list], delimiter: str = ",") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def jsonl(rows: list) -> str:
    return "".join((row if isinstance(row, str) else json.dumps(row, ensure_ascii=False)) + "\n" for row in rows)


def write_mixed_corpus(root: Path) -> None:
    """Every input kind, good and bad, in one folder tree."""
    root.mkdir()
    (root / "a.txt").write_text(ARTICLES["port"], encoding="utf-8")
    (root / "b.txt.gz").write_bytes(gzip.compress(ARTICLES["rail"].encode("utf-8")))
    (root / "c_cp1252.txt").write_bytes(ARTICLES["tram"].encode("cp1252"))
    (root / "d_utf16.txt").write_text(ARTICLES["vote"], encoding="utf-16")
    (root / "e.html").write_text(html_page("Floods close schools", ARTICLES["rain"]), encoding="utf-8")
    (root / "pages").mkdir()
    (root / "pages" / "f.htm.gz").write_bytes(gzip.compress(html_page("Rates on hold", ARTICLES["bank"]).encode("utf-8")))
    (root / "g.jsonl").write_text(
        jsonl([{"title": "Wind", "text": ARTICLES["wind"]}, "{broken json", {"headline": "Number", "body": 42}, {"content": ARTICLES["corn"], "lang": "en"}, "", {"text": ["a", "list"]}]),
        encoding="utf-8",
    )
    (root / "h.ndjson.gz").write_bytes(gzip.compress(jsonl([{"article": ARTICLES["film"], "site": "coastherald.example"}]).encode("utf-8")))
    (root / "i.json").write_text(
        json.dumps({"status": "ok", "articles": [
            {"title": "Ferry", "content": ARTICLES["ship"], "publishedAt": "2024-05-01T10:00:00Z", "source": {"id": None, "name": "Daily News"}},
            {"title": "Dict", "content": {"html": "<p>x</p>"}},
        ]}),
        encoding="utf-8",
    )  # fmt: skip
    (root / "j.csv").write_text(
        csv_text(["headline", "text", "url", "date"], [["Coastal road", ARTICLES["road"], "https://example.org/road", "2024-06-07"]])
        + "Broken,row,has,too,many,fields\n"
        + csv_text(["headline", "text", "url", "date"], [["Books", ARTICLES["book"], "https://example.org/books", ""]]).split("\n", 1)[1],
        encoding="utf-8",
    )
    (root / "k.tsv.gz").write_bytes(gzip.compress(f"category\theadline\ttext\turl\nbusiness\tDam\t{ARTICLES['dam'].replace(chr(10), ' ')}\t/news/dam\n".encode("utf-8")))
    pq.write_table(pa.table({"title": ["Fish", "Empty"], "body": [ARTICLES["fish"], None]}), root / "l.parquet")
    (root / "m.csv.bz2").write_bytes(bz2.compress(csv_text(["title", "content"], [["Tea", ARTICLES["tea"]]]).encode("utf-8")))
    (root / "n.jsonl.xz").write_bytes(lzma.compress(jsonl([{"text": ARTICLES["solar"]}, {"text": "far too long " * 400}]).encode("utf-8")))
    # bad files
    (root / "bad").mkdir()
    (root / "bad" / "empty.txt").write_bytes(b"")
    (root / "bad" / "blank.jsonl").write_text("\n \n", encoding="utf-8")
    (root / "bad" / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    compressed = gzip.compress(jsonl([{"text": ARTICLES["port"] + " more"}] * 50).encode("utf-8"))
    (root / "bad" / "cut.jsonl.gz").write_bytes(compressed[: len(compressed) // 2])
    (root / "bad" / "huge.txt").write_text("A very long article. " * 200, encoding="utf-8")
    (root / "bad" / "noise.txt").write_bytes(bytes(range(128, 256)) * 20)
    (root / "bad" / "malformed.json").write_text('[{"text": "unterminated"', encoding="utf-8")
    (root / "bad" / "no_text.csv").write_text("id,score\n1,2\n", encoding="utf-8")
    (root / "README.md").write_text("Not an input: skipped, not rejected.", encoding="utf-8")


def write_web_archive(path: Path) -> None:
    """A gzipped WARC as a crawler writes it: its warcinfo, pages, a request, a page gone, an image."""
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)

        def response(url: str, body: bytes, status: str = "200 OK", media_type: str = "text/html; charset=utf-8", headers=()):
            http = StatusAndHeaders(status, [("Content-Type", media_type), *headers], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http))

        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "news-etl tests"}))
        response("https://example.org/rail", html_page("Rail line opens in March", ARTICLES["rail"]).encode("utf-8"))
        writer.write_record(writer.create_warc_record("https://example.org/rail", "request", payload=io.BytesIO(b"GET /rail HTTP/1.1\r\n\r\n")))
        response("https://example.org/old", b"", status="404 Not Found")
        response("https://example.org/logo.png", b"\x89PNG\r\n\x1a\n", media_type="image/png")
        # Served gzipped, as most pages are: the archive keeps the bytes as they came.
        page = gzip.compress(html_page("Queues at dawn", ARTICLES["vote"]).encode("utf-8"))
        response("https://example.org/vote", page, headers=[("Content-Encoding", "gzip")])


def test_a_web_archive_loads_its_pages_and_rejects_the_responses_that_are_not_one(prefect_server, tmp_path):
    root = tmp_path / "crawl"
    root.mkdir()
    write_web_archive(root / "news.warc.gz")
    path = tmp_path / "news.duckdb"
    result = run_flow([root], path)
    assert result["status"] == "completed"
    articles = fetch(
        path,
        "select split_part(articles.source_uri, '/', -1), split_part(input_uri, '/', -1), url, title, outlet, given_language, "
        "body_clean from articles join article_sources using (article_id) order by 1",
    )
    assert articles == [
        ("news.warc.gz#row=1", "news.warc.gz", "https://example.org/rail", "Rail line opens in March", "The Coast Herald", "en", ARTICLES["rail"]),
        ("news.warc.gz#row=5", "news.warc.gz", "https://example.org/vote", "Queues at dawn", "The Coast Herald", "en", ARTICLES["vote"]),
    ]  # fmt: skip
    rejected = fetch(path, "select split_part(source_uri, '/', -1), reason, detail from rejected_inputs order by 1")
    assert rejected == [
        ("news.warc.gz#row=3", "http_status", "HTTP 404: no page"),
        ("news.warc.gz#row=4", "not_html", "a response of type image/png"),
    ]
    assert fetch(path, "select split_part(source_uri, '/', -1), status from input_files") == [("news.warc.gz", "loaded")]
    again = run_flow([root], path)
    assert (again["counts"]["inputs_unchanged"], again["counts"]["articles_read"]) == (1, 0)


def test_a_feed_loads_an_article_per_entry_with_the_feed_s_metadata(prefect_server, tmp_path):
    def item(title: str, link: str, date: str, text: str) -> str:
        paragraphs = "".join(f"<p>{line}</p>" for line in text.split("\n"))
        return f"<item><title>{title}</title><link>{link}</link><pubDate>{date}</pubDate><description><![CDATA[{paragraphs}]]></description></item>"

    root = tmp_path / "feeds"
    root.mkdir()
    (root / "herald.rss").write_text(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>The Coast Herald</title><language>en</language>'
        + item("Rate on hold", "https://example.org/bank", "Thu, 02 May 2024 09:30:00 GMT", ARTICLES["bank"])
        + item("Maize prices fall", "https://example.org/corn", "Fri, 03 May 2024 08:00:00 +0200", ARTICLES["corn"])
        + "</channel></rss>",
        encoding="utf-8",
    )
    path = tmp_path / "news.duckdb"
    assert run_flow([root], path)["status"] == "completed"
    articles = fetch(path, "select split_part(source_uri, '/', -1), title, url, published_at::varchar, outlet, given_language, language, body_clean from articles order by 1")
    assert articles == [
        ("herald.rss#row=0", "Rate on hold", "https://example.org/bank", "2024-05-02 09:30:00+00", "The Coast Herald", "en", "en", ARTICLES["bank"]),
        ("herald.rss#row=1", "Maize prices fall", "https://example.org/corn", "2024-05-03 06:00:00+00", "The Coast Herald", "en", "en", ARTICLES["corn"]),
    ]  # fmt: skip
    assert fetch(path, "select count(*) from rejected_inputs") == [(0,)]
    again = run_flow([root], path)
    assert (again["counts"]["inputs_unchanged"], again["counts"]["articles_read"]) == (1, 0)


def relative(uri: str, root: Path) -> str:
    return uri.removeprefix(str(root.resolve()) + "/")


def test_a_mixed_folder_loads_every_good_article_and_quarantines_every_bad_input(prefect_server, tmp_path):
    root = tmp_path / "corpus"
    write_mixed_corpus(root)
    path = tmp_path / "news.duckdb"
    result = run_flow([root], path, max_article_bytes=3000, batch_size=8)
    assert result["status"] == "completed"
    loaded = {relative(uri, root): title for uri, title in fetch(path, "select source_uri, title from articles")}
    assert loaded == {
        "a.txt": None, "b.txt.gz": None, "c_cp1252.txt": None, "d_utf16.txt": None,
        "e.html": "Floods close schools", "pages/f.htm.gz": "Rates on hold",
        "g.jsonl#row=0": "Wind", "g.jsonl#row=3": None, "h.ndjson.gz#row=0": None, "i.json#row=0": "Ferry",
        "j.csv#row=0": "Coastal road", "j.csv#row=2": "Books", "k.tsv.gz#row=0": "Dam", "l.parquet#row=0": "Fish",
        "m.csv.bz2#row=0": "Tea", "n.jsonl.xz#row=0": None,
    }  # fmt: skip
    rejected = {(relative(uri, root), reason) for uri, reason in fetch(path, "select source_uri, reason from rejected_inputs")}
    assert rejected == {
        ("g.jsonl#row=1", "malformed_row"), ("g.jsonl#row=2", "text_not_text"), ("g.jsonl#row=5", "text_not_text"),
        ("i.json#row=1", "text_not_text"), ("j.csv#row=1", "malformed_row"), ("l.parquet#row=1", "empty_text"),
        ("n.jsonl.xz#row=1", "too_large"),
        ("bad/empty.txt", "empty_input"), ("bad/blank.jsonl", "empty_input"), ("bad/image.txt", "binary_content"),
        ("bad/cut.jsonl.gz", "truncated_gzip"), ("bad/huge.txt", "too_large"), ("bad/noise.txt", "undecodable"),
        ("bad/malformed.json", "malformed_json"), ("bad/no_text.csv", "no_text_field"),
    }  # fmt: skip
    counts = result["counts"]
    assert (counts["inputs_discovered"], counts["inputs_read"], counts["inputs_rejected"], counts["articles_loaded"]) == (22, 22, 15, 16)
    # every text went through the same repair and cleaning path, whatever its container
    bodies = dict(fetch(path, "select split_part(source_uri, '/', -1), body_clean from articles"))
    assert bodies["c_cp1252.txt"] == ARTICLES["tram"]
    assert bodies["j.csv#row=0"] == ARTICLES["road"] and bodies["m.csv.bz2#row=0"] == ARTICLES["tea"]
    assert bodies["a.txt"] == ARTICLES["port"].removeprefix("MOMBASA, Kenya — ")
    assert bodies["g.jsonl#row=0"] == ARTICLES["wind"]
    # The page's headline, which trafilatura puts above the text, is its title and not the body's first line.
    assert bodies["e.html"] == ARTICLES["rain"]
    headline = fetch(path, "select text, reason from removed_lines join articles using (article_id) where source_uri like '%e.html'")
    assert headline == [("Floods close schools", "repeated_title")]
    metadata = fetch(path, "select split_part(source_uri, '/', -1), url, published_at::varchar, published_text, outlet, given_language, source_encoding from articles where source_uri similar to '.*(i.json|j.csv|h.ndjson|e.html|g.jsonl|d_utf16|c_cp1252).*' order by 1")
    assert metadata == [
        ("c_cp1252.txt", None, None, None, None, None, "windows-1252"),
        ("d_utf16.txt", None, None, None, None, None, "utf-16"),
        ("e.html", None, None, None, "The Coast Herald", "en", "utf-8"),
        ("g.jsonl#row=0", None, None, None, None, None, "utf-8"),
        ("g.jsonl#row=3", None, None, None, None, "en", "utf-8"),
        ("h.ndjson.gz#row=0", None, None, None, "coastherald.example", None, "utf-8"),
        ("i.json#row=0", None, "2024-05-01 10:00:00+00", "2024-05-01T10:00:00Z", "Daily News", None, "utf-8"),
        ("j.csv#row=0", "https://example.org/road", "2024-06-07 00:00:00+00", "2024-06-07", None, None, "utf-8"),
        ("j.csv#row=2", "https://example.org/books", None, None, None, None, "utf-8"),
    ]
    manifest = dict((relative(uri, root), status) for uri, status in fetch(path, "select source_uri, status from input_files"))
    assert len(manifest) == 22 and {name for name, status in manifest.items() if status == "rejected"} == {
        "bad/empty.txt", "bad/blank.jsonl", "bad/image.txt", "bad/cut.jsonl.gz", "bad/huge.txt", "bad/noise.txt",
        "bad/malformed.json", "bad/no_text.csv",
    }  # fmt: skip
    # A rerun reads nothing and records no rejection twice.
    again = run_flow([root], path, max_article_bytes=3000, batch_size=8)
    assert (again["counts"]["inputs_unchanged"], again["counts"]["inputs_read"], again["counts"]["articles_read"]) == (22, 0, 0)
    assert fetch(path, "select count(*) from rejected_inputs") == [(15,)]


runner = CliRunner()


def test_exit_status_says_whether_anything_was_rejected_or_loaded(prefect_server, tmp_path):
    mixed, bad = tmp_path / "mixed", tmp_path / "bad"
    mixed.mkdir()
    bad.mkdir()
    (mixed / "good.txt").write_text(ARTICLES["rail"], encoding="utf-8")
    (mixed / "empty.txt").write_bytes(b"")
    (bad / "empty.txt").write_bytes(b"")
    (bad / "rows.jsonl").write_text('{"text": 1}\n{oops\n', encoding="utf-8")
    path = tmp_path / "news.duckdb"

    strict = runner.invoke(app, ["run", str(mixed), "--warehouse", str(path), "--strict"], env={"COLUMNS": "200"})
    assert strict.exit_code == 1, strict.output
    assert "--strict: 1 inputs or rows rejected" in strict.output
    assert fetch(path, "select count(*) from articles") == [(1,)]  # --strict changes the exit status, not the load

    nothing = runner.invoke(app, ["run", str(bad), "--warehouse", str(path)], env={"COLUMNS": "200"})
    assert nothing.exit_code == 1, nothing.output
    assert "nothing could be loaded: 3 inputs or rows rejected" in nothing.output

    # Nothing new to load is not a failure.
    rerun = runner.invoke(app, ["run", str(bad), "--warehouse", str(path)], env={"COLUMNS": "200"})
    assert rerun.exit_code == 0, rerun.output

    usage = runner.invoke(app, ["run", str(bad), "--warehouse", str(path), "--field", "body"])
    assert usage.exit_code == 2 and "--field needs COLUMN=FIELD" in usage.output


def test_field_option_names_the_columns(prefect_server, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "export.csv").write_text(csv_text(["id", "story", "kicker", "paper"], [[1, ARTICLES["dam"], "Dam filling", "Rufiji Times"]]), encoding="utf-8")
    path = tmp_path / "news.duckdb"
    result = runner.invoke(
        app, ["run", str(corpus), "--warehouse", str(path), "--field", "text=story", "-f", "title=kicker", "--field", "outlet=paper"]
    )
    assert result.exit_code == 0, result.output
    assert fetch(path, "select title, outlet, body_clean from articles") == [("Dam filling", "Rufiji Times", ARTICLES["dam"])]


def articles_by_uri(path: Path, root: Path) -> dict[str, tuple]:
    rows = fetch(path, "select source_uri, article_id, run_id, body_clean from articles")
    return {relative(uri, root): (article_id, run_id, body) for uri, article_id, run_id, body in rows}


def assert_same_as_a_fresh_load(path: Path, root: Path, tmp_path: Path) -> None:
    fresh = tmp_path / f"fresh_{len(list(tmp_path.glob('fresh_*.duckdb')))}.duckdb"
    run_flow([root], fresh)
    assert table_contents(path) == table_contents(fresh)
    assert sources_of(path) == sources_of(fresh)


def sources_of(path: Path) -> list[tuple]:
    return fetch(path, "select source_uri, input_uri, input_hash, article_id from article_sources order by all")


def test_an_unchanged_corpus_does_no_work_and_a_changed_file_replaces_only_its_articles(prefect_server, tmp_path):
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "a.txt").write_text(ARTICLES["port"], encoding="utf-8")
    (root / "b.jsonl").write_text(jsonl([{"text": ARTICLES[name]} for name in ("rail", "vote", "rain")]), encoding="utf-8")
    (root / "c.csv").write_text(csv_text(["title", "text"], [["Wind", ARTICLES["wind"]], ["Corn", ARTICLES["corn"]]]), encoding="utf-8")
    path = tmp_path / "news.duckdb"
    first = run_flow([root], path)
    assert first["counts"]["articles_loaded"] == 6
    before = table_contents(path)

    second = run_flow([root], path)
    work = ("inputs_unchanged", "inputs_read", "articles_read", "articles_language_detected", "articles_ner", "articles_loaded", "articles_replaced")
    assert [second["counts"][name] for name in work] == [3, 0, 0, 0, 0, 0, 0]
    assert table_contents(path) == before

    os.utime(root / "b.jsonl", ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))  # touched, same content
    third = run_flow([root], path)
    assert [third["counts"][name] for name in work] == [3, 0, 0, 0, 0, 0, 0]
    # only the manifest changed: it remembers the new modification time, so the next run skips it unread
    after = table_contents(path)
    assert {table: rows for table, rows in after.items() if table != "input_files"} == {table: rows for table, rows in before.items() if table != "input_files"}
    assert [row[2] for row in after["input_files"] if row[0].endswith("b.jsonl")] == [1_700_000_000_000_000_000]

    old = articles_by_uri(path, root)
    (root / "b.jsonl").write_text(jsonl([{"text": ARTICLES[name]} for name in ("rail", "bank", "rain")]), encoding="utf-8")
    fourth = run_flow([root], path)
    counts = fourth["counts"]
    assert [counts[name] for name in work] == [2, 1, 3, 1, 1, 1, 1]
    assert counts["articles_duplicate"] == 2
    new = articles_by_uri(path, root)
    assert new.keys() == old.keys()
    assert new["b.jsonl#row=1"][2] == ARTICLES["bank"]
    # the other articles were not touched: same rows from the first run
    assert {uri: value for uri, value in new.items() if uri != "b.jsonl#row=1"} == {uri: value for uri, value in old.items() if uri != "b.jsonl#row=1"}
    replaced = fetch(path, "select article_id, source_uri, input_uri, title, body_clean, run_id from replaced_articles")
    old_id = old["b.jsonl#row=1"][0]
    assert replaced == [(old_id, str((root / "b.jsonl").resolve()) + "#row=1", str((root / "b.jsonl").resolve()), None, ARTICLES["vote"], fourth["run_id"])]
    assert fetch(path, "select count(*) from article_sources where article_id = ?", [old_id]) == [(0,)]
    assert set(fetch(path, "select articles_replaced from runs where run_id = ?", [fourth["run_id"]])) == {(1,)}
    assert_same_as_a_fresh_load(path, root, tmp_path)


def test_an_article_two_inputs_share_is_deleted_only_when_neither_holds_it(prefect_server, tmp_path):
    shared = "President Ruto met farmers in Eldoret on Monday and promised cheaper fertiliser from the Kenya National Trading Corporation."
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "a.txt").write_text(shared, encoding="utf-8")
    (root / "b.jsonl").write_text(jsonl([{"text": shared}, {"text": ARTICLES["tea"]}]), encoding="utf-8")
    path = tmp_path / "news.duckdb"
    run_flow([root], path)
    shared_id = fetch(path, "select article_id from articles where source_uri = ?", [str((root / "a.txt").resolve())])[0][0]
    assert fetch(path, "select count(*) from entity_mentions where article_id = ?", [shared_id])[0][0] > 0
    b = str((root / "b.jsonl").resolve())

    # a.txt changes; b.jsonl still holds the shared article, which stays and is now credited to it.
    (root / "a.txt").write_text(ARTICLES["solar"], encoding="utf-8")
    second = run_flow([root], path)
    assert second["counts"]["articles_replaced"] == 0
    assert fetch(path, "select source_uri from articles where article_id = ?", [shared_id]) == [(f"{b}#row=0",)]
    assert fetch(path, "select count(*) from replaced_articles") == [(0,)]
    assert_same_as_a_fresh_load(path, root, tmp_path)

    # b.jsonl drops it too: now nothing holds it, and it goes with its mentions, recorded in replaced_articles.
    (root / "b.jsonl").write_text(jsonl([{"text": ARTICLES["tea"]}]), encoding="utf-8")
    third = run_flow([root], path)
    assert third["counts"]["articles_replaced"] == 1
    assert fetch(path, "select count(*) from articles where article_id = ?", [shared_id]) == [(0,)]
    assert fetch(path, "select count(*) from entity_mentions where article_id = ?", [shared_id]) == [(0,)]
    assert fetch(path, "select article_id, source_uri, body_clean from replaced_articles") == [(shared_id, f"{b}#row=0", shared)]
    # the tea article moved from row 1 to row 0 of the same file: same article, credited to its new row
    assert fetch(path, "select source_uri from articles where body_clean = ?", [ARTICLES["tea"]]) == [(f"{b}#row=0",)]
    assert_same_as_a_fresh_load(path, root, tmp_path)


def test_an_article_moving_from_a_changed_file_into_the_next_batch_is_kept(prefect_server, tmp_path):
    # Batches of one: a.jsonl's new version is batch 1, b.jsonl (holding the moved article) batch 2. Batch 2 is
    # cleaned while batch 1 is tagged; batch 1's load deletes the moved article, so it must be loaded before batch 2
    # decides which of its articles are new.
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "a.jsonl").write_text(jsonl([{"text": ARTICLES["road"]}, {"text": ARTICLES["book"]}]), encoding="utf-8")
    path = tmp_path / "news.duckdb"
    run_flow([root], path, batch_size=1)
    (root / "a.jsonl").write_text(jsonl([{"text": ARTICLES["road"]}]), encoding="utf-8")
    (root / "b.jsonl").write_text(jsonl([{"text": ARTICLES["book"]}]), encoding="utf-8")
    second = run_flow([root], path, batch_size=1)
    assert (second["counts"]["articles_replaced"], second["counts"]["articles_loaded"]) == (1, 1)
    assert fetch(path, "select source_uri from articles where body_clean = ?", [ARTICLES["book"]]) == [(f"{(root / 'b.jsonl').resolve()}#row=0",)]
    assert second["failed_checks"] == []
    assert_same_as_a_fresh_load(path, root, tmp_path)


def test_a_changed_file_that_is_now_rejected_replaces_its_articles(prefect_server, tmp_path):
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "a.jsonl").write_text(jsonl([{"text": ARTICLES["fish"]}]), encoding="utf-8")
    path = tmp_path / "news.duckdb"
    run_flow([root], path)
    shutil.copy(root / "a.jsonl", tmp_path / "backup.jsonl")
    (root / "a.jsonl").write_text("\n", encoding="utf-8")
    result = run_flow([root], path)
    assert (result["counts"]["inputs_rejected"], result["counts"]["articles_replaced"]) == (1, 1)
    assert fetch(path, "select count(*) from articles") == [(0,)]
    assert fetch(path, "select body_clean from replaced_articles") == [(ARTICLES["fish"],)]
    # Put back, it loads again.
    shutil.copy(tmp_path / "backup.jsonl", root / "a.jsonl")
    os.utime(root / "a.jsonl", ns=(1, 1))
    assert run_flow([root], path)["counts"]["articles_loaded"] == 1


def test_every_article_is_held_by_its_source_and_the_check_catches_a_broken_row(seeds_warehouse, tmp_path):
    from flows import warehouse

    path = seeds_warehouse[0]
    assert fetch(path, "select count(*), count(distinct article_id) from article_sources") == [(12, 12)]
    assert warehouse.run_checks(str(path))["assert_articles_are_sourced"] == 0
    broken = tmp_path / "broken.duckdb"
    shutil.copy(path, broken)
    with duckdb.connect(str(broken)) as con:
        con.execute("delete from article_sources where source_uri like '%en_01_port_talks.txt'")
        con.execute("insert into article_sources values ('/gone.txt', '/gone.txt', 'h', 'no-such-article', 'r')")
    assert warehouse.run_checks(str(broken))["assert_articles_are_sourced"] == 2

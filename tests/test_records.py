import datetime

import polars as pl
import pytest

from transforms.decoding import Decoded, Encoding, Rejected
from transforms.records import (
    Document,
    article_sources,
    documents_frame,
    html_document,
    missing_text_field,
    parse_field_options,
    published_at,
    resolve_fields,
    row_document,
)

UTF8 = Encoding("utf-8", "utf-8")


@pytest.mark.parametrize(
    ("columns", "overrides", "expected"),
    [
        # MasakhaNEWS TSVs
        (["category", "headline", "text", "url"], None, {"text": "text", "title": "headline", "url": "url", "published": None, "outlet": None, "language": None}),
        # AG News: the description is the text
        (["label", "title", "description"], None, {"text": "description", "title": "title", "url": None, "published": None, "outlet": None, "language": None}),
        # NewsAPI, names matched whatever their case
        (["Title", "Description", "Content", "URL", "publishedAt", "source"], None, {"text": "Content", "title": "Title", "url": "URL", "published": "publishedAt", "outlet": "source", "language": None}),
        (["body", "headline", "link", "date", "site", "lang"], None, {"text": "body", "title": "headline", "url": "link", "published": "date", "outlet": "site", "language": "lang"}),
        # the user's choice wins, a dotted name reaches into an object, a missing name gives nothing
        (["text", "summary", "source"], {"text": "summary", "outlet": "source.name", "title": "kicker"}, {"text": "summary", "title": None, "url": None, "published": None, "outlet": "source.name", "language": None}),
        (["id", "score"], None, {"text": None, "title": None, "url": None, "published": None, "outlet": None, "language": None}),
    ],
)  # fmt: skip
def test_resolve_fields(columns, overrides, expected):
    assert resolve_fields(columns, overrides) == expected


def test_missing_text_field_names_what_was_expected():
    assert missing_text_field(["headline", "text"]) is None
    rejected = missing_text_field(["id", "score"])
    assert rejected.reason == "no_text_field"
    assert rejected.detail.startswith("columns id, score; expected one of text, body, content")
    assert missing_text_field(["text"], {"text": "story"}) == Rejected("no_text_field", "columns text; expected the field 'story' named by --field text=")


def test_parse_field_options():
    assert parse_field_options(["text=body", " Title = headline ", "outlet=source.name"]) == {"text": "body", "title": "headline", "outlet": "source.name"}
    with pytest.raises(ValueError, match="COLUMN=FIELD"):
        parse_field_options(["text"])
    with pytest.raises(ValueError, match="COLUMN must be one of text, title, url, published, outlet, language"):
        parse_field_options(["body=text"])


def document(row: dict, encoding: Encoding = UTF8, max_bytes: int = 1000) -> Document | Rejected:
    return row_document(row, resolve_fields(list(row)), encoding, max_bytes, "/c/f.jsonl#row=3", "/c/f.jsonl", "h1")


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ({"text": 42}, Rejected("text_not_text", "the text field 'text' holds a number, not text")),
        ({"text": ["a", "b"]}, Rejected("text_not_text", "the text field 'text' holds a list, not text")),
        ({"body": {"p": "x"}}, Rejected("text_not_text", "the text field 'body' holds a object, not text")),
        ({"text": True}, Rejected("text_not_text", "the text field 'text' holds a boolean, not text")),
        ({"text": None}, Rejected("empty_text", "the text field 'text' is missing or null")),
        ({"text": " \n "}, Rejected("empty_text", "the text field is empty")),
        ({"title": "no body"}, Rejected("no_text_field", "no text field among title")),
        ({"text": "é" * 600}, Rejected("too_large", "1200 bytes of text, limit 1000")),
    ],
)
def test_rows_that_are_not_articles(row, expected):
    assert document(row) == expected


def test_a_row_with_its_metadata():
    row = {
        "headline": "Port  strike\nends", "content": "The strike ended on Monday.", "link": " https://example.org/a ",
        "publishedAt": "2024-05-01T10:00:00Z", "source": {"id": None, "name": "Daily Nation"}, "lang": "en",
    }  # fmt: skip
    assert document(row) == Document(
        source_uri="/c/f.jsonl#row=3", input_uri="/c/f.jsonl", input_hash="h1", text="The strike ended on Monday.",
        source_encoding="utf-8", title="Port  strike\nends", url=" https://example.org/a ",
        published_text="2024-05-01T10:00:00Z", outlet="Daily Nation", given_language="en",
    )  # fmt: skip


def test_metadata_that_is_not_a_string_is_written_out():
    row = {"text": "x", "date": datetime.date(2024, 5, 1), "outlet": 7, "title": ["a", "b"]}
    result = document(row)
    assert (result.published_text, result.outlet, result.title) == ("2024-05-01", "7", '["a", "b"]')


def test_a_windows_1252_row_in_a_utf8_file_is_decoded_on_its_own():
    # A stream decoder with surrogateescape hands the undecodable bytes over as U+DC80..U+DCFF.
    raw = "Le café était déjà fermé.".encode("cp1252").decode("utf-8", errors="surrogateescape")
    assert document({"text": raw, "title": raw}) == Document(
        "/c/f.jsonl#row=3", "/c/f.jsonl", "h1", "Le café était déjà fermé.", "windows-1252", title="Le café était déjà fermé."
    )


def test_lone_surrogates_from_json_escapes_become_replacement_characters():
    result = document({"text": "A long enough sentence with one broken \ud800 escape in it, and more words."})
    assert result.text == "A long enough sentence with one broken \ufffd escape in it, and more words."


def test_a_timestamp_number_is_published_text_and_parses_as_unix_time():
    row = document({"text": "Dock workers ended their strike.", "timestamp": 1714557600})
    assert row.published_text == "1714557600"
    assert documents_frame([row])["published_at"].to_list() == [datetime.datetime(2024, 5, 1, 10, 0, tzinfo=datetime.UTC)]


def test_bytes_text_is_decoded():
    assert document({"text": "Zürich".encode("utf-8")}).text == "Zürich"


def test_documents_frame_repairs_titles_and_parses_dates():
    docs = [
        Document("/a.jsonl#row=0", "/a.jsonl", "h", "Body one", "utf-8", title=" Port \u00a0strike\nends ", outlet="", published_text="2024-05-01T10:00:00+02:00"),
        Document("/b.txt", "/b.txt", "h2", "Body two", "utf-8"),
    ]  # fmt: skip
    frame = documents_frame(docs)
    assert frame.select("source_uri", "title", "outlet", "published_at").rows() == [
        ("/a.jsonl#row=0", "Port strike ends", None, datetime.datetime(2024, 5, 1, 8, 0, tzinfo=datetime.UTC)),
        ("/b.txt", None, None, None),
    ]
    assert documents_frame([]).height == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-05-01T10:00:00Z", datetime.datetime(2024, 5, 1, 10, 0)),
        ("2024-05-01T10:00:00.250+02:00", datetime.datetime(2024, 5, 1, 8, 0, 0, 250_000)),
        ("2024-05-01 10:00", datetime.datetime(2024, 5, 1, 10, 0)),
        ("2024-05-01", datetime.datetime(2024, 5, 1)),
        ("Wed, 01 May 2024 10:00:00 +0100", datetime.datetime(2024, 5, 1, 9, 0)),
        ("Wed, 01 May 2024 10:00:00 GMT", datetime.datetime(2024, 5, 1, 10, 0)),  # as RSS feeds write it
        ("01 May 2024 10:00:00 UT", datetime.datetime(2024, 5, 1, 10, 0)),
        ("1 May 2024", datetime.datetime(2024, 5, 1)),
        ("May 1, 2024", datetime.datetime(2024, 5, 1)),
        # Unix time in seconds, with a fraction, and in milliseconds; a JSON number is read as its text.
        ("1714557600", datetime.datetime(2024, 5, 1, 10, 0)),
        ("1714557600.25", datetime.datetime(2024, 5, 1, 10, 0, 0, 250_000)),
        ("1714557600.1234567", datetime.datetime(2024, 5, 1, 10, 0, 0, 123_456)),
        ("1714557600250", datetime.datetime(2024, 5, 1, 10, 0, 0, 250_000)),
        ("20240501", None),  # eight digits: not Unix time, and no format above
        ("171455760", None),
        ("17145576001", None),
        ("last Tuesday", None),
        (None, None),
    ],
)
def test_published_at(text, expected):
    value = pl.DataFrame({"p": [text]}, schema={"p": pl.String}).select(published_at(pl.col("p"))).item()
    assert value == (expected.replace(tzinfo=datetime.UTC) if expected else None)


PAGE = """<!doctype html><html lang="fr-FR"><head><title>Le port rouvre | Journal du Sud</title>
<meta property="og:site_name" content="Journal du Sud"><meta property="article:published_time" content="2024-05-02T08:00:00+02:00">
<link rel="canonical" href="https://example.org/port"></head><body>
<nav><a href="/">Accueil</a> | <a href="/sport">Sport</a></nav>
<article><h1>Le port rouvre</h1>
<p>Le port de Marseille a rouvert mardi après trois jours de grève, a annoncé la direction du port autonome.</p>
<p>Les dockers ont obtenu une hausse de salaire de quatre pour cent, selon le syndicat majoritaire.</p></article>
<footer>Abonnez-vous à notre lettre d'information. Mentions légales.</footer></body></html>"""


def test_html_page_main_text_and_metadata():
    result = html_document(Decoded(PAGE, "utf-8"), 100_000, "/c/port.html", "h")
    assert "Le port de Marseille a rouvert mardi" in result.text
    assert "Les dockers ont obtenu" in result.text
    assert "Accueil" not in result.text and "Abonnez-vous" not in result.text
    assert (result.title, result.outlet, result.url, result.given_language) == ("Le port rouvre", "Journal du Sud", "https://example.org/port", "fr-FR")
    assert result.published_text == "2024-05-02"
    assert (result.source_uri, result.input_uri, result.source_encoding) == ("/c/port.html", "/c/port.html", "utf-8")
    # A page that is a row of another file: a web archive's response, a feed's entry.
    row = html_document(Decoded(PAGE, "utf-8"), 100_000, "/c/crawl.warc#row=1", "h", input_uri="/c/crawl.warc")
    assert (row.source_uri, row.input_uri) == ("/c/crawl.warc#row=1", "/c/crawl.warc")


def test_html_page_without_text_or_too_large():
    assert html_document(Decoded("<html><head><title>Empty</title></head><body><script>x()</script></body></html>", "utf-8"), 1000, "/p.html", "h") == Rejected(
        "no_text_extracted", "trafilatura found no main text in the page"
    )
    assert html_document(Decoded(PAGE, "utf-8"), 50, "/p.html", "h").reason == "too_large"


def test_article_sources_keeps_every_document():
    docs = documents_frame([Document("/a#row=0", "/a", "h", "x", "utf-8"), Document("/a#row=1", "/a", "h", "x", "utf-8")])
    sources = pl.DataFrame({"article_id": ["id1", "id1"], "source_uri": ["/a#row=0", "/a#row=1"]})
    assert article_sources(docs, sources).rows() == [("id1", "/a#row=0", "/a", "h"), ("id1", "/a#row=1", "/a", "h")]

import os
from pathlib import Path

import pytest

from flows.corpus import INPUT_SCHEMA, SourceNotFound, discover_inputs


@pytest.fixture
def corpus(tmp_path) -> Path:
    for relative in ("a.txt", "sub/b.txt", "sub/deeper/c.TXT", "README.md", ".hidden.txt", "sub/notes.xml", "sub/page.pdf"):
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("text", encoding="utf-8")
    return tmp_path


def names(inputs, root: Path) -> list[str]:
    return [str(Path(uri).relative_to(root)) for uri in inputs["source_uri"]]


def test_folder_is_read_recursively_and_sorted(corpus):
    assert names(discover_inputs([str(corpus)]), corpus) == ["a.txt", "sub/b.txt", "sub/deeper/c.TXT"]


def test_file_and_glob_and_overlap_are_deduplicated(corpus):
    inputs = discover_inputs([str(corpus / "a.txt"), str(corpus / "sub" / "*.txt"), str(corpus / "a.txt")])
    assert names(inputs, corpus) == ["a.txt", "sub/b.txt"]


def test_recursive_glob(corpus):
    assert names(discover_inputs([str(corpus / "**" / "*.txt")]), corpus) == ["a.txt", "sub/b.txt"]


def test_a_glob_matching_nothing_is_an_empty_corpus(corpus):
    found = discover_inputs([str(corpus / "*.json")])
    assert found.is_empty() and found.schema == INPUT_SCHEMA


def test_missing_source_is_a_clear_error(tmp_path):
    with pytest.raises(SourceNotFound, match="source not found: .*nowhere"):
        discover_inputs([str(tmp_path / "nowhere")])


def test_inputs_carry_size_and_modification_time(corpus):
    found = discover_inputs([str(corpus / "a.txt")])
    stat = (corpus / "a.txt").stat()
    assert found.rows() == [(str(corpus / "a.txt"), 4, stat.st_mtime_ns)]


def test_inputs_are_sorted_by_path_components_not_by_string(tmp_path):
    # "-" sorts before "/" as a character, so string order would put "a-c.txt" before the folder "a"'s files.
    for relative in ("a-c.txt", "a/b.txt", "a/z/d.txt", "B.txt"):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text("text", encoding="utf-8")
    assert names(discover_inputs([str(tmp_path)]), tmp_path) == ["B.txt", "a/b.txt", "a/z/d.txt", "a-c.txt"]


def test_a_folder_s_links_read_as_rglob_and_resolve_do(tmp_path):
    # A linked file is the file it points to (found once), a linked folder is not entered, a broken link and a
    # pipe are no files; a hidden folder's visible files are inputs.
    root, elsewhere = tmp_path / "root", tmp_path / "elsewhere"
    for relative in ("root/a/b.txt", "root/.cache/c.txt", "elsewhere/d.txt"):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text("text", encoding="utf-8")
    (root / "linked.txt").symlink_to(root / "a" / "b.txt")
    (root / "outside.txt").symlink_to(elsewhere / "d.txt")
    (root / "linked_folder").symlink_to(elsewhere, target_is_directory=True)
    (root / "broken.txt").symlink_to(tmp_path / "nowhere.txt")
    os.mkfifo(root / "pipe.txt")
    assert names(discover_inputs([str(root)]), tmp_path) == ["elsewhere/d.txt", "root/.cache/c.txt", "root/a/b.txt"]


# --- input kinds, streaming reads and quarantine -------------------------------------------------------------------

import bz2  # noqa: E402
import gzip  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import lzma  # noqa: E402
import tracemalloc  # noqa: E402
import os  # noqa: E402

import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

from flows.corpus import READ_CHUNK_BYTES, CorpusReader, InputDone, Rejection, input_kind  # noqa: E402
from tests.conftest import SHARED_DIR  # noqa: E402
from transforms.decoding import ENCODING_SAMPLE_BYTES  # noqa: E402

MASAKHANEWS_DIR = SHARED_DIR / "datasets" / "masakhanews_16lang"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.txt", ("text", None)), ("a.HTM", ("html", None)), ("a.html.gz", ("html", "gzip")), ("a.json", ("json", None)),
        ("a.jsonl.gz", ("jsonl", "gzip")), ("a.ndjson", ("jsonl", None)), ("a.CSV", ("csv", None)), ("a.tsv.gz", ("tsv", "gzip")),
        ("a.parquet", ("parquet", None)), ("a.md", (None, None)), ("a.gz", (None, "gzip")),
        ("a.warc", ("warc", None)), ("a.warc.gz", ("warc", "gzip")), ("a.rss", ("feed", None)), ("a.atom", ("feed", None)),
        ("a.rss.gz", ("feed", "gzip")), ("a.xml", (None, None)), ("a.csv.bz2", ("csv", "bz2")), ("a.JSONL.XZ", ("jsonl", "xz")), ("a.bz2", (None, "bz2")), ("a.txt.zip", (None, None)),
        # As a Path's suffix: a name's leading dot starts none, nor does its last character.
        (".txt", (None, None)), ("..txt", ("text", None)), ("a.", (None, None)), ("a.txt.", (None, None)),
        ("a..txt", ("text", None)), (".gz", (None, "gzip")), ("a.txt.gz.gz", (None, "gzip")), ("a.txt.xz.gz", (None, "gzip")),
        ("notes", (None, None)),
    ],
)  # fmt: skip
def test_input_kind(name, expected):
    assert input_kind(f"/corpus/{name}") == expected


def test_folder_discovers_every_input_kind(tmp_path):
    files = ("a.txt", "b.html", "c.htm.gz", "d.json", "e.jsonl", "f.ndjson.gz", "g.csv", "h.tsv", "i.parquet", "j.md", "k.gz", "m.csv.bz2", "n.txt.xz", "o.xz", "p.warc.gz", "q.rss", "sub/l.jsonl")
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    expected = ["a.txt", "b.html", "c.htm.gz", "d.json", "e.jsonl", "f.ndjson.gz", "g.csv", "h.tsv", "i.parquet", "m.csv.bz2", "n.txt.xz", "p.warc.gz", "q.rss", "sub/l.jsonl"]
    assert names(discover_inputs([str(tmp_path)]), tmp_path) == expected


def read_all(paths: list[Path], batch_size: int = 1000, known: dict | None = None, max_bytes: int = 5_000_000, fields=None):
    reader = CorpusReader(discover_inputs([str(path) for path in paths]), known or {}, max_bytes, fields)
    batches = []
    while batch := reader.next_batch(batch_size):
        batches.append(batch)
    return batches


def flat(batches) -> tuple[list, list, list]:
    documents = [item for batch in batches for item in batch.documents]
    rejections = [item for batch in batches for item in batch.rejections]
    finished = [item for batch in batches for item in batch.finished]
    return documents, rejections, finished


def short(uri: str) -> str:
    return uri.rsplit("/", 1)[-1]


def test_a_big_file_spans_batches_and_is_finished_with_its_last_row(tmp_path):
    path = tmp_path / "big.jsonl"
    path.write_text("".join(json.dumps({"text": f"Article number {n}."}) + "\n" for n in range(25)), encoding="utf-8")
    (tmp_path / "small.txt").write_text("A small article.", encoding="utf-8")
    batches = read_all([tmp_path], batch_size=10)
    assert [len(batch.documents) for batch in batches] == [10, 10, 6]
    # The manifest row of big.jsonl comes with its last rows, not before: a crash cannot mark it read too early.
    assert [[short(item.source_uri) for item in batch.finished] for batch in batches] == [[], [], ["big.jsonl", "small.txt"]]
    documents = flat(batches)[0]
    assert [short(doc.source_uri) for doc in documents[:2]] == ["big.jsonl#row=0", "big.jsonl#row=1"]
    assert documents[24].text == "Article number 24."


def test_each_structured_format_with_defaults(tmp_path):
    (tmp_path / "a.csv").write_text('title,text,url\nOne,"First, with a comma",http://x/1\n\n"Two","Second\non two lines",http://x/2\n', encoding="utf-8")
    with gzip.open(tmp_path / "b.tsv.gz", "wt", encoding="utf-8") as handle:
        handle.write("category\theadline\ttext\turl\npolitics\tH\t\"Quoted, tabbed text\"\thttp://y\n")
    (tmp_path / "c.json").write_text(json.dumps({"status": "ok", "articles": [{"title": "N", "content": "From NewsAPI", "source": {"name": "BBC"}}]}), encoding="utf-8")
    (tmp_path / "d.json").write_text(json.dumps({"body": "One object, one article"}) + "\n" + json.dumps({"body": "and a second line"}) + "\n", encoding="utf-8")
    pq.write_table(pa.table({"headline": ["P"], "article": ["From Parquet"], "published": ["2024-01-02"]}), tmp_path / "e.parquet")
    (tmp_path / "f.json").write_text(json.dumps([{"text": "Array row zero"}, {"text": "Array row one"}]), encoding="utf-8")
    documents, rejections, finished = flat(read_all([tmp_path]))
    assert rejections == []
    assert [(short(doc.source_uri), doc.text, doc.title) for doc in documents] == [
        ("a.csv#row=0", "First, with a comma", "One"),
        ("a.csv#row=1", "Second\non two lines", "Two"),
        ("b.tsv.gz#row=0", "Quoted, tabbed text", "H"),
        ("c.json#row=0", "From NewsAPI", "N"),
        ("d.json#row=0", "One object, one article", None),
        ("d.json#row=1", "and a second line", None),
        ("e.parquet#row=0", "From Parquet", "P"),
        ("f.json#row=0", "Array row zero", None),
        ("f.json#row=1", "Array row one", None),
    ]
    assert documents[3].outlet == "BBC" and documents[6].published_text == "2024-01-02"
    assert [(short(item.source_uri), item.status) for item in finished] == [
        ("a.csv", "loaded"), ("b.tsv.gz", "loaded"), ("c.json", "loaded"), ("d.json", "loaded"), ("e.parquet", "loaded"), ("f.json", "loaded"),
    ]  # fmt: skip


def test_field_options_choose_the_columns(tmp_path):
    (tmp_path / "a.csv").write_text("text,story,kicker\nnot this,The story itself,The kicker\n", encoding="utf-8")
    documents = flat(read_all([tmp_path], fields={"text": "story", "title": "kicker"}))[0]
    assert [(doc.text, doc.title) for doc in documents] == [("The story itself", "The kicker")]


def test_bad_files_and_rows_are_rejections_with_reasons(tmp_path):
    article = b"A complete article that was compressed. " * 40
    for suffix, compressed in (("gz", gzip.compress(article)), ("bz2", bz2.compress(article)), ("xz", lzma.compress(article))):
        (tmp_path / f"cut.txt.{suffix}").write_bytes(compressed[: len(compressed) - 12])
    (tmp_path / "not_gzip.jsonl.gz").write_bytes(b'{"text": "plain"}\n')
    (tmp_path / "not_bz2.csv.bz2").write_bytes(b"title,text\nA,plain\n")
    (tmp_path / "not_xz.txt.xz").write_bytes(b"plain text, not xz")
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "header_only.csv").write_text("title,text\n", encoding="utf-8")
    (tmp_path / "no_text.csv").write_text("id,score\n1,2\n", encoding="utf-8")
    (tmp_path / "image.jsonl").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (tmp_path / "broken.json").write_text('{"text": "unterminated', encoding="utf-8")
    (tmp_path / "scalar.json").write_text("42", encoding="utf-8")
    (tmp_path / "rows.jsonl").write_text('{"text": "good row"}\n{"text": \n[1, 2]\n{"text": {"nested": 1}}\n', encoding="utf-8")
    (tmp_path / "x.parquet").write_bytes(b"PAR1 but not really a parquet file")
    documents, rejections, finished = flat(read_all([tmp_path]))
    assert [short(doc.source_uri) for doc in documents] == ["rows.jsonl#row=0"]
    assert [(short(item.source_uri), item.reason) for item in rejections] == [
        ("broken.json", "malformed_json"),
        ("cut.txt.bz2", "truncated_bz2"),
        ("cut.txt.gz", "truncated_gzip"),
        ("cut.txt.xz", "truncated_xz"),
        ("empty.csv", "empty_input"),
        ("header_only.csv", "empty_input"),
        ("image.jsonl", "binary_content"),
        ("no_text.csv", "no_text_field"),
        ("not_bz2.csv.bz2", "corrupt_bz2"),
        ("not_gzip.jsonl.gz", "corrupt_gzip"),
        ("not_xz.txt.xz", "corrupt_xz"),
        ("rows.jsonl#row=1", "malformed_row"),
        ("rows.jsonl#row=2", "malformed_row"),
        ("rows.jsonl#row=3", "text_not_text"),
        ("scalar.json", "malformed_json"),
        ("x.parquet", "malformed_parquet"),
    ]
    statuses = {short(item.source_uri): item.status for item in finished}
    assert statuses.pop("rows.jsonl") == "loaded"
    assert set(statuses.values()) == {"rejected"}
    assert all(item.content_hash for item in rejections)


def web_archive(path: Path, pages: list[bytes], gzipped: bool = False) -> None:
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=gzipped)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "news-etl tests"}))
        for number, page in enumerate(pages):
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            record = writer.create_warc_record(f"https://example.org/{number}", "response", payload=io.BytesIO(page), http_headers=http)
            writer.write_record(record)


def test_web_archives_that_hold_no_page_to_read(tmp_path):
    page = b"<html><body><article><p>" + b"The council met on Monday to agree the budget for next year. " * 3 + b"</p></article></body></html>"
    web_archive(tmp_path / "a_pages.warc", [page, page * 40, bytes(range(256)) * 4])
    web_archive(tmp_path / "b_info_only.warc.gz", [], gzipped=True)
    # Not a WARC record, and too few fields for a record of ARC, its older format (which warcio reads too).
    (tmp_path / "c_not_warc.warc").write_bytes(b"Crawl notes\n")
    documents, rejections, finished = flat(read_all([tmp_path], max_bytes=2000))
    assert [(short(doc.source_uri), short(doc.input_uri), doc.url) for doc in documents] == [("a_pages.warc#row=1", "a_pages.warc", "https://example.org/0")]
    assert [(short(item.source_uri), item.reason, item.detail) for item in rejections] == [
        ("a_pages.warc#row=2", "too_large", "a page over 8000 bytes"),
        ("a_pages.warc#row=3", "undecodable", "not UTF-8 and no encoding detected"),
        ("b_info_only.warc.gz", "empty_input", "no response records"),
        ("c_not_warc.warc", "malformed_warc", "ArchiveLoadFailed: Unknown archive format, first line: ['Crawl', 'notes'] (after 0 responses)"),
    ]
    assert [(short(item.source_uri), item.status) for item in finished] == [
        ("a_pages.warc", "loaded"), ("b_info_only.warc.gz", "rejected"), ("c_not_warc.warc", "rejected")
    ]  # fmt: skip


FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>The Coast Herald</title><language>en-gb</language>
<item><title>Port strike ends</title><link>https://example.org/port</link><pubDate>Wed, 01 May 2024 10:00:00 GMT</pubDate>
<description>Dock workers are back.</description>
<content:encoded><![CDATA[<p>Dock workers ended a three-day strike on Monday.</p><p>Ships unloaded by the afternoon.</p>]]></content:encoded>
</item>
<item><title>Rail line opens</title><link>https://example.org/rail</link>
<description>&lt;p&gt;The rail line to Kisumu opens in March.&lt;/p&gt;</description></item>
<item><title>A title alone</title></item>
</channel></rss>"""


def test_feeds_give_an_article_per_entry_and_reject_what_holds_none(tmp_path):
    (tmp_path / "a.rss").write_text(FEED, encoding="utf-8")
    (tmp_path / "b.atom").write_text(
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr"><title>Journal du Sud</title>'
        '<entry><title>Le port rouvre</title><link href="https://example.fr/port"/><updated>2024-05-02T10:00:00Z</updated>'
        '<content type="html">&lt;p&gt;Le port de Marseille a rouvert lundi.&lt;/p&gt;</content></entry></feed>',
        encoding="utf-8",
    )
    (tmp_path / "c_sitemap.rss").write_text('<?xml version="1.0"?><urlset><url><loc>https://example.org/</loc></url></urlset>', encoding="utf-8")
    (tmp_path / "d_empty.rss").write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title></channel></rss>', encoding="utf-8")
    (tmp_path / "e_garbage.atom").write_bytes(b"\x00\x01<<not xml")
    documents, rejections, finished = flat(read_all([tmp_path]))
    found = [(short(d.source_uri), short(d.input_uri), d.title, d.url, d.published_text, d.outlet, d.given_language, d.text) for d in documents]
    assert found == [
        ("a.rss#row=0", "a.rss", "Port strike ends", "https://example.org/port", "Wed, 01 May 2024 10:00:00 GMT", "The Coast Herald", "en-gb",
         "Dock workers ended a three-day strike on Monday.\nShips unloaded by the afternoon."),  # the content, not the summary
        ("a.rss#row=1", "a.rss", "Rail line opens", "https://example.org/rail", None, "The Coast Herald", "en-gb", "The rail line to Kisumu opens in March."),
        ("b.atom#row=0", "b.atom", "Le port rouvre", "https://example.fr/port", "2024-05-02T10:00:00Z", "Journal du Sud", "fr", "Le port de Marseille a rouvert lundi."),
    ]  # fmt: skip
    assert [(short(item.source_uri), item.reason) for item in rejections] == [
        ("a.rss#row=2", "empty_text"), ("c_sitemap.rss", "not_a_feed"), ("d_empty.rss", "empty_input"), ("e_garbage.atom", "malformed_feed"),
    ]  # fmt: skip
    assert [item.status for item in finished] == ["loaded", "loaded", "rejected", "rejected", "rejected"]


def test_a_csv_row_with_the_wrong_number_of_fields_is_rejected_and_counting_goes_on(tmp_path):
    (tmp_path / "a.csv").write_text("title,text\nA,first\nB,second,extra\nC,third\n", encoding="utf-8")
    documents, rejections, _ = flat(read_all([tmp_path]))
    assert [(short(doc.source_uri), doc.text) for doc in documents] == [("a.csv#row=0", "first"), ("a.csv#row=2", "third")]
    assert [(short(item.source_uri), item.reason, item.detail) for item in rejections] == [("a.csv#row=1", "malformed_row", "3 fields where the header has 2")]


def test_too_large_articles(tmp_path):
    (tmp_path / "big.txt").write_text("word " * 100, encoding="utf-8")
    with gzip.open(tmp_path / "bomb.txt.gz", "wb") as handle:
        handle.write(b"a" * 10_000)
    (tmp_path / "bomb.txt.xz").write_bytes(lzma.compress(b"a" * 20_000))
    (tmp_path / "rows.jsonl").write_text(json.dumps({"text": "short"}) + "\n" + json.dumps({"text": "long " * 40}) + "\n" + json.dumps({"text": "x" * 2000}) + "\n", encoding="utf-8")
    documents, rejections, _ = flat(read_all([tmp_path], max_bytes=100))
    assert [short(doc.source_uri) for doc in documents] == ["rows.jsonl#row=0"]
    assert [(short(item.source_uri), item.reason, item.detail) for item in rejections] == [
        ("big.txt", "too_large", "500 bytes, limit 100"),
        ("bomb.txt.gz", "too_large", "10000 bytes, limit 100"),
        ("bomb.txt.xz", "too_large", "20000 bytes, limit 100"),
        ("rows.jsonl#row=1", "too_large", "200 bytes of text, limit 100"),
        ("rows.jsonl#row=2", "too_large", "a line over 400 characters"),
    ]


def test_a_compressed_file_is_measured_a_chunk_at_a_time(tmp_path):
    # 200 MB of one byte is 113 bytes of bzip2 per 100 MB: decompressed in one call, the fingerprint held 100 MB.
    stream = bz2.compress(bytes(100_000_000))
    (tmp_path / "bomb.txt.bz2").write_bytes(stream + stream)
    tracemalloc.start()
    try:
        _, rejections, _ = flat(read_all([tmp_path], max_bytes=100))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [(short(item.source_uri), item.reason, item.detail) for item in rejections] == [
        ("bomb.txt.bz2", "too_large", "200000000 bytes, limit 100")
    ]
    assert peak < 8 * READ_CHUNK_BYTES


def test_a_json_document_or_a_feed_too_large_to_parse_whole_is_rejected(tmp_path, monkeypatch):
    monkeypatch.setattr("flows.corpus.WHOLE_FILE_MAX_BYTES", 200)
    document = json.dumps([{"text": "A short article."}] * 20)
    (tmp_path / "a.json").write_text(document, encoding="utf-8")
    (tmp_path / "b.rss.gz").write_bytes(gzip.compress(FEED.encode("utf-8")))
    (tmp_path / "c.jsonl").write_text((json.dumps({"text": "A short article."}) + "\n") * 20, encoding="utf-8")  # streams
    documents, rejections, _ = flat(read_all([tmp_path]))
    assert [(short(item.source_uri), item.reason, item.detail) for item in rejections] == [
        ("a.json", "too_large", f"{len(document)} bytes to parse whole, limit 200 (JSON lines stream)"),
        ("b.rss.gz", "too_large", f"{len(FEED.encode())} bytes to parse whole, limit 200 (JSON lines stream)"),
    ]
    assert len(document) == 600 and len(FEED.encode()) > 200
    assert [short(doc.source_uri) for doc in documents] == [f"c.jsonl#row={row}" for row in range(20)]


def test_a_text_file_reads_whole_in_one_chunk_in_several_and_compressed(tmp_path):
    # A file of one chunk is parsed from the bytes its fingerprint read; a longer or compressed one is read again.
    small = "Der Bürgermeister sprach.\n" * 10
    large = "Le maire a parlé.\n" * (2 * READ_CHUNK_BYTES // 18)
    (tmp_path / "a.txt").write_text(small, encoding="utf-8")
    (tmp_path / "b.txt").write_text(large, encoding="utf-8")
    with gzip.open(tmp_path / "c.txt.gz", "wt", encoding="utf-8") as handle:
        handle.write(small)
    (tmp_path / "d.txt.bz2").write_bytes(bz2.compress(small.encode("utf-8")))
    # Streams one after another (`cat a.xz b.xz > c.xz`) are one file's text.
    halves = small[:100].encode("utf-8"), small[100:].encode("utf-8")
    (tmp_path / "e.txt.xz").write_bytes(lzma.compress(halves[0]) + lzma.compress(halves[1]))
    (tmp_path / "f.txt.bz2").write_bytes(bz2.compress(halves[0]) + bz2.compress(halves[1]))
    documents, rejections, finished = flat(read_all([tmp_path]))
    assert rejections == []
    assert [(short(doc.source_uri), doc.text) for doc in documents] == [
        ("a.txt", small), ("b.txt", large), ("c.txt.gz", small), ("d.txt.bz2", small), ("e.txt.xz", small), ("f.txt.bz2", small)
    ]  # fmt: skip
    assert [item.status for item in finished] == ["loaded"] * 6


@pytest.mark.parametrize(
    ("encoding", "label"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8"), ("utf-16", "utf-16"), ("cp1252", "windows-1252")],
)
def test_structured_files_are_decoded(tmp_path, encoding, label):
    text = "Le maire a annoncé que la ligne de tramway sera prolongée jusqu’à l’hôpital, a-t-il déclaré. " * 3
    (tmp_path / "a.csv").write_text(f'title,text\n"Tramway à Lyon","{text}"\n', encoding=encoding)
    documents, rejections, _ = flat(read_all([tmp_path]))
    assert rejections == []
    assert [(doc.title, doc.text, doc.source_encoding) for doc in documents] == [("Tramway à Lyon", text, label)]


def test_a_character_cut_by_the_encoding_sample_is_still_utf8(tmp_path):
    prefix = '{"text": "' + "a" * (ENCODING_SAMPLE_BYTES - 24) + '"}\n'
    row = json.dumps({"text": "€ sits across the end of the first block"}, ensure_ascii=False)
    # The euro sign's 3 bytes start at the last byte of the sample the encoding is chosen from.
    assert (prefix + row).encode("utf-8").index("€".encode("utf-8")) == ENCODING_SAMPLE_BYTES - 1
    (tmp_path / "a.jsonl").write_text(prefix + row + "\n", encoding="utf-8")
    documents, rejections, _ = flat(read_all([tmp_path]))
    assert rejections == []
    assert (documents[1].text, documents[1].source_encoding) == ("€ sits across the end of the first block", "utf-8")


def test_a_windows_1252_row_inside_a_utf8_file(tmp_path):
    utf8_rows = ["Zürich and Genève are in Switzerland.", "São Paulo’s mayor spoke on Monday.", "Kraków, Łódź and Gdańsk voted."]
    rows = [json.dumps({"text": text}, ensure_ascii=False).encode("utf-8") for text in utf8_rows]
    rows.append('{"text": "Le café était fermé."}'.encode("cp1252"))  # pasted from an Excel export
    (tmp_path / "a.jsonl").write_bytes(b"\n".join(rows) + b"\n")
    documents, rejections, _ = flat(read_all([tmp_path]))
    assert rejections == []
    assert [(doc.text, doc.source_encoding) for doc in documents] == [
        *((text, "utf-8") for text in utf8_rows),
        ("Le café était fermé.", "windows-1252"),
    ]


def test_unchanged_content_is_not_parsed_and_keeps_its_status(tmp_path):
    (tmp_path / "a.jsonl").write_text('{"text": "x"}\n', encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"")
    first = flat(read_all([tmp_path]))[2]
    known = {item.source_uri: (item.content_hash, item.status) for item in first}
    os.utime(tmp_path / "a.jsonl")
    documents, rejections, finished = flat(read_all([tmp_path], known=known))
    assert (documents, rejections) == ([], [])
    assert [(short(item.source_uri), item.status, item.unchanged) for item in finished] == [("a.jsonl", "loaded", True), ("b.txt", "rejected", True)]


def test_an_unreadable_file_is_rejected_without_a_manifest_row(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("text", encoding="utf-8")
    reader = CorpusReader(discover_inputs([str(path)]), {}, 1000)
    path.unlink()
    batch = reader.next_batch(10)
    assert [(short(item.source_uri), item.reason) for item in batch.rejections] == [("a.txt", "unreadable")]
    assert batch.finished == [] and isinstance(batch.rejections[0], Rejection) and not isinstance(batch.rejections[0], InputDone)


@pytest.mark.shared_data
@pytest.mark.skipif(not MASAKHANEWS_DIR.exists(), reason=f"MasakhaNEWS is not at {MASAKHANEWS_DIR} (../shared absent)")
def test_masakhanews_tsvs_load_with_the_defaults():
    paths = sorted(MASAKHANEWS_DIR.glob("*/test.tsv"))
    assert len(paths) == 16
    documents, rejections, finished = flat(read_all(paths, batch_size=2000))
    assert rejections == []
    assert len(finished) == 16 and {item.status for item in finished} == {"loaded"}
    assert len(documents) > 5000
    assert all(doc.title and doc.url and doc.text.strip() for doc in documents)
    assert {doc.source_encoding for doc in documents} == {"utf-8"}

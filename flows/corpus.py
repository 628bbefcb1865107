"""Find input files and read them: the only place that touches the user's corpus on disk.

Reading streams. A structured file (CSV/TSV, JSON lines, Parquet, WARC) is parsed row by row and its documents are
handed out in batches of articles, so a file of 20,000 rows spans several batches and is never held in memory
whole. The exceptions are a `.json` document and a feed, which are parsed whole: big exports belong in JSON lines.
What cannot be read becomes a `Rejection` (a whole file, or one row as `file#row=N`), never an exception.
"""

import bz2
import csv
import dataclasses
import glob
import gzip
import hashlib
import io
import json
import lzma
import os
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import feedparser
import polars as pl
import pyarrow
import pyarrow.parquet as pq
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeadersParserException

from transforms import records
from transforms.decoding import (
    ENCODING_SAMPLE_BYTES,
    Decoded,
    Encoding,
    Rejected,
    choose_encoding,
    decode_bytes,
    has_surrogates,
    replace_surrogates,
)

# File kinds by name ending (case-insensitive); each may also be compressed (`.jsonl.gz`, `.csv.bz2`, `.txt.xz`).
# Other files in a source folder are skipped, not rejected: a corpus folder often holds a README or a licence beside
# the articles. A file named on the command line is read as text whatever its name.
INPUT_KINDS = {
    ".txt": "text",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".tsv": "tsv",
    ".parquet": "parquet",
    ".warc": "warc",
    # Feeds, saved as they were fetched. Not `.xml`: a corpus folder's other XML (sitemaps, NewsML, settings) would be
    # rejected run after run; a feed saved as `.xml` needs renaming.
    ".rss": "feed",
    ".atom": "feed",
}
# Compressed inputs by name ending: the compression's name, which also names its rejections (`truncated_xz`).
COMPRESSIONS = {".gz": "gzip", ".bz2": "bz2", ".xz": "xz"}
CSV_DELIMITERS = {"csv": ",", "tsv": "\t"}

# An HTML page wraps its text in markup: a page is read up to this many times the article limit.
HTML_MARKUP_FACTOR = 4

# The media types of a WARC response that is a page to read (a response without one is read too); another type (an
# image, a PDF, robots.txt) is rejected as `not_html`.
WARC_PAGE_TYPES = {"text/html", "application/xhtml+xml"}

# A `.json` document or a feed is parsed whole, its objects all in memory at once (several times its size): past
# this many bytes, decompressed, it is rejected as too large. JSON lines and CSV stream, whatever their size.
WHOLE_FILE_MAX_BYTES = 512 * 1024 * 1024

# A JSON line longer than this many times the article limit cannot hold an article we would load: it is rejected
# as too large and skipped in pieces, never held in memory whole.
JSON_LINE_FACTOR = 4

READ_CHUNK_BYTES = 1 << 20
PARQUET_BATCH_ROWS = 1024

# Python's csv module refuses fields over 128 KB by default; an article may be up to --max-article-bytes, which
# is checked per row instead.
csv.field_size_limit(2**31 - 1)


@dataclass(frozen=True)
class InputFile:
    source_uri: str
    size_bytes: int
    modified_at_ns: int


# The columns of `discover_inputs`' frame, one per InputFile field.
INPUT_SCHEMA = {"source_uri": pl.String, "size_bytes": pl.Int64, "modified_at_ns": pl.Int64}


@dataclass(frozen=True)
class Rejection:
    source_uri: str  # the file, or `file#row=N` for one row of it
    reason: str
    detail: str
    content_hash: str | None  # the file's content hash, when it could be read


@dataclass(frozen=True)
class InputDone:
    """An input read to its end: its manifest row. Comes right after the input's last document."""

    source_uri: str
    size_bytes: int
    modified_at_ns: int
    content_hash: str
    status: str  # 'loaded' or 'rejected' (the file as a whole)
    unchanged: bool  # same content as the manifest already records: nothing was parsed
    replaces: bool = False  # the manifest holds another version of this input: loading it replaces that version's articles


@dataclass
class ReadItems:
    documents: list[records.Document] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    finished: list[InputDone] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.documents or self.rejections or self.finished)


class SourceNotFound(ValueError):
    """A SOURCE named on the command line is neither a file, a folder nor a glob matching anything."""


class _FileRejected(Exception):
    """The file as a whole cannot be read further; carries the rejection."""

    def __init__(self, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason, self.detail = reason, detail


def discover_inputs(sources: list[str]) -> pl.DataFrame:
    """Expand files, folders (recursively) and globs into input files (INPUT_SCHEMA, one row per file), sorted by
    path components so every run sees one order.

    A frame rather than a list of `InputFile`: the flow holds the list for the whole run, and 200,000 inputs as
    Python objects kept about 180 MB resident (the objects, and the allocator's arenas they pinned among the
    discarded paths); as a frame about 20 MB."""
    paths: set[str] = set()
    for source in sources:
        path = Path(source).expanduser()
        if path.is_file():
            paths.add(str(path.resolve()))
        elif path.is_dir():
            paths.update(_input_files_under(os.path.realpath(path)))
        elif glob.has_magic(source):
            matches = [Path(match) for match in glob.glob(str(path), recursive=True)]
            paths.update(str(match.resolve()) for match in matches if match.is_file() and _is_input(match))
        else:
            raise SourceNotFound(f"source not found: {source} (expected a file, a folder or a glob)")
    columns: dict[str, list] = {name: [] for name in INPUT_SCHEMA}
    # Component by component, as paths compare: "a/b.txt" before "a-c.txt", which plain string order reverses.
    for uri in sorted(paths, key=lambda uri: uri.split(os.sep)):
        stat = os.stat(uri)
        columns["source_uri"].append(uri)
        columns["size_bytes"].append(stat.st_size)
        columns["modified_at_ns"].append(stat.st_mtime_ns)
    return pl.DataFrame(columns, schema=INPUT_SCHEMA)


def _input_files_under(folder: str) -> Iterator[str]:
    """The input files below `folder` (a resolved path), resolved, as `Path.rglob` and `Path.resolve` find them:
    symlinked folders are not entered, and a symlinked file counts as the file it points to.

    Walked with `os.scandir`, whose entries know their type without a system call: resolving and testing each
    path took 0.78 s per 20,000 files; a file below a resolved folder, not itself a link, is already resolved."""
    try:
        entries = list(os.scandir(folder))
    except PermissionError:  # as rglob: a folder we may not read is left out
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            yield from _input_files_under(entry.path)
        elif not _is_input(Path(entry.name)):
            continue
        elif entry.is_file(follow_symlinks=False):
            yield entry.path
        elif entry.is_symlink() and os.path.isfile(entry.path):
            yield os.path.realpath(entry.path)


def input_kind(source_uri: str) -> tuple[str | None, str | None]:
    """(kind, compression) from the file name: `a.jsonl.gz` -> ("jsonl", "gzip"), `a.txt` -> ("text", None); an
    unknown ending gives kind None."""
    # As `Path(...).name` and `.suffix` (a name's leading dot starts no suffix, nor does a trailing one), without
    # building Path objects: this runs twice for every file read, and the objects took ~0.1 s per 20,000 files.
    name = os.path.basename(source_uri.rstrip(os.sep)).lower()
    dot = name.rfind(".")
    compression = COMPRESSIONS.get(name[dot:]) if dot >= 0 else None
    stem = name[:dot] if compression else name
    dot = stem.rfind(".")
    return INPUT_KINDS.get(stem[dot:] if 0 < dot < len(stem) - 1 else ""), compression


def _is_input(path: Path) -> bool:
    return input_kind(str(path))[0] is not None and not path.name.startswith(".")


@dataclass(frozen=True)
class _Fingerprint:
    content_hash: str
    data_bytes: int  # decompressed size
    problem: Rejected | None  # a compressed stream that is cut short or corrupt
    # The file's bytes when it is not compressed and was read in one chunk: a file of one article is then parsed
    # from them, not opened and read a second time.
    data: bytes | None = None


# How each compression is opened for reading; None is a plain file. Each reads a file of several streams one after
# another (`cat a.gz b.gz`) as one, and raises EOFError when the last stream is cut short.
OPENERS: dict[str | None, Callable[..., BinaryIO]] = {None: open, "gzip": gzip.open, "bz2": bz2.open, "xz": lzma.open}

# What the decompressors raise on bytes that are not their format (bz2 raises a bare OSError, gzip BadGzipFile).
DECOMPRESSION_ERRORS = (zlib.error, lzma.LZMAError, OSError)


class _HashingReader:
    """A binary file that feeds each byte read from it to `digest`, so that a compressed file is hashed as it is
    decompressed, in one pass. A failed read is kept in `failed`: it is the disk's error, not the format's."""

    def __init__(self, handle: BinaryIO, digest: Any):
        self._handle, self._digest = handle, digest
        self.failed: OSError | None = None

    def read(self, size: int = -1) -> bytes:
        try:
            data = self._handle.read(size)
        except OSError as error:
            self.failed = error
            raise
        self._digest.update(data)
        return data


def _fingerprint(path: str, compression: str | None) -> _Fingerprint:
    """Hash the file's bytes in one streaming pass; a compressed file is also decompressed (and dropped) to
    validate it and learn its size."""
    digest = hashlib.blake2b(digest_size=16)
    data_bytes = 0
    with open(path, "rb") as handle:
        if compression is None:
            chunks: list[bytes] = []
            while chunk := handle.read(READ_CHUNK_BYTES):
                digest.update(chunk)
                data_bytes += len(chunk)
                if len(chunks) < 2:
                    chunks.append(chunk)
            return _Fingerprint(digest.hexdigest(), data_bytes, None, b"".join(chunks) if len(chunks) < 2 else None)
        raw = _HashingReader(handle, digest)
        problem = None
        try:
            # A chunk at a time: a few bytes of bzip2 can hold gigabytes of one repeated byte.
            with OPENERS[compression](raw, "rb") as stream:
                while piece := stream.read(READ_CHUNK_BYTES):
                    data_bytes += len(piece)
        except EOFError:
            problem = Rejected(f"truncated_{compression}", f"the compressed stream ends before its end marker ({data_bytes} bytes decompressed)")
        except DECOMPRESSION_ERRORS as error:
            if raw.failed is not None:
                raise
            problem = Rejected(f"corrupt_{compression}", f"not a valid {compression} stream: {error}")
        while raw.read(READ_CHUNK_BYTES):  # the bytes after where a broken stream stopped are hashed too
            pass
    return _Fingerprint(digest.hexdigest(), data_bytes, problem)


def _check_whole_file_size(fingerprint: _Fingerprint) -> None:
    if fingerprint.data_bytes > WHOLE_FILE_MAX_BYTES:
        raise _FileRejected(
            "too_large", f"{fingerprint.data_bytes} bytes to parse whole, limit {WHOLE_FILE_MAX_BYTES} (JSON lines stream)"
        )


def _open_binary(path: str, compression: str | None) -> BinaryIO:
    return OPENERS[compression](path, "rb")


def _read_capped(path: str, compression: str | None, limit: int) -> bytes:
    with _open_binary(path, compression) as handle:
        return handle.read(limit)


class CorpusReader:
    """Reads the given inputs in order and hands out what they hold, batch by batch.

    `known` maps a source_uri to the (content_hash, status) the manifest recorded: an input whose content is the
    same is not parsed again. `fields` are the user's `--field` choices (records.FIELD_CANDIDATES names)."""

    def __init__(
        self,
        inputs: pl.DataFrame,
        known: Mapping[str, tuple[str, str]],
        max_article_bytes: int,
        fields: Mapping[str, str] | None = None,
    ):
        self.inputs = inputs  # discover_inputs' frame: the files to read, in this order
        self.inputs_done = 0
        self._known = dict(known)
        self._max_bytes = max_article_bytes
        self._fields = dict(fields or {})
        self._items = self._read_all()
        self._held: Any = None

    def next_batch(self, size: int) -> ReadItems:
        """About `size` documents and row rejections, plus the manifest rows of the inputs finished with them."""
        batch = ReadItems()
        taken = 0
        while (item := self._next()) is not None:
            if isinstance(item, InputDone):
                batch.finished.append(item)
                self.inputs_done += 1
                continue
            if taken >= size:
                self._held = item
                break
            taken += 1
            if isinstance(item, Rejection):
                batch.rejections.append(item)
            else:
                batch.documents.append(item)
        return batch

    def _next(self) -> Any:
        if self._held is not None:
            item, self._held = self._held, None
            return item
        return next(self._items, None)

    def _read_all(self) -> Iterator[records.Document | Rejection | InputDone]:
        for row in self.inputs.select(*INPUT_SCHEMA).iter_rows():
            yield from self._read_input(InputFile(*row))

    def _read_input(self, item: InputFile) -> Iterator[records.Document | Rejection | InputDone]:
        uri = item.source_uri
        kind, compression = input_kind(uri)
        try:
            fingerprint = _fingerprint(uri, compression)
        except OSError as error:
            # No manifest row: an unreadable file (permissions, vanished) is tried again next run.
            yield Rejection(uri, "unreadable", f"{type(error).__name__}: {error}", None)
            return
        digest = fingerprint.content_hash

        previous = self._known.get(uri)

        def done(status: str, unchanged: bool = False) -> InputDone:
            replaces = previous is not None and not unchanged
            return InputDone(uri, item.size_bytes, item.modified_at_ns, digest, status, unchanged, replaces)

        if previous is not None and previous[0] == digest:
            # Touched but not changed: remember the new modification time, do no work.
            yield done(previous[1], unchanged=True)
            return
        if fingerprint.problem is not None:
            yield Rejection(uri, fingerprint.problem.reason, fingerprint.problem.detail, digest)
            yield done("rejected")
            return
        rows = 0
        try:
            for produced in self._parse(uri, kind or "text", compression, fingerprint):
                rows += 1
                yield produced
        except _FileRejected as rejected:
            yield Rejection(uri, rejected.reason, rejected.detail, digest)
            yield done("rejected")
            return
        except (OSError, EOFError, zlib.error, lzma.LZMAError, csv.Error, pyarrow.ArrowException, ValueError) as error:
            # The file changed or broke between the fingerprint and the parse, or holds something no rule above
            # foresaw (ValueError covers decoding and number parsing): the file is quarantined, the run goes on.
            after = f" after {rows} rows" if rows else ""
            yield Rejection(uri, "unreadable", f"{type(error).__name__}: {error}{after}", digest)
            yield done("rejected")
            return
        yield done("loaded")

    def _parse(self, uri: str, kind: str, compression: str | None, fingerprint: _Fingerprint) -> Iterator[records.Document | Rejection]:
        digest = fingerprint.content_hash
        if kind == "text":
            yield self._whole(uri, compression, fingerprint, self._max_bytes, records.text_document)
        elif kind == "html":
            yield self._whole(uri, compression, fingerprint, HTML_MARKUP_FACTOR * self._max_bytes, self._html)
        elif kind == "parquet":
            yield from self._parquet_rows(uri, compression, digest)
        elif kind == "warc":
            yield from self._warc_rows(uri, compression, digest)
        elif kind == "feed":
            _check_whole_file_size(fingerprint)
            yield from self._feed_rows(uri, compression, digest)
        else:
            yield from self._text_rows(uri, kind, compression, fingerprint)

    def _whole(
        self, uri: str, compression: str | None, fingerprint: _Fingerprint, limit: int, to_document: Callable[[Decoded, str, str], Any]
    ) -> records.Document:
        """One file, one article (.txt, .html)."""
        if fingerprint.data_bytes > limit:
            raise _FileRejected("too_large", f"{fingerprint.data_bytes} bytes, limit {limit}")
        data = fingerprint.data if fingerprint.data is not None else _read_capped(uri, compression, limit + 1)
        decoded = decode_bytes(data, limit)
        if isinstance(decoded, Rejected):
            raise _FileRejected(decoded.reason, decoded.detail)
        document = to_document(decoded, uri, fingerprint.content_hash)
        if isinstance(document, Rejected):
            raise _FileRejected(document.reason, document.detail)
        return document

    def _html(self, decoded: Decoded, uri: str, digest: str) -> records.Document | Rejected:
        return records.html_document(decoded, self._max_bytes, uri, digest)

    def _page_row(self, page: Decoded, row_uri: str, uri: str, digest: str) -> records.Document | Rejection:
        """A page held in the file `uri` as one of its rows (a WARC response, a feed entry), read as an `.html`
        file is."""
        document = records.html_document(page, self._max_bytes, row_uri, digest, input_uri=uri)
        if isinstance(document, Rejected):
            return Rejection(row_uri, document.reason, document.detail, digest)
        return document

    def _warc_rows(self, uri: str, compression: str | None, digest: str) -> Iterator[records.Document | Rejection]:
        """A web archive's pages, read as an `.html` file is. `#row=N` is the 0-based record of the file, whatever
        its type; records other than responses (the crawl's warcinfo, requests, metadata) hold no page."""
        responses = 0
        with _open_binary(uri, compression) as handle:
            try:
                for index, record in enumerate(ArchiveIterator(handle)):
                    if record.rec_type == "response":
                        responses += 1
                        yield self._warc_page(record, f"{uri}#row={index}", uri, digest)
            except (ArchiveLoadFailed, StatusAndHeadersParserException) as error:
                # A record's headers that cannot be parsed leave no way to find where the next record starts.
                raise _FileRejected("malformed_warc", f"{type(error).__name__}: {error} (after {responses} responses)") from error
        if not responses:
            raise _FileRejected("empty_input", "no response records")

    def _warc_page(self, record: Any, row_uri: str, uri: str, digest: str) -> records.Document | Rejection:
        http = record.http_headers
        status = http.get_statuscode() if http is not None else None
        if status and not status.startswith("2"):
            return Rejection(row_uri, "http_status", f"HTTP {status}: no page", digest)
        media_type = (http.get_header("Content-Type") or "") if http is not None else ""
        if media_type and media_type.split(";")[0].strip().lower() not in WARC_PAGE_TYPES:
            return Rejection(row_uri, "not_html", f"a response of type {media_type}", digest)
        limit = HTML_MARKUP_FACTOR * self._max_bytes
        # The payload as served, with any transfer or content encoding (chunks, gzip) undone.
        data = record.content_stream().read(limit + 1)
        if len(data) > limit:
            return Rejection(row_uri, "too_large", f"a page over {limit} bytes", digest)
        decoded = decode_bytes(data, limit)
        if isinstance(decoded, Rejected):
            return Rejection(row_uri, decoded.reason, decoded.detail, digest)
        document = self._page_row(decoded, row_uri, uri, digest)
        if isinstance(document, Rejection):
            return document
        # The page's own canonical URL first, else the address it was fetched from.
        return dataclasses.replace(document, url=document.url or record.rec_headers.get_header("WARC-Target-URI"))

    def _feed_rows(self, uri: str, compression: str | None, digest: str) -> Iterator[records.Document | Rejection]:
        """An RSS, Atom or RDF feed's entries, parsed whole (feedparser): `#row=N` is the 0-based entry."""
        with _open_binary(uri, compression) as handle:
            feed = feedparser.parse(handle.read())
        if not feed.entries:
            # feedparser reads what it can of broken XML ("bozo"), so a feed with entries is read even then.
            if not feed.version and feed.bozo:
                raise _FileRejected("malformed_feed", f"{type(feed.bozo_exception).__name__}: {feed.bozo_exception}")
            if not feed.version:
                raise _FileRejected("not_a_feed", "no RSS, Atom or RDF feed in the XML")
            raise _FileRejected("empty_input", "a feed without entries")
        for index, entry in enumerate(feed.entries):
            yield self._feed_entry(entry, feed, f"{uri}#row={index}", uri, digest)

    def _feed_entry(self, entry: Any, feed: Any, row_uri: str, uri: str, digest: str) -> records.Document | Rejection:
        """One entry: its HTML (the full content, else the summary) read as a page's main text is; its title, link
        and date, and the feed's title and language as outlet and given language."""
        contents = [content.get("value") or "" for content in entry.get("content", [])]
        html = max(contents, key=len, default="") or entry.get("summary") or ""
        if not html.strip():
            return Rejection(row_uri, "empty_text", "the entry has no content and no summary", digest)
        page = Decoded(f"<html><body><article>{html}</article></body></html>", feed.get("encoding") or "utf-8")
        document = self._page_row(page, row_uri, uri, digest)
        if isinstance(document, Rejection):
            return document
        return dataclasses.replace(
            document,
            title=entry.get("title"),
            url=entry.get("link"),
            published_text=entry.get("published") or entry.get("updated"),
            outlet=feed.feed.get("title"),
            given_language=entry.get("language") or feed.feed.get("language"),
        )

    def _text_rows(self, uri: str, kind: str, compression: str | None, fingerprint: _Fingerprint) -> Iterator[records.Document | Rejection]:
        """Rows of a CSV/TSV or JSON (lines) file, decoded as a stream in the encoding of its first block."""
        sample = _read_capped(uri, compression, ENCODING_SAMPLE_BYTES)
        if not sample.strip():
            raise _FileRejected("empty_input", f"{fingerprint.data_bytes} bytes of whitespace" if fingerprint.data_bytes else "0 bytes")
        encoding = choose_encoding(sample, complete=len(sample) < ENCODING_SAMPLE_BYTES)
        if isinstance(encoding, Rejected):
            raise _FileRejected(encoding.reason, encoding.detail)
        if encoding.codec == "utf-8":
            # Decoded with surrogateescape, nothing is replaced: a row with foreign bytes is decoded on its own.
            encoding = Encoding("utf-8", "utf-8")
        if kind == "json":
            _check_whole_file_size(fingerprint)
            produced = self._json_rows(uri, compression, fingerprint.content_hash, encoding)
        else:
            # Only "\n" ends a JSON line: a lone "\r" inside one is a (badly escaped) part of a string.
            newline = "" if kind in CSV_DELIMITERS else "\n"
            stream = io.TextIOWrapper(_open_binary(uri, compression), encoding=encoding.codec, errors="surrogateescape", newline=newline)
            produced = self._csv_rows(uri, kind, stream, fingerprint.content_hash, encoding) if kind in CSV_DELIMITERS else self._jsonl_rows(uri, stream, fingerprint.content_hash, encoding)
        found = 0
        for item in produced:
            found += 1
            yield item
        if not found:
            raise _FileRejected("empty_input", "no rows")

    def _row(self, value: Any, row_uri: str, uri: str, digest: str, encoding: Encoding, fields: dict | None = None) -> records.Document | Rejection:
        if not isinstance(value, dict):
            return Rejection(row_uri, "malformed_row", f"a row must be an object, found {records.json_type(value)}", digest)
        fields = fields or records.resolve_fields(list(value), self._fields)
        document = records.row_document(value, fields, encoding, self._max_bytes, row_uri, uri, digest)
        if isinstance(document, Rejected):
            return Rejection(row_uri, document.reason, document.detail, digest)
        return document

    def _jsonl_rows(self, uri: str, stream: io.TextIOWrapper, digest: str, encoding: Encoding) -> Iterator[records.Document | Rejection]:
        """`#row=N` is the 0-based line number; blank lines count but hold nothing."""
        with stream:
            for index, line in enumerate(_lines(stream, JSON_LINE_FACTOR * self._max_bytes)):
                row_uri = f"{uri}#row={index}"
                if line is None:
                    yield Rejection(row_uri, "too_large", f"a line over {JSON_LINE_FACTOR * self._max_bytes} characters", digest)
                    continue
                if not line.strip():
                    continue
                try:
                    value = _parse_json(line)
                except (json.JSONDecodeError, RecursionError) as error:
                    yield Rejection(row_uri, "malformed_row", f"invalid JSON: {error}", digest)
                    continue
                yield self._row(value, row_uri, uri, digest, encoding)

    def _json_rows(self, uri: str, compression: str | None, digest: str, encoding: Encoding) -> Iterator[records.Document | Rejection]:
        """A JSON document: a list of rows, an object wrapping one (records.ROW_LIST_KEYS), or one article."""
        with _open_binary(uri, compression) as handle:
            text = handle.read().decode(encoding.codec, errors="surrogateescape")
        try:
            value = _parse_json(text)
        except json.JSONDecodeError as error:
            if error.msg == "Extra data":  # JSON lines saved as .json
                yield from self._jsonl_rows(uri, io.StringIO(text, newline="\n"), digest, encoding)
                return
            raise _FileRejected("malformed_json", f"invalid JSON: {error}") from error
        except RecursionError as error:
            raise _FileRejected("malformed_json", "nested too deeply") from error
        if isinstance(value, dict):
            wrapped = [value[key] for key in records.ROW_LIST_KEYS if isinstance(value.get(key), list)]
            value = wrapped[0] if wrapped else [value]
        if not isinstance(value, list):
            raise _FileRejected("malformed_json", f"expected an object or a list of objects, found {records.json_type(value)}")
        for index, row in enumerate(value):
            yield self._row(row, f"{uri}#row={index}", uri, digest, encoding)

    def _csv_rows(self, uri: str, kind: str, stream: io.TextIOWrapper, digest: str, encoding: Encoding) -> Iterator[records.Document | Rejection]:
        """`#row=N` is the 0-based data row: the header and blank lines are not counted."""
        with stream:
            reader = csv.reader(stream, delimiter=CSV_DELIMITERS[kind])
            try:
                header = next(reader, None)
            except csv.Error as error:
                raise _FileRejected("malformed_row", f"unreadable header: {error}") from error
            if not header or not any(name.strip() for name in header):
                raise _FileRejected("empty_input", "no header row")
            columns = [name.strip() for name in header]
            missing = records.missing_text_field(columns, self._fields)
            if missing is not None:
                raise _FileRejected(missing.reason, missing.detail)
            fields = records.resolve_fields(columns, self._fields)
            index = 0
            while True:
                row_uri = f"{uri}#row={index}"
                try:
                    record = next(reader)
                except StopIteration:
                    break
                except csv.Error as error:
                    yield Rejection(row_uri, "malformed_row", f"CSV: {error}", digest)
                    index += 1
                    continue
                if not any(value.strip() for value in record):
                    continue
                index += 1
                if len(record) != len(columns):
                    yield Rejection(row_uri, "malformed_row", f"{len(record)} fields where the header has {len(columns)}", digest)
                    continue
                yield self._row(dict(zip(columns, record)), row_uri, uri, digest, encoding, fields)

    def _parquet_rows(self, uri: str, compression: str | None, digest: str) -> Iterator[records.Document | Rejection]:
        """`#row=N` is the 0-based row of the file. Parquet strings are UTF-8 by definition."""
        with _open_binary(uri, compression) as handle:
            try:
                parquet = pq.ParquetFile(handle)
            except pyarrow.ArrowException as error:
                raise _FileRejected("malformed_parquet", f"{type(error).__name__}: {error}") from error
            columns = parquet.schema_arrow.names
            missing = records.missing_text_field(columns, self._fields)
            if missing is not None:
                raise _FileRejected(missing.reason, missing.detail)
            fields = records.resolve_fields(columns, self._fields)
            wanted = sorted({name.split(".")[0] if name not in columns else name for name in fields.values() if name})
            if parquet.metadata.num_rows == 0:
                raise _FileRejected("empty_input", "no rows")
            index = 0
            for batch in parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS, columns=[name for name in wanted if name in columns]):
                for row in batch.to_pylist():
                    yield self._row(row, f"{uri}#row={index}", uri, digest, Encoding("utf-8", "utf-8"), fields)
                    index += 1


def _parse_json(text: str) -> Any:
    """JSON with raw control characters allowed. Surrogates in the text are bytes the stream could not decode (the
    row is decoded again later); without any, surrogates in the values come from escapes ("\\ud800") and can only
    be U+FFFD."""
    value = json.loads(text, strict=False)
    return value if has_surrogates(text) else _replace_escaped_surrogates(value)


def _replace_escaped_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        return replace_surrogates(value) if has_surrogates(value) else value
    if isinstance(value, dict):
        return {_replace_escaped_surrogates(key): _replace_escaped_surrogates(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_replace_escaped_surrogates(item) for item in value]
    return value


def _lines(stream: io.TextIOBase, limit: int) -> Iterator[str | None]:
    """The stream's lines; None for a line longer than `limit` characters, which is skipped without being kept."""
    while line := stream.readline(limit):
        if len(line) < limit or line.endswith("\n"):
            yield line
            continue
        while (rest := stream.readline(limit)) and not rest.endswith("\n"):
            pass
        yield None

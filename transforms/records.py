"""Structured inputs to article documents: which field is which, one row or one HTML page to one document, and
the documents of a batch as a polars frame. Pure: values in, values or frames out; flows/corpus.py does the I/O."""

import datetime
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import polars as pl
import trafilatura

from transforms.decoding import Decoded, Encoding, Rejected, decode_field, field_text
from transforms.text_repair import repair_text

# The document columns a structured row can fill, and the field names that fill each one when the user names none,
# in order of preference, compared case-insensitively. Seen in real exports: MasakhaNEWS (headline, text, url),
# AG News (title, description), NewsAPI (title, description, content, url, publishedAt, source.name), news-please
# and CommonCrawl news dumps (maintext, date_publish, source_domain), GDELT-style feeds (link, domain, lang).
FIELD_CANDIDATES: dict[str, tuple[str, ...]] = {
    "text": (
        "text", "body", "content", "article", "article_text", "article_body", "articlebody", "full_text", "fulltext",
        "maintext", "story", "description", "summary",
    ),
    "title": ("title", "headline", "heading", "head"),
    "url": ("url", "link", "uri", "href", "canonical_url", "source_url", "permalink"),
    "published": (
        "published_at", "publishedat", "published", "date_published", "datepublished", "date_publish",
        "publish_date", "publication_date", "pub_date", "pubdate", "date", "datetime", "timestamp", "created_at",
    ),
    "outlet": (
        "outlet", "source", "source_name", "source_domain", "site", "site_name", "sitename", "domain", "publisher",
        "newspaper", "media",
    ),
    "language": ("language", "lang", "language_code", "lang_code", "locale"),
}  # fmt: skip
FIELD_NAMES = tuple(FIELD_CANDIDATES)

# A JSON file may wrap its rows in an object: NewsAPI answers {"status": ..., "articles": [...]}.
ROW_LIST_KEYS = ("articles", "items", "data", "results", "records", "rows", "entries", "documents", "docs", "news", "posts")

# Dates as news exports write them, tried in order: ISO 8601 with or without time, zone and fraction, RFC 2822 (RSS),
# and day-first or slashed dates. A date without a zone is taken as UTC; an unparsed one is kept as text only.
PUBLISHED_FORMATS_WITH_ZONE = ("%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%z", "%a, %d %b %Y %H:%M:%S %z", "%d %b %Y %H:%M:%S %z")  # fmt: skip
PUBLISHED_FORMATS_NAIVE = ("%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y/%m/%d", "%d %B %Y", "%B %d, %Y")  # fmt: skip
# Unix time, as exports and feeds' "timestamp" fields write it: ten digits are seconds (2001-09-09 to 2286, with
# an optional fraction), thirteen milliseconds. Other counts of digits stay unparsed: "20240501" is a date.
EPOCH_SECONDS = r"^(\d{10})(?:\.(\d{1,6})\d*)?$"
EPOCH_MILLISECONDS = r"^(\d{13})$"

# The page's declared language, `<html lang="fr-CA">`: what the publisher says, stored as given.
HTML_LANG = re.compile(r"""<html\b[^>]*?\blang\s*=\s*["']?([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*)""", re.IGNORECASE)

DOC_SCHEMA = {
    "source_uri": pl.String,  # the file, or `file#row=N` (0-based) for a row of a structured file
    "input_uri": pl.String,  # the input file it came from (the manifest key)
    "input_hash": pl.String,  # that file's content hash
    "text": pl.String,
    "source_encoding": pl.String,
    "title": pl.String,
    "url": pl.String,
    "published_text": pl.String,
    "outlet": pl.String,
    "given_language": pl.String,
}


@dataclass(frozen=True)
class Document:
    """One article as read, before cleaning."""

    source_uri: str
    input_uri: str
    input_hash: str
    text: str
    source_encoding: str
    title: str | None = None
    url: str | None = None
    published_text: str | None = None
    outlet: str | None = None
    given_language: str | None = None


def parse_field_options(options: Iterable[str]) -> dict[str, str]:
    """`["text=body", "title=headline"]` -> `{"text": "body", "title": "headline"}`; raises ValueError on nonsense."""
    fields: dict[str, str] = {}
    for option in options:
        column, separator, field = option.partition("=")
        column, field = column.strip().lower(), field.strip()
        if not separator or not field:
            raise ValueError(f"--field needs COLUMN=FIELD, got {option!r}")
        if column not in FIELD_CANDIDATES:
            raise ValueError(f"--field {option!r}: COLUMN must be one of {', '.join(FIELD_NAMES)}")
        fields[column] = field
    return fields


def resolve_fields(columns: Sequence[str], overrides: Mapping[str, str] | None = None) -> dict[str, str | None]:
    """Which source field fills each document column: the user's choice, else the first default name present."""
    return dict(_resolve(tuple(columns), tuple(sorted((overrides or {}).items()))))


@lru_cache(maxsize=256)
def _resolve(columns: tuple[str, ...], overrides: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str | None], ...]:
    chosen = dict(overrides)
    by_lower: dict[str, str] = {}
    for column in columns:
        by_lower.setdefault(column.strip().lower(), column)
    resolved = []
    for name, candidates in FIELD_CANDIDATES.items():
        if name in chosen:
            # A dotted name reaches into a nested object: `--field outlet=source.name`.
            wanted = chosen[name]
            resolved.append((name, wanted if wanted in columns or "." in wanted else by_lower.get(wanted.lower())))
            continue
        resolved.append((name, next((by_lower[candidate] for candidate in candidates if candidate in by_lower), None)))
    return tuple(resolved)


def missing_text_field(columns: Sequence[str], overrides: Mapping[str, str] | None = None) -> Rejected | None:
    """A reason when a file's columns hold nothing to read as article text."""
    if resolve_fields(columns, overrides)["text"] is not None:
        return None
    wanted = (overrides or {}).get("text")
    expected = f"the field {wanted!r} named by --field text=" if wanted else f"one of {', '.join(FIELD_CANDIDATES['text'])}"
    return Rejected("no_text_field", f"columns {', '.join(columns) or '(none)'}; expected {expected}")


def row_document(
    row: Mapping[str, Any],
    fields: Mapping[str, str | None],
    encoding: Encoding,
    max_bytes: int,
    source_uri: str,
    input_uri: str,
    input_hash: str,
) -> Document | Rejected:
    """One row of a structured file as a document, or the reason it cannot be one."""
    if fields["text"] is None:
        return Rejected("no_text_field", f"no text field among {', '.join(map(str, row)) or '(no fields)'}")
    value = _lookup(row, fields["text"])
    if value is None:
        return Rejected("empty_text", f"the text field {fields['text']!r} is missing or null")
    if isinstance(value, bytes | bytearray):
        decoded = decode_field(bytes(value).decode("utf-8", errors="surrogateescape"), Encoding("utf-8", "utf-8"), max_bytes)
    elif isinstance(value, str):
        decoded = decode_field(value, encoding, max_bytes)
    else:
        return Rejected("text_not_text", f"the text field {fields['text']!r} holds a {json_type(value)}, not text")
    if isinstance(decoded, Rejected):
        return decoded
    metadata = {name: _metadata(_lookup(row, fields[name]), encoding) if fields[name] else None for name in FIELD_NAMES[1:]}
    return Document(
        source_uri=source_uri,
        input_uri=input_uri,
        input_hash=input_hash,
        text=decoded.text,
        source_encoding=decoded.encoding,
        title=metadata["title"],
        url=metadata["url"],
        published_text=metadata["published"],
        outlet=metadata["outlet"],
        given_language=metadata["language"],
    )


def html_document(
    html: Decoded, max_bytes: int, source_uri: str, input_hash: str, input_uri: str | None = None
) -> Document | Rejected:
    """The main text of one HTML page (trafilatura: no navigation, comments or footers) and its metadata. The page
    is a file of its own, or a row (`source_uri`) of the file `input_uri`: a web archive's response, a feed's entry."""
    extracted = trafilatura.bare_extraction(html.text, with_metadata=True, include_comments=False)
    text = extracted.text if extracted is not None else None
    if not text or not text.strip():
        return Rejected("no_text_extracted", "trafilatura found no main text in the page")
    size = len(text.encode("utf-8"))
    if size > max_bytes:
        return Rejected("too_large", f"{size} bytes of extracted text, limit {max_bytes}")
    declared = HTML_LANG.search(html.text[:20_000])
    return Document(
        source_uri=source_uri,
        input_uri=input_uri or source_uri,
        input_hash=input_hash,
        text=text,
        source_encoding=html.encoding,
        title=extracted.title,
        url=extracted.url,
        published_text=extracted.date,
        outlet=extracted.sitename,
        given_language=declared.group(1) if declared else None,
    )


def text_document(decoded: Decoded, source_uri: str, input_hash: str) -> Document:
    return Document(source_uri, source_uri, input_hash, decoded.text, decoded.encoding)


def documents_frame(documents: Sequence[Document]) -> pl.DataFrame:
    """The documents of a batch, in reading order: titles and outlets repaired to one clean line, dates parsed."""
    frame = pl.DataFrame([tuple(vars(document).values()) for document in documents], schema=DOC_SCHEMA, orient="row")
    one_line = [repair_text(pl.col(name)).str.replace_all(r"\s+", " ").str.strip_chars().alias(name) for name in ("title", "outlet")]
    stripped = [pl.col(name).str.strip_chars().alias(name) for name in ("url", "published_text", "given_language")]
    optional = ("title", "outlet", "url", "published_text", "given_language")
    return (
        frame.with_columns(*one_line, *stripped)
        .with_columns(pl.when(pl.col(name) != "").then(pl.col(name)).alias(name) for name in optional)
        .with_columns(published_at(pl.col("published_text")).alias("published_at"))
    )


def published_at(published_text: pl.Expr) -> pl.Expr:
    """The publication time as UTC, from the formats in PUBLISHED_FORMATS_* or Unix time (EPOCH_*); null when none
    fits."""
    # RSS and HTTP write UTC as a name ("Wed, 01 May 2024 10:00:00 GMT"), which %z does not read.
    text = published_text.str.strip_chars().str.replace(r"(?i)z$", "+00:00").str.replace(r"(?i) (?:gmt|ut|utc)$", " +0000")
    utc = pl.Datetime("us", "UTC")
    with_zone = [text.str.strptime(utc, format, strict=False) for format in PUBLISHED_FORMATS_WITH_ZONE]
    naive = [text.str.strptime(pl.Datetime("us"), format, strict=False).dt.replace_time_zone("UTC") for format in PUBLISHED_FORMATS_NAIVE]
    # In microseconds, from the digits: a float would round the fraction of a second.
    fraction = text.str.extract(EPOCH_SECONDS, 2).str.pad_end(6, "0").cast(pl.Int64)
    seconds = text.str.extract(EPOCH_SECONDS, 1).cast(pl.Int64) * 1_000_000 + fraction.fill_null(0)
    milliseconds = text.str.extract(EPOCH_MILLISECONDS, 1).cast(pl.Int64) * 1_000
    epoch = pl.from_epoch(pl.coalesce(seconds, milliseconds), time_unit="us").dt.replace_time_zone("UTC")
    return pl.coalesce(*with_zone, *naive, epoch)


def article_sources(docs: pl.DataFrame, sources: pl.DataFrame) -> pl.DataFrame:
    """Where each article of a batch was read: one row per document (article_id, source_uri, input_uri, input_hash)."""
    return sources.join(docs.select("source_uri", "input_uri", "input_hash"), on="source_uri", how="left", maintain_order="left")


def _lookup(row: Mapping[str, Any], field: str) -> Any:
    if field in row:
        return row[field]
    value: Any = row
    for part in field.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _metadata(value: Any, encoding: Encoding) -> str | None:
    """A metadata value as text: scalars as written, an object by its `name` (NewsAPI's source), others as JSON."""
    if value is None:
        return None
    if isinstance(value, Mapping) and isinstance(value.get("name"), str):
        value = value["name"]
    if isinstance(value, bytes | bytearray):
        return field_text(bytes(value).decode("utf-8", errors="surrogateescape"), Encoding("utf-8", "utf-8"))
    if isinstance(value, str):
        return field_text(value, encoding)
    if isinstance(value, bool | int | float):
        return json.dumps(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return field_text(json.dumps(value, ensure_ascii=False, default=str), encoding)


def json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, list | tuple):
        return "list"
    return type(value).__name__

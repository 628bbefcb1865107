"""Turn the bytes of one input into text, or into a reason why it cannot be loaded."""

import codecs
import re
from dataclasses import dataclass

import chardet
import regex

# Byte-order marks decide the encoding outright; UTF-16 text is full of NUL bytes, so this comes first.
BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)

# Binary inputs are recognised in their first block: by the magic number of a format that turns up in corpus
# folders under a text name (images, PDF, archives, Office files, Parquet), or by NUL bytes.
BINARY_SNIFF_BYTES = 8192
BINARY_SIGNATURES = (
    b"\x89PNG",  # PNG
    b"\xff\xd8\xff",  # JPEG
    b"GIF87a",
    b"GIF89a",
    b"%PDF-",
    b"PK\x03\x04",  # zip, docx, xlsx, epub
    b"\x1f\x8b",  # gzip without a .gz name
    b"PAR1",  # Parquet without a .parquet name
    b"\xd0\xcf\x11\xe0",  # old Office documents
    b"\x7fELF",
)

# Text never has NUL bytes in any quantity, but a few stray NULs from a bad scrape are holes in good text
# (repair_text removes them), even in a 100-byte brief. Binary formats without a known magic number, and UTF-16
# without a BOM, are far above this share of the first block.
MAX_NUL_SHARE = 0.1

# UTF-8 text with a few broken bytes (a truncated download, one pasted symbol) is still UTF-8: up to this share
# of characters may be lost to U+FFFD before we ask the detector instead. Guessing a legacy codepage for such a
# file would turn every accented letter of it into mojibake.
MAX_BROKEN_UTF8_SHARE = 0.005

# After decoding, controls, unassigned code points and U+FFFD above this share mean the bytes were not text in
# any encoding we know; loading them would put garbage into the warehouse.
MAX_GARBAGE_SHARE = 0.05

# One article above 5 MB of text is a dump or a mistake, not news; it would also stall NER on one worker.
DEFAULT_MAX_ARTICLE_BYTES = 5_000_000

# A structured file (CSV, JSON lines) is decoded as a stream in one encoding, chosen from its first block: 1 MB
# holds thousands of rows, enough for the detector, and is read once per file.
ENCODING_SAMPLE_BYTES = 1 << 20

# A row of a UTF-8 file that is not UTF-8 is decoded as this first (see `decode_field`).
ROW_FALLBACK_ENCODING = "windows-1252"

# Characters no text encoding produces on purpose: controls (but line breaks and tabs), unassigned code points, private
# use, lone surrogates and U+FFFD. One compiled class: a Python loop over characters was the reader's hottest line.
GARBAGE = regex.compile(r"[[\p{Cc}\p{Cn}\p{Co}\p{Cs}\ufffd]--[\n\r\t\f\v]]", regex.V1)

# Bytes a stream decoder could not decode come back as U+DC80..U+DCFF ("surrogateescape"); JSON escapes such as
# "\ud800" give other lone surrogates. Neither can be stored: polars and DuckDB hold valid UTF-8 only.
_SURROGATES = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str


@dataclass(frozen=True)
class Rejected:
    reason: str
    detail: str


@dataclass(frozen=True)
class Encoding:
    codec: str  # the Python codec that decodes the bytes
    label: str  # what `source_encoding` says: "utf-8", "utf-16", "windows-1252", ...


def garbage_share(text: str) -> float:
    """Share of characters that no text encoding produces on purpose."""
    if not text:
        return 0.0
    # Every garbage character but U+FFFD is one Python does not print, and so are line breaks and tabs. Most texts,
    # once those are taken out, print whole and hold no U+FFFD: their share is 0 without the class scanning them,
    # which took a quarter of the reader's time (1.3 of 3.4 CPU s over MasakhaNEWS, against 0.3 this way). A text
    # with any other unprintable character (a no-break space, a zero-width joiner) is scanned.
    if "\ufffd" not in text and text.replace("\n", "").replace("\r", "").replace("\t", "").isprintable():
        return 0.0
    return len(GARBAGE.findall(text)) / len(text)


def sniff_binary(block: bytes) -> Rejected | None:
    """A reason when the first block of an input (without a BOM) is a binary format, else None."""
    sniffed = block[:BINARY_SNIFF_BYTES]
    if sniffed and sniffed.count(b"\x00") / len(sniffed) > MAX_NUL_SHARE:
        return Rejected("binary_content", "NUL bytes in the first block and no UTF-16 byte-order mark")
    for signature in BINARY_SIGNATURES:
        if block.startswith(signature):
            return Rejected("binary_content", f"starts like a binary file ({signature!r})")
    return None


def choose_encoding(data: bytes, complete: bool = True) -> Encoding | Rejected:
    """BOM, else UTF-8 when the bytes are (nearly) valid UTF-8, else chardet's guess. `complete=False` for the first
    block of a longer stream, whose last character may be cut in two."""
    for bom, codec in BOMS:
        if data.startswith(bom):
            return Encoding(codec, codec.removesuffix("-sig"))
    binary = sniff_binary(data)
    if binary is not None:
        return binary
    text = codecs.getincrementaldecoder("utf-8")("replace").decode(data, final=complete)
    # U+FFFD written in the input as such is text, not a decoding error.
    broken = text.count("\ufffd") - data.count("\ufffd".encode("utf-8"))
    if broken == 0:
        return Encoding("utf-8", "utf-8")
    # Legacy codepages almost never form valid multi-byte UTF-8 by accident: text with more valid multi-byte
    # characters than broken bytes is UTF-8 with a few foreign bytes (a Windows-1252 row in a UTF-8 export).
    multibyte = sum(1 for char in text if char > "\x7f") - broken - data.count("\ufffd".encode("utf-8"))
    if broken <= MAX_BROKEN_UTF8_SHARE * len(text) or multibyte > broken:
        return Encoding("utf-8", "utf-8 (invalid bytes replaced)")
    guess = chardet.detect(data)["encoding"]
    if guess is None:
        return Rejected("undecodable", "not UTF-8 and no encoding detected")
    try:
        codec = codecs.lookup(guess).name
    except LookupError:
        return Rejected("undecodable", f"detected {guess}, which Python cannot decode")
    return Encoding(codec, guess.lower())


def decode_bytes(data: bytes, max_bytes: int = DEFAULT_MAX_ARTICLE_BYTES) -> Decoded | Rejected:
    """Decode one input's bytes: BOM, then UTF-8, then chardet's guess; reject what is not text."""
    if len(data) > max_bytes:
        return Rejected("too_large", f"{len(data)} bytes, limit {max_bytes}")
    if not data.strip():
        return Rejected("empty_input", f"{len(data)} bytes of whitespace" if data else "0 bytes")
    # Most inputs are valid UTF-8 without a byte-order mark, and choose_encoding would answer "utf-8" for them after
    # decoding them once to check: decoded here once instead. A UTF-8 BOM decodes to U+FEFF, and no UTF-16 BOM is
    # valid UTF-8, so those still go through choose_encoding; so does a binary format that is valid UTF-8 (%PDF-).
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and not text.startswith("\ufeff") and sniff_binary(data) is None:
        return _checked(text, "utf-8")
    encoding = choose_encoding(data)
    if isinstance(encoding, Rejected):
        return encoding
    return _checked(data.decode(encoding.codec, errors="replace"), encoding.label)


def decode_field(value: str, encoding: Encoding, max_bytes: int = DEFAULT_MAX_ARTICLE_BYTES) -> Decoded | Rejected:
    """Check the text field of one row of a structured file that was decoded as a stream with `surrogateescape`.

    A field holding bytes the file's encoding could not decode (a Windows-1252 row in a UTF-8 export) is decoded
    again on its own, like a whole input; lone surrogates that were never bytes (JSON escapes) become U+FFFD."""
    size = len(value.encode("utf-8", errors="surrogatepass"))
    if size > max_bytes:
        return Rejected("too_large", f"{size} bytes of text, limit {max_bytes}")
    if not value.strip():
        return Rejected("empty_text", "the text field is empty")
    if _SURROGATES.search(value) is None:
        return _checked(value, encoding.label)
    try:
        raw = value.encode(encoding.codec, errors="surrogateescape")
    except UnicodeError:
        return _checked(replace_surrogates(value), encoding.label)
    return _decode_row(raw, encoding, max_bytes)


def _decode_row(raw: bytes, encoding: Encoding, max_bytes: int) -> Decoded | Rejected:
    # A row is too short for the detector to tell codepages apart ("café" comes back as Greek or Cyrillic). In a
    # UTF-8 file, a row with some valid multi-byte characters is UTF-8 with a few broken bytes; a row without any is
    # usually a Windows-1252 row pasted from Excel, tried next when it decodes as such.
    if encoding.codec == "utf-8" and sniff_binary(raw) is None:
        as_utf8 = raw.decode("utf-8", errors="replace")
        if any(char > "\x7f" and char != "\ufffd" for char in as_utf8):
            return _checked(as_utf8, "utf-8 (invalid bytes replaced)")
        try:
            return _checked(raw.decode(ROW_FALLBACK_ENCODING), ROW_FALLBACK_ENCODING)
        except UnicodeDecodeError:
            pass
    return decode_bytes(raw, max_bytes)


def field_text(value: str, encoding: Encoding) -> str:
    """A metadata field (title, url, outlet, ...) as storable text, re-decoded like `decode_field`; never rejected."""
    if _SURROGATES.search(value) is None:
        return value
    try:
        raw = value.encode(encoding.codec, errors="surrogateescape")
    except UnicodeError:
        return replace_surrogates(value)
    decoded = _decode_row(raw, encoding, max_bytes=len(raw) + 1)
    return decoded.text if isinstance(decoded, Decoded) else replace_surrogates(value)


def has_surrogates(text: str) -> bool:
    return _SURROGATES.search(text) is not None


def replace_surrogates(text: str) -> str:
    """Lone surrogates as U+FFFD: a Python string may hold them, UTF-8 (and so polars and DuckDB) may not."""
    return _SURROGATES.sub("\ufffd", text)


def _checked(text: str, encoding: str) -> Decoded | Rejected:
    share = garbage_share(text)
    if share > MAX_GARBAGE_SHARE:
        return Rejected("undecodable", f"decoded as {encoding}, {share:.0%} control or invalid characters")
    return Decoded(text, encoding)

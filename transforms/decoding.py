"""Turn the bytes of one input into text, or into a reason why it cannot be loaded."""

import unicodedata
from dataclasses import dataclass

import chardet

# Byte-order marks decide the encoding outright; UTF-16 text is full of NUL bytes, so this comes first.
BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)

# A NUL byte in the first block of a file without a UTF-16 BOM means a binary file (image, PDF, archive).
BINARY_SNIFF_BYTES = 8192

# UTF-8 text with a few broken bytes (a truncated download, one pasted symbol) is still UTF-8: up to this share
# of characters may be lost to U+FFFD before we ask the detector instead. Guessing a legacy codepage for such a
# file would turn every accented letter of it into mojibake.
MAX_BROKEN_UTF8_SHARE = 0.005

# After decoding, controls, unassigned code points and U+FFFD above this share mean the bytes were not text in
# any encoding we know; loading them would put garbage into the warehouse.
MAX_GARBAGE_SHARE = 0.05

# One article above 5 MB of text is a dump or a mistake, not news; it would also stall NER on one worker.
DEFAULT_MAX_ARTICLE_BYTES = 5_000_000

_GARBAGE_CATEGORIES = frozenset({"Cc", "Cn", "Co", "Cs"})
_ALLOWED_CONTROLS = frozenset("\n\r\t\f\v")


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str


@dataclass(frozen=True)
class Rejected:
    reason: str
    detail: str


def garbage_share(text: str) -> float:
    """Share of characters that no text encoding produces on purpose."""
    if not text:
        return 0.0
    garbage = sum(
        1
        for char in text
        if char == "\ufffd" or (char not in _ALLOWED_CONTROLS and unicodedata.category(char) in _GARBAGE_CATEGORIES)
    )
    return garbage / len(text)


def decode_bytes(data: bytes, max_bytes: int = DEFAULT_MAX_ARTICLE_BYTES) -> Decoded | Rejected:
    """Decode one input's bytes: BOM, then UTF-8, then chardet's guess; reject what is not text."""
    if len(data) > max_bytes:
        return Rejected("too_large", f"{len(data)} bytes, limit {max_bytes}")
    if not data.strip():
        return Rejected("empty_input", f"{len(data)} bytes of whitespace" if data else "0 bytes")
    for bom, encoding in BOMS:
        if data.startswith(bom):
            text = data.decode(encoding, errors="replace")
            return _checked(text, encoding.removesuffix("-sig"))
    if b"\x00" in data[:BINARY_SNIFF_BYTES]:
        return Rejected("binary_content", "NUL bytes in the first block and no UTF-16 byte-order mark")
    try:
        return _checked(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="replace")
    if text.count("\ufffd") <= MAX_BROKEN_UTF8_SHARE * len(text):
        return _checked(text, "utf-8 (invalid bytes replaced)")
    guess = chardet.detect(data)["encoding"]
    if guess is None:
        return Rejected("undecodable", "not UTF-8 and no encoding detected")
    return _checked(data.decode(guess, errors="replace"), guess.lower())


def _checked(text: str, encoding: str) -> Decoded | Rejected:
    share = garbage_share(text)
    if share > MAX_GARBAGE_SHARE:
        return Rejected("undecodable", f"decoded as {encoding}, {share:.0%} control or invalid characters")
    return Decoded(text, encoding)

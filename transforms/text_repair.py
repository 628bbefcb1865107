"""Repair decoded text before any rule looks at it: mojibake, control characters, unicode form, whitespace."""

import re

import ftfy
import polars as pl

# ftfy would also turn curly quotes into straight ones; news text is quoted as written, so keep them.
FTFY_CONFIG = ftfy.TextFixerConfig(uncurl_quotes=False)

# Only text showing these marks goes through ftfy (per-row Python): UTF-8 read as Windows-1252 ("Ã©", "â€™"),
# stray C1 controls, and HTML entities left in scraped text ("&amp;", "&#39;"). Everything else is already sound
# and is repaired by the native expressions below.
MOJIBAKE_HINT = re.compile(r"[ÃÂâ][\x80-\xbf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]|[\x80-\x9f]|&(?:#\d{2,5}|#x[0-9a-fA-F]{2,4}|[a-zA-Z]{2,8});")

# Line breaks of every platform become "\n" so that line numbers mean the same thing for every input.
LINE_BREAKS = r"\r\n?|[\u2028\u2029\u0085\x0b\x0c]"

# Invisible characters that break word matching: zero-width space/joiners, word joiner, BOM, soft hyphen,
# and C0 controls other than tab and newline (NUL bytes arrive from bad scrapes).
INVISIBLE_CHARS = r"[\x00-\x08\x0e-\x1f\x7f\u00ad\u200b-\u200d\u2060\ufeff]"

# Horizontal whitespace of any width (NBSP, thin and ideographic spaces, tabs) is one plain space.
HORIZONTAL_SPACE = r"[\t \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+"


def _fix_mojibake(texts: pl.Series) -> pl.Series:
    fixed = [text if text is None or not MOJIBAKE_HINT.search(text) else ftfy.fix_text(text, config=FTFY_CONFIG) for text in texts]
    return pl.Series(texts.name, fixed, dtype=pl.String)


def repair_text(text: pl.Expr) -> pl.Expr:
    """Repair encoding damage, normalize to NFC, and normalize whitespace line by line (lines are kept)."""
    return (
        text.map_batches(_fix_mojibake, return_dtype=pl.String)
        .str.replace_all(LINE_BREAKS, "\n")
        .str.replace_all(INVISIBLE_CHARS, "")
        .str.normalize("NFC")
        .str.replace_all(HORIZONTAL_SPACE, " ")
        .str.replace_all(r"(?m) +$", "")
        .str.replace_all(r"(?m)^ +", "")
    )

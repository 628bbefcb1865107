"""Repair decoded text before any rule looks at it: mojibake, control characters, unicode form, whitespace."""

import re
import unicodedata

import ftfy
import polars as pl
import regex
import wordfreq

# ftfy repairs encoding damage only. It would also turn curly quotes into straight ones (news text is quoted as
# written), ligatures and full-width letters into plain ones, and drop some format characters; those would then
# happen only to the texts that also show damage, so they are off.
FTFY_CONFIG = ftfy.TextFixerConfig(
    uncurl_quotes=False, fix_latin_ligatures=False, fix_character_width=False, remove_control_chars=False
)

# Only text showing these marks goes through ftfy (per-row Python): UTF-8 read as Windows-1252 ("Ã©", "â€™"),
# stray C1 controls, and HTML entities left in scraped text ("&amp;", "&#39;"). Everything else is already sound
# and is repaired by the native expressions below.
MOJIBAKE_HINT = re.compile(r"[ÃÂâ][\x80-\xbf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]|[\x80-\x9f]|&(?:#\d{2,5}|#x[0-9a-fA-F]{2,4}|[a-zA-Z]{2,8});| (?:#\d{2,5}|quot|amp|lt|gt|apos|nbsp);")

# An HTML entity whose ampersand a feed turned into a space: "doesn #39;t", "the  #36;10 million", "said  quot;No
# quot;" (AG News). The space was the ampersand, so it is put back and ftfy unescapes the entity. A number below 33
# would be a control character or a space ("ranked #10; then"), never what such damage leaves, and stays as written.
BROKEN_ENTITY = re.compile(r" (#(\d{2,5})|quot|amp|lt|gt|apos|nbsp);")
BROKEN_ENTITY_MIN_CODE = 33

# A word that a line break cut in two with a hyphen, in text wrapped to a width: "gov-" at the end of a line and
# "ernment" at the start of the next. Joined only when that is unambiguous: the joined word is common in one of these
# languages (a Zipf frequency of at least 3, once per million words), and the second part is no common word of its
# own, or the hyphen could be the writer's ("re-" / "election", "well-" / "known").
WRAPPED_WORD = r"(\p{Ll}{2,})-\n(\p{Ll}{2,})"
WRAPPED_WORD_LANGUAGES = ("en", "fr", "de", "es", "pt", "it")
MIN_JOINED_ZIPF = 3.0

# Line breaks of every platform become "\n" so that line numbers mean the same thing for every input.
LINE_BREAKS = r"\r\n?|[\u2028\u2029\u0085\x0b\x0c]"

# Invisible characters that break word matching: zero-width space, word joiner, BOM, soft hyphen, and C0
# controls other than tab and newline (NUL bytes arrive from bad scrapes). The zero-width (non-)joiners U+200C/D
# stay: Persian and Indic spelling and emoji sequences need them, and removing them would split a character.
INVISIBLE_CHARS = r"[\x00-\x08\x0e-\x1f\x7f\u00ad\u200b\u2060\ufeff]"

# Horizontal whitespace of any width (NBSP, thin and ideographic spaces, tabs) is one plain space. A lone plain
# space is left out of the match: replacing every space between words with itself cost as much as the rest.
_SPACE_CHARS = r"\t \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
HORIZONTAL_SPACE = rf"[{_SPACE_CHARS}]{{2,}}|[{_SPACE_CHARS.replace(' ', '')}]"


# ftfy fixes one layer of damage per pass, and what it decides depends on the whole text; text that was
# mis-decoded or HTML-escaped twice ("&amp;amp;", "Ã¢â‚¬â„¢") needs another pass. The whole repair is repeated on
# such text until it changes no more, so repairing repaired text is a no-op.
MAX_REPAIR_PASSES = 4

_LINE_BREAKS = re.compile(LINE_BREAKS)
# ftfy is given one line at a time. It fixes mojibake line by line anyway, but decides for a whole text whether
# to unescape HTML entities (not when it sees a "<"): a "<" on a line that cleaning later removes would otherwise
# keep "&amp;" on another line as it is, and cleaning the clean text would unescape it.
_ASCII_LINE_BREAK = re.compile(r"(\r\n?|\n)")
_INVISIBLE_CHARS = re.compile(INVISIBLE_CHARS)
_HORIZONTAL_SPACE = re.compile(HORIZONTAL_SPACE)
_LINE_END_SPACES = re.compile(r"(?m) +$")
_LINE_START_SPACES = re.compile(r"(?m)^ +")


def _restore_ampersand(match: re.Match) -> str:
    code = match.group(2)
    if code is not None and int(code) < BROKEN_ENTITY_MIN_CODE:
        return match.group(0)
    return f"&{match.group(1)};"


def fix_encoding(text: str) -> str:
    """The whole repair of one text that shows mojibake or HTML entities, in Python, repeated until stable."""
    for _ in range(MAX_REPAIR_PASSES):
        if not MOJIBAKE_HINT.search(text):
            break
        text = BROKEN_ENTITY.sub(_restore_ampersand, text)
        fixed = "".join(
            part if _ASCII_LINE_BREAK.fullmatch(part) else ftfy.fix_text(part, config=FTFY_CONFIG)
            for part in _ASCII_LINE_BREAK.split(text)
            if part
        )
        normalized = unicodedata.normalize("NFC", _INVISIBLE_CHARS.sub("", _LINE_BREAKS.sub("\n", fixed)))
        repaired = _LINE_START_SPACES.sub("", _LINE_END_SPACES.sub("", _HORIZONTAL_SPACE.sub(" ", normalized)))
        if repaired == text:
            break
        text = repaired
    return text


def _compose(texts: pl.Series) -> pl.Series:
    """`texts` in NFC. Nearly all text arrives composed: unicodedata's quick check tells so in about a third of the
    time normalizing takes (0.24 against 0.67 s over MasakhaNEWS, where 164 of 20,168 texts needed it), and only the
    others are normalized."""
    rows = [row for row, text in enumerate(texts.to_list()) if text is not None and not unicodedata.is_normalized("NFC", text)]
    if not rows:
        return texts
    return texts.scatter(rows, texts.gather(rows).str.normalize("NFC"))


def _fix_mojibake(texts: pl.Series) -> pl.Series:
    # The hint is tested natively; only the few texts showing damage are handed to Python and ftfy.
    damaged = texts.str.contains(MOJIBAKE_HINT.pattern).fill_null(False)
    if not damaged.any():
        return texts
    rows = damaged.arg_true()
    return texts.scatter(rows, [fix_encoding(text) for text in texts.gather(rows)])


_WRAPPED_WORD = regex.compile(WRAPPED_WORD)


def _common_words(words: set[str]) -> set[str]:
    """Those of `words` common in one of WRAPPED_WORD_LANGUAGES."""
    # The first lookup reads wordfreq's lists of these languages (~1.3 s, ~40 MB kept for the process); only a
    # process that meets a wrapped word pays it.
    return {
        word
        for word in words
        if any(wordfreq.zipf_frequency(word, language) >= MIN_JOINED_ZIPF for language in WRAPPED_WORD_LANGUAGES)
    }


def join_wrapped_words(texts: list[str]) -> list[str]:
    """`texts` with the words a line-wrap hyphen cut in two joined, where that is unambiguous."""
    pairs = {pair for text in texts for pair in _WRAPPED_WORD.findall(text)}
    common = _common_words({head + tail for head, tail in pairs} | {tail for _, tail in pairs})

    def join(match: regex.Match) -> str:
        head, tail = match.group(1), match.group(2)
        return head + tail if head + tail in common and tail not in common else match.group(0)

    return [_WRAPPED_WORD.sub(join, text) for text in texts]


def _join_wrapped_words(texts: pl.Series) -> pl.Series:
    # Wrapped text is rare in news feeds: only the texts with a candidate are handed to Python and wordfreq.
    wrapped = texts.str.contains(WRAPPED_WORD).fill_null(False)
    if not wrapped.any():
        return texts
    rows = wrapped.arg_true()
    return texts.scatter(rows, join_wrapped_words(texts.gather(rows).to_list()))


def repair_text(text: pl.Expr) -> pl.Expr:
    """Repair encoding damage, normalize to NFC, and normalize whitespace line by line (lines are kept).

    Invisible characters go and the text is composed before ftfy looks (so that "Ã\u200b©" is seen as damage);
    line breaks and spaces are normalized after it, since C1 controls and no-break spaces are its evidence."""
    composed = text.str.replace_all(INVISIBLE_CHARS, "").map_batches(_compose, return_dtype=pl.String)
    # fix_encoding gives a damaged text the whole repair. For the others, unifying line breaks cannot make new
    # invisible characters or compositions, so only spaces are left to normalize.
    return (
        composed.map_batches(_fix_mojibake, return_dtype=pl.String)
        .str.replace_all(LINE_BREAKS, "\n")
        .str.replace_all(HORIZONTAL_SPACE, " ")
        .str.replace_all(r"(?m) +$", "")
        .str.replace_all(r"(?m)^ +", "")
        .map_batches(_join_wrapped_words, return_dtype=pl.String)
    )

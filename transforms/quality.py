"""Quality flags of a clean body: stored beside the article, never a reason to drop it.

Each flag is a named check with its threshold below; `quality_flags` lists the ones a body raises, in this order,
and the view `flagged_articles` lists the articles that raise any.
"""

from collections.abc import Callable

import polars as pl

# A teaser, not an article: AG News descriptions (one or two sentences) are 20-50 words, a short news brief 60 or
# more. Below this many words the text cannot carry a story.
TOO_SHORT = "too_short"
TOO_SHORT_MAX_WORDS = 25

# Tables of figures, code, symbol runs: under half of the body's non-space characters are letters. Prose in any
# script is ~80 % letters; a results table or a ticker dump is mostly digits and punctuation.
MOSTLY_NON_LETTERS = "mostly_non_letters"
MIN_LETTER_SHARE = 0.5

# The same lines over and over (a scrape that looped, a page of repeated widgets): the second and later copies of
# lines hold more than this share of the body's characters. 0.2 is the limit the Gopher quality rules (Rae et al.
# 2021) set on characters in duplicated lines of a web document.
HEAVY_REPETITION = "heavy_repetition"
MAX_REPEATED_LINE_SHARE = 0.2

# The scrape lost the body's first letters: it starts inside a word, in lower case ("rading platform Robinhood …",
# "umber of deaths …"). A brand written in lower case with a capital inside ("iPhone", "eBay") is a word's start.
TRUNCATED_START = "truncated_start"
TRUNCATED_START_PATTERN = r"^(?:\p{Ll}|['’]s\b)"
BRAND_START = r"^\p{Ll}+\p{Lu}"

QUALITY_FLAGS = (TOO_SHORT, MOSTLY_NON_LETTERS, HEAVY_REPETITION, TRUNCATED_START)


# After repair (transforms/text_repair.py) whitespace is a plain space or a newline, one at a time, never at the edge
# of a line, so a body's whitespace and its words can be counted as two literal characters: ~0.35 s over MasakhaNEWS
# against ~0.55 for a regex match per space or per word. A body with any other whitespace is counted by regex.
IRREGULAR_WHITESPACE = r"[^\S \n]|\s\s|^\s|\s$"


def _counted(body: pl.Expr, regular: pl.Expr, by_regex: Callable[[pl.Expr], pl.Expr]) -> pl.Expr:
    """`regular` for a body whose whitespace is regular, else `by_regex` run on those bodies only (the others are
    handed to it as empty strings)."""
    is_regular = ~body.str.contains(IRREGULAR_WHITESPACE)
    return pl.when(is_regular).then(regular).otherwise(by_regex(pl.when(is_regular).then(pl.lit("")).otherwise(body)))


def _breaks(body: pl.Expr) -> pl.Expr:
    return body.str.count_matches(" ", literal=True) + body.str.count_matches("\n", literal=True)


def whitespace_count(body: pl.Expr) -> pl.Expr:
    """Whitespace characters in `body`."""
    return _counted(body, _breaks(body), lambda irregular: irregular.str.count_matches(r"\s"))


def word_count(body: pl.Expr) -> pl.Expr:
    """Runs of non-whitespace characters in `body`."""
    words = pl.when(body == "").then(0).otherwise(_breaks(body) + 1)
    return _counted(body, words, lambda irregular: irregular.str.count_matches(r"\S+")).cast(pl.Int32)


def quality_flags(body: pl.Expr, words: pl.Expr | None = None) -> pl.Expr:
    """The QUALITY_FLAGS `body` raises, in that order (an empty list when none). `words` is the body's
    `word_count`, where the caller has it already."""
    # Characters of a kind are counted as all characters less the others: spaces and non-letters are the fewer
    # matches, and a match costs more than a character (0.3 against 0.8 s over MasakhaNEWS for each count).
    length = body.str.len_chars()
    non_space = length - whitespace_count(body)
    letters = length - body.str.count_matches(r"\P{L}")
    lines = body.str.split("\n")
    repeated_chars = lines.list.eval(pl.element().filter(~pl.element().is_first_distinct()).str.len_chars()).list.sum()
    checks = {
        TOO_SHORT: (word_count(body) if words is None else words) <= TOO_SHORT_MAX_WORDS,
        MOSTLY_NON_LETTERS: (non_space > 0) & (letters < MIN_LETTER_SHARE * non_space),
        HEAVY_REPETITION: repeated_chars > MAX_REPEATED_LINE_SHARE * length,
        TRUNCATED_START: body.str.contains(TRUNCATED_START_PATTERN) & ~body.str.contains(BRAND_START),
    }
    flags = [pl.when(check.fill_null(False)).then(pl.lit(name)) for name, check in checks.items()]
    return pl.concat_list(flags).list.drop_nulls()

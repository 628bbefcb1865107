"""Quality flags of a clean body: stored beside the article, never a reason to drop it.

Each flag is a named check with its threshold below; `quality_flags` lists the ones a body raises, in this order,
and the view `flagged_articles` lists the articles that raise any.
"""

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

# Columns `with_counts` works with and drops: whether a body's whitespace is regular, and its spaces and newlines.
_REGULAR = "_regular_whitespace"
_BREAKS = "_breaks"


def with_counts(frame: pl.DataFrame, body: str) -> pl.DataFrame:
    """`frame` with char_count, word_count and space_count of its column `body`: its characters, its runs of
    non-whitespace characters and its whitespace characters.

    The literal counts and the regularity check are computed once, as columns, and shared by the word and the
    space count: polars' eager path plans each expression on its own, so written inline each was computed twice
    (about 0.75 of 1.8 CPU s over MasakhaNEWS, with `quality_flags`)."""
    text = pl.col(body)
    regular = pl.col(_REGULAR)
    breaks = pl.col(_BREAKS)
    # The regex counts run on the irregular bodies only; the others are handed to them as empty strings.
    irregular = pl.when(regular).then(pl.lit("")).otherwise(text)
    return (
        frame.with_columns(
            (~text.str.contains(IRREGULAR_WHITESPACE)).alias(_REGULAR),
            (text.str.count_matches(" ", literal=True) + text.str.count_matches("\n", literal=True)).alias(_BREAKS),
            text.str.len_chars().cast(pl.Int32).alias("char_count"),
        )
        .with_columns(
            pl.when(regular)
            .then(pl.when(text == "").then(0).otherwise(breaks + 1))
            .otherwise(irregular.str.count_matches(r"\S+"))
            .cast(pl.Int32)
            .alias("word_count"),
            pl.when(regular)
            .then(breaks)
            .otherwise(irregular.str.count_matches(r"\s"))
            .cast(pl.Int32)
            .alias("space_count"),
        )
        .drop(_REGULAR, _BREAKS)
    )


def letter_count(body: pl.Expr) -> pl.Expr:
    r"""Letters (`\p{L}`) in `body`.

    Counted as all characters less the others: a regex count costs a match per character counted, prose is mostly
    letters, and most of the other characters are plain spaces, which are counted literally. Over MasakhaNEWS'
    bodies 0.33 CPU s, against 0.45 for counting the non-letters by regex and 1.1 for counting the letters."""
    return body.str.len_chars() - body.str.count_matches(" ", literal=True) - body.str.count_matches(r"[^\p{L} ]")


def quality_flags(body: pl.Expr, *, length: pl.Expr, words: pl.Expr, spaces: pl.Expr) -> pl.Expr:
    """The QUALITY_FLAGS `body` raises, in that order (an empty list when none). `length`, `words` and `spaces` are
    its counts from `with_counts`."""
    non_space = length - spaces
    # As `letter_count`, from the counts the body has already: whitespace is never a letter.
    letters = non_space - body.str.count_matches(r"[^\p{L}\s]")
    lines = body.str.split("\n")
    repeated_chars = lines.list.eval(pl.element().filter(~pl.element().is_first_distinct()).str.len_chars()).list.sum()
    checks = {
        TOO_SHORT: words <= TOO_SHORT_MAX_WORDS,
        MOSTLY_NON_LETTERS: (non_space > 0) & (letters < MIN_LETTER_SHARE * non_space),
        HEAVY_REPETITION: repeated_chars > MAX_REPEATED_LINE_SHARE * length,
        TRUNCATED_START: body.str.contains(TRUNCATED_START_PATTERN) & ~body.str.contains(BRAND_START),
    }
    flags = [pl.when(check.fill_null(False)).then(pl.lit(name)) for name, check in checks.items()]
    return pl.concat_list(flags).list.drop_nulls()


def measure(frame: pl.DataFrame, body: str) -> pl.DataFrame:
    """`frame` with char_count, word_count and quality_flags of its column `body`."""
    counted = with_counts(frame, body)
    flags = quality_flags(
        pl.col(body), length=pl.col("char_count"), words=pl.col("word_count"), spaces=pl.col("space_count")
    )
    return counted.with_columns(flags.alias("quality_flags")).drop("space_count")

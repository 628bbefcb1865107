import re

import polars as pl
import pytest

from flows.settings import SQL_DIR
from transforms.quality import QUALITY_FLAGS, letter_count, measure, with_counts

SENTENCE = "The council met on Tuesday and agreed the new budget after a long debate."


def flags(body: str | None) -> list[str]:
    return measure(pl.DataFrame({"body": [body]}, schema={"body": pl.String}), "body")["quality_flags"].item().to_list()


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (" ".join([SENTENCE] * 3), []),
        # 25 words or fewer: a teaser.
        (SENTENCE, ["too_short"]),
        (" ".join(["Word"] * 26), []),
        ("", ["too_short"]),
        # A table of figures.
        (SENTENCE + "\n12.5 | 13.1 | 14.0 | 15.2 | 16.8 | 17.3\n18.9 | 19.4 | 20.7 | 21.1 | 22.6 | 23.0\n2019 | 2020 | 2021", ["mostly_non_letters"]),
        # The same line three times: two copies hold two thirds of the characters.
        ("\n".join([SENTENCE] * 3), ["heavy_repetition"]),
        # Two different lines, then one of them again: the copy is about a third of the text.
        (f"{SENTENCE}\nLibraries will open on Sundays from March, the council said today.\n{SENTENCE}", ["heavy_repetition"]),
        # The first letters lost, and a possessive without its noun.
        ("rading platform Robinhood said " + " ".join([SENTENCE] * 2), ["truncated_start"]),
        ("'s economy has been hit hard. " + " ".join([SENTENCE] * 2), ["truncated_start"]),
        # A brand that starts in lower case is a word's start.
        ("iPhone sales rose. " + " ".join([SENTENCE] * 2), []),
        # Several at once, in QUALITY_FLAGS order.
        ("umber of deaths", ["too_short", "truncated_start"]),
    ],
)
def test_quality_flags(body, expected):
    assert flags(body) == expected


@pytest.mark.parametrize(
    ("body", "words", "spaces"),
    [
        # Whitespace as repair leaves it: one space or newline at a time, none at a line's edge.
        ("", 0, 0),
        ("Word", 1, 0),
        ("Two words\nand a line", 5, 4),
        # Anything else is counted by regex, with the same answers.
        (" a", 1, 1),
        ("a ", 1, 1),
        ("a  b", 2, 2),
        ("a\n\nb", 2, 2),
        ("a\n b", 2, 2),
        ("a\tb", 2, 1),
        ("x\u00a0y\u2003z", 3, 2),
        ("\n", 0, 1),
        (None, None, None),
    ],
)
def test_words_and_whitespace_are_counted_as_a_regex_counts_them(body, words, spaces):
    frame = pl.DataFrame({"body": [body]}, schema={"body": pl.String})
    counted = with_counts(frame, "body").select("word_count", "space_count")
    by_regex = frame.select(
        pl.col("body").str.count_matches(r"\S+"), pl.col("body").str.count_matches(r"\s").alias("spaces")
    )
    assert counted.row(0) == by_regex.row(0) == (words, spaces)


def test_counts_and_flags_are_added_as_columns_and_nothing_else():
    # Two letters of three non-space characters: not mostly non-letters, which it would be if the four no-break
    # spaces were not counted as whitespace.
    bodies = ["Two words\nand a line", "Ab\u00a0\u00a0\u00a0\u00a01"]
    measured = measure(pl.DataFrame({"article_id": ["a", "b"], "body": bodies}), "body")
    assert measured.columns == ["article_id", "body", "char_count", "word_count", "quality_flags"]
    assert measured.drop("body").rows() == [("a", 20, 5, ["too_short"]), ("b", 7, 2, ["too_short"])]


# Letters of several scripts and none, with every kind of character around them.
LETTER_SAMPLES = ["", "abc", "a b\tc\nd", "12, 3.4 – 5!", "Ẹ ṣé \u00a0x\u2003y", "Москва 2024", "ጠቅላይ ሚኒስትሩ።", "Ⅻ ⅰ ª º", "😀 中文 عربى", None]


def test_letters_are_counted_as_a_regex_counts_them():
    frame = pl.DataFrame({"body": LETTER_SAMPLES}, schema={"body": pl.String})
    counted = frame.select(letter_count(pl.col("body")))["body"].to_list()
    assert counted == frame.select(pl.col("body").str.count_matches(r"\p{L}"))["body"].to_list()
    assert counted == [0, 3, 4, 0, 5, 6, 9, 2, 6, None]


def test_a_null_body_raises_no_flag():
    assert flags(None) == []


def test_warehouse_check_accepts_exactly_the_quality_flags():
    sql = (SQL_DIR / "checks" / "assert_known_quality_flags.sql").read_text(encoding="utf-8")
    accepted = re.search(r"not in \(([^)]*)\)", sql).group(1)
    assert re.findall(r"'([a-z_]+)'", accepted) == list(QUALITY_FLAGS)

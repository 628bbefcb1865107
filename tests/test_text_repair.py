import polars as pl
import pytest

from transforms.text_repair import repair_text


def repair(text: str | None) -> str | None:
    return pl.DataFrame({"text": [text]}, schema={"text": pl.String}).select(repair_text(pl.col("text"))).item()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # UTF-8 read as Windows-1252, with the curly quotes kept as written.
        ("The cafÃ© said â€œhelloâ€\x9d", "The café said “hello”"),
        ("Tom &amp; Jerry&#39;s “show”", "Tom & Jerry's “show”"),
        ("line one\r\nline two\rline three", "line one\nline two\nline three"),
        ("zero\u200bwidth\ufeff and soft\u00adhyphen", "zerowidth and softhyphen"),
        ("nul\x00byte", "nulbyte"),
        ("non\u00a0breaking  \t spaces ", "non breaking spaces"),
        ("  indented\n\ttabbed  \n", "indented\ntabbed\n"),
        ("decomposed e\u0301", "decomposed é"),
        ("Erdoğan’s “quote”", "Erdoğan’s “quote”"),
        ("one\u3000\u3000wide, one\u00a0narrow, one\ttab", "one wide, one narrow, one tab"),
        # Entities whose ampersand a feed turned into a space (AG News): the space was the ampersand.
        ("The firm doesn #39;t expect the  #36;10 million deal", "The firm doesn't expect the $10 million deal"),
        ("He said  quot;not yet quot; to AT amp;T", 'He said "not yet" to AT&T'),
        ("Wall Street #146;s week  #151; a loss", "Wall Street’s week — a loss"),
        # A number that would be a control character is a number someone wrote.
        ("ranked #10; then #12; overall", "ranked #10; then #12; overall"),
        # A word cut by a line-wrap hyphen is joined where that is unambiguous...
        ("the gov-\nernment said", "the government said"),
        ("le gou-\nvernement a dit", "le gouvernement a dit"),
        # ...and left as written where the hyphen could be the writer's, or the parts make no common word.
        ("the re-\nelection campaign", "the re-\nelection campaign"),
        ("a well-\nknown singer", "a well-\nknown singer"),
        ("the ex-\nPresident", "the ex-\nPresident"),
        ("a blorf-\nwizzle", "a blorf-\nwizzle"),
    ],
)
def test_repair_text(raw, expected):
    assert repair(raw) == expected


def test_repair_keeps_null():
    assert repair(None) is None


@pytest.mark.parametrize(
    "raw",
    ["The cafÃ© said â€œhelloâ€\x9d\r\n\u00a0next", "it doesn #39;t  quot;work quot;", "the gov-\nernment and the re-\nelection"],
)
def test_repair_is_idempotent(raw):
    once = repair(raw)
    assert repair(once) == once


def test_only_the_texts_not_composed_are_normalized_and_rows_keep_their_places():
    texts = ["caf\u00e9 as written", "cafe\u0301 decomposed", None, "plain", "A\u030angstr\u00f6m"]
    repaired = pl.DataFrame({"text": texts}, schema={"text": pl.String}).select(repair_text(pl.col("text"))).to_series().to_list()
    assert repaired == ["caf\u00e9 as written", "caf\u00e9 decomposed", None, "plain", "\u00c5ngstr\u00f6m"]

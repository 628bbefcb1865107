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
    ],
)
def test_repair_text(raw, expected):
    assert repair(raw) == expected


def test_repair_keeps_null():
    assert repair(None) is None


def test_repair_is_idempotent():
    once = repair("The cafÃ© said â€œhelloâ€\x9d\r\n\u00a0next")
    assert repair(once) == once

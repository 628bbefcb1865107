"""Stable identifiers: the same content gives the same id on every machine, run and polars version."""

import hashlib

import polars as pl

# 16 bytes of BLAKE2b: no collision in any corpus we could hold, and short enough to read in a query result.
ID_DIGEST_BYTES = 16


def _digest_batch(values: pl.Series) -> pl.Series:
    # polars' own hash is not stable across versions, so ids come from hashlib.
    return pl.Series(
        values.name,
        [None if value is None else hashlib.blake2b(value.encode("utf-8"), digest_size=ID_DIGEST_BYTES).hexdigest() for value in values],
        dtype=pl.String,
    )


def stable_id(value: pl.Expr) -> pl.Expr:
    """Hex digest of a string column."""
    return value.map_batches(_digest_batch, return_dtype=pl.String)


def content_key(text: pl.Expr) -> pl.Expr:
    """The normalized content an article id is derived from: repaired text with all whitespace runs as one space."""
    # A lone plain space is left out of the match: replacing each with itself was most of the cost.
    return text.str.replace_all(r"\s{2,}|[^\S ]", " ").str.strip_chars()

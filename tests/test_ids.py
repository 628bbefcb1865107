import polars as pl

from transforms.ids import content_key, stable_id


def test_stable_id_is_a_fixed_digest():
    ids = pl.DataFrame({"value": ["benjamin netanyahu", None]}).select(stable_id(pl.col("value"))).to_series().to_list()
    # BLAKE2b-128 of the UTF-8 bytes: fixed forever, so warehouses built on any machine agree.
    assert ids == ["976c6fc72be7c87c9a3f3b5ab5d9887c", None]


def test_content_key_ignores_whitespace_layout():
    keys = pl.DataFrame({"text": [" A  story\nin two lines ", "A story in two lines", "A\tstory\u00a0in two\r\n\nlines"]}).select(content_key(pl.col("text"))).to_series()
    assert keys.to_list() == ["A story in two lines"] * 3

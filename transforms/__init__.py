"""Pure transformation logic: polars frames and plain values in, the same out. No I/O here."""

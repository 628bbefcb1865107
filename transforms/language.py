"""Language identification with langdetect, seeded, and an honest `und` where there is too little to go on."""

import polars as pl
from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

# langdetect samples n-grams at random: without a fixed seed the same text can get another answer next run.
LANGDETECT_SEED = 0
DetectorFactory.seed = LANGDETECT_SEED

# ISO 639-2 "undetermined": stored where the text cannot support an answer.
UNDETERMINED = "und"

# Below this many letters langdetect's answer is noise ("Hakan Fidan" comes out as Indonesian).
MIN_LETTERS = 20

# langdetect reads this much of a body; on news text the first 1,000 characters gave the same answers as the
# whole article at half the cost (../shared/DEPENDENCIES.md measurement).
PREFIX_CHARS = 1000

LANGUAGE_STRUCT = pl.Struct({"language": pl.String, "language_score": pl.Float64})


def _detect_batch(texts: pl.Series) -> pl.Series:
    rows = []
    for text in texts:
        best = None
        if text is not None:
            try:
                best = detect_langs(text)[0]
            except LangDetectException:
                best = None
        rows.append({"language": UNDETERMINED, "language_score": None} if best is None else {"language": best.lang, "language_score": round(best.prob, 6)})
    return pl.Series(texts.name, rows, dtype=LANGUAGE_STRUCT)


def detect_language(body: pl.Expr) -> pl.Expr:
    """A struct of `language` (langdetect code or `und`) and `language_score` (its probability, null for `und`)."""
    enough_letters = body.str.count_matches(r"\p{L}") >= MIN_LETTERS
    sample = pl.when(enough_letters).then(body.str.slice(0, PREFIX_CHARS))
    return sample.map_batches(_detect_batch, return_dtype=LANGUAGE_STRUCT)

"""Evaluate `transforms.language.detect_language` on real labelled text, and measure its thresholds.

    .venv/bin/python -m flows.evaluation.language [--datasets DIR] [--articles N] [--short-texts N] [--workers N]
    .venv/bin/python -m flows.evaluation.language --calibrate     # re-measure profiles and frequent-word floors

Data (read from ../shared/datasets at run time, research-licensed, never copied):
  * MasakhaNEWS `test.tsv`, the `text` column of the first N articles per language; the folder is the gold language.
  * lingua test data: the first N sentences, word pairs and single words per language; the file name is the gold.
The sample is deterministic (first rows), so two runs print the same figures.
"""

import argparse
import csv
import multiprocessing
import os
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from rich.console import Console
from rich.table import Table

from transforms import language as lid

# ../shared/datasets beside the checkout, or the datasets under NEWS_ETL_SHARED, as for the tests, the benchmark and
# the other evaluations; NEWS_ETL_DATASETS names the datasets folder itself.
DEFAULT_DATASETS = Path(
    os.environ.get(
        "NEWS_ETL_DATASETS",
        Path(os.environ.get("NEWS_ETL_SHARED", Path(__file__).resolve().parents[3] / "shared")) / "datasets",
    )
)
MASAKHANEWS = "masakhanews_16lang"
LINGUA = "lingua_langid_testdata"
LINGUA_SUBSETS = ("sentences", "word-pairs", "single-words")

# MasakhaNEWS folders (ISO 639-3) and the code a correct label has (ISO 639-1 where there is one).
MASAKHANEWS_CODES = {
    "amh": "am", "eng": "en", "fra": "fr", "hau": "ha", "ibo": "ig", "lin": "ln", "lug": "lg", "orm": "om",
    "pcm": "pcm", "run": "rn", "sna": "sn", "som": "so", "swa": "sw", "tir": "ti", "xho": "xh", "yor": "yo",
}
# The MasakhaNEWS languages langdetect has a profile for.
MASAKHANEWS_SUPPORTED = ("eng", "fra", "som", "swa")

# lingua languages langdetect has a profile for under the same code: the short-text precision is measured on these.
# Left out: Chinese (langdetect splits it into zh-cn / zh-tw) and Norwegian (lingua's nb / nn vs langdetect's no).
LINGUA_SUPPORTED = (
    "af", "ar", "bg", "bn", "ca", "cs", "cy", "da", "de", "el", "en", "es", "et", "fa", "fi", "fr", "gu", "he", "hi",
    "hr", "hu", "id", "it", "ja", "ko", "lt", "lv", "mk", "mr", "nl", "pa", "pl", "pt", "ro", "ru", "sk", "sl", "so",
    "sq", "sv", "sw", "ta", "te", "th", "tl", "tr", "uk", "ur", "vi",
)

# Default sample sizes: the gate test runs with these in about a minute on 2 cores.
DEFAULT_ARTICLES_PER_LANGUAGE = 60
DEFAULT_SHORT_TEXTS_PER_LANGUAGE = 60

# Floors the gate test pins (issue 7).
SUPPORTED_ACCURACY_FLOOR = 0.98
SUPPORTED_UND_CEILING = 0.02
UNSUPPORTED_HONEST_FLOOR = 0.90
SENTENCE_PRECISION_FLOOR = 0.97

# Languages whose stop-word profile --calibrate measures: langdetect's languages with a stopwordsiso list written
# with spaces between words, and the languages the vocabulary alone may name.
NO_WORD_SPACES = ("ja", "ko", "th", "zh")
# Profiles are read from overlapping windows of the language's text, one every this many tokens: four times as many
# windows as disjoint ones make the 1st and 99th percentiles stable from run to run of the data.
CALIBRATION_WINDOW_STRIDE_TOKENS = 20
# MasakhaNEWS folders whose dev articles profile their language.
CALIBRATION_NEWS_FOLDERS = ("eng", "fra", "hau", "som", "swa")

console = Console()


def read_masakhanews(root: Path, split: str, per_language: int, folders=tuple(MASAKHANEWS_CODES)) -> pl.DataFrame:
    csv.field_size_limit(sys.maxsize)
    rows = []
    for folder in folders:
        with open(root / MASAKHANEWS / folder / f"{split}.tsv", encoding="utf-8", newline="") as handle:
            for index, record in enumerate(csv.DictReader(handle, delimiter="\t")):
                if index >= per_language:
                    break
                rows.append((folder, MASAKHANEWS_CODES[folder], index, record["text"]))
    return pl.DataFrame(rows, schema=["folder", "gold", "item", "text"], orient="row")


def read_lingua(root: Path, subset: str, languages, per_language: int) -> pl.DataFrame:
    rows = []
    for code in languages:
        path = root / LINGUA / "language-testdata" / subset / f"{code}.txt"
        lines = path.read_text(encoding="utf-8").splitlines()[:per_language]
        rows.extend((subset, code, index, line) for index, line in enumerate(lines))
    return pl.DataFrame(rows, schema=["subset", "gold", "item", "text"], orient="row")


def _detect_chunk(texts: list[str]) -> pl.DataFrame:
    return pl.DataFrame({"text": texts}).select(lid.detect_language(pl.col("text")).alias("detected")).unnest("detected")


def detect(frame: pl.DataFrame, workers: int) -> pl.DataFrame:
    """`frame` with the detector's columns added; chunks run in `workers` processes (results do not depend on it)."""
    texts = frame["text"].to_list()
    size = max(1, -(-len(texts) // (workers * 4)))
    chunks = [texts[start : start + size] for start in range(0, len(texts), size)]
    if workers > 1 and len(chunks) > 1:
        # polars' thread pool does not survive fork(): workers are spawned.
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            parts = list(pool.map(_detect_chunk, chunks))
    else:
        parts = [_detect_chunk(chunk) for chunk in chunks]
    return pl.concat([frame, pl.concat(parts)], how="horizontal")


@dataclass
class LanguageEvaluation:
    """The figures the gate test pins, plus the tables printed."""

    sample: str
    supported_accuracy: dict[str, float] = field(default_factory=dict)
    supported_und: dict[str, float] = field(default_factory=dict)
    unsupported_honest: dict[str, float] = field(default_factory=dict)
    unsupported_wrong: dict[str, float] = field(default_factory=dict)
    short_precision: dict[str, float] = field(default_factory=dict)
    short_stored: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0


def _table(title: str, frame: pl.DataFrame) -> None:
    table = Table(title=title, title_justify="left")
    for column in frame.columns:
        table.add_column(column, justify="right" if frame[column].dtype.is_numeric() else "left")
    for row in frame.iter_rows():
        table.add_row(*(f"{value:.3f}" if isinstance(value, float) else str(value) for value in row))
    console.print(table)


def _top(values: list, n: int = 3) -> str:
    """The n most frequent values with their counts, most frequent first (ties by value)."""
    counts = Counter("-" if value is None else value for value in values)
    return ", ".join(f"{value} {count}" for value, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:n])


def evaluate(datasets: Path, articles: int, short_texts: int, workers: int, show: bool = True) -> LanguageEvaluation:
    started = time.perf_counter()
    sample = (
        f"MasakhaNEWS test.tsv: first {articles} articles x 16 languages; lingua: first {short_texts} sentences, word "
        f"pairs and single words x {len(LINGUA_SUPPORTED)} langdetect languages"
    )
    result = LanguageEvaluation(sample=sample)

    news = detect(read_masakhanews(datasets, "test", articles), workers)
    lingua = detect(
        pl.concat([read_lingua(datasets, subset, LINGUA_SUPPORTED, short_texts) for subset in LINGUA_SUBSETS]), workers
    )
    news = news.with_columns(pl.col("folder").is_in(MASAKHANEWS_SUPPORTED).alias("supported"))
    by_folder = (
        news.group_by("folder", "gold", "supported")
        .agg(
            pl.len().alias("n"),
            (pl.col("language") == pl.col("gold")).mean().alias("right"),
            (pl.col("language") == lid.UNDETERMINED).mean().alias("und"),
            ((pl.col("language") != pl.col("gold")) & (pl.col("language") != lid.UNDETERMINED)).mean().alias("wrong"),
            pl.col("language").alias("stored"),
            pl.col("language_reason").alias("reasons"),
            pl.col("language_guess").alias("guesses"),
        )
        .with_columns(pl.col(name).map_elements(lambda values: _top(values.to_list()), return_dtype=pl.String) for name in ("stored", "reasons", "guesses"))
        .sort("supported", "folder", descending=[True, False])
    )
    for row in by_folder.iter_rows(named=True):
        if row["supported"]:
            result.supported_accuracy[row["folder"]] = row["right"]
            result.supported_und[row["folder"]] = row["und"]
        else:
            result.unsupported_honest[row["folder"]] = row["right"] + row["und"]
            result.unsupported_wrong[row["folder"]] = row["wrong"]

    lingua = lingua.with_columns(
        pl.col("text").str.count_matches(r"\p{L}").alias("letters"),
        (pl.col("language") != lid.UNDETERMINED).alias("stored"),
        (pl.col("language") == pl.col("gold")).alias("right"),
    )
    short = (
        lingua.group_by("subset")
        .agg(
            pl.len().alias("n"),
            pl.col("stored").mean().alias("stored"),
            pl.col("right").filter(pl.col("stored")).mean().alias("precision_of_stored"),
            (pl.col("language_guess") == pl.col("gold")).mean().alias("langdetect_alone"),
        )
        .sort("subset")
    )
    for row in short.iter_rows(named=True):
        result.short_precision[row["subset"]] = row["precision_of_stored"]
        result.short_stored[row["subset"]] = row["stored"]
    # langdetect's own accuracy by amount of evidence: what MIN_LETTERS is read from.
    curve = (
        lingua.filter(pl.col("language_guess").is_not_null())
        .with_columns((pl.col("letters") // 4 * 4).clip(0, 64).alias("letters_from"))
        .group_by("letters_from")
        .agg(pl.len().alias("n"), (pl.col("language_guess") == pl.col("gold")).mean().alias("langdetect_right"))
        .sort("letters_from")
    )
    result.seconds = time.perf_counter() - started

    if show:
        console.print(f"[bold]Sample:[/] {sample}")
        _table("MasakhaNEWS full articles (text column), per gold language", by_folder.drop("supported"))
        _table(f"lingua short texts, {len(LINGUA_SUPPORTED)} langdetect languages", short)
        _table("langdetect alone by letters (lingua, all three subsets): MIN_LETTERS evidence", curve)
        summary = [
            ("supported languages: min right", min(result.supported_accuracy.values()), f">= {SUPPORTED_ACCURACY_FLOOR}"),
            ("supported languages: max und", max(result.supported_und.values()), f"<= {SUPPORTED_UND_CEILING}"),
            ("unsupported languages: min und-or-right", min(result.unsupported_honest.values()), f">= {UNSUPPORTED_HONEST_FLOOR}"),
            ("unsupported languages: max wrong code", max(result.unsupported_wrong.values()), "-"),
            ("lingua sentences: precision of stored", result.short_precision["sentences"], f">= {SENTENCE_PRECISION_FLOOR}"),
        ]
        _table("Summary", pl.DataFrame(summary, schema=["figure", "value", "floor"], orient="row"))
        console.print(f"{news.height + lingua.height} texts in {result.seconds:.1f} s with {workers} worker(s)")
    return result


def calibrate(datasets: Path) -> dict[str, tuple]:
    """Stop-word profiles per language and size: 1st percentile coverage, 99th percentile short unexplained."""
    lingua_files = {path.stem for path in (datasets / LINGUA / "language-testdata" / "sentences").glob("*.txt")}
    detector_languages = set(LINGUA_SUPPORTED) | {"kn", "ml", "ne", "no"}
    languages = sorted(((detector_languages & lingua_files) | set(lid.VOCABULARY_LANGUAGES)) - set(NO_WORD_SPACES))
    words_by_language = {}
    for code in languages:
        if code in lingua_files:
            text = (datasets / LINGUA / "language-testdata" / "sentences" / f"{code}.txt").read_text(encoding="utf-8")
            words_by_language[code] = text.split()
    # News is what the pipeline reads: the MasakhaNEWS languages are profiled on its dev articles (the gate reads
    # test), which also covers Hausa, absent from the lingua data.
    for folder in CALIBRATION_NEWS_FOLDERS:
        articles = read_masakhanews(datasets, "dev", 10_000, folders=(folder,))
        words_by_language[MASAKHANEWS_CODES[folder]] = " ".join(articles["text"]).split()
    stop_languages = sorted(set(words_by_language) & set(lid.stopwordsiso.langs()))
    saved = lid.stop_words
    every_stop_word = lid.stop_word_table(stop_languages)
    lid.stop_words = lambda: every_stop_word
    profiles: dict[str, list] = {code: [] for code in stop_languages}
    try:
        for size in lid.VOCABULARY_PROFILE_SIZES:
            documents = [
                (code, " ".join(words[start : start + size]))
                for code in stop_languages
                for words in [words_by_language[code]]
                for start in range(0, len(words) - size + 1, CALIBRATION_WINDOW_STRIDE_TOKENS)
            ]
            frame = pl.DataFrame(documents, schema=["language", "text"], orient="row").with_row_index("key")
            fit = lid.vocabulary_fit(frame.select("key", "text"), stop_languages)
            own = (
                frame.join(fit, left_on=["key", "language"], right_on=["key", "vocabulary_language"])
                .group_by("language")
                .agg(
                    pl.len().alias("documents"),
                    pl.col("coverage").quantile(0.01, "linear").round(3).alias("min_coverage"),
                    pl.col("short_unexplained").quantile(0.99, "linear").round(3).alias("max_short_unexplained"),
                )
                .sort("language")
            )
            _table(f"Stop-word profiles on {size}-token windows", own)
            for code, _, coverage, short in own.iter_rows():
                profiles[code].append((coverage, short))
    finally:
        lid.stop_words = saved
    console.print("VOCABULARY_PROFILES = {")
    for code, values in profiles.items():
        console.print(f'    "{code}": ({", ".join(f"({c}, {s})" for c, s in values)}),')
    console.print("}")
    calibrate_frequent_words(datasets)
    return profiles


def calibrate_frequent_words(datasets: Path) -> pl.DataFrame:
    """Floors of the frequent-word checks: 1st percentiles on the MasakhaNEWS dev articles of langdetect languages
    and of the languages the vocabulary may name.

    The stop-word share moves in steps of 1 / FREQUENT_WORDS_TOP, so its percentile is a value seen (lower), not one
    interpolated between two steps (which would reject the whole lower step)."""
    folders = [
        folder
        for folder, code in MASAKHANEWS_CODES.items()
        if folder in MASAKHANEWS_SUPPORTED or code in lid.VOCABULARY_LANGUAGES
    ]
    articles = pl.concat([read_masakhanews(datasets, "dev", 10_000, folders=(folder,)) for folder in folders])
    texts = articles.with_row_index("key").select("key", pl.col("gold").alias("language"), "text")
    floors = (
        lid.frequent_word_fit(texts)
        .join(texts.select("key", "language"), on="key")
        .filter(pl.col("tokens") >= lid.FREQUENT_WORDS_MIN_TOKENS)
        .group_by("language")
        .agg(
            pl.len().alias("articles"),
            pl.col("top_stop_share").quantile(0.01, "lower").round(2).alias("stop_share_floor"),
            pl.col("mean_zipf").quantile(0.01, "linear").round(2).alias("zipf_floor"),
        )
        .sort("language")
    )
    _table(f"Frequent-word floors on MasakhaNEWS dev articles of >= {lid.FREQUENT_WORDS_MIN_TOKENS} tokens", floors)
    stop = ", ".join(f'"{code}": {share}' for code, share in floors.select("language", "stop_share_floor").iter_rows())
    zipf = ", ".join(f'"{code}": {z}' for code, z in floors.select("language", "zipf_floor").drop_nulls().iter_rows())
    console.print(f"FREQUENT_STOP_SHARE_FLOORS = {{{stop}}}")
    console.print(f"WORD_FREQUENCY_FLOORS = {{{zipf}}}")
    return floors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="news-etl evaluate language", description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=Path, default=DEFAULT_DATASETS)
    parser.add_argument("--articles", type=int, default=DEFAULT_ARTICLES_PER_LANGUAGE, help="MasakhaNEWS articles per language")
    parser.add_argument("--short-texts", type=int, default=DEFAULT_SHORT_TEXTS_PER_LANGUAGE, help="lingua lines per language and subset")
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument(
        "--calibrate", action="store_true", help="re-measure the stop-word profiles and frequent-word floors instead"
    )
    args = parser.parse_args(argv)
    if not (args.datasets / MASAKHANEWS).is_dir() or not (args.datasets / LINGUA).is_dir():
        console.print(f"[red]datasets not found under {args.datasets}[/] (needs {MASAKHANEWS} and {LINGUA})")
        return 2
    if args.calibrate:
        calibrate(args.datasets)
        return 0
    evaluate(args.datasets, args.articles, args.short_texts, args.workers)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

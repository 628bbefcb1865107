"""Measure the main text we take from HTML pages against the Zyte (Scrapinghub) article-extraction benchmark.

    .venv/bin/python -m flows.evaluation.html [--datasets DIR] [--pages N]

Data (read from ../shared/datasets at run time, never copied): `scrapinghub_article_extraction_benchmark`, 181
article pages saved as `html/<id>.html.gz` and `ground-truth.json` ({id: {"articleBody", "url"}}), the
human-checked body of each page.

Three extractors are scored on every page, in the same run:
  * trafilatura alone - `trafilatura.extract` on the page's bytes with its defaults;
  * trafilatura as the pipeline calls it - the text `records.html_document` hands to cleaning (`bare_extraction`,
    include_comments=False), before our rules;
  * ours - what the pipeline stores: the page read by `flows.corpus.CorpusReader` (the reader `news-etl run`
    uses: gzip, decoding, the HTML size limits, `html_document`), then `documents_frame` and `prepare_articles`
    (text repair, boilerplate lines removed), `body_clean`. A page the reader rejects gives an empty text to both
    pipeline rows. The warehouse-level `repeated_in_source` pass is not part of `body_clean` and not applied.

Scoring, as that benchmark scores: a text is its Unicode word tokens (`\\w+`, casefolded), taken as a multiset of
4-token shingles (a text of fewer tokens is one shingle of all of them). Per page, precision = |pred & gold| /
|pred| and recall = |pred & gold| / |gold| over the multiset intersection; then the mean precision and the mean
recall over pages, and F1 of those two means. `shingle_scores` states the conventions for empty texts.
"""

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import polars as pl
import trafilatura
from rich.console import Console
from rich.table import Table

from flows import corpus
from flows.evaluation.report import DATASETS_DIR, clip, print_table
from flows.settings import DEFAULT_BATCH_SIZE
from transforms import records
from transforms.articles import prepare_articles
from transforms.decoding import DEFAULT_MAX_ARTICLE_BYTES

BENCHMARK = "scrapinghub_article_extraction_benchmark"

# The benchmark's own unit: 4-token shingles reward words in the right order, not a bag of words, while one
# changed word costs only the four shingles around it.
SHINGLE_SIZE = 4
# Unicode word tokens, so the Russian, Korean and Japanese pages are scored on their words too.
TOKEN = re.compile(r"\w+")

TRAFILATURA_ALONE = "trafilatura alone"
TRAFILATURA_AS_CALLED = "trafilatura as the pipeline calls it"
OURS = "ours (pipeline body_clean)"
EXTRACTORS = (TRAFILATURA_ALONE, TRAFILATURA_AS_CALLED, OURS)

# The extractors differ in the third decimal.
DECIMALS = 4
# Removed lines are shown clipped: enough to recognise a caption or a promo, not the article.
CLIP_CHARS = 110
# Tables show page ids (64 hex characters) cut to this many, still unique among the 181 and enough for `ls html/<id>*`.
PAGE_ID_CHARS = 12

PAGES_SCHEMA = {
    "page_id": pl.String,
    "url_host": pl.String,
    "extractor": pl.String,
    "precision": pl.Float64,
    "recall": pl.Float64,
    "f1": pl.Float64,
    "is_empty": pl.Boolean,
}
REMOVED_SCHEMA = {"page_id": pl.String, "line_no": pl.Int32, "text": pl.String, "reason": pl.String}
REJECTED_SCHEMA = {"page_id": pl.String, "reason": pl.String, "detail": pl.String}


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text.casefold())


def shingles(text: str) -> Counter:
    """The multiset of SHINGLE_SIZE-token windows; a shorter text is one shingle of its tokens, no token none."""
    words = tokens(text)
    if len(words) < SHINGLE_SIZE:
        return Counter([tuple(words)]) if words else Counter()
    return Counter(tuple(words[i : i + SHINGLE_SIZE]) for i in range(len(words) - SHINGLE_SIZE + 1))


def shingle_scores(predicted: str, gold: str) -> tuple[float, float]:
    """(precision, recall) of one page's shingles.

    A text with no word token has no shingles. Both without: (1, 1), nothing to find and nothing wrongly found. A
    prediction without and a gold with: (0, 0), the page was missed. A prediction with and a gold without:
    (0, 1), everything predicted is wrong and nothing was there to miss."""
    pred, true = shingles(predicted), shingles(gold)
    if not pred and not true:
        return 1.0, 1.0
    if not pred:
        return 0.0, 0.0
    if not true:
        return 0.0, 1.0
    common = (pred & true).total()
    return common / pred.total(), common / true.total()


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0


def is_in_gold(line: str, gold_words: str) -> bool:
    """The line's tokens appear, in order and contiguous, in the gold body (`gold_words`: its tokens joined by spaces)."""
    words = tokens(line)
    return bool(words) and f" {' '.join(words)} " in f" {gold_words} "


@dataclass(frozen=True)
class HtmlEvaluation:
    pages: pl.DataFrame  # page_id, url_host, extractor, precision, recall, f1, is_empty: one row per page and extractor
    removed_lines: pl.DataFrame  # page_id, line_no, text, reason, is_in_gold: the lines our rules removed
    datelines: pl.DataFrame  # page_id, dateline, is_in_gold: datelines taken out of the body into their column
    rejected: pl.DataFrame  # page_id, reason, detail: pages the reader rejected
    seconds: float  # the whole evaluation: reading, extracting, cleaning, scoring


def load_gold(benchmark_dir: Path) -> dict[str, dict]:
    return json.loads((benchmark_dir / "ground-truth.json").read_text(encoding="utf-8"))


def _page_id(source_uri: str) -> str:
    return Path(source_uri).name.removesuffix(".html.gz")


@dataclass(frozen=True)
class PipelineTexts:
    extracted: dict[str, str]  # page id -> the text trafilatura gave the pipeline
    cleaned: dict[str, str]  # page id -> body_clean
    datelines: dict[str, str]  # page id -> the dateline's place, taken out of the body's first line into `dateline`
    removed_lines: pl.DataFrame  # page_id, line_no, text, reason
    rejected: pl.DataFrame  # page_id, reason, detail


def pipeline_texts(paths: list[Path]) -> PipelineTexts:
    """What the pipeline makes of each page: read as `news-etl run` reads it, cleaned as it cleans it."""
    reader = corpus.CorpusReader(corpus.discover_inputs([str(path) for path in paths]), {}, DEFAULT_MAX_ARTICLE_BYTES)
    extracted: dict[str, str] = {}
    cleaned: dict[str, str] = {}
    datelines: dict[str, str] = {}
    removed: list[pl.DataFrame] = []
    rejected: list[tuple[str, str, str]] = []
    # Batch by batch as a run does; cleaning is per article, so the batch size changes nothing here.
    while items := reader.next_batch(DEFAULT_BATCH_SIZE):
        rejected.extend((_page_id(item.source_uri), item.reason, item.detail) for item in items.rejections)
        if not items.documents:
            continue
        extracted.update((_page_id(document.source_uri), document.text) for document in items.documents)
        prepared = prepare_articles(records.documents_frame(items.documents))
        # Two pages of identical text are one article: each page gets that article's body.
        pages = prepared.sources.select(
            "article_id", pl.col("source_uri").map_elements(_page_id, return_dtype=pl.String).alias("page_id")
        )
        articles = {row[0]: row[1:] for row in prepared.articles.select("article_id", "body_clean", "dateline").iter_rows()}
        for article_id, page_id in pages.iter_rows():
            body, dateline = articles[article_id]
            cleaned[page_id] = body
            if dateline is not None:
                datelines[page_id] = dateline
        removed.append(prepared.removed_lines.join(pages, on="article_id").select("page_id", "line_no", "text", "reason"))
    removed_lines = pl.concat(removed) if removed else pl.DataFrame(schema=REMOVED_SCHEMA)
    rejections = pl.DataFrame(rejected, schema=REJECTED_SCHEMA, orient="row")
    return PipelineTexts(extracted, cleaned, datelines, removed_lines.cast(REMOVED_SCHEMA), rejections)


def evaluate(datasets_dir: Path = DATASETS_DIR) -> HtmlEvaluation:
    started = time.perf_counter()
    benchmark_dir = datasets_dir / BENCHMARK
    gold = load_gold(benchmark_dir)
    page_ids = sorted(gold)
    paths = [benchmark_dir / "html" / f"{page_id}.html.gz" for page_id in page_ids]
    missing = [str(path) for path in paths if not path.is_file()]
    if missing:
        raise FileNotFoundError(f"{len(missing)} pages of ground-truth.json have no HTML file, e.g. {missing[0]}")
    pipeline = pipeline_texts(paths)

    rows = []
    for page_id, path in zip(page_ids, paths, strict=True):
        body = gold[page_id]["articleBody"]
        host = urlsplit(gold[page_id].get("url") or "").hostname
        with gzip.open(path, "rb") as handle:
            html = handle.read()
        outputs = {
            # Given the bytes, as a user of trafilatura would: it decodes the page itself.
            TRAFILATURA_ALONE: trafilatura.extract(html) or "",
            TRAFILATURA_AS_CALLED: pipeline.extracted.get(page_id, ""),
            OURS: pipeline.cleaned.get(page_id, ""),
        }
        for extractor, text in outputs.items():
            precision, recall = shingle_scores(text, body)
            rows.append((page_id, host, extractor, precision, recall, f1(precision, recall), not text.strip()))
    pages = pl.DataFrame(rows, schema=PAGES_SCHEMA, orient="row")
    gold_words = {page_id: " ".join(tokens(gold[page_id]["articleBody"])) for page_id in page_ids}
    in_gold = [is_in_gold(text, gold_words[page_id]) for page_id, text in pipeline.removed_lines.select("page_id", "text").iter_rows()]
    removed_lines = pipeline.removed_lines.with_columns(pl.Series("is_in_gold", in_gold, dtype=pl.Boolean)).sort("page_id", "line_no")
    datelines = pl.DataFrame(
        [(page_id, place, is_in_gold(place, gold_words[page_id])) for page_id, place in sorted(pipeline.datelines.items())],
        schema={"page_id": pl.String, "dateline": pl.String, "is_in_gold": pl.Boolean},
        orient="row",
    )
    return HtmlEvaluation(pages, removed_lines, datelines, pipeline.rejected, time.perf_counter() - started)


def summary(pages: pl.DataFrame) -> pl.DataFrame:
    """Per extractor, in EXTRACTORS order: pages, mean precision, mean recall, F1 of the two means, pages with no text."""
    means = pages.group_by("extractor").agg(
        pl.len().alias("pages"),
        pl.col("precision").mean(),
        pl.col("recall").mean(),
        pl.col("is_empty").sum().alias("empty_pages"),
    )
    precision, recall = pl.col("precision"), pl.col("recall")
    order = pl.DataFrame({"extractor": list(EXTRACTORS)})
    return order.join(means, on="extractor", how="left", maintain_order="left").select(
        "extractor",
        "pages",
        "precision",
        "recall",
        pl.when(precision + recall > 0)
        .then(2 * precision * recall / (precision + recall))
        .when(precision + recall == 0)
        .then(0.0)
        .alias("f1"),
        "empty_pages",
    )


def removed_by_reason(removed_lines: pl.DataFrame) -> pl.DataFrame:
    """Per reason: lines removed, and how many of them the gold body holds word for word (a removal it scores as a loss)."""
    return (
        removed_lines.group_by("reason")
        .agg(
            pl.len().alias("lines"),
            pl.col("is_in_gold").sum().alias("in_gold"),
            pl.col("page_id").n_unique().alias("pages"),
        )
        .sort("in_gold", "lines", "reason", descending=[True, True, False])
    )


REMOVED_COLUMN = "removed: reason lines (in gold)"


def pages_below(result: HtmlEvaluation) -> pl.DataFrame:
    """Pages where ours has a lower F1 than trafilatura alone, worst first: the three F1s, what our rules removed
    (reason, lines, how many of them the gold body holds) and the dateline taken out of the body."""
    wide = result.pages.pivot(on="extractor", index=["page_id", "url_host"], values="f1")
    reasons = (
        result.removed_lines.group_by("page_id", "reason")
        .agg(pl.len().alias("n"), pl.col("is_in_gold").sum().alias("in_gold"))
        .sort("page_id", "n", "reason", descending=[False, True, False])
        .group_by("page_id", maintain_order=True)
        .agg(pl.format("{} {} ({} in gold)", "reason", "n", "in_gold").str.join(", ").alias(REMOVED_COLUMN))
    )
    return (
        wide.filter(pl.col(OURS) < pl.col(TRAFILATURA_ALONE))
        .with_columns((pl.col(OURS) - pl.col(TRAFILATURA_ALONE)).alias("f1 ours - alone"))
        .sort("f1 ours - alone", "page_id")
        .join(reasons, on="page_id", how="left", maintain_order="left")
        .join(result.datelines.select("page_id", "dateline"), on="page_id", how="left", maintain_order="left")
        .select("page_id", "url_host", *EXTRACTORS, "f1 ours - alone", REMOVED_COLUMN, "dateline")
    )


def _short_ids(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(pl.col("page_id").str.slice(0, PAGE_ID_CHARS))


def _print_removed(console: Console, result: HtmlEvaluation, page_ids: list[str]) -> None:
    table = Table(title="What our rules took out of those pages (clipped; on screen only)", title_justify="left")
    for column in ("page_id", "line", "reason", "in gold", "text"):
        table.add_column(column, overflow="fold")
    datelines = {page_id: (place, in_gold) for page_id, place, in_gold in result.datelines.iter_rows()}
    for page_id in page_ids:
        short = page_id[:PAGE_ID_CHARS]
        if page_id in datelines:
            place, in_gold = datelines[page_id]
            table.add_row(short, "first", "(dateline, to its column)", "yes" if in_gold else "no", place)
        for row in result.removed_lines.filter(pl.col("page_id") == page_id).iter_rows(named=True):
            in_gold = "yes" if row["is_in_gold"] else "no"
            table.add_row(short, str(row["line_no"]), row["reason"], in_gold, clip(row["text"], CLIP_CHARS))
    console.print(table)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m flows.evaluation.html", description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=Path, default=DATASETS_DIR, help=f"where {BENCHMARK}/ lives")
    parser.add_argument("--pages", type=int, default=50, help="how many of the pages where ours is below trafilatura alone to list")
    args = parser.parse_args(argv)
    # Tables are wide; a pipe or a file gets 160 columns rather than rich's default 80.
    console = Console(width=None if sys.stdout.isatty() else 160)
    if not (args.datasets / BENCHMARK).is_dir():
        console.print(f"[red]{BENCHMARK} not found in {args.datasets}[/] (set NEWS_ETL_SHARED or --datasets)")
        return 2

    result = evaluate(args.datasets)
    scores = summary(result.pages)
    console.print(
        f"{BENCHMARK}: {result.pages['page_id'].n_unique()} pages, {SHINGLE_SIZE}-token shingles; "
        f"the evaluation took {result.seconds:.1f} s"
    )
    title = "Main text of HTML pages: mean precision and recall over pages, F1 of the means"
    print_table(console, title, scores, decimals=DECIMALS)
    if not result.rejected.is_empty():
        title = "Pages the reader rejected (empty text for both pipeline rows)"
        print_table(console, title, _short_ids(result.rejected), decimals=DECIMALS)
    title = "Lines our rules removed, by reason (in_gold: the gold body holds the line word for word)"
    print_table(console, title, removed_by_reason(result.removed_lines), decimals=DECIMALS)
    console.print(
        f"datelines taken out of the body into articles.dateline: {result.datelines.height} pages, "
        f"{result.datelines['is_in_gold'].sum()} of them in the gold body"
    )
    below = pages_below(result)
    title = f"Pages where ours has a lower F1 than trafilatura alone ({below.height}; ids cut to {PAGE_ID_CHARS} characters)"
    print_table(console, title, _short_ids(below.head(args.pages)), decimals=DECIMALS)
    _print_removed(console, result, below["page_id"].head(args.pages).to_list())

    by_extractor = {row["extractor"]: row for row in scores.iter_rows(named=True)}
    ours, alone = by_extractor[OURS], by_extractor[TRAFILATURA_ALONE]
    verdict = (
        f"ours F1 {ours['f1']:.4f} (P {ours['precision']:.4f}, R {ours['recall']:.4f}) vs "
        f"trafilatura alone F1 {alone['f1']:.4f} (P {alone['precision']:.4f}, R {alone['recall']:.4f})"
    )
    if ours["f1"] >= alone["f1"]:
        console.print(f"[green]ours is not below trafilatura alone:[/] {verdict}")
        return 0
    console.print(f"[red]ours is below trafilatura alone:[/] {verdict}")
    return 1


if __name__ == "__main__":
    raise SystemExit(main())

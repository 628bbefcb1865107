"""Measure entity canonicalisation against hand-labelled mentions in real articles.

    .venv/bin/python -m flows.evaluation.canonical [--datasets DIR] [--gold FILE] [--errors N]

`tests/fixtures/canonicalization_gold.jsonl` pins mentions in articles of ../shared/datasets (research-licensed:
the repository holds references, name surfaces and labels, never article text). Each article is read, repaired and
cleaned by `transforms.articles.prepare_articles`, tagged by `find_mentions` with the real models, made
canonical by `canonicalize_mentions` and linked across the gold articles by the warehouse's own SQL
(`flows.warehouse.link_across_articles`, as if they were the whole warehouse), exactly as a run does; then every
gold mention is looked up.

Gold record: {"dataset", "file", "row", "field", "language", "surface", "occurrence", "gold_entity", "gold_type",
"case", "same_as"?, "selected_by"}. The mention is the `occurrence`-th (1-based) occurrence of `surface` in the
article's `body_clean` at word boundaries (the character before and after is not a letter or digit; occurrences
inside longer names count), case-sensitive. `surface` is the name as the mention should read once trimmed: no
title, possessive or lowercase determiner. `row` is the 0-based data row of a table (header not counted), null for
one-file-per-article datasets. `case` lists what makes the mention hard, joined by "+".

`gold_entity` says which entity the mention should join, by reading the article. It is the true referent, except
where the rules the project asked for (issue 4) keep names apart on purpose; there it is the form's own entity and
`same_as` records the true one:
  * acronyms and other names are not expanded: "UN" is not "United Nations", "UK" is not "Britain";
  * a bare surname or first name links only to a full name in the same article that ends with it: "Mr Blair" with
    no "Tony Blair" in the article is its own entity, and so is a surname two full names in the article share.
    The labels were written under this rule, before cross-article links; in these 17 articles the links change
    no gold mention (the one short form with a full name elsewhere is "Howard" of bbc/politics/011, which that
    article keeps apart), so the labels hold for both. A lone surname whose full name another gold article
    labels would need its label rechecked;
  * spellings that differ beyond case, diacritics, punctuation and spacing ("TimeWarner", "Murty"/"Murthy") and
    plurals ("Lib Dems") stay apart; a nationality ("Turkish") is never its country ("Turkey").
The figure is checked against `same_as` too, for scale; only the first is gated.

Scores:
  * found - a predicted mention overlaps the gold span (exact - with the same offsets);
  * clustering accuracy - over found mentions: each gold entity is mapped to the entity id most of its found
    mentions get (ties: the smaller id); an id two gold entities map to belongs to the one with more mentions with it
    (ties: alphabetical). A mention is right when its id is its gold entity's mapped id. So a mention is wrong when
    its entity was split ("Blair" apart from "Tony Blair") or merged into another ("Mrs Howard" into "Michael
    Howard"), and two gold mentions with one gold entity must get one id, across articles too.
  * end to end - found and right, over all gold mentions.
"""

import argparse
import csv
import json
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polars as pl
from rich.console import Console

from flows.evaluation.report import DATASETS_DIR, print_table
from flows.models import ner_pipelines
from flows.settings import PROJECT_ROOT
from flows.warehouse import link_across_articles
from transforms.articles import prepare_articles
from transforms.decoding import Decoded, decode_bytes
from transforms.entities import canonicalize_mentions, find_mentions

GOLD_PATH = PROJECT_ROOT / "tests" / "fixtures" / "canonicalization_gold.jsonl"

# The field each dataset's article text is read from; `field` in the gold set must name it.
DATASET_FIELDS = {
    "bbc_news_2225": "text",
    "horne2017_fakenews_political": "text",
    "masakhanews_16lang": "text",
    "fakenewscorpus_sample": "content",
}
ONE_FILE_PER_ARTICLE = ("bbc_news_2225", "horne2017_fakenews_political")

# Floors the gate pins. Clustering accuracy is the target issue 4 set (0.985 measured when set). The found rate is
# mostly the models' recall on these names: what it measured when set (0.976), less a small margin, as a ratchet.
MIN_CLUSTERING_ACCURACY = 0.95
MIN_FOUND_RATE = 0.95


@dataclass(frozen=True)
class GoldMention:
    dataset: str
    file: str
    row: int | None
    field: str
    language: str
    surface: str
    occurrence: int
    gold_entity: str
    gold_type: str
    case: str
    same_as: str | None
    selected_by: str

    @property
    def ref(self) -> str:
        return f"{self.dataset}/{self.file}" + ("" if self.row is None else f"#{self.row}")


def load_gold(path: Path = GOLD_PATH) -> list[GoldMention]:
    mentions = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        mentions.append(
            GoldMention(
                dataset=record["dataset"],
                file=record["file"],
                row=record["row"],
                field=record["field"],
                language=record["language"],
                surface=record["surface"],
                occurrence=record["occurrence"],
                gold_entity=record["gold_entity"],
                gold_type=record["gold_type"],
                case=record["case"],
                same_as=record.get("same_as"),
                selected_by=record.get("selected_by", ""),
            )
        )
    return mentions


@cache
def _table_rows(path: Path, dataset: str) -> tuple[dict[str, str], ...]:
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8", newline="") as handle:
        if dataset == "masakhanews_16lang":
            return tuple(csv.DictReader(handle, delimiter="\t"))
        return tuple(csv.DictReader(handle))


def read_article_text(datasets_dir: Path, dataset: str, file: str, row: int | None, field: str) -> str:
    """The raw text of one article, as an input file would deliver it."""
    expected_field = DATASET_FIELDS.get(dataset)
    if expected_field is None:
        raise ValueError(f"unknown dataset {dataset!r}")
    if field != expected_field:
        raise ValueError(f"{dataset} articles are read from {expected_field!r}, not {field!r}")
    path = datasets_dir / dataset / file
    if dataset in ONE_FILE_PER_ARTICLE:
        # Decoded by the pipeline's own decoder, as a real input would be (one BBC file is Latin-1).
        decoded = decode_bytes(path.read_bytes())
        if not isinstance(decoded, Decoded):
            raise ValueError(f"{path}: {decoded.reason} ({decoded.detail})")
        return decoded.text
    if row is None:
        raise ValueError(f"{dataset} is one table of articles; a row is required")
    return _table_rows(path, dataset)[row][field]


def word_occurrences(text: str, surface: str) -> list[int]:
    """Start offsets of `surface` in `text` where neither neighbouring character is a letter or digit."""
    starts, position = [], text.find(surface)
    while position >= 0:
        end = position + len(surface)
        if (position == 0 or not text[position - 1].isalnum()) and (end == len(text) or not text[end].isalnum()):
            starts.append(position)
        position = text.find(surface, position + 1)
    return starts


def tag_articles(texts: dict[str, tuple[str, str]]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """ref -> (raw text, language) through the pipeline's transforms: (articles with ref, canonical mentions)."""
    refs = sorted(texts)
    docs = pl.DataFrame(
        {"source_uri": refs, "text": [texts[ref][0] for ref in refs], "source_encoding": ["utf-8"] * len(refs)}
    )
    languages = pl.DataFrame({"source_uri": refs, "language": [texts[ref][1] for ref in refs]})
    articles = prepare_articles(docs).articles.join(languages, on="source_uri").select(
        pl.col("source_uri").alias("ref"), "article_id", "body_clean", "language"
    )
    return articles, link_across_articles(canonicalize_mentions(find_mentions(articles, ner_pipelines())))


@dataclass(frozen=True)
class Evaluation:
    mentions: pl.DataFrame  # one row per gold mention: gold fields, start/end, found, exact, predicted, correct, correct_truth
    unpinned: list[tuple[str, str, int]]  # (ref, surface, occurrence) the article no longer has


def map_clusters(gold_labels: list[str], predicted: list[str | None]) -> list[bool]:
    """Per mention: is its predicted id the one its gold entity maps to (majority, one-to-one; see the module doc)?"""
    votes: dict[str, Counter] = defaultdict(Counter)
    for label, entity_id in zip(gold_labels, predicted):
        if entity_id is not None:
            votes[label][entity_id] += 1
    preferred = {label: min(counter.items(), key=lambda item: (-item[1], item[0])) for label, counter in votes.items()}
    owner: dict[str, tuple[int, str]] = {}
    for label, (entity_id, count) in preferred.items():
        best = owner.get(entity_id)
        if best is None or (-count, label) < (-best[0], best[1]):
            owner[entity_id] = (count, label)
    mapped = {label: entity_id for label, (entity_id, _) in preferred.items() if owner[entity_id][1] == label}
    return [entity_id is not None and mapped.get(label) == entity_id for label, entity_id in zip(gold_labels, predicted)]


def evaluate(gold: list[GoldMention], datasets_dir: Path = DATASETS_DIR) -> Evaluation:
    texts = {m.ref: (read_article_text(datasets_dir, m.dataset, m.file, m.row, m.field), m.language) for m in gold}
    articles, predicted = tag_articles(texts)
    bodies = dict(articles.select("ref", "body_clean").iter_rows())
    article_ids = dict(articles.select("ref", "article_id").iter_rows())
    by_article: dict[str, list[tuple[int, int, str, str]]] = defaultdict(list)
    for row in predicted.iter_rows(named=True):
        by_article[row["article_id"]].append((row["start_char"], row["end_char"], row["entity_id"], row["entity_key"]))

    rows, unpinned = [], []
    for mention in gold:
        starts = word_occurrences(bodies[mention.ref], mention.surface)
        if mention.occurrence > len(starts):
            unpinned.append((mention.ref, mention.surface, mention.occurrence))
            start = end = None
        else:
            start = starts[mention.occurrence - 1]
            end = start + len(mention.surface)
        best = None
        if start is not None:
            overlapping = [
                (min(end, p_end) - max(start, p_start), -p_start, p_start, p_end, entity_id, key)
                for p_start, p_end, entity_id, key in by_article[article_ids[mention.ref]]
                if p_start < end and p_end > start
            ]
            best = max(overlapping) if overlapping else None
        rows.append(
            {
                "ref": mention.ref,
                "dataset": mention.dataset,
                "language": mention.language,
                "surface": mention.surface,
                "occurrence": mention.occurrence,
                "gold_entity": mention.gold_entity,
                "truth": mention.same_as or mention.gold_entity,
                "gold_type": mention.gold_type,
                "case": mention.case,
                "start_char": start,
                "end_char": end,
                "found": best is not None,
                "exact": best is not None and (best[2], best[3]) == (start, end),
                "predicted_surface": None if best is None else bodies[mention.ref][best[2] : best[3]],
                "entity_id": None if best is None else best[4],
                "entity_key": None if best is None else best[5],
            }
        )
    frame = pl.DataFrame(rows, infer_schema_length=None)
    return Evaluation(
        mentions=frame.with_columns(
            pl.Series("correct", map_clusters(frame["gold_entity"].to_list(), frame["entity_id"].to_list())),
            pl.Series("correct_truth", map_clusters(frame["truth"].to_list(), frame["entity_id"].to_list())),
        ),
        unpinned=unpinned,
    )


def summary(mentions: pl.DataFrame, by: str | None = None) -> pl.DataFrame:
    """mentions, found rate, exact-span rate, clustering accuracy (over found), end to end, and against the truth."""
    aggregations = [
        pl.len().alias("mentions"),
        pl.col("found").mean().alias("found_rate"),
        pl.col("exact").mean().alias("exact_rate"),
        (pl.col("correct").sum() / pl.col("found").sum()).alias("clustering_accuracy"),
        pl.col("correct").mean().alias("end_to_end"),
        (pl.col("correct_truth").sum() / pl.col("found").sum()).alias("accuracy_vs_truth"),
    ]
    return mentions.group_by(by).agg(aggregations).sort(by) if by else mentions.select(aggregations)


def overall(evaluation: Evaluation) -> dict:
    return summary(evaluation.mentions).row(0, named=True)


def floor_failures(evaluation: Evaluation) -> list[str]:
    scores = overall(evaluation)
    failures = []
    if scores["clustering_accuracy"] < MIN_CLUSTERING_ACCURACY:
        failures.append(f"clustering accuracy {scores['clustering_accuracy']:.4f} < {MIN_CLUSTERING_ACCURACY}")
    if scores["found_rate"] < MIN_FOUND_RATE:
        failures.append(f"found rate {scores['found_rate']:.4f} < {MIN_FOUND_RATE}")
    if evaluation.unpinned:
        failures.append(f"{len(evaluation.unpinned)} gold mentions no longer pin to their article's body_clean")
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m flows.evaluation.canonical", description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=GOLD_PATH, help="the labelled gold mentions (JSON lines)")
    parser.add_argument("--datasets", type=Path, default=DATASETS_DIR, help="where the referenced datasets live")
    parser.add_argument("--errors", type=int, default=40, help="how many wrongly clustered and missed mentions to list")
    args = parser.parse_args(argv)
    console = Console(width=None if sys.stdout.isatty() else 160)
    if not args.datasets.is_dir():
        console.print(f"[red]datasets not found at {args.datasets}[/] (set NEWS_ETL_SHARED or --datasets)")
        return 2
    gold = load_gold(args.gold)
    evaluation = evaluate(gold, args.datasets)
    mentions = evaluation.mentions
    console.print(
        f"gold set: {len(gold)} mentions of {mentions['gold_entity'].n_unique()} gold entities "
        f"({mentions['truth'].n_unique()} true referents) in {mentions['ref'].n_unique()} articles, "
        f"{mentions['language'].n_unique()} languages"
    )
    print_table(console, "Canonicalisation", summary(mentions))
    print_table(console, "Per dataset", summary(mentions, "dataset"))
    print_table(console, "Per language", summary(mentions, "language"))
    print_table(console, "Per gold type", summary(mentions, "gold_type"))
    by_case = mentions.with_columns(pl.col("case").str.split("+")).explode("case")
    print_table(console, "Per case (a mention counts under each of its cases)", summary(by_case, "case"))
    wrong = mentions.filter(pl.col("found") & ~pl.col("correct"))
    print_table(
        console,
        f"Wrongly clustered ({wrong.height}); surfaces are names",
        wrong.select("ref", "surface", "occurrence", "gold_entity", "predicted_surface", "entity_key").head(args.errors),
    )
    missed = mentions.filter(~pl.col("found"))
    print_table(console, f"Not found by the model ({missed.height})", missed.select("ref", "surface", "occurrence", "gold_type").head(args.errors))
    for ref, surface, occurrence in evaluation.unpinned:
        console.print(f"[red]unpinned:[/] {ref}: occurrence {occurrence} of {surface!r} is not in body_clean any more")

    failures = floor_failures(evaluation)
    for failure in failures:
        console.print(f"[red]floor not met:[/] {failure}")
    if not failures:
        console.print("[green]floors hold[/]")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""From decoded documents to article rows: repair, identify, de-duplicate, clean, measure."""

from dataclasses import dataclass

import polars as pl

from transforms.boilerplate import clean_articles
from transforms.ids import content_key, stable_id
from transforms.quality import measure
from transforms.text_repair import repair_text


@dataclass(frozen=True)
class PreparedArticles:
    # article_id, source_uri, source_encoding, the docs' other metadata columns, title (given, or the text's
    # headline), body_clean, dateline, agencies, byline, char_count, word_count, quality_flags
    articles: pl.DataFrame
    removed_lines: pl.DataFrame  # article_id, line_no, text, reason
    related_headlines: pl.DataFrame  # article_id, headline_no, headline
    sources: pl.DataFrame  # article_id, source_uri: every document, duplicates included


def prepare_articles(docs: pl.DataFrame) -> PreparedArticles:
    """`docs` (source_uri, text, source_encoding, optionally title and other metadata columns) in input order ->
    clean article rows, their removed lines, and which article each document turned out to be."""
    if "title" not in docs.columns:
        docs = docs.with_columns(pl.lit(None, dtype=pl.String).alias("title"))
    repaired = docs.with_columns(repair_text(pl.col("text")).alias("text"))
    identified = repaired.with_columns(stable_id(content_key(pl.col("text"))).alias("article_id"))
    # The same content in two inputs is one article, credited to the first input in sorted order.
    unique = identified.unique("article_id", keep="first", maintain_order=True)
    cleaned = clean_articles(unique.select(pl.col("article_id").alias("doc_id"), "text", "title"))
    articles = measure(
        unique.select("article_id", pl.exclude("article_id", "text", "title")).join(
            cleaned.articles.rename({"doc_id": "article_id"}), on="article_id", how="left", maintain_order="left"
        ),
        "body_clean",
    )
    removed = cleaned.lines.filter(pl.col("reason").is_not_null()).rename({"doc_id": "article_id"})
    related = cleaned.related_headlines.rename({"doc_id": "article_id"})
    return PreparedArticles(articles, removed, related, identified.select("article_id", "source_uri"))

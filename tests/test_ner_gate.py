"""Accuracy floors of entity extraction on labelled data in ../shared/datasets (references only; texts stay there).

CoNLL-2003 English: our pipeline's PER/ORG/LOC micro F1 may not fall below the bare model's on the same run.
Canonicalisation: clustering accuracy on the hand-labelled gold mentions. German and ten African languages (no
model): the gazetteer's figures on GermEval 2014 test and MasakhaNER v1 test, as ratchets.
`python -m flows.evaluation.ner` and `... .canonical` print the detail.
"""

import json

import polars as pl
import pytest

from flows.evaluation import canonical, ner
from transforms.entities import DISEASES

requires_datasets = pytest.mark.skipif(
    not ner.DATASETS_DIR.is_dir(),
    reason=f"the labelled datasets the NER and canonicalisation gates read are not at {ner.DATASETS_DIR} (../shared absent)",
)


@pytest.fixture(scope="module")
def conll() -> ner.ConllResult:
    return ner.evaluate_conll(ner.DATASETS_DIR)


@pytest.fixture(scope="module")
def gazetteer() -> ner.Gazetteer:
    return ner.gazetteer_from_news(ner.DATASETS_DIR)


@pytest.fixture(scope="module")
def german(gazetteer) -> ner.GermanResult:
    return ner.evaluate_german(ner.DATASETS_DIR, gazetteer=gazetteer)


@pytest.fixture(scope="module")
def african(gazetteer) -> ner.AfricanResult:
    return ner.evaluate_african(ner.DATASETS_DIR, gazetteer)


@pytest.fixture(scope="module")
def canonicalisation() -> canonical.Evaluation:
    return canonical.evaluate(canonical.load_gold(canonical.GOLD_PATH), canonical.DATASETS_DIR)


def test_gold_set_is_large_varied_and_holds_references_only():
    gold = canonical.load_gold(canonical.GOLD_PATH)
    assert len(gold) >= 300
    assert len({mention.ref for mention in gold}) >= 15
    assert {mention.language for mention in gold} == {"en", "fr"}
    cases = {case for mention in gold for case in mention.case.split("+")}
    assert {"title", "possessive", "diacritics", "all_caps", "shared_surname", "nationality", "acronym", "surname_after_full"} <= cases
    allowed = {"dataset", "file", "row", "field", "language", "surface", "occurrence", "gold_entity", "gold_type", "case", "same_as", "selected_by"}
    for line in canonical.GOLD_PATH.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        assert set(record) <= allowed, record
        # A name, never a sentence of the article.
        assert len(record["surface"]) <= 40 and len(record["surface"].split()) <= 5, record


@pytest.mark.shared_data
@requires_datasets
def test_conll_our_pipeline_is_not_below_the_bare_model(conll):
    bare, ours = ner.micro(conll.bare), ner.micro(conll.ours)
    print(f"\nCoNLL-2003 test PER/ORG/LOC micro F1: bare model {bare['f1']:.4f}, our pipeline {ours['f1']:.4f}")
    print(ner._side_by_side({"bare model": conll.bare, "our pipeline": conll.ours}))
    assert ours["f1"] >= bare["f1"], (bare, ours)


@pytest.mark.shared_data
@requires_datasets
def test_conll_no_type_falls_below_the_bare_model(conll):
    bare = {row["label"]: row["f1"] for row in conll.bare.iter_rows(named=True)}
    ours = {row["label"]: row["f1"] for row in conll.ours.iter_rows(named=True)}
    assert all(ours[label] >= bare[label] for label in bare), (bare, ours)


@pytest.mark.shared_data
@requires_datasets
def test_gold_mentions_still_pin_to_their_articles(canonicalisation):
    assert canonicalisation.unpinned == []


@pytest.mark.shared_data
@requires_datasets
def test_canonicalisation_clustering_accuracy(canonicalisation):
    scores = canonical.overall(canonicalisation)
    print(f"\ncanonicalisation: {scores}")
    assert scores["clustering_accuracy"] >= canonical.MIN_CLUSTERING_ACCURACY, scores


@pytest.mark.shared_data
@requires_datasets
def test_cross_article_links_leave_a_surname_an_article_gives_two_people_apart(canonicalisation):
    # bbc/politics/011 writes "Michael Howard", "Mr Howard" and "Mrs Howard": two Howards. Michael Howard is the one
    # full name ending in "howard" across the gold articles, yet that article's bare "Howard" is not linked to him.
    mentions = canonicalisation.mentions
    howards = mentions.filter((pl.col("ref") == "bbc_news_2225/bbc/politics/011.txt") & (pl.col("gold_entity") == "howard"))
    # Four in the body; the fifth "Howard" is in the headline, which is the article's title and not its body.
    assert howards.height == 4 and howards["found"].all()
    assert set(howards["entity_key"]) == {"howard"}
    full_name = mentions.filter(pl.col("surface") == "Michael Howard")
    assert full_name["ref"].n_unique() == 4 and set(full_name["entity_key"]) == {"michael howard"}


@pytest.mark.shared_data
@requires_datasets
def test_canonicalisation_found_rate_does_not_fall_back(canonicalisation):
    scores = canonical.overall(canonicalisation)
    assert scores["found_rate"] >= canonical.MIN_FOUND_RATE, scores


@pytest.mark.shared_data
@requires_datasets
def test_german_gazetteer_does_not_fall_back(german):
    scores = ner.micro(german.gazetteer)
    print(f"\nGermEval 2014 test, gazetteer from {german.source_articles} en/fr news articles: {scores}")
    assert scores["f1"] >= ner.MIN_GERMAN_GAZETTEER_F1, scores
    assert scores["precision"] >= ner.MIN_GERMAN_GAZETTEER_PRECISION, scores


@pytest.mark.shared_data
@requires_datasets
def test_german_gazetteer_mentions_point_into_the_sentences(german):
    bodies = dict(german.texts.articles.select("article_id", "body_clean").iter_rows())
    for article_id, start, end, surface in german.mentions.select("article_id", "start_char", "end_char", "surface").iter_rows():
        assert bodies[article_id][start:end] == surface


@pytest.mark.shared_data
@requires_datasets
def test_african_gazetteer_does_not_fall_back(african):
    scores = ner.micro(african.gazetteer)
    print(f"\nMasakhaNER v1 test, gazetteer from en/fr news: {scores}")
    print(african.by_language)
    assert african.texts.articles.height == 5276
    assert african.texts.gold.height == 7524
    assert scores["f1"] >= ner.MIN_AFRICAN_GAZETTEER_F1, scores
    assert scores["precision"] >= ner.MIN_AFRICAN_GAZETTEER_PRECISION, scores


@pytest.mark.shared_data
@requires_datasets
def test_african_gazetteer_finds_nothing_in_geez_script_and_no_disease_as_a_person_or_place(african):
    by_language = dict(african.by_language.select("language", "predicted").iter_rows())
    assert by_language["am"] == 0
    keys = african.mentions.filter(pl.col("entity_type").is_in(["PERSON", "ORG", "LOC"]))["entity_key"]
    assert not set(keys) & set(DISEASES)

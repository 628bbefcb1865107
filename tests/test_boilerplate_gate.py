"""Accuracy floors of boilerplate removal on the hand-labelled gold set (references only; texts in ../shared)."""

import re

import polars as pl
import pytest

from flows.evaluation.boilerplate import (
    DATASETS_DIR,
    GOLD_PATH,
    MIN_LANGUAGE_PRECISION,
    MIN_PRECISION,
    MIN_RECALL,
    evaluate,
    load_gold,
    scores,
)
from flows.settings import PROJECT_ROOT, SQL_DIR
from transforms.boilerplate import REASON_CODES

requires_datasets = pytest.mark.skipif(
    not DATASETS_DIR.is_dir(),
    reason=f"the research datasets the gold set refers to are not at {DATASETS_DIR} (../shared absent)",
)


@pytest.fixture(scope="module")
def evaluation():
    return evaluate(load_gold(GOLD_PATH), DATASETS_DIR)


@pytest.fixture(scope="module")
def overall(evaluation) -> dict:
    return scores(evaluation.lines).row(0, named=True)


def test_gold_set_is_large_and_multilingual():
    gold = load_gold(GOLD_PATH)
    assert len(gold) >= 400
    assert len({article.language for article in gold}) >= 6


def test_gold_labels_use_the_rules_reason_codes():
    categories = {category for article in load_gold(GOLD_PATH) for _, category in article.remove}
    assert categories <= set(REASON_CODES)


def test_warehouse_check_accepts_exactly_the_reason_codes():
    sql = (SQL_DIR / "checks" / "assert_removed_lines_have_known_reason.sql").read_text(encoding="utf-8")
    accepted = re.search(r"not in \(([^)]*)\)", sql).group(1)
    assert sorted(re.findall(r"'([a-z_]+)'", accepted)) == sorted(REASON_CODES)


def test_readme_explains_every_reason_code():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## What gets removed and why") :]
    table = section[: section.index("\n\n", section.index("| reason |"))]
    explained = set(re.findall(r"^\| `([a-z_]+)`(?:, `([a-z_]+)`)?", table, flags=re.MULTILINE))
    assert set(REASON_CODES) <= {code for pair in explained for code in pair if code}


@pytest.mark.shared_data
@requires_datasets
def test_gold_articles_still_split_into_their_labelled_lines(evaluation):
    assert evaluation.n_lines_mismatches == []
    assert evaluation.unknown_labels == []


@pytest.mark.shared_data
@requires_datasets
def test_precision_floor(overall):
    assert overall["precision"] >= MIN_PRECISION, overall


@pytest.mark.shared_data
@requires_datasets
def test_no_language_below_its_precision_floor(evaluation):
    per_language = scores(evaluation.lines, "language")
    # A language with no removal predicted has removed no real sentence: its precision holds.
    below = per_language.filter(pl.col("precision") < MIN_LANGUAGE_PRECISION)
    assert below.is_empty(), below.to_dicts()


@pytest.mark.shared_data
@requires_datasets
def test_recall_floor(overall):
    assert overall["recall"] >= MIN_RECALL, overall

"""The main text of HTML pages: the benchmark's shingle scorer on literal texts, and the gate on the Zyte benchmark
(ours may not score below trafilatura alone). `python -m flows.evaluation.html` prints the detail."""

import polars as pl
import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.evaluation import html
from flows.evaluation.html import OURS, TRAFILATURA_ALONE, TRAFILATURA_AS_CALLED, shingle_scores, shingles, summary

requires_benchmark = pytest.mark.skipif(
    not (html.DATASETS_DIR / html.BENCHMARK).is_dir(),
    reason=f"the Zyte article-extraction benchmark is not at {html.DATASETS_DIR / html.BENCHMARK} (../shared absent)",
)

GOLD = "The council met on Monday. It approved the new budget."  # 10 tokens: 7 shingles


@pytest.mark.parametrize(
    ("predicted", "gold", "expected"),
    [
        (GOLD, GOLD, (1.0, 1.0)),
        # Case, punctuation and line breaks are not tokens.
        ("the COUNCIL met on monday -- it approved\nthe new budget!", GOLD, (1.0, 1.0)),
        # One extra sentence of 3 tokens: 13 tokens, 10 shingles, the 7 of the gold among them.
        (GOLD + " Subscribe for more.", GOLD, (7 / 10, 1.0)),
        # The second sentence missing: 5 tokens, 2 shingles, both in the gold's 7.
        ("The council met on Monday.", GOLD, (1.0, 2 / 7)),
        # One word changed in the middle costs the four shingles that hold it: 3 of 7 left.
        ("The council met on Tuesday. It approved the new budget.", GOLD, (3 / 7, 3 / 7)),
        # The same words in another order share no 4-token window.
        ("budget new the approved it monday on met council the", GOLD, (0.0, 0.0)),
    ],
)
def test_shingle_scores(predicted, gold, expected):
    assert shingle_scores(predicted, gold) == pytest.approx(expected, abs=1e-12)


def test_shingles_are_a_multiset():
    # The text twice: 8 tokens, 5 shingles, ("a", "b", "c", "d") twice; the gold has it once.
    assert shingles("a b c d a b c d")[("a", "b", "c", "d")] == 2
    assert shingle_scores("a b c d a b c d", "a b c d") == pytest.approx((1 / 5, 1.0))


def test_a_text_shorter_than_a_shingle_is_one_shingle():
    assert shingles("Breaking news") == {("breaking", "news"): 1}
    assert shingle_scores("Breaking news", "breaking, NEWS") == (1.0, 1.0)
    # Three tokens are one shingle, never found among the 4-token shingles of a longer gold.
    assert shingle_scores("The council met", GOLD) == (0.0, 0.0)


def test_tokens_are_unicode_words_casefolded():
    assert html.tokens("Straße, ПРИВЕТ мир; 서울 3.5%") == ["strasse", "привет", "мир", "서울", "3", "5"]


@pytest.mark.parametrize(
    ("predicted", "gold", "expected"),
    [
        ("", "", (1.0, 1.0)),
        ("— | —", "...", (1.0, 1.0)),  # no word token on either side
        ("", GOLD, (0.0, 0.0)),
        (GOLD, "", (0.0, 1.0)),
    ],
)
def test_empty_text_conventions(predicted, gold, expected):
    assert shingle_scores(predicted, gold) == expected


def test_summary_is_f1_of_the_mean_precision_and_mean_recall():
    rows = [
        ("p1", None, OURS, 1.0, 0.5, html.f1(1.0, 0.5), False),
        ("p2", None, OURS, 0.5, 1.0, html.f1(0.5, 1.0), False),
        ("p1", None, TRAFILATURA_ALONE, 0.0, 0.0, 0.0, True),
        ("p2", None, TRAFILATURA_ALONE, 1.0, 1.0, 1.0, False),
    ]
    result = summary(pl.DataFrame(rows, schema=html.PAGES_SCHEMA, orient="row"))
    by_extractor = {row["extractor"]: row for row in result.iter_rows(named=True)}
    # Means 0.75 and 0.75 give F1 0.75; the mean of the pages' F1s would be 0.667.
    assert by_extractor[OURS] == {"extractor": OURS, "pages": 2, "precision": 0.75, "recall": 0.75, "f1": pytest.approx(0.75), "empty_pages": 0}
    assert by_extractor[TRAFILATURA_ALONE]["f1"] == pytest.approx(2 * 0.5 * 0.5 / 1.0)
    assert by_extractor[TRAFILATURA_ALONE]["empty_pages"] == 1
    assert result["extractor"].to_list() == [TRAFILATURA_ALONE, TRAFILATURA_AS_CALLED, OURS]


def test_a_removed_line_is_in_the_gold_only_word_for_word():
    gold_words = " ".join(html.tokens(GOLD))
    assert html.is_in_gold("It approved the new budget.", gold_words)
    assert not html.is_in_gold("It approved the budget.", gold_words)
    assert not html.is_in_gold("approve", gold_words)  # a word must match whole


def test_cli_has_evaluate_html():
    result = CliRunner().invoke(app, ["evaluate", "html", "--help"])
    assert result.exit_code == 0
    assert "trafilatura alone" in result.output


def test_main_without_the_benchmark_says_so(tmp_path, capsys):
    assert html.main(["--datasets", str(tmp_path)]) == 2
    assert "scrapinghub_article_extraction_benchmark not found" in capsys.readouterr().out


@pytest.fixture(scope="module")
def evaluation() -> html.HtmlEvaluation:
    return html.evaluate(html.DATASETS_DIR)


@pytest.fixture(scope="module")
def scores(evaluation) -> dict[str, dict]:
    result = summary(evaluation.pages)
    print(f"\nZyte benchmark, {evaluation.seconds:.1f} s:\n{result}")
    return {row["extractor"]: row for row in result.iter_rows(named=True)}


@pytest.mark.shared_data
@requires_benchmark
def test_every_page_is_scored_for_every_extractor(evaluation):
    gold = html.load_gold(html.DATASETS_DIR / html.BENCHMARK)
    assert evaluation.pages.height == 3 * len(gold) == 3 * 181
    assert set(evaluation.pages["page_id"]) == set(gold)


@pytest.mark.shared_data
@requires_benchmark
def test_ours_f1_is_not_below_trafilatura_alone(scores):
    assert scores[OURS]["f1"] >= scores[TRAFILATURA_ALONE]["f1"], scores


@pytest.mark.shared_data
@requires_benchmark
def test_ours_precision_is_not_below_trafilatura_alone(scores):
    assert scores[OURS]["precision"] >= scores[TRAFILATURA_ALONE]["precision"], scores

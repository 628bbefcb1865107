import polars as pl
import pytest

from transforms.language import (
    LANGUAGE_STRUCT,
    MIN_LETTERS,
    _dominant_script,
    _frequent_words_fit,
    _script_counts,
    _token_counts,
    _vocabulary_fit,
    _with_units,
    detect_language,
    frequent_word_fit,
    vocabulary_fit,
)

# Written for these tests; none of it comes from a dataset.
ENGLISH = (
    "The port authority said on Tuesday that new cranes would double the number of containers handled each day, "
    "and that the work would be finished before the end of next year."
)
FRENCH = (
    "Le gouvernement a annoncé mardi une nouvelle réforme des transports publics qui sera présentée au parlement "
    "la semaine prochaine, selon le ministre."
)
RUSSIAN = "Министр иностранных дел заявил во вторник, что переговоры продолжатся на следующей неделе в Москве."
AMHARIC = "ኢትዮጵያ ውስጥ የሚገኙ ገበሬዎች በዚህ ዓመት ከፍተኛ ምርት እንደሚጠብቁ ተናግረዋል።"
GREEK_WORD = "Αθήνα"
MIXED = (
    "Le gouvernement a annoncé mardi une nouvelle réforme des retraites qui sera présentée au parlement la semaine "
    "prochaine.\nThe opposition said on Wednesday that it would fight the reform in the streets and in parliament "
    "until it is withdrawn."
)
HAUSA = (
    "Kasuwar garin ta cika da jama'a a wannan mako, kuma 'yan kasuwa sun ce farashin kaya ya tashi saboda tsadar "
    "sufuri. Wani mai sayar da shinkafa ya ce yana sayar da buhu daya a kan farashi mai tsada, amma jama'a na ci "
    "gaba da saye. Ya ce an samu karuwar masu saye a wannan lokaci, kuma yana fatan za a samu sauki nan ba da "
    "jimawa ba. Wata mai saye ta ce ta zo kasuwa domin sayen kayan abinci da tufafi, kuma ta ce farashin ya yi "
    "mata tsada sosai. Masu sayar da kaya sun ce suna fatan gwamnati za ta dauki mataki domin rage farashin "
    "sufuri, saboda hakan zai taimaka wa jama'a da kuma 'yan kasuwa a duk fadin kasar nan."
)


def detect(text: str | None) -> dict:
    frame = pl.DataFrame({"body": [text]}, schema={"body": pl.String})
    return frame.select(detect_language(pl.col("body")).alias("detected")).unnest("detected").row(0, named=True)


@pytest.mark.parametrize(
    ("text", "language", "guess", "reason", "method", "script"),
    [
        (ENGLISH, "en", "en", None, "langdetect", "Latn"),
        (FRENCH, "fr", "fr", None, "langdetect", "Latn"),
        (RUSSIAN, "ru", "ru", None, "langdetect", "Cyrl"),
        ("Hakan Fidan", "und", "id", "too_short", "none", "Latn"),
        ("2024-05-01 12:30 +44 (0)20", "und", None, "no_letters", "none", "Zyyy"),
        ("", "und", None, "no_letters", "none", "Zyyy"),
        (None, "und", None, "no_letters", "none", "Zyyy"),
        (AMHARIC, "und", None, "unsupported_script", "none", "Ethi"),
        (GREEK_WORD, "el", "el", None, "script", "Grek"),
        (MIXED, "und", "fr", "mixed", "none", "Latn"),
        (HAUSA, "ha", "sw", None, "vocabulary", "Latn"),
    ],
)
def test_language_label_reason_and_method(text, language, guess, reason, method, script):
    detected = detect(text)
    assert detected["language"] == language
    assert detected["language_method"] == method
    assert detected["script"] == script
    assert detected["language_guess"] == guess
    assert detected["language_reason"] == reason


@pytest.mark.parametrize("text", [ENGLISH, "Hakan Fidan", AMHARIC, MIXED, HAUSA, None])
def test_score_exists_exactly_when_a_language_is_stored(text):
    detected = detect(text)
    assert (detected["language"] == "und") == (detected["language_score"] is None)
    assert (detected["language"] == "und") == (detected["language_reason"] is not None)


def test_mixed_article_records_each_language_share_by_letters():
    shares = detect(MIXED)["language_shares"]
    assert [share["language"] for share in shares] == ["fr", "en"]
    assert shares[0]["share"] + shares[1]["share"] == pytest.approx(1.0)
    assert shares[0]["share"] == pytest.approx(0.51, abs=0.005)


def test_article_in_one_language_records_no_shares():
    assert detect(ENGLISH + "\n" + ENGLISH.replace("Tuesday", "Monday"))["language_shares"] == []


def test_dominant_language_is_kept_when_another_paragraph_is_short_of_dominance():
    article = "\n".join([ENGLISH] * 4 + [FRENCH])
    detected = detect(article)
    assert detected["language"] == "en"
    assert [share["language"] for share in detected["language_shares"]] == ["en", "fr"]
    assert detected["language_shares"][0]["share"] > 0.75


def test_evidence_threshold_is_in_letters():
    short = "Paris est belle"
    assert sum(character.isalpha() for character in short) < MIN_LETTERS
    assert detect(short)["language_reason"] == "too_short"


def test_same_text_gets_same_result_whatever_the_batch():
    texts = [ENGLISH, MIXED, "Hakan Fidan", HAUSA, FRENCH]
    together = pl.DataFrame({"body": texts}).select(detect_language(pl.col("body")).alias("d"))["d"].to_list()
    alone = [detect(text) for text in reversed(texts)][::-1]
    assert together == alone


def test_struct_dtype_is_the_published_contract():
    frame = pl.DataFrame({"body": [ENGLISH]}).select(detect_language(pl.col("body")).alias("detected"))
    assert frame.schema["detected"] == LANGUAGE_STRUCT
    assert list(LANGUAGE_STRUCT.to_schema()) == [
        "language", "language_score", "language_guess", "language_reason", "language_method", "script",
        "language_shares",
    ]


def test_frequent_words_are_compared_with_stop_words_and_word_frequencies():
    texts = pl.DataFrame(
        {
            "key": [0, 1, 2],
            "language": ["sw", "en", "en"],
            "text": [
                "na ya mpe ezali oyo ba ko te mpo lokola na ya na",
                "the cat and the dog of the house",
                "di pikin dey for di house wey dem build",
            ],
        },
        schema={"key": pl.UInt32, "language": pl.String, "text": pl.String},
    )
    fit = frequent_word_fit(texts).with_columns(pl.col("mean_zipf").round(2))
    # Lingala's na and ya are Swahili stop words, its mpe, ezali, oyo are not; wordfreq lists no Swahili.
    assert fit.rows() == [
        (0, "sw", 13, 0.2, None),
        (1, "en", 8, 0.5, 6.70),
        (2, "en", 9, 0.125, 4.10),
    ]


@pytest.mark.parametrize(
    ("language", "top_stop_share", "mean_zipf", "fits"),
    [
        ("sw", 0.4, None, True),
        ("sw", 0.2, None, False),
        ("en", 0.5, 5.24, True),
        ("en", 0.4, 5.8, False),
        ("en", 0.9, 4.9, False),
        ("de", 0.0, None, True),
    ],
)
def test_frequent_words_fit_the_measured_floors(language, top_stop_share, mean_zipf, fits):
    assert _frequent_words_fit({"top_stop_share": top_stop_share, "mean_zipf": mean_zipf}, language) is fits


def test_other_scripts_are_counted_only_where_latin_holds_no_majority():
    docs = pl.DataFrame({"text": ["Paris est belle", "Москва и Paris", "abc где", "12:30"]}).with_row_index("row")
    counts = _script_counts(docs)
    assert counts.select("row", "letters", "Latn", "Cyrl", "Grek").rows() == [
        (0, 13, 13, None, None),
        (1, 12, 5, 7, 0),
        (2, 6, 3, 3, 0),
        (3, 0, 0, 0, 0),
    ]
    # Exactly half the letters is no majority: no script dominates.
    assert [_dominant_script(row) for row in counts.iter_rows(named=True)] == [
        ("Latn", 1.0),
        ("Cyrl", 7 / 12),
        ("Zzzz", 0.5),
        ("Zyyy", 0.0),
    ]


def test_eligible_paragraphs_are_numbered_into_units_of_similar_size():
    paragraphs = pl.DataFrame(
        {"row": [0, 0, 0, 0, 0, 1], "paragraph": list("abcdef"), "letters": [40, 10, 400, 50, 50, 12]},
        schema={"row": pl.UInt32, "paragraph": pl.String, "letters": pl.UInt32},
    )
    # 540 eligible letters in row 0: "c" starts at 40 (unit 0), "d" at 440 and "e" at 490 (unit 3); "b" and "f"
    # have too few letters to be detected.
    assert _with_units(paragraphs).rows() == [
        (0, "a", 40, 0),
        (0, "b", 10, None),
        (0, "c", 400, 0),
        (0, "d", 50, 3),
        (0, "e", 50, 3),
        (1, "f", 12, None),
    ]


def test_vocabulary_fit_is_measured_for_each_pair_asked():
    texts = pl.DataFrame(
        {"key": [0, 1], "text": ["the cat and the dog of the house", "na ya mpe ezali oyo ba"]},
        schema={"key": pl.UInt32, "text": pl.String},
    )
    # The repeated "the" is an English stop word, not a Swahili one: unexplained short words only for Swahili.
    assert vocabulary_fit(texts, ["en", "sw"]).sort("key", "vocabulary_language").rows() == [
        (0, "en", 8, 0.625, 0.0),
        (0, "sw", 8, 0.0, 0.375),
        (1, "en", 6, 2 / 6, 0.0),
        (1, "sw", 6, 2 / 6, 0.0),
    ]
    pairs = pl.DataFrame(
        {"key": [0, 1], "vocabulary_language": ["en", "sw"]}, schema={"key": pl.UInt32, "vocabulary_language": pl.String}
    )
    assert _vocabulary_fit(_token_counts(texts, ["key"]), pairs).sort("key").rows() == [
        (0, "en", 8, 0.625, 0.0),
        (1, "sw", 6, 2 / 6, 0.0),
    ]


def test_frequent_words_of_equal_count_are_taken_in_alphabetical_order():
    texts = pl.DataFrame(
        {"key": [0, 1], "language": ["en", "en"], "text": ["bbb ccc ddd fff ggg hhh jjj kkk lll mmm the of", "of the bbb of the"]},
        schema={"key": pl.UInt32, "language": pl.String, "text": pl.String},
    )
    # Twelve words seen once: the ten first in alphabetical order are compared, so "the" and "of" are not.
    assert frequent_word_fit(texts).select("key", "tokens", "top_stop_share").rows() == [(0, 12, 0.0), (1, 5, 2 / 3)]


def counting_detect(monkeypatch) -> list[str]:
    """Record the text of every langdetect call `detect_language` makes."""
    import transforms.language as language

    calls: list[str] = []
    detect_one = language._detect

    def counted(sample: str):
        calls.append(sample)
        return detect_one(sample)

    monkeypatch.setattr(language, "_detect", counted)
    return calls


def test_units_between_an_agreeing_first_and_last_are_not_read(monkeypatch):
    calls = counting_detect(monkeypatch)
    # Three paragraphs of about the same size are three units; the first and the last are English.
    detected = detect("\n".join([ENGLISH, FRENCH, ENGLISH.replace("Tuesday", "Monday")]))
    assert len(calls) == 2 and calls[0].startswith("The port") and calls[1].startswith("The port")
    assert (detected["language"], detected["language_shares"]) == ("en", [])


def test_every_unit_is_read_when_the_first_and_last_disagree(monkeypatch):
    calls = counting_detect(monkeypatch)
    detected = detect("\n".join([ENGLISH, ENGLISH.replace("Tuesday", "Monday"), FRENCH]))
    assert len(calls) == 3
    # English holds about two thirds of the letters, under the 0.75 a label needs.
    assert detected["language_reason"] == "mixed"
    assert [share["language"] for share in detected["language_shares"]] == ["en", "fr"]

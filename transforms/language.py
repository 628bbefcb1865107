"""Language identification that knows what it does not know.

langdetect (55 languages, seeded) proposes a language; plausibility checks decide whether it is stored:
  * evidence: enough letters to judge at all (`too_short`, `no_letters`);
  * script: the text's dominant Unicode script must be one the language is written in (`script_mismatch`);
  * vocabulary: the text's words must look like that language's common words, measured against the stop-word
    lists of the `stopwordsiso` package (`vocabulary_mismatch`);
  * paragraphs: an article whose paragraphs disagree keeps its label only when one language dominates (`mixed`).
A rejected guess is kept in `language_guess` with its reason; the stored `language` is then `und`, unless strong
evidence of a language langdetect has no profile for names it (`language_method` = `script` or `vocabulary`).
Thresholds were measured with `python -m flows.evaluation.language` (see each constant).
"""

from functools import cache

import polars as pl
import stopwordsiso
import wordfreq
from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

# langdetect samples n-grams at random: without a fixed seed the same text can get another answer next run.
LANGDETECT_SEED = 0
DetectorFactory.seed = LANGDETECT_SEED

# ISO 639-2 "undetermined": stored where the text cannot support an answer.
UNDETERMINED = "und"

# Below this many letters langdetect is too often wrong ("Hakan Fidan" comes out as Indonesian). Measured on the
# lingua test data (single words, word pairs, sentences, 49 langdetect languages; the evaluation prints the curve):
# per 4-letter bucket, 36-39 letters is the first at >= 97 % right; 28-35 letters ~96 %, 20-23 ~92 %, 4-7 ~65 %.
MIN_LETTERS = 36

# langdetect reads at most this much of one text or paragraph group; on news text the first 1,000 characters gave
# the same answers as the whole article at half the cost (../shared/DEPENDENCIES.md measurement).
PREFIX_CHARS = 1000

# A long article is detected paragraph group by paragraph group, at most this many langdetect calls per article
# (~6 ms each): consecutive eligible paragraphs are merged into this many groups of similar size.
MAX_DETECTION_UNITS = 4

# The units between an article's first and last are read only when those two disagree, or either is less sure than
# this: a long article that starts and ends in one language is read in it throughout. On all 20,037 MasakhaNEWS
# bodies this took langdetect from 27,362 calls to 23,683 (229 to 209 CPU s) and changed no label and no shares;
# 5 articles kept `und` with another reason (vocabulary_mismatch instead of mixed).
SKIP_MIDDLE_MIN_PROB = 0.9

# An article whose paragraphs disagree keeps its top language only when that language holds at least this share
# of the letters. Of 200 multi-paragraph English MasakhaNEWS dev articles, 199 had every paragraph group agree and
# the other one had 0.82 English; an article a quarter or more in another language is "mixed".
DOMINANT_SHARE = 0.75

# ISO 15924 codes of the scripts we count, with the Unicode script class that counts them.
SCRIPT_PATTERNS = {
    "Latn": r"\p{Latin}",
    "Cyrl": r"\p{Cyrillic}",
    "Grek": r"\p{Greek}",
    "Arab": r"\p{Arabic}",
    "Hebr": r"\p{Hebrew}",
    "Ethi": r"\p{Ethiopic}",
    "Hani": r"\p{Han}",
    "Hira": r"\p{Hiragana}",
    "Kana": r"\p{Katakana}",
    "Hang": r"\p{Hangul}",
    "Deva": r"\p{Devanagari}",
    "Beng": r"\p{Bengali}",
    "Guru": r"\p{Gurmukhi}",
    "Gujr": r"\p{Gujarati}",
    "Taml": r"\p{Tamil}",
    "Telu": r"\p{Telugu}",
    "Knda": r"\p{Kannada}",
    "Mlym": r"\p{Malayalam}",
    "Sinh": r"\p{Sinhala}",
    "Thai": r"\p{Thai}",
    "Laoo": r"\p{Lao}",
    "Khmr": r"\p{Khmer}",
    "Mymr": r"\p{Myanmar}",
    "Tibt": r"\p{Tibetan}",
    "Armn": r"\p{Armenian}",
    "Geor": r"\p{Georgian}",
    "Thaa": r"\p{Thaana}",
    "Tfng": r"\p{Tifinagh}",
    "Cher": r"\p{Cherokee}",
    "Cans": r"\p{Canadian_Aboriginal}",
}
# The script most news text is written in; the others are counted only where it holds no majority.
LATIN_SCRIPT = "Latn"
# Text with no letters at all (digits, punctuation): ISO 15924 "Common".
SCRIPT_NONE = "Zyyy"
# Letters, but no counted script holds the majority of them: ISO 15924 "uncoded".
SCRIPT_UNKNOWN = "Zzzz"

# Scripts each langdetect language is written in; every other langdetect language is written in Latin script.
# (Japanese written with kanji only reads as Han; Korean mixes Hangul and Han.)
LANGUAGE_SCRIPTS = {
    "ar": {"Arab"}, "fa": {"Arab"}, "ur": {"Arab"},
    "bg": {"Cyrl"}, "mk": {"Cyrl"}, "ru": {"Cyrl"}, "uk": {"Cyrl"},
    "el": {"Grek"}, "he": {"Hebr"},
    "hi": {"Deva"}, "mr": {"Deva"}, "ne": {"Deva"},
    "bn": {"Beng"}, "pa": {"Guru"}, "gu": {"Gujr"}, "ta": {"Taml"}, "te": {"Telu"}, "kn": {"Knda"}, "ml": {"Mlym"},
    "th": {"Thai"}, "ja": {"Jpan", "Hani"}, "ko": {"Kore", "Hang"}, "zh-cn": {"Hani"}, "zh-tw": {"Hani"},
}
DEFAULT_LANGUAGE_SCRIPTS = {"Latn"}

# Scripts langdetect has profiles for; text in any other script (Ethiopic: Amharic and Tigrinya) is not sent to it.
PROFILED_SCRIPTS = {"Latn", "Cyrl", "Grek", "Arab", "Hebr", "Hani", "Jpan", "Kore", "Hang", "Deva", "Beng", "Guru",
                    "Gujr", "Taml", "Telu", "Knda", "Mlym", "Thai"}

# Scripts written for one language only, so the script alone names it (used when langdetect cannot: too short a
# text, or a language it has no profile for). Ethiopic is absent on purpose: Amharic and Tigrinya share it.
SCRIPT_LANGUAGES = {
    "Grek": "el", "Hang": "ko", "Kore": "ko", "Jpan": "ja", "Thai": "th", "Armn": "hy", "Geor": "ka",
    "Gujr": "gu", "Knda": "kn", "Mlym": "ml", "Taml": "ta", "Telu": "te", "Guru": "pa",
}

# Stop-word profiles were measured on texts of these sizes (word tokens); a text is judged by the profile of the
# largest size it reaches, and below the smallest the vocabulary is not judged (a headline says little).
VOCABULARY_PROFILE_SIZES = (20, 100)
VOCABULARY_MIN_TOKENS = VOCABULARY_PROFILE_SIZES[0]
# Naming a language by its vocabulary, or preferring it to langdetect's guess, needs the larger profile: on 20-99
# tokens the tiny Yoruba and Hausa lists were hit by Portuguese, Welsh and Albanian sentences (lingua data).
VOCABULARY_NAMING_MIN_TOKENS = VOCABULARY_PROFILE_SIZES[-1]
# "Short" words (at most this many letters) that recur in a text are almost always function words of its language.
SHORT_WORD_LETTERS = 3
SHORT_WORD_MIN_COUNT = 2

# Per language and profile size: (min_coverage, max_short_unexplained) of real text, measured by
# `python -m flows.evaluation.language --calibrate` on windows of 20 and 100 tokens of real text (MasakhaNEWS
# dev.tsv for en, fr, ha, so, sw, which the gate does not read; the lingua sentences for the others) as the 1st
# percentile of the share of
# tokens that are stopwordsiso stop words of the language, and the 99th percentile of the share of tokens that
# are short, recurring and not its stop words.
# Chinese, Japanese, Korean and Thai are absent (no spaces between words); so are languages stopwordsiso lacks.
VOCABULARY_PROFILES = {
    "af": ((0.143, 0.15), (0.296, 0.115)),
    "ar": ((0.0, 0.105), (0.152, 0.06)),
    "bg": ((0.238, 0.088), (0.366, 0.043)),
    "bn": ((0.168, 0.2), (0.284, 0.111)),
    "ca": ((0.1, 0.164), (0.278, 0.124)),
    "cs": ((0.1, 0.117), (0.222, 0.065)),
    "da": ((0.176, 0.122), (0.272, 0.139)),
    "de": ((0.236, 0.091), (0.392, 0.03)),
    "el": ((0.211, 0.1), (0.33, 0.063)),
    "en": ((0.316, 0.088), (0.436, 0.048)),
    "es": ((0.103, 0.107), (0.147, 0.09)),
    "et": ((0.0, 0.105), (0.071, 0.083)),
    "fa": ((0.194, 0.147), (0.311, 0.122)),
    "fi": ((0.053, 0.175), (0.177, 0.055)),
    "fr": ((0.35, 0.087), (0.456, 0.047)),
    "gu": ((0.05, 0.371), (0.154, 0.29)),
    "ha": ((0.111, 0.143), (0.22, 0.131)),
    "he": ((0.0, 0.2), (0.053, 0.11)),
    "hi": ((0.213, 0.28), (0.305, 0.165)),
    "hr": ((0.105, 0.105), (0.197, 0.044)),
    "hu": ((0.143, 0.0), (0.257, 0.021)),
    "id": ((0.158, 0.111), (0.293, 0.084)),
    "it": ((0.211, 0.105), (0.333, 0.052)),
    "lt": ((0.0, 0.15), (0.069, 0.105)),
    "lv": ((0.03, 0.164), (0.11, 0.112)),
    "mr": ((0.007, 0.2), (0.11, 0.159)),
    "nl": ((0.25, 0.113), (0.382, 0.051)),
    "pl": ((0.15, 0.0), (0.24, 0.021)),
    "pt": ((0.237, 0.0), (0.348, 0.124)),
    "ro": ((0.2, 0.12), (0.314, 0.071)),
    "ru": ((0.2, 0.0), (0.33, 0.021)),
    "sk": ((0.1, 0.106), (0.219, 0.054)),
    "sl": ((0.111, 0.105), (0.189, 0.184)),
    "so": ((0.048, 0.2), (0.11, 0.182)),
    "sv": ((0.211, 0.1), (0.367, 0.047)),
    "sw": ((0.1, 0.1), (0.189, 0.073)),
    "tl": ((0.2, 0.151), (0.313, 0.1)),
    "tr": ((0.027, 0.1), (0.105, 0.061)),
    "uk": ((0.0, 0.213), (0.057, 0.167)),
    "ur": ((0.05, 0.297), (0.1, 0.313)),
    "vi": ((0.181, 0.211), (0.304, 0.183)),
    "yo": ((0.07, 0.222), (0.141, 0.2)),
}

# Tolerance around the profiles (the profiles are percentiles of a finite sample). Measured on the first 60
# MasakhaNEWS test articles per language: with 0.2 / 0.03 English, French, Somali and Swahili keep >= 98 %; a short
# tolerance of 0.01 lets fewer Lingala articles pass as Swahili (38 % instead of 55 %) but loses 3 % of Swahili.
COVERAGE_TOLERANCE = 0.2
SHORT_UNEXPLAINED_TOLERANCE = 0.03

# Languages langdetect has no profile for that the vocabulary alone may name; each was measured against its
# neighbours in MasakhaNEWS dev (Hausa vs Lingala, Yoruba vs Igbo). Zulu is not here: Xhosa articles fit it too.
VOCABULARY_LANGUAGES = ("ha", "yo")
# Naming a language by vocabulary alone needs this multiple of its profile's minimum coverage (and no tolerance):
# Lingala fits the Hausa profile at 1.0x in half of its articles, at 1.25x in about 1 %.
VOCABULARY_LANGUAGE_COVERAGE_RATIO = 1.25

# A long text's most frequent words are its language's function words. Lingala passes langdetect as Swahili and
# reaches Swahili's stop-word coverage through "na" and "ya", but its other frequent words (mpe, ezali, oyo, ba) are
# not Swahili stop words; Nigerian Pidgin passes as English, but its frequent words (di, dey, wey, dem) are rare
# English words. Both checks need a text of at least this many tokens: a short one repeats too few words.
FREQUENT_WORDS_MIN_TOKENS = VOCABULARY_PROFILE_SIZES[-1]
# How many of the text's most frequent tokens (equal counts in alphabetical order) are compared with the stop words.
FREQUENT_WORDS_TOP = 10
# Per language (langdetect's guess, or one the vocabulary would name): the 1st percentile, on MasakhaNEWS dev
# articles of >= 100 tokens (the gate reads test), of the share of the text's 10 most frequent tokens that are
# stopwordsiso stop words of the language. Measured by `python -m flows.evaluation.language --calibrate`; languages
# without news articles to measure on are not judged. Lingala train/dev articles of >= 100 tokens that passed as
# Swahili without this check have 0.2 (na, ya) or 0.3; Swahili dev ones 0.4 to 0.9, one 0.2.
FREQUENT_STOP_SHARE_FLOORS = {"en": 0.5, "fr": 0.6, "ha": 0.3, "so": 0.3, "sw": 0.4, "yo": 0.1}
# Languages whose word frequencies come from `wordfreq` (it has no Swahili or Somali list).
WORD_FREQUENCY_LANGUAGES = ("en", "fr")
# Per language: the 1st percentile, on the same dev articles, of the text's mean Zipf frequency (log10 of uses per
# billion words, 0 for a word wordfreq does not list) over all its tokens: about 5.7 in the median English dev
# article, 4.9 in the median Pidgin train/dev one, and most long Pidgin articles that passed as English are < 5.2.
WORD_FREQUENCY_FLOORS = {"en": 5.24, "fr": 5.12}

LANGUAGE_SHARE = pl.Struct({"language": pl.String, "share": pl.Float64})
LANGUAGE_STRUCT = pl.Struct(
    {
        "language": pl.String,
        "language_score": pl.Float64,
        "language_guess": pl.String,
        "language_reason": pl.String,
        "language_method": pl.String,
        "script": pl.String,
        "language_shares": pl.List(LANGUAGE_SHARE),
    }
)


def _fold(text: pl.Expr) -> pl.Expr:
    """Lower case without diacritics: web text drops tone marks and accents that word lists keep (Yoruba)."""
    return text.str.normalize("NFD").str.replace_all(r"\p{M}", "").str.to_lowercase()


# The stop-word and word-frequency tables are built on first use: a run's flow process that leaves language
# detection to its workers never needs them, and building them leaves it ~210 MB larger (measured after import).
@cache
def stop_words() -> pl.DataFrame:
    return stop_word_table(sorted(set(VOCABULARY_PROFILES) | set(VOCABULARY_LANGUAGES)))


def stop_word_table(languages: list[str]) -> pl.DataFrame:
    """vocabulary_language, token: the stopwordsiso stop words of `languages`, folded, letters only."""
    rows = [(word, language) for language in languages for word in sorted(stopwordsiso.stopwords(language))]
    words = pl.DataFrame(rows, schema={"word": pl.String, "vocabulary_language": pl.String}, orient="row")
    return (
        words.select(_fold(pl.col("word")).alias("token"), "vocabulary_language")
        .filter(pl.col("token").str.contains(r"^\p{L}+$"))
        .unique()
        .sort("vocabulary_language", "token")
    )


@cache
def word_frequencies() -> pl.DataFrame:
    """Zipf frequency of each folded word of each WORD_FREQUENCY_LANGUAGES list (words that fold alike add up)."""
    frames = [
        pl.DataFrame(
            {"word": list(frequencies), "frequency": list(frequencies.values())},
            schema={"word": pl.String, "frequency": pl.Float64},
        ).with_columns(pl.lit(language).alias("language"))
        for language in WORD_FREQUENCY_LANGUAGES
        for frequencies in [wordfreq.get_frequency_dict(language)]
    ]
    table = (
        pl.concat(frames)
        .select("language", _fold(pl.col("word")).alias("token"), "frequency")
        .filter(pl.col("token").str.contains(r"^\p{L}+$"))
        .group_by("language", "token")
        .agg(pl.col("frequency").sum())
        .select("language", "token", (pl.col("frequency").log10() + 9).alias("zipf"))
        .sort("language", "token")
    )
    # wordfreq keeps every list it read as Python objects for the life of the process (~55 MB of RSS for English
    # and French, measured after import, in every process that builds the table); the table is all that is used.
    wordfreq.get_frequency_dict.cache_clear()
    wordfreq.get_frequency_list.cache_clear()
    return table


def _token_counts(texts: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """`texts` (keys, text) -> keys, token (a folded run of letters), count: how often each token occurs."""
    return (
        texts.select(*keys, _fold(pl.col("text")).str.extract_all(r"\p{L}+").alias("token"))
        .explode("token")
        .drop_nulls("token")
        .group_by(*keys, "token")
        .len("count")
    )


def frequent_word_fit(texts: pl.DataFrame) -> pl.DataFrame:
    """`texts` (key, language, text; one row per key) -> key, language, tokens, top_stop_share (share of the
    FREQUENT_WORDS_TOP most frequent tokens that are stop words of `language`), mean_zipf (null for a language
    without a wordfreq list)."""
    return _frequent_word_fit(_token_counts(texts, ["key"]), texts.select("key", "language"))


def _frequent_word_fit(counts: pl.DataFrame, pairs: pl.DataFrame) -> pl.DataFrame:
    """`counts` (key, token, count) and `pairs` (key, language) -> frequent_word_fit's columns for each pair."""
    stop_list = stop_words().select(
        pl.col("vocabulary_language").alias("language"), "token", pl.lit(True).alias("is_stop")
    )
    # Most frequent first, equal counts in alphabetical order (top_k_by picks them without sorting every token).
    top = (
        counts.group_by("key")
        .agg(pl.col("token").top_k_by(["count", "token"], FREQUENT_WORDS_TOP, reverse=[False, True]))
        .explode("token")
    )
    top_stop_share = (
        pairs.join(top, on="key")
        .join(stop_list, on=["language", "token"], how="left")
        .group_by("key", "language")
        .agg(pl.col("is_stop").fill_null(False).mean().alias("top_stop_share"))
    )
    tokens = counts.group_by("key").agg(pl.col("count").sum().alias("tokens"))
    has_list = pl.col("language").is_in(WORD_FREQUENCY_LANGUAGES)
    # A token wordfreq does not list has frequency 0, so only listed tokens are summed (an inner join is much
    # cheaper than a left join against the whole list).
    listed_zipf = (
        pairs.filter(has_list)
        .join(counts, on="key")
        .join(word_frequencies(), on=["language", "token"])
        .group_by("key", "language")
        .agg((pl.col("zipf") * pl.col("count")).sum().alias("zipf_sum"))
    )
    return (
        pairs.join(tokens, on="key")
        .join(top_stop_share, on=["key", "language"])
        .join(listed_zipf, on=["key", "language"], how="left")
        .select(
            "key",
            "language",
            "tokens",
            "top_stop_share",
            pl.when(has_list).then(pl.col("zipf_sum").fill_null(0.0) / pl.col("tokens")).alias("mean_zipf"),
        )
        .sort("key", "language")
    )


def vocabulary_fit(texts: pl.DataFrame, languages: list[str]) -> pl.DataFrame:
    """`texts` (key, text) -> key, vocabulary_language, tokens, coverage, short_unexplained for each language."""
    pairs = texts.select("key").join(pl.DataFrame({"vocabulary_language": languages}), how="cross")
    return _vocabulary_fit(_token_counts(texts, ["key"]), pairs)


def _vocabulary_fit(counts: pl.DataFrame, pairs: pl.DataFrame) -> pl.DataFrame:
    """`counts` (key, token, count) and `pairs` (key, vocabulary_language) -> vocabulary_fit's columns for each pair
    whose text has tokens."""
    stop_list = stop_words().join(pairs.select("vocabulary_language").unique(), on="vocabulary_language", how="semi")
    short_recurring = (pl.col("token").str.len_chars() <= SHORT_WORD_LETTERS) & (pl.col("count") >= SHORT_WORD_MIN_COUNT)
    totals = counts.group_by("key").agg(
        pl.col("count").sum().alias("tokens"), pl.col("count").filter(short_recurring).sum().alias("short")
    )
    hits = (
        counts.join(stop_list, on="token")
        .join(pairs, on=["key", "vocabulary_language"], how="semi")
        .group_by("key", "vocabulary_language")
        .agg(pl.col("count").sum().alias("hits"), pl.col("count").filter(short_recurring).sum().alias("short_hits"))
    )
    return (
        totals.join(pairs, on="key")
        .join(hits, on=["key", "vocabulary_language"], how="left")
        .with_columns(pl.col("hits", "short_hits").fill_null(0))
        .select(
            "key",
            "vocabulary_language",
            "tokens",
            (pl.col("hits") / pl.col("tokens")).alias("coverage"),
            ((pl.col("short") - pl.col("short_hits")) / pl.col("tokens")).alias("short_unexplained"),
        )
    )


def _script_counts(docs: pl.DataFrame) -> pl.DataFrame:
    """`docs` (row, text) -> row, letters and one letter count per SCRIPT_PATTERNS code.

    Each script is one pass over the text, so the other scripts are counted only where Latin (most news text) does
    not hold a majority of the letters: a majority is the dominant script whatever the others count (their columns
    are null there)."""
    counts = docs.select(
        "row",
        pl.col("text").str.count_matches(r"\p{L}").alias("letters"),
        pl.col("text").str.count_matches(SCRIPT_PATTERNS[LATIN_SCRIPT]).alias(LATIN_SCRIPT),
    )
    no_latin_majority = counts.filter(pl.col(LATIN_SCRIPT) * 2 <= pl.col("letters")).select("row")
    others = docs.join(no_latin_majority, on="row", how="semi").select(
        "row",
        *[
            pl.col("text").str.count_matches(pattern).alias(code)
            for code, pattern in SCRIPT_PATTERNS.items()
            if code != LATIN_SCRIPT
        ],
    )
    return counts.join(others, on="row", how="left").select("row", "letters", *SCRIPT_PATTERNS)


def _dominant_script(counts: dict) -> tuple[str, float]:
    """ISO 15924 code of the script holding most letters, and its share of the letters."""
    letters = counts["letters"]
    if not letters:
        return SCRIPT_NONE, 0.0
    if counts[LATIN_SCRIPT] * 2 > letters:
        return LATIN_SCRIPT, counts[LATIN_SCRIPT] / letters
    counts = {code: counts[code] for code in SCRIPT_PATTERNS}
    if counts["Hira"] + counts["Kana"]:
        counts["Jpan"] = counts.pop("Hani") + counts.pop("Hira") + counts.pop("Kana")
    elif counts["Hang"]:
        counts["Kore"] = counts.pop("Hani") + counts.pop("Hang")
    code, count = max(sorted(counts.items()), key=lambda item: item[1])
    if count * 2 <= letters:
        return SCRIPT_UNKNOWN, count / letters
    return code, count / letters


def _detect(sample: str) -> tuple[str, float] | None:
    try:
        best = detect_langs(sample)[0]
    except LangDetectException:
        return None
    return best.lang, best.prob


def _detect_units(units: list[tuple]) -> list[tuple]:
    """(unit, letters, text) -> (unit, letters, text, langdetect's best) for one article's units.

    The first and the last unit are read first; when both name the same language (SKIP_MIDDLE_MIN_PROB sure),
    the units between them are taken to be in it too and are not read."""
    if len(units) <= 2:
        return [(*unit, _detect(unit[2][:PREFIX_CHARS])) for unit in units]
    first, last = _detect(units[0][2][:PREFIX_CHARS]), _detect(units[-1][2][:PREFIX_CHARS])
    if first and last and first[0] == last[0] and min(first[1], last[1]) >= SKIP_MIDDLE_MIN_PROB:
        agreed = (first[0], min(first[1], last[1]))
        middle = [(*unit, agreed) for unit in units[1:-1]]
    else:
        middle = [(*unit, _detect(unit[2][:PREFIX_CHARS])) for unit in units[1:-1]]
    return [(*units[0], first), *middle, (*units[-1], last)]


def _with_units(paragraphs: pl.DataFrame) -> pl.DataFrame:
    """`paragraphs` (row, paragraph, letters) -> with `unit`: eligible paragraphs (enough letters) numbered into at
    most MAX_DETECTION_UNITS consecutive groups of similar size; null for the other paragraphs."""
    eligible = pl.col("letters") >= MIN_LETTERS
    eligible_letters = pl.when(eligible).then(pl.col("letters")).otherwise(0)
    total = eligible_letters.sum().over("row")
    before = eligible_letters.cum_sum().over("row") - eligible_letters
    return paragraphs.with_columns(pl.when(eligible).then(before * MAX_DETECTION_UNITS // total).alias("unit"))


def _units(paragraphs: pl.DataFrame) -> pl.DataFrame:
    """`paragraphs` numbered by `_with_units` -> row, unit, text (its paragraphs, one a line), letters."""
    return (
        paragraphs.drop_nulls("unit")
        .group_by("row", "unit")
        .agg(pl.col("paragraph").str.join("\n").alias("text"), pl.col("letters").sum())
        .sort("row", "unit")
    )


def _result(language=UNDETERMINED, score=None, guess=None, reason=None, method="none", script=SCRIPT_NONE, shares=()):
    return {
        "language": language,
        "language_score": None if score is None else round(score, 6),
        "language_guess": guess,
        "language_reason": reason,
        "language_method": method,
        "script": script,
        "language_shares": list(shares),
    }


def _profile(language: str, tokens: int) -> tuple[float, float]:
    sizes = [index for index, size in enumerate(VOCABULARY_PROFILE_SIZES) if tokens >= size]
    return VOCABULARY_PROFILES[language][sizes[-1]]


def _coverage_ratio(coverage: float, language: str, tokens: int) -> float:
    """Coverage as a multiple of the language's profile minimum (a zero minimum counts as one token in a thousand)."""
    return coverage / max(_profile(language, tokens)[0], 0.001)


def _fits(fit: dict | None, language: str, tokens: int, ratio: float = 1.0, tolerant: bool = True) -> bool:
    min_coverage, max_short = _profile(language, tokens)
    coverage_floor = min_coverage * (1 - COVERAGE_TOLERANCE if tolerant else ratio)
    short_ceiling = max_short + (SHORT_UNEXPLAINED_TOLERANCE if tolerant else 0.0)
    return fit is not None and fit[0] >= coverage_floor and fit[1] <= short_ceiling


def _vocabulary_language(fits: dict, tokens: int, frequent: dict) -> tuple[str, float] | None:
    """The language without a langdetect profile that the vocabulary clearly names, with its coverage."""
    named = [
        (_coverage_ratio(fits[language][0], language, tokens), language)
        for language in VOCABULARY_LANGUAGES
        if _fits(fits.get(language), language, tokens, ratio=VOCABULARY_LANGUAGE_COVERAGE_RATIO, tolerant=False)
        and (tokens < FREQUENT_WORDS_MIN_TOKENS or _frequent_words_fit(frequent[language], language))
    ]
    if not named:
        return None
    _, language = max(named)
    return language, fits[language][0]


def _frequent_words_fit(frequent: dict, language: str) -> bool:
    """The text's most frequent words are common words of `language` (true where no floor was measured for it)."""
    stop_floor = FREQUENT_STOP_SHARE_FLOORS.get(language)
    zipf_floor = WORD_FREQUENCY_FLOORS.get(language)
    if stop_floor is not None and frequent["top_stop_share"] < stop_floor:
        return False
    return zipf_floor is None or frequent["mean_zipf"] >= zipf_floor


def _decide(
    row: dict,
    units: list[tuple[int, tuple[str, float] | None]],
    fit_evidence: dict,
    fit_whole: dict,
    frequent_evidence: dict,
    frequent_whole: dict,
) -> dict:
    script, script_share = row["script"], row["script_share"]
    if not row["letters"]:
        return _result(reason="no_letters", script=script)
    script_language = SCRIPT_LANGUAGES.get(script)
    if script not in PROFILED_SCRIPTS:
        if script_language:
            return _result(script_language, script_share, method="script", script=script)
        return _result(reason="unsupported_script", script=script)

    letters_by_language: dict[str, int] = {}
    weighted_prob: dict[str, float] = {}
    for letters, best in units:
        language = best[0] if best else UNDETERMINED
        letters_by_language[language] = letters_by_language.get(language, 0) + letters
        weighted_prob[language] = weighted_prob.get(language, 0.0) + (best[1] if best else 0.0) * letters
    total = sum(letters_by_language.values())
    ranked = sorted(letters_by_language.items(), key=lambda item: (-item[1], item[0]))
    shares = []
    if len(ranked) > 1:
        shares = [{"language": language, "share": round(letters / total, 6)} for language, letters in ranked]
    guess = next((language for language, _ in ranked if language != UNDETERMINED), None)

    def fallback(reason: str) -> dict:
        # Paragraph shares are langdetect's; they are kept only where they are the reason for `und`.
        if script_language:
            return _result(script_language, script_share, guess, method="script", script=script)
        tokens = row["tokens"]
        named = None
        if tokens >= VOCABULARY_NAMING_MIN_TOKENS:
            named = _vocabulary_language(fit_whole, tokens, frequent_whole)
        if named:
            return _result(named[0], named[1], guess, method="vocabulary", script=script)
        return _result(reason=reason, guess=guess, script=script, shares=shares if reason == "mixed" else ())

    if row["letters"] < MIN_LETTERS:
        return fallback("too_short")
    if guess is None:
        return fallback("detector_error")
    if ranked[0][0] != guess or ranked[0][1] < DOMINANT_SHARE * total:
        return fallback("mixed")
    if script not in LANGUAGE_SCRIPTS.get(guess, DEFAULT_LANGUAGE_SCRIPTS):
        return fallback("script_mismatch")
    tokens = row["evidence_tokens"]
    if tokens >= VOCABULARY_MIN_TOKENS:
        own = fit_evidence.get(guess)
        if guess in VOCABULARY_PROFILES and not _fits(own, guess, tokens):
            return fallback("vocabulary_mismatch")
        own_ratio = _coverage_ratio(own[0], guess, tokens) if guess in VOCABULARY_PROFILES else 0.0
        # A language langdetect cannot name (Hausa) that fits better than its guess means the guess is a neighbour.
        for other in VOCABULARY_LANGUAGES if tokens >= VOCABULARY_NAMING_MIN_TOKENS else ():
            if other != guess and _fits(fit_evidence.get(other), other, tokens):
                if _coverage_ratio(fit_evidence[other][0], other, tokens) > own_ratio:
                    return fallback("vocabulary_mismatch")
    if tokens >= FREQUENT_WORDS_MIN_TOKENS and not _frequent_words_fit(frequent_evidence.get(guess, {}), guess):
        return fallback("vocabulary_mismatch")
    return _result(guess, weighted_prob[guess] / total, guess, method="langdetect", script=script, shares=shares)


def _top_language(units: list) -> str | None:
    letters_by_language: dict[str, int] = {}
    for _, letters, _, best in units:
        if best:
            letters_by_language[best[0]] = letters_by_language.get(best[0], 0) + letters
    return min(letters_by_language.items(), key=lambda item: (-item[1], item[0]))[0] if letters_by_language else None


def _evidence(
    row_units: dict[int, list], unit_counts: pl.DataFrame, whole_counts: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Each row's top language (key, language) and the token counts (key, token, count) of the units that carry it:
    the whole text for a one-unit article (unit None)."""
    languages, units = [], []
    for key, found in row_units.items():
        top = _top_language(found)
        if top is not None:
            languages.append((key, top))
            units.extend((key, unit) for unit, _, _, best in found if best and best[0] == top)
    languages = pl.DataFrame(languages, schema={"key": pl.UInt32, "language": pl.String}, orient="row")
    units = pl.DataFrame(units, schema={"key": pl.UInt32, "unit": pl.UInt32}, orient="row")
    counts = pl.concat(
        [
            whole_counts.join(units.filter(pl.col("unit").is_null()), on="key", how="semi"),
            unit_counts.join(units.drop_nulls("unit"), on=["key", "unit"], how="semi")
            .group_by("key", "token")
            .agg(pl.col("count").sum()),
        ]
    )
    return languages, counts


def _detect_batch(texts: pl.Series) -> pl.Series:
    docs = pl.DataFrame({"text": texts.fill_null("")}).with_row_index("row")
    counts = _script_counts(docs)
    paragraphs = _with_units(
        docs.select("row", pl.col("text").str.split("\n").alias("paragraph"))
        .explode("paragraph")
        .with_columns(pl.col("paragraph").str.count_matches(r"\p{L}").alias("letters"))
    )
    units = _units(paragraphs)
    multi = units.group_by("row").len().filter(pl.col("len") > 1).select("row")
    # One eligible paragraph or none: the article is one unit, read from its start.
    single = docs.join(multi, on="row", how="anti").join(counts.select("row", "letters"), on="row")
    detect_units = pl.concat(
        [
            single.select("row", pl.lit(None, pl.UInt32).alias("unit"), "text", "letters"),
            units.join(multi, on="row", how="semi").select("row", pl.col("unit").cast(pl.UInt32), "text", "letters"),
        ]
    ).sort("row", "unit", nulls_last=True)

    rows = {row["row"]: row for row in counts.iter_rows(named=True)}
    for row in rows.values():
        row["script"], row["script_share"] = _dominant_script(row)
    # Per row: (unit, letters, text, langdetect's best); unit None is the whole text of a one-unit article.
    row_units: dict[int, list] = {key: [] for key in rows}
    for key, unit, text, letters in detect_units.iter_rows():
        if letters and rows[key]["script"] in PROFILED_SCRIPTS:
            row_units[key].append((unit, letters, text))
    for key, units in row_units.items():
        row_units[key] = _detect_units(units)

    # Vocabulary evidence: the units that carry the top language (the whole text for a one-unit article), and the
    # whole text for naming a language langdetect lacks. A token never spans a paragraph break, so the paragraphs
    # are tokenized once and their counts summed per unit, per evidence and per whole text.
    unit_counts = _token_counts(
        paragraphs.select(pl.col("row").alias("key"), "unit", pl.col("paragraph").alias("text")), ["key", "unit"]
    )
    whole_counts = unit_counts.group_by("key", "token").agg(pl.col("count").sum())
    evidence_languages, evidence_counts = _evidence(row_units, unit_counts, whole_counts)
    # Only langdetect's guess and the languages the vocabulary may name are ever judged.
    fit_languages = sorted(set(VOCABULARY_PROFILES) | set(VOCABULARY_LANGUAGES))
    named_languages = pl.DataFrame({"language": VOCABULARY_LANGUAGES})
    named_whole = docs.select(pl.col("row").alias("key")).join(named_languages, how="cross")
    named_evidence = evidence_languages.select("key").join(named_languages, how="cross")
    evidence_pairs = pl.concat([evidence_languages.filter(pl.col("language").is_in(fit_languages)), named_evidence])
    vocabulary_language = {"language": "vocabulary_language"}
    fit_evidence = _fits_by_key(_vocabulary_fit(evidence_counts, evidence_pairs.unique().rename(vocabulary_language)))
    fit_whole = _fits_by_key(_vocabulary_fit(whole_counts, named_whole.rename(vocabulary_language)))
    frequent_evidence = _frequent_by_key(_frequent_word_fit(evidence_counts, evidence_languages))
    frequent_whole = _frequent_by_key(_frequent_word_fit(whole_counts, named_whole))

    results = []
    for key in range(docs.height):
        row = rows[key]
        row["tokens"] = fit_whole.get(key, {}).pop("__tokens__", 0)
        row["evidence_tokens"] = fit_evidence.get(key, {}).pop("__tokens__", 0)
        found = [(letters, best) for _, letters, _, best in row_units[key]]
        fits = fit_evidence.get(key, {}), fit_whole.get(key, {})
        results.append(_decide(row, found, *fits, frequent_evidence.get(key, {}), frequent_whole.get(key, {})))
    return pl.Series(texts.name, results, dtype=LANGUAGE_STRUCT)


def _fits_by_key(fit: pl.DataFrame) -> dict[int, dict]:
    fits: dict[int, dict] = {}
    for key, language, tokens, coverage, short in fit.iter_rows():
        entry = fits.setdefault(key, {"__tokens__": tokens})
        entry[language] = (coverage, short)
    return fits


def _frequent_by_key(fit: pl.DataFrame) -> dict[int, dict]:
    frequent: dict[int, dict] = {}
    for row in fit.iter_rows(named=True):
        frequent.setdefault(row["key"], {})[row["language"]] = row
    return frequent


def detect_language(body: pl.Expr) -> pl.Expr:
    """One struct per text: `language` (code or `und`), its score, langdetect's guess, why it was rejected, how the
    label was reached, the dominant script (ISO 15924) and, where paragraphs disagree, each language's share."""
    return body.map_batches(_detect_batch, return_dtype=LANGUAGE_STRUCT)


"""Named entities: spaCy mentions over clean bodies, mapped to a common type set and made canonical; for bodies
in a language with no model, the names already known found again by string match (`match_known_entities`)."""

import re
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any

import polars as pl

from transforms.ids import stable_id
from transforms.quality import letter_count

# spaCy labels (OntoNotes for English, WikiNER for French) mapped to the common type set users query by.
# FAC (airports, bridges, buildings) are places a reader looks up on a map, so they join LOC.
ENTITY_TYPES = {
    "PERSON": "PERSON",
    "PER": "PERSON",
    "ORG": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
    "FAC": "LOC",
    "NORP": "NORP",
    "EVENT": "EVENT",
    "WORK_OF_ART": "MISC",
    "LAW": "MISC",
    "PRODUCT": "MISC",
    "LANGUAGE": "MISC",
    "MISC": "MISC",
}
# Dates, times, amounts and ordinals are values, not entities anyone canonicalises; they are not stored.

# Entities whose type is known whatever a model labels a mention of them, by entity key.
# Online platforms: the small models read a platform's name by its context ("said on Twitter" reads like "said to
# Smith"). On MasakhaNEWS the English model labelled "Twitter" PERSON in 343 of its 374 mentions and the French one
# MISC in all 73; "Netflix" was mostly LOC, "Snapchat" PERSON, "Facebook" MISC. The type a name's mentions vote for
# is what the gazetteer gives it in other languages too (784 more "Twitter" mentions typed PERSON), so `entities`
# listed Twitter as a person. Companies and their services are ORG, as OntoNotes labels them and as MasakhaNER v1's
# test sets (10 African languages, ../shared/datasets) tag every one of their 74 tagged occurrences there.
PLATFORMS = (
    "facebook", "instagram", "linkedin", "netflix", "snapchat", "telegram", "tiktok", "twitter", "whatsapp", "youtube",
)  # fmt: skip
# Diseases are no person, organisation or place, but the models make them one by context: on MasakhaNEWS
# "Coronavirus" (742 mentions) and "Covid" (741) were PERSON entities, "Sida" (AIDS in French, 402) too, "Ebola"
# a LOC; the gazetteer then matched them as such in the languages without a model. MasakhaNER v1's test sets tag
# none of their 345 occurrences there as PER, ORG or LOC. They stay entities, as MISC (named things of no other
# type).
DISEASES = ("corona", "coronavirus", "covid", "covid 19", "ebola", "monkeypox", "sida")
# A mention keeps the model's own label in `model_label`.
KNOWN_ENTITY_TYPES = {**dict.fromkeys(PLATFORMS, "ORG"), **dict.fromkeys(DISEASES, "MISC")}

# Types whose bare short form ("Netanyahu", "Trump") links to the one full name in the same article that ends
# with it ("Benjamin Netanyahu"). Places are left alone: "Korea" must not silently become "South Korea".
LINKABLE_TYPES = ("PERSON", "ORG")

# Titles and roles written before a name: "Prime Minister Benjamin Netanyahu", "Turkish Foreign Minister Hakan
# Fidan", "U.S. President Donald Trump". They are not part of the entity; the mention starts after them.
ROLES = (
    r"president|vice[- ]president|prime minister|deputy prime minister|foreign minister|defen[cs]e minister"
    r"|interior minister|finance minister|health minister|minister|chancellor|secretary[- ]general|secretary of state"
    r"|secretary|king|queen|prince|princess|crown prince|pope|sheikh|emir|senator|sen\.|rep\.|representative"
    r"|governor|gov\.|mayor|general|gen\.|colonel|col\.|spokesman|spokeswoman|spokesperson|ambassador|judge|justice"
    r"|chief executive|ceo|chairman|chairwoman|leader|opposition leader|dr\.?|mr\.?|mrs\.?|ms\.?|miss|sir|dame|lord|lady"
    r"|mme\.?|madame|monsieur"
    r"|président|première ministre|premier ministre|ministre|chancelier|chancelière|bundeskanzler|bundeskanzlerin"
    r"|kanzler|kanzlerin|ministerpräsident|präsident|presidente|primer ministro|ministro|rais|waziri mkuu|waziri"
)
# Optional nationality or office before the role ("Turkish", "U.S.", "former"), then the role, then a space;
# a span that is only a title ("President") is left empty and dropped.
TITLE_PREFIX = rf"^(?i:(?:(?:former|acting|then|late|the|le|la|der|die|el)\s+)*(?:(?:u\.s\.|u\.k\.|\p{{L}}+)\s+)?(?:{ROLES})(?:\s+|$))"

# Words that join a name to another name ("Bank of England", "Commission for Africa", "Citra Group of Suharto"):
# a longer name with one before the short form is not that short form's full name.
NAME_CONNECTORS = r"\b(?:of|for|and|et|pour|du|des|von|der)\b"

# Honorifics tell two people with one surname apart: an article with both "Mr Howard" and "Mrs Howard" names two
# Howards (a politician and his wife), so neither short form links to the one full name it has ("Michael Howard").
MALE_HONORIFICS = ("mr", "sir", "lord", "monsieur")
FEMALE_HONORIFICS = ("mrs", "ms", "miss", "lady", "dame", "mme", "madame")
# An honorific written just before a PERSON span that leaves it out ("Mr [Howard]" where "[Mrs Howard]" has it):
# `find_mentions` takes it into the span, so that trimming records it like any other.
HONORIFIC_BEFORE = r"(?:^|[^\p{L}])((?:Mr|Mrs|Ms|Miss|Sir|Lord|Lady|Dame|Mme|Madame|Monsieur)\.?\s)$"

# A determiner spaCy sometimes includes: "the European Union". A capital "The" stays when only one word follows,
# where it is usually part of the name ("The Hague").
DETERMINER_PREFIX = r"^(?:the |The (?:\S+ \S))"

# "Israel's", "Erdoğan’s": the possessive is grammar, not name.
POSSESSIVE_SUFFIX = r"['’]s?$"

# Dashes, quotes and bullets at a span's edges are layout, not name: spaCy takes in the dash of "Title - BBC" or
# the quote of "“Hamas" at times, and "- BBC", having two words, would win the entity's canonical name (most
# words) over "BBC". So are an ampersand a span stops or starts at (one "Covid &", cut short in a headline's list,
# named the entity of 741 "Covid"s on MasakhaNEWS) and an opening bracket or a slash it ends with. A full stop
# stays ("U.S.", "Jr."), as do "+" ("Disney+", "C++") and brackets that open inside a name.
EDGE_PUNCTUATION_PREFIX = r"^[\p{Pd}\p{Pi}\p{Pf}\"'«»•·*&\s]+"
EDGE_PUNCTUATION_SUFFIX = r"[\p{Pd}\p{Pi}\p{Pf}\"«»•·*,;:&(/\s]+$"

# A span that opens a bracket and ends before it closes ends before the bracket: the model stops short of the ")"
# in "International Labour Organisation (ILO)" or "S Jones (Clermont Auvergne)" at times, and the cut form became
# an entity of its own, its canonical name with half a bracket (52 of BBC's entities, from 71 mentions; 40 of
# MasakhaNEWS', from 55). What the bracket holds (an acronym, a club, a channel) is not the name. The same for a
# span that starts inside a bracket ("Nasa) Ames Research Center"): it starts after it. Each group is the bracket
# and what lies beyond it; the character required on the other side keeps a span that is all bracket ("(ILO")
# from being emptied: its lone "(" goes instead.
UNCLOSED_BRACKET_SUFFIX = r".(\s*\([^()]*)$"
UNOPENED_BRACKET_PREFIX = r"^([^()]*\)\s*)."

# Gazetteer matching (`match_known_entities`) for languages with no model: names already known from
# model-tagged articles, found again by exact string match.
# Matching is on the written form, case included: in Latin script the capital is what tells "Ford" the company
# from "ford" the river crossing, and "May" from "may".
GAZETTEER_METHOD = "gazetteer"
# A body is matched when at least this share of its letters is Latin script: names copied from English or
# French are written in Latin letters, and Latin-script word boundaries are spaces and punctuation.
GAZETTEER_MIN_LATIN_SHARE = 0.5
# Shorter surfaces are common words in some Latin-script language ("Die", "Les", "Mit", "Una") far more often
# than they are a name; all-caps acronyms ("EU", "UN", "FBI") are kept, their capitals make them specific.
GAZETTEER_MIN_CHARS = 4
GAZETTEER_ACRONYM = r"^\p{Lu}{2,}$"
# Surfaces an English or French model tags that are ordinary capitalised words in another Latin-script
# language (German capitalises every noun) or in headlines: matched as names they would be wrong far more
# often than right.
# Collected from the false matches on GermEval 2014 German dev (its test file is only measured, never tuned on).
GAZETTEER_STOP_SURFACES = frozenset(
    {
        "Albums", "Band", "Block", "Brand", "Coach", "Demos", "Drama", "Euro", "Gold", "Grab", "Herren", "Hotel",
        "House", "International", "Jung", "Kind", "Kraft", "Leiter", "Main", "Mann", "Mini", "Miss", "Nord", "Plan",
        "Reporter", "Rock", "Songs", "Sport", "Software", "Theatre", "Tote", "Town", "Union", "Video", "Weise", "West",
    }
)  # fmt: skip
# A person's name does not follow an article: "der Mann", "die Leiter", "das Kind" are German nouns that English
# models have seen as surnames. Places and organisations do take one ("die USA", "der BND") and are not checked.
GAZETTEER_PERSON_AFTER_ARTICLE = (
    r"(?i)(?:^|[^\p{L}])(?:the|an?|der|die|das|den|dem|des|ein|eine[mnrs]?|le|la|les|une?|el|los|las|il|lo|gli|het|een)\s+$"
)

# Names the model tagged are looked for again in the same article (`repeat_mentions`) from this length on;
# one letter is an initial, not a name.
REPEAT_MIN_CHARS = 2

MENTION_SCHEMA = {
    "article_id": pl.String,
    "start_char": pl.Int32,
    "end_char": pl.Int32,
    "surface": pl.String,
    "model_label": pl.String,
    "method": pl.String,
}


SENTENCE_SCHEMA = {"article_id": pl.String, "sentence_start": pl.Int32}

# The columns canonical mentions have, in order: what `entity_mentions` stores.
CANONICAL_COLUMNS = (
    "article_id",
    "entity_id",
    "entity_key",
    "entity_type",
    "surface",
    "start_char",
    "end_char",
    "model_label",
    "method",
)


def find_mentions(articles: pl.DataFrame, pipelines: Mapping[str, tuple[str, Any]], batch_size: int = 64) -> pl.DataFrame:
    """Run each language's spaCy pipeline over `articles` (article_id, body_clean, language).

    `pipelines` maps a language code to (model name, loaded spaCy Language). Returns one row per entity span of
    a kept label, with character offsets into `body_clean`, completed by `complete_mentions`.
    """
    return find_mentions_and_sentences(articles, pipelines, batch_size)[0]


def find_mentions_and_sentences(
    articles: pl.DataFrame, pipelines: Mapping[str, tuple[str, Any]], batch_size: int = 64
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """`find_mentions`, and the `sentence_starts` of the articles a model read, from the same parse: a pipeline
    with a sentencizer after its NER (`flows.models.ner_pipelines`) needs no second tokenization."""
    mentions, spans, sentences = model_mentions(articles, pipelines, batch_size)
    return complete_mentions(mentions, articles, spans), sentences


_WHITESPACE = re.compile(r"\s+")
_NEWLINE = re.compile("\n")


def _line_starts(body: str) -> set[int]:
    """Where the lines of `body` begin: each is a sentence start whatever the splitter says."""
    return {0} | {match.end() for match in _NEWLINE.finditer(body)}


def _run_end(body: str, position: int) -> int:
    """Where the run of non-space characters at or after `position` ends: at the next whitespace, or the end."""
    space = _WHITESPACE.search(body, position)
    return space.start() if space else len(body)


def _doc_sentence_starts(body: str, doc: Any) -> list[int]:
    """Where the sentences of one parsed body begin: at the first non-space token of each sentence spaCy marks, and
    at every paragraph (line): a headline-like paragraph without a full stop is still a sentence of its own."""
    starts = _line_starts(body)
    for sentence in doc.sents:
        first = next((token.idx for token in sentence if not token.is_space), None)
        if first is not None:
            starts.add(first)
    return sorted(starts)


def sentence_starts(articles: pl.DataFrame, splitter_for: Callable[[str], Any], until: str | None = None) -> pl.DataFrame:
    """article_id, sentence_start: where each sentence of `articles` (article_id, body_clean, language) begins.

    A sentence starts at its first non-space token where `splitter_for(language)` (a spaCy pipeline with a
    sentencizer) would put a boundary, and at every paragraph (line) of body_clean: the same starts as
    `_doc_sentence_starts` over the pipeline's whole parse, found by tokenizing only the words that can decide
    them (`_SentenceSplit`). `until` names a column of `articles` holding the last offset of each body whose
    sentence is wanted: only the starts at or before it are returned, and the text after it is left unread."""
    rows: dict[str, list] = {"article_id": [], "sentence_start": []}
    for language in sorted(articles["language"].unique().to_list()):
        subset = articles.filter(pl.col("language") == language)
        limits = subset[until].to_list() if until is not None else [None] * subset.height
        nlp = splitter_for(language)
        split = _SentenceSplit(nlp)
        # Every new word a pipeline reads stays in its vocabulary for the life of the process: a run's memory would
        # grow with the words of the corpus. The zone frees them once the offsets are read.
        with nlp.memory_zone():
            for article_id, body, limit in zip(subset["article_id"].to_list(), subset["body_clean"].to_list(), limits):
                starts = split.starts(body, limit)
                rows["article_id"].extend([article_id] * len(starts))
                rows["sentence_start"].extend(starts)
    return pl.DataFrame(rows, schema=SENTENCE_SCHEMA).sort("article_id", "sentence_start")


class _SentenceSplit:
    """spaCy's sentencizer over its tokenizer, without tokenizing most of the text.

    The sentencizer starts a sentence at the first token after a terminator token ("." "!" "?" "।" "።" ...) that
    is neither punctuation nor a terminator. The tokenizer reads each run of non-space characters alone, and
    makes a token of each run of whitespace but a single space. So only the runs that hold a terminator character
    need the tokenizer, and after a terminator the next run that starts with punctuation. On the 4,884
    MasakhaNEWS articles the gazetteer tags, the starts equal the whole parse's and take 2.5 s instead of 15."""

    def __init__(self, nlp: Any):
        self._tokenizer = nlp.tokenizer
        self._terminators = frozenset(nlp.get_pipe("sentencizer").punct_chars)
        self._terminator = re.compile("[" + "".join(re.escape(char) for char in sorted(self._terminators)) + "]")
        # A run's tokens as (offset in the run, is a terminator, is punctuation); runs repeat within a corpus, and
        # inside a memory zone the tokenizer keeps no cache of its own.
        self._tokens: dict[str, list[tuple[int, bool, bool]]] = {}

    def _tokens_of(self, run: str) -> list[tuple[int, bool, bool]]:
        tokens = self._tokens.get(run)
        if tokens is None:
            tokens = [(token.idx, token.text in self._terminators, token.is_punct) for token in self._tokenizer(run)]
            self._tokens[run] = tokens
        return tokens

    def starts(self, body: str, until: int | None = None) -> list[int]:
        """The sentence starts of `body`, or those at or before offset `until`.

        A run of text read after `until` can only add starts after it, and the text between the last run read and
        the next is read alike either way (`_start_between` stops at the first start it finds), so the runs that
        begin after `until` are left unread."""
        starts = _line_starts(body)
        after_terminator = False
        done = 0  # where the runs read so far end
        for match in self._terminator.finditer(body):
            if match.start() < done:
                continue  # in the run just read
            run_start = match.start()
            while run_start > done and not body[run_start - 1].isspace():
                run_start -= 1
            if until is not None and run_start > until:
                break
            run_end = _run_end(body, match.start())
            if after_terminator:
                after_terminator = not self._start_between(body, done, run_start, starts)
            for offset, is_terminator, is_punct in self._tokens_of(body[run_start:run_end]):
                if after_terminator and not is_punct and not is_terminator:
                    starts.add(run_start + offset)
                    after_terminator = False
                elif is_terminator:
                    after_terminator = True
            done = run_end
        if after_terminator:
            self._start_between(body, done, len(body), starts)
        return sorted(starts if until is None else (start for start in starts if start <= until))

    def _start_between(self, body: str, position: int, end: int, starts: set[int]) -> bool:
        """After a terminator, add the next sentence's start if it is before `end`, in text without terminators.
        Returns whether it was."""
        while position < end:
            space = _WHITESPACE.match(body, position)
            if space:
                if space.group() != " ":
                    # A whitespace token starts the sentence; its first non-space token is the next run's first.
                    if space.end() < len(body):
                        starts.add(space.end())
                    return True
                position = space.end()
                continue
            run_end = _run_end(body, position)
            # A token is punctuation when all its characters are; a run's first token starts with its first one.
            if not unicodedata.category(body[position]).startswith("P"):
                starts.add(position)
                return True
            for offset, _, is_punct in self._tokens_of(body[position:run_end]):
                if not is_punct:
                    starts.add(position + offset)
                    return True
            position = run_end
        return False


def with_sentence_numbers(mentions: pl.DataFrame, starts: pl.DataFrame) -> pl.DataFrame:
    """`mentions` with `sentence_no`: the 0-based index of the sentence (`sentence_starts`) each one starts in."""
    numbered = starts.sort("article_id", "sentence_start").with_columns(
        (pl.int_range(pl.len()).over("article_id")).cast(pl.Int32).alias("sentence_no")
    )
    # Sorted by offset overall, each article's rows are sorted too, which is what an as-of join by article needs;
    # polars cannot verify that with `by`, so the check is off.
    return (
        mentions.with_row_index("_row")
        .sort("start_char")
        .join_asof(
            numbered.sort("sentence_start"),
            left_on="start_char",
            right_on="sentence_start",
            by="article_id",
            strategy="backward",
            check_sortedness=False,
        )
        .sort("_row")
        .drop("_row", "sentence_start")
        .with_columns(pl.col("sentence_no").fill_null(0))
    )


def model_mentions(
    articles: pl.DataFrame, pipelines: Mapping[str, tuple[str, Any]], batch_size: int = 64
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The models' own output: (mentions of the kept labels, every span of any label as article_id, start_char,
    end_char, and the `sentence_starts` of every article a model read)."""
    rows: dict[str, list] = {column: [] for column in MENTION_SCHEMA}
    spans: dict[str, list] = {"article_id": [], "start_char": [], "end_char": []}
    sentences: dict[str, list] = {"article_id": [], "sentence_start": []}
    for language, (model_name, nlp) in sorted(pipelines.items()):
        subset = articles.filter(pl.col("language") == language)
        bodies = subset["body_clean"].to_list()
        # As in `sentence_starts`: the words read here are freed once the spans are copied out.
        with nlp.memory_zone():
            for article_id, body, doc in zip(subset["article_id"].to_list(), bodies, nlp.pipe(bodies, batch_size=batch_size)):
                starts = _doc_sentence_starts(body, doc)
                sentences["article_id"].extend([article_id] * len(starts))
                sentences["sentence_start"].extend(starts)
                for span in doc.ents:
                    spans["article_id"].append(article_id)
                    spans["start_char"].append(span.start_char)
                    spans["end_char"].append(span.end_char)
                    if span.label_ not in ENTITY_TYPES:
                        continue
                    rows["article_id"].append(article_id)
                    rows["start_char"].append(span.start_char)
                    rows["end_char"].append(span.end_char)
                    rows["surface"].append(span.text)
                    rows["model_label"].append(span.label_)
                    rows["method"].append(f"model:{model_name}")
    return (
        pl.DataFrame(rows, schema=MENTION_SCHEMA),
        pl.DataFrame(spans, schema={column: MENTION_SCHEMA[column] for column in spans}),
        pl.DataFrame(sentences, schema=SENTENCE_SCHEMA).sort("article_id", "sentence_start"),
    )


def complete_mentions(mentions: pl.DataFrame, articles: pl.DataFrame, spans: pl.DataFrame) -> pl.DataFrame:
    """The model's mentions, their repeats in the same article (`repeat_mentions`), honorifics taken in (`take_honorifics`).

    Rows come in input article order, then by offset, so the same input gives the same rows.
    """
    repeats = repeat_mentions(mentions, articles, spans)
    order = articles.select("article_id").with_row_index("article_no")
    return (
        take_honorifics(pl.concat([mentions, repeats]), articles)
        .join(order, on="article_id", how="left")
        .sort("article_no", "start_char")
        .drop("article_no")
    )


def take_honorifics(mentions: pl.DataFrame, articles: pl.DataFrame) -> pl.DataFrame:
    """Start a PERSON mention at the honorific written just before it ("Mr Howard"), for trimming to record."""
    is_person = pl.col("model_label").replace_strict(ENTITY_TYPES, default=None, return_dtype=pl.String) == "PERSON"
    window_start = pl.max_horizontal(pl.col("start_char") - 12, pl.lit(0, dtype=pl.Int32))
    before = pl.col("body_clean").str.slice(window_start, pl.col("start_char") - window_start)
    honorific = pl.when(is_person).then(before.str.extract(HONORIFIC_BEFORE, 1)).fill_null("")
    shift = honorific.str.len_chars().cast(pl.Int32)
    return (
        mentions.join(articles.select("article_id", "body_clean"), on="article_id", how="left", maintain_order="left")
        .with_columns((honorific + pl.col("surface")).alias("surface"), (pl.col("start_char") - shift).alias("start_char"))
        .select(mentions.columns)
    )


def ner_methods(languages: pl.Expr, bodies: pl.Expr, model_names: Mapping[str, str]) -> pl.Expr:
    """How each article's entities are found: `model:<name>` (`model_names` maps a language to its NER model's
    name), `gazetteer` (a Latin-script body in a language with no model), or `none:<reason>`."""
    methods = {language: f"model:{name}" for language, name in model_names.items()}
    return (
        pl.when(languages == "und")
        .then(pl.lit("none:language undetermined"))
        .when(languages.is_in(sorted(methods)))
        .then(languages.replace_strict(methods, default=None, return_dtype=pl.String))
        .when(is_mostly_latin(bodies))
        .then(pl.lit(GAZETTEER_METHOD))
        .otherwise(pl.lit("none:no model for ") + languages + pl.lit(", not Latin script"))
    )


def is_mostly_latin(bodies: pl.Expr) -> pl.Expr:
    """Whether a body is written mostly in Latin letters, where the gazetteer's word boundaries hold."""
    letters = letter_count(bodies)
    # The Latin-script characters (`\p{Latin}`), counted from the letters by what sets them apart, which most bodies
    # have few or none of: a regex count costs a match per character counted. The letters of other scripts are
    # taken off, the Latin characters that are not letters (Roman numerals such as "Ⅻ") added. Over MasakhaNEWS'
    # bodies the two tests cost 0.6 CPU s against 2.2 for counting letters and Latin characters by regex.
    latin = letters - bodies.str.count_matches(r"[\p{L}&&\P{Latin}]") + bodies.str.count_matches(r"[\p{Latin}&&\P{L}]")
    return (letters > 0) & (latin >= letters * GAZETTEER_MIN_LATIN_SHARE)


def entity_key(name: pl.Expr) -> pl.Expr:
    """The normalized form entities are keyed by: case, diacritics, punctuation and spacing removed."""
    return (
        name.str.normalize("NFKD")
        .str.replace_all(r"\p{Mn}", "")
        .str.to_lowercase()
        .str.replace_all(".", "", literal=True)
        .str.replace_all(r"[^\p{L}\p{N}]+", " ")
        .str.strip_chars()
        .str.replace(r"^the ", "")
    )


def trim_mentions(mentions: pl.DataFrame) -> pl.DataFrame:
    """Cut each mention at its line breaks, take it out of a bracket it leaves open, move its start past a leading
    title and its end before a possessive; drop what is left without a letter.

    Adds `honorific`: "male" or "female" when the title ends with one of the honorifics ("Mr", "Mrs"), else null.
    """
    mentions = _trim_unclosed_brackets(_trim_edge_punctuation(_split_at_line_breaks(mentions)))
    # Only a person has a title before the name; "General Motors" and "King's College" keep their first word.
    is_person = pl.col("model_label").replace_strict(ENTITY_TYPES, default=None, return_dtype=pl.String) == "PERSON"
    role = pl.when(is_person).then(pl.col("surface").str.extract(TITLE_PREFIX, 0))
    determiner = pl.col("surface").str.extract(DETERMINER_PREFIX, 0).str.slice(0, 4)
    title = pl.coalesce(role, determiner, pl.lit(""))
    possessive = pl.col("surface").str.extract(POSSESSIVE_SUFFIX, 0).fill_null("")
    last_title_word = role.str.extract(r"(\p{L}+)\.?\s*$", 1).str.to_lowercase()
    honorific = (
        pl.when(last_title_word.is_in(MALE_HONORIFICS))
        .then(pl.lit("male"))
        .when(last_title_word.is_in(FEMALE_HONORIFICS))
        .then(pl.lit("female"))
        .alias("honorific")
    )
    trimmed = _narrow(mentions.with_columns(honorific), title.str.len_chars(), possessive.str.len_chars())
    # Again after the title: 'the "Baghdad Blogger' has its quote only after the determiner.
    return _trim_edge_punctuation(trimmed).filter(pl.col("surface").str.contains(r"\p{L}"))


def _split_at_line_breaks(mentions: pl.DataFrame) -> pl.DataFrame:
    """Cut each mention at the line breaks in it: a line of `body_clean` is a paragraph, a headline or a caption,
    and no name runs from one into the next. The model reads across them at times, taking a headline's last
    word and the name that starts the next line for one name ("G20" and "Rishi Sunak": 62 MasakhaNEWS mentions,
    the canonical names of 58 entities). Each part keeps the model's label; parts with no letter are dropped
    with the rest of what trimming leaves empty."""
    # A part starts after the parts before it, each one character longer for its line break.
    width = pl.element().str.len_chars().cast(pl.Int32) + 1
    parts = pl.col("surface").str.split("\n")
    return (
        mentions.with_columns(parts, parts.list.eval(width.cum_sum() - width).alias("_offset"))
        .explode("surface", "_offset")
        .with_columns(pl.col("start_char") + pl.col("_offset"))
        .with_columns((pl.col("start_char") + pl.col("surface").str.len_chars().cast(pl.Int32)).alias("end_char"))
        .drop("_offset")
    )


def _trim_edge_punctuation(mentions: pl.DataFrame) -> pl.DataFrame:
    """Move each mention's start past the dashes and quotes it begins with, and its end before those it ends with."""
    lead = pl.col("surface").str.extract(EDGE_PUNCTUATION_PREFIX, 0).fill_null("").str.len_chars()
    # Measured on what the lead leaves, so that a span of punctuation only is not counted at both ends.
    trail = pl.col("surface").str.slice(lead).str.extract(EDGE_PUNCTUATION_SUFFIX, 0).fill_null("").str.len_chars()
    return _narrow(mentions, lead, trail)


def _trim_unclosed_brackets(mentions: pl.DataFrame) -> pl.DataFrame:
    """End each mention before a bracket it opens and does not close, and start it after one it closes and did not
    open; drop the lone "(" it starts with, or the lone ")" it ends with, where it has no bracket of the other kind."""
    surface = pl.col("surface")
    opens, closes = surface.str.contains("(", literal=True), surface.str.contains(")", literal=True)
    unopened = surface.str.extract(UNOPENED_BRACKET_PREFIX, 1).str.len_chars().fill_null(0)
    unclosed = surface.str.extract(UNCLOSED_BRACKET_SUFFIX, 1).str.len_chars().fill_null(0)
    lead = pl.when(surface.str.starts_with("(") & ~closes).then(1).otherwise(unopened)
    trail = pl.when(surface.str.ends_with(")") & ~opens).then(1).otherwise(unclosed)
    return _narrow(mentions, lead, trail)


def _narrow(mentions: pl.DataFrame, lead: pl.Expr, trail: pl.Expr) -> pl.DataFrame:
    """Move each mention's start `lead` characters on and its end `trail` characters back, its surface with them."""
    return mentions.with_columns(
        (pl.col("start_char") + lead.cast(pl.Int32)).alias("start_char"),
        (pl.col("end_char") - trail.cast(pl.Int32)).alias("end_char"),
        pl.col("surface").str.slice(lead, pl.col("surface").str.len_chars() - lead - trail).alias("surface"),
    )


def link_short_forms(typed: pl.DataFrame) -> pl.DataFrame:
    """Set `entity_key` (and the type a linked short form takes) on mentions keyed by `own_key` (and `honorific`).

    Within an article a short PERSON/ORG form links to the one longer name of those types ending with it, unless
    the short form is written with both a man's and a woman's honorific there ("Mr Howard", "Mrs Howard") or is
    a known entity (KNOWN_ENTITY_TYPES).
    """
    # Two people behind one surname: "Mrs Howard" is not "Michael Howard" because "Mr Howard" is.
    two_people = (
        typed.filter(pl.col("honorific").is_not_null())
        .group_by("article_id", "own_key")
        .agg(pl.col("honorific").n_unique().alias("honorifics"))
        .filter(pl.col("honorifics") > 1)
        .select("article_id", "own_key")
    )
    linkable = (
        typed.filter(pl.col("entity_type").is_in(LINKABLE_TYPES))
        .select("article_id", "own_key")
        .unique()
    )
    candidates = linkable.join(linkable, on="article_id", suffix="_long").filter(
        pl.col("own_key_long").str.ends_with(pl.lit(" ") + pl.col("own_key")),
        # A known entity is a whole name, not the short form of a span the model ran on ("Elon Musk Twitter").
        ~pl.col("own_key").is_in(list(KNOWN_ENTITY_TYPES)),
        # "Suharto" is not "the Citra Group of Suharto": a connector makes the longer name another thing's.
        ~pl.col("own_key_long").str.head(pl.col("own_key_long").str.len_chars() - pl.col("own_key").str.len_chars()).str.contains(NAME_CONNECTORS),
    )
    # Link only when every longer candidate is part of one name ("tayyip erdogan" inside "recep tayyip erdogan");
    # two people sharing a surname in one article leave the bare surname as its own entity.
    links = (
        candidates.with_columns(
            pl.col("own_key_long")
            .sort_by(pl.col("own_key_long").str.len_chars(), pl.col("own_key_long"))
            .last()
            .over("article_id", "own_key")
            .alias("longest")
        )
        .group_by("article_id", "own_key")
        .agg(pl.col("longest").first(), pl.col("longest").first().str.ends_with(pl.col("own_key_long")).all().alias("nested"))
        .filter(pl.col("nested"))
        .select("article_id", "own_key", "longest")
        .join(two_people, on=["article_id", "own_key"], how="anti")
    )
    linked = typed.join(links, on=["article_id", "own_key"], how="left", maintain_order="left").with_columns(
        pl.when(pl.col("entity_type").is_in(LINKABLE_TYPES)).then(pl.coalesce("longest", "own_key")).otherwise(pl.col("own_key")).alias("entity_key")
    )
    # A linked short form takes the type the full name has in the article: spaCy tags a bare "Trump" ORG at
    # times, while "Donald Trump" beside it is a PERSON.
    full_name_types = (
        linked.filter(pl.col("own_key") == pl.col("entity_key"))
        .group_by("article_id", "entity_key")
        .agg(pl.col("entity_type").sort_by("start_char").first().alias("full_name_type"))
    )
    linked = linked.join(full_name_types, on=["article_id", "entity_key"], how="left", maintain_order="left").with_columns(
        pl.when(pl.col("own_key") != pl.col("entity_key")).then(pl.coalesce("full_name_type", "entity_type")).otherwise(pl.col("entity_type")).alias("entity_type")
    )
    return linked.drop("longest", "full_name_type")


def canonicalize_mentions(mentions: pl.DataFrame) -> pl.DataFrame:
    """Give every mention an `entity_type` (the one KNOWN_ENTITY_TYPES gives its key, else its model label's), an
    `entity_key` and a stable `entity_id`.

    Within an article a short PERSON/ORG form links to the one longer name of those types ending with it.
    """
    keyed = trim_mentions(mentions).with_columns(entity_key(pl.col("surface")).alias("own_key"))
    typed = keyed.with_columns(
        pl.col("own_key")
        .replace_strict(KNOWN_ENTITY_TYPES, default=pl.col("model_label").replace_strict(ENTITY_TYPES, return_dtype=pl.String))
        .alias("entity_type")
    )
    return link_short_forms(typed).with_columns(stable_id(pl.col("entity_key")).alias("entity_id")).select(CANONICAL_COLUMNS)


def gazetteer_surfaces(known: pl.DataFrame) -> pl.DataFrame:
    """surface -> the one entity it is matched as (entity_key, entity_type); surfaces not worth matching left out.

    What `match_known_entities`, given this table, finds in a body depends on the body and on the rows whose
    surface occurs in it, and on nothing else."""
    # A one-word name that known full names of people start with more often than end with ("Peter" in "Peter Mandelson")
    # is a given name: alone it does not say which Peter, and before an unknown surname it cuts the span short.
    words = known.filter(pl.col("entity_type") == "PERSON").select(pl.col("surface").str.split(" ").alias("words"))
    full_names = words.filter(pl.col("words").list.len() > 1)
    first = full_names.group_by(pl.col("words").list.first().alias("surface")).agg(pl.len().alias("first"))
    last = full_names.group_by(pl.col("words").list.last().alias("surface")).agg(pl.len().alias("last"))
    given_names = (
        first.join(last, on="surface", how="left")
        .filter(pl.col("first") > pl.col("last").fill_null(0))
        .select("surface")
    )
    usable = (
        known.filter(
            pl.col("surface").str.contains(r"\p{Lu}")
            & ((pl.col("surface").str.len_chars() >= GAZETTEER_MIN_CHARS) | pl.col("surface").str.contains(GAZETTEER_ACRONYM))
            & ~pl.col("surface").is_in(sorted(GAZETTEER_STOP_SURFACES))
        )
        .join(given_names, on="surface", how="anti")
        .select("surface", "entity_key", "entity_type")
        .unique()
    )
    # A surface is matched as the entity keyed by it ("Netanyahu" -> "netanyahu"), else as the one entity that
    # has it as an alias ("Netanyahu" -> "benjamin netanyahu" when no bare "netanyahu" is known). A surface
    # shared by two entities that are neither keyed by it is ambiguous and left out.
    own = usable.filter(pl.col("entity_key") == entity_key(pl.col("surface")))
    aliases = usable.join(own, on="surface", how="anti").filter(pl.len().over("surface") == 1)
    return pl.concat([own, aliases]).unique("surface", keep="first").sort("surface")


# Letters and digits, of any script: a gazetteer match has none right before or after it (`_word_matches`).
WORD_CHARACTERS = r"\p{L}\p{N}"


def _word_matches(bodies: pl.DataFrame, patterns: list[str] | pl.Expr) -> pl.DataFrame:
    """Every whole-word occurrence of the patterns in `bodies` (article_id, body_clean): article_id, start_char, end_char, surface.

    `patterns` is one list for all bodies, or a list column with each body's own.
    """
    return (
        bodies.select(
            "article_id",
            "body_clean",
            pl.col("body_clean").str.find_many(patterns, overlapping=True).alias("start_byte"),
            pl.col("body_clean").str.extract_many(patterns, overlapping=True).alias("surface"),
        )
        .explode("start_byte", "surface")
        .drop_nulls("surface")
        .with_columns(
            # find_many gives byte offsets; mentions point at characters.
            pl.col("body_clean").cast(pl.Binary).bin.slice(0, pl.col("start_byte")).cast(pl.String).str.len_chars().cast(pl.Int32).alias("start_char"),
        )
        .with_columns((pl.col("start_char") + pl.col("surface").str.len_chars().cast(pl.Int32)).alias("end_char"))
        .filter(
            # Word boundaries: "Ford" is not found inside "Oxford", nor "Iran" inside "Iranian".
            (pl.col("start_char") == 0) | ~pl.col("body_clean").str.slice(pl.col("start_char") - 1, 1).str.contains(f"^[{WORD_CHARACTERS}]"),
            ~pl.col("body_clean").str.slice(pl.col("end_char"), 1).str.contains(f"^[{WORD_CHARACTERS}]"),
        )
        .select("article_id", "start_char", "end_char", "surface")
        .unique()
    )


def _without_overlaps(matches: pl.DataFrame, taken: pl.DataFrame | None = None) -> pl.DataFrame:
    """The matches that overlap no span in `taken` (article_id, start_char, end_char) and no better match.

    A match loses to any overlapping match that is longer, or as long and further left. (Greedy selection would
    keep a third match that only overlaps a loser; that rare case is dropped, not guessed.)
    """
    spans = ["article_id", "start_char", "end_char"]
    if taken is not None:
        clash = matches.select(spans).join(taken.select(spans), on="article_id", suffix="_taken").filter(
            (pl.col("start_char_taken") < pl.col("end_char")) & (pl.col("end_char_taken") > pl.col("start_char"))
        )
        matches = matches.join(clash.select(spans).unique(), on=spans, how="anti")
    ranked = matches.with_columns((pl.col("end_char") - pl.col("start_char")).alias("length"))
    beaten = ranked.join(ranked, on="article_id", suffix="_other").filter(
        (pl.col("start_char_other") < pl.col("end_char"))
        & (pl.col("end_char_other") > pl.col("start_char"))
        & (
            (pl.col("length_other") > pl.col("length"))
            | ((pl.col("length_other") == pl.col("length")) & (pl.col("start_char_other") < pl.col("start_char")))
        )
    )
    return ranked.join(beaten.select("article_id", "start_char").unique(), on=["article_id", "start_char"], how="anti").drop("length")


def repeat_mentions(mentions: pl.DataFrame, articles: pl.DataFrame, taken: pl.DataFrame) -> pl.DataFrame:
    """Other occurrences, in the same article, of names the model tagged there: one more mention each.

    A model tags "Idowu" in one sentence and misses it in the next, and rarely tags an all-caps "TRUMP"; the name
    it found is the evidence. `taken` holds every span the model returned (dates and amounts too), which a repeat
    may not overlap; repeats carry the label the model gave the name most often in the article, and the method
    `repeat:<model name>`.
    """
    names = (
        mentions.filter(pl.col("surface").str.contains(r"\p{Lu}") & (pl.col("surface").str.len_chars() >= REPEAT_MIN_CHARS))
        .group_by("article_id", "surface", "model_label")
        .agg(pl.len(), pl.col("method").first())
        .sort("article_id", "surface", "len", "model_label", descending=[False, False, True, False])
        .unique(["article_id", "surface"], keep="first", maintain_order=True)
        .drop("len")
    )
    # The all-caps form of each name too: headlines, transcripts' speaker names, shouted copy.
    variants = pl.concat(
        [
            names.with_columns(pl.col("surface").alias("name")),
            names.with_columns(pl.col("surface").alias("name"), pl.col("surface").str.to_uppercase().alias("surface")),
        ]
    ).unique(["article_id", "surface"], keep="first", maintain_order=True)
    patterns = variants.group_by("article_id").agg(pl.col("surface").sort_by(pl.col("surface").str.len_chars(), descending=True).alias("patterns"))
    bodies = articles.select("article_id", "body_clean").join(patterns, on="article_id")
    if bodies.is_empty():
        return mentions.clear()
    found = _without_overlaps(_word_matches(bodies, pl.col("patterns")), taken)
    return (
        found.join(variants, on=["article_id", "surface"])
        .with_columns((pl.lit("repeat:") + pl.col("method").str.strip_prefix("model:")).alias("method"))
        .select(mentions.columns)
        .cast(MENTION_SCHEMA)
    )


def match_known_entities(articles: pl.DataFrame, surfaces: pl.DataFrame) -> pl.DataFrame:
    """Find known entity names in Latin-script bodies (`articles`: article_id, body_clean, language).

    `surfaces` is `gazetteer_surfaces` of the canonical names and aliases already in the warehouse; the caller
    builds it once for all its chunks of articles. Matches are exact and case-sensitive at word boundaries,
    longest first, never overlapping; the rows have the schema `canonicalize_mentions` returns, with method and
    model_label `gazetteer`, and short forms link to a longer name in the same article by the same rule.
    """
    # Longest first: Aho-Corasick reports every match; the overlap rule keeps the longest.
    patterns = surfaces.sort(pl.col("surface").str.len_chars(), "surface", descending=[True, False])["surface"].to_list()
    bodies = articles.select("article_id", "body_clean").filter(is_mostly_latin(pl.col("body_clean")))
    if not patterns or bodies.is_empty():
        return _empty_canonical()
    order = articles.select("article_id").with_row_index("article_no")
    after_article = pl.col("body_clean").str.slice(
        pl.max_horizontal(pl.col("start_char") - 12, pl.lit(0, dtype=pl.Int32)),
        pl.col("start_char") - pl.max_horizontal(pl.col("start_char") - 12, pl.lit(0, dtype=pl.Int32)),
    ).str.contains(GAZETTEER_PERSON_AFTER_ARTICLE)
    typed = (
        _without_overlaps(_word_matches(bodies, patterns))
        .join(surfaces, on="surface", how="left")
        .join(bodies, on="article_id", how="left")
        .filter(~((pl.col("entity_type") == "PERSON") & after_article))
        .drop("body_clean")
        .join(order, on="article_id", how="left")
        .sort("article_no", "start_char")
        .with_columns(
            pl.col("entity_key").alias("own_key"),
            pl.lit(None, dtype=pl.String).alias("honorific"),
            pl.lit(GAZETTEER_METHOD).alias("model_label"),
            pl.lit(GAZETTEER_METHOD).alias("method"),
        )
    )
    return link_short_forms(typed).with_columns(stable_id(pl.col("entity_key")).alias("entity_id")).select(CANONICAL_COLUMNS)


def changed_surfaces(before: pl.DataFrame, after: pl.DataFrame) -> list[str]:
    """The surfaces of two `gazetteer_surfaces` tables that are in one only, or matched as another entity or type."""
    columns = ["surface", "entity_key", "entity_type"]
    gone = before.select(columns).join(after.select(columns), on=columns, how="anti", nulls_equal=True)
    added = after.select(columns).join(before.select(columns), on=columns, how="anti", nulls_equal=True)
    return sorted(set(gone["surface"].to_list()) | set(added["surface"].to_list()))


# Names per regex in `articles_holding_any`: one alternation of thousands of names can pass the regex engine's size
# limit. 1,458 changed names (300 BBC articles added to a 200k-article warehouse) took 0.4 s in one regex over the
# 48,840 gazetteer articles there, against 3.8 s finding every match with its offset (`_word_matches`).
SURFACES_PER_PATTERN = 1000


def articles_holding_any(articles: pl.DataFrame, surfaces: list[str]) -> pl.DataFrame:
    """article_id, in their order, of the `articles` (article_id, body_clean) where `match_known_entities` could
    match one of `surfaces`: Latin-script bodies holding one as a whole word. It matches nothing else, so an
    article holding none of the surfaces whose rows changed between two `gazetteer_surfaces` tables gets the same
    mentions from both."""
    if not surfaces:
        return articles.select("article_id").clear()
    groups = [surfaces[start : start + SURFACES_PER_PATTERN] for start in range(0, len(surfaces), SURFACES_PER_PATTERN)]
    # Not a word character, or the edge of the body, on both sides: the boundaries `_word_matches` keeps.
    patterns = [
        f"(?:^|[^{WORD_CHARACTERS}])(?:{'|'.join(pl.escape_regex(surface) for surface in group)})(?:[^{WORD_CHARACTERS}]|$)"
        for group in groups
    ]
    holding = articles.filter(pl.any_horizontal(pl.col("body_clean").str.contains(pattern) for pattern in patterns))
    return holding.filter(is_mostly_latin(pl.col("body_clean"))).select("article_id")


def _empty_canonical() -> pl.DataFrame:
    schema = {"entity_id": pl.String, "entity_key": pl.String, "entity_type": pl.String, **MENTION_SCHEMA}
    return pl.DataFrame(schema=schema).select(CANONICAL_COLUMNS)

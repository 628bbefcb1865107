"""Line-level boilerplate removal for plain-text news: annotate every line with a reason, then split.

Nothing is dropped silently: `clean_articles` returns the removed lines with their reason next to the clean
bodies, and what is metadata rather than noise (datelines, agency credits, related headlines) comes back as
columns and rows.
"""

from dataclasses import dataclass

import polars as pl

# Where a rule may fire. Footer and header kinds ("SOURCE : …", "Follow us …") are only boilerplate in the
# contiguous block of candidate lines at the start or end of a body; in the middle they could be a quote.
ANYWHERE = "anywhere"
EDGE = "edge"


@dataclass(frozen=True)
class LineRule:
    reason: str
    pattern: str  # Rust regex (no look-around), matched against the whole stripped line
    scope: str  # ANYWHERE or EDGE
    max_chars: int  # a line longer than this is a paragraph, never this kind of boilerplate


# Words that introduce a link to another story, per language: "RELATED NEWS : …", "Lire aussi : …".
RELATED_LEADS = (
    r"related(?: news| articles?| stories| coverage)?|read (?:more|also)|also read|see also|more on this(?: story)?"
    r"|(?:à )?lire aussi|voir aussi|lesen sie auch|mehr zum thema|auch interessant"
    r"|lea (?:también|más)|leer (?:también|más)|ver también|noticias relacionadas"
    r"|leia (?:também|mais)|veja também|leggi anche|potrebbe interessarti"
    r"|ilgili haber(?:ler)?|bunu da okuyun|soma (?:zaidi|pia)|habari (?:zaidi|zinazohusiana)|akhri(?:so)? (?:sidoo kale|kale)"
)

# Words that open an agency/source credit footer: "SOURCE : AP NEWS/TIMES OF ISRAEL | …", "Quelle: dpa".
SOURCE_LEADS = r"sources?|fuentes?|quelle|fonte|fontes|fonti|kaynak|chanzo|il[- ]?gu'??a|xigasho"

# A credited name starts with a capital ("AP NEWS", "Reuters") or is an agency written in lower case ("dpa");
# "Source: said the man" is a sentence, not a credit.
CREDIT_START = r"(?:\p{Lu}|(?:dpa|epd|kna|apa|sda)\b)"

# Social networks named in follow/share lines.
NETWORKS = r"facebook|instagram|twitter|x|youtube|tiktok|linkedin|whatsapp|telegram|threads|bluesky|e-?mail|email|pinterest|reddit"

# Imperatives asking readers to follow the outlet: "Follow us on Twitter", "Suivez-nous", "Tufuate".
FOLLOW_LEADS = r"follow (?:us|me|@)|find us on|like us on|suivez[- ]nous|folgen sie uns|folge uns|síguenos|siguenos|siga[- ]nos|seguici|seguinos|bizi takip edin|takip edin|tufuate|tufuatilie|na follow"

# Share prompts: "Share this article: Facebook | X", "Partager cet article".
SHARE_LEADS = r"share (?:this|on|the story)|share:|partager(?: cet article| sur)?|partagez|teilen|artikel teilen|compartir|compartilhe|compartilhar|condividi|paylaş|shiriki|wadaag"

# Newsletter and subscription promos: "Subscribe to our newsletter", "Inscrivez-vous à notre newsletter".
NEWSLETTER_LEADS = (
    r"subscribe|sign up|get (?:our|the) .{0,40}newsletter|join our .{0,30}(?:newsletter|list)"
    r"|inscrivez[- ]vous|abonnez[- ]vous|recevez notre|abonnieren sie|newsletter abonnieren|melden sie sich .{0,30}newsletter"
    r"|suscr[ií]bete|suscr[ií]base|reg[ií]strate .{0,30}bolet[ií]n|assine|inscreva[- ]se|iscriviti|abbonati"
    r"|bültenimize|abone olun|jiandikishe|jisajili|is diiwaangeli"
)

# Photo and video credits: "(AP Photo/Jane Doe)" ending a caption, "Photo: Reuters", "Foto: dpa".
PHOTO_WORDS = r"photo|photos|photograph|picture|image|images|video|foto|fotos|fotoğraf|bild|imagen|immagine|picha|sawir|crédit photo|photo credit|credit"
PHOTO_AGENCY_CREDIT = r"\((?:AP|AFP|Reuters|EPA|Getty Images|AA|dpa|Xinhua|Anadolu)(?: Photo| Images| Video)?\s*/[^()]{2,60}\)"

RULES: tuple[LineRule, ...] = (
    # "RELATED NEWS : Turks protest as …" sits between paragraphs anywhere in a scraped body.
    LineRule("related_headline", rf"(?i)^(?:{RELATED_LEADS})\s*[:：»>|–—-]\s*\S", ANYWHERE, 300),
    # "SOURCE : AP NEWS/TIMES OF ISRAEL | Follow Us: …" closes the seed article; also "Quelle: dpa".
    LineRule("source_credit", rf"^(?i:{SOURCE_LEADS})\s*[:：]\s*{CREDIT_START}", EDGE, 250),
    # "Follow us on Twitter @BBCNewsEnts and on Facebook".
    LineRule("social_follow", rf"(?i)^(?:{FOLLOW_LEADS})\b", EDGE, 250),
    # A line made only of network names: "Facebook | Instagram | Twitter | Youtube".
    LineRule("social_follow", rf"(?i)^(?:(?:{NETWORKS})\s*[|,/•·]\s*)+(?:{NETWORKS})$", ANYWHERE, 150),
    # "Share this article: Facebook | X | WhatsApp | Email".
    LineRule("share_prompt", rf"(?i)^(?:{SHARE_LEADS})\b", ANYWHERE, 150),
    # "Subscribe to our newsletter for daily updates." inserted between paragraphs.
    LineRule("newsletter_promo", rf"(?i)^(?:{NEWSLETTER_LEADS})\b", ANYWHERE, 200),
    # "Photo: Reuters", "Foto: dpa/Jane Doe", "(Photo credit: AFP)".
    LineRule("photo_credit", rf"(?i)^\(?(?:{PHOTO_WORDS})\s*(?:credit)?\s*[:：/©]", ANYWHERE, 160),
    # A caption that ends with an agency photo credit: "Delegates arrive on Monday. (AP Photo/Jane Doe)".
    LineRule("photo_credit", rf"{PHOTO_AGENCY_CREDIT}\.?$", ANYWHERE, 400),
)

# Known agencies and outlets, as credited in upper or mixed case, mapped to one display name each.
AGENCY_NAMES = {
    "AP": "AP",
    "AP NEWS": "AP",
    "ASSOCIATED PRESS": "AP",
    "THE ASSOCIATED PRESS": "AP",
    "REUTERS": "Reuters",
    "THOMSON REUTERS": "Reuters",
    "AFP": "AFP",
    "AGENCE FRANCE-PRESSE": "AFP",
    "AGENCE FRANCE PRESSE": "AFP",
    "DPA": "dpa",
    "EFE": "EFE",
    "EUROPA PRESS": "Europa Press",
    "LUSA": "Lusa",
    "ANSA": "ANSA",
    "XINHUA": "Xinhua",
    "ANADOLU": "Anadolu Agency",
    "ANADOLU AGENCY": "Anadolu Agency",
    "AA": "Anadolu Agency",
    "TIMES OF ISRAEL": "Times of Israel",
    "THE TIMES OF ISRAEL": "Times of Israel",
    "KYODO": "Kyodo",
    "YONHAP": "Yonhap",
    "PTI": "PTI",
    "IANS": "IANS",
    "TASS": "TASS",
    "BBC": "BBC",
    "BBC NEWS": "BBC",
    "CNN": "CNN",
}

# Words kept lower case inside an unknown agency's name: "THE EAST AFRICAN" stays "The East African", "TIMES OF X"
# becomes "Times of X".
AGENCY_SMALL_WORDS = ("of", "the", "and", "de", "du", "la", "le", "des", "der", "die", "das", "von", "di", "da", "do", "dos")

# Separators between several credited agencies: "AP NEWS/TIMES OF ISRAEL", "Reuters, AFP", "dpa und AFP".
AGENCY_SEPARATORS = r"\s*(?:/|,|&|\+|;)\s*|\s+(?:and|et|und|y|e|ve|na)\s+"

# The agency list of a credit line ends where the follow/share part starts: "… | Follow Us: …".
SOURCE_CREDIT_VALUE = rf"(?i)^(?:{SOURCE_LEADS})\s*[:：]\s*([^|•·]+)"

# Connector words allowed in lower case inside a place name: "Ciudad de México", "Frankfurt am Main".
PLACE_CONNECTORS = r"de|da|do|das|dos|del|la|le|les|el|al|am|an|der|of|sur|upon|es"
PLACE = rf"\p{{Lu}}[\p{{L}}.'’-]*(?: (?:(?:{PLACE_CONNECTORS}) )?\p{{Lu}}[\p{{L}}.'’-]*){{0,3}}"

# A dateline opens the first paragraph: "Istanbul, Turkey — ", "GENEVA (AP) — ", "Berlin (dpa) - ".
# To keep real sentences intact it counts only with a country part, an agency in brackets, or a city in capitals.
DATELINE = rf"^(?P<place>{PLACE}(?:, {PLACE})?) ?(?:\((?P<agency>[^()]{{2,40}})\))? ?(?:—|–|--|-) +"


@dataclass(frozen=True)
class CleanResult:
    articles: pl.DataFrame  # doc_id, body_clean, dateline, agencies
    lines: pl.DataFrame  # doc_id, line_no, text, reason (null where kept)
    related_headlines: pl.DataFrame  # doc_id, headline_no, headline


def _reason_expr(line: pl.Expr, in_edge_block: pl.Expr) -> pl.Expr:
    """The first rule that matches a line, in RULES order; null when the line is kept."""
    length = line.str.len_chars()
    chain = None
    for rule in RULES:
        condition = line.str.contains(rule.pattern) & (length <= rule.max_chars)
        if rule.scope == EDGE:
            condition = condition & in_edge_block
        chain = pl.when(condition).then(pl.lit(rule.reason)) if chain is None else chain.when(condition).then(pl.lit(rule.reason))
    return chain.otherwise(pl.lit(None, dtype=pl.String))


def _any_rule_expr(line: pl.Expr) -> pl.Expr:
    length = line.str.len_chars()
    return pl.any_horizontal([line.str.contains(rule.pattern) & (length <= rule.max_chars) for rule in RULES])


def annotate_lines(docs: pl.DataFrame) -> pl.DataFrame:
    """One row per non-empty line (1-based `line_no` in the repaired text) with its removal reason or null."""
    lines = (
        docs.select(
            "doc_id",
            pl.col("text").str.split("\n").alias("text"),
        )
        .with_columns(pl.int_ranges(1, pl.col("text").list.len() + 1, dtype=pl.Int32).alias("line_no"))
        .explode(["text", "line_no"])
        .filter(pl.col("text").is_not_null() & (pl.col("text") != ""))
    )
    # A line is in an edge block when it and every line between it and the edge could be boilerplate.
    not_candidate = (~_any_rule_expr(pl.col("text"))).cast(pl.Int32)
    in_edge_block = (not_candidate.cum_sum().over("doc_id") == 0) | (
        not_candidate.cum_sum(reverse=True).over("doc_id") == 0
    )
    return lines.with_columns(_reason_expr(pl.col("text"), in_edge_block).alias("reason")).select(
        "doc_id", "line_no", "text", "reason"
    )


def normalize_agency(name: pl.Expr) -> pl.Expr:
    """Map a credited agency to its display name; unknown ones become title case with small words lower."""
    stripped = name.str.strip_chars(" .-–—")
    title_case = stripped.str.to_titlecase()
    for word in AGENCY_SMALL_WORDS:
        title_case = title_case.str.replace_all(f" {word.title()} ", f" {word} ", literal=True)
    return stripped.str.to_uppercase().replace_strict(AGENCY_NAMES, default=title_case, return_dtype=pl.String)


def clean_articles(docs: pl.DataFrame) -> CleanResult:
    """Annotate and split every line of `docs` (doc_id, text); pull datelines, agencies and related headlines."""
    lines = annotate_lines(docs)
    kept = lines.filter(pl.col("reason").is_null())
    removed = lines.filter(pl.col("reason").is_not_null())

    first_kept = kept.group_by("doc_id").agg(pl.col("line_no").min().alias("first_line_no"))
    kept = kept.join(first_kept, on="doc_id", how="left")
    is_first = pl.col("line_no") == pl.col("first_line_no")
    dateline_parts = pl.col("text").str.extract_groups(DATELINE)
    kept = kept.with_columns(
        pl.when(is_first).then(dateline_parts.struct.field("place")).alias("place"),
        pl.when(is_first).then(dateline_parts.struct.field("agency")).alias("dateline_agency"),
    )
    is_dateline = pl.col("place").is_not_null() & (
        pl.col("dateline_agency").is_not_null()
        | pl.col("place").str.contains(",", literal=True)
        | (pl.col("place") == pl.col("place").str.to_uppercase())
    )
    kept = kept.with_columns(
        pl.when(is_dateline).then(pl.col("place")).alias("dateline"),
        pl.when(is_dateline).then(pl.col("dateline_agency")).alias("dateline_agency"),
        pl.when(is_dateline).then(pl.col("text").str.replace(DATELINE, "")).otherwise(pl.col("text")).alias("text"),
    )

    bodies = kept.group_by("doc_id", maintain_order=True).agg(
        pl.col("text").str.join("\n").alias("body_clean"),
        pl.col("dateline").drop_nulls().first().alias("dateline"),
        pl.col("dateline_agency").drop_nulls().alias("dateline_agencies"),
    )

    credits = (
        removed.filter(pl.col("reason") == "source_credit")
        .select(
            "doc_id",
            "line_no",
            pl.col("text").str.extract(SOURCE_CREDIT_VALUE, 1).str.replace_all(AGENCY_SEPARATORS, "\u0000").str.split("\u0000").alias("agency"),
        )
        .explode("agency")
        .filter(pl.col("agency").str.strip_chars() != "")
        .group_by("doc_id", maintain_order=True)
        .agg(pl.col("agency").alias("credited_agencies"))
    )

    articles = (
        docs.select("doc_id")
        .join(bodies, on="doc_id", how="left", maintain_order="left")
        .join(credits, on="doc_id", how="left", maintain_order="left")
        .with_columns(
            pl.col("body_clean").fill_null(""),
            pl.concat_list(
                pl.col("dateline_agencies").fill_null(pl.lit([], dtype=pl.List(pl.String))),
                pl.col("credited_agencies").fill_null(pl.lit([], dtype=pl.List(pl.String))),
            )
            .list.eval(normalize_agency(pl.element()))
            .list.unique(maintain_order=True)
            .alias("agencies"),
        )
        .select("doc_id", "body_clean", "dateline", "agencies")
    )

    related = (
        removed.filter(pl.col("reason") == "related_headline")
        .select(
            "doc_id",
            pl.col("line_no").alias("headline_no"),
            pl.col("text").str.replace(rf"(?i)^(?:{RELATED_LEADS})\s*[:：»>|–—-]\s*", "").str.strip_chars().alias("headline"),
        )
    )
    return CleanResult(articles=articles, lines=lines, related_headlines=related)

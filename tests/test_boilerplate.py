import polars as pl
import pytest

from transforms import boilerplate
from transforms.boilerplate import annotate_lines, clean_articles, normalize_agency

FILLER = "The council met on Tuesday and agreed the new budget after a long debate."


def reasons(text: str) -> list[tuple[int, str, str | None]]:
    lines = annotate_lines(pl.DataFrame({"doc_id": [1], "text": [text]}))
    return [(row["line_no"], row["text"], row["reason"]) for row in lines.iter_rows(named=True)]


def clean_one(text: str) -> dict:
    result = clean_articles(pl.DataFrame({"doc_id": [1], "text": [text]}))
    article = result.articles.row(0, named=True)
    article["related"] = result.related_headlines["headline"].to_list()
    return article


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("RELATED NEWS : Turks protest as opposition remains defiant", "related_headline"),
        ("Read more: Port traffic hits a record", "related_headline"),
        ("Lire aussi : La grève continue à Lyon", "related_headline"),
        ("Soma zaidi: Mvua kubwa yanyesha Nairobi", "related_headline"),
        ("Lesen Sie auch: Neue Gespräche in Berlin", "related_headline"),
        ("Share this article: Facebook | X | WhatsApp | Email", "share_prompt"),
        ("Subscribe to our newsletter for daily climate updates.", "newsletter_promo"),
        ("Inscrivez-vous à notre newsletter", "newsletter_promo"),
        ("Delegates arrive at the centre on Monday. (AP Photo/Jane Doe)", "photo_credit"),
        ("Photo: Reuters", "photo_credit"),
        ("Facebook | Instagram | Twitter | Youtube", "social_follow"),
        ("Advertisement", "advertisement"),
        ("Advertisements", "advertisement"),
        ("Anzeige", "advertisement"),
        # es, pt, it, tr, so
        ("Lea también: Las lluvias afectan a Lima", "related_headline"),
        ("Suscríbete a nuestro boletín", "newsletter_promo"),
        ("Publicidad", "advertisement"),
        ("Leia também: Chuvas atingem São Paulo", "related_headline"),
        ("Assine a nossa newsletter", "newsletter_promo"),
        ("Leggi anche: Il governo approva la manovra", "related_headline"),
        ("Iscriviti alla nostra newsletter", "newsletter_promo"),
        ("Pubblicità", "advertisement"),
        ("Bunu da okuyun: Ankara'da yeni görüşmeler başladı", "related_headline"),
        ("Bültenimize abone olun", "newsletter_promo"),
        ("Reklam", "advertisement"),
        ("Tangazo", "advertisement"),
        ("Akhriso sidoo kale: Roob culus oo ka da'ay Muqdisho", "related_headline"),
        ("Xayeysiis", "advertisement"),
    ],
)
def test_anywhere_rules_fire_between_paragraphs(line, reason):
    assert reasons(f"{FILLER}\n{line}\n{FILLER}") == [(1, FILLER, None), (2, line, reason), (3, FILLER, None)]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("SOURCE : AP NEWS/TIMES OF ISRAEL | Follow Us: Facebook | Instagram | Twitter | Youtube", "source_credit"),
        ("Quelle: dpa | Folgen Sie uns auf Facebook", "source_credit"),
        ("Follow us on Twitter @DeskName and on Facebook", "social_follow"),
        # es, pt, it, tr, sw, so
        ("Fuente: EFE", "source_credit"),
        ("Síguenos en Facebook y Twitter", "social_follow"),
        ("Fonte: Agência Brasil", "source_credit"),
        ("Siga-nos no Facebook", "social_follow"),
        ("Fonte: ANSA", "source_credit"),
        ("Seguici su Facebook", "social_follow"),
        ("Kaynak: AA", "source_credit"),
        ("Chanzo: BBC Swahili", "source_credit"),
        ("Tufuate kwenye Twitter", "social_follow"),
        ("Nagala soco Facebook", "social_follow"),
    ],
)
def test_footer_rules_fire_at_the_end(line, reason):
    assert reasons(f"{FILLER}\n{line}")[-1] == (2, line, reason)


@pytest.mark.parametrize(
    "line",
    [
        "SOURCE : AP NEWS/TIMES OF ISRAEL | Follow Us: Facebook | Instagram | Twitter | Youtube",
        "Follow us on Twitter @DeskName and on Facebook",
    ],
)
def test_footer_rules_do_not_fire_mid_body(line):
    assert reasons(f"{FILLER}\n{line}\n{FILLER}")[1] == (2, line, None)


@pytest.mark.parametrize(
    "sentence",
    [
        "Source: said the official, who asked not to be named, the talks would resume.",
        "Related talks will continue in Geneva next week, officials said.",
        "Readers who subscribe to the paper's print edition were not affected by the outage at all.",
        "The photo agency said the picture was taken on Monday in the capital.",
    ],
)
def test_real_sentences_are_kept(sentence):
    assert reasons(f"{FILLER}\n{sentence}") == [(1, FILLER, None), (2, sentence, None)]


def test_line_numbers_count_blank_lines_of_the_input():
    assert reasons(f"{FILLER}\n\nRead more: Another story\n") == [(1, FILLER, None), (3, "Read more: Another story", "related_headline")]


@pytest.mark.parametrize(
    ("first_line", "dateline", "agencies", "body_start"),
    [
        ("Istanbul, Turkey — Turkey and Israel have initiated talks.", "Istanbul, Turkey", [], "Turkey and Israel"),
        ("GENEVA (AP) — Delegates met on Monday.", "GENEVA", ["AP"], "Delegates met"),
        ("Berlin (dpa) - Die Delegation reiste ab.", "Berlin", ["dpa"], "Die Delegation"),
        ("ISTANBUL (Reuters) - Markets rose.", "ISTANBUL", ["Reuters"], "Markets rose"),
        ("Ciudad de México, México — Las lluvias siguen.", "Ciudad de México, México", [], "Las lluvias"),
        # No country, no agency, not in capitals: could be a sentence, so it is left alone.
        ("Hakan Fidan — the minister — said so.", None, [], "Hakan Fidan — the minister"),
        ("Turkey insists it has no interest in conflict.", None, [], "Turkey insists"),
    ],
)
def test_dateline(first_line, dateline, agencies, body_start):
    article = clean_one(f"{first_line}\n{FILLER}")
    assert (article["dateline"], article["agencies"]) == (dateline, agencies)
    assert article["body_clean"].startswith(body_start)


def test_credit_line_agencies_and_related_headline():
    article = clean_one(
        f"Mombasa, Kenya — {FILLER}\nRELATED NEWS : Port strike ends\n{FILLER}\n"
        "SOURCE : REUTERS/THE EAST AFRICAN | Follow Us: Facebook | Instagram"
    )
    assert article["agencies"] == ["Reuters", "The East African"]
    assert article["related"] == ["Port strike ends"]
    assert article["body_clean"] == f"{FILLER}\n{FILLER}"


def test_what_follows_a_dateline_on_its_line_is_judged_as_a_line_of_its_own():
    result = clean_articles(
        pl.DataFrame({"doc_id": [1, 2], "text": [f"GENEVA (AP) — RELATED NEWS : Port strike ends\n{FILLER}", f"{FILLER}\nRELATED NEWS : Port strike ends"]})
    )
    articles = result.articles.select("doc_id", "body_clean", "dateline", "agencies").rows()
    assert articles == [(1, FILLER, "GENEVA", ["AP"]), (2, FILLER, None, [])]
    # The removed line keeps its text as written, dateline and all; the headline is recorded as on any other line.
    assert result.lines.rows() == [
        (1, 1, "GENEVA (AP) — RELATED NEWS : Port strike ends", "related_headline"),
        (1, 2, FILLER, None),
        (2, 1, FILLER, None),
        (2, 2, "RELATED NEWS : Port strike ends", "related_headline"),
    ]
    assert result.related_headlines.sort("doc_id").rows() == [(1, 1, "Port strike ends"), (2, 2, "Port strike ends")]


def test_dateline_and_credit_agencies_are_merged_once():
    article = clean_one(f"GENEVA (AP) — {FILLER}\nSOURCE : AP NEWS")
    assert article["agencies"] == ["AP"]


@pytest.mark.parametrize(
    ("credited", "display"),
    [
        ("AP NEWS", "AP"),
        ("Associated Press", "AP"),
        ("TIMES OF ISRAEL", "Times of Israel"),
        ("dpa", "dpa"),
        ("THE EAST AFRICAN", "The East African"),
        ("DAILY NATION OF KENYA", "Daily Nation of Kenya"),
    ],
)
def test_normalize_agency(credited, display):
    assert pl.DataFrame({"name": [credited]}).select(normalize_agency(pl.col("name"))).item() == display


def test_an_article_of_only_boilerplate_has_an_empty_body_and_keeps_its_lines():
    result = clean_articles(pl.DataFrame({"doc_id": [1], "text": ["Share this article: Facebook | X"]}))
    assert result.articles["body_clean"].to_list() == [""]
    assert result.lines["reason"].to_list() == ["share_prompt"]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("http://www.example.org…Plastics site:", "bare_url"),
        ("(examplenews.com)", "source_credit"),
        ("There was an error", "photo_credit"),
        ("re was an error", "photo_credit"),
        ("This video can not be played", "photo_credit"),
        ("3:02", "photo_credit"),
        ("council-budget-vote-2016", "photo_credit"),
        ("crowd_at_the_rally.jpg", "photo_credit"),
        ("Why Voters Stayed Home OCT. 8, 2016", "related_headline"),
        ("[Senate passes the budget after an all-night session]", "related_headline"),
        ("We've got the latest from the summit here.", "related_headline"),
        ("Example TV is available on DirecTV Ch. 349 and Dish 216.", "media_promo"),
        ("For more places to find Example TV – Click Here Now", "media_promo"),
        ("You can start your own conversation by sharing this article", "share_prompt"),
        ("Thank you for reading", "share_prompt"),
    ],
)
def test_media_link_and_promo_lines_go_anywhere(line, reason):
    assert reasons(f"{FILLER}\n{line}\n{FILLER}") == [(1, FILLER, None), (2, line, reason), (3, FILLER, None)]


@pytest.mark.parametrize(
    "sentence",
    [
        "The site http://www.example.org… was down for hours on Monday.",
        "(The agency said the figures were provisional.)",
        "There was an error in the vote count, the commission said.",
        "The race was won in 3:02 by a runner from the valley.",
        "The long-term well-being of residents matters most.",
        "Voters went to the polls on Oct. 8, 2016",
        "[January 24, 2018 - Example Times]",
        "[I know that is a lot of them. Thanks to a reader for the idea.]",
        "3-6-16",
        "We have lived here for thirty years.",
        "The final is available on DirecTV for subscribers, the league said.",
        "Thank you for your service, the mayor told the veterans.",
        "Thank you!",
    ],
)
def test_near_misses_of_media_link_and_promo_rules_are_kept(sentence):
    assert reasons(f"{FILLER}\n{sentence}\n{FILLER}") == [(1, FILLER, None), (2, sentence, None), (3, FILLER, None)]


def test_thanks_alone_goes_in_the_footer():
    assert reasons(f"{FILLER}\nThank You!\nShare this article: Facebook | X")[1:] == [
        (2, "Thank You!", "share_prompt"),
        (3, "Share this article: Facebook | X", "share_prompt"),
    ]


def test_the_label_right_above_a_link_is_its_credit():
    assert reasons(f"{FILLER}\nOcean plastic report:\nhttp://www.example.org/report\n{FILLER}") == [
        (1, FILLER, None),
        (2, "Ocean plastic report:", "source_credit"),
        (3, "http://www.example.org/report", "bare_url"),
        (4, FILLER, None),
    ]
    assert reasons(f"{FILLER}\nJane's Garden Blog\nSource: http://example.blogspot.com/2017/02/post.html")[1][2] == "source_credit"


@pytest.mark.parametrize(
    "sentence",
    [
        "The full report was published on Monday.",
        "That is all for today. It is 9 PM Link to Audio",
        # An item of the article's own numbered or bulleted list, its shop link under it.
        "3) Example Lego set with a castle",
        "- Example Lego set with a castle",
    ],
)
def test_a_sentence_above_a_link_is_kept(sentence):
    assert reasons(f"{FILLER}\n{sentence}\nhttp://www.example.org/report")[1] == (2, sentence, None)


def test_a_closing_about_section_goes_from_its_head_to_the_end():
    footer = [
        "About Us:",
        "Example Research provides market reports to industries and governments.",
        "Contact Details:",
        "Jane Doe",
        "Suite 800, Dallas 75252.",
    ]
    assert reasons("\n".join([FILLER, *footer])) == [(1, FILLER, None)] + [
        (number, line, "author_bio") for number, line in enumerate(footer, start=2)
    ]


def test_a_closing_resources_section_goes_from_its_head_to_the_end():
    footer = ["Recommended Resources", "Example Cartoons are free to view and download.", "Examplehealth.com offers guides."]
    assert [reason for _, _, reason in reasons("\n".join([FILLER, *footer]))] == [None] + ["related_headline"] * 3


def test_an_about_head_far_from_the_end_is_a_subhead_and_kept():
    body = ["About the council:", *([FILLER] * 12)]
    assert all(reason is None for _, _, reason in reasons("\n".join([FILLER, *body])))


# Lines where a word boundary decides: keywords glued to letters (ASCII and not), next to non-ASCII words, in
# non-Latin scripts, and the rules' own examples.
BOUNDARY_LINES = [
    "All rights reserved.",
    "xall rights reservedx",
    "Haki zote zimehifadhiwa © 2020",
    "© 2020 Tüm hakları saklıdır",
    "Sitemizde çerezler kullanılır; çerezleri kullanıyoruz",
    "éwe use cookiesé and we use cookies",
    "Paylaş",
    "Paylaşım",
    "Get in touch",
    "Get in touchy feelings",
    "Tell us: email us at news@example.com",
    "ኢትዮጵያ ውስጥ የተካሄደው ምርጫ all rights reserved",
    "Let us know in the comments below!",
    "Nous utilisons des cookies",
    "Watch it on BBC iPlayer now",
    "watchiplayer",
    "Click the banner above",
    "h/t Exämple Daily",
    "h/tx Example",
    "Plus d'infos à lire: click here!",
    "Jürgen Doe is a contributing writer for Exämple News",
    "You can follow Jürgen on Twitter @jdoe",
    "Write to Jürgen Doe, P.O. Box 100, Springfield IL 62701.",
    "Schreiben Sie an Jürgen, Postfach 100, Köln",
]


def test_rules_matched_in_two_steps_give_what_a_plain_contains_gives():
    # Every rule with a word boundary or a bounded repetition is matched loosened first, then exactly.
    patterns = [rule.pattern for rule in boilerplate.RULES if boilerplate._loosened(rule.pattern) != rule.pattern]
    assert len(patterns) > 40
    lines = pl.DataFrame({"text": BOUNDARY_LINES})
    for pattern in patterns:
        fast = lines.select(boilerplate._contains(pl.col("text"), pattern)).to_series().to_list()
        plain = lines.select(pl.col("text").str.contains(pattern)).to_series().to_list()
        assert fast == plain, pattern
    # The lines do exercise both answers of the boundary rules.
    matched = lines.select(pl.any_horizontal(pl.col("text").str.contains(pattern) for pattern in patterns)).to_series()
    assert 0 < matched.sum() < lines.height


def test_the_exact_pattern_is_compiled_only_for_lines_its_loosened_form_matches():
    # "{2,1}" is no valid repetition; loosened it is "{2,}". So the exact pattern, which polars would fail to
    # compile, shows whether it was compiled at all.
    uncompilable = r"\bzz{2,1}"
    assert boilerplate._loosened(uncompilable) == "zz{2,}"
    lines = pl.DataFrame({"text": ["no match here", None, "nor here"]})
    assert lines.select(boilerplate._contains(pl.col("text"), uncompilable)).to_series().to_list() == [False, False, False]
    with pytest.raises(pl.exceptions.ComputeError):
        pl.DataFrame({"text": ["a zzz line"]}).select(boilerplate._contains(pl.col("text"), uncompilable))


def test_a_null_line_contains_nothing_whether_matched_in_one_step_or_two():
    lines = pl.DataFrame({"text": ["Advertisement", None, "By Jane Doe"]})
    one_step = lines.select(boilerplate._contains(pl.col("text"), r"^Advertisement$")).to_series().to_list()
    two_steps = lines.select(boilerplate._contains(pl.col("text"), r"^By\b \p{Lu}\w{1,9}")).to_series().to_list()
    assert (one_step, two_steps) == ([True, False, False], [False, False, True])


def test_a_loosened_pattern_has_no_word_boundaries_nor_upper_bounds_outside_classes():
    # A class keeps its braces, an escaped backslash before "b" is no boundary, an escape's braces are no bound.
    pattern = r"^\bby\b .{0,60}?[a{1,2}]\x{FFFD}{2,5}\\b\p{Lu}{3}"
    assert boilerplate._loosened(pattern) == r"^by .{0,}?[a{1,2}]\x{FFFD}{2,}\\b\p{Lu}{3}"


def test_line_rules_give_what_a_plain_contains_and_length_check_gives():
    # `_line_matches` hands a line over the limit to the pattern as an empty string; the answers must not change,
    # at the limit, one character over it, or far over it.
    matches = 0
    for rule in boilerplate.RULES:
        samples = [line for line in BOUNDARY_LINES if len(line) <= rule.max_chars] or BOUNDARY_LINES[:1]
        texts = samples + [line.ljust(rule.max_chars, "x") for line in samples] + [line.ljust(rule.max_chars + 1, "x") for line in samples]
        texts += [line + " more" * rule.max_chars for line in samples]
        lines = pl.DataFrame({"text": texts})
        fast = lines.select(boilerplate._line_matches(pl.col("text"), rule.pattern, rule.max_chars)).to_series().to_list()
        plain = lines.select(
            pl.col("text").str.contains(rule.pattern) & (pl.col("text").str.len_chars() <= rule.max_chars)
        ).to_series().to_list()
        assert fast == plain, rule.pattern
        matches += sum(fast)
    # Lines at the limit match, so the comparison covers both answers.
    assert matches > 0
    limit = pl.DataFrame({"text": ["Advertisement", "Advertisement "]}).select(
        boilerplate._line_matches(pl.col("text"), r"^Advertisement\s*$", 13)
    )
    assert limit.to_series().to_list() == [True, False]


def test_bbc_picture_block_goes_and_the_paragraph_after_it_stays():
    block = [
        "Delegates leave the hall in Geneva.Image copyrightEXAMPLE IMAGES",
        "Image caption",
        "The talks ran late into the night",
    ]
    after = "Negotiators will meet again on Friday to settle the last points of the deal."
    assert reasons("\n".join([FILLER, *block, after])) == [
        (1, FILLER, None),
        (2, block[0], "photo_credit"),
        (3, block[1], "photo_credit"),
        (4, block[2], "photo_credit"),
        (5, after, None),
    ]


@pytest.mark.parametrize(
    "line",
    [
        "Image copyright Example Images",
        "Ministers arrive for the vote at the parliament buildingImage copyrightREUTERS",
        "Image caption The minister arrives for the vote",
        "Media caption Who is the new minister?",
    ],
)
def test_bbc_picture_markers_go_anywhere(line):
    assert reasons(f"{FILLER}\n{line}\n{FILLER}")[1] == (2, line, "photo_credit")


@pytest.mark.parametrize(
    "sentence",
    [
        "The court ruled on Image copyright claims brought by photographers last year.",
        "The museum said the image copyright belongs to the photographer's family.",
        "Image captions were added later by the editors, the agency said.",
        "Image caption contests have become popular with readers of the site.",
    ],
)
def test_sentences_about_images_are_kept(sentence):
    assert reasons(f"{FILLER}\n{sentence}\n{FILLER}")[1] == (2, sentence, None)


# A photo gallery as a scraper leaves it: its title, the viewer's controls, captions full and cut short (one with
# its "1 of 3" counter glued on), and the title again; the article's paragraphs are set apart by blank lines.
GALLERY = [
    "Scenes from the summit",
    "Fullscreen",
    "Delegates arrive at the hall on Monday,",
    "Delegates arrive at the hall on Monday, June 3, in Geneva. Jane Doe, Example Press",
    "Fullscreen",
    "Delegates arrive at the hall on Monday,1 of 3",
    "Ministers pose for the family photo",
    "The chair opens the final session",
    "Next Slide",
    "3 Photos",
    "Scenes from the summit",
]


def test_a_photo_gallery_goes_from_its_title_to_its_title_again():
    after = "Talks resumed on Tuesday."
    found = reasons("\n\n".join([FILLER, "\n".join(GALLERY), after]))
    assert [reason for _, _, reason in found] == [None] + ["photo_credit"] * len(GALLERY) + [None]
    assert found[-1] == (2 * 2 + len(GALLERY), after, None)


def test_without_the_title_repeated_the_lines_around_a_gallery_stay():
    # The line above is a subhead, the line below another: neither is the gallery's title.
    gallery = [*GALLERY[:-1], "What comes next"]
    found = reasons("\n\n".join([FILLER, "\n".join(gallery), FILLER]))
    assert [reason for _, _, reason in found] == [None, None] + ["photo_credit"] * (len(gallery) - 2) + [None, None]


@pytest.mark.parametrize(
    "between",
    [
        # A paragraph set apart by blank lines between the controls: no gallery, only the controls go.
        "\n\nThe ministers spoke for an hour.\n\n",
        # Set apart from the lines above it only.
        "\n\nThe ministers spoke for an hour.\n",
        # A line too long for a caption between the controls.
        "\n" + " ".join([FILLER] * 5) + "\n",
    ],
)
def test_lines_between_gallery_controls_stay_when_a_paragraph_is_among_them(between):
    # The paragraphs around are packed, so that the embedded-box rule, which reads the article's layout, has no say.
    text = f"{FILLER}\nFullscreen\nMinisters pose for the family photo{between}Next Slide\n{FILLER}"
    found = {line: reason for _, line, reason in reasons(text)}
    assert found["Fullscreen"] == found["Next Slide"] == "photo_credit"
    assert found["Ministers pose for the family photo"] is None
    assert [reason for line, reason in found.items() if line not in ("Fullscreen", "Next Slide")] == [None] * (
        len(found) - 2
    )


def test_a_share_bar_of_one_button_a_line_goes():
    bar = ["Facebook", "Twitter", "Google+", "LinkedIn"]
    assert reasons("\n".join([FILLER, *bar, FILLER])) == [(1, FILLER, None)] + [
        (number, line, "share_prompt") for number, line in enumerate(bar, start=2)
    ] + [(6, FILLER, None)]


def test_one_network_name_alone_is_kept():
    assert reasons(f"{FILLER}\nFacebook\n{FILLER}")[1] == (2, "Facebook", None)


def test_a_follow_line_ending_in_a_handle_goes_mid_body():
    line = "You can follow Jane on Twitter @janedoe_news"
    assert reasons(f"{FILLER}\n{line}\nThe first section\n{FILLER}")[1] == (2, line, "social_follow")


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("@BBCNews", "bare_url"),
        ("Follow @jane_doe99", "social_follow"),
        # A handle is what the networks allow, ASCII letters, digits and "_": these are not handles.
        ("@Jürgen", None),
        ("Follow @Jürgen", None),
    ],
)
def test_a_handle_is_ascii_as_the_networks_allow(line, reason):
    assert reasons(f"{FILLER}\n{line}\n{FILLER}")[1] == (2, line, reason)


@pytest.mark.parametrize(
    ("inside", "reason"),
    [
        ("Senate passes the budget", "related_headline"),
        ("S" * 200, "related_headline"),
        ("S" * 199 + ".", "related_headline"),
        # Over 200 characters inside the brackets the line is over the rule's limit; under 15 it is too short.
        ("S" * 201, None),
        ("Senate passes", None),
    ],
)
def test_a_bracketed_link_holds_15_to_200_characters(inside, reason):
    line = f"[{inside}]"
    assert reasons(f"{FILLER}\n{line}\n{FILLER}")[1] == (2, line, reason)


@pytest.mark.parametrize(
    "sentence",
    [
        "Supporters were urged to follow the campaign on Twitter, organisers said.",
        "“Follow me on Twitter @mayor,” she told the crowd.",
    ],
)
def test_follow_sentences_without_a_closing_handle_are_kept_mid_body(sentence):
    assert reasons(f"{FILLER}\n{sentence}\n{FILLER}")[1] == (2, sentence, None)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("h/t Example Daily", "source_credit"),
        ("Hat tip to the Example Post", "source_credit"),
    ],
)
def test_hat_tips_go_anywhere(line, reason):
    assert reasons(f"{FILLER}\n{line}\n{FILLER}")[1] == (2, line, reason)


def test_a_sentence_about_hat_tips_is_kept():
    sentence = "Hat tips to the organisers were given at the end of the ceremony."
    assert reasons(f"{FILLER}\n{sentence}\n{FILLER}")[1] == (2, sentence, None)


LONG_BIO = (
    "Jane Doe is a senior writer with the Example Review, where she covers farming, water and the rural schools of "
    "the north. Before that she spent ten years as a teacher and ran a small orchard with her brother. Her reporting "
    "on drought relief won a regional prize, and her first book, on the history of the valley's canals, is due out "
    "next spring. She lives near the coast with two dogs and a great many apple trees, and answers every letter."
)
CLOSING_PARAGRAPH = (
    "Doe was the keeper of the old lighthouse for thirty years and later its director, and she still walks up the "
    "hill to it every morning. The town voted last winter to turn the tower into a small museum, and the council has "
    "asked her to write the guide for visitors, who will be able to climb the stairs from the first of May. She says "
    "the view from the lamp room is the finest on the coast, and that she will miss having it to herself on calm "
    "summer evenings."
)


def test_a_long_bio_goes_at_the_end_of_the_body():
    assert reasons(f"{FILLER}\n{LONG_BIO}\nShare this article: Facebook | X")[1] == (2, LONG_BIO, "author_bio")


@pytest.mark.parametrize(
    "text",
    [
        f"{FILLER}\n{LONG_BIO}\n{FILLER}",
        f"{FILLER}\n{CLOSING_PARAGRAPH}\nShare this article: Facebook | X",
    ],
)
def test_a_long_bio_mid_body_and_a_closing_paragraph_about_someone_are_kept(text):
    # Both longer than the short-bio rule's limit: only the long-bio rule could take them.
    assert len(LONG_BIO) > 400 and len(CLOSING_PARAGRAPH) > 400
    assert reasons(text)[1][2] is None


def test_a_bio_above_a_call_for_op_eds_goes_with_it():
    bio = "Jane Doe (@janedoe) is a contributor to Example Weekly and teaches history in Leeds."
    call = "If you would like to submit a column to Example Weekly, our editors read every pitch."
    assert reasons(f"{FILLER}\n{bio}\n{call}")[1:] == [(2, bio, "author_bio"), (3, call, "comment_prompt")]


def test_a_click_here_line_goes_in_the_footer_only():
    line = "More stories from our desk! Click Here!"
    assert reasons(f"{FILLER}\n{line}\nSubscribe to our newsletter")[1] == (2, line, "related_headline")
    sentence = "To read the full report, click here."
    assert reasons(f"{FILLER}\n{sentence}\n{FILLER}")[1] == (2, sentence, None)


def test_a_link_in_a_related_list_is_not_counted_among_its_items():
    items = ["Links", "https://www.example.org/", "Harvest fair opens", "Road works", "Library hours change"]
    found = reasons("\n".join([FILLER, *items, "What the council decided", FILLER]))
    assert [reason for _, _, reason in found] == [None, "related_headline", "bare_url"] + ["related_headline"] * 3 + [
        None,
        None,
    ]


def test_a_fourth_short_line_after_a_list_is_a_subhead_and_kept():
    items = ["Links", "Harvest fair opens", "Road works", "Library hours change"]
    found = reasons("\n".join([FILLER, *items, "What the council decided", FILLER]))
    assert found[5] == (6, "What the council decided", None)


def test_an_embedded_story_card_goes_as_its_title_and_its_labelled_title():
    title = "Council Votes To Close The Library | Example Wire"
    card = [title, f"LATEST: {title}"]
    assert reasons("\n".join([FILLER, *card, FILLER])) == [
        (1, FILLER, None),
        (2, card[0], "related_headline"),
        (3, card[1], "related_headline"),
        (4, FILLER, None),
    ]


@pytest.mark.parametrize(
    "pair",
    [
        # A subhead and an update about it: the labelled line says more than the line above.
        ["The library vote", "UPDATE: The library vote was delayed to March."],
        # A refrain repeated without a label.
        ["We shall not be moved", "We shall not be moved"],
    ],
)
def test_lines_that_only_resemble_a_story_card_are_kept(pair):
    assert [reason for _, _, reason in reasons("\n".join([FILLER, *pair, FILLER]))] == [None] * 4


def test_a_caption_with_its_credit_after_a_dash_goes_anywhere():
    line = "“Harvest Moon” – Art: Jane Doe, Springfield. The painting hangs in the old town hall."
    assert reasons(f"{FILLER}\n{line}\n{FILLER}")[1] == (2, line, "photo_credit")


@pytest.mark.parametrize(
    "sentence",
    [
        "She wrote two books – Photography: A Short History, and a novel about the valley.",
        "Visitors queued for hours – Art lovers came from across the region to see it.",
    ],
)
def test_a_dash_before_a_word_about_pictures_is_kept(sentence):
    assert reasons(f"{FILLER}\n{sentence}\n{FILLER}")[1] == (2, sentence, None)


def test_a_closing_postal_address_goes_in_the_footer_only():
    line = "Write to Jane Doe, 12345, P.O. Box 100, Springfield IL 62701."
    assert reasons(f"{FILLER}\n{line}")[1] == (2, line, "author_bio")
    assert reasons(f"{FILLER}\n{line}\n{FILLER}")[1] == (2, line, None)
    sentence = "Donations can be sent to P.O. Box 100 until the end of the month."
    assert reasons(f"{FILLER}\n{sentence}")[1] == (2, sentence, None)


BOOK_BIO = "Jane Doe is the author of A Valley Year, published in May by Example Books"
CORRECTION = "This article was amended on 9 May 2016 to correct the name of the publisher."


def test_a_correction_note_stays_and_the_bio_above_it_still_goes():
    assert reasons(f"{FILLER}\n{BOOK_BIO}\n{CORRECTION}")[1:] == [(2, BOOK_BIO, "author_bio"), (3, CORRECTION, None)]


def test_a_correction_note_does_not_make_a_mid_body_bio_a_footer():
    assert reasons(f"{FILLER}\n{BOOK_BIO}\n{FILLER}\n{CORRECTION}")[1] == (2, BOOK_BIO, None)


# An article of ten paragraphs set apart by blank lines: with a box of two packed lines in it, 9 of its 11 line breaks
# are blank lines, above the 0.8 an article's layout needs to tell a box.
PARAGRAPHS = [f"The council met for session {number} on Tuesday and agreed the agenda." for number in range(1, 11)]
BOX = ["Harvest Fair Opens With Record Crowds", "Road Works on the Bridge to Start in Spring"]


def spaced(*paragraphs: str) -> str:
    return "\n\n".join(paragraphs)


def test_a_box_of_packed_lines_goes_from_an_article_of_spaced_paragraphs():
    # The box sits right above the third paragraph with no blank line between them, as scrapers leave link boxes.
    text = spaced(*PARAGRAPHS[:2], "\n".join([*BOX, PARAGRAPHS[2]]), *PARAGRAPHS[3:])
    assert reasons(text)[:6] == [
        (1, PARAGRAPHS[0], None),
        (3, PARAGRAPHS[1], None),
        (5, BOX[0], "embedded_box"),
        (6, BOX[1], "embedded_box"),
        (7, PARAGRAPHS[2], None),
        (9, PARAGRAPHS[3], None),
    ]
    assert [reason for _, _, reason in reasons(text)[6:]] == [None] * 6


def test_a_box_needs_an_article_whose_breaks_are_mostly_blank_lines():
    # Five paragraphs: the box's two packed breaks make 4 of 6 breaks blank, under the 0.8 the rule needs.
    text = spaced(*PARAGRAPHS[:2], "\n".join([*BOX, PARAGRAPHS[2]]), *PARAGRAPHS[3:5])
    assert [reason for _, _, reason in reasons(text)] == [None] * 7


def test_packed_lines_stay_in_an_article_that_packs_every_line():
    text = "\n".join([*PARAGRAPHS[:2], *BOX, *PARAGRAPHS[2:]])
    assert [reason for _, _, reason in reasons(text)] == [None] * 12


@pytest.mark.parametrize(
    "packed",
    [
        # A subhead right above its paragraph: one loose line, not a box.
        ["What the council decided", PARAGRAPHS[2]],
        # Lines that end sentences or quotes.
        ["The fair opened on Monday.", "Road works start in spring.", PARAGRAPHS[2]],
        ["“We will not close the library”", "“Nor the swimming pool”"],
        # List items, bulleted or numbered, and the items under a lead that ends in a colon.
        ["- Harvest fair opens", "- Road works start"],
        ["1) Harvest fair opens", "2) Road works start"],
        ["The council will decide on three things:", "Harvest fair", "Road works"],
        # An embedded tweet is quoted text.
        ["Our library stays open on Sundays from March", "— Example Council (@examplecouncil) December 22, 2016"],
        # The same with the dash lost in decoding, which no longer reads as a list bullet.
        ["Our library stays open on Sundays from March", "\ufffd Example Council (@examplecouncil) December 22, 2016"],
    ],
)
def test_packed_lines_that_are_not_a_box_stay(packed):
    text = spaced(*PARAGRAPHS[:2], "\n".join(packed), *PARAGRAPHS[3:])
    assert [reason for _, _, reason in reasons(text)] == [None] * (len(packed) + 9)


def test_the_line_that_opens_the_body_stays_when_packed_with_the_next():
    # A title a scraper left above the first paragraph, and a box under it: the title stays, the box goes.
    title = "Council Agrees the New Budget"
    text = spaced("\n".join([title, *BOX]), *PARAGRAPHS)
    assert [reason for _, _, reason in reasons(text)][:3] == [None, "embedded_box", "embedded_box"]


def test_a_box_needs_enough_line_breaks_to_tell_the_layout():
    text = spaced(PARAGRAPHS[0], "\n".join(BOX), PARAGRAPHS[1])
    assert [reason for _, _, reason in reasons(text)] == [None] * 4


CLOSING_BLOCK = ["Share this article: Facebook | X | WhatsApp | Email", "Join the conversation", "Spread the word"]
LAST_LINE = "The vote is due next month."


def test_a_short_line_inside_the_closing_block_goes_with_it():
    tagline = "Ideas travel further when you pass them on…"
    lines = [*PARAGRAPHS[:3], CLOSING_BLOCK[0], tagline, *CLOSING_BLOCK[1:]]
    assert [reason for _, _, reason in reasons("\n".join(lines))] == [None] * 3 + [
        "share_prompt",
        "footer_block",
        "comment_prompt",
        "share_prompt",
    ]


@pytest.mark.parametrize(
    "lines",
    [
        # Under a mid-body kind (a caption) the line is the article's last paragraph.
        [*PARAGRAPHS[:3], "Photo: Reuters", LAST_LINE, *CLOSING_BLOCK[1:]],
        # A short article's one paragraph between its header and footer lines.
        [CLOSING_BLOCK[0], LAST_LINE, *CLOSING_BLOCK[1:]],
        # Only one boilerplate line below it.
        [*PARAGRAPHS[:3], CLOSING_BLOCK[0], LAST_LINE, CLOSING_BLOCK[1]],
    ],
)
def test_a_kept_line_near_the_closing_block_stays_unless_it_is_inside_it(lines):
    found = {line: reason for _, line, reason in reasons("\n".join(lines))}
    assert found[LAST_LINE] is None


def test_a_paragraph_inside_the_closing_block_stays():
    paragraph = " ".join(PARAGRAPHS[3:6])
    found = {line: reason for _, line, reason in reasons("\n".join([*PARAGRAPHS[:3], *CLOSING_BLOCK[:1], paragraph, *CLOSING_BLOCK[1:]]))}
    assert found[paragraph] is None


ORGANISATION_BIO = (
    "Example Chemical Society, ECS is a chartered membership organization which represents chemists at all levels."
)


def test_a_publishers_description_goes_in_the_footer_only():
    assert reasons(f"{FILLER}\n{ORGANISATION_BIO}")[1] == (2, ORGANISATION_BIO, "author_bio")
    assert reasons(f"{FILLER}\n{ORGANISATION_BIO}\n{FILLER}")[1] == (2, ORGANISATION_BIO, None)


def clean_with_title(text: str, title: str | None = None) -> tuple[dict, list[tuple[str, str]]]:
    result = clean_articles(pl.DataFrame({"doc_id": [1], "text": [text], "title": [title]}, schema_overrides={"title": pl.String}))
    removed = result.lines.filter(pl.col("reason").is_not_null())
    return result.articles.row(0, named=True), [(row["text"], row["reason"]) for row in removed.iter_rows(named=True)]


HEADLINE = "Council agrees a budget for the new libraries"


def test_a_headline_set_apart_by_a_blank_line_becomes_the_title():
    article, removed = clean_with_title(f"{HEADLINE}\n\n{FILLER}\n\n{FILLER}")
    assert article["title"] == HEADLINE
    assert article["body_clean"] == f"{FILLER}\n{FILLER}"
    assert removed == [(HEADLINE, "title")]


@pytest.mark.parametrize(
    "text",
    [
        # No blank line under it: the first line of a body that packs its lines (and of clean text).
        f"{HEADLINE}\n{FILLER}",
        # A sentence, not a headline.
        f"{FILLER}\n\n{FILLER}",
        # A clause that runs on.
        "The council said on Tuesday that,\n\nit would agree the budget.",
        # Nothing under it: the line is the whole text.
        f"{HEADLINE}\n\n",
        # One word is a label, more than twenty a paragraph.
        f"Libraries\n\n{FILLER}",
        " ".join(["Council"] * 21) + f"\n\n{FILLER}",
    ],
)
def test_lines_that_are_no_headline_stay_in_the_body(text):
    article, removed = clean_with_title(text)
    assert article["title"] is None
    assert removed == []


def test_a_given_title_is_kept_and_a_first_line_repeating_it_goes():
    article, removed = clean_with_title(f"COUNCIL AGREES A BUDGET: for the new libraries\n{FILLER}", title=HEADLINE)
    assert article["title"] == HEADLINE
    assert article["body_clean"] == FILLER
    assert removed == [("COUNCIL AGREES A BUDGET: for the new libraries", "repeated_title")]


def test_a_given_title_leaves_a_different_first_line_and_a_headline_line_in_the_body():
    article, removed = clean_with_title(f"{HEADLINE}\n\n{FILLER}", title="Libraries open on Sundays")
    assert (article["title"], article["body_clean"], removed) == ("Libraries open on Sundays", f"{HEADLINE}\n{FILLER}", [])


def test_cleaning_the_clean_body_finds_no_second_title():
    article, _ = clean_with_title(f"{HEADLINE}\n\nWhat the council decided\n\n{FILLER}")
    again, removed = clean_with_title(article["body_clean"])
    assert article["body_clean"] == f"What the council decided\n{FILLER}"
    assert (again["body_clean"], again["title"], removed) == (article["body_clean"], None, [])


@pytest.mark.parametrize(
    ("line", "byline", "agencies"),
    [
        ("By Jane Doe", ["Jane Doe"], []),
        ("By Jane Doe and John Roe, Associated Press", ["Jane Doe", "John Roe"], ["AP"]),
        ("By: Jane Doe / Example News", ["Jane Doe"], []),
        ("By Jane Doe, disinformation and social media correspondent", ["Jane Doe"], []),
        ("by Jane Doe, Example Blog:", ["Jane Doe"], []),
        ("Analysis by Jane Doe, economics editor", ["Jane Doe"], []),
        ("By Reuters", [], ["Reuters"]),
        # A web address or a possessive is no person's name.
        ("By Jane Doe’s Example.com", [], []),
    ],
)
def test_byline_names_its_authors_and_agencies_apart(line, byline, agencies):
    article, removed = clean_with_title(f"{line}\n{FILLER}")
    assert (article["byline"], article["agencies"]) == (byline, agencies)
    assert removed == [(line, "author_bio")]


def test_authors_of_several_byline_lines_are_listed_once_in_order():
    article, _ = clean_with_title(f"By Jane Doe\n{FILLER}\nBy John Roe and Jane Doe\n{FILLER}")
    assert article["byline"] == ["Jane Doe", "John Roe"]


def test_a_bio_is_no_byline():
    article, removed = clean_with_title(f"{FILLER}\nJane Doe is a contributing writer for Example Weekly.")
    assert article["byline"] == []
    assert removed == [("Jane Doe is a contributing writer for Example Weekly.", "author_bio")]

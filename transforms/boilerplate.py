"""Line-level boilerplate removal for plain-text news: annotate every line with a reason, then split.

Nothing is dropped silently: `clean_articles` returns the removed lines with their reason next to the clean
bodies, and what is metadata rather than noise (datelines, agency credits, related headlines) comes back as
columns and rows.

Five kinds of rule, all data below: a `LineRule` matches one line on its own words; a `NeighbourRule` removes a
line because of the line next to it ("Play VIDEO" between two copies of a video title); a `ListRule` removes the
short items that follow a list lead ("Read more about:"); a `SectionRule` removes a short closing section from its
head to the end ("About Us:" and the publisher's blurb); a `BlockRule` removes a run of short lines between an
opening and a closing marker (a photo gallery from its "Fullscreen" control to its "Next Slide"). Precision comes
first: removing a real sentence is worse than leaving a promo, so a rule names words, never a shape alone, and
footer/header kinds fire only in the contiguous block of candidate lines at the start or end of a body. Measured
against the hand-labelled gold set by `python -m flows.evaluation.boilerplate`.
"""

import re
from dataclasses import dataclass
from functools import partial

import polars as pl

# Where a rule may fire. Footer and header kinds ("SOURCE : …", "Follow us …") are only boilerplate in the
# contiguous block of candidate lines at the start or end of a body; in the middle they could be a quote.
ANYWHERE = "anywhere"
EDGE = "edge"
# Footer-only kinds (author bios) belong to the candidate block at the end, and a footer never starts the body: in a
# two-line video piece the first line is the piece, however much it reads like a bio.
FOOTER = "footer"


@dataclass(frozen=True)
class LineRule:
    reason: str
    pattern: str  # Rust regex (no look-around), matched against the whole stripped line
    scope: str  # ANYWHERE, EDGE or FOOTER
    max_chars: int  # a line longer than this is a paragraph, never this kind of boilerplate


@dataclass(frozen=True)
class NeighbourRule:
    reason: str
    pattern: str  # what the line itself must look like
    neighbour: str  # what the line `offset` lines away (among non-empty lines) must match
    offset: int  # -1: the previous line, 1: the next line, 2: the line after next
    max_chars: int


@dataclass(frozen=True)
class ListRule:
    reason: str
    lead: str  # a line that announces a list of links: "Read more about:", "RELATED COVERAGE"
    item: str  # what each item looks like
    max_items: int  # headlines after the lead that may go (links between them not counted); a subhead often follows
    max_chars: int


@dataclass(frozen=True)
class BlockRule:
    reason: str
    opens: str  # the marker that opens the block: a gallery's "Fullscreen" control
    closes: str  # the marker that closes it: "Next Slide", "38 Photos"
    max_chars: int  # every line from marker to marker is at most this long, or there is no block
    title_max_chars: int  # the block's title, repeated right above its opening and right below its closing markers


@dataclass(frozen=True)
class SectionRule:
    reason: str
    lead: str  # the head of a section that closes the body: "About Us:", "Contact Details:"
    max_lines: int  # the section, its head included, is at most this many non-empty lines and ends the body
    max_chars: int  # a longer line inside the section stays


# --- vocabularies, per language (en, fr, de, es, pt, it, tr, sw, so) ---------------------------------------------

# Words that introduce a link to another story, followed by a separator and the headline: "RELATED NEWS : …",
# "Lire aussi : …", "Soma zaidi: …", "Read more: NI SPOTY winner …".
RELATED_LEADS = (
    r"related(?: news| articles?| stories| coverage)?|read (?:more|also)|also read|see also|more on this(?: story)?"
    r"|(?:à )?lire aussi|voir aussi|lesen sie auch|mehr zum thema|auch interessant"
    r"|lea (?:también|más)|leer (?:también|más)|ver también|noticias relacionadas"
    r"|leia (?:também|mais)|veja também|leggi anche|potrebbe interessarti"
    r"|ilgili haber(?:ler)?|bunu da okuyun|soma (?:zaidi|pia)|habari (?:zaidi|zinazohusiana)|akhri(?:so)? (?:sidoo kale"
    r"|kale)"
)

# The lead of a "lead: headline" line, stripped to keep the headline: "RELATED NEWS : ".
RELATED_WITH_HEADLINE = rf"(?i)^(?:{RELATED_LEADS})\s*[:：»>|–—-]\s*"

# A line that is only a list lead, no headline yet: "You may also be interested in:", "RELATED COVERAGE", "Links".
RELATED_LEAD_ONLY = (
    r"(?i)^(?:related(?: news| articles?| stories| coverage| content| links| reading)?|read more(?: about| on this)?"
    r"|read also|also read|see also|more on this(?: story)?|useful links|links|recommended(?: resources| reading"
    r"| stories| articles)?"
    r"|you (?:may|might) also (?:be interested in|like|want to read)|more (?:stories|coverage) (?:on|about) this"
    r"|(?:à )?lire aussi|voir aussi|sur le même sujet|lesen sie auch|mehr zum thema|weitere artikel"
    r"|das könnte sie auch interessieren"
    r"|lea también|noticias relacionadas|te puede interesar|leia também|veja também|notícias relacionadas"
    r"|leggi anche|potrebbe interessarti|articoli correlati|ilgili haberler|bunlar da ilginizi çekebilir"
    r"|soma (?:zaidi|pia)|habari zinazohusiana|akhri(?:so)? (?:sidoo kale|kale)|warar la xiriira)\s*[:：.]?$"
)

# A lead that opens a list of links: ends in a colon ("Read more about:") or is a header word ("RELATED COVERAGE").
RELATED_LIST_LEAD = (
    r"(?i)^(?:related(?: news| articles?| stories| coverage| content| links| reading)?|read more(?: about| on this)?"
    r"|read also|see also"
    r"|more on this(?: story)?|useful links|links|recommended(?: resources| reading| stories| articles)?"
    r"|you (?:may|might) also (?:be interested in|like|want to read)|(?:à )?lire aussi|voir aussi|sur le même sujet"
    r"|lesen sie auch"
    r"|mehr zum thema|weitere artikel|lea también|noticias relacionadas|leia também|veja também|leggi anche"
    r"|articoli correlati"
    r"|ilgili haberler|soma (?:zaidi|pia)|habari zinazohusiana|akhri(?:so)? (?:sidoo kale|kale))\s*[:：]$"
    r"|^(?i:related(?: coverage| stories| articles| links| content)|useful links|links|recommended(?: resources"
    r"| reading)?)$"
)

# Pointers to other pages that carry no headline of their own: "Read more from Reality Check", "Read more about
# Shaun here", "Read Also NEW YORK TIMES Confesses …", "Read more great articles here: https://…".
RELATED_POINTER = (
    r"(?i)^(?:read (?:more|also|the full (?:story|article))|also read|to read more|click here to read"
    r"|lire la suite|lisez aussi|weiterlesen|mehr lesen|leer más|seguir leyendo|leia mais|continua a leggere"
    r"|devamını oku|haberin devamı|soma habari kamili|ka sii akhri)\b"
)

# "See our full list of activity guides …", "Find out how to get into cycling with our special guide." closing a body.
RELATED_OUTRO = (
    r"(?i)^(?:see (?:our|all our|more of our) .{0,40}(?:guides?|list|coverage|stories|articles)"
    r"|find out (?:more )?(?:how|about|what|why) .{0,80}\b(?:with|in) our\b)"
)
# The text of a link that ends in its call, left without the link: "More stories by this author! Click Here!".
CLICK_HERE_OUTRO = r"(?i)\bclick here[.!]*$"
# A related story embedded as a card leaves its title twice, the second time under a label in capitals: "Council
# Votes To Close The Library | Example Wire" right above "LATEST: Council Votes To Close The Library | Example Wire".
# The repetition is the marker: a line is taken only when the line next to it is itself plus the label.
EMBED_CARD_LABEL = r"^\p{Lu}{3,12}:\s+"
EMBED_CARD_MAX_CHARS = 200

# Words that open an agency/source credit footer: "SOURCE : AP NEWS/TIMES OF ISRAEL | …", "Quelle: dpa".
SOURCE_LEADS = r"sources?|fuentes?|quelle|fonte|fontes|fonti|kaynak|chanzo|il[- ]?gu'??a|xigasho"

# A credited name starts with a capital ("AP NEWS", "Reuters") or is an agency written in lower case ("dpa");
# "Source: said the man" is a sentence, not a credit.
CREDIT_START = r"(?:\p{Lu}|(?:dpa|epd|kna|apa|sda)\b)"

# A credited value that is a link, not an agency name.
LINK_START = r"(?i)^\s*(?:https?://|www\.)"

# A credit that is only a link or nothing at all: "Source: http://freedombunker.com/2017/…", "Sources:".
SOURCE_LINK_ONLY = rf"(?i)^(?:{SOURCE_LEADS})\s*[:：]\s*(?:(?:https?://|www\.)\S+)?$"

# Syndication notes of blog networks, wherever the scraper left them: "The post … appeared first on Guns.com.",
# "This piece was originally produced for and posted by MNI News.", "This article was written by … and originally
# published at …".
SYNDICATION_FOOTER = (
    r"(?i)^(?:the|this) post .{3,250} appeared first on .{2,80}$"
    r"|^this (?:article|piece|post|story|report|content) (?:was|has been|is|first) .{0,80}\b(?:originally"
    r"|first) (?:published|produced|posted|appeared)\b"
    r"|^(?:cet article|ce texte) a (?:d'abord|initialement) été publié|^dieser (?:artikel|beitrag) (?:erschien"
    r"|wurde) (?:zuerst|ursprünglich)"
    r"|^este (?:artículo|texto) (?:fue publicado|se publicó) originalmente|^este (?:artigo"
    r"|texto) foi (?:publicado originalmente|originalmente publicado)"
    r"|^questo articolo è stato (?:originariamente|originalmente) pubblicato|^bu (?:yazı|haber) ilk olarak"
)
SYNDICATION_EDGE = (
    r"(?i)^.{3,200} is a post from .{2,100}$"
    r"|^this (?:article|piece|post|story|content) (?:has been|was|is) (?:contributed|provided|syndicated|reproduced"
    r"|republished) (?:by|from|with)\b"
    r"|^(?:originally|first) (?:published|appeared|posted) (?:at|on|in|by)\b|^\((?:from|source|via|quelle|fuente"
    r"|fonte)\b.{2,100}\)$"
    r"|^(?:contributed|delivered|syndicated|courtesy) (?:by|of)\s+\S.{0,80}$"
    r"|^(?:credit\s*(?:to\s+|:\s*))\S.{0,80}$"
    r"|^(?:publié|publicado|pubblicato|veröffentlicht) (?:à l'origine|originalmente|originariamente|ursprünglich)\b"
    r"|^(?:avec|mit|con|com) (?:l'|der |la |a )?(?:afp|reuters|ap|dpa|efe|ansa|lusa)\.?$"
    r"|^(?:for more information,? see|further reading|references|sources and further reading|weitere quellen|références"
    r"|referencias|referências)\s*[:：]?$"
)
# Hat tips credit a source wherever a blogger puts them: "h/t Example Daily", "Hat tip to the Example Post".
HAT_TIP = r"(?i)^(?:h/t|hat tip)\b:?\s*(?:to\s+)?\S.{0,80}$"

# A handle's characters: the networks named below allow only ASCII letters, digits and the underscore. Also why it
# is not `\w`: a run of 30 Unicode word characters is a large automaton, and polars compiles every pattern again
# for each batch (its cache holds 32 a thread); the six compiled patterns with a bounded handle took ~45 ms a batch
# with `\w`, ~9 with ASCII.
HANDLE_CHAR = r"[A-Za-z0-9_]"

# Social networks named in follow/share lines.
NETWORKS = (
    r"facebook|instagram|twitter|x|youtube|tiktok|linkedin|whatsapp|telegram|threads|bluesky|e-?mail|email"
    r"|pinterest|reddit"
)

# Imperatives asking readers to follow the outlet: "Follow us on Twitter", "Suivez-nous", "Tufuate".
FOLLOW_LEADS = (
    r"follow (?:us|me|@)|find us on|like us on|suivez[- ]nous|folgen sie uns|folge uns|síguenos|siguenos"
    r"|siga[- ]nos|seguici|seguinos|bizi takip edin|takip edin|tufuate|tufuatilie|na follow|nagala soco"
    r"|naga daba gal"
)

# "Follow BBC West Midlands on Facebook, Twitter and Instagram. Send your story ideas to …", "Why not follow BBC
# North West on Facebook …?", "Find BBC News: East of England on Facebook …", "Follow Shiona McCallum on Twitter".
FOLLOW_ON_NETWORK = (
    rf"(?i)^(?:why not |you can (?:also )?|please )?(?:follow|find|suivez|retrouvez|folgen sie|sigue|siga|segui"
    rf"|takip edin|fuatilia)"
    rf" .{{1,60}}? (?:on|at|via|sur|auf|en|no|su|kwenye|ka) (?:{NETWORKS})\b"
)

# A follow line that ends in the handle: "You can follow Jane on Twitter @janedoe". The handle makes it the
# outlet's pointer to its reporter wherever it stands; a quoted appeal to follow someone does not end in one.
FOLLOW_HANDLE = rf"{FOLLOW_ON_NETWORK}.{{0,40}}@{HANDLE_CHAR}{{1,30}}[.)]?$"

# A follow button or handle left alone on a line by an embedded post: "Follow", "Follow @BuelahMan".
FOLLOW_BUTTON = rf"(?i)^(?:follow|suivre|folgen|seguir|segui|takip et)(?:\s+@{HANDLE_CHAR}{{1,30}})?$"

# One button of a share bar, each left on its own line: "Facebook", "Twitter", "Google+", "LinkedIn". One network
# name alone may be a subhead; two or more in a row are the bar.
SHARE_BUTTON = rf"(?i)^(?:{NETWORKS}|tumblr|google\+|google plus|print)$"

# Share prompts: "Share this article: Facebook | X", "Partager cet article", "Share this story everywhere. …".
SHARE_LEADS = (
    r"share (?:this|on|the story)|share:|partager(?: cet article| sur)?|partagez|teilen|artikel teilen"
    r"|compartir|compartilhe|compartilhar|condividi|paylaş|shiriki|wadaag"
)

# Share widgets and pleas anywhere: "Facebook Link: http://on.fb.me/…", "16,738 Retweets 53,680 likes",
# "Spread the word! LIKE and SHARE this article …", "click the “Like” button below", "“Comment & Share” at …".
SHARE_WIDGET = (
    r"(?i)^(?:facebook|google\+|twitter|blog|linkedin|reddit) link:\s*https?://\S+$"
    r"|^\d[\d,.]*(?: \d[\d,.]*)? retweets?(?: \d[\d,.]*){1,2} likes?$"
    r"|^spread the word\b.{0,20}$|^spread the word\b.{0,200}\b(?:share|like|comment|subscribe)"
    r"|\blike and share (?:this|our)\b|click the [“\x22']?like[”\x22']? button|comment (?:&|and) share[”\x22]? (?:at"
    r"|on)\b"
    r"|^(?:please )?share (?:this|our) (?:story|article|post|report)\b|^(?:merci de )?partager? cet article\b"
    r"|^bitte teilen sie\b"
)

# Newsletter and subscription promos: "Subscribe to our newsletter", "Inscrivez-vous à notre newsletter".
NEWSLETTER_LEADS = (
    r"subscribe|sign up|get (?:our|the) .{0,40}newsletter|join our .{0,30}(?:newsletter|list)"
    r"|inscrivez[- ]vous|abonnez[- ]vous|recevez notre|abonnieren sie|newsletter abonnieren"
    r"|melden sie sich .{0,30}newsletter"
    r"|suscr[ií]bete|suscr[ií]base|reg[ií]strate .{0,30}bolet[ií]n|assine|inscreva[- ]se|iscriviti|abbonati"
    r"|bültenimize|abone olun|jiandikishe|jisajili|is diiwaangeli|ku biir"
)

# Donation appeals that close activist and non-profit posts: "Donate now", "Support our journalism".
DONATE_LEADS = (
    r"(?i)^(?:please )?(?:donate|support (?:our|independent) (?:journalism|work|reporting)|become a (?:member|patron"
    r"|supporter)"
    r"|faites un don|soutenez[- ]nous|jetzt spenden|unterstützen sie (?:uns|unseren journalismus)|haz una donación"
    r"|apóyanos"
    r"|faça uma doação|apoie o|fai una donazione|sostienici|bağış yap|tuunge mkono|changia)\b"
)

# Photo and video credits: "(AP Photo/Jane Doe)" ending a caption, "Photo: Reuters", "Foto: dpa".
PHOTO_WORDS = (
    r"photo|photos|photograph|picture|image|images|video|foto|fotos|fotoğraf|bild|imagen|immagine|picha"
    r"|sawir|crédit photo|photo credit|credit"
)
PHOTO_AGENCY_CREDIT = r"\((?:AP|AFP|Reuters|EPA|Getty Images|AA|dpa|Xinhua|Anadolu)(?: Photo| Images| Video)?\s*/[^()]{2,60}\)"

# A caption closed by its credit in brackets: "(Photo: Paul Sancya, AP)", "(Peter Stevenson/The Washington Post)",
# "(Image Via: Museum of Criminal Anthropology)".
CAPTION_CREDIT = (
    r"(?i)\((?:photos?|images?|pictures?|video|foto|bild|imagen|immagine|picha|sawir)\b(?: by| via| credit"
    r"| courtesy(?: of)?| source)?(?:\s*[:：]\s*|\s+)[^()]{2,80}\)\.?$"
    r"|\([^()/]{2,50}/(?:The Washington Post|The New York Times|Getty Images|AFP|Reuters|AP|EPA|Bloomberg|dpa)\)\.?$"
)

# A caption whose credit follows a dash, a capitalised label and a name: "“Harvest Moon” – Art: Jane Doe, Springfield",
# "Marchers reach the bridge – Photo: John Roe". In a sentence a dash is not followed by "Photo:" and a name.
DASH_CREDIT = (
    r"\S\s[–—]\s(?:Photo|Photos|Photograph|Picture|Art|Artwork|Illustration|Drawing|Painting|Graphic|Cartoon)(?: by)?:"
    r"\s\p{Lu}"
)

# BBC picture credits: "Image copyright Getty Images" alone, or glued to the end of the caption above it ("… in
# Dallas.Image copyrightGETTY IMAGES"). Glued or at the start: in a sentence "Image" follows a space. (Two patterns,
# not one alternation: apart, each keeps the regex engine's literal prefilter, ~6x faster over a batch.)
BBC_IMAGE_COPYRIGHT = r"(?:^|\S)Image copyright(?:\s?[^\s.!?][^.!?]*)?$"
# BBC caption markers: "Image caption" alone or before its caption, "Media caption Who is …". A caption does not
# start in lower case; "Image caption contests are popular" is a sentence.
BBC_CAPTION_LINE = r"^(?:Image|Media) caption(?:\s+[^\s\p{Ll}].*)?$"
# A lone "Image caption" marker: the line below it is the caption.
BBC_CAPTION_MARKER = r"^(?:Image|Media) caption$"

# A line that is only a credit: "Photo by Joe Raedle/Getty Images", "Pictures courtesy of DAZN.", "Bild: APA".
PHOTO_CREDIT_LINE = (
    r"(?i)^(?:photos?|images?|pictures?|foto|fotos|fotoğraf|bild|imagen|immagine|picha|sawir(?:ro)?)"
    r"(?: by| courtesy of| via| credit| kwa)\s+\S.{0,80}$"
)

# Embedded media players: "Play Video1:01", "Play VIDEO", "Watch in Times Video »", "… Facebook Twitter Google Plus
# Embed", "WATCH: Ed Sheeran sits down …", "Listen: …", "Watch on YouTube", "… from sandra daroy on Vimeo.".
MEDIA_EMBED = (
    r"(?i)play video\s*\d{1,2}:\d{2}$|^play video$|^video$|watch in times video|facebook twitter google plus embed$"
    r"|^(?:watch|view) (?:it |the video |this video )?on (?:youtube|vimeo)\.?$|\bfrom .{1,60} on vimeo\.?$"
)
# The title of an embedded clip starts with a capital after its label: "WATCH: Ed Sheeran sits down …", "Listen: …".
MEDIA_CAPTION_LEAD = (
    r"^(?i:watch|listen|regarder|écouter|ansehen|anhören|ver|assista|guarda|izle|dinle|tazama|sikiliza|daawo|dhageyso)"
    r"\s*:\s*[\p{Lu}\d\x22“'‘]"
)
# The line next to a "Play VIDEO" or "Video" label repeats the clip's title.
MEDIA_LABEL = r"(?i)^(?:play )?video$"
# WaPo and NBC players: the caption under "… Play Video1:01" and the "title 1:42" line under "… Embed".
MEDIA_PLAYER = r"(?i)play video\s*\d{1,2}:\d{2}$|facebook twitter google plus embed$"

# Production credits of video pieces: "Video journalist: Alex Thorp", "Footage: Scottish Water", "Filmed and edited
# by Yadeta Berhanu", "Produced, filmed and edited by Dougal Shaw", "Video by series producer Dougal Shaw".
PRODUCTION_VERB = r"(?:produced|filmed|edited|shot|animated|illustrated|presented|directed|reported)"
PRODUCTION_CREDIT = (
    rf"(?i)^(?:{PRODUCTION_VERB}(?:(?:,\s*|\s+)(?:and\s+)?{PRODUCTION_VERB})*"
    r"|(?:video|camera|picture|photo) ?(?:journalist|editor|producer|operator)|footage|camera|animation|illustration"
    r"|graphics"
    r"|video|pictures?|photos?|images?|images? et montage|réalisation|kamera|schnitt|realización|edición|produção"
    r"|edição|montaggio|riprese)"
    r"(?: by| courtesy of| von| par| por|\s*[:：])\s*\S.{0,80}$"
)

# Listen/watch promos for the outlet's own programmes: "Listen to Newsbeat live at 12:45 …", "Watch Make Sense of
# Strikes on iPlayer …", "Watch on BBC iPlayer (UK Only)", "Listen to the Podcast Audio: Click Here".
MEDIA_PROMO = (
    r"(?i)^(?:watch|listen|stream|catch up)\b.{0,100}\b(?:iplayer|bbc sounds|podcast|live at|listen back|on demand"
    r"|radio \d)"
    r"|^(?:watch|listen)(?: now| again)? on (?:bbc )?(?:iplayer|sounds)\b"
    r"|^(?:\d{1,2}:\d{2}\s*[ap]m\s*[–-]?\s*)?link to (?:the )?(?:audio|video|podcast)$"
    r"|^(?:écoutez|regardez|retrouvez) .{0,60}\b(?:en direct|en replay|podcast)\b|^(?:hören"
    r"|sehen) sie .{0,60}\b(?:podcast|mediathek|livestream)\b"
    r"|^(?:escucha|mira) .{0,60}\b(?:podcast|en directo)\b|^(?:ouça|assista) .{0,60}\b(?:podcast|ao vivo)\b|^(?:ascolta"
    r"|guarda) .{0,60}\b(?:podcast|in diretta)\b"
)
# The blurb and title of a programme promo stand right above its "Watch on BBC iPlayer" line.
MEDIA_PROMO_CALL = r"(?i)^(?:watch|listen)(?: now| again)? on (?:bbc )?(?:iplayer|sounds)\b"
# Plugs for the outlet's other channels closing a post: "Stay tuned to NaturalNews.com and NewsTarget.com …".
MEDIA_PROMO_EDGE = r"(?i)^stay tuned (?:to|for) .{0,40}\b[\w-]+\.(?:com|net|org|tv)\b"

# Advertising markers and injected promos: "Advertisement", "---- Scroll down to read more ----", "Headline: …!" (the
# promoted headline beforeitsnews.com injects into every article), AdSense placeholders, banner captions.
ADVERTISEMENT = (
    r"(?i)^(?:advertisements?|advertising|sponsored(?: content| post| links?)?|paid (?:content|post|partnership)"
    r"|promoted(?: content| stories)?"
    r"|anzeige|werbung|publicité|publicidad|publicidade|pubblicità|reklam|sponsorlu|tangazo|matangazo|xayeysiis)$"
    r"|^-*\s*scroll (?:down )?to (?:continue|read more|keep reading)\b|^headline:\s+\S|adsense ={3,}"
    r"|skipped due to there being .{0,20}ads\b"
    r"|\bclick (?:the )?(?:banner|graphic|image|ad) (?:above|below)\b|; click graphic$"
)
# Calls to buy the report a press release advertises, ending in its link: "Purchase a copy of this report @ http://…".
REPORT_SALES = (
    r"(?i)^(?:complete report available|purchase (?:a copy of )?.{0,80}report|inquire for discount"
    r"|get a (?:pdf )?sample|request (?:a )?sample"
    r"|browse (?:more|the full|complete) .{0,80}|download (?:a )?(?:free )?sample)\b.{0,120}(?:@"
    r"|at:?)\s*https?://\S+\s*\.?$"
)

# Copyright and reuse notices: "Copyright (c) … All rights reserved.", "This content may be freely reproduced …".
COPYRIGHT = (
    r"(?i)^(?:copyright\s*(?:©|\(c\)|\d{4}|by\b)|©\s*(?:\d{4}|\p{L})|\(c\)\s*\d{4})|\ball rights reserved\b"
    r"|alle rechte vorbehalten|tous droits réservés|todos los derechos reservados"
    r"|todos os direitos reservados|tutti i diritti riservati|tüm hakları saklıdır|haki zote zimehifadhiwa"
    r"|xuquuqda oo dhan"
    r"|^this (?:content|article|material|story) (?:may|must) (?:be freely |not be )?(?:reproduced|republished|copied"
    r"|redistributed)"
    r"|^republished with permission|^we encourage you to share and republish|\bfair use doctrine\b"
    r"|^reproduction (?:interdite|prohibited)"
)

# Cookie and privacy banners scraped with the page.
COOKIE_NOTICE = (
    r"(?i)\b(?:we use cookies|this (?:site|website) uses cookies|by (?:continuing to (?:use|browse)|using) this (?:site"
    r"|website)"
    r"|(?:read|see) our (?:cookie|privacy) (?:policy|notice)|accept (?:all )?cookies|cookie (?:policy|settings"
    r"|preferences)"
    r"|nous utilisons des cookies|ce site utilise des cookies|wir verwenden cookies|diese website verwendet cookies"
    r"|utilizamos cookies|este sitio (?:web )?utiliza cookies|usamos cookies|este site utiliza cookies"
    r"|utilizziamo (?:i )?cookie"
    r"|questo sito utilizza (?:i )?cookie|çerez(?:ler)?(?:i)? kullan|tunatumia vidakuzi)"
)

# Reader prompts that can sit anywhere: the BBC "Have your say" form, comment-policy blurbs, reader polls.
COMMENT_PROMPT = (
    r"(?i)haveyoursay@|^please include a contact number if you are willing"
    r"|^if you are reading this page and can't see the form"
    r"|^% of readers think this story is|\bcommenting policy\b|^comment policy\s*[:：]|\badd your two cents\b"
    r"|^(?:please )?(?:leave|post) (?:a|your) comment|\blet (?:me|us) know (?:below )?in the comments\b"
    r"|^join the (?:conversation|discussion|debate)\b"
    r"|^laissez (?:un|votre) commentaire|^réagissez\b|^schreiben sie (?:uns )?(?:einen kommentar|ihre meinung)"
    r"|^deja (?:un|tu) comentario"
    r"|^deixe (?:um|o seu) comentário|^lascia un commento|^yorum (?:yap|yazın)|^toa maoni|^ka faallo"
)
# Reader prompts that close a body: "Send us your questions", "Do you have more information about this story?",
# "What claims do you want BBC Reality Check to investigate? Get in touch", "If you have been affected by …".
COMMENT_PROMPT_EDGE = (
    r"(?i)^(?:have you been affected|are you affected|share your (?:experiences?|views|stories|story|thoughts|pictures)"
    r"|send us your (?:questions|stories|views|pictures)|do you have (?:more )?information about this|what (?:claims"
    r"|questions) do you want"
    r"|if you (?:have been|are) affected by|tell us (?:what you think|your)|we want to hear from you|get in touch\b"
    r"|what do you think\?|if you would like to (?:write|submit|contribute)\b)"
    r"|\bget in touch(?: and tell us\b|\.?$)|\b(?:email|e-mail|tweet|message) us (?:at|on)\b"
    r"|^(?:donnez votre avis|dites-nous|diskutieren sie mit|ihre meinung|¿qué opinas|dê a sua opinião|dicci la tua"
    r"|ne düşünüyorsunuz)"
)

# Author bios and contact footers: "Additional reporting by Rob Corp", "Thomas Frank is the author of …", "Michael
# Rubin (@Mrubin1971) is a contributor to …", "You can reach Noel directly …", "About Us:", "Email: sales@…".
AUTHOR_BIO_EDGE = (
    r"^\p{Lu}[\p{L}'’.-]+(?: \p{Lu}[\p{L}'’.-]+){0,3}"
    rf"(?: \(@{HANDLE_CHAR}+\))? (?:is|was|has been|serves as) (?:a|an"
    r"|the) .{0,80}\b"
    r"(?i:writer|author|contributor|contributing|columnist|editor|correspondent|journalist|reporter|blogger|director"
    r"|scholar|professor|fellow|analyst|cpa|founder)\b"
    r"|^\p{Lu}[\p{L}'’.-]+(?: \p{Lu}[\p{L}'’.-]+){0,3} (?:is the author of|writes (?:on|about|for))\b"
    r"|^[\w.-]+\.(?i:com|org|net) is an? (?:independent |non-profit |nonprofit )?.{0,40}(?i:news|agency|organi[sz]ation"
    r"|website|publication)\b"
    r"|^(?i:you can (?:reach|contact|email)) \p{Lu}|^(?i:about (?:us|the authors?|the writer))\s*[:：]?$"
    r"|^(?i:about) \p{Lu}.{0,60}:$"
    r"|^(?i:e-?mail|call|tel|phone|fax|contact(?: details)?|kontakt|téléphone|teléfono|telefone)\s*[:：]\s*(?:[\p{Lu}+(\d]|\S+@)"
    r".{0,80}$|^(?i:contact(?: details)?|kontakt|contacto|contato)\s*[:：]$"
    r"|^(?i:for more information,? (?:please )?(?:visit|go to|contact))\b"
)
# A bio long enough to be a paragraph opens with the role itself, in the present tense: "Jane Doe is a director
# with …", "Jane Doe is a contributing staff writer for …", "Jane Doe (@jdoe) is a contributor to …". A closing
# paragraph about someone in the story says more before the role ("Doe was the keeper of the lighthouse and later
# its director …").
AUTHOR_BIO_LONG = (
    r"^\p{Lu}[\p{L}'’.-]+(?: \p{Lu}[\p{L}'’.-]+){0,3}"
    rf"(?: \(@{HANDLE_CHAR}+\))? is (?:a|an|the) (?:[\p{{L}}-]+ ){{0,3}}"
    r"(?i:writer|author|contributor|columnist|editor|correspondent|journalist|reporter|blogger|director|founder"
    r"|analyst) (?:with|at|of|for|to)\b"
)
# A press release closes with its publisher's description, the organisation named with its acronym: "Example
# Chemical Society, ECS is a chartered membership organization which represents …", "The Example Council (EXC) is a
# non-profit association of …".
ORGANISATION_BIO = (
    r"^(?:The )?\p{Lu}[\p{L}'’.&-]+(?: (?:of|for|and|the|\p{Lu}[\p{L}'’.&-]+)){0,6}(?:, \p{Lu}{2,8},?| \(\p{Lu}{2,8}\))"
    r" is (?:a|an|the) .{0,80}\b(?i:organi[sz]ation|society|association|non-?profit|charity|foundation|institute"
    r"|network|coalition)\b"
)
# A postal address for letters to the writer closing a body (prison writers, small publishers), a US box number
# and ZIP code at its end: "Write to Jane Doe, 12345, P.O. Box 100, Springfield IL 62701."
POSTAL_ADDRESS_FOOTER = r"(?i:\bp\.?\s?o\.? box) \d+,? [^.!?]{2,60}\b\p{Lu}{2}\.? \d{5}(?:-\d{4})?\.?$"
# Corrections appended below the closing bio: "This article was amended on 9 May 2016 to correct a date.",
# "Correction: An earlier version of this story misspelled the mayor's name." They are the article's and stay, but
# they do not end its footer: the bio above them is still the closing block.
CORRECTION_NOTE = (
    r"(?i)^(?:this (?:article|story|piece|post|report|graphic) (?:was|has been) (?:amended|corrected|updated)\b"
    r"|corrections?\s*[:：]|an earlier version of this (?:article|story|piece|post|report|graphic)\b)"
)
CORRECTION_NOTE_MAX_CHARS = 600
# Reporting credits closing a body: "Additional reporting by Rob Corp", "Reporting by …; Editing by …".
REPORTING_CREDIT = (
    r"^(?i:additional reporting|reporting|writing|editing|edited|compiled) (?i:by)\s+\p{Lu}"
    r"|^(?i:mitarbeit|avec la collaboration de|con la colaboración de|con la collaborazione di"
    r"|com colaboração de)\s+\p{Lu}"
)
# Bylines: "By Lisa Haven", "By Jane Doe and John Roe, Associated Press", "By: Jayson Veley / Natural News", "by
# Harvey Organ, Harvey Organ Blog:", "By Marianna Spring, disinformation and social media correspondent", "Analysis
# by Steven McIntosh, entertainment reporter".
BYLINE_LEAD = (
    r"^(?i:(?:analysis|words|text|reporting|report|story|written|interview|photos|texte|bericht) )?(?i:by|von|par|por"
    r"|waxaa qoray)\s*:?\s+"
)
BYLINE_NAME = r"\p{Lu}[\p{L}'’.-]*(?:\s+(?:\p{Lu}[\p{L}'’.-]*|de|van|von|der|da|al|bin|ibn|dos|del)){0,4}"
BYLINE = (
    rf"{BYLINE_LEAD}{BYLINE_NAME}(?:\s+(?:and|&|und|et|y|e)\s+{BYLINE_NAME}){{0,3}}"
    rf"(?:\s*(?:,|/|–|—|-)\s*(?:\p{{Lu}}[\p{{L}}.'’-]*(?:\s+\p{{Lu}}[\p{{L}}.'’-]*){{0,4}}"
    rf"|(?i:.{{0,60}}\b(?:correspondent|reporter|editor|writer|columnist|contributor|journalist|producer|analyst|blog"
    rf"|news|staff))):?)?$"
)
# Blog post metadata: "Posted on July 29, 2016 by Baxter Dmitry in News, US // 0 Comments".
POSTED_BY = (
    r"^(?i:posted|published|publié|veröffentlicht|publicado) (?i:on|at|le|am|el) .{4,40}\b(?i:by|par|von|por) \p{Lu}.{0,80}$"
)

# Page furniture: breadcrumbs, "Continue reading the main story", tag and category footers.
NAVIGATION = (
    r"(?i)^(?:home|startseite|accueil|inicio|início|home page|anasayfa|ana sayfa|nyumbani|bogga hore)\s*[»›>|/]\s*\S"
    r"|^(?:continue reading(?: the main story)?|skip to (?:main )?content|back to top|zurück nach oben|retour en haut"
    r"|volver arriba)$"
)
NAVIGATION_EDGE = (
    r"(?i)^(?:filed under|tags?|tagged(?: with)?|categories|category|topics|schlagwörter|themen|étiquettes|mots-clés"
    r"|etiquetas|temas"
    r"|tag|argomenti|etiketler|konular|mada|vitambulisho)\s*[:：]\s*\S"
)

# Bare links, handles and hashtag-only lines: "https://www.youtube.com/watch?v=…", "vimeo.com/…", "@BBCNews".
BARE_URL = (
    r"(?i)^(?:https?://|www\.)\S+$|^[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|co\.uk|de|fr|es|it|com\.tr|co\.ke|info|io|tv"
    r"|news)(?:/\S*)?$"
    rf"|^@{HANDLE_CHAR}{{2,30}}$|^(?:#[\p{{L}}\p{{N}}_]+\s*)+$"
)

# A link the scraper cut short with an ellipsis, the next link's label run on: "http://en.example.org…Plastics site:".
TRUNCATED_LINK = r"^(?:https?://|www\.)[^\s…]+…"
# A site name alone in brackets, crediting the post it closes: "(examplesite.com)".
BRACKETED_SITE = r"(?i)^\((?:https?://)?(?:www\.)?[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|co\.uk|info|news|tv)/?\)$"
# A link alone on its line, or a "Source: <link>" credit: the short line right above it is the link's label, as in
# source lists ("Ocean plastic soup:" over "http://…") and blog footers (the blog's name over "Source: http://…").
LINK_LINE = rf"(?i)^(?:(?:sources?|via)\s*[:：]\s*)?(?:https?://|www\.)\S+$|{TRUNCATED_LINK}"
# A link's label: short and not a sentence (no full stop, question or exclamation mark in it, except inside a name
# such as "Example.com"): "It is 9 PM. Link to Audio" above a link is a sentence and stays.
# A numbered or bulleted item above its link ("3) Example Lego set", a shop link under it) is a list the article
# makes, not a credit: a label starts with neither.
LINK_LABEL = r"^[^\d\-•*–—·▪►.!?](?:[^.!?]|\.\w)+[^.!?;\x22”»]$"

# Messages an embedded player leaves in the text: "There was an error", "This video can not be played", "Media
# playback is unsupported on your device". MasakhaNEWS lines lose a leading "The" ("re was an error").
MEDIA_PLAYER_MESSAGE = (
    r"(?i)^(?:(?:the)?re was an error|this video can ?not be played|media playback is (?:unsupported|not supported)"
    r" on your device|your browser does not support (?:the )?(?:video|audio)(?: tag| element| player)?)\.?$"
)
# A clip's running time alone on a line under its player: "3:02".
MEDIA_DURATION = r"^\d{1,2}:\d{2}(?::\d{2})?$"
# Image file names and slugs left where the picture was: "673-mayor-budget-vote", "crowd_at_the_rally_2016.jpg". A
# slug has a word of three letters or more in one of its three or more parts; "3-6-16" is a date.
IMAGE_FILENAME = (
    r"(?i)^\S+\.(?:jpe?g|png|gif|webp)$"
    r"|^[a-z0-9]*[a-z]{3}[a-z0-9]*(?:[-_][a-z0-9]+){2,}$"
    r"|^[a-z0-9]+[-_][a-z0-9]*[a-z]{3}[a-z0-9]*(?:[-_][a-z0-9]+)+$"
    r"|^[a-z0-9]+(?:[-_][a-z0-9]+)+[-_][a-z0-9]*[a-z]{3}[a-z0-9]*(?:[-_][a-z0-9]+)*$"
)

# NYT "Related Coverage" items: a headline followed by its date in capitals, "Why Voters Stayed Home OCT. 8, 2016".
DATED_HEADLINE = (
    r"^.{10,150}[^.!?] (?:JAN|FEB|MARCH|APRIL|MAY|JUNE|JULY|AUG|SEPT|OCT|NOV|DEC)\.? \d{1,2}, (?:19|20)\d{2}$"
)
# Links to other stories set in square brackets between paragraphs (Washington Post): "[Senate passes the budget]".
# One headline: no digits (a bracketed "[January 24, 2018 - example.net]" is a dateline) and no full stop before its
# end (a bracketed note of several sentences is the author's).
# At most 200 characters inside the brackets: the rule's 202-character line limit says it (a bound in the pattern
# itself compiles to 200 copies of the class, ~7 ms every batch).
BRACKETED_LINK = r"^\[[^\[\]\d.]{15,}\.?\]$"
# Pointers that end in "here": "We've got the latest from Kyiv here.", "Read the full report here", "Follow live
# updates here".
RELATED_HERE = (
    r"(?i)^(?:we(?:'ve|’ve| have) got|you can (?:read|find|follow|watch|get)|read|find|follow|watch|get)"
    r" (?:the |all the |our |more )?(?:latest|full|live|more|all)\b.{0,100}\bhere\.?$"
)

# TV-channel promos: "Example TV is available on DirecTV Ch. 349, …", "For more places to find Example TV – Click
# Here Now".
CHANNEL_PROMO = (
    r"(?i)\bis (?:now )?available on (?:directv|dish|u-verse|fios|xfinity|comcast|sky|freeview|roku)\b.{0,20}\bch(?:annel"
    r"|\.)\s*\d|\bclick here now!?$"
)

# Sign-offs of share pleas closing a post: "You can even start your own conversation by sharing this information",
# "Thank you for reading", "Thank You!".
SHARE_SIGNOFF = (
    r"(?i)\bby sharing this (?:information|article|post|story|video)\b|^(?:thank you|thanks) for (?:reading|sharing"
    r"|your support)\b"
)
THANKS_LINE = r"(?i)^(?:thank you|thanks)(?: so much)?[.!]*$"

# Heads of the closing section of a press release or a blog post, where everything below is about the publisher:
# "About Us:", "About Example Outdoors, an Example Brands Company:", "Contact Details:", "Media contact:".
ABOUT_SECTION_LEAD = (
    r"^(?i:about us|about the (?:author|authors|company|publisher))\s*[:：]?$|^(?i:about) \p{Lu}[^.!?]{0,80}:$"
    r"|^(?i:contact details|contact information|media contacts?|press contacts?|corporate office"
    r"|for media inquiries)\s*[:：]$"
)
# Heads of a closing list of the publisher's other sites and resources: "Recommended Resources", "Further reading:".
RESOURCES_SECTION_LEAD = (
    r"(?i)^(?:recommended (?:resources|reading|sites)|further reading|more resources|useful resources"
    r"|ressources recommandées|pour aller plus loin|weiterführende links|lecturas recomendadas|leituras recomendadas"
    r"|letture consigliate)\s*[:：]?$"
)
# A closing section has at most this many non-empty lines, its head included.
SECTION_MAX_LINES = 12

# A gallery caption cut short above its full version is at most this long.
TRUNCATED_CAPTION_MAX_CHARS = 150

# USA Today photo galleries: the viewer's controls and counter, each alone on its line ("Fullscreen", "Next Slide",
# "38 Photos"). Between its first "Fullscreen" and its "Next Slide" the gallery is captions, full and cut short, with
# "1 of 38" glued to one of them.
GALLERY_CONTROL = r"^(?:Fullscreen|Next Slide|\d{1,3} Photos)$"
GALLERY_OPEN = r"^Fullscreen$"
GALLERY_CLOSE = r"^(?:Next Slide|\d{1,3} Photos)$"
# A gallery caption is at most this long; a longer line between the controls is a paragraph, and then there is no
# gallery to remove.
GALLERY_LINE_MAX_CHARS = 300
# The gallery's title, right above its first control and repeated right below its last, is at most this long.
GALLERY_TITLE_MAX_CHARS = 150

# A related-list item: short, and not a sentence or a quote (those end in punctuation).
LIST_ITEM = r"^.{3,}[^.!?:;\x22”»'’…]$"
# A list may give each headline's link on a line of its own ("Links", "https://example.org/", "Example headline"):
# the links are the list's too, and do not count among its items.
LIST_LINK = rf"{BARE_URL}|{TRUNCATED_LINK}"

# A caption title right above its credit line, or a clip title next to its player label: short, not a sentence.
CAPTION_TITLE = r"^.{3,}[^.!?:;\x22”»]$"

# A box set into the text (related-story links, a picture's caption and credit, a pull quote and its speaker) comes
# out of the page as lines packed together, while the article's own paragraphs are set apart by blank lines:
# "Warrant Related to Clinton Emails to Be Unsealed Tuesday" / "FBI Says Review of New Emails Doesn't Change …" with
# no blank line between them, nor below them. The layout is the evidence, with the lines' own shape: two or more such
# lines in a row, none ending a sentence. Only in an article whose paragraphs are set apart (at least this share of
# its line breaks are blank lines, over at least this many breaks): in one that packs every line, packing says nothing.
EMBEDDED_BOX_REASON = "embedded_box"
EMBEDDED_BOX_MIN_BLANK_SHARE = 0.8
EMBEDDED_BOX_MIN_BREAKS = 4
EMBEDDED_BOX_MIN_LINES = 2
EMBEDDED_BOX_MAX_CHARS = 200
# A line of a box does not end a sentence or a quote; a closing quote lost in decoding (U+FFFD) counts as one.
BOX_LINE = r"[^.!?:;…\x22”’'»)\]\x{FFFD}]$"
# What packs lines for reasons of its own and stays: list items ("- Perjury", "2) Obstruction"), the items under a
# lead that ends in a colon, and an embedded tweet, which is quoted text ("… — Jane Doe (@jdoe) December 22, 2016").
LIST_BULLET = r"^(?:[-•*–—·▪►]|\d{1,2}[.)])"
LIST_INTRO = r":$"
TWEET_SIGNATURE = rf"\(@{HANDLE_CHAR}{{1,30}}\) \p{{Lu}}\p{{Ll}}+\.? \d{{1,2}}, \d{{4}}$"

# A short line alone among the closing block's boilerplate, its last kept line: "Ideas matter: These actions make YOU
# more powerful …" between a share bar and "Join the conversation", a blogger's tag line between "Follow @…" and the
# comment prompt. It goes with the block when the line above it is of a closing kind, at least this many lines below
# it are all boilerplate, and the article has this many kept lines above it: so a short article's one paragraph, or
# a last paragraph under a mid-body caption, stays.
FOOTER_BLOCK_REASON = "footer_block"
FOOTER_BLOCK_KINDS = (
    "advertisement", "author_bio", "bare_url", "comment_prompt", "copyright", "navigation", "newsletter_promo",
    "share_prompt", "social_follow", "source_credit",
)
FOOTER_BLOCK_MIN_LINES_BELOW = 2
FOOTER_BLOCK_MIN_KEPT_ABOVE = 3
FOOTER_BLOCK_MAX_CHARS = 120

RULES: tuple[LineRule, ...] = (
    # "RELATED NEWS : Turks protest as …" sits between paragraphs anywhere in a scraped body.
    LineRule("related_headline", rf"(?i)^(?:{RELATED_LEADS})\s*[:：»>|–—-]\s*\S", ANYWHERE, 300),
    # "You may also be interested in:", "RELATED COVERAGE", "Useful links": the lead of a list of links.
    LineRule("related_headline", RELATED_LEAD_ONLY, ANYWHERE, 60),
    # "Read more from Reality Check", "Read more about his campaign against the Russian war here".
    LineRule("related_headline", RELATED_POINTER, ANYWHERE, 160),
    # "See our full list of activity guides …" closing a body.
    LineRule("related_headline", RELATED_OUTRO, EDGE, 200),
    # "SOURCE : AP NEWS/TIMES OF ISRAEL | Follow Us: …" closes the seed article; also "Quelle: dpa".
    LineRule("source_credit", rf"^(?i:{SOURCE_LEADS})\s*[:：]\s*{CREDIT_START}", EDGE, 250),
    # "Source: http://…" alone, "The post … appeared first on …": credits wherever the scraper put them.
    LineRule("source_credit", SOURCE_LINK_ONLY, ANYWHERE, 300),
    LineRule("source_credit", SYNDICATION_FOOTER, ANYWHERE, 400),
    # "Delivered by The Daily Sheeple", "Credit to Infowars", "… is a post from Cop Block": footers only.
    LineRule("source_credit", SYNDICATION_EDGE, EDGE, 300),
    # "h/t Example Daily" wherever it stands.
    LineRule("source_credit", HAT_TIP, ANYWHERE, 120),
    # "Follow us on Twitter @BBCNewsEnts and on Facebook".
    LineRule("social_follow", rf"(?i)^(?:{FOLLOW_LEADS})\b", EDGE, 250),
    # "Follow BBC West on Facebook, Twitter and Instagram. Send your story ideas to …" closing a body; mid-body the
    # same words may be a quoted appeal. A lone "Follow" button is an embed anywhere.
    LineRule("social_follow", FOLLOW_ON_NETWORK, EDGE, 250),
    LineRule("social_follow", FOLLOW_BUTTON, ANYWHERE, 40),
    # "You can follow Jane on Twitter @janedoe" between two sections of a BBC piece.
    LineRule("social_follow", FOLLOW_HANDLE, ANYWHERE, 160),
    # A line made only of network names: "Facebook | Instagram | Twitter | Youtube".
    LineRule("social_follow", rf"(?i)^(?:(?:{NETWORKS})\s*[|,/•·]\s*)+(?:{NETWORKS})$", ANYWHERE, 150),
    # "Share this article: Facebook | X | WhatsApp | Email", "Partager cet article : …".
    LineRule("share_prompt", rf"(?i)^(?:{SHARE_LEADS})\b", ANYWHERE, 150),
    # "Facebook Link: http://…", "Spread the word! LIKE and SHARE this article …" (long pleas, specific words).
    LineRule("share_prompt", SHARE_WIDGET, ANYWHERE, 700),
    # "Subscribe to our newsletter for daily updates." inserted between paragraphs.
    LineRule("newsletter_promo", rf"(?i)^(?:{NEWSLETTER_LEADS})\b", ANYWHERE, 200),
    # "Donate now" closing a post.
    LineRule("newsletter_promo", DONATE_LEADS, EDGE, 200),
    # "Photo: Reuters", "Foto: dpa/Jane Doe", "(Photo credit: AFP)".
    LineRule("photo_credit", rf"(?i)^\(?(?:{PHOTO_WORDS})\s*(?:credit)?\s*[:：/©]", ANYWHERE, 160),
    # A caption that ends with an agency photo credit: "Delegates arrive on Monday. (AP Photo/Jane Doe)".
    LineRule("photo_credit", rf"{PHOTO_AGENCY_CREDIT}\.?$", ANYWHERE, 400),
    # "… (Photo: Paul Sancya, AP)", "Photo by Joe Raedle/Getty Images", "WATCH: …", "Play VIDEO".
    LineRule("photo_credit", CAPTION_CREDIT, ANYWHERE, 400),
    LineRule("photo_credit", PHOTO_CREDIT_LINE, ANYWHERE, 120),
    # "“Harvest Moon” – Art: Jane Doe, Springfield. …", "Marchers reach the bridge – Photo: John Roe".
    LineRule("photo_credit", DASH_CREDIT, ANYWHERE, 400),
    # BBC: "… in Dallas.Image copyrightGETTY IMAGES", "Image caption", "Media caption Who is …".
    LineRule("photo_credit", BBC_IMAGE_COPYRIGHT, ANYWHERE, 300),
    LineRule("photo_credit", BBC_CAPTION_LINE, ANYWHERE, 300),
    # USA Today galleries: "Fullscreen", "Next Slide", "38 Photos" wherever they are left.
    LineRule("photo_credit", GALLERY_CONTROL, ANYWHERE, 20),
    LineRule("photo_credit", MEDIA_EMBED, ANYWHERE, 200),
    LineRule("photo_credit", MEDIA_CAPTION_LEAD, ANYWHERE, 200),
    # "Filmed and edited by Yadeta Berhanu" under a video piece.
    LineRule("photo_credit", PRODUCTION_CREDIT, EDGE, 120),
    # "Listen to Newsbeat live at 12:45 …", "Watch on BBC iPlayer (UK Only)"; "Stay tuned to NaturalNews.com …" last.
    LineRule("media_promo", MEDIA_PROMO, ANYWHERE, 200),
    LineRule("media_promo", MEDIA_PROMO_EDGE, EDGE, 300),
    # "Advertisement", "Headline: …!", "Purchase a copy of this report @ http://…".
    LineRule("advertisement", ADVERTISEMENT, ANYWHERE, 200),
    LineRule("advertisement", REPORT_SALES, ANYWHERE, 500),
    # "Copyright (c) … All rights reserved.", cookie banners: footers and headers only.
    LineRule("copyright", COPYRIGHT, EDGE, 400),
    LineRule("cookie_notice", COOKIE_NOTICE, EDGE, 400),
    # "… emailing haveyoursay@bbc.co.uk.", "% of readers think this story is Fact."; "Send us your questions" last.
    LineRule("comment_prompt", COMMENT_PROMPT, ANYWHERE, 400),
    LineRule("comment_prompt", COMMENT_PROMPT_EDGE, EDGE, 300),
    # "By Lisa Haven", "Posted on July 29, 2016 by …"; "Thomas Frank is the author of …" only in the footer.
    LineRule("author_bio", BYLINE, ANYWHERE, 120),
    LineRule("author_bio", POSTED_BY, ANYWHERE, 160),
    LineRule("author_bio", REPORTING_CREDIT, FOOTER, 200),
    LineRule("author_bio", AUTHOR_BIO_EDGE, FOOTER, 400),
    # "Jane Doe is a senior writer with the Example Review, …" running on for several sentences.
    LineRule("author_bio", AUTHOR_BIO_LONG, FOOTER, 1000),
    LineRule("author_bio", ORGANISATION_BIO, FOOTER, 1000),
    # "Write to Jane Doe, 12345, P.O. Box 100, Springfield IL 62701." closing a body.
    LineRule("author_bio", POSTAL_ADDRESS_FOOTER, FOOTER, 250),
    # "Home » News » …", "Continue reading the main story"; "Filed under: …" at the edges.
    LineRule("navigation", NAVIGATION, ANYWHERE, 200),
    LineRule("navigation", NAVIGATION_EDGE, EDGE, 600),
    # "https://www.youtube.com/watch?v=…" alone on its line; "http://example.org…Next label:" cut short by the scraper.
    LineRule("bare_url", BARE_URL, ANYWHERE, 300),
    LineRule("bare_url", TRUNCATED_LINK, ANYWHERE, 300),
    # "(examplesite.com)" under a byline or closing a post.
    LineRule("source_credit", BRACKETED_SITE, ANYWHERE, 80),
    # "There was an error", "3:02" and image file names where a clip or picture was embedded.
    LineRule("photo_credit", MEDIA_PLAYER_MESSAGE, ANYWHERE, 120),
    LineRule("photo_credit", MEDIA_DURATION, ANYWHERE, 10),
    LineRule("photo_credit", IMAGE_FILENAME, ANYWHERE, 200),
    # "Why Voters Stayed Home OCT. 8, 2016", "[Senate passes the budget]", "We've got the latest … here.".
    LineRule("related_headline", DATED_HEADLINE, ANYWHERE, 170),
    LineRule("related_headline", BRACKETED_LINK, ANYWHERE, 202),
    LineRule("related_headline", RELATED_HERE, ANYWHERE, 160),
    # "More reads from this author! Click Here!" closing a post: the link's text, the link itself gone.
    LineRule("related_headline", CLICK_HERE_OUTRO, EDGE, 200),
    # "… is available on DirecTV Ch. 349 …", "… – Click Here Now".
    LineRule("media_promo", CHANNEL_PROMO, ANYWHERE, 400),
    # "… by sharing this information", "Thank you for reading"; a bare "Thank You!" only in a footer.
    LineRule("share_prompt", SHARE_SIGNOFF, ANYWHERE, 200),
    LineRule("share_prompt", THANKS_LINE, FOOTER, 30),
)

NEIGHBOUR_RULES: tuple[NeighbourRule, ...] = (
    # CBS: the clip title above and below "Play VIDEO"; NYT: the title around "Video".
    NeighbourRule("photo_credit", r".", MEDIA_LABEL, 1, 150),
    NeighbourRule("photo_credit", r".", MEDIA_LABEL, -1, 150),
    # WaPo: the caption below "… Play Video1:01"; NBC: the "title 1:42" line below "… Google Plus Embed".
    NeighbourRule("photo_credit", r".", r"(?i)play video\s*\d{1,2}:\d{2}$", -1, 400),
    NeighbourRule("photo_credit", r"\d{1,2}:\d{2}$", r"(?i)facebook twitter google plus embed$", -1, 200),
    # Getty captions: "Donald Trump Campaigns Across New Hampshire …" right above "Photo by Joe Raedle/Getty Images".
    NeighbourRule("photo_credit", CAPTION_TITLE, PHOTO_CREDIT_LINE, 1, 150),
    # BBC: the caption right below a lone "Image caption" marker.
    NeighbourRule("photo_credit", r".", BBC_CAPTION_MARKER, -1, 250),
    # A share bar of one button a line: "Facebook", "Twitter", "Google+", "LinkedIn".
    NeighbourRule("share_prompt", SHARE_BUTTON, SHARE_BUTTON, 1, 20),
    NeighbourRule("share_prompt", SHARE_BUTTON, SHARE_BUTTON, -1, 20),
    # Guardian: the related headline right above a lone "Read more".
    NeighbourRule("related_headline", LIST_ITEM, r"(?i)^read more$", 1, 150),
    # BBC programme promos: title and blurb above "Watch on BBC iPlayer (UK Only)".
    NeighbourRule("media_promo", r".", MEDIA_PROMO_CALL, 1, 300),
    NeighbourRule("media_promo", CAPTION_TITLE, MEDIA_PROMO_CALL, 2, 100),
    # Source lists and blog footers: "Ocean plastic soup:" right above its link, a blog's name above "Source: http://…".
    NeighbourRule("source_credit", LINK_LABEL, LINK_LINE, 1, 80),
)

LIST_RULES: tuple[ListRule, ...] = (
    # "Read more about:" / "RELATED COVERAGE" / "You may also be interested in:" and the headlines under it.
    ListRule("related_headline", RELATED_LIST_LEAD, LIST_ITEM, 3, 120),
)

BLOCK_RULES: tuple[BlockRule, ...] = (
    # USA Today: a photo gallery from its first "Fullscreen" to its "Next Slide", and its title around it.
    BlockRule("photo_credit", GALLERY_OPEN, GALLERY_CLOSE, GALLERY_LINE_MAX_CHARS, GALLERY_TITLE_MAX_CHARS),
)

SECTION_RULES: tuple[SectionRule, ...] = (
    # Press releases and blogs close with "About Us:" / "Contact Details:" and the publisher's blurb, names, address.
    SectionRule("author_bio", ABOUT_SECTION_LEAD, SECTION_MAX_LINES, 1500),
    # Blogs close with "Recommended Resources" and a blurb for each of the network's other sites.
    SectionRule("related_headline", RESOURCES_SECTION_LEAD, SECTION_MAX_LINES, 400),
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

# A text file's first line is its headline when it reads as one and a blank line sets it apart from the body, as
# plain-text exports write it ("Ad sales boost Time Warner profit", blank line, "Quarterly profits at …"): 2 to 20
# words, no sentence or clause punctuation at its end (a question or an exclamation is a headline's). It moves to
# `title`, and to `removed_lines` with TITLE_REASON. A body without blank lines (what cleaning returns) never has one,
# so cleaning clean text finds no second title.
TITLE_REASON = "title"
HEADLINE = r"^[\p{Lu}\p{N}\x22“‘'«¿¡].{0,198}[^.,;:–—-]$"
HEADLINE_MAX_CHARS = 200
HEADLINE_WORDS = (2, 20)
# The body's first line when it only repeats the title the input gave (a page's or a feed's headline, written again
# above the text): compared on lower-case letters and digits only.
REPEATED_TITLE_REASON = "repeated_title"

# Who wrote it, from a byline line ("By Jane Doe and John Roe, Associated Press", "By: Jane Doe / Example News"):
# the names before the first separator go to `byline`, split on "and"; after the separator comes an affiliation, an
# agency (to `agencies`) or a role ("Example correspondent"), never counted as an author. A "name" that is a known
# agency ("By Reuters") is an agency too, and one with a web address or a possessive ("Jane Doe’s Example.com") is
# no person's name.
BYLINE_SEPARATOR = r"\s*(?:,|/|–|—|\s-\s|:$)\s*"
BYLINE_AUTHOR_SEPARATOR = r"\s+(?:and|&|und|et|y|e|na)\s+"
NOT_A_NAME = r"(?i)\.(?:com|org|net|co\.uk)\b|['’]s\b|\d"

# Every reason a removed line can carry; the warehouse check `assert_removed_lines_have_known_reason` accepts these.
REASON_CODES: tuple[str, ...] = tuple(
    sorted(
        {rule.reason for rule in (*RULES, *NEIGHBOUR_RULES, *LIST_RULES, *BLOCK_RULES, *SECTION_RULES)}
        | {EMBEDDED_BOX_REASON, FOOTER_BLOCK_REASON, TITLE_REASON, REPEATED_TITLE_REASON}
    )
)


@dataclass(frozen=True)
class CleanResult:
    articles: pl.DataFrame  # doc_id, title (the one given, or the headline line), body_clean, dateline, agencies, byline
    lines: pl.DataFrame  # doc_id, line_no, text, reason (null where kept)
    related_headlines: pl.DataFrame  # doc_id, headline_no, headline


_BOUNDED_REPETITION = re.compile(r"\{(\d+),\d+\}")


def _contains(line: pl.Expr, pattern: str) -> pl.Expr:
    """`line.str.contains(pattern)` (a null line contains nothing), in two steps where `_loosened` changes the
    pattern: the loosened pattern first, the exact one only on the lines it matches, and only if there are any.

    Polars compiles every pattern again for each batch: its cache holds 32 a thread, and cleaning uses ~150. The
    exact line rules took ~125 ms a batch to compile and their loosened forms ~90; over MasakhaNEWS's 11 batches
    only 56 of 755 calls here needed the exact pattern at all, so most are never compiled. And a loosened
    pattern runs fast where the exact one is slow: Rust's regex engine cannot run a Unicode word boundary (`\\b`)
    in its fast DFA once a line holds a non-ASCII character and falls back to an engine 20-50 times slower, so
    the exact pattern sees every other line as an empty string."""
    loose = _loosened(pattern)
    if loose == pattern:
        return line.str.contains(pattern).fill_null(False)
    # Whole columns in, whole columns out: the function runs the two native matches, never a row in Python.
    return line.map_batches(
        partial(_contains_exactly, pattern, loose), return_dtype=pl.Boolean, is_elementwise=True
    )


def _contains_exactly(pattern: str, loose: str, lines: pl.Series) -> pl.Series:
    may_match = lines.str.contains(loose).fill_null(False)
    if not may_match.any():
        return may_match
    candidates = pl.select(pl.when(may_match).then(lines).otherwise(pl.lit("")).str.contains(pattern)).to_series()
    return may_match & candidates


def _loosened(pattern: str) -> str:
    """`pattern` without its word boundaries and with each bounded repetition `{m,n}` (outside a class) made `{m,}`:
    it matches every line `pattern` matches, and more. A bounded repetition is compiled as n copies of what it
    repeats, so the loosened pattern also compiles faster."""
    out, index, class_depth = [], 0, 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            escape = pattern[index : index + 2]
            out.append("" if escape == r"\b" and class_depth == 0 else escape)
            index += 2
            continue
        bounded = _BOUNDED_REPETITION.match(pattern, index) if char == "{" and class_depth == 0 else None
        if bounded:
            out.append(f"{{{bounded.group(1)},}}")
            index = bounded.end()
            continue
        if char == "[":
            class_depth += 1
        elif char == "]" and class_depth > 0:
            class_depth -= 1
        out.append(char)
        index += 1
    return "".join(out)


def _line_matches(line: pl.Expr, pattern: str, max_chars: int) -> pl.Expr:
    """`line` is at most `max_chars` long and matches `pattern`.

    A longer line is handed to the pattern as an empty string: the paragraphs a rule cannot fire on hold most of
    the text, and were half of the line rules' time. (Not as a null: the string kernels run over the values under
    a null too.)"""
    short = line.str.len_chars() <= max_chars
    return short & _contains(pl.when(short).then(line).otherwise(pl.lit("")), pattern)


def _at(expr: pl.Expr, offset: int) -> pl.Expr:
    """`expr` on the line `offset` lines away in the same document; null past its first or last line.

    Lines of a document are contiguous after the explode, so a plain shift checked against the doc_id is enough and
    much cheaper than a window over every document."""
    return pl.when(pl.col("doc_id").shift(-offset) == pl.col("doc_id")).then(expr.shift(-offset))


def _block_column(index: int) -> str:
    return f"_block_{index}"


def _list_column(index: int) -> str:
    return f"_list_{index}"


def _mark_lists(lines: pl.DataFrame) -> pl.DataFrame:
    """Add a boolean column `_list_<i>` per list rule: the items right under a list lead, up to `max_items` headlines,
    the link lines among them not counted.

    Built from running counts, as columns: as one expression per distance from the lead it grows with the square of
    the list's length."""
    line = pl.col("text")
    first_of_doc = _at(pl.col("line_no"), -1).is_null()
    for index, rule in enumerate(LIST_RULES):
        is_lead = _contains(line, rule.lead)
        is_link = _contains(line, LIST_LINK)
        is_item = (_line_matches(line, rule.item, rule.max_chars) | is_link) & ~is_lead
        is_headline = (is_item & ~is_link).cast(pl.Int32)
        lines = lines.with_columns(
            is_lead.alias("_lead"),
            is_item.alias("_item"),
            is_headline.alias("_headline"),
            pl.int_range(pl.len()).alias("_row"),
        ).with_columns(pl.col("_headline").cum_sum().alias("_headlines"))
        names = ("_lead", "_item", "_headlines", "_headline", "_row")
        lead, item, headlines, headline, row = (pl.col(name) for name in names)
        # A lead opens a run of items; a line that is no item, or the first line of a document, shuts it.
        starts = lead | ~item | first_of_doc
        headlines_above = headlines - headline - pl.when(starts).then(headlines).forward_fill()
        distance = row - pl.when(starts).then(row).forward_fill()
        in_list = pl.when(starts).then(lead).forward_fill() & (headlines_above < rule.max_items)
        lines = lines.with_columns(
            (item & in_list & (distance <= 2 * rule.max_items)).alias(_list_column(index))
        ).drop(names)
    return lines


def _mark_blocks(lines: pl.DataFrame) -> pl.DataFrame:
    """Add a boolean column `_block_<i>` per block rule: the lines from an opening marker down to the closing markers
    after it, and the block's title around them.

    Every line from marker to marker is short and none is set apart by a blank line: a scraper keeps the lines of one
    widget together, and where the article's paragraphs are set apart a paragraph never joins the block. The title
    counts only when the same line stands right above the opening and right below the closing markers. Built in
    steps, as columns, and only for a batch that has an opening marker at all: most have none."""
    line, line_no = pl.col("text"), pl.col("line_no")
    for index, rule in enumerate(BLOCK_RULES):
        name = _block_column(index)
        if not lines.select(_contains(line, rule.opens).any()).item():
            lines = lines.with_columns(pl.lit(False).alias(name))
            continue
        # At the first and last line of a document there is no line before or after: a break, so no state leaks
        # between documents and no window over every document is needed.
        lines = lines.with_columns(
            _contains(line, rule.opens).alias("_opens"),
            _contains(line, rule.closes).alias("_closes"),
            (line_no - _at(line_no, -1) > 1).fill_null(True).alias("_blank_before"),
            (_at(line_no, 1) - line_no > 1).fill_null(True).alias("_blank_after"),
            (line.str.len_chars() > rule.max_chars).alias("_breaks"),
        )
        opens, closes, blank_before, blank_after, breaks = (
            pl.col(column) for column in ("_opens", "_closes", "_blank_before", "_blank_after", "_breaks")
        )
        after_close = _at(closes, -1).fill_null(False) & ~closes
        # Going down, an opening marker opens; a long line, a blank line above or the end of the closing markers
        # shuts. Going up, a closing marker is ahead; a long line or a blank line below cuts this line off from it.
        opened = pl.when(opens).then(True).when(breaks | blank_before | after_close).then(False).forward_fill()
        closed_ahead = pl.when(closes).then(True).when(breaks | blank_after).then(False).backward_fill()
        lines = lines.with_columns(
            (opened.fill_null(False) & closed_ahead.fill_null(False)).alias("_in_block"),
            after_close.alias("_after_close"),
        )
        in_block, after_close = pl.col("_in_block"), pl.col("_after_close")
        # The line right above a block (above its first opening marker) and the line right below it, as hashes:
        # each is carried to the other to compare them.
        starts_below = _at(opens & in_block, 1).fill_null(False) & ~in_block & ~blank_after
        ends_above = after_close & _at(in_block, -1).fill_null(False) & ~blank_before
        lines = lines.with_columns(
            pl.when(starts_below).then(line.hash()).alias("_above"),
            pl.when(ends_above).then(line.hash()).alias("_below"),
        )
        above, below = pl.col("_above"), pl.col("_below")
        first_of_doc = _at(line_no, -1).is_null()
        title_above = pl.when(above.is_not_null()).then(above).when(first_of_doc).then(pl.lit(0, dtype=pl.UInt64))
        title_below = pl.when(below.is_not_null()).then(below).when(first_of_doc).then(pl.lit(0, dtype=pl.UInt64))
        same_line_around = (above == title_below.backward_fill()) | (below == title_above.forward_fill())
        # The title's shape is checked on those few lines only: over every line of a batch it costs ~0.2 s.
        candidate = pl.when(same_line_around.fill_null(False)).then(line).otherwise(pl.lit(""))
        is_title = same_line_around & _line_matches(candidate, CAPTION_TITLE, rule.title_max_chars)
        lines = lines.with_columns((in_block | is_title.fill_null(False)).alias(name)).drop(
            "_opens", "_closes", "_blank_before", "_blank_after", "_breaks", "_in_block", "_after_close", "_above",
            "_below",
        )
    return lines


def _conditions(line: pl.Expr) -> list[tuple[str, str, pl.Expr]]:
    """(reason, scope, condition) for every rule in priority order: line, neighbour, list, block, then section rules."""
    conditions = [(rule.reason, rule.scope, _line_matches(line, rule.pattern, rule.max_chars)) for rule in RULES]
    for rule in NEIGHBOUR_RULES:
        neighbour_matches = _at(_contains(line, rule.neighbour), rule.offset).fill_null(False)
        line_matches = _line_matches(line, rule.pattern, rule.max_chars)
        conditions.append((rule.reason, ANYWHERE, line_matches & neighbour_matches))
    # USA Today galleries: a caption cut short ("Donald Trump speaks at a campaign rally in Grand Rapids,") right above
    # the full caption, which starts with the same words and ends in its credit.
    following = _at(line, 1)
    truncated_caption = (
        following.str.starts_with(line.str.strip_chars_end(" ,;:")).fill_null(False)
        & _contains(following, CAPTION_CREDIT).fill_null(False)
        & (line.str.len_chars() < following.str.len_chars().fill_null(0))
        & (line.str.len_chars() <= TRUNCATED_CAPTION_MAX_CHARS)
    )
    conditions.append(("photo_credit", ANYWHERE, truncated_caption))
    # An embedded story card: the title right above the same title under its label, and the labelled title below it.
    labelled = line.str.contains(EMBED_CARD_LABEL)
    short = line.str.len_chars() <= EMBED_CARD_MAX_CHARS
    card_title = (_at(labelled, 1) & (_at(line.str.replace(EMBED_CARD_LABEL, ""), 1) == line)).fill_null(False)
    card_label = (labelled & (line.str.replace(EMBED_CARD_LABEL, "") == _at(line, -1))).fill_null(False)
    conditions.append(("related_headline", ANYWHERE, short & (card_title | card_label)))
    # List and block rules are marked beforehand, in steps (`_mark_lists`, `_mark_blocks`).
    for index, rule in enumerate(LIST_RULES):
        conditions.append((rule.reason, ANYWHERE, pl.col(_list_column(index))))
    for index, rule in enumerate(BLOCK_RULES):
        conditions.append((rule.reason, ANYWHERE, pl.col(_block_column(index))))
    # Lines counted from the end of their document, the last one 1 (empty lines are already gone).
    from_end = pl.int_range(pl.len(), 0, -1).over("doc_id")
    for rule in SECTION_RULES:
        opens = _contains(line, rule.lead) & (from_end <= rule.max_lines)
        in_section = opens.cast(pl.Int32).cum_max().over("doc_id") == 1
        conditions.append((rule.reason, ANYWHERE, in_section & (line.str.len_chars() <= rule.max_chars)))
    return conditions


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
    lines = _mark_lists(_mark_blocks(lines))
    conditions = _conditions(pl.col("text"))
    names = [f"_rule_{index}" for index in range(len(conditions))]
    lines = lines.with_columns(condition.alias(name) for name, (_, _, condition) in zip(names, conditions))
    # A line is in an edge block when it and every line between it and the edge could be boilerplate; a correction
    # note is kept but does not end the block.
    is_note = _line_matches(pl.col("text"), CORRECTION_NOTE, CORRECTION_NOTE_MAX_CHARS)
    # A column of its own: inlined into the four expressions below it was planned and computed four times, ~0.1 CPU s
    # a batch whatever its size.
    lines = lines.with_columns(
        (~pl.any_horizontal(names) & ~is_note).cast(pl.Int32).alias("_not_candidate"), _box_shaped().alias("_box_shaped")
    )
    not_candidate = pl.col("_not_candidate")
    is_first_line = pl.col("line_no") == pl.col("line_no").min().over("doc_id")
    in_footer = (not_candidate.cum_sum(reverse=True).over("doc_id") == 0) & ~is_first_line
    in_edge_block = (not_candidate.cum_sum().over("doc_id") == 0) | pl.col("_in_footer")
    # Computed once as columns: inlined into each of the chain's branches, they cost the query planner ~0.2 s a batch.
    lines = lines.with_columns(
        in_footer.alias("_in_footer"), _embedded_box(not_candidate).alias("_embedded_box")
    ).with_columns(in_edge_block.alias("_in_edge_block"))
    scoped = {ANYWHERE: pl.lit(True), EDGE: pl.col("_in_edge_block"), FOOTER: pl.col("_in_footer")}
    chain = None
    for name, (reason, scope, _) in zip(names, conditions):
        fires = pl.col(name) & scoped[scope]
        chain = pl.when(fires).then(pl.lit(reason)) if chain is None else chain.when(fires).then(pl.lit(reason))
    chain = chain.when(pl.col("_embedded_box")).then(pl.lit(EMBEDDED_BOX_REASON))
    lines = lines.with_columns(chain.otherwise(pl.lit(None, dtype=pl.String)).alias("reason"))
    return lines.with_columns(_footer_block(pl.col("reason"))).select("doc_id", "line_no", "text", "reason")


def _embedded_box(not_candidate: pl.Expr) -> pl.Expr:
    """The lines of a box set into an article whose paragraphs are set apart: `EMBEDDED_BOX_MIN_LINES` or more lines
    in a row with no blank line between them, none ending a sentence.

    `not_candidate` is 1 for a line no rule matches: the first of those opens the body (the title, where a scraper
    put it there), and stays. The lines' `_box_shaped` column (`_box_shaped`) says which could be in a box."""
    line_no = pl.col("line_no")
    # Null past the first and last line of a document.
    blank_after = _at(line_no, 1) - line_no > 1
    breaks = blank_after.is_not_null().sum().over("doc_id")
    set_apart = (breaks >= EMBEDDED_BOX_MIN_BREAKS) & (
        blank_after.fill_null(False).sum().over("doc_id") >= EMBEDDED_BOX_MIN_BLANK_SHARE * breaks
    )
    opens_body = (not_candidate == 1) & (not_candidate.cum_sum().over("doc_id") == 1)
    loose = pl.col("_box_shaped") & ~opens_body
    # A run of packed loose lines, numbered by where it starts; a blank line or any other line ends it.
    joined_to_above = (line_no - _at(line_no, -1) == 1).fill_null(False)
    packed_above = loose & _at(loose, -1).fill_null(False) & joined_to_above
    run = (~packed_above).cum_sum()
    run_lines = pl.when(loose).then(pl.len().over(run)).otherwise(0)
    return set_apart & loose & (run_lines >= EMBEDDED_BOX_MIN_LINES)


def _box_shaped() -> pl.Expr:
    """A line that could be part of an embedded box (`_embedded_box`), as a column: the box uses it four times."""
    line = pl.col("text")
    return (
        _line_matches(line, BOX_LINE, EMBEDDED_BOX_MAX_CHARS)
        & ~_contains(line, LIST_BULLET)
        & ~_at(_contains(line, LIST_INTRO), -1).fill_null(False)
        # The text of a tweet, right above its signature.
        & ~_at(_contains(line, TWEET_SIGNATURE), 1).fill_null(False)
    )


def _footer_block(reason: pl.Expr) -> pl.Expr:
    """`reason`, with the one short kept line inside the closing block given `FOOTER_BLOCK_REASON`."""
    kept = reason.is_null().cast(pl.Int32)
    lines_below = pl.int_range(pl.len(), 0, -1).over("doc_id") - 1
    is_gap = (
        reason.is_null()
        & (kept.cum_sum(reverse=True).over("doc_id") == 1)
        & (kept.cum_sum().over("doc_id") - 1 >= FOOTER_BLOCK_MIN_KEPT_ABOVE)
        & _at(reason, -1).is_in(FOOTER_BLOCK_KINDS).fill_null(False)
        & (lines_below >= FOOTER_BLOCK_MIN_LINES_BELOW)
        & (pl.col("text").str.len_chars() <= FOOTER_BLOCK_MAX_CHARS)
    )
    return pl.when(is_gap).then(pl.lit(FOOTER_BLOCK_REASON)).otherwise(reason).alias("reason")


def normalize_agency(name: pl.Expr) -> pl.Expr:
    """Map a credited agency to its display name; unknown ones become title case with small words lower."""
    stripped = name.str.strip_chars(" .-–—")
    title_case = stripped.str.to_titlecase()
    for word in AGENCY_SMALL_WORDS:
        title_case = title_case.str.replace_all(f" {word.title()} ", f" {word} ", literal=True)
    return stripped.str.to_uppercase().replace_strict(AGENCY_NAMES, default=title_case, return_dtype=pl.String)


def _take_datelines(kept: pl.DataFrame) -> pl.DataFrame:
    """Move the datelines that open each first kept line into `dateline` (the first place) and
    `dateline_agencies` (every bracketed agency, in order).

    Stacked datelines ("GENEVA (AP) — PARIS (AFP) — Talks resumed") are all taken, one per round, so cleaning
    clean text finds none left: cleaning is idempotent."""
    kept = kept.with_columns(
        pl.lit(None, dtype=pl.String).alias("dateline"), pl.lit([], dtype=pl.List(pl.String)).alias("dateline_agencies")
    )
    is_first = pl.col("line_no") == pl.col("first_line_no")
    parts = pl.col("text").str.extract_groups(DATELINE)
    place, agency = parts.struct.field("place"), parts.struct.field("agency")
    is_dateline = (
        is_first
        & place.is_not_null()
        & (agency.is_not_null() | place.str.contains(",", literal=True) | (place == place.str.to_uppercase()))
    )
    # Each round strips at least one character from a line it changes, so the loop ends.
    while kept.select(is_dateline.any()).item():
        kept = kept.with_columns(
            pl.when(is_dateline).then(pl.coalesce("dateline", place)).otherwise("dateline").alias("dateline"),
            pl.when(is_dateline & agency.is_not_null())
            .then(pl.col("dateline_agencies").list.concat(pl.concat_list(agency)))
            .otherwise("dateline_agencies")
            .alias("dateline_agencies"),
            pl.when(is_dateline).then(pl.col("text").str.replace(DATELINE, "")).otherwise("text").alias("text"),
        )
    return kept


def _take_titles(lines: pl.DataFrame, titles: pl.DataFrame) -> pl.DataFrame:
    """`lines` with each document's first kept line marked TITLE_REASON when it is the headline of a document given no
    title, or REPEATED_TITLE_REASON when it repeats the title given (`titles`: doc_id, title)."""
    line, line_no = pl.col("text"), pl.col("line_no")
    kept = pl.col("reason").is_null()
    first_kept = pl.col("_first_kept")
    more_kept = kept.cast(pl.Int32).sum().over("doc_id") >= 2
    blank_after = (_at(line_no, 1) - line_no > 1).fill_null(False)
    # Only a first kept line can be either, and `marked` asks only there: every other line is handed to the patterns
    # as an empty string (run over every line, they took a fifth of the cleaning's time; a null would not do, the
    # string kernels run over the values under it).
    first_line = pl.when(first_kept).then(line).otherwise(pl.lit(""))
    title = pl.when(first_kept).then(pl.col("_title")).otherwise(pl.lit(""))
    words = first_line.str.count_matches(r"\S+")
    is_headline = (
        _line_matches(first_line, HEADLINE, HEADLINE_MAX_CHARS) & words.is_between(*HEADLINE_WORDS) & blank_after & more_kept
    )

    def letters_and_digits(text: pl.Expr) -> pl.Expr:
        return text.str.to_lowercase().str.replace_all(r"[^\p{L}\p{N}]+", "")

    repeats = letters_and_digits(first_line) == letters_and_digits(title)
    marked = (
        pl.when(~first_kept)
        .then(pl.col("reason"))
        .when(pl.col("_title").is_null() & is_headline)
        .then(pl.lit(TITLE_REASON))
        .when(repeats.fill_null(False))
        .then(pl.lit(REPEATED_TITLE_REASON))
        .otherwise(pl.col("reason"))
    )
    return (
        lines.join(titles.select("doc_id", pl.col("title").alias("_title")), on="doc_id", how="left", maintain_order="left")
        .with_columns((kept & (kept.cast(pl.Int32).cum_sum().over("doc_id") == 1)).alias("_first_kept"))
        .with_columns(marked.alias("reason"))
        .drop("_title", "_first_kept")
    )


def _bylines(removed: pl.DataFrame) -> pl.DataFrame:
    """doc_id, byline_names, byline_agencies: the authors and the agencies of each document's byline lines."""
    rest = pl.col("text").str.replace(BYLINE_LEAD, "")
    parts = (
        removed.filter((pl.col("reason") == "author_bio") & pl.col("text").str.contains(BYLINE))
        .select(
            "doc_id",
            "line_no",
            rest.str.replace(BYLINE_SEPARATOR, "\u0000").str.split("\u0000").alias("_parts"),
        )
        .select(
            "doc_id",
            "line_no",
            pl.col("_parts").list.first().str.replace_all(BYLINE_AUTHOR_SEPARATOR, "\u0000").str.split("\u0000").alias("head"),
            pl.col("_parts").list.get(1, null_on_oob=True).str.strip_chars(" :").alias("tail"),
        )
    )
    is_agency = pl.col("name").str.to_uppercase().is_in(list(AGENCY_NAMES))
    heads = (
        parts.explode("head")
        .select("doc_id", "line_no", pl.col("head").str.strip_chars(" :").alias("name"))
        .filter(pl.col("name") != "")
    )
    names = (
        heads.filter(~is_agency & pl.col("name").str.contains(f"^{BYLINE_NAME}$") & ~pl.col("name").str.contains(NOT_A_NAME))
        .group_by("doc_id", maintain_order=True)
        .agg(pl.col("name").unique(maintain_order=True).alias("byline_names"))
    )
    agencies = (
        pl.concat([heads.filter(is_agency), parts.select("doc_id", "line_no", pl.col("tail").alias("name")).filter(is_agency)])
        .sort("doc_id", "line_no", maintain_order=True)
        .group_by("doc_id", maintain_order=True)
        .agg(pl.col("name").alias("byline_agencies"))
    )
    return names.join(agencies, on="doc_id", how="full", coalesce=True, maintain_order="left")


def clean_articles(docs: pl.DataFrame) -> CleanResult:
    """Annotate and split every line of `docs` (doc_id, text, optionally title); pull titles, datelines, agencies,
    bylines and related headlines."""
    cleaned = _clean_once(docs)
    # The rules judged the first kept line with its dateline in front. Taken off, the rest of the line may be a line
    # they remove on its own ("GENEVA (AP) — RELATED: Port strike ends"), as cleaning the clean body again would: so
    # the articles that gave a dateline are cleaned again, their clean body as the text, and what that removes is
    # removed from them here. Each pass is over a shorter text, so this ends; cleaning stays idempotent.
    dated = cleaned.articles.filter(pl.col("dateline").is_not_null())
    if dated.is_empty():
        return cleaned
    again = clean_articles(
        dated.select("doc_id", pl.col("body_clean").alias("text")).join(
            _given_titles(docs), on="doc_id", how="left", maintain_order="left"
        )
    )
    return _merge_second_pass(cleaned, again)


def _merge_second_pass(first: CleanResult, again: CleanResult) -> CleanResult:
    """`first` with the articles `again` cleaned once more (their clean body as the text) taken from `again`: its
    reasons on the lines `first` kept (the n-th line of a clean body is the n-th kept line), its body, and the title,
    agencies and byline it adds. The dateline stays the first one; a removed line keeps the text it had in the
    document, dateline included."""
    kept_no = pl.col("line_no").rank("ordinal").over("doc_id").cast(pl.Int32)
    positions = first.lines.filter(pl.col("reason").is_null()).select("doc_id", "line_no", kept_no.alias("_kept_no"))
    reasons = (
        again.lines.filter(pl.col("reason").is_not_null())
        .select("doc_id", pl.col("line_no").alias("_kept_no"), pl.col("reason").alias("_again"))
        .join(positions, on=["doc_id", "_kept_no"], how="inner")
        .select("doc_id", "line_no", "_again")
    )
    lines = (
        first.lines.join(reasons, on=["doc_id", "line_no"], how="left", maintain_order="left")
        .with_columns(pl.coalesce("reason", "_again").alias("reason"))
        .drop("_again")
    )
    related = pl.concat(
        [
            first.related_headlines,
            again.related_headlines.rename({"headline_no": "_kept_no"})
            .join(positions, on=["doc_id", "_kept_no"], how="inner")
            .select("doc_id", pl.col("line_no").alias("headline_no"), "headline"),
        ]
    )
    later = again.articles.rename({column: f"_{column}" for column in again.articles.columns if column != "doc_id"})
    articles = (
        first.articles.join(later, on="doc_id", how="left", maintain_order="left")
        .with_columns(
            pl.coalesce("_body_clean", "body_clean").alias("body_clean"),
            pl.coalesce("title", "_title").alias("title"),
            *(
                pl.concat_list(column, pl.col(f"_{column}").fill_null(pl.lit([], dtype=pl.List(pl.String))))
                .list.unique(maintain_order=True)
                .alias(column)
                for column in ("agencies", "byline")
            ),
        )
        .select(first.articles.columns)
    )
    return CleanResult(articles=articles, lines=lines, related_headlines=related)


def _given_titles(docs: pl.DataFrame) -> pl.DataFrame:
    """doc_id, title: the title each document came with, null where it came with none."""
    return docs.select("doc_id", pl.col("title") if "title" in docs.columns else pl.lit(None, dtype=pl.String).alias("title"))


def _clean_once(docs: pl.DataFrame) -> CleanResult:
    titles = _given_titles(docs)
    lines = _take_titles(annotate_lines(docs), titles)
    kept = lines.filter(pl.col("reason").is_null())
    removed = lines.filter(pl.col("reason").is_not_null())

    first_kept = kept.group_by("doc_id").agg(pl.col("line_no").min().alias("first_line_no"))
    kept = _take_datelines(kept.join(first_kept, on="doc_id", how="left"))

    bodies = kept.group_by("doc_id", maintain_order=True).agg(
        pl.col("text").str.join("\n").alias("body_clean"),
        pl.col("dateline").drop_nulls().first().alias("dateline"),
        pl.col("dateline_agencies").list.explode(keep_nulls=False, empty_as_null=False).alias("dateline_agencies"),
    )

    credits = (
        removed.filter(pl.col("reason") == "source_credit")
        .select(
            "doc_id",
            "line_no",
            pl.col("text").str.extract(SOURCE_CREDIT_VALUE, 1).str.replace_all(AGENCY_SEPARATORS, "\u0000").str.split("\u0000").alias("agency"),
        )
        .explode("agency")
        # "Source: http://…" credits a page, not an agency.
        .filter((pl.col("agency").str.strip_chars() != "") & ~pl.col("agency").str.contains(LINK_START))
        .group_by("doc_id", maintain_order=True)
        .agg(pl.col("agency").alias("credited_agencies"))
    )

    headlines = removed.filter(pl.col("reason") == TITLE_REASON).select("doc_id", pl.col("text").alias("headline"))
    no_names = pl.lit([], dtype=pl.List(pl.String))
    articles = (
        titles.join(bodies, on="doc_id", how="left", maintain_order="left")
        .join(credits, on="doc_id", how="left", maintain_order="left")
        .join(_bylines(removed), on="doc_id", how="left", maintain_order="left")
        .join(headlines, on="doc_id", how="left", maintain_order="left")
        .with_columns(
            pl.coalesce("title", "headline").alias("title"),
            pl.col("body_clean").fill_null(""),
            pl.concat_list(
                pl.col("dateline_agencies").fill_null(no_names),
                pl.col("credited_agencies").fill_null(no_names),
                pl.col("byline_agencies").fill_null(no_names),
            )
            .list.eval(normalize_agency(pl.element()))
            .list.unique(maintain_order=True)
            .alias("agencies"),
            pl.col("byline_names").fill_null(no_names).alias("byline"),
        )
        .select("doc_id", "title", "body_clean", "dateline", "agencies", "byline")
    )

    # Lead-only lines ("RELATED COVERAGE") and pointers ("Read more from Reality Check") name no headline.
    related = (
        removed.filter(
            (pl.col("reason") == "related_headline")
            & ~pl.col("text").str.contains(RELATED_LEAD_ONLY)
            & ~pl.col("text").str.contains(RELATED_LIST_LEAD)
            & ~(pl.col("text").str.contains(RELATED_POINTER) & ~pl.col("text").str.contains(RELATED_WITH_HEADLINE))
        )
        .select(
            "doc_id",
            pl.col("line_no").alias("headline_no"),
            pl.col("text").str.replace(RELATED_WITH_HEADLINE, "").str.strip_chars().alias("headline"),
        )
    )
    return CleanResult(articles=articles, lines=lines, related_headlines=related)

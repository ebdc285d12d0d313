"""The byline a page shows in its text: "Von Leonora Holling", "By Cara Stiles |
April 13, 2020", a short element whose class names the author ("author",
"byline", "autor"), microdata `itemprop="author"`. Pure functions on the parsed
tree; they return raw byline strings, which `pipelines.metadata.clean_authors`
turns into names.

Read only when the page's JSON-LD, meta tags and author links name nobody
(many blogs and small sites print the byline and declare nothing). The line
nearest after the headline's <h1> comes first: teasers further down carry
other articles' bylines.
"""

from __future__ import annotations

import re

# Labels that open a byline. Some read as a byline only with a colon ("Text:",
# "Autor:"): without one they are ordinary words.
_FREE_LABELS = (r"autor(?:in)?\s*/\s*autor(?:in)?|autor(?:in|en|innen)?|written\s+by|posted\s+by|reported\s+by|words\s+by|story\s+by|text\s+von|text\s+by|"
                r"ein\s+(?:artikel|beitrag|gastbeitrag)\s+von|geschrieben\s+von|verfasst\s+von|erstellt\s+von|"
                r"publié\s+par|écrit\s+par|publicado\s+por|escrito\s+por|scritto\s+da|pubblicato\s+da|"
                r"geplaatst\s+door|geschreven\s+door|"
                r"by|von|par|por|door|av|af|przez")
_COLON_LABELS = (r"text(?:\s*(?:&|\+|/|und|and|et|y)\s*(?:fotos?|bilder?|photos?|bild))?|autor(?:in|en)?|authors?|auteur(?:e|s)?|autore|verfasser(?:in)?|redaktion|texto|testo|tekst|"
                 r"责编|责任编辑|作者")  # Chinese: "(责编：牛镛、岳弘彬)"
_LABEL_BODY = rf"(?:(?i:{_FREE_LABELS})(?:\s*:|\s)|(?i:{_COLON_LABELS})\s*[:：])\s*(?P<rest>\S.*)$"
# inside an element the page marks as the author's, the label may come mid-line ("Veröffentlicht am … von X")
_INNER = re.compile(rf"(?:^|\s|[|·•])[\W_]{{0,3}}{_LABEL_BODY}")
_LINE = re.compile(rf"(?:^|[|·•]\s*|^[\d./-]{{6,10}}\s*[-–—|]\s*)[\W_]{{0,3}}(?:(?i:{_FREE_LABELS})(?:\s*:|\s)|(?i:{_COLON_LABELS})\s*[:：])\s*(?P<rest>\S.*)$")
# A line that is the label alone: the name follows in the next element
_LABEL_ONLY = re.compile(rf"^[\W_]{{0,3}}(?i:{_COLON_LABELS}|von|by|par|por|door)\s*[:：]\s*$")
# A heading or a term that is an author label alone, no colon: "<h4>Autor</h4><p><a>Nikolai Huke</a></p>",
# "<dt>Author</dt><dd>…</dd>": the name is the next element's
_HEADING_LABEL = re.compile(r"(?i)^(?:autor(?:in|en|innen)?|authors?|auteur(?:e|s)?|autore|verfasser(?:in)?)$")
_LABEL_TAGS = {"h2", "h3", "h4", "h5", "h6", "dt", "th"}
# "Photograph by …", "Foto von …": a picture's credit, not the article's author
_CREDIT_BEFORE = re.compile(r"(?i)\b(?:photo(?:graph|s)?|fotos?|bild(?:er)?|image|images|illustrations?|grafik|video|"
                            r"kamera|camera|credits?|quelle|source|theme|design(?:ed)?|powered|hosted)\W*\s*\S+\s*:?\s*$")
MAX_LINE_CHARS = 120  # a byline is a short line; a paragraph that starts with "Von" is prose
MAX_CANDIDATES = 6

# The cheap pre-filters: a text holding one of the labels' words, a class or id naming the author.
_LABEL_HINT = re.compile(r"\b(?:by|von|par|por|door|av|af|przez|text|autor\w*|author\w*|auteur\w*|verfasser\w*|"
                         r"redaktion|tekst|testo|texto|written|posted|erstellt|geschrieben|verfasst|publié|écrit|"
                         r"publicado|escrito|scritto|pubblicato|geplaatst|geschreven|责编|责任编辑|作者)\b")  # on lower-cased text
_CLASS_HINTS = ("author", "byline", "autor", "auteur", "verfasser", "writer")
_SKIP = {"script", "style", "noscript", "template", "nav", "footer", "aside", "form", "button", "select", "option",
         "textarea", "title", "head", "figure", "figcaption", "picture"}
# class or id words (at a word's start: not "has-double-sidebar") of furniture and comment threads
_SKIP_CLASS = re.compile(r"(?i)(?:^|\s)(?:comment(?!ary)|respond|reply|related|teaser|sidebar|widget|footer|share|social"
                         r"|newsletter|bio\b|about|caption|image|photo|figure)")
_INLINE = {"a", "span", "em", "strong", "b", "i", "u", "small", "font", "time", "abbr", "cite", "sup", "sub", "mark"}


# a layout's column, not furniture, for a signature under the article's own text (VnExpress' "sidebar-1")
_COLUMN_CLASS = re.compile(r"(?i)(?:^|\s)(?:sidebar|widget)")


# What a link to another article holds beside its byline when it is a teaser card: a headline, a picture
_CARD_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


def _teaser_card(link, el) -> bool:
    """A link wrapping a headline besides the byline `el` ("<a href='/38331-…'><h4>Mediation im
    Handel</h4><span class='item__author'>Elena Kuss</span></a>"): another article's card, its byline
    that article's. Not an author link (rel=author), nor a heading that is the name itself
    ("<a rel='author'><h4 itemprop='name'>Nicole Opitz</h4>…")."""
    if not link.get("href") or "author" in (link.get("rel") or "").lower():
        return False
    own = {id(n) for n in (el, *el.iterancestors())}
    return any(isinstance(d.tag, str) and d.tag in _CARD_TAGS and id(d) not in own for d in link.iterdescendants())


def _skipped(el, columns: bool = False) -> bool:
    """Inside page furniture, a comment thread or a link to another article's card: its bylines are not
    the article's. `columns`: a sidebar or widget container holding the page's <h1> is the article's column."""
    for node in (el, *el.iterancestors()):
        if not isinstance(node.tag, str) or node.tag in _SKIP:
            return True
        if node.tag == "a" and _teaser_card(node, el):
            return True
        attrs = " ".join(filter(None, (node.get("class"), node.get("id"))))
        if attrs and (m := _SKIP_CLASS.search(attrs)):
            if columns and node.tag != "body" and _COLUMN_CLASS.match(m.group()) and node.find(".//h1") is not None:
                continue
            return True
    return False


def _line_of(el):
    """The block an inline element sits in: the byline's whole line."""
    while el is not None and el.tag in _INLINE and el.getparent() is not None:
        el = el.getparent()
    return el


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _text(el) -> str:
    """The element's text, its pieces spaced ("Marcel Sommer<br>Sendung" stays two lines' words)."""
    return _collapse(" ".join(t for t in el.itertext() if isinstance(t, str)))


def _labelled(text: str, pattern: re.Pattern = _LINE) -> str | None:
    """What follows a byline label on a short line, up to the next separator."""
    m = pattern.search(text)
    # a picture's credit before the label ("Photograph by …"), not inside it ("Text & Fotos: …")
    if not m or ((credit := _CREDIT_BEFORE.search(text[:m.start("rest")])) and credit.start() < m.start()):
        return None
    rest = re.split(r"\s[|·•]\s|\s[|·•]$", m.group("rest"))[0]
    return rest.strip() or None


# Words a name may hold in lower case: particles ("Ursula von der Leyen", "Jose de la Cruz").
NAME_PARTICLES = {"von", "vom", "van", "der", "den", "de", "del", "della", "da", "di", "du", "des", "la", "le", "zu",
              "zur", "ten", "ter", "y", "e", "bin", "ibn", "al", "el", "dos", "das", "do", "af", "av"}
_MONTHS_DAYS = {
    "january", "february", "march", "april", "june", "july", "august", "september", "october", "november",
    "december", "januar", "februar", "märz", "juni", "juli", "oktober", "dezember", "janvier", "février", "mars",
    "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre", "enero", "febrero",
    "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "montag", "dienstag", "mittwoch",
    "donnerstag", "freitag", "samstag", "sonntag", "uhr", "min", "am", "pm",
}
# What a link or a box heading says when it names nobody ("Alle Beiträge", "Zur Person", "Bild © ARD")
_UI_WORDS = {"alle", "all", "zur", "zum", "mehr", "more", "über", "artikel", "articles", "article", "beiträge",
             "posts", "übersicht", "artikelübersicht", "person", "profil", "profile", "seite", "page", "view", "see",
             "read", "lesen", "kontakt", "contact", "info", "autoreninfo", "autorenseite", "home", "startseite",
             "subscribe", "abonnieren", "folgen", "follow", "weitere", "stories", "story", "related", "bild", "foto", "photo", "©", "(c)", "share", "teilen"}
# an interview's credit names both sides: "Richard David Precht im Gespräch mit Karin Fischer"
IN_CONVERSATION = (r"(?i:im\s+gespräch\s+mit|im\s+interview\s+mit|in\s+conversation\s+with|en\s+conversation\s+avec|"
                   r"en\s+conversación\s+con|in\s+conversazione\s+con)")
_PART_SPLIT = re.compile(rf"\s*(?:,|;|/|&|、|，|\s(?:and|und|et|y|e|og|och|en)\s|\s{IN_CONVERSATION}\s)\s*")
MAX_NAME_WORDS = 4


def _name_shaped(part: str, handle: bool = False) -> bool:
    """A person's name as a byline prints it: a few capitalised words (particles
    aside), no digits, no dates; `handle`: one lower-case user name counts."""
    words = re.findall(r"[^\s]+", part.strip(" .:-–"))
    if not words or len(words) > MAX_NAME_WORDS or ":" in part.strip(" :"):
        return False  # "Bild: SN": a label, not a name
    if any(c.isdigit() for c in part) and not (handle and len(words) == 1):
        return False
    if any(w.casefold().strip(".,") in _MONTHS_DAYS or w.casefold() in _UI_WORDS for w in words):
        return False
    if handle and len(words) == 1 and len(words[0]) >= 3 and re.fullmatch(r"[\w.-]+", words[0]):
        return True
    if not (words[0][:1].isupper() or words[0][:1].lower() == words[0][:1].upper()):
        return False  # "der Aktivität zur Dosis": prose after "von"
    return all(w[:1].isupper() or w[:1].lower() == w[:1].upper() or w.casefold() in NAME_PARTICLES
               for w in words) and not all(w.casefold() in NAME_PARTICLES for w in words)


# Where a byline's names end: a bracket, a dash, a separator ("Jacobo Betancur | Publicado hace 3 horas"), a digit,
# a date's preposition, or another role's credit ("Text von X Illustration von Y")
_NAMES_END = re.compile(r"\s[-–—|·•]\s|\s\d|\s\(|\s(?i:am|on|le|el|il|um|at|published|updated|veröffentlicht)\s"
                        r"|\s(?i:illustration(?:en|s)?|fotos?|photos?|photography|bilder?|grafik(?:en)?|images?)"
                        r"\s*(?i:von|by|par|de|:)\s")


def _names_part(value: str, handle: bool = False) -> str | None:
    """The byline's leading run of names ("David Hutzler, dpa"), None when it
    does not open with one ("Course or Type", "it was already too late")."""
    value = _NAMES_END.split(value)[0]
    parts = [p for p in _PART_SPLIT.split(value) if p.strip()]
    if not parts or not _name_shaped(parts[0], handle):
        return None
    kept = [parts[0]]
    for part in parts[1:]:
        if not (_name_shaped(part) or len(part.strip()) <= 5):  # agency codes: "dpa", "NDR", "red"
            break
        kept.append(part)
    return ", ".join(kept)


def _microdata_name(el) -> str | None:
    for node in el.xpath(".//*[@itemprop='name']"):
        value = node.get("content") or _collapse(node.text_content())
        if value and value.strip():
            return value.strip()
    return None


def _class_byline(el) -> str | None:
    if el.get("itemprop") in ("author", "creator") and (name := _microdata_name(el)):
        return name
    text = _text(el)
    if "©" in text:
        return None  # a picture's credit line
    if len(text) > MAX_LINE_CHARS:  # an author box: its first link that reads as a name names the author
        text = next((t for node in el.iter("a") if (t := _collapse(node.text_content()))
                     and " " in t and _names_part(t) == t), "")
    if not text:
        return None
    if labelled := _labelled(text, _INNER):
        return _names_part(labelled, handle=True)
    names = _names_part(text, handle=True)
    # one bare word ("Veröffentlicht", "Collectif") names someone only as the text of a link to them
    links = {_collapse(a.text_content()) for a in el.iter("a")}
    if names and (" " not in names.split(",")[0].strip() or _bare_words(names)) and names not in links:
        return None
    return names


def _text_after(el) -> str:
    """The text right after an element, past line breaks ("<b>Von:</b><br><br>Götz Warnke")."""
    node = el
    while node is not None:
        if (node.tail or "").strip():
            return _collapse(node.tail)
        node = node.getnext()
        if node is None or node.tag != "br":
            return ""
    return ""


def _br_line(br) -> str:
    """The line a <br> opens inside a longer block: its tail and the inline
    elements after it, up to the next <br> ("…<br/>Autor: <a>Rechtsanwalt</a> Sebastian Einbock</div>")."""
    pieces = [br.tail or ""]
    for node in br.itersiblings():
        if not isinstance(node.tag, str) or node.tag == "br" or node.tag not in _INLINE:
            break
        pieces.extend((node.text_content(), node.tail or ""))
    return _collapse(" ".join(pieces))


def _text_byline(holder, br=None) -> str | None:
    """The names a labelled line shows ("Von Leonora Holling"), from the block holding the label;
    `br`: the label follows this line break, the line is the text from it to the next one."""
    if _skipped(holder):
        return None
    line = _line_of(holder)
    text = _text(line)
    if br is not None and len(text) > MAX_LINE_CHARS and holder.tag not in _INLINE:
        text = _br_line(br)  # a line of the block's own text, not of an inline run inside a longer block
    if _LABEL_ONLY.match(own := _text(holder)) and (after := _text_after(holder)):
        text = own + " " + after  # "<strong>Text:</strong> Klausmartin Friedrich<br>"
    elif _LABEL_ONLY.match(text) and (following := line.getnext()) is not None:
        text = text + " " + _text(following)  # "<h5>Autor:</h5><p>Peter Maahn</p>": the name on the next line
    elif line.tag in _LABEL_TAGS and _HEADING_LABEL.match(text) and (following := line.getnext()) is not None:
        text = text + ": " + _text(following)  # "<h4>Autor</h4><p>Nikolai Huke</p>"
    if len(text) > MAX_LINE_CHARS or not (labelled := _labelled(text)):
        return None
    names = _names_part(labelled)
    # "By Method", "By Cuisine", "von Einheimischen und Gästen": bare words after "by" are a filter's
    # label or prose unless they link a person
    links = {_collapse(a.text_content()) for a in line.iter("a")}
    if names and (" " not in names or _bare_words(names)) and names not in links:
        return None
    return names


def _bare_words(names: str) -> bool:
    """Every name of the run one word: 'Einheimischen, Gästen', 'Sprachregeln, Gender-Politik'."""
    # scripts without case write names without spaces (牛镛, 岳弘彬)
    return all(" " not in p.strip() and any(c.lower() != c.upper() for c in p) for p in names.split(","))


# A dateline that signs the article: "11.12.2019 - Amelie Loevenich", "04.02.2022 | 13:10 Uhr | Uta Helkenberg",
# "Sehernur Karsu | 05.04.2025": a numeric date (and time), a separator, a name, nothing else on the line
_NUM_DATE = r"(?:\d{1,2}\.\d{1,2}\.(?:\d{4}|\d{2})|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4})"
_DATE_TIME = rf"{_NUM_DATE}(?:,?\s*(?:[-|·•]\s*)?\d{{1,2}}[:.]\d{{2}}(?:\s*(?i:uhr|h))?)?"
# after the date, its update stamp may follow: "Sehernur Karsu | 05.04.2025 - Güncelleme : 05.04.2025"
_UPDATE_STAMP = rf"(?:\s*[-–—|·•]\s*[^\d|·•–—]{{1,30}}?\s*{_DATE_TIME})?"
_DATED_NAME = re.compile(rf"^(?:{_DATE_TIME}\s+[-–—|·•]\s+(?P<after>[^\d|·•–—]+)"
                         rf"|(?P<before>[^\d|·•–—]+?)\s+[-–—|·•]\s+{_DATE_TIME}{_UPDATE_STAMP})$")
MAX_DATED_CHARS = 80


def _dated_byline(holder) -> str | None:
    """The name of a line that is a date and a name alone (`_DATED_NAME`)."""
    if _skipped(holder):
        return None
    # the element's own text, or its line's ("<small>04.02.2022 | 13:10 Uhr | Uta Helkenberg</small><h1>…")
    m = next((m for text in (_text(holder), _text(_line_of(holder)))
              if len(text) <= MAX_DATED_CHARS and (m := _DATED_NAME.match(text))), None)
    if m is None:
        return None
    name = (m.group("after") or m.group("before")).strip()
    if any(w.endswith(("-", "'")) for w in name.split()):
        return None  # "Aymz- Grelle Forelle": a line of a programme, not a name
    # a name of two to four words: one word beside a date is a place or a section ("Berlin - 12.03.2024")
    return name if _name_shaped(name) and " " in name and _names_part(name) == name else None


def visible_bylines(root, headline=None) -> list[str]:
    """Raw byline strings the page's text shows, the ones after `headline`
    (the article's <h1>) first, each at most once. One pass over the tree,
    plain string tests before any work (an XPath doing the same costs ~25 ms a page)."""
    body = root.find("body")
    if body is None:
        return []
    before: list[str] = []
    after: list[str] = []
    found = before
    for el in body.iter():
        if el is headline:
            found = after
        tag = el.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue
        value = None
        attrs = el.attrib
        if attrs:
            named = (attrs.get("class", "") + " " + attrs.get("id", "")).lower()
            if (any(h in named for h in _CLASS_HINTS) or attrs.get("itemprop") in ("author", "creator")) \
                    and not _skipped(el):
                value = _class_byline(el)
        if value is None:
            for text, holder in ((el.text, el), (el.tail, el.getparent())):
                if text and holder is not None and 1 < len(text) <= 4 * MAX_LINE_CHARS \
                        and len(text.strip()) <= MAX_LINE_CHARS and _LABEL_HINT.search(text.lower()) \
                        and (value := _text_byline(holder, el if tag == "br" and holder is not el else None)):
                    break
                if text and holder is not None and len(text.strip()) <= MAX_DATED_CHARS \
                        and (text.lstrip()[:1].isdigit() or text.rstrip()[-1:].isdigit()) \
                        and (value := _dated_byline(holder)):
                    break
        if value and value not in before and value not in after:
            found.append(value)
            if len(after) >= MAX_CANDIDATES:
                break
    return (after or before)[:MAX_CANDIDATES]


# A signature: the article's last paragraph is a name alone, in bold or italics
# ("<p><b><i>Stefan Wasmer</i></b></p>" after the text). Only there: bold names
# elsewhere are subheadings as often as names ("Regular Schedule", "Im Einzelnen").
_EMPHASIS = {"b", "strong", "i", "em"}
MIN_PARAGRAPH_CHARS = 80  # a paragraph of the article's text, not a caption or a label
MAX_SIGNATURE_CHARS = 40


def _emphasised_alone(p) -> bool:
    node = p
    while True:
        kids = [c for c in node if isinstance(c.tag, str)]
        if len(kids) != 1 or (node.text or "").strip() or (kids[0].tail or "").strip():
            return node is not p
        if kids[0].tag not in _EMPHASIS:
            return False
        node = kids[0]


def _signed_names(text: str) -> bool:
    """A signature's text is names alone, each of two to four words ("Stefan Wasmer",
    "Mathatisi Sebusi/Mohalenyane Phakela")."""
    parts = [p for p in _PART_SPLIT.split(text) if p.strip()]
    return bool(parts) and all(" " in p.strip() and _name_shaped(p) for p in parts) \
        and _names_part(text) == ", ".join(parts)


def signature_byline(root) -> str | None:
    """The name a signature paragraph gives: a paragraph emphasised as a whole, a
    name of two to four words (or a list of them), either the last paragraph with
    text in its container after at least one paragraph of the article's text, or
    the first long paragraph's lead, no paragraph of text before it (many papers
    sign at the top: "<p><strong>Mohloai Mpesi</strong></p><p><strong>I</strong>N the heart…")."""
    body = root.find("body")
    if body is None:
        return None
    for p in body.iter("p"):
        text = _text(p)
        if not text or len(text) > MAX_SIGNATURE_CHARS or " " not in text or not _emphasised_alone(p):
            continue
        if not _signed_names(text) or _skipped(p, columns=True):
            continue
        siblings = [s for s in p.getparent() if s.tag == "p" and _text(s)]
        at = siblings.index(p)
        long_before = any(len(_text(s)) > MIN_PARAGRAPH_CHARS for s in siblings[:at])
        if long_before and not any(len(_text(s)) > MIN_PARAGRAPH_CHARS for s in siblings[at + 1:]):
            return text
        if not long_before and at + 1 < len(siblings) and len(_text(siblings[at + 1])) > MIN_PARAGRAPH_CHARS:
            return text
    return None

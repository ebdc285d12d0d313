"""The article's authors (see pipelines/metadata.py): people only, from every
JSON-LD `author` shape, meta tags, author links and the byline the page shows
(pipelines/byline.py); split, tidied, wire agencies set apart."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from pipelines.byline import IN_CONVERSATION, NAME_PARTICLES, signature_byline, visible_bylines
from pipelines.meta_text import WS, clean_text, element_text, matches_site, meta_content, text_key

# -- authors ----------------------------------------------------------------

AGENCIES = {
    "ap", "associated press", "the associated press", "dpa", "deutsche presse agentur", "reuters",
    "thomson reuters", "afp", "agence france presse", "agence france-presse", "apa", "kna", "epd",
    "efe", "agencia efe", "ansa", "pa", "pa media", "press association", "upi", "xinhua", "tass",
    "ria novosti", "kyodo", "yonhap", "sda", "keystone sda", "keystone-sda", "anp", "belga", "ntb",
    "tt", "ritzau", "čtk", "ctk", "pap", "mti", "europa press", "lusa", "aap", "ians", "pti", "dts",
    "dpa-afx", "afx", "sid", "cp", "the canadian press", "canadian press", "ani", "bloomberg",
    "agencias", "agencies", "agenturen", "agences", "wires", "wire services", "news agencies",
    # national wire services that sign in their own name ("JIJI", "Anadolu Ajansı", "Kathpress")
    "jiji", "jiji press", "kyodo news", "anadolu", "anadolu agency", "anadolu ajansı", "kathpress",
    "inter press service", "bernama", "antara", "prensa latina", "notimex", "andina",
}

# Words naming a newsroom or desk: a byline part holding one is not a person.
DESK_WORDS = {
    "redaktion", "redaktionen", "newsroom", "staff", "desk", "team", "editorial", "rédaction", "redacción",
    "redaccion", "redaction",
    "redazione", "redactie", "redaksjonen", "redaktionsteam", "onlineredaktion", "nachrichtenredaktion",
    "agenturen", "agencies", "agences", "agencias", "newsdesk", "webredaktion", "zentralredaktion",
    "nachrichten", "news", "noticias", "notizie", "nieuws", "nyheter", "nyheder", "actualités",
}
# Nouns of organisations: a byline word that is one, or a compound ending in one ("Bundesverband
# WindEnergie", "Feuerwehr Oldenburg", "SeglerBlog", "Suedtirol Online"), names no person.
ORG_NOUNS = (
    "verband", "anstalt", "departement", "department", "sekretariat", "gericht", "abteilung", "feuerwehr",
    "partei", "fraktion", "magazin", "magazine", "illustrierte", "stiftung", "institut", "institute", "ministerium",
    "ministry", "verlag", "verein", "gesellschaft", "solutions", "media", "online", "blog", "zeitung", "university",
    "universität", "hochschule", "kommission", "commission", "behörde",
)
# Job nouns that end a byline ("Jane Doe, Reporter", "신현주 기자").
ROLE_NOUNS = {
    "reporter", "correspondent", "editor", "writer", "columnist", "contributor", "journalist", "redakteur",
    "redakteurin", "korrespondent", "korrespondentin", "reporterin", "journalistin", "journaliste",
    "correspondant", "correspondante", "periodista", "corresponsal", "giornalista", "기자", "특파원",
    "記者", "特派員", "记者", "编辑", "通讯员",
}
# Words that make a byline part a role, not a person (several languages).
ROLE_WORDS = {
    "reporter", "correspondent", "editor", "editors", "writer", "columnist", "contributor", "journalist",
    "staff", "senior", "chief", "deputy", "associate", "managing", "executive", "contributing",
    "political", "politics", "business", "sports", "sport", "science", "health", "tech", "technology",
    "autos", "motoring", "entertainment", "culture", "travel", "foreign", "economics", "markets",
    "news", "desk", "newsroom", "editorial", "team", "redaktion", "redakteur", "redakteurin",
    "korrespondent", "korrespondentin", "autor", "autorin", "author", "reporterin", "journalistin",
    "chefredakteur", "chefredakteurin", "ressortleiter", "ressortleiterin", "volontär", "volontärin",
    "rédaction", "rédacteur", "rédactrice", "journaliste", "correspondant", "correspondante",
    "envoyé", "envoyée", "spécial", "spéciale", "redacción", "redactor", "redactora", "periodista",
    "corresponsal", "redazione", "giornalista", "corrispondente", "redactie", "verslaggever",
    "redaksjonen", "admin", "administrator", "webmaster", "moderator", "guest",
    "gastautor", "gastautorin", "gastbeitrag", "intern", "analyst", "producer", "photographer",
    "photos", "photo", "fotos", "foto", "video", "illustration", "graphics", "grafik", "anchor",
    "presenter", "critic", "officer", "director", "founder", "ceo", "president", "professor",
    "digital", "online", "web", "social", "media", "breaking", "lifestyle",
    "opinion", "commentary", "kolumnist", "kolumnistin", "leitartikel", "newsdesk", "red", "redaktionen",
    # blog templates and comment bylines: "Follow Inga Hoeltmann", "Art Edwards says", "… Stand: 01.02."
    "posted", "follow", "says", "said", "sagt", "schreibt", "interview", "stand", "expert", "experte",
    "expertin",
    # a profession printed before the name: "Rechtsanwalt Sebastian Einbock", "Attorney Jane Doe"
    "rechtsanwalt", "rechtsanwältin", "fachanwalt", "fachanwältin", "anwalt", "anwältin", "lawyer", "attorney",
    "avocat", "avocate", "abogado", "abogada", "avvocato", "advocaat",
}
# A whole byline that names nobody: CMS defaults and placeholders.
PLACEHOLDER_NAMES = {"name", "unknown", "no author", "noauthor", "anonymous", "anonym", "super user", "user",
                     "wordpressadmin", "wpadmin", "root", "inconnu", "unbekannt", "desconocido", "sconosciuto",
                     "unbenannt", "anónimo", "anonimo", "anonyme", "anonimowy", "facebook", "facebook com",
                     "twitter", "instagram", "twitter facebook", "facebook twitter"}
# Academic and professional degrees listed after a name ("Grant Tinsley, PhD"): not a person.
DEGREES = {"phd", "ph d", "md", "m d", "mba", "msc", "m sc", "bsc", "b sc", "ma", "ba", "rd", "mph", "rn", "jd",
           "dphil", "llm", "dipl ing", "facs", "frcp"}
_BY = re.compile(r"^(?:(?i:(?:written|posted|reported|story|words|compiled|edited|artikel|beitrag)\s+)?"
                 r"(?i:by|von|vom|par|por|door|av|af|przez|autor(?:in)?|author|auteur|autore|text|texto|testo|tekst"
                 r"|redacción)"
                 r"|di|da|de|od)\b\s*:?\s*")
# Conjunctions of several languages; one-letter ones only in lower case ("John E Smith").
_SPLIT = re.compile(r"\s*(?:,|;|\||/|&|、|，|\s\+\s|\b(?i:and|und|et|og|och|en|ve|és|ja|oraz)\b|(?<=\s)(?-i:y|e|i)(?=\s)"
                    rf"|\s{IN_CONVERSATION}\s)\s*")
_TRAILERS = re.compile(r"\b(?:(?i:published|updated|veröffentlicht|aktualisiert|publié|mis à jour|publicado|"
                       r"actualizado|pubblicato|aggiornato)|am|on|le|el|il|um|at)\b.*$")
_MID_BY = re.compile(r"\s(?:By|Von|Par|Por|Door|Av|Af)\s")
_URL = re.compile(r"\s*[-–—|]?\s*https?://\S+")
_SPELLED_EMAIL = re.compile(r"[\w.+-]+\s?[\[(](?:at|@)[\])]\s?[\w-]+(?:\.[\w-]+)+", re.I)
_BRACKETED = re.compile(r"\([^)]*\)?|\[[^\]]*\]?")
_NOISE = re.compile(r"\S+@\S+|https?://\S+|@\w+|\(.*?\)|\[.*?\]|\b\d[\d:./-]*")
_SLUG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)+$")
# A user name "first.last" ("robert.stitz"): a name, unless its end is a top-level domain ("symple.ch", "kicker.com")
_DOTTED_NAME = re.compile(r"(?P<first>[a-z]{3,})\.(?P<last>[a-z]{3,})")
_GENERIC_TLDS = {"com", "net", "org", "info", "biz", "edu", "gov", "int", "mil", "app", "blog", "news", "online",
                 "shop", "site", "web", "wiki", "media", "press", "club", "art", "tech", "store", "live", "world",
                 "xyz", "top", "one", "pro", "name", "mobi", "asia", "swiss", "wien", "berlin", "hamburg", "koeln",
                 "bayern", "nrw", "ruhr", "saarland", "tirol", "paris", "london", "nyc", "cat", "eus", "gal", "scot"}
MAX_NAME_CHARS = 60
MAX_NAME_WORDS = 5
MAX_AUTHORS = 12
# a user name in lower case counts from four letters: three are a desk's or an agency's code ("cpm", "lno", "red")
MIN_HANDLE_CHARS = 4


def _name_from_url(value: str) -> str | None:
    """'https://site/author/chuck-ross/' -> 'chuck-ross' (a slug, turned into a name later)."""
    path = [p for p in urlsplit(value).path.split("/") if p]
    return path[-1] if path and not path[-1].isdigit() and "." not in path[-1] else None


def _person_names(obj: Any, by_id: dict[str, dict], depth: int = 0) -> list[tuple[str, str]]:
    """(kind, name) for every JSON-LD author shape: string, list, Person or
    Organization object, `@id` reference into the page's graph."""
    if depth > 3 or obj is None:
        return []
    if isinstance(obj, list):
        return [n for o in obj for n in _person_names(o, by_id, depth + 1)]
    if isinstance(obj, str):
        if obj.startswith(("http://", "https://")):
            ref = by_id.get(obj)
            if ref is not None:
                return _person_names(ref, by_id, depth + 1)
            name = _name_from_url(obj)
            return [("person", name)] if name else []
        return [("person", obj)]
    if not isinstance(obj, dict):
        return []
    if set(obj) <= {"@id", "@type"} and obj.get("@id") in by_id:
        return _person_names(by_id[obj["@id"]], by_id, depth + 1)
    if obj.get("@id") in by_id and not obj.get("name"):
        return _person_names(by_id[obj["@id"]], by_id, depth + 1)
    types = obj.get("@type", [])
    types = {str(t).lower() for t in (types if isinstance(types, list) else [types])}
    kind = "organization" if types & {"organization", "newsmediaorganization", "corporation"} else "person"
    name = obj.get("name")
    if isinstance(name, list):
        name = next((n for n in name if isinstance(n, str)), None)
    if not isinstance(name, str) or not name.strip():
        given, family = obj.get("givenName"), obj.get("familyName")
        name = " ".join(p for p in (given, family) if isinstance(p, str)) or None
    if not name and isinstance(obj.get("url"), str):
        name = _name_from_url(obj["url"])
    if name and kind == "person":
        name = _full_name(name, obj.get("description"))
    return [(kind, name)] if name else []


# The capitalised words after a first name at the start of a profile's text ("Nils Pickert ist freier Autor")
_SURNAME_AFTER = re.compile(r"\s+((?:[^\W\d_][\w'’-]*)(?:\s+[^\W\d_][\w'’-]*)?)")


def _full_name(name: str, description) -> str:
    """'Nils' -> 'Nils Pickert' when the Person's own description opens with the
    fuller name ("Nils Pickert ist freier Autor und Journalist"): Yoast's schema
    names the author by the display name, often a first name alone."""
    name = name.strip()
    if " " in name or not isinstance(description, str) or not description.startswith(name):
        return name
    m = _SURNAME_AFTER.match(description, len(name))
    if not m:
        return name
    words = []
    for word in m.group(1).split():
        if not word[:1].isupper():
            break
        words.append(word)
    return " ".join([name, *words])


def jsonld_authors(article: dict | None, objects: Iterable[dict]) -> tuple[list[str], list[str]]:
    """(people, organisations) named as the article's JSON-LD `author`."""
    if not article:
        return [], []
    by_id = {o["@id"]: o for o in objects if isinstance(o.get("@id"), str)}
    people, orgs = [], []
    for kind, name in _person_names(article.get("author"), by_id):
        (orgs if kind == "organization" else people).append(name)
    return people, orgs


def _unslug(text: str) -> str:
    if _SLUG.match(text):
        return " ".join(w.capitalize() for w in re.split(r"[-_]", text) if not w.isdigit())
    return text


def _agency_key(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold().replace("-", " ")))


_AGENCY_KEYS = {_agency_key(a) for a in AGENCIES}


def is_agency(text: str) -> bool:
    return _agency_key(text) in _AGENCY_KEYS


def _strip_roles(name: str) -> str:
    """'Keith Barry Senior Autos Reporter' -> 'Keith Barry'; 'Staff Reporter' -> ''.
    Role words before the name go; after two name words, the first role word
    starts a job title."""
    words = name.split()
    # "FOCUS-Online-Experte Robin Tschöpe": the compound's last part names the role
    is_role = [w.casefold().strip(".,:") in ROLE_WORDS or w.casefold().strip(".,:").rsplit("-", 1)[-1] in ROLE_WORDS
               for w in words]
    start = 0
    while start < len(words) and is_role[start]:
        start += 1
    desk_first = start and any(w.casefold().strip(".,:") in DESK_WORDS for w in name.split()[:start])
    words, is_role = words[start:], is_role[start:]
    if not words or (start and len(words) < 2) or (desk_first and " ".join(words).islower()):
        return ""  # "news service reports": a desk's credit, no name after it
    if start == 1 and desk_first:
        return ""  # "Redaktion Gelbe Liste Pharmindex": the desk of a publication, not a person
    for i in range(2, len(words)):
        if is_role[i]:
            return " ".join(words[:i])
    while len(words) > 1 and words[-1].casefold().strip(".,:") in ROLE_NOUNS:
        if len(words) == 2 and words[0].lower() != words[0].upper():
            break  # one cased word and the noun: a pen name ("Rasender Reporter"); "신현주 기자" is a name and a role
        words = words[:-1]
    return " ".join(words)


# A company's legal form: "ZooRoyal Petcare GmbH", "Deutscher Caritasverband e.V." are no people.
_LEGAL_FORM = re.compile(r"(?:^|\s)(?:(?i:g?gmbh|ltd\.?|inc\.?|llc|plc|sarl)|AG|SE|KG|(?i:eg)|e\.?\s?V\.?|S\.A\.|S\.p\.A\.)"
                         r"(?:$|[\s,])")
_HOST = re.compile(r"(?i)(?:www\s*\.?\s*)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,6}|www\s.+")


def is_organisation(name: str) -> bool:
    """'Bundesverband WindEnergie', 'SeglerBlog': a word of the name is an organisation's noun."""
    # a hyphenated compound by its last part: "FOCUS-Online-Experte" is a role, not a company
    return any(w.endswith(ORG_NOUNS) for w in re.split(r"[^\w-]+|_", name.casefold()) if len(w) >= 4)


def is_desk(name: str) -> bool:
    """'BR24 Redaktion', 'MM-Redaktion', 'Guardian staff reporter': a desk, not a person."""
    return any(w in DESK_WORDS for w in re.split(r"[\W_]+", name.casefold()) if w)


_AGENCY_AT = re.compile(r"^(?P<agency>.+?)\s+(?:in|en|à|aus|from|de|da|di|reporting from)\s+\S.*$", re.I)


def agency_of(part: str) -> str | None:
    """The agency a byline part names: 'AP', 'Associated Press in Valencia' -> 'Associated Press'."""
    if is_agency(part):
        return part
    m = _AGENCY_AT.match(part)
    return m.group("agency") if m and is_agency(m.group("agency")) else None


def _looks_like_name(name: str, handles: bool = False) -> bool:
    """Whether a tidied byline part can be a person; `handles`: a lower-case
    user name ("uriebe") counts, as an author link shows it."""
    if is_desk(name) or _LEGAL_FORM.search(name) or is_organisation(name):
        return False
    words = name.split()
    if not words or len(name) > MAX_NAME_CHARS or len(words) > MAX_NAME_WORDS:
        return False
    if not any(c.isalpha() for c in name):
        return False
    # a name's words start with a capital (or are particles: von, de, van, bin)
    if name.islower():
        return len(words) >= 2 or (handles and len(name) >= MIN_HANDLE_CHARS)  # "lno", "cpm", "admin": not a name
    if name.isupper():
        return True
    if len(words) == 1 and len(name) <= 2 and name.lower() != name.upper():
        return False  # "AB": initials, not a name to list
    if words[0][:1].islower() and words[0].casefold() not in NAME_PARTICLES:
        return False  # "deinen Hochzeitsbloggern", "ist der Mann": prose, not a name
    # scripts without case (CJK, Arabic, Devanagari) count as capitalised
    capitals = sum(1 for w in words if w[:1].isupper() or w[:1].lower() == w[:1].upper())
    return capitals >= max(1, len(words) - 2)


def split_byline(text: str) -> list[str]:
    """A byline string cut into the names it lists."""
    # an e-mail address written for humans ("cipha[at]cipha.net", "jane (at) example.org"): no name in it
    text = _SPELLED_EMAIL.sub(" ", clean_text(text) or "")
    text = _BRACKETED.sub(" ", text)
    text = _URL.sub(" ", text)  # before the split at "/": "Frank Bueltge - http://bueltge.de"
    text = _MID_BY.split(text)[-1]  # "Capital Von Jemima Kelly": the section name before goes
    if any(_desk_code(p) for p in _SPLIT.split(text)):  # "Redacción LR; La República": before "Redacción" goes
        text = "; ".join(p for p in _SPLIT.split(text) if p.strip() and not _desk_code(p))
    text = _BY.sub("", text)
    parts = []
    for part in _SPLIT.split(text):
        part = _BY.sub("", part.strip())
        if part:
            parts.append(part)
    return parts


_ABBREVIATED_END = re.compile(r"(?:^|\s)\w{1,2}\.$")  # "Perry Bacon Jr.", "Joe S.": the period is the name's


def _strip_ends(name: str) -> str:
    name = name.strip(" ,:;-–—|·•'\"@)")
    while name.endswith(".") and not _ABBREVIATED_END.search(name):
        name = name[:-1].rstrip(" ,:;-–—|·•'\"")
    return name.lstrip(".")


# A picture's or a template's credit, not a byline: "Фото из Инстаграма …", "Theme Pirate Rogue von xwolf"
_CREDIT = re.compile(r"(?i)^(?:photos?|photograph\w*|fotos?|фото|bild(?:er)?|images?|illustrations?|grafik|video|"
                     r"theme|design(?:ed)?|powered|hosted|quelle|source)\b")


def _tidy_name(raw: str) -> str:
    if _CREDIT.match(raw.strip()):
        return ""
    name = _NOISE.sub(" ", raw)
    name = _TRAILERS.sub("", name) if len(name.split()) > 2 else name
    name = _strip_ends(WS.sub(" ", name))
    name = _unslug(name)
    name = _strip_ends(_strip_roles(name))
    key = _agency_key(name)
    return "" if key in PLACEHOLDER_NAMES or key in DEGREES else name


_SITE_SEP = re.compile(r"\s[-–—|]\s")


def _without_site_words(name: str, outlet_names: set[str]) -> str:
    """'Adam Aaronson PhillyVoice' -> 'Adam Aaronson', 'unocero - Alberto Ávila' ->
    'Alberto Ávila': the outlet's name glued before or after the person's."""
    if not outlet_names:
        return name
    parts = _SITE_SEP.split(name)
    if len(parts) > 1:
        kept = [p for p in parts if not matches_site(p, outlet_names)]
        if kept and len(kept) < len(parts):
            name = " ".join(kept)
    words = name.split()
    if len(words) >= 3 and matches_site(words[-1], outlet_names):
        words = words[:-1]
    # not where the rest opens with a particle: "Walter von Aachen" on a blog named "WalterVac"
    if len(words) >= 3 and matches_site(words[0], outlet_names) and words[1][:1].isupper():
        words = words[1:]
    return " ".join(words)


def _desk_code(value: str) -> bool:
    """'Redacción EC', 'Redaccion Ec': a desk word and a code of a few letters, nobody's name."""
    words = (clean_text(value) or "").replace("-", " ").split()
    return len(words) == 2 and words[0].casefold() in DESK_WORDS and words[1].isalpha() and len(words[1]) <= 4


def _name_key(name: str) -> str:
    return text_key(name.replace("-", " "))


_CODE = re.compile(r"[A-Z][A-Z0-9-]{1,4}")  # "SP-X", "IFZ": a press service's or an institute's code


def clean_authors(raw: Iterable[str], outlet_names: set[str] = frozenset(),
                  organisations: Iterable[str] = (), handles: bool = False) -> tuple[list[str], str | None]:
    """(people, agency) from raw author strings: split, tidied, roles, the
    outlet and duplicates dropped, wire agencies set apart."""
    people: list[str] = []
    seen: dict[str, int] = {}
    agencies: list[str] = []
    for org in organisations:
        org = clean_text(org)
        if org and is_agency(org) and org not in agencies:
            agencies.append(org)
    for value in raw:
        if not isinstance(value, str):
            continue
        after_agency = after_site = False
        code_before = None  # a desk code before the agency ("det/dpa") is the agency's, as one after it is
        parts = split_byline(value)
        if len(parts) > 1 and matches_site(parts[0], outlet_names):
            continue  # the outlet's signature: "hessenschau.de, Frankfurt, Germany"
        if _desk_code(value):
            continue  # "Redacción EC", "Redaktion AZ": the desk signing with the outlet's initials
        first = re.split(r"[,;|]", clean_text(value) or "")[0].strip()
        if _LEGAL_FORM.search(first) or is_organisation(first) or (len(parts) > 1 and matches_site(first, outlet_names)):
            continue  # a company's or the outlet's signature: "Olympia-Verlag GmbH, Nürnberg, Germany"
        for i, part in enumerate(parts):
            # a desk code beside the agency, after it ("dpa/lno") or before it ("det/dpa")
            code = re.fullmatch(r"[A-Za-z][a-z]{1,3}|[a-z]{2,4}", part) and (after_agency or (i + 1 < len(parts)
                                                                            and agency_of(parts[i + 1])))
            agency = agency_of(part) or (part if code and after_agency else None)
            if code and not agency:
                code_before = part
                continue
            if agency:
                if code_before:
                    agency, code_before = f"{code_before}/{agency}", None
                if agency not in agencies:  # an agency, or its desk code ("dpa/lno")
                    agencies.append(agency)
                after_agency = True
                continue
            after_agency = False
            if (dotted := _DOTTED_NAME.fullmatch(part.strip())) and dotted["last"] not in _GENERIC_TLDS:
                part = f"{dotted['first'].capitalize()} {dotted['last'].capitalize()}"
            elif _HOST.fullmatch(part.strip()):
                continue  # "www.haufe.de": a site, not its author
            name = _tidy_name(part)
            if not name or is_agency(name):
                if name and name not in agencies:
                    agencies.append(name)
                continue
            name = _without_site_words(name, outlet_names)
            if after_site or matches_site(name, outlet_names):
                after_site = True  # "Nada Tawfik, BBC News, New York": what follows the outlet is its place
                continue
            if not _looks_like_name(name, handles):
                continue
            key = _name_key(name)
            if key in seen:
                i = seen[key]
                # prefer the spelling with capitals and spaces over a slug or all-lower one
                if people[i].islower() or "-" in people[i] and "-" not in name:
                    people[i] = name
                continue
            seen[key] = len(people)
            people.append(name)
    if any(len(p.split()) > 1 for p in people):  # "Peter Maahn/SP-X": the code beside a name is a service's
        people = [p for p in people if not _CODE.fullmatch(p)]
    return people[:MAX_AUTHORS], ("/".join(agencies) if agencies else None)


_WRITTEN_BY_LABELS = {"writtenby", "verfasstvon", "geschriebenvon", "écritpar", "ecritpar", "escritopor",
                      "scrittoda", "geschrevendoor", "author", "autor", "auteur"}
# Author links: rel="author" (an HTML link type) and the /author/<slug> pages blog engines make.
_AUTHOR_LINK_XPATH = ("//a[contains(concat(' ', normalize-space(@rel), ' '), ' author ')"
                      " or contains(@href, '/author/') or contains(@href, '/autor/')]")
_ALL_POSTS_BY = re.compile(r"(?i)^.*?\b(?:posts|beiträge|artikel|articles|stories|alles|mehr|more)\s+"
                           r"(?:by|von|de|par|di|door)\s+(?P<name>\S.*)$")
# What an author link says when it names nobody: "Zeige alle Artikel", "More Posts", "Autorenseite von".
_LINK_LABEL_WORDS = {"zeige", "alle", "artikel", "articles", "article", "posts", "post", "more", "mehr", "beiträge",
                     "view", "all", "see", "autorenseite", "von", "by", "profile", "profil", "author", "autor",
                     "autorin", "page", "seite", "tous", "les", "de", "todos", "los"}
# The first author link is the article's byline; later ones are teasers' and related posts'.
MAX_AUTHOR_LINKS = 1


def author_links(root) -> list[str]:
    """The names the page's author links show ("View all posts by marc" -> "marc"),
    outside comment threads (whose authors are readers), first ones first."""
    out: list[str] = []
    for el in root.xpath(_AUTHOR_LINK_XPATH):
        if el.xpath("ancestor::*[contains(@class, 'comment') or contains(@id, 'comment')]"):
            continue
        href = el.get("href") or ""
        slug = _name_from_url(href) if "/author/" in href or "/autor/" in href else None
        if slug and is_desk(slug.replace("-", " ")):
            continue  # /author/redaktion: the desk's page
        text = element_text(el)
        if text and (m := _ALL_POSTS_BY.match(text)):
            text = m.group("name")
        if not text or all(w in _LINK_LABEL_WORDS for w in re.findall(r"[^\W\d_]+", text.casefold())):
            # "257 Artikel": the link's address names the author, when it spells a name ("luis-holuch")
            text = slug if slug and _SLUG.match(slug) else None
        if not text:
            continue
        if text not in out:
            out.append(text)
        if len(out) >= MAX_AUTHOR_LINKS:
            break
    return out


def meta_authors(root) -> list[str]:
    """Byline strings from meta tags (a profile URL becomes its slug)."""
    values = meta_content(root, "author", "article:author", "og:article:author", "dc.creator", "DC.creator",
                          "sailthru.author", "parsely-author", "byl", "cXenseParse:author")
    # Yoast's reading-time card: twitter:label1 "Written by" / "Verfasst von", twitter:data1 the name
    for n in ("1", "2"):
        label = next(iter(meta_content(root, "twitter:label" + n)), "")
        if text_key(label) in _WRITTEN_BY_LABELS:
            values.extend(meta_content(root, "twitter:data" + n))
    out = []
    for v in values:
        if v.startswith(("http://", "https://")):
            v = _name_from_url(v) or ""
        if v:
            out.append(v)
    return out


# Works other than articles whose JSON-LD `author` is the page's author (a recipe, a how-to, the page itself)
_AUTHORED_TYPES = {"recipe", "howto", "webpage", "creativework", "videoobject", "podcastepisode", "review"}


def authored_work(objects: Iterable[dict]) -> dict | None:
    for obj in objects:
        types = obj.get("@type", [])
        types = {str(t).lower() for t in (types if isinstance(types, list) else [types])}
        if types & _AUTHORED_TYPES and obj.get("author"):
            return obj
    return None


def headline_element(root):
    """The article's <h1>: where its byline is looked for after."""
    found = root.xpath("(//article//h1|//main//h1)[1]") or root.xpath("(//h1)[1]")
    return found[0] if found else None


def shown_byline(root, names: set[str]) -> list[str]:
    """The first byline the page's text shows that names someone (`pipelines.byline`)."""
    shown = visible_bylines(root, headline_element(root))
    for raw in shown:
        if clean_authors([raw], names, handles=True)[0]:
            return [raw]
    signed = signature_byline(root)
    if signed and clean_authors([signed], names)[0]:
        return [signed]
    # nobody named: a byline naming a wire agency alone ("Agencia EFE") still says whose copy it is
    return next(([raw] for raw in shown if clean_authors([raw], names, handles=True)[1]), [])


def fallback_byline(author: str | None, declared: Iterable[str], names: set[str],
                     root=None) -> tuple[list[str], str | None]:
    """(people, agency) from another extractor's byline (trafilatura's), read
    when the page's own sources named nobody. Where the page declared a byline
    that was rejected (the outlet, a desk, an organisation, a user name in
    lower case), the fallback may only give that same name back, not what its
    search finds around it ("selbst ist der Mann" -> "Ist Der Mann", "symple.ch"
    -> "Symple Ch"); where nothing was declared, one bare word names someone
    only as the text of a link to them, as for the bylines the page shows
    ("Zvg", "Human", "Martin")."""
    if not author:
        return [], None
    people, agency = clean_authors([author], names)
    declared = [d for d in declared if isinstance(d, str) and d.strip()]
    if declared:
        def spelled(text: str) -> str:  # case aside, letter for letter: "symple.ch" is not "Symple Ch"
            return " ".join(text.casefold().split())

        whole = {spelled(d) for d in declared}
        people = [p for p in people if spelled(p) in whole | {spelled(q) for d in declared for q in split_byline(d)}]
        # one word of a declared list ("Kirche und Leben, Münster, Germany" -> "Münster") is checked as below;
        # a declared user name alone ("flerche") is the byline as given
        bare = [p for p in people if " " not in p and spelled(p) not in whole]
    else:
        bare = [p for p in people if " " not in p]
    if bare:
        links = {_name_key(element_text(a) or "") for a in root.iter("a")} if root is not None else set()
        people = [p for p in people if p not in bare or _name_key(p) in links]
    return people, agency

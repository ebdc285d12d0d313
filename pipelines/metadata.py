"""Article metadata a reader can trust: title, authors, dates. Pure functions.

Extraction hands over what the page says (JSON-LD objects, meta tags, the
parsed tree); this module decides:

* **title**: among the JSON-LD `headline`, `og:title`, the article's `<h1>`
  and `<title>`, with the site-name part cut (the page's `og:site_name`,
  publisher and domain, and per outlet the suffix/prefix its pages repeat,
  learned like the outlet lines are: `OutletTitles`);
* **authors**: people only, from every JSON-LD `author` shape or a byline
  string: split, slugs turned into names, "By", roles and job titles dropped,
  wire agencies kept apart (`agency`), the outlet's own name dropped;
* **dates**: JSON-LD, then meta tags, `<time>`, the URL, then the visible
  dateline (htmldate); dates in the future or before 1990 dropped.

Text from JSON-LD and meta tags is entity-decoded and stripped of markup
(`clean_text`, w3lib).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit

from w3lib.html import remove_tags, replace_entities

from pipelines.byline import visible_bylines

# -- text -------------------------------------------------------------------

_WS = re.compile(r"[\s\u00a0\u200b\u2009\u202f]+")


def clean_text(value: Any) -> str | None:
    """Entities decoded (twice: JSON-LD is often double-escaped), tags removed,
    spaces collapsed; None for anything that is not a non-blank string."""
    if not isinstance(value, str):
        return None
    text = value
    for _ in range(2):
        decoded = replace_entities(text)
        if decoded == text:
            break
        text = decoded
    if "<" in text and ">" in text:
        text = replace_entities(remove_tags(text))
    text = _WS.sub(" ", text).strip()
    return text or None


def _key(text: str | None) -> str:
    """Comparable form: case, accents, punctuation and spaces ignored."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[\W_]+", "", text.casefold())


def _words_key(text: str | None) -> str:
    return " ".join(re.findall(r"\w+", (text or "").casefold()))


# -- site names ---------------------------------------------------------------

_DOMAIN_NOISE = {"www", "m", "amp", "mobile", "edition", "news", "online", "de", "en", "es", "fr", "it"}


def domain_names(url: str | None) -> list[str]:
    """The labels of a URL's host that can name the site: 'www.boersen-zeitung.de'
    -> ['boersen-zeitung', 'boersen-zeitung.de']."""
    host = (urlsplit(url or "").hostname or "").lower()
    labels = [x for x in host.split(".") if x]
    if len(labels) < 2:
        return [host] if host else []
    while len(labels) > 2 and labels[0] in _DOMAIN_NOISE:
        labels = labels[1:]
    # the registrable part: last two labels, or three for co.uk-style suffixes
    core = labels[-3:] if len(labels) >= 3 and len(labels[-2]) <= 3 and len(labels[-1]) == 2 else labels[-2:]
    names = [core[0], ".".join(core)]
    if len(labels) > len(core):
        names.append(".".join(labels[-len(core) - 1:]))
    return names


def _initials(text: str) -> str:
    words = re.findall(r"\w+", text)
    return _key("".join(w[0] for w in words)) if len(words) >= 2 else ""


def _matches_site(part: str, site_keys: set[str]) -> bool:
    key = _key(part)
    if not key or not site_keys:
        return False
    if key in site_keys or _initials(part) in site_keys:  # "Deutsche Welle" / dw.com
        return True
    # "Börsen-Zeitung" vs domain "boersen-zeitung": umlaut transliteration
    alt = key.replace("ae", "a").replace("oe", "o").replace("ue", "u").replace("ss", "ß")
    for site in site_keys:
        s_alt = site.replace("ae", "a").replace("oe", "o").replace("ue", "u").replace("ss", "ß")
        if alt == s_alt:
            return True
        # "DW.com" / "DW", "Spiegel Online" / "spiegel": one holds the other, both short-ish
        if len(site) >= 4 and len(key) <= 40 and (key.startswith(site) or site.startswith(key)) \
                and min(len(key), len(site)) >= 0.5 * max(len(key), len(site)):
            return True
    return False


def site_keys(names: Iterable[str | None]) -> set[str]:
    return {k for n in names if (k := _key(n)) and len(k) >= 2}


# -- title ------------------------------------------------------------------

# Separators between a headline and the site's name, widest first.
_SEPARATORS = (" | ", " || ", " – ", " — ", " - ", " :: ", " · ", " • ", " / ", " » ", " « ", " ~ ", " -- ")
_SEP_RE = re.compile(r"\s(?:\|\|?|–|—|-{1,2}|::|·|•|/|»|«|~)\s")
_DATE_PART = re.compile(r"^[\d\s./:-]+$")
# Labels blog and CMS templates put between the site's name and the headline.
_SECTION_LABELS = {"blogarchive", "blogarchiv", "archive", "archiv", "archives", "blog"}
MIN_HEADLINE_CHARS = 8  # what is left after cutting an affix must still read as a headline
MAX_AFFIX_CHARS = 80


def _split_parts(title: str) -> list[str]:
    """The title cut at its separators, separators kept: ['Headline', ' | ', 'DW', ' | ', '28.04.2023']."""
    out, pos = [], 0
    for m in _SEP_RE.finditer(title):
        out.append(title[pos:m.start()])
        out.append(m.group(0))
        pos = m.end()
    out.append(title[pos:])
    return out


def strip_site_name(title: str | None, names: set[str]) -> str | None:
    """`title` without a leading or trailing part naming the site (and a date
    part beside it): '... | DW | 28.04.2023' -> '...'."""
    if not title:
        return title
    parts = _split_parts(title)
    if len(parts) < 3:
        return title
    texts = parts[::2]
    # trailing: drop date parts and site parts from the end
    end = len(texts)
    cut_end = False
    while end > 1:
        last = texts[end - 1].strip()
        if _matches_site(last, names):
            end, cut_end = end - 1, True
        elif _DATE_PART.match(last) and any(_matches_site(t, names) for t in texts[1:end - 1]):
            end -= 1
        else:
            break
    start = 0
    if not cut_end:
        while start < end - 1 and _matches_site(texts[start].strip(), names):
            start += 1
        # "Four Years Remaining » Blog Archive » Headline": the blog template's label after the name
        while 0 < start < end - 1 and _key(texts[start]) in _SECTION_LABELS:
            start += 1
    if start == 0 and end == len(texts):
        return title
    kept = "".join(parts[2 * start:2 * end - 1]).strip()
    return kept or title


def affix_candidates(title: str) -> list[tuple[str, str, str]]:
    """(key, side, rest) for each way of cutting a prefix or suffix part off
    `title` at a separator. The key ignores digits, so '| DW | 28.04.2023'
    repeats across pages."""
    parts = _split_parts(title)
    out = []
    for i in range(1, len(parts), 2):
        head, tail = "".join(parts[:i]).strip(), "".join(parts[i + 1:]).strip()
        suffix, prefix = "".join(parts[i:]), "".join(parts[:i + 1])
        for side, affix, rest in (("suffix", suffix, head), ("prefix", prefix, tail)):
            norm = re.sub(r"\d", "0", affix.casefold().strip())
            if len(rest) >= MIN_HEADLINE_CHARS and len(affix.strip()) <= MAX_AFFIX_CHARS:
                key = "title:" + side + ":" + hashlib.blake2b(norm.encode(), digest_size=8).hexdigest()
                out.append((key, side, rest))
    return out


def title_affix_keys(titles: Iterable[str | None]) -> set[str]:
    """The affix keys of one page's raw titles, counted once per page."""
    return {key for title in titles if title for key, _, _ in affix_candidates(title)}


@dataclass
class OutletTitles:
    """Title affixes one outlet repeats across its pages ("| DW | 28.04.2023",
    "Börsen-Zeitung: "): counts of affix keys (`affix_candidates`) over the
    outlet's articles, kept with the outlet lines (`outlet_lines`)."""

    articles: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    min_articles: int = 3
    min_share: float = 0.5

    def is_site_affix(self, key: str) -> bool:
        if self.articles < self.min_articles:
            return False
        return self.counts.get(key, 0) >= max(2, self.min_share * self.articles)

    def learn(self, titles: Iterable[str | None]) -> set[str]:
        """Count one page: the affix keys of its raw titles (<title>, og:title)."""
        keys = title_affix_keys(titles)
        self.articles += 1
        for key in keys:
            self.counts[key] = self.counts.get(key, 0) + 1
        return keys

    def cut(self, title: str | None) -> str | None:
        """The title without its outlet's repeated affix (the widest one known)."""
        if not title:
            return title
        best = None
        for key, _side, rest in affix_candidates(title):
            if self.is_site_affix(key) and (best is None or len(rest) < len(best)):
                best = rest
        return best or title


@dataclass
class TitleCandidates:
    headline: str | None = None  # JSON-LD
    og_title: str | None = None
    h1: list[str] = field(default_factory=list)  # article <h1> first
    html_title: str | None = None
    subheads: list[str] = field(default_factory=list)  # the page's first <h2>/<h3>s

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class TitlePolicy:
    """How candidates are weighed. The defaults are the variant chosen on the
    corpus; benchmarks/metadata.py re-chooses it leaving each site out."""

    jsonld_first: bool = True  # the JSON-LD headline, when there is one, before any agreement test
    # whose wording wins when a meta title and the <h1> agree word for word: "meta", "h1", or
    # "typographic": the <h1> when the two differ only in quotes and dashes and the <h1> has the
    # typographic ones (’ “ ” – …; meta tags often carry an ASCII copy)
    confirmed_text: str = "typographic"
    h1_inside_meta: bool = True  # an <h1> that a meta title holds with more around it wins
    order: tuple[str, ...] = ("headline", "h1", "og_title", "html_title")
    drop_kicker: bool = True  # "Kicker: Headline" when the <h1> or og:title is "Headline" alone
    subhead_part: bool = True  # "Headline | Blog name" cut to the <h2>/<h3> that is one of its parts


TITLE_ORDERS = (("headline", "og_title", "h1", "html_title"), ("headline", "h1", "og_title", "html_title"),
                ("og_title", "headline", "h1", "html_title"), ("h1", "headline", "og_title", "html_title"))
TITLE_POLICIES = tuple(
    TitlePolicy(first, confirmed, inside, order)
    for first in (True, False) for confirmed in ("meta", "h1", "typographic") for inside in (True, False)
    for order in TITLE_ORDERS)


_PLAIN_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201c": '"', "\u201d": '"',
                               "\u201e": '"', "\u00ab": '"', "\u00bb": '"', "\u2039": "'", "\u203a": "'",
                               "\u2013": "-", "\u2014": "-", "\u2026": "..."})


def _plain_quotes(text: str) -> str:
    return " ".join(text.translate(_PLAIN_QUOTES).split())


def _typographic(text: str) -> int:
    return sum(1 for c in text if ord(c) > 127 and c.translate(_PLAIN_QUOTES) != c)


_KICKER_SEP = re.compile(r"^(?P<kicker>[^:|–—-]{2,60}?)\s?(?::|\s[-–—]|\s?:\s[-–—])\s+(?P<rest>\S.*)$")
MAX_KICKER_WORDS = 6


def drop_kicker(title: str | None, others: Iterable[str | None]) -> str | None:
    """'Chronik: Lotte Tobisch ist tot' -> 'Lotte Tobisch ist tot' when another of
    the page's titles (the <h1>, og:title) is that rest alone: the prefix is a
    kicker the meta copy glued on."""
    if not title or not (m := _KICKER_SEP.match(title)) or len(m.group("kicker").split()) > MAX_KICKER_WORDS:
        return title
    rest = _words_key(m.group("rest"))
    for other in others:
        if other and other != title and _words_key(other) == rest and len(rest.split()) >= 3:
            return other
    return title


def choose_title(cands: TitleCandidates, names: set[str], learned: OutletTitles | None = None,
                 policy: TitlePolicy = TitlePolicy()) -> str | None:
    chosen = _choose_title(cands, names, learned, policy)
    if not policy.drop_kicker:
        return chosen
    def cut(title):
        title = clean_text(title)
        return strip_site_name(title, names) if title else None
    chosen = drop_kicker(chosen, [*(cut(h) for h in cands.h1[:1]), cut(cands.og_title), cut(cands.headline)])
    return subhead_part(chosen, cands.subheads) if policy.subhead_part else chosen


MAX_SUBHEADS = 10
_PART_SEP = re.compile(r"\s(?:\|\|?|–|—|-{1,2}|::|·|•|»|«|~)\s")  # not ":": "Kicker: Headline" is one title


def subhead_part(title: str | None, subheads: Iterable[str]) -> str | None:
    """'Was ist Virales Marketing? | DimidoBlog' -> 'Was ist Virales Marketing?' when
    a heading of the page is exactly that part: a page without an <h1> (or
    with its site's name there) shows its headline as an <h2>; the rest of
    the meta title is the site's name, in words no site list has."""
    if not title or not _PART_SEP.search(title):
        return title
    head, rest = _PART_SEP.split(title, maxsplit=1)
    # the headline first, the site's name after ("… – das erwarten wir": a section's <h2> is no headline)
    if len(head) < MIN_HEADLINE_CHARS or len(rest) > MAX_AFFIX_CHARS:
        return title
    key = _words_key(head)
    return head.strip() if any(_words_key(h) == key for h in subheads) else title


def _choose_title(cands: TitleCandidates, names: set[str], learned: OutletTitles | None = None,
                  policy: TitlePolicy = TitlePolicy()) -> str | None:
    """The headline, with the site part cut from each candidate: the JSON-LD
    headline; else a candidate the article's <h1> confirms; else an <h1> that
    a meta title holds with more around it; else the first in `policy.order`."""
    def cut(title: str | None) -> str | None:
        title = clean_text(title)
        if title and learned is not None:
            title = learned.cut(title)
        return strip_site_name(title, names) if title else None

    found = {"headline": cut(cands.headline), "og_title": cut(cands.og_title), "html_title": cut(cands.html_title)}
    metas = [t for t in (found["headline"], found["og_title"], found["html_title"]) if t]
    # an <h1> naming the site is the page's masthead ("Krimiblog-Archiv"), not its headline
    h1s = [t for h in cands.h1 if (t := cut(h)) and not _matches_site(t, names)]
    found["h1"] = h1s[0] if h1s else None
    def confirmed(meta: str, h1: str) -> str:
        if policy.confirmed_text == "typographic":
            return h1 if _plain_quotes(h1) == _plain_quotes(meta) and _typographic(h1) > _typographic(meta) else meta
        return meta if policy.confirmed_text == "meta" else h1

    if policy.jsonld_first and found["headline"]:
        if policy.confirmed_text == "typographic":
            return next((confirmed(found["headline"], h1) for h1 in h1s
                         if _words_key(h1) == _words_key(found["headline"])), found["headline"])
        return found["headline"]
    for h1 in h1s:
        for meta in metas:
            if _words_key(h1) == _words_key(meta):
                return confirmed(meta, h1)
    if policy.h1_inside_meta:
        for h1 in h1s:
            hk = _words_key(h1)
            for meta in metas:
                wk = _words_key(meta)
                if len(hk) >= 12 and wk != hk and (wk.startswith(hk) or wk.endswith(hk)):
                    return h1
    for key in policy.order:
        value = found.get(key)
        if key == "h1" and value:
            hk = _words_key(value)
            # "Tunesien Große Aufgaben …", "… Region 02.02.2022 • Presse": a kicker or a dateline
            # glued to a meta title in the <h1>; the meta title is the headline
            held = [m for m in metas if len(mk := _words_key(m)) >= 12 and hk != mk
                    and (hk.endswith(mk) or hk.startswith(mk))]
            if held:
                return held[0]
            if not _plausible_h1(value):
                continue
        if value:
            return value
    return None


def _plausible_h1(text: str) -> bool:
    """An <h1> that can be the headline: a few words, not a label ("Leggi anche:", "Details")."""
    return len(text.split()) >= 3 and not text.rstrip().endswith(":")


# -- authors ----------------------------------------------------------------

AGENCIES = {
    "ap", "associated press", "the associated press", "dpa", "deutsche presse agentur", "reuters",
    "thomson reuters", "afp", "agence france presse", "agence france-presse", "apa", "kna", "epd",
    "efe", "agencia efe", "ansa", "pa", "pa media", "press association", "upi", "xinhua", "tass",
    "ria novosti", "kyodo", "yonhap", "sda", "keystone sda", "keystone-sda", "anp", "belga", "ntb",
    "tt", "ritzau", "čtk", "ctk", "pap", "mti", "europa press", "lusa", "aap", "ians", "pti", "dts",
    "dpa-afx", "afx", "sid", "cp", "the canadian press", "canadian press", "ani", "bloomberg",
    "agencias", "agencies", "agenturen", "agences", "wires", "wire services", "news agencies",
}

# Words naming a newsroom or desk: a byline part holding one is not a person.
DESK_WORDS = {
    "redaktion", "redaktionen", "newsroom", "staff", "desk", "team", "editorial", "rédaction", "redacción",
    "redazione", "redactie", "redaksjonen", "redaktionsteam", "onlineredaktion", "nachrichtenredaktion",
    "agenturen", "agencies", "agences", "agencias", "newsdesk", "webredaktion", "zentralredaktion",
    "nachrichten", "news", "noticias", "notizie", "nieuws", "nyheter", "nyheder", "actualités",
}
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
_SPLIT = re.compile(r"\s*(?:,|;|\||/|&|\s\+\s|\b(?i:and|und|et|og|och|en|ve|és|ja|oraz)\b|(?<=\s)(?-i:y|e|i)(?=\s))\s*")
_TRAILERS = re.compile(r"\b(?:(?i:published|updated|veröffentlicht|aktualisiert|publié|mis à jour|publicado|"
                       r"actualizado|pubblicato|aggiornato)|am|on|le|el|il|um|at)\b.*$")
_MID_BY = re.compile(r"\s(?:By|Von|Par|Por|Door|Av|Af)\s")
_BRACKETED = re.compile(r"\([^)]*\)?|\[[^\]]*\]?")
_NOISE = re.compile(r"\S+@\S+|https?://\S+|@\w+|\(.*?\)|\[.*?\]|\b\d[\d:./-]*")
_SLUG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)+$")
MAX_NAME_CHARS = 60
MAX_NAME_WORDS = 5
MAX_AUTHORS = 12


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
    return [(kind, name)] if name else []


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
    words, is_role = words[start:], is_role[start:]
    if not words or (start and len(words) < 2):
        return ""
    for i in range(2, len(words)):
        if is_role[i]:
            return " ".join(words[:i])
    while len(words) > 1 and words[-1].casefold().strip(".,:") in ROLE_NOUNS:
        words = words[:-1]
    return " ".join(words)


# A company's legal form: "ZooRoyal Petcare GmbH", "Deutscher Caritasverband e.V." are no people.
_LEGAL_FORM = re.compile(r"(?:^|\s)(?:(?i:g?gmbh|ltd\.?|inc\.?|llc|plc|sarl)|AG|SE|KG|e\.?\s?V\.?|S\.A\.|S\.p\.A\.)"
                         r"(?:$|[\s,])")
_HOST = re.compile(r"(?i)(?:www\s*\.?\s*)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,6}|www\s.+")


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
    if is_desk(name) or _LEGAL_FORM.search(name):
        return False
    words = name.split()
    if not words or len(name) > MAX_NAME_CHARS or len(words) > MAX_NAME_WORDS:
        return False
    if not any(c.isalpha() for c in name):
        return False
    # a name's words start with a capital (or are particles: von, de, van, bin)
    if name.islower():
        return len(words) >= 2 or (handles and len(name) >= 3)  # "lno", "admin": not a name
    if name.isupper():
        return True
    if len(words) == 1 and len(name) <= 2 and name.lower() != name.upper():
        return False  # "AB": initials, not a name to list
    # scripts without case (CJK, Arabic, Devanagari) count as capitalised
    capitals = sum(1 for w in words if w[:1].isupper() or w[:1].lower() == w[:1].upper())
    return capitals >= max(1, len(words) - 2)


def split_byline(text: str) -> list[str]:
    """A byline string cut into the names it lists."""
    text = _BRACKETED.sub(" ", clean_text(text) or "")
    text = _MID_BY.split(text)[-1]  # "Capital Von Jemima Kelly": the section name before goes
    text = _BY.sub("", text)
    parts = []
    for part in _SPLIT.split(text):
        part = _BY.sub("", part.strip())
        if part:
            parts.append(part)
    return parts


_ABBREVIATED_END = re.compile(r"(?:^|\s)\w{1,2}\.$")  # "Perry Bacon Jr.", "Joe S.": the period is the name's


def _strip_ends(name: str) -> str:
    name = name.strip(" ,:;-–—|·•'\"@")
    while name.endswith(".") and not _ABBREVIATED_END.search(name):
        name = name[:-1].rstrip(" ,:;-–—|·•'\"")
    return name.lstrip(".")


def _tidy_name(raw: str) -> str:
    name = _NOISE.sub(" ", raw)
    name = _TRAILERS.sub("", name) if len(name.split()) > 2 else name
    name = _strip_ends(_WS.sub(" ", name))
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
        kept = [p for p in parts if not _matches_site(p, outlet_names)]
        if kept and len(kept) < len(parts):
            name = " ".join(kept)
    words = name.split()
    if len(words) >= 3 and _matches_site(words[-1], outlet_names):
        words = words[:-1]
    if len(words) >= 3 and _matches_site(words[0], outlet_names):
        words = words[1:]
    return " ".join(words)


def _name_key(name: str) -> str:
    return _key(name.replace("-", " "))


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
        after_agency = False
        parts = split_byline(value)
        if len(parts) > 1 and _matches_site(parts[0], outlet_names):
            continue  # the outlet's signature: "hessenschau.de, Frankfurt, Germany"
        first = re.split(r"[,;|]", clean_text(value) or "")[0].strip()
        if _LEGAL_FORM.search(first) or (len(parts) > 1 and _matches_site(first, outlet_names)):
            continue  # a company's or the outlet's signature: "Olympia-Verlag GmbH, Nürnberg, Germany"
        for part in parts:
            agency = agency_of(part) or (part if after_agency and re.fullmatch(r"[a-z]{2,4}", part) else None)
            if agency:
                if agency not in agencies:  # an agency, or its desk code ("dpa/lno")
                    agencies.append(agency)
                after_agency = True
                continue
            after_agency = False
            if _HOST.fullmatch(part.strip()):
                continue  # "www.haufe.de": a site, not its author
            name = _tidy_name(part)
            if not name or is_agency(name):
                if name and name not in agencies:
                    agencies.append(name)
                continue
            name = _without_site_words(name, outlet_names)
            if _matches_site(name, outlet_names) or not _looks_like_name(name, handles):
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
    return people[:MAX_AUTHORS], ("/".join(agencies) if agencies else None)


# -- dates ------------------------------------------------------------------

EARLIEST = datetime(1990, 1, 1, tzinfo=timezone.utc)
DISAGREE_AFTER = timedelta(days=1)
_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-]?(0[1-9]|1[0-2])[/-]?(0[1-9]|[12]\d|3[01])(?:/|[-_]|$)")


def url_date(url: str) -> str | None:
    m = _URL_DATE.search(urlsplit(url or "").path)
    return f"{m.group(1)}-{m.group(2)}-{m.group(3)}" if m else None


def plausible(value: datetime | None, now: datetime | None = None) -> datetime | None:
    """None for a date in the future (a day's slack for time zones) or before 1990."""
    if value is None:
        return None
    now = now or datetime.now(timezone.utc)
    if value < EARLIEST or value > now + timedelta(days=1):
        return None
    return value


@dataclass
class DateChoice:
    value: datetime | None = None
    source: str | None = None
    disagreement: dict | None = None  # {"<first source>": iso, "<other source>": iso} beyond a day
    rival: tuple[str, datetime] | None = None  # the other source's value, when they disagree


def choose_date(candidates: list[tuple[str, datetime | None]], now: datetime | None = None) -> DateChoice:
    """The first plausible date in source order; when another source is more
    than a day away from it, the first stays and the disagreement is returned
    for the run's record (`settle_disagreement` may still overrule it)."""
    dated = [(src, v) for src, v in candidates if plausible(v, now) is not None]
    if not dated:
        return DateChoice()
    source, value = dated[0]
    choice = DateChoice(value=value, source=source)
    for other, v in dated[1:]:
        if abs(v - value) > DISAGREE_AFTER:
            choice.rival = (other, v)
            choice.disagreement = {source: value.isoformat(), other if other != source else other + "2": v.isoformat()}
            break
    return choice


def _days_apart(shown: date, value: datetime) -> int:
    return abs((shown - value.date()).days)


def settle_disagreement(choice: DateChoice, dateline: date | None) -> DateChoice:
    """Two of the page's sources over a day apart ("datePublished" of the first
    version, a meta tag of the republished one): the day the page shows
    (`dateline`, a calendar day, no zone) decides when it is that of the other
    source and two days or more from the first; otherwise the first stays.
    The disagreement stays recorded either way."""
    if choice.rival is None or dateline is None or choice.value is None:
        return choice
    other, value = choice.rival
    record = {**(choice.disagreement or {}), "dateline": dateline.isoformat()}
    if _days_apart(dateline, value) <= 1 and _days_apart(dateline, choice.value) >= 2:
        return DateChoice(value=value, source=other, disagreement={**record, "kept": other}, rival=choice.rival)
    return DateChoice(value=choice.value, source=choice.source, disagreement={**record, "kept": choice.source},
                      rival=choice.rival)


# -- reading the page -------------------------------------------------------

def meta_content(root, *keys: str) -> list[str]:
    """Every non-blank `content` of <meta property|name|itemprop=key>, keys in order."""
    out = []
    for key in keys:
        for el in root.xpath(f'//meta[@property="{key}" or @name="{key}" or @itemprop="{key}"]'):
            if (value := clean_text(el.get("content"))) and value not in out:
                out.append(value)
    return out


def _text(el) -> str | None:
    return clean_text(" ".join(t for t in el.itertext() if isinstance(t, str)))


# Parts of an <h1> that are not the headline: the kicker (overline, Dachzeile) above it and the
# separators kept only for screen readers ("<span class='visually-hidden'>: </span>")
_KICKER_CLASS = re.compile(r"(?i)kicker|overline|topline|dachzeile|spitzmarke|eyebrow|supertitle|roofline|"
                           r"visually-hidden|offscreen|sr-only|screen-reader")


def _headline_text(el) -> str | None:
    """An <h1>'s text without its kicker and hidden parts, when the markup marks them."""
    marked = [c for c in el.iterdescendants() if isinstance(c.tag, str) and _KICKER_CLASS.search(c.get("class") or "")]
    if not marked:
        return _text(el)
    pieces = []
    def walk(node):
        if node in marked:
            pieces.append(" ")
        else:
            pieces.append(node.text or "")
            for child in node:
                if isinstance(child.tag, str):
                    walk(child)
                pieces.append(child.tail or "")
    walk(el)
    # the hidden separator may sit outside the kicker's element: ": Ein bisschen Fortschritt"
    return clean_text("".join(pieces).strip().lstrip(":|–—-").strip()) or _text(el)


def title_candidates(root, article: dict | None) -> TitleCandidates:
    """What the page offers as its headline: the <h1>s inside <article> first."""
    article = article or {}
    headline = article.get("headline") or article.get("name")
    inside = root.xpath("//article//h1|//*[@itemprop='headline']|//main//h1")
    others = root.xpath("//h1")
    h1 = list(dict.fromkeys(t for el in [*inside, *others] if (t := _headline_text(el))))[:5]
    return TitleCandidates(
        headline=headline if isinstance(headline, str) else None,
        og_title=next(iter(meta_content(root, "og:title", "twitter:title")), None),
        h1=h1,
        html_title=clean_text(root.findtext(".//title")),
        subheads=[t for el in root.xpath("(//h2|//h3)[position() <= $n]", n=MAX_SUBHEADS) if (t := _text(el))],
    )


def page_site_names(root, objects: Iterable[dict], url: str, outlet_names: Iterable[str] = ()) -> set[str]:
    """Keys of the names the site goes by: og:site_name, application-name,
    the JSON-LD publisher and WebSite names, the domain, the outlet's name."""
    names = [*meta_content(root, "og:site_name", "application-name", "twitter:site"), *outlet_names,
             *domain_names(url)]
    for obj in objects:
        types = obj.get("@type", [])
        types = {str(t).lower() for t in (types if isinstance(types, list) else [types])}
        if types & {"website", "newsmediaorganization", "organization"} and isinstance(obj.get("name"), str):
            names.append(obj["name"])
        publisher = obj.get("publisher")
        for pub in publisher if isinstance(publisher, list) else [publisher]:
            if isinstance(pub, dict) and isinstance(pub.get("name"), str):
                names.append(pub["name"])
    return site_keys(n.lstrip("@") for n in names if isinstance(n, str))


_HOME_TAILS = ("", "/", "/index.html", "/index.htm", "/index.php")
MAX_HOME_LINKS = 40


def _home_hrefs(url: str) -> set[str]:
    """The ways a link can point at the site's home page, as written in href."""
    host = (urlsplit(url or "").hostname or "").removeprefix("www.")
    if not host:
        return set()
    hosts = (host, "www." + host)
    out = {f"{scheme}{h}{tail}" for scheme in ("http://", "https://", "//") for h in hosts for tail in _HOME_TAILS}
    return out | {"/", "./", "index.html", "index.php", "/index.html", "/index.php", "/index.htm"}


def home_link_names(root, url: str) -> list[str]:
    """What the page's links to its own home page say ("Bibliothek 2.0 und
    mehr", a logo's alt text): the name a blog or small site gives itself,
    which no meta tag may carry. Used for titles only: a blog's name is often
    its author's, who must stay an author."""
    homes = _home_hrefs(url)
    out: list[str] = []
    # a home page's address is short: the XPath skips most links unread
    for el in root.xpath("//a[string-length(@href) <= $n]", n=max(map(len, homes), default=0)):
        if el.get("href", "").strip() not in homes:
            continue
        texts = [_text(el), el.get("title"), el.get("aria-label")]
        texts += [img.get(a) for img in el.iter("img") for a in ("alt", "title")]
        for text in texts:
            text = clean_text(text)
            if text and 2 <= len(text) <= MAX_AFFIX_CHARS and text not in out:
                out.append(text)
        if len(out) >= MAX_HOME_LINKS:
            break
    return out


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
        text = _text(el)
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
        if _key(label) in _WRITTEN_BY_LABELS:
            values.extend(meta_content(root, "twitter:data" + n))
    out = []
    for v in values:
        if v.startswith(("http://", "https://")):
            v = _name_from_url(v) or ""
        if v:
            out.append(v)
    return out


def _parse_local(text: str, day_first: bool = True) -> datetime | None:
    """A date string -> datetime, naive when the string names no offset.
    '01-11-2023' is read day first unless the page is in US English."""
    text = text.strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    import dateparser

    try:
        return dateparser.parse(text, settings={"RETURN_AS_TIMEZONE_AWARE": False,
                                                "PREFER_DAY_OF_MONTH": "first",
                                                "DATE_ORDER": "DMY" if day_first else "MDY"})
    except (ValueError, OverflowError):
        return None


def day_first(language: str | None) -> bool:
    """Whether '01-11-2023' is the 1st of November: everywhere but US English."""
    lang = (language or "").casefold().replace("_", "-")
    return not (lang == "en-us" or lang == "en")


def resolve_dates(raw: list[tuple[str, str | None]], default_tz: str | None = None,
                  language: str | None = None) -> list[tuple[str, datetime | None]]:
    """(source, aware UTC datetime): a value without an offset is read in the
    page's own offset (the first candidate that has one), else the outlet's zone."""
    from zoneinfo import ZoneInfo

    order = day_first(language)
    parsed = [(src, _parse_local(v, order) if isinstance(v, str) and v.strip() else None) for src, v in raw]
    page_tz = next((d.tzinfo for _, d in parsed if d is not None and d.tzinfo is not None), None)
    fallback = page_tz or (ZoneInfo(default_tz) if default_tz else timezone.utc)
    out = []
    for src, d in parsed:
        if d is not None and d.tzinfo is None:
            d = d.replace(tzinfo=fallback)
        out.append((src, d.astimezone(timezone.utc) if d is not None else None))
    return out


# Only the article's own <time>: sidebars, comments and teasers carry other dates.
_TIME_XPATH = "//time[@datetime][@itemprop='datePublished' or @pubdate]"
_ARTICLE_TIME_XPATH = "//article//time[@datetime]"
_DAY_PRECISION = re.compile(r"\d{4}.*\d|\d.*\d{4}")  # a year and more: "2006" alone is not a date


def published_candidates(root, article: dict | None, url: str) -> list[tuple[str, str | None]]:
    """(source, raw value) in the order trusted: JSON-LD, meta tags, <time>, URL."""
    article = article or {}
    raw: list[tuple[str, str | None]] = []
    if isinstance(article.get("datePublished"), str):
        raw.append(("jsonld", article["datePublished"]))
    for value in meta_content(root, "article:published_time", "datePublished", "pubdate", "publishdate",
                              "date", "DC.date.issued", "dc.date", "sailthru.date", "og:published_time",
                              "publish-date", "parsely-pub-date"):
        if len(value) >= 8 and _DAY_PRECISION.search(value):
            raw.append(("meta", value))
    times = root.xpath(_TIME_XPATH)
    if not times and len(root.xpath("//article")) == 1:  # several <article>s: teasers, comments
        times = root.xpath(_ARTICLE_TIME_XPATH)
    for el in times[:1]:
        raw.append(("time", el.get("datetime")))
    if (value := url_date(url)) is not None:
        raw.append(("url", value))
    return raw


def modified_candidates(root, article: dict | None) -> list[tuple[str, str | None]]:
    article = article or {}
    raw: list[tuple[str, str | None]] = []
    if isinstance(article.get("dateModified"), str):
        raw.append(("jsonld", article["dateModified"]))
    raw.extend(("meta", v) for v in meta_content(root, "article:modified_time", "dateModified",
                                                 "og:updated_time", "last-modified"))
    return raw


def _calendar_day(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def dateline_date(root, url: str, now: datetime | None = None) -> str | None:
    """The date the page shows, found by htmldate (meta, markup and visible
    text, original publication date preferred), day precision."""
    import htmldate

    now = now or datetime.now(timezone.utc)
    try:
        return htmldate.find_date(root, url=url, extensive_search=True, original_date=True,
                                  min_date=EARLIEST.replace(tzinfo=None), max_date=now.replace(tzinfo=None))
    except (ValueError, TypeError):
        return None


# Works other than articles whose JSON-LD `author` is the page's author (a recipe, a how-to, the page itself)
_AUTHORED_TYPES = {"recipe", "howto", "webpage", "creativework", "videoobject", "podcastepisode", "review"}


def _authored_work(objects: Iterable[dict]) -> dict | None:
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
    for raw in visible_bylines(root, headline_element(root)):
        if clean_authors([raw], names, handles=True)[0]:
            return [raw]
    return []


@dataclass
class PageMetadata:
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    agency: str | None = None
    published_at: str | None = None  # ISO 8601, UTC
    modified_at: str | None = None
    date_disagreement: dict | None = None
    site_names: set[str] = field(default_factory=set)
    title_candidates: TitleCandidates | None = None


def page_metadata(root, objects: list[dict], article: dict | None, url: str, *,
                  outlet_names: Iterable[str] = (), timezone_name: str | None = None,
                  learned_titles: OutletTitles | None = None, fallback_authors: list[str] = (),
                  now: datetime | None = None) -> PageMetadata:
    """Title, authors and dates of an article page (see the module docstring).
    `fallback_authors` (e.g. trafilatura's) are used when the page's JSON-LD
    and meta tags name nobody."""
    names = page_site_names(root, objects, url, outlet_names)
    meta = PageMetadata(site_names=names)
    meta.title_candidates = title_candidates(root, article)
    meta.title = choose_title(meta.title_candidates, names | site_keys(home_link_names(root, url)), learned_titles)

    people, orgs = jsonld_authors(article or _authored_work(objects), objects)
    agencies = []
    fallback = ["; ".join(fallback_authors)] if fallback_authors else []  # one byline, as printed
    # sources in the order trusted, each read only when the ones before name nobody
    sources = ((lambda: people, False), (lambda: meta_authors(root), False), (lambda: author_links(root), True),
               (lambda: fallback, False), (lambda: shown_byline(root, names), True))
    declared = False  # a declared byline naming a wire agency only: wire copy, no person to look for
    for source, handles in sources:
        if source is sources[-1][0] and declared:
            break
        raw = source()
        found, agency = clean_authors(raw, names, orgs, handles)
        if agency and agency not in agencies:
            agencies.append(agency)
        if found:
            meta.authors = found
            break
        declared = declared or bool(agencies)
        orgs = ()
    meta.agency = agencies[0] if agencies else None

    language = root.get("lang") or (article or {}).get("inLanguage")
    language = language if isinstance(language, str) else None
    published = published_candidates(root, article, url)
    choice = choose_date(resolve_dates(published, timezone_name, language), now)
    if choice.value is None and (dateline := dateline_date(root, url, now)):
        choice = choose_date(resolve_dates([("dateline", dateline)], timezone_name), now)
    elif choice.rival is not None and (dateline := dateline_date(root, url, now)):
        # only pages whose sources disagree pay for the visible-date search
        choice = settle_disagreement(choice, _calendar_day(dateline))
    meta.published_at = choice.value.isoformat() if choice.value else None
    meta.date_disagreement = choice.disagreement
    modified = choose_date(resolve_dates(modified_candidates(root, article), timezone_name, language), now)
    if modified.value is not None and (choice.value is None or modified.value >= choice.value):
        meta.modified_at = modified.value.isoformat()
    return meta


# -- language ---------------------------------------------------------------

def language_code(value: str | None) -> str | None:
    """'de-AT' -> 'de', 'en_GB' -> 'en'."""
    if not value:
        return None
    code = value.strip().split("-")[0].split("_")[0].lower()[:3]
    return code if code.isalpha() else None

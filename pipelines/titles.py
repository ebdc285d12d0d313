"""The article's title (see pipelines/metadata.py): candidates from JSON-LD,
meta tags, the <h1> and <title>, the site-name part cut, kickers dropped, the
outlet's repeated affix learned across its pages (`OutletTitles`)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from pipelines.meta_text import (
    archived,
    clean_text,
    element_text,
    matches_site,
    meta_content,
    text_key,
    words_key,
)

# -- title ------------------------------------------------------------------

# Separators between a headline and the site's name.
_SEP_RE = re.compile(r"\s(?:\|\|?|–|—|-{1,2}|::|:|·|•|/|»|«|~)\s")
_DANGLING_SEP = re.compile(r"\s(?:\|\|?|–|—|-{1,2}|::|·|•|~)$")  # not "»": a French closing quote
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


# A site's name glued on without spaces, as CJK titles do ("…城！-新华网", "…커졌다-정치ㅣ한국일보"): the
# separator, then a run of non-space characters; "ㅣ" (a Hangul vowel) is the Korean sites' bar.
_GLUED_TAIL = re.compile(r"(?<=\S)[-_|ㅣ–—](?P<part>[^\s\-_|ㅣ–—]{1,20})$")
MAX_GLUED_LABEL_CHARS = 4  # a section's label glued before the name ("-정치"): a word or two of CJK


def _without_glued_site(title: str, names: set[str]) -> str:
    """'…城！-新华网' -> '…城！' when the glued tail names the site; a short label glued
    right before that name (the section: '-정치ㅣ한국일보') goes with it."""
    m = _GLUED_TAIL.search(title)
    if not m or not matches_site(m.group("part"), names) or len(title[:m.start()].strip()) < MIN_HEADLINE_CHARS:
        return title
    head = title[:m.start()]
    label = _GLUED_TAIL.search(head)
    if label and len(label.group("part")) <= MAX_GLUED_LABEL_CHARS and len(head[:label.start()]) >= MIN_HEADLINE_CHARS:
        head = head[:label.start()]
    return head.rstrip()


def strip_site_name(title: str | None, names: set[str]) -> str | None:
    """`title` without a leading or trailing part naming the site (and a date
    part beside it): '... | DW | 28.04.2023' -> '...'."""
    if not title:
        return title
    title = _DANGLING_SEP.sub("", title)  # "Pferdesport bei Olympia dabei -": the site's name left empty
    title = _without_glued_site(title, names)
    parts = _split_parts(title)
    if len(parts) < 3:
        return title
    texts = parts[::2]
    # trailing: drop date parts and site parts from the end
    end = len(texts)
    cut_end = False
    # a part naming the site, or the tail from it on ("Salsa-Figuren - Rueda in Berlin" as a whole), ends
    # the headline: what follows the site's name is its tagline, however many parts
    # ("… : Krimiblog-Archiv | Ermittlungen zum Verfall eines Genres | Gegründet 2005")
    for k in range(1, len(texts)):
        if len("".join(parts[:2 * k - 1]).strip()) >= MIN_HEADLINE_CHARS and (
                matches_site(texts[k].strip(), names) or matches_site("".join(parts[2 * k:]), names)):
            end, cut_end = k, True
            break
    while end > 1:
        last = texts[end - 1].strip()
        if matches_site(last, names):
            end, cut_end = end - 1, True
        elif (_DATE_PART.match(last) or not re.search(r"\w", last)) \
                and (cut_end or any(matches_site(t, names) for t in texts[1:end - 1])):
            end -= 1  # a date or a rating ("☆☆☆☆☆") beside the site's name
        elif end >= 3 and matches_site(texts[end - 2].strip(), names):
            end, cut_end = end - 2, True  # the site's tagline after its name: "… - Journalistenwatch - Aktuelle …"
        else:
            break
    start = 0
    if not cut_end:
        while start < end - 1 and matches_site(texts[start].strip(), names):
            start += 1
        # "Four Years Remaining » Blog Archive » Headline": the blog template's label after the name
        while 0 < start < end - 1 and text_key(texts[start]) in _SECTION_LABELS:
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
    if title and not _KICKER_SEP.match(title) and not _SEP_RE.search(title) and ":" not in title:
        # glued on without a separator ("SARS-2/COVID-19 Heute schon an morgen denken"): the <h1> (the first
        # of `others`) is the rest, and the meta titles agree on the prefix only with a separator of their own
        key = words_key(title)
        h1 = next(iter(others), None)
        if h1 and len(hk := words_key(h1).split()) >= 3 and key.endswith(" " + " ".join(hk)) \
                and len(key.split()) - len(hk) <= MAX_KICKER_WORDS \
                and any(o and _SEP_RE.search(o) and words_key(o) == key for o in others):
            return h1
    if not title or not (m := _KICKER_SEP.match(title)) or len(m.group("kicker").split()) > MAX_KICKER_WORDS:
        return title
    rest = words_key(m.group("rest"))
    for other in others:
        if other and other != title and words_key(other) == rest and len(rest.split()) >= 3:
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


_TRAILING_BRACKET = re.compile(r"\s\([^()]{1,30}\)$")


def subhead_part(title: str | None, subheads: Iterable[str]) -> str | None:
    """'Was ist Virales Marketing? | DimidoBlog' -> 'Was ist Virales Marketing?' when
    a heading of the page is exactly that part: a page without an <h1> (or
    with its site's name there) shows its headline as an <h2>; the rest of
    the meta title is the site's name, in words no site list has."""
    if not title:
        return title
    keys = {words_key(h) for h in subheads}
    # a trailing bracket ("Der historische Purzelbaum (2021/5)": the issue) is a part of its own too
    if (b := _TRAILING_BRACKET.search(title)) and len(title[:b.start()]) >= MIN_HEADLINE_CHARS \
            and words_key(title[:b.start()]) in keys:
        return title[:b.start()].strip()
    if not _PART_SEP.search(title):
        return title
    # the headline first, the site's name after ("… – das erwarten wir": a section's <h2> is no headline);
    # the headline may hold a separator itself ("30.11. | Buch der Woche - Nikole Hannah-Jones")
    for m in _PART_SEP.finditer(title):
        head, rest = title[:m.start()], title[m.end():]
        if len(head) >= MIN_HEADLINE_CHARS and len(rest) <= MAX_AFFIX_CHARS and words_key(head) in keys:
            return head.strip()
    return title


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
    for key in found:
        found[key] = _without_label_part(found[key], [v for k, v in found.items() if k != key])
    # an <h1> naming the site is the page's masthead ("Krimiblog-Archiv"), not its headline
    h1s = [t for h in cands.h1 if (t := cut(h)) and not matches_site(t, names)]
    for key in found:
        found[key] = _untruncated(found[key], [*found.values(), *h1s])
    metas_cut = list(found.values())
    for key in found:
        found[key] = _cut_short(found[key], h1s, metas_cut)
    metas = [t for t in (found["headline"], found["og_title"], found["html_title"]) if t]
    found["h1"] = h1s[0] if h1s else None
    def confirmed(meta: str, h1: str) -> str:
        if policy.confirmed_text == "typographic":
            return h1 if _plain_quotes(h1) == _plain_quotes(meta) and _typographic(h1) > _typographic(meta) else meta
        return meta if policy.confirmed_text == "meta" else h1

    if policy.jsonld_first and found["headline"]:
        if policy.confirmed_text == "typographic":
            return next((confirmed(found["headline"], h1) for h1 in h1s
                         if words_key(h1) == words_key(found["headline"])), found["headline"])
        return found["headline"]
    for h1 in h1s:
        for meta in metas:
            if words_key(h1) == words_key(meta):
                return confirmed(meta, h1)
    if policy.h1_inside_meta:
        for h1 in h1s:
            hk = words_key(h1)
            for meta in metas:
                wk = words_key(meta)
                if len(hk) >= 12 and wk != hk and (wk.startswith(hk) or wk.endswith(hk)):
                    return h1
    # a meta title one of the page's first headings shows word for word, where no <h1> agrees with any:
    # the <h1> is the site's masthead or a section's label ("ProNATs e.V. Verein zur …" over "Kinder und Arbeit")
    shown = {words_key(h) for h in cands.subheads}
    exact = {" ".join(h.split()) for h in cands.subheads}
    # the meta title with the heading's very text first: "Januar – Mai" over an ASCII copy's "Januar - Mai"
    if (held := next((m for m in metas if " ".join(m.split()) in exact), None)
            or next((m for m in metas if words_key(m) in shown), None)):
        return held
    for key in policy.order:
        value = found.get(key)
        if key == "h1" and value:
            hk = words_key(value)
            # "Tunesien Große Aufgaben …", "… Region 02.02.2022 • Presse": a kicker or a dateline
            # glued to a meta title in the <h1>; the meta title is the headline
            held = [m for m in metas if len(mk := words_key(m)) >= 12 and hk != mk
                    and (hk.endswith(mk) or hk.startswith(mk))]
            if held:
                return held[0]
            if not _plausible_h1(value, metas, cands.html_title):
                continue
        if value:
            return value
    return None


MAX_LABEL_WORDS = 3
_ELLIPSIS = re.compile(r"\s*(?:\.{3}|…)$")


def _untruncated(title: str | None, others: Iterable[str | None]) -> str | None:
    """'… essential reading for Hong Kong leader...' -> the page's other title that
    goes on where this one was cut (a meta tag's length limit)."""
    if not title or not (m := _ELLIPSIS.search(title)):
        return title
    head = title[:m.start()]
    if len(head) < MIN_HEADLINE_CHARS:
        return title
    longer = [o for o in others if o and o != title and o.startswith(head) and len(o) > len(head) + 1]
    return min(longer, key=len) if longer else title


def _cut_short(title: str | None, h1s: list[str], metas: Iterable[str | None]) -> str | None:
    """'… nettomaksajana ei ole' -> the <h1> '… nettomaksajana ei ole otettu riittävästi
    huomioon”' when the <h1> goes on from it mid-phrase (a lower-case word next, no
    separator) and more of the page's titles (the <h1>, meta titles) read the longer
    way than the cut one: a meta field cut at its length limit. A tie is an editor's
    short version ("… Klare Ansage" beside "… Klare Ansage von Profis")."""
    if not title or len(title) < MIN_HEADLINE_CHARS or not h1s:
        return title
    head, h1 = title.rstrip(), h1s[0]
    rest = h1[len(head):] if h1.startswith(head) else ""
    if not (re.match(r"\s+[^\W\d_]", rest) and rest.split()[0][:1].islower()):
        return title
    votes = [*metas, h1]
    return h1 if sum(v == h1 for v in votes) > sum(v is not None and v.rstrip() == head for v in votes) else title


def _without_label_part(title: str | None, others: Iterable[str | None]) -> str | None:
    """'Headline | Sport' -> 'Headline' when another meta title of the page is 'Headline'
    alone: the part after the separator is a section's or the site's label."""
    if not title:
        return title
    for other in others:
        if other and len(other) < len(title) and title.startswith(other):
            rest = title[len(other):]
            if (m := _PART_SEP.match(rest)) and len(rest[m.end():].split()) <= MAX_LABEL_WORDS:
                return other
    return title


MIN_H1_WORDS = 3
_CONTENT_WORD = re.compile(r"[^\W\d_]{4,}")


def _plausible_h1(text: str, metas: Iterable[str] = (), html_title: str | None = None) -> bool:
    """An <h1> that can be the headline: not a label ("Leggi anche:", "Details"). One or two
    words are the headline only when a meta title shares a word with them ("Ischgl" in
    "Trails! Ischgl", "Design" in "Seriöses Design für Unternehmen") and the raw <title> does
    not hold them as a part of its own, as a section's label ("GALORE.de | Kultur | Literatur | …")."""
    if text.rstrip().endswith(":"):
        return False
    if len(text.split()) >= MIN_H1_WORDS:
        return True
    words = {w.casefold() for w in _CONTENT_WORD.findall(text)}
    # a compound ending in the meta title's word counts ("Chorgeschichte" in "Geschichte - St. Georgs …")
    shared = any(w.endswith(m) or m.endswith(w) for meta in metas for m in
                 {x.casefold() for x in _CONTENT_WORD.findall(meta)} for w in words)
    parts = {text_key(p) for p in _split_parts(html_title or "")[::2]}
    return shared and text_key(text) not in parts


# Parts of an <h1> that are not the headline: the kicker (overline, Dachzeile) above it and the
# separators kept only for screen readers ("<span class='visually-hidden'>: </span>")
_KICKER_CLASS = re.compile(r"(?i)kicker|overline|topline|dachzeile|spitzmarke|eyebrow|supertitle|roofline|"
                           r"visually-hidden|offscreen|sr-only|screen-reader")


_LEADING_KICKER_CLASS = re.compile(r"(?i)label|rubri|category|topic")


_INLINE_TAGS = {"span", "small", "strong", "b", "em", "i", "mark"}


def _leading_kicker(el, first) -> bool:
    """The <h1>'s first child a kicker: an inline element of at most MAX_KICKER_WORDS words, nothing
    before it, and the words after it the <h1>'s own loose text (at least MIN_H1_WORDS words, no
    other element holding words): "<h1><span class='h1small'>Initiative EnergieEffizienz</span>
    Kostenloser Stromcheck für private Haushalte</h1>". Not a styled first word inside a sentence
    ("<h1><em>Breaking:</em> …" is the same shape: the kicker is what it says)."""
    if (el.text or "").strip() or first.tag not in _INLINE_TAGS:
        return False
    kicker = element_text(first) or ""
    # "<span>Breakpoint<span>: </span></span>Hilfe, …": a kicker ending in a colon reads as one line with it
    if not kicker or len(kicker.split()) > MAX_KICKER_WORDS or kicker.rstrip().endswith((":", "|", "–", "-")):
        return False
    others = [c for c in el if isinstance(c.tag, str) and c is not first]
    if any(re.search(r"\w", c.text_content()) for c in others):
        return False
    rest = " ".join(filter(None, [first.tail, *(c.tail for c in others)])).split()
    return len(rest) >= MIN_H1_WORDS and rest[0][:1].isupper()


def _headline_text(el) -> str | None:
    """An <h1>'s text without its kicker and hidden parts, when the markup marks them,
    and without ruby readings (<rt>, <rp>: furigana over Japanese kanji)."""
    marked = {c for c in el.iterdescendants() if isinstance(c.tag, str) and _KICKER_CLASS.search(c.get("class") or "")}
    # a separator drawn for the eye only (aria-hidden " – ") between two parts: the first is the kicker
    parts = [c for c in el if isinstance(c.tag, str)]
    # the first part, a label or a subtitle line above the words that follow it ("<div class='topic-label'>
    # 100. Geburtstag</div> Holocaust-Überlebende …"): the kicker; also inside a link wrapping the whole
    # heading (a forum's "<a><span class='label'>Patch Notes</span> Patchnotes 4.47.4 …</a>")
    holder = el
    while len(inner := [c for c in holder if isinstance(c.tag, str)]) == 1 and not (holder.text or "").strip() \
            and not (inner[0].tail or "").strip() and not _LEADING_KICKER_CLASS.search(inner[0].get("class") or ""):
        holder = inner[0]
    leading = [c for c in holder if isinstance(c.tag, str)]
    if leading and not (holder.text or "").strip() and _LEADING_KICKER_CLASS.search(leading[0].get("class") or "") \
            and (re.search(r"\w", leading[0].tail or "") or len(leading) > 1):
        marked.add(leading[0])
    for i, child in enumerate(parts):
        if 0 < i < len(parts) - 1 and child.get("aria-hidden") == "true" \
                and not re.search(r"\w", child.text_content()) and not (el.text or "").strip():
            marked |= set(parts[:i + 1])
            break
    # "<h1><span>Olympische Spiele in Paris</span> Getränke per Schiff ins Stadtzentrum</h1>": a short
    # inline part first and the headline as the text after it, loose in the <h1>: the part is the kicker
    if not marked and leading and holder is el and _leading_kicker(el, leading[0]):
        marked.add(leading[0])
    if not marked and el.find(".//rt") is None:
        return element_text(el)
    pieces = []
    def walk(node):
        if node in marked:
            pieces.append(" ")
        elif node.tag not in ("rt", "rp"):
            pieces.append(node.text or "")
            for child in node:
                if isinstance(child.tag, str):
                    walk(child)
                pieces.append(child.tail or "")
    walk(el)
    # the hidden separator may sit outside the kicker's element: ": Ein bisschen Fortschritt"
    return clean_text("".join(pieces).strip().lstrip(":|–—-").strip()) or element_text(el)


# An <h1> for screen readers or hidden by its class ("<h1 class='header pagetitle hidden'>News</h1>")
_HIDDEN_CLASS = re.compile(r"(?i)(?:^|\s)(?:hidden|invisible|hide-accessible|sr-only|visually-hidden|screen-reader-text|"
                           r"offscreen|element-invisible)(?:\s|$)")


def _hidden(el) -> bool:
    return bool(_HIDDEN_CLASS.search(el.get("class") or "")) or "display:none" in (el.get("style") or "").replace(" ", "")


def title_candidates(root, article: dict | None) -> TitleCandidates:
    """What the page offers as its headline: the <h1>s inside <article> first."""
    article = article or {}
    headline = article.get("headline") or article.get("name")
    inside = root.xpath("//article//h1|//*[@itemprop='headline']|//main//h1")
    others = root.xpath("//h1")
    h1 = list(dict.fromkeys(t for el in [*inside, *others] if not _hidden(el) and (t := _headline_text(el))))[:5]
    return TitleCandidates(
        headline=headline if isinstance(headline, str) else None,
        og_title=next(iter(meta_content(root, "og:title", "twitter:title")), None),
        h1=h1,
        html_title=clean_text(root.findtext(".//title")),
        subheads=[t for el in root.xpath("(//h2|//h3)[position() <= $n]", n=MAX_SUBHEADS) if (t := element_text(el))],
    )


_HOME_TAILS = ("", "/", "/index.html", "/index.htm", "/index.php")
MAX_HOME_LINKS = 40


def _home_hrefs(url: str) -> set[str]:
    """The ways a link can point at the site's home page, as written in href
    (in a Wayback Machine copy, with the archive's prefix too)."""
    url, prefix = archived(url)
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    if not host:
        return set()
    hosts = (host, "www." + host)
    out = {f"{scheme}{h}{tail}" for scheme in ("http://", "https://", "//") for h in hosts for tail in _HOME_TAILS}
    if prefix:
        out |= {prefix + h for h in out if not h.startswith("//")}
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
        texts = [element_text(el), el.get("title"), el.get("aria-label")]
        texts += [img.get(a) for img in el.iter("img") for a in ("alt", "title")]
        for text in texts:
            text = clean_text(text)
            if text and 2 <= len(text) <= MAX_AFFIX_CHARS and text not in out:
                out.append(text)
        if len(out) >= MAX_HOME_LINKS:
            break
    return out

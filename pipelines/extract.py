"""Extraction, kept apart from crawling: plain functions from HTML to data.

A section page becomes a `SectionPage` (article links, next pages); an
article page becomes an `ExtractedArticle`. Field precedence: the outlet's
selectors where given, then the page's JSON-LD `NewsArticle`/`Article`,
then trafilatura (body and any metadata still missing). Nothing here knows
about Scrapy, so all of it is tested on saved pages.
"""

from __future__ import annotations

import bisect
import copy
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

import jstyleson
import lxml.etree
import lxml.html
import trafilatura
import trafilatura.settings

from pipelines.language import checked_language
from pipelines.meta_text import meta_values
from pipelines.metadata import (
    clean_authors,
    clean_text,
    fallback_byline,
    language_code,
    page_metadata,
    strip_site_name,
)
from pipelines.offers_dom import drop_offer_containers, is_paywall_pointer
from pipelines.outlets import OutletSpec
from pipelines.sentences import ENDS_SENTENCE

ARTICLE_TYPES = {
    "newsarticle", "article", "reportagenewsarticle", "analysisnewsarticle",
    "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle",
    "blogposting", "liveblogposting", "report", "scholarlyarticle",
}
BLOCK_TAGS = ("p", "h2", "h3", "h4", "li", "blockquote")
_WS = re.compile(r"[ \t\u00a0\u200b]+")
# lxml refuses a str that starts with an XML declaration naming an encoding
# (XHTML pages); the text is already decoded, so the declaration can go.
_XML_DECL = re.compile(r"^\ufeff?\s*<\?xml[^>]*\?>")


class PageError(ValueError):
    """The response is not a usable HTML page (binary, empty, unparsable)."""


@dataclass
class SectionPage:
    article_urls: list[str] = field(default_factory=list)
    next_pages: list[str] = field(default_factory=list)


@dataclass
class ExtractedArticle:
    url: str
    title: str | None = None
    body: str | None = None
    description: str | None = None
    authors: list[str] = field(default_factory=list)
    agency: str | None = None  # wire agency named in the byline (dpa, AP, Reuters...)
    published_at: str | None = None  # ISO 8601 (UTC when the page gave a time); normalize parses it
    modified_at: str | None = None
    language: str | None = None
    declared_canonical: str | None = None  # <link rel=canonical> or og:url
    paywalled: bool = False
    removed_blocks: list[dict] = field(default_factory=list)  # DOM-level offer removals
    extraction: str = "trafilatura"
    # not stored: the page's raw <title>/og:title (the outlet's title-affix learning
    # reads them) and dates more than a day apart from the JSON-LD one (counted per run)
    page_titles: list[str] = field(default_factory=list)
    date_disagreement: dict | None = None

    def as_item(self) -> dict[str, Any]:
        return dict(self.__dict__)


# -- parsing ---------------------------------------------------------------

def parse_html(html: str | bytes, url: str) -> lxml.html.HtmlElement:
    if isinstance(html, bytes):
        html = html.decode("utf-8", errors="replace")
    if not html.strip():
        raise PageError(f"{url}: empty page")
    if "\x00" in html[:4096]:
        raise PageError(f"{url}: binary content served as HTML")
    html = _XML_DECL.sub("", html, count=1)
    try:
        root = lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise PageError(f"{url}: unparsable HTML: {exc}") from None
    return root


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    text = _WS.sub(" ", str(text)).strip()
    return text or None


# -- section pages ---------------------------------------------------------

def _links(root: lxml.html.HtmlElement, base_url: str) -> list[tuple[str, lxml.html.HtmlElement]]:
    out = []
    for anchor in root.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        out.append((urljoin(base_url, href).split("#", 1)[0], anchor))
    return out


def parse_section_page(html: str | bytes, url: str, outlet: OutletSpec) -> SectionPage:
    """Article links (on the outlet's domains, matching `article_pattern`) and next pages."""
    root = parse_html(html, url)
    page = SectionPage()
    article_re = outlet.article_regex
    pagination_re = re.compile(outlet.pagination_pattern) if outlet.pagination_pattern else None
    seen: set[str] = set()
    next_candidates = [urljoin(url, el.get("href", "")) for el in root.iter("link", "a")
                       if "next" in (el.get("rel") or "").lower().split() and el.get("href")]
    for link, _anchor in _links(root, url):
        if link in seen or not outlet.owns_url(link):
            continue
        seen.add(link)
        if article_re.search(link):
            page.article_urls.append(link)
        elif pagination_re is not None and pagination_re.search(link):
            next_candidates.append(link)
    page.next_pages = [u for u in dict.fromkeys(next_candidates) if outlet.owns_url(u) and u != url]
    return page


# -- article pages ---------------------------------------------------------

def _flatten_jsonld(objs: list[Any]) -> list[dict]:
    out: list[dict] = []
    stack = list(objs)
    while stack:
        obj = stack.pop(0)
        if isinstance(obj, list):
            stack.extend(obj)
        elif isinstance(obj, dict):
            out.append(obj)
            if "@graph" in obj:
                stack.extend(obj["@graph"] if isinstance(obj["@graph"], list) else [obj["@graph"]])
            main = obj.get("mainEntity")
            if isinstance(main, (dict, list)):
                stack.append(main)
    return out


def _types(obj: dict) -> set[str]:
    value = obj.get("@type", [])
    values = value if isinstance(value, list) else [value]
    return {str(v).lower() for v in values}


_JSONLD_SCRIPTS = lxml.etree.XPath('descendant-or-self::script[@type="application/ld+json"]')
_LEADING_COMMENT = re.compile(r"^\s*(//.*|<!--.*-->)")


def _jsonld_script_items(script: str) -> list:
    # extruct's JSON-LD reading, kept to its two steps: strict=False JSON, then
    # jstyleson (comments, trailing commas) after dropping a leading HTML/JS comment.
    # extruct itself is not imported: its package pulls rdflib, html5lib and mf2py
    # for syntaxes never read here (~30 MB and 0.4 s in every crawl and worker process).
    try:
        data = json.loads(script, strict=False)
    except ValueError:
        data = jstyleson.loads(_LEADING_COMMENT.sub("", script), strict=False)
    return data if isinstance(data, list) else [data] if isinstance(data, dict) else []


def jsonld_objects(root: lxml.html.HtmlElement, url: str) -> list[dict]:
    try:
        items = [item for node in _JSONLD_SCRIPTS(root)
                 for item in _jsonld_script_items(node.xpath("string()")) if item]
        return _flatten_jsonld(items)
    except (ValueError, TypeError, json.JSONDecodeError):
        return []  # broken JSON-LD is common; the other sources still apply


def _article_object(objects: list[dict]) -> dict | None:
    candidates = [o for o in objects if _types(o) & ARTICLE_TYPES]
    # prefer the one with a headline and the most body text
    candidates.sort(key=lambda o: (bool(o.get("headline")), len(str(o.get("articleBody", "")))), reverse=True)
    return candidates[0] if candidates else None


def _meta(root: lxml.html.HtmlElement, *keys: str) -> str | None:
    return next(filter(None, map(_clean, meta_values(root, *keys))), None)


def _declared_canonical(root: lxml.html.HtmlElement, url: str) -> str | None:
    for el in root.xpath('//link[@rel="canonical"][@href]'):
        return urljoin(url, el.get("href").strip())
    og = _meta(root, "og:url")
    return urljoin(url, og) if og else None


def _select_text(root: lxml.html.HtmlElement, selector: str) -> list[str]:
    return [t for el in root.cssselect(selector) if (t := _clean(el.text_content()))]


def _selector_body(root: lxml.html.HtmlElement, selector: str) -> str | None:
    paragraphs: list[str] = []
    for container in root.cssselect(selector):
        blocks = [el for el in container.iter(*BLOCK_TAGS)] or [container]
        for el in blocks:
            text = _clean(el.text_content())
            if text and text not in paragraphs:
                paragraphs.append(text)
    return "\n".join(paragraphs) or None


def _selector_date(root: lxml.html.HtmlElement, selector: str) -> str | None:
    for el in root.cssselect(selector):
        value = el.get("datetime") or el.get("content") or el.text_content()
        if _clean(value):
            return _clean(value)
    return None


_NO_TEXT = {"script", "style", "noscript", "template"}
_NOT_LEAD = {"figure", "figcaption", "a", "button"}


_WORD = re.compile(r"\w+")


def _comparable(text: str | None) -> str:
    return " ".join(_WORD.findall((text or "").casefold()))


def _comparable_longer(raw: str, short: int) -> bool:
    """Whether `_comparable(raw)` (raw already casefolded) is longer than `short`,
    reading raw from the start only as far as needed: the words of a prefix
    are a prefix of the words (the last one maybe cut), so once a prefix's
    comparable text is too long, the whole text's is."""
    end = 4 * short + 64
    while end < len(raw):
        if len(" ".join(_WORD.findall(raw, 0, end))) > short:
            return True
        end *= 4
    return len(" ".join(_WORD.findall(raw))) > short


def _holding(parent: lxml.html.HtmlElement, key: str, short: int):
    """(element, whether its comparable text is at most `short` characters) of the
    elements under `parent` whose comparable text holds `key`, in document order.

    An element's text is a contiguous part of its parent's, so the comparable
    text of a child is part of its parent's: the parent of a holder holds `key`
    too and is at least as long. So each subtree is judged bottom-up, and the
    comparable text (a regex over the element's whole text) is built only where
    no holding child decides it; top-down, that regex ran over the whole page
    at every level of nesting (~10 ms a page). Subtrees whose raw text lacks
    the key's words are skipped whole: every word of the key is part of one
    word of a text holding it, so it is in that text's raw form too, and in
    each of its ancestors'. Substring tests, longest word first, rule most
    elements out before the regex. The comparable text holds the key exactly
    when the raw text has the key's words with non-word characters between
    them (`phrase`: the first word may end a longer word, the last may start
    one), so that one search stands for building the comparable text."""
    words = key.split()
    needles = sorted(set(words), key=len, reverse=True)
    phrase = re.compile(r"\W+".join(map(re.escape, words)))

    def judge(el) -> list[tuple[lxml.html.HtmlElement, bool]]:
        """[(el, fits), *its holders] if el holds the key, else []."""
        raw = el.text_content().casefold()
        if any(word not in raw for word in needles):
            return []
        inner = [pair for child in el if isinstance(child.tag, str) for pair in judge(child)]
        direct = [fits for e, fits in inner if e.getparent() is el]
        if not direct and not phrase.search(raw):  # no holding child: decide on el's own text
            return []
        if len(raw) <= short:  # the comparable text is never longer than the raw text
            fits = True
        elif not all(direct):  # a holding child is already too long
            fits = False
        else:
            fits = not _comparable_longer(raw, short)
        return [(el, fits), *inner]

    for child in parent:  # one top-level subtree at a time: the caller stops early
        if isinstance(child.tag, str):
            yield from judge(child)


def _visible_lead(root: lxml.html.HtmlElement, description: str | None) -> str | None:
    """The page's own rendering of its description (standfirst/teaser), if shown.

    Extractors often miss the standfirst: it sits above the article container.
    The meta/JSON-LD description tells which text it is; it is used only when
    the page also shows it, in the smallest element holding it (not inside a
    figure, caption or link: a photo caption may repeat the description).
    """
    wanted = _comparable(description)
    if len(wanted.split()) < 8:
        return None
    key = " ".join(wanted.split()[:12])
    body = root.find("body")
    if body is None:
        return None
    best = None
    for el, fits in _holding(body, key, 2 * len(wanted) + 40):
        if el.tag in _NO_TEXT:
            continue
        if best is not None and best not in el.iterancestors():
            break  # past the first element holding it: keep its smallest part
        if fits:
            best = el
    if best is None or any(e.tag in _NOT_LEAD for e in (best, *best.iterancestors())):
        return None
    best = copy.deepcopy(best)
    for junk in best.xpath(".//script|.//style|.//noscript|.//template"):
        junk.drop_tree()
    return _clean(best.text_content())


def _page_lead(root: lxml.html.HtmlElement, descriptions: list[str | None]) -> str | None:
    """The first of the page's descriptions (JSON-LD, Open Graph, meta) that the
    page shows as a standfirst: sites put a photo caption in one of them."""
    seen = set()
    for description in descriptions:
        key = _comparable(description)
        if key and key not in seen:
            seen.add(key)
            if lead := _visible_lead(root, description):
                return lead
    return None


def _add_lead(body: str, lead: str | None, title: str | None) -> str:
    """The body with the standfirst first (after a leading headline line)."""
    if not lead or " ".join(_comparable(lead).split()[:12]) in _comparable(body):
        return body
    first, _, rest = body.partition("\n")
    if title and _comparable(first) == _comparable(title):
        return f"{first}\n{lead}\n{rest}"
    return f"{lead}\n{body}"


# A line that reads as prose: ends like a sentence and has some length.
_CHROME_MAX_WORDS = 30


def _chrome_candidate(line: str) -> bool:
    """Headings, labels, link lines and list items: short and not a sentence.
    Table rows (' | '), long lines and lines with a semicolon (clause
    punctuation: "Additional reporting by X; Editing by Y") are left alone."""
    words = len(line.split())
    if not words or words > _CHROME_MAX_WORDS or "|" in line or ";" in line:
        return False
    return words < 8 or not ENDS_SENTENCE.search(line)


# Elements that break a line of text (a space in the text map), and page furniture.
_BREAKS = frozenset({
    "address", "article", "aside", "blockquote", "body", "br", "caption", "dd", "details", "div", "dl", "dt",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
    "menu", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "th", "thead", "tr", "ul",
})
_FURNITURE = frozenset({"header", "nav", "aside", "footer", "menu"})
_LINK_LINE = 0.8  # share of a line's characters in links that makes it a link line
_LINK_LIST = 0.5  # share of a list's characters in links that makes it a link list


class _TextMap:
    """The whitespace-collapsed text of a tree in document order, and the
    [start, end) span of each element in it: one walk over the tree, so a line
    of extracted text is found (str.find) and the element holding it looked up
    without calling text_content() on every element."""

    def __init__(self, root: lxml.html.HtmlElement):
        chunks: list[str] = []
        starts: list[int] = []  # where each text chunk starts ...
        owners: list = []  # ... and the element it belongs to
        span: dict = {}
        self.starts, self.owners, self.span = starts, owners, span
        opened: dict = {}
        pos, spaced, hidden = 0, True, 0

        def add(text: str, owner) -> None:
            nonlocal pos, spaced
            words = text.split()
            if not words:
                piece = "" if spaced else " "
            else:
                piece = (" " if text[0].isspace() and not spaced else "") + " ".join(words)
                piece += " " if text[-1].isspace() else ""
                starts.append(pos + (piece[0] == " "))
                owners.append(owner)
            if piece:
                chunks.append(piece)
                pos += len(piece)
                spaced = piece.endswith(" ")

        # Two events per element of the page: an empty text or tail and a line break
        # where the text already ends in a space are skipped without a call.
        for event, el in lxml.etree.iterwalk(root, events=("start", "end")):
            tag = el.tag
            if not isinstance(tag, str):  # comment or processing instruction: only its tail is text
                if event == "end" and not hidden and (tail := el.tail):
                    add(tail, el.getparent())
                continue
            if event == "start":
                if hidden or tag in _NO_TEXT:
                    hidden += 1
                    continue
                if tag in _BREAKS and not spaced:
                    chunks.append(" ")
                    pos, spaced = pos + 1, True
                opened[el] = pos
                if text := el.text:
                    add(text, el)
                continue
            if hidden:
                hidden -= 1
                if hidden:
                    continue
            else:
                if tag in _BREAKS and not spaced:
                    chunks.append(" ")
                    pos, spaced = pos + 1, True
                span[el] = (opened.pop(el), pos)
            if tail := el.tail:
                add(tail, el.getparent())
        self.text = "".join(chunks)

    def holder(self, start: int, end: int):
        """The smallest element whose text holds text[start:end], or None."""
        i = bisect.bisect_right(self.starts, start) - 1
        el = self.owners[i] if i >= 0 else None
        while el is not None:
            first, last = self.span.get(el, (-1, -1))
            if first <= start and end <= last:
                return el
            el = el.getparent()
        return None

    def holders(self, lines: list[str]) -> list:
        """The element holding each line (None where the text is not found),
        searched in order from where the previous line ended, as extracted text
        follows the page; a list item's "- " is not page text."""
        out, pos = [], 0
        for line in lines:
            key = " ".join(line.split())
            key = key[2:] if key.startswith("- ") else key
            at = self.text.find(key, pos) if key else -1
            if at < 0 and key:
                at = self.text.find(key)
            out.append(self.holder(at, at + len(key)) if at >= 0 else None)
            if at >= 0:
                pos = at + len(key)
        return out

    def link_share(self, el) -> float:
        """Share of the element's text inside links."""
        first, last = self.span.get(el, (0, 0))
        if last <= first:
            return 0.0
        linked = sum(b - a for a, b in (self.span.get(link, (0, 0)) for link in el.iter("a")))
        return min(1.0, linked / (last - first))


def _shown_as_chrome(textmap: _TextMap, el) -> bool:
    """Whether the element holding a line is page furniture: inside a header,
    nav, aside, footer or menu; a link line (inside a link, or most of its text
    in links); or an item of a list whose text is mostly links."""
    chain = [el, *el.iterancestors()]
    if any(e.tag in _FURNITURE for e in chain) or any(e.tag == "a" for e in chain):
        return True
    if textmap.link_share(el) >= _LINK_LINE:
        return True
    container = next((e for e in chain if e.tag in ("ul", "ol")), None)
    return container is not None and textmap.link_share(container) >= _LINK_LIST


def _drop_page_chrome(body: str, page_tree: lxml.html.HtmlElement) -> str:
    """Drop the non-sentence lines (`_chrome_candidate`) that the page shows as
    furniture (`_shown_as_chrome`): link-dense lists and link lines, headers,
    navigation and asides the default extraction let through. Prose always
    stays; a line not found in the page stays; if no line would be left, the
    body stays as it was."""
    lines = body.split("\n")
    candidates = [_chrome_candidate(line) for line in lines]
    if not any(candidates):
        return body
    page_body = page_tree.find("body")
    textmap = _TextMap(page_body if page_body is not None else page_tree)
    holders = textmap.holders(lines)
    kept = [line for line, candidate, el in zip(lines, candidates, holders, strict=True)
            if not candidate or el is None or not _shown_as_chrome(textmap, el)]
    return "\n".join(kept) if any(line.strip() for line in kept) else body


def _shingle_set(text: str, n: int = 4) -> set[tuple[str, ...]]:
    tokens = re.findall(r"\w+", text.casefold())
    return {tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)}


def _longer_structured_body(body: str, article_body: Any) -> str:
    """The JSON-LD articleBody instead of the extracted body when the extractor
    stopped early: articleBody holds (nearly) all of the extracted text and
    is much longer. A teaser articleBody, or one that differs, changes nothing."""
    if not isinstance(article_body, str) or "</" in article_body:
        return body
    ours, theirs = _shingle_set(body), _shingle_set(article_body)
    if not ours or len(theirs) < 1.3 * len(ours) or len(ours & theirs) < 0.95 * len(ours):
        return body
    return article_body.strip()


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.){400,}"')
_MIN_EMBEDDED_TEXT = 500


def _embedded_article_html(root: lxml.html.HtmlElement) -> str | None:
    """The article as HTML inside the page's hydration data, for client-rendered pages.

    Some sites ship the article only as a JSON string holding its HTML
    (Next.js/React state in an inline script); the rendered page holds none of
    it. Used only when the page itself gave no body: the string value, among
    all inline scripts, with the most paragraph text.
    """
    best, best_len = None, 0
    for script in root.iter("script"):
        text = script.text or ""
        if script.get("src") or ("<p" not in text and "\\u003cp" not in text):
            continue
        for match in _JSON_STRING.finditer(text):
            try:
                value = json.loads(match.group(0))
            except ValueError:
                continue
            if "<p" not in value:
                continue
            try:
                fragment = lxml.html.fragment_fromstring(value, create_parent="div")
            except (lxml.etree.ParserError, ValueError):
                continue
            length = sum(len(p.text_content().strip()) for p in fragment.iter("p"))
            if length > best_len:
                best, best_len = value, length
    return best if best_len >= _MIN_EMBEDDED_TEXT else None


class _TrafilaturaMetadata:
    """trafilatura's metadata of a page (what `bare_extraction(with_metadata=True)`
    would attach), computed on first use: most pages never need it."""

    def __init__(self, page_tree: lxml.html.HtmlElement, url: str):
        self.page_tree, self.url, self.document = page_tree, url, None

    def get(self, name: str):
        if self.document is None:
            options = trafilatura.settings.Extractor(url=self.url, with_metadata=True)
            # as bare_extraction calls it (it does not modify the tree: checked on the corpus)
            try:
                self.document = trafilatura.extract_metadata(self.page_tree, options.url, options.date_params,
                                                             options.fast, options.author_blacklist)
            except (TypeError, ValueError):  # broken metadata: the page's other sources still apply
                self.document = trafilatura.settings.Document()
        return getattr(self.document, name)


def extract_article(html: str | bytes, url: str, outlet: OutletSpec | None = None) -> ExtractedArticle:
    """Everything the page says about its article, before normalisation and cleaning."""
    root = parse_html(html, url)
    art = ExtractedArticle(url=url)
    objects = jsonld_objects(root, url)
    jsonld = _article_object(objects) or {}
    paywalled, paywall_selectors = is_paywall_pointer(objects)
    art.paywalled = paywalled
    art.declared_canonical = _declared_canonical(root, url)
    declared_language = _clean(root.get("lang")) or _clean(jsonld.get("inLanguage") if isinstance(jsonld.get("inLanguage"), str) else None)
    art.language = language_code(declared_language)

    # title, authors, dates: pipelines/metadata.py decides among the page's sources
    meta = page_metadata(root, objects, jsonld, url, outlet_names=[outlet.name] if outlet else (),
                         timezone_name=outlet.timezone if outlet else None)
    art.title, art.authors, art.agency = meta.title, meta.authors, meta.agency
    art.published_at, art.modified_at = meta.published_at, meta.modified_at
    art.date_disagreement = meta.date_disagreement
    art.page_titles = [t for t in (meta.title_candidates.html_title, meta.title_candidates.og_title) if t]
    description = clean_text(jsonld.get("description"))  # JSON-LD text is often entity-escaped HTML
    art.description = description or _meta(root, "og:description", "description")

    selectors = outlet.selectors if outlet else None
    if selectors:
        if selectors.title and (titles := _select_text(root, selectors.title)):
            art.title = strip_site_name(clean_text(titles[0]), meta.site_names)
        if selectors.authors and (authors := _select_text(root, selectors.authors)):
            art.authors, agency = clean_authors(authors, meta.site_names)
            art.agency = agency or art.agency
        if selectors.published_at and (date := _selector_date(root, selectors.published_at)):
            art.published_at = date
        for sel in selectors.remove:
            for el in root.cssselect(sel):
                el.drop_tree()

    # DOM-level offer removal, judged by each container's text (see pipelines/offers_dom.py)
    art.removed_blocks = [b.as_dict() for b in drop_offer_containers(root, paywall_selectors)]

    descriptions = [art.description, _meta(root, "og:description"), _meta(root, "description"),
                    _meta(root, "twitter:description")]
    if selectors and selectors.body:
        art.body = _selector_body(root, selectors.body)
        art.extraction = "selectors"
    if not art.body:
        # trafilatura gets the pruned page re-parsed by its own parser (load_html:
        # comments dropped): handed our tree it loses the text after some inline
        # elements (measured on AP News pages). The chrome test reads that same
        # parse (bare_extraction copies a tree it is given), and trafilatura's
        # metadata, ~10 ms a page, is read only when a field is still missing.
        page_tree = trafilatura.load_html(lxml.html.tostring(root, encoding="unicode"))
        doc = trafilatura.bare_extraction(page_tree, url=url, with_metadata=False, include_comments=False,
                                          include_tables=True) if page_tree is not None else None
        if doc is not None:
            found = _TrafilaturaMetadata(page_tree, url)
            art.body = doc.text or None
            art.extraction = "trafilatura"
            if art.body:
                art.body = _drop_page_chrome(art.body, page_tree)
                longer = _longer_structured_body(art.body, jsonld.get("articleBody"))
                if longer is not art.body:
                    art.body, art.extraction = longer, "jsonld"
                art.body = _add_lead(art.body, _page_lead(root, descriptions), art.title or found.get("title"))
            art.title = art.title or strip_site_name(clean_text(found.get("title")), meta.site_names)
            if not art.authors and (author := found.get("author")):  # trafilatura's byline search, checked
                art.authors, agency = fallback_byline(author, meta.declared_bylines, meta.site_names, root)
                art.agency = art.agency or agency
            art.language = art.language or language_code(_clean(found.get("language")))
            art.description = art.description or _clean(found.get("description"))
    if not art.body and (embedded := _embedded_article_html(root)):
        doc = trafilatura.bare_extraction(f"<html><body><article>{embedded}</article></body></html>", url=url,
                                          include_comments=False, include_tables=True)
        if doc is not None and doc.text:
            art.body = _add_lead(doc.text, _page_lead(root, descriptions), art.title)
            art.extraction = "embedded"
    if not art.body and isinstance(jsonld.get("articleBody"), str) and jsonld["articleBody"].strip():
        art.body = jsonld["articleBody"].strip()
        art.extraction = "jsonld"

    art.language = checked_language(art.language, art.body)  # templates declare "en" on Zulu pages
    return art


def looks_like_html(body: bytes) -> bool:
    """Cheap sniff: refuse PDFs, images and other binaries served as text/html."""
    head = body[:1024].lstrip()
    if head.startswith((b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b")):
        return False
    return b"\x00" not in head


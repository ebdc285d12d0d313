"""Harvest real offer blocks and hard negatives from the shared corpus.

Three sources of offer blocks, all labelled by others (see corpus/README.md):

* fundus pages: containers whose every line is absent from the page's
  ground-truth body (the annotators left them out) and that hold an offer act;
* trafilatura-eval: the `offer_or_newsletter_snippets_in_without` snippets,
  grown to the smallest page block holding them (no `with` snippet inside);
* postlight-parser: elements matched by a publisher's `content.clean`
  selectors (in-article clutter marked by hand) that hold an offer act.

Hard negatives are ground-truth body paragraphs of fundus pages that speak of
subscriptions, newsletters, prices or donations: journalism by the
annotators' word. Used only by benchmarks/offer_devset/build.py.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import lxml.html

from benchmarks.offer_devset import kinds
from pipelines.offers_dom import BLOCK_TAGS, SKIP_TAGS
from pipelines.offers_dom import text_lines as dom_text_lines

_SKIP = SKIP_TAGS

_BLOCK = BLOCK_TAGS | {"strong", "small", "input"}
# Containers that are site navigation, not part of an article column.
_NAV = re.compile(r"\b(nav|menu|footer|header|breadcrumb|sitemap|masthead|cookie|consent|gdpr)", re.I)
_WS = re.compile(r"\s+")
_PLACEHOLDER = re.compile(r"privatsphäre|privacy settings|externer inhalt|external content|cookie", re.I)
# Promoted to a page's language when the page does not say: the folder country.
_COUNTRY_LANG = {"de": "de", "at": "de", "ch": "de", "li": "de", "lu": "de", "fr": "fr", "be": "fr",
                 "es": "es", "mx": "es", "py": "es", "it": "it", "pt": "pt", "br": "pt",
                 "us": "en", "uk": "en", "ca": "en", "au": "en", "za": "en", "ind": "en", "na": "en",
                 "ls": "en", "tz": "en", "my": "en", "il": "en", "gl": "en"}
LANGS = ("en", "de", "fr", "es", "it", "pt")
MAX_BLOCK_LINES = 14
MAX_BLOCK_CHARS = 1400
MAX_LINE_CHARS = 400


def norm(text: str) -> str:
    return _WS.sub(" ", text or "").strip().casefold()


def site_of(url: str) -> str:
    """The publisher: the registrable part of the URL's host."""
    host = re.sub(r"^[a-z]+://", "", url or "").split("/")[0].split(":")[0].lower()
    labels = [x for x in host.split(".") if x]
    if len(labels) >= 3 and (labels[-2] in ("co", "com", "org", "net", "gov", "ac") or len(labels[-2]) <= 2):
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(raw) for raw in fh if raw.strip()]


def read_gz(path: Path) -> str:
    with gzip.open(path) as fh:
        return fh.read().decode("utf-8", errors="replace")


def parse(html: str):
    try:
        parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True)
        return lxml.html.document_fromstring(html.encode("utf-8", "replace"), parser=parser)
    except (ValueError, lxml.etree.ParserError):
        return None


def page_lang(root, fallback: str | None) -> str | None:
    lang = (root.get("lang") or root.get("xml:lang") or "").split("-")[0].split("_")[0].lower()
    if lang in LANGS:
        return lang
    return fallback if not lang else "other"


def text_lines(el) -> list[str]:
    """An element's text, one line per block element (buttons, labels, bold
    runs and input placeholders too): the DOM pass's walker, finer."""
    return dom_text_lines(el, blocks=_BLOCK, placeholders=True)


def _in_nav(el) -> bool:
    for node in (el, *el.iterancestors()):
        if node.tag in ("nav", "footer", "header"):
            return True
        attrs = f"{node.get('class', '')} {node.get('id', '')} {node.get('role', '')}"
        if _NAV.search(attrs):
            return True
    return False


def _linky(el, lines: list[str]) -> bool:
    """A list of links (a menu, a teaser list), not a block of text."""
    link_text = sum(len(a.text_content().strip()) for a in el.iter("a"))
    total = sum(len(x) for x in lines) or 1
    return len(lines) >= 4 and link_text / total > 0.7


def _is_offer_block(lines: list[str]) -> bool:
    if not lines or len(lines) > MAX_BLOCK_LINES:
        return False
    if sum(len(x) for x in lines) > MAX_BLOCK_CHARS or any(len(x) > MAX_LINE_CHARS for x in lines):
        return False
    # An offer act in a line of its own words: a one-word "Abo" badge on a
    # teaser or a "Newsletter" menu entry is not an offer block.
    if not any(kinds.is_anchor(x) for x in lines):
        return False
    # A date or time stamp marks a comment, a teaser or a byline box.
    if any(kinds.STAMP.search(x) for x in lines):
        return False
    # Mostly lines of something else (a comment thread, a player, a teaser
    # list with one sign-in link): not an offer block.
    if len(lines) > 4 and sum(bool(kinds.ANCHOR.search(x) or kinds.has_kind_words(x)) for x in lines) < 0.3 * len(lines):
        return False
    # Placeholders of blocked embeds are page furniture, not offers.
    if any(_PLACEHOLDER.search(x) for x in lines):
        return False
    # Template placeholders of client-side widgets are not text anyone reads.
    if any("{*" in x or "{{" in x for x in lines):
        return False
    # The block must be mostly words (not a list of dates, numbers or names).
    return sum(len(x.split()) for x in lines) >= 3


# A link to another article: its last path segment is a slug of 5+ words
# (offer pages have short paths: /subscribe, /newsletter-anmeldung).
_SLUG = re.compile(r"[^/?#]*(?:-[^/?#-]+){4,}")


def _teaser_only(el, lines: list[str]) -> bool:
    """Whether every offer act of the block is the headline of a link to
    another article (a teaser list about memberships, not an offer box)."""
    teasers = set()
    for a in el.iter("a"):
        path = (a.get("href") or "").split("?")[0].split("#")[0].rstrip("/")
        if _SLUG.fullmatch(path.rsplit("/", 1)[-1]):
            teasers.add(norm(a.text_content()))
    anchors = [norm(x) for x in lines if kinds.is_anchor(x)]
    return bool(anchors) and all(any(x in t for t in teasers) for x in anchors)


def _in_truth(line: str, truth: str, paras: set[str]) -> bool:
    """Whether the annotators kept the line: a whole paragraph of theirs, or a
    longer piece of their text (a short "Se connecter" is found inside any body)."""
    n = norm(line)
    return n in paras or (len(n) >= 30 and n in truth)


# Attribute values and elements of a box that invites the reader to act: a
# container holding an offer act is taken only with one of them (pages
# without ground truth, where `with` snippets are the only guide).
_ACT_BOX = re.compile(r"newsletter|paywall|subscri|abonn|assin|abbon|suscri|modal|popup|pop-in|promo|regist|"
                      r"login|signup|cta|donat|apoi|member|premium|barreira|offre|offer", re.I)


def _box_signal(el) -> bool:
    for node in (el, *el.iterancestors()):
        if _ACT_BOX.search(f"{node.get('class', '')} {node.get('id', '')}"):
            return True
    return any(True for _ in el.iter("form", "input", "button"))


def treval_dom_blocks(corpus: Path, langs=("fr", "es", "it", "pt")) -> list[dict]:
    """Offer boxes of trafilatura-eval pages in the languages fundus has few
    offers in: containers with an offer act and a box signal (form, button,
    offer/newsletter/modal attribute) that hold no `with` snippet."""
    out = []
    folder = corpus / "trafilatura-eval"
    for page in read_jsonl(folder / "ground_truth.jsonl"):
        root = parse(read_gz(folder / page["html_file"]))
        if root is None or page_lang(root, None) not in langs:
            continue
        withs = [norm(w) for w in page.get("with") or []]
        body = root.find("body")
        if body is None:
            continue
        taken: set = set()
        seen: set[str] = set()
        for el in body.iter():
            if not isinstance(el.tag, str) or el.tag in _SKIP or el.tag in ("a", "span", "strong", "br", "b", "u", "em"):
                continue
            if any(a in taken for a in el.iterancestors()):
                continue
            lines = text_lines(el)
            if not _is_offer_block(lines) or _in_nav(el) or _linky(el, lines) or not _box_signal(el) \
                    or _teaser_only(el, lines):
                continue
            text = norm(" ".join(lines))
            key = "\n".join(lines)
            if any(w and w in text for w in withs) or key in seen:
                continue
            seen.add(key)
            taken.add(el)
            out.append(_block(lines, source="trafilatura-eval-dom", page_id=page["id"], site=site_of(page["url"]),
                              lang=page_lang(root, None)))
    return out


def _block(lines: list[str], **meta) -> dict:
    bkind = kinds.block_kind(lines)
    return {**meta, "kind": bkind, "lines": [{"text": x, "kind": kinds.line_kind(x, bkind)} for x in lines]}


def fundus_blocks(corpus: Path) -> list[dict]:
    out = []
    folder = corpus / "fundus"
    for page in read_jsonl(folder / "ground_truth.jsonl"):
        root = parse(read_gz(folder / page["html_file"]))
        if root is None:
            continue
        truth = norm(page["body"]) + " " + norm(page.get("title") or "")
        truth_paras = {norm(x) for x in page["body"].split("\n") if x.strip()}
        lang = page_lang(root, _COUNTRY_LANG.get(page["id"].split("/")[0]))
        body = root.find("body")
        if body is None:
            continue
        taken: set = set()
        seen_text: set[str] = set()
        for el in body.iter():
            if not isinstance(el.tag, str) or el.tag in _SKIP or el.tag in ("a", "span", "strong", "br"):
                continue
            if any(a in taken for a in el.iterancestors()):
                continue
            lines = text_lines(el)
            if not _is_offer_block(lines) or any(_in_truth(x, truth, truth_paras) for x in lines):
                continue
            if _in_nav(el) or _linky(el, lines) or _teaser_only(el, lines):
                continue
            key = "\n".join(lines)
            if key in seen_text:
                continue
            seen_text.add(key)
            taken.add(el)
            out.append(_block(lines, source="fundus", page_id=page["id"], site=site_of(page["url"]), lang=lang))
    return out


def _smallest_block(el, withs: list[str]):
    """The smallest ancestor of `el` (itself included) that reads as a block of
    a few lines and holds no `with` snippet; its lines (none when `el` itself
    is bigger than a block: the snippet then sits in a whole page section)."""
    best = text_lines(el)
    if len(best) > MAX_BLOCK_LINES or sum(len(x) for x in best) > MAX_BLOCK_CHARS:
        return []
    for node in (el, *el.iterancestors()):
        if node.tag in ("body", "html"):
            break
        lines = text_lines(node)
        text = norm(" ".join(lines))
        if len(lines) > MAX_BLOCK_LINES or sum(len(x) for x in lines) > MAX_BLOCK_CHARS:
            break
        # A date or time stamp: the block has grown into a teaser or a comment.
        if any(kinds.STAMP.search(x) for x in lines):
            break
        if any(w and w in text for w in withs) or _linky(node, lines):
            break
        best = lines
        if len(lines) >= 3:
            break
    return best


def treval_blocks(corpus: Path) -> list[dict]:
    out = []
    folder = corpus / "trafilatura-eval"
    for page in read_jsonl(folder / "ground_truth.jsonl"):
        snippets = page.get("offer_or_newsletter_snippets_in_without") or []
        if not snippets:
            continue
        root = parse(read_gz(folder / page["html_file"]))
        if root is None:
            continue
        lang = page_lang(root, None)
        withs = [norm(w) for w in page.get("with") or []]
        done: set[str] = set()
        for snip in snippets:
            want = norm(snip)
            hits = [el for el in root.iter() if isinstance(el.tag, str) and el.tag not in _SKIP
                    and want in norm(el.text_content())]
            if not hits:
                continue
            smallest = min(hits, key=lambda e: len(e.text_content()))
            lines = [x for x in _smallest_block(smallest, withs) if len(x) <= MAX_LINE_CHARS]
            key = "\n".join(lines)
            if not lines or key in done:
                continue
            done.add(key)
            out.append(_block(lines, source="trafilatura-eval", page_id=page["id"], site=site_of(page["url"]),
                              lang=lang))
    return out


def _extractor_list(index_js: str, key: str, end: str) -> list[str]:
    """The quoted strings of the `key: [...]` list (ending where `end` matches) in a
    postlight-parser extractor's `content` section."""
    m = re.search(r"content:\s*\{(.*?)\n  \},", index_js, re.S)
    c = re.search(key + r":\s*\[(.*?)" + end, m.group(1), re.S) if m else None
    return [a or b for a, b in re.findall(r"'([^']+)'|\"([^\"]+)\"", c.group(1))] if c else []


def _clean_selectors(index_js: str) -> list[str]:
    return _extractor_list(index_js, "clean", r"\]\s*,")


def _postlight_pages(corpus: Path):
    """(page, extractor source, parsed page) of each postlight-parser page that has an extractor."""
    folder = corpus / "postlight-parser"
    for page in read_jsonl(folder / "pages.jsonl"):
        if not page.get("extractor"):
            continue
        js = (folder / page["extractor"]).read_text(encoding="utf-8")
        root = parse(read_gz(folder / page["html_file"]))
        if root is not None:
            yield page, js, root


def _select(root, selector: str) -> list:
    """The elements a CSS selector matches; none for a selector written for another engine."""
    try:
        return root.cssselect(selector)
    except Exception:
        return []


def postlight_blocks(corpus: Path) -> list[dict]:
    out = []
    for page, js, root in _postlight_pages(corpus):
        selectors = _clean_selectors(js)
        if not selectors:
            continue
        lang = page_lang(root, "en")
        done: set[str] = set()
        for sel in selectors:
            for el in _select(root, sel):
                lines = text_lines(el)
                key = "\n".join(lines)
                if key in done or not _is_offer_block(lines) or _teaser_only(el, lines):
                    continue
                done.add(key)
                out.append(_block(lines, source="postlight-parser", page_id=page["id"],
                                  site=site_of(page.get("url") or page["domain"]), lang=lang, selector=sel))
    return out


def _content_selectors(index_js: str) -> list[str]:
    return _extractor_list(index_js, "selectors", r"\]\s*,\s*\n\s*(?:transforms|clean|defaultCleaner|\}|//)")


# Paragraph-level lines, as an extractor gives them: links, spans and buttons
# run on inside their paragraph.
_PARAGRAPH_BLOCKS = BLOCK_TAGS - {"a", "span", "label", "button"} | {"pre"}
MAX_ARTICLE_LINES = 40


def postlight_articles(corpus: Path) -> list[dict]:
    """Article lines of postlight-parser pages: the element the publisher's
    `content.selectors` point at, minus what its `clean` selectors name, one
    line per paragraph, heading, list item or code line. Lists, code, tables
    and captions are article text too: the short lines the fundus ground
    truth (paragraphs only) lacks. A page with an offer act left in it is
    skipped (its `clean` list missed a box)."""
    out = []
    for page, js, root in _postlight_pages(corpus):
        content = next((hits[0] for sel in _content_selectors(js) if (hits := _select(root, sel))), None)
        if content is None:
            continue
        for sel in _clean_selectors(js):
            for el in _select(content, sel):
                if el is not content and el.getparent() is not None:
                    el.drop_tree()
        lines = [x for x in dom_text_lines(content, blocks=_PARAGRAPH_BLOCKS) if len(x) <= 2000]
        if len(lines) < 3 or any(kinds.is_anchor(x) for x in lines):
            continue
        out.append({"source": "postlight-parser", "page_id": page["id"], "lang": page_lang(root, "en"),
                    "site": site_of(page.get("url") or page["domain"]), "lines": lines[:MAX_ARTICLE_LINES]})
    return out


def hard_negatives(corpus: Path) -> list[dict]:
    """Ground-truth paragraphs about what offers sell, that read as reporting:
    full sentences (8+ words), seen on one page only."""
    folder = corpus / "fundus"
    pages = read_jsonl(folder / "ground_truth.jsonl")
    counts: dict[str, int] = {}
    for page in pages:
        for para in {norm(p) for p in page["body"].split("\n") if p.strip()}:
            counts[para] = counts.get(para, 0) + 1
    out = []
    for page in pages:
        if page["id"] in ("us/Wired_2024_04_28", "de/DieWelt_2023_04_28"):
            continue  # their ground truth holds the site's own promos
        lang = _COUNTRY_LANG.get(page["id"].split("/")[0])
        for para in page["body"].split("\n"):
            para = para.strip()
            if len(para.split()) < 8 or counts[norm(para)] > 1 or not kinds.TOPIC.search(para):
                continue
            if not re.search(r"[.!?…\"”»]\W*$", para):
                continue
            out.append({"source": "fundus", "page_id": page["id"], "site": site_of(page["url"]),
                        "lang": lang, "text": para, "kind": "hard_negative"})
    return out

"""Where article links come from, with the dates the listing gives them. Pure functions.

Sitemaps (urlsets, sitemap indexes, Google News `<news:news>` entries with
publication date, title and keywords, `lastmod`), RSS/Atom feeds
(`pubDate`/`published`/`updated`) and dates printed beside links on section
pages. The dates drive back-fill (`--since`: stop where listings get older)
and the date consensus (page date vs listing date).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urljoin

import lxml.etree
import lxml.html

from pipelines.normalize import parse_date

NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
DISAGREEMENT = timedelta(days=1)


class ListingError(ValueError):
    """Not a sitemap or feed; str() names the URL and the reason."""


@dataclass
class Listed:
    """One link of a listing, with what the listing says about it."""

    url: str
    published: datetime | None = None  # news:publication_date, pubDate; else lastmod
    title: str | None = None
    keywords: list[str] = field(default_factory=list)


@dataclass
class SitemapDoc:
    kind: str  # "urlset" or "sitemapindex"
    entries: list[Listed]


MAX_XML_BYTES = 50 * 1024 * 1024  # the sitemap protocol's own limit for one file, uncompressed


def _ungzip(body: bytes, url: str, what: str) -> bytes:
    """Sitemaps are often served as .xml.gz without Content-Encoding; capped against gzip bombs."""
    if body[:2] != b"\x1f\x8b":
        return body
    import gzip
    import io
    import zlib

    try:
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as stream:
            data = stream.read(MAX_XML_BYTES + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise ListingError(f"{url}: not a {what}: broken gzip: {exc}") from None
    if len(data) > MAX_XML_BYTES:
        raise ListingError(f"{url}: not a {what}: larger than {MAX_XML_BYTES // 2**20} MB uncompressed")
    return data


def _xml_root(body: bytes, url: str, what: str):
    body = _ungzip(body, url, what)
    parser = lxml.etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = lxml.etree.fromstring(body, parser=parser)
    except lxml.etree.XMLSyntaxError as exc:
        raise ListingError(f"{url}: not a {what}: {exc}") from None
    if root is None:
        raise ListingError(f"{url}: not a {what}: empty document")
    return root


def listing_date(text: str | None) -> datetime | None:
    """A feed or sitemap date: RFC 822 (RSS pubDate) or W3C/ISO 8601, offsets kept."""
    return parse_date(text)


def _local(el) -> str:
    return lxml.etree.QName(el).localname if isinstance(el.tag, str) else ""


def _child_text(el, name: str, ns: str | None = None) -> str | None:
    for child in el:
        if _local(child) == name and (ns is None or lxml.etree.QName(child).namespace == ns):
            return (child.text or "").strip() or None
    return None


def parse_sitemap(body: bytes, url: str) -> SitemapDoc:
    """A sitemap or sitemap index; Google News entries keep their date, title and keywords."""
    root = _xml_root(body, url, "sitemap")
    kind = _local(root)
    if kind not in ("urlset", "sitemapindex"):
        raise ListingError(f"{url}: not a sitemap: root element <{kind}>")
    entries = []
    for item in root:
        if _local(item) not in ("url", "sitemap"):
            continue
        loc = _child_text(item, "loc")
        if not loc:
            continue
        listed = Listed(urljoin(url, loc), listing_date(_child_text(item, "lastmod")))
        for news in (c for c in item if _local(c) == "news"):
            listed.published = listing_date(_child_text(news, "publication_date")) or listed.published
            listed.title = _child_text(news, "title")
            listed.keywords = [k.strip() for k in (_child_text(news, "keywords") or "").split(",") if k.strip()]
        entries.append(listed)
    return SitemapDoc(kind, entries)


def parse_feed_entries(body: bytes, url: str) -> list[Listed]:
    """RSS items and Atom entries: link, date and title."""
    root = _xml_root(body, url, "feed")
    out: dict[str, Listed] = {}
    for item in root.iter():
        if _local(item) not in ("item", "entry"):
            continue
        link = None
        for child in item:
            if _local(child) == "link":
                href = child.get("href") or (child.text or "").strip()
                if href and child.get("rel") in (None, "alternate"):
                    link = urljoin(url, href)
                    break
        if not link:
            continue
        date = (_child_text(item, "pubDate") or _child_text(item, "published") or _child_text(item, "date")
                or _child_text(item, "updated"))
        out.setdefault(link, Listed(link, listing_date(date), _child_text(item, "title")))
    return list(out.values())


def link_dates(html: str | bytes, url: str, max_levels: int = 3) -> dict[str, datetime]:
    """Dates printed beside links on a section page: a <time datetime> in the link's own card.

    The card is the link's nearest ancestor (up to `max_levels` up) that holds
    a <time>; an ancestor that also holds other links is a list, not a card,
    and ends the search.
    """
    root = lxml.html.fromstring(html.encode() if isinstance(html, str) else html, base_url=url)
    dates: dict[str, datetime] = {}
    for anchor in root.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith("#"):
            continue
        link = urljoin(url, href).split("#", 1)[0]
        card = anchor
        for _ in range(max_levels):
            if {urljoin(url, a.get("href") or "").split("#", 1)[0] for a in card.iter("a")} - {link}:
                break  # other links in here: a list, not this link's card
            stamp = next(iter(card.iter("time")), None)
            if stamp is not None:
                if (when := listing_date(stamp.get("datetime"))) is not None:
                    dates.setdefault(link, when)
                break
            card = card.getparent()
            if card is None:
                break
    return dates


def older_than(published: datetime | None, since: datetime | None) -> bool:
    """A listing date before the back-fill bound (undated links are never "older")."""
    return since is not None and published is not None and published < since


def pagination_stop(page_no: int, max_pages: int, dated: list[datetime], since: datetime | None,
                    backfill_max: int = 1000) -> str | None:
    """Why a section's pagination stops after this page, or None to follow "next".

    "backfill_reached": every dated link here is older than --since (the pages
    behind it are older still). With --since the outlet's max_pages is lifted
    (up to `backfill_max`) while the listing shows dates to stop on; an
    undated listing keeps max_pages. "max_pages": the page limit.
    """
    if since is not None and dated and all(d < since for d in dated):
        return "backfill_reached"
    limit = backfill_max if since is not None and dated else max_pages
    return None if page_no < limit else "max_pages"


def consensus_date(page_date: datetime | None, listed_date: datetime | None,
                   tolerance: timedelta = DISAGREEMENT) -> tuple[datetime | None, str | None]:
    """The date to store and what happened: the page's date wins; the listing's fills a gap.

    Outcomes: "disagree" (more than `tolerance` apart; the page's kept),
    "from_listing" (the page gave none), None (they agree, or nothing to compare).
    """
    if page_date is None:
        return (listed_date, "from_listing") if listed_date is not None else (None, None)
    if listed_date is not None and abs(page_date - listed_date) > tolerance:
        return page_date, "disagree"
    return page_date, None


def resolve_since(value: str | None, now: datetime) -> datetime | None:
    """A back-fill bound: an ISO date/time (UTC when no offset) or a duration back from now (2d, 12h, 1w)."""
    import re
    from datetime import timezone

    if value is None or not str(value).strip():
        return None
    text = str(value).strip()
    match = re.fullmatch(r"(\d+)\s*([mhdw])", text)
    if match:
        unit = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}[match[2]]
        return now - timedelta(**{unit: int(match[1])})
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{text!r} is neither a date like 2026-11-01 nor a duration like 2d") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)

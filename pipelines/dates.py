"""The article's dates (see pipelines/metadata.py): JSON-LD, meta tags,
<time>, the URL, the visible dateline (htmldate); implausible dates dropped,
disagreements between sources recorded."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from urllib.parse import urlsplit

from pipelines.meta_text import meta_content

# -- dates ------------------------------------------------------------------

EARLIEST = datetime(1990, 1, 1, tzinfo=timezone.utc)
DISAGREE_AFTER = timedelta(days=1)
_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-]?(0[1-9]|1[0-2])[/-]?(0[1-9]|[12]\d|3[01])(?:/|[-_]|$)")
# Squarespace and others write the month and the day without a zero, between slashes: "/2017/7/12/"
_URL_DATE_SHORT = re.compile(r"/((?:19|20)\d\d)/([1-9]|1[0-2])/([1-9]|[12]\d|3[01])/")


def url_date(url: str) -> str | None:
    path = urlsplit(url or "").path
    m = _URL_DATE.search(path) or _URL_DATE_SHORT.search(path)
    return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}" if m else None


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


def calendar_day(text: str) -> date | None:
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

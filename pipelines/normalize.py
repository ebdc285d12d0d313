"""Normalize stage: canonical URL, dates to UTC, tidy text fields. Pure functions."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from pipelines.urls import canonicalize_url

_SPACES = re.compile(r"[ \t\u00a0\u2009\u202f]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def parse_date(value: str | datetime | None, default_tz: str | None = None) -> datetime | None:
    """Any date string a page prints -> aware UTC datetime, or None.

    ISO 8601 is parsed directly (fast path); everything else goes to
    dateparser, which knows dates in 200+ locales. A date without an offset
    is read in the outlet's time zone (UTC when none is configured).
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        parsed = value
    else:
        text = str(value).strip()
        if not text:
            return None
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            import dateparser

            # an offset or zone in the text is kept ("+0100", "CET", RFC 822 feed dates);
            # a date without one is read in the outlet's zone
            parsed = dateparser.parse(text, settings={"RETURN_AS_TIMEZONE_AWARE": True,
                                                      "TIMEZONE": default_tz or "UTC", "TO_TIMEZONE": "UTC"})
            if parsed is None:
                return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(default_tz) if default_tz else timezone.utc)
    parsed = parsed.astimezone(timezone.utc)
    # Drop sub-millisecond precision: BSON dates hold milliseconds, and a
    # round trip must compare equal for "unchanged" detection.
    return parsed.replace(microsecond=parsed.microsecond // 1000 * 1000)


def tidy_text(text: str | None) -> str | None:
    """NFC, collapse runs of spaces, trim each line, at most one blank line."""
    if text is None:
        return None
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    text = _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
    return text or None


def _comparable(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().casefold()


def drop_leading_title(body: str | None, title: str | None) -> str | None:
    """Extractors often repeat the headline as the body's first line: drop it."""
    if not body or not title:
        return body
    first, _, rest = body.partition("\n")
    if _comparable(first) == _comparable(title) and rest.strip():
        return rest.lstrip("\n")
    return body


def normalize_item(item: dict, *, domains: tuple[str, ...] = (), timezone_name: str | None = None,
                   default_language: str | None = None) -> dict:
    """The item with canonical URL, UTC dates and tidy text; input left untouched."""
    out = dict(item)
    out["canonical_url"] = canonicalize_url(item["url"], declared=item.get("declared_canonical"),
                                            domains=domains)
    out.pop("declared_canonical", None)
    for key in ("published_at", "modified_at"):
        out[key] = parse_date(item.get(key), timezone_name)
    out["title"] = tidy_text(item.get("title"))
    out["body"] = drop_leading_title(tidy_text(item.get("body")), out["title"])
    out["description"] = tidy_text(item.get("description"))
    out["authors"] = list(dict.fromkeys(a for a in (tidy_text(a) for a in item.get("authors") or []) if a))
    out["language"] = item.get("language") or default_language
    return out

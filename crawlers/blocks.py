"""Blocks, named: challenge and denial pages, and Retry-After.

Pure functions decide (is this response a block page, how long does
Retry-After ask for); the downloader middleware `BlockHandling` applies
them: a block page is not retried (another attempt meets the same wall) and
is marked for the errback, which counts it as `page:blocked`; a 429 or 503
with Retry-After holds every request to that domain until the time has
passed, and RetryMiddleware retries it then.
"""

from __future__ import annotations

import re
import time
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from scrapy.utils.defer import maybe_deferred_to_future

BLOCK_STATUSES = (403, 429, 503)
RETRY_AFTER_STATUSES = (429, 503)
# Interstitials and denial pages of the common bot-protection services and
# web servers, and captcha forms in general (checked in the first 64 kB).
BLOCK_MARKERS = re.compile(
    r"just a moment\.\.\.|just a moment…|checking your browser|attention required|"
    r"access denied|access to this page has been denied|you have been blocked|"
    r"request unsuccessful\. incapsula|_incapsula_resource|/cdn-cgi/challenge-platform|cf-chl-|"
    r"are you a robot|verify you are (?:a )?human|pardon our interruption|"
    r"g-recaptcha|h-captcha|hcaptcha\.com|recaptcha/api\.js|px-captcha|captcha-delivery\.com|"
    r"<form[^>]*captcha|id=\"challenge-form\"",
    re.IGNORECASE)
BLOCK_HEADERS = {b"cf-mitigated": b"challenge"}


def is_block_page(status: int, body: bytes, headers: dict | None = None) -> bool:
    """A 403/429/503 answer that is a challenge or denial page rather than a plain error."""
    if status not in BLOCK_STATUSES:
        return False
    for name, value in BLOCK_HEADERS.items():
        got = (headers or {}).get(name)
        if got is not None and value in (got if isinstance(got, bytes) else str(got).encode()).lower():
            return True
    return BLOCK_MARKERS.search(body[:65536].decode("utf-8", errors="replace")) is not None


def retry_after_seconds(value: str | bytes | None, now: datetime | None = None) -> float | None:
    """Seconds asked for by a Retry-After header (delta-seconds or an HTTP date); None if absent or junk."""
    if value is None:
        return None
    text = (value.decode("latin-1") if isinstance(value, bytes) else value).strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max((when - (now or datetime.now(timezone.utc))).total_seconds(), 0.0)


class BlockHandling:
    """Downloader middleware between RetryMiddleware (550) and the downloader.

    NEWSDESK_RETRY_AFTER_MAX caps how long one Retry-After may hold a domain;
    a longer one is not waited for (the response fails as it is).
    """

    def __init__(self, crawler):
        self.crawler = crawler
        self.max_wait = crawler.settings.getfloat("NEWSDESK_RETRY_AFTER_MAX", 120.0)
        self.resume_at: dict[str, float] = {}  # slot key -> time.monotonic() when it may send again

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _key(self, request) -> str:
        return self.crawler.engine.downloader.get_slot_key(request)

    async def process_request(self, request, spider=None):
        wait = self.resume_at.get(self._key(request), 0.0) - time.monotonic()
        if wait > 0:
            from twisted.internet import reactor  # imported late: Scrapy installs the reactor first
            from twisted.internet.task import deferLater

            await maybe_deferred_to_future(deferLater(reactor, wait, lambda: None))
        return None

    def process_response(self, request, response, spider=None):
        stats = self.crawler.stats
        if is_block_page(response.status, response.body, response.headers):
            stats.inc_value("newsdesk/blocked_responses")
            request.meta["newsdesk_blocked"] = True
            request.meta["dont_retry"] = True  # the same wall again; also spares the site
            return response
        if response.status in RETRY_AFTER_STATUSES:
            seconds = retry_after_seconds(response.headers.get("Retry-After"))
            if seconds is None:
                return response
            if seconds > self.max_wait:
                request.meta["dont_retry"] = True
                stats.inc_value("newsdesk/retry_after_too_long")
                return response
            key = self._key(request)
            self.resume_at[key] = max(self.resume_at.get(key, 0.0), time.monotonic() + seconds)
            stats.inc_value("newsdesk/retry_after_waits")
            stats.max_value("newsdesk/retry_after_max_s", seconds)
        return response

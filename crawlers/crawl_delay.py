"""Extension: honour robots.txt `Crawl-delay` per domain (Scrapy ignores it, scrapy#892).

Scrapy's RobotsTxtMiddleware parses robots.txt (Protego by default) and sends
`robots_parsed`; the parser exposes `crawl_delay(user_agent)`. This extension
applies that delay to the domain's downloader slot, as a floor under the
outlet's own `[politeness] download_delay`, without jitter (a ±50% jitter
would break the floor). AutoThrottle lowers a slot's delay after fast
responses; this extension's `response_downloaded` handler runs after
AutoThrottle's (extensions connect in EXTENSIONS order, AutoThrottle first)
and raises it back to the floor before the slot sends its next request.
"""

from __future__ import annotations

import logging

from scrapy import signals
from scrapy.exceptions import NotConfigured

logger = logging.getLogger(__name__)


def effective_delay(download_delay: float, crawl_delay: float | None, cap: float) -> float:
    """The delay a slot must keep: the larger of ours and the site's, the site's capped."""
    if crawl_delay is None or crawl_delay <= 0:
        return download_delay
    return max(download_delay, min(crawl_delay, cap))


class RobotsCrawlDelay:
    """Keeps each slot's delay at or above its robots.txt Crawl-delay (NEWSDESK_CRAWL_DELAY_MAX caps it)."""

    def __init__(self, crawler):
        settings = crawler.settings
        if not settings.getbool("ROBOTSTXT_OBEY") or not settings.getbool("NEWSDESK_OBEY_CRAWL_DELAY", True):
            raise NotConfigured
        self.crawler = crawler
        self.cap = settings.getfloat("NEWSDESK_CRAWL_DELAY_MAX", 60.0)
        self.user_agent = settings.get("ROBOTSTXT_USER_AGENT") or settings.get("USER_AGENT")
        self.floors: dict[str, float] = {}  # slot key -> delay floor from robots.txt
        crawler.signals.connect(self.robots_parsed, signal=signals.robots_parsed)
        crawler.signals.connect(self.response_downloaded, signal=signals.response_downloaded)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    @property
    def downloader(self):
        return self.crawler.engine.downloader

    def robots_parsed(self, robotparser, request):
        site_delay = robotparser.crawl_delay(self.user_agent)
        if site_delay is None or site_delay <= 0:
            return
        key = self.downloader.get_slot_key(request)
        own = self.crawler.settings.getfloat("DOWNLOAD_DELAY")
        floor = effective_delay(own, site_delay, self.cap)
        if site_delay > self.cap:
            logger.warning("%s: robots.txt Crawl-delay %.0f s capped at %.0f s (NEWSDESK_CRAWL_DELAY_MAX)",
                           key, site_delay, self.cap)
        self.floors[key] = floor
        self.crawler.stats.max_value("newsdesk/crawl_delay_max", floor)
        # a slot created (or re-created after idling) later starts from DOWNLOAD_SLOTS
        self.downloader.per_slot_settings.setdefault(key, {}).update({"delay": floor, "jitter": 0.0})
        if (slot := self.downloader.slots.get(key)) is not None:
            self._hold(slot, floor)

    def response_downloaded(self, response, request, spider=None):
        key = request.meta.get("download_slot")
        floor = self.floors.get(key) if key else None
        if floor is not None and (slot := self.downloader.slots.get(key)) is not None:
            self._hold(slot, floor)

    @staticmethod
    def _hold(slot, floor: float) -> None:
        slot.jitter = 0.0
        if slot.delay < floor:
            slot.delay = floor

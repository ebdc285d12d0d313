"""Downloader middleware: at most NEWSDESK_MAX_PAGES pages fetched per crawl (`--max-pages N`).

Counted where requests leave for the network, after the duplicate filter,
so the cap is on fetches, retries included; robots.txt is not counted.
Requests past the cap are dropped with IgnoreRequest and counted in
`newsdesk/over_page_budget`, not as bad pages.
"""

from __future__ import annotations

from scrapy.exceptions import IgnoreRequest, NotConfigured

BUDGET_MESSAGE = "page budget spent"


class PageBudget:
    def __init__(self, crawler):
        self.limit = crawler.settings.getint("NEWSDESK_MAX_PAGES", 0)
        if self.limit <= 0:
            raise NotConfigured
        self.stats = crawler.stats
        self.fetched = 0

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request, spider=None):
        if request.meta.get("dont_obey_robotstxt") and request.url.endswith("/robots.txt"):
            return None
        if self.fetched >= self.limit:
            self.stats.inc_value("newsdesk/over_page_budget")
            raise IgnoreRequest(f"{request.url}: {BUDGET_MESSAGE} ({self.limit} pages, --max-pages)")
        self.fetched += 1
        return None

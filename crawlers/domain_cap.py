"""Downloader middleware: at most CONCURRENT_REQUESTS_PER_DOMAIN requests per domain at once.

Scrapy's downloader slot is meant to enforce this, but with the asyncio
reactor and no download delay it releases its whole queue at once: the
download coroutine that marks a request as transferring is only scheduled
(`loop.create_task`), so the slot still counts free transfer places while it
empties the queue (measured: 7 requests at once against a cap of 2, across
three sections). This middleware holds one permit per request of the slot
from the moment it leaves the middlewares until its response or error comes
back, so the cap holds across all sections, feeds and sitemaps of a crawl.

It sits closest to the downloader (after every built-in middleware), so its
`process_response` runs before Retry or Redirect turn a response into a new
request, and the permit is always given back.
"""

from __future__ import annotations

from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import DeferredSemaphore


class DomainConcurrencyCap:
    def __init__(self, crawler):
        self.crawler = crawler
        self.limit = max(crawler.settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN", 8), 1)
        self.permits: dict[str, DeferredSemaphore] = {}
        self.holding: dict[int, str] = {}  # id(request) -> slot key, while it holds a permit

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _key(self, request) -> str:
        return self.crawler.engine.downloader.get_slot_key(request)

    async def process_request(self, request, spider=None):
        key = self._key(request)
        permits = self.permits.setdefault(key, DeferredSemaphore(self.limit))
        await maybe_deferred_to_future(permits.acquire())
        self.holding[id(request)] = key
        peak = self.limit - permits.tokens
        self.crawler.stats.max_value("newsdesk/domain_concurrency_peak", peak)
        return None

    def _release(self, request) -> None:
        key = self.holding.pop(id(request), None)
        if key is not None:
            self.permits[key].release()

    def process_response(self, request, response, spider=None):
        self._release(request)
        return response

    def process_exception(self, request, exception, spider=None):
        self._release(request)
        return None

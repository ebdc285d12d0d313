"""The one generic spider: section pages (with pagination), feeds and sitemaps
lead to article pages. Callbacks only route responses; what a page means is
decided by the plain functions in crawlers/extract.py."""

from __future__ import annotations

from typing import ClassVar

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.sitemap import Sitemap

from crawlers.errors import decode_html, failure_kind
from crawlers.extract import (
    PageError,
    extract_article,
    looks_like_html,
    parse_feed,
    parse_section_page,
)
from crawlers.outlets import OutletSpec
from pipelines.context import cpu_pool
from pipelines.dedup import canonicalize_url

STATS = "newsdesk/"


class SectionSpider(scrapy.Spider):
    name = "section"
    outlet: ClassVar[OutletSpec]  # bound per outlet by crawlers.spiderloader

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.article_requests = 0

    # -- entry points --------------------------------------------------
    async def start(self):
        # NEWSDESK_SECTIONS (set by a per-section schedule entry): only those sections, no feeds/sitemaps.
        only = self.settings.getlist("NEWSDESK_SECTIONS")
        for url in only or self.outlet.sections:
            yield scrapy.Request(url, callback=self.parse_section, errback=self.on_error,
                                 priority=10, meta={"section": url, "page_no": 1})
        if only:
            return
        for url in self.outlet.feeds:
            yield scrapy.Request(url, callback=self.parse_feed, errback=self.on_error, priority=10,
                                 meta={"section": url})
        for url in self.outlet.sitemaps:
            yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.on_error, priority=10,
                                 meta={"section": url})

    # -- helpers -------------------------------------------------------
    def bad_page(self, response: Response, kind: str, reason: str) -> None:
        """Count and log a page that cannot be used; the crawl goes on."""
        self.crawler.stats.inc_value(f"{STATS}bad_page/{kind}")
        self.logger.warning("bad page %s: %s: %s", response.url, kind, reason)

    def html_of(self, response: Response) -> str | None:
        if not response.body:
            self.bad_page(response, "empty", "empty response body")
            return None
        if not isinstance(response, TextResponse) or not looks_like_html(response.body):
            self.bad_page(response, "not_html", f"content is not HTML ({response.headers.get('Content-Type', b'').decode(errors='replace')})")
            return None
        declared = response.headers.get("Content-Type", b"").decode("latin-1").lower()
        declared_charset = "charset=" in declared or b"charset" in response.body[:2048].lower()
        return decode_html(response.body, response.encoding if declared_charset else None, response.text)

    def on_error(self, failure):
        """Errback of every request: name the failure, count it, log one line; the crawl goes on."""
        kind = failure_kind(failure.value)
        request = failure.request if hasattr(failure, "request") else None
        url = request.url if request is not None else "?"
        self.crawler.stats.inc_value(f"{STATS}bad_page/{kind}")
        if request is not None and request.meta.get("article"):
            self.crawler.stats.inc_value(f"{STATS}article_fetches")
            if kind == "blocked":
                self.crawler.stats.inc_value(f"{STATS}articles_blocked")
        self.logger.warning("bad page %s: %s: %s", url, kind, str(failure.value)[:200])

    def article_request(self, url: str, section: str | None) -> scrapy.Request | None:
        limit = self.outlet.max_articles
        if limit is not None and self.article_requests >= limit:
            return None
        self.article_requests += 1
        # Request the canonical form: tracking, AMP and mobile variants of one
        # article collapse here, so Scrapy's duplicate filter fetches it once.
        url = canonicalize_url(url, domains=self.outlet.domains)
        return scrapy.Request(url, callback=self.parse_article, errback=self.on_error,
                              meta={"section": section, "article": True})

    # -- callbacks -----------------------------------------------------
    def parse_section(self, response: Response):
        html = self.html_of(response)
        if html is None:
            return
        try:
            page = parse_section_page(html, response.url, self.outlet)
        except PageError as exc:
            self.bad_page(response, "unparsable", str(exc))
            return
        section = response.meta.get("section", response.url)
        self.crawler.stats.inc_value(f"{STATS}section_pages")
        for url in page.article_urls:
            if (request := self.article_request(url, section)) is not None:
                yield request
        page_no = response.meta.get("page_no", 1)
        if page_no < self.outlet.max_pages:
            for url in page.next_pages[:1]:
                yield scrapy.Request(url, callback=self.parse_section, errback=self.on_error, priority=5,
                                     meta={"section": section, "page_no": page_no + 1})

    def parse_feed(self, response: Response):
        try:
            urls = parse_feed(response.body, response.url, self.outlet)
        except PageError as exc:
            self.bad_page(response, "unparsable", str(exc))
            return
        self.crawler.stats.inc_value(f"{STATS}listing_pages")
        for url in urls:
            if (request := self.article_request(url, response.meta.get("section"))) is not None:
                yield request

    def parse_sitemap(self, response: Response):
        try:
            sitemap = Sitemap(response.body)
        except Exception as exc:  # lxml raises several types on junk; all mean "not a sitemap"
            self.bad_page(response, "unparsable", f"not a sitemap: {exc}")
            return
        self.crawler.stats.inc_value(f"{STATS}listing_pages")
        for entry in sitemap:
            loc = entry.get("loc", "")
            if not self.outlet.owns_url(loc):
                continue
            if sitemap.type == "sitemapindex":
                yield scrapy.Request(loc, callback=self.parse_sitemap, errback=self.on_error, meta=response.meta)
            elif self.outlet.article_regex.search(loc) and (
                    request := self.article_request(loc, response.meta.get("section"))) is not None:
                yield request

    async def parse_article(self, response: Response):
        self.crawler.stats.inc_value(f"{STATS}article_fetches")
        html = self.html_of(response)
        if html is None:
            return
        try:
            # in a worker process when there is a spare core (pipelines/context.CpuPool)
            article = await maybe_deferred_to_future(
                cpu_pool(self.crawler).run(extract_article, html, response.url, self.outlet))
        except PageError as exc:
            self.bad_page(response, "unparsable", str(exc))
            return
        item = article.as_item()
        item["outlet"] = self.outlet.name
        item["section"] = response.meta.get("section")
        yield item

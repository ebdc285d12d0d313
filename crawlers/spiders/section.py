"""The one generic spider: section pages (with pagination), feeds and sitemaps
lead to article pages. Callbacks only route responses; what a page means is
decided by the plain functions in pipelines/extract.py."""

from __future__ import annotations

from datetime import datetime, timezone
from functools import cached_property
from typing import ClassVar

import scrapy
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future

from crawlers.errors import failure_kind
from crawlers.pages import BadPage, response_html
from crawlers.workers import cpu_pool
from pipelines.extract import (
    PageError,
    extract_article,
    parse_section_page,
)
from pipelines.listings import (
    Listed,
    ListingError,
    link_dates,
    older_than,
    pagination_stop,
    parse_feed_entries,
    parse_sitemap,
    resolve_since,
)
from pipelines.outlets import OutletSpec
from pipelines.runs import note_bad_page
from pipelines.urls import canonicalize_url

STATS = "newsdesk/"


class SectionSpider(scrapy.Spider):
    name = "section"
    outlet: ClassVar[OutletSpec]  # bound per outlet by crawlers.spiderloader

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.article_requests = 0

    @cached_property
    def since(self) -> datetime | None:
        """The back-fill bound (NEWSDESK_SINCE, `--since`); None: no bound."""
        return resolve_since(self.settings.get("NEWSDESK_SINCE"), datetime.now(timezone.utc))

    def is_older(self, published: datetime | None) -> bool:
        if older_than(published, self.since):
            self.crawler.stats.inc_value(f"{STATS}older_than_since")
            return True
        return False

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
        note_bad_page(self.crawler.stats, kind, response.url)
        self.logger.warning("bad page %s: %s: %s", response.url, kind, reason)

    def html_of(self, response: Response) -> str | None:
        try:
            return response_html(response)
        except BadPage as exc:
            self.bad_page(response, exc.kind, exc.reason)
            return None

    def on_error(self, failure):
        """Errback of every request: name the failure, count it, log one line; the crawl goes on."""
        kind = failure_kind(failure.value)
        request = failure.request if hasattr(failure, "request") else None
        url = request.url if request is not None else "?"
        if kind == "page_budget":
            return  # --max-pages reached; counted by crawlers/page_budget.py
        note_bad_page(self.crawler.stats, kind, url)
        if request is not None and request.meta.get("article"):
            self.crawler.stats.inc_value(f"{STATS}article_fetches")
            if kind == "blocked":
                self.crawler.stats.inc_value(f"{STATS}articles_blocked")
        self.logger.warning("bad page %s: %s: %s", url, kind, str(failure.value)[:200])

    def article_request(self, url: str, section: str | None, listed: Listed | None = None) -> scrapy.Request | None:
        limit = self.outlet.max_articles
        if limit is not None and self.article_requests >= limit:
            return None
        self.article_requests += 1
        # Request the canonical form: tracking, AMP and mobile variants of one
        # article collapse here, so Scrapy's duplicate filter fetches it once.
        url = canonicalize_url(url, domains=self.outlet.domains)
        meta = {"section": section, "article": True}
        if listed is not None and listed.published is not None:
            meta["listed_at"] = listed.published  # for the date consensus (crawlers/date_consensus.py)
        return scrapy.Request(url, callback=self.parse_article, errback=self.on_error, meta=meta)

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
        dates = link_dates(html, response.url) if self.since is not None else {}
        dated = [dates[u] for u in page.article_urls if u in dates]
        for url in page.article_urls:
            listed = Listed(url, dates.get(url))
            if not self.is_older(listed.published) and (
                    request := self.article_request(url, section, listed)) is not None:
                yield request
        page_no = response.meta.get("page_no", 1)
        stop = pagination_stop(page_no, self.outlet.max_pages, dated, self.since)
        if stop == "backfill_reached":
            self.crawler.stats.inc_value(f"{STATS}backfill_reached")
        if stop is None:
            for url in page.next_pages[:1]:
                yield scrapy.Request(url, callback=self.parse_section, errback=self.on_error, priority=5,
                                     meta={"section": section, "page_no": page_no + 1})

    def parse_feed(self, response: Response):
        try:
            entries = parse_feed_entries(response.body, response.url)
        except ListingError as exc:
            self.bad_page(response, "unparsable", str(exc))
            return
        self.crawler.stats.inc_value(f"{STATS}listing_pages")
        for listed in entries:
            if not self.outlet.owns_url(listed.url) or not self.outlet.article_regex.search(listed.url):
                continue
            if not self.is_older(listed.published) and (
                    request := self.article_request(listed.url, response.meta.get("section"), listed)) is not None:
                yield request

    def parse_sitemap(self, response: Response):
        try:
            sitemap = parse_sitemap(response.body, response.url)
        except ListingError as exc:
            self.bad_page(response, "unparsable", str(exc))
            return
        self.crawler.stats.inc_value(f"{STATS}listing_pages")
        for listed in sitemap.entries:
            if not self.outlet.owns_url(listed.url) or self.is_older(listed.published):
                continue  # a child sitemap last modified before --since holds only older articles
            if sitemap.kind == "sitemapindex":
                yield scrapy.Request(listed.url, callback=self.parse_sitemap, errback=self.on_error,
                                     meta=response.meta)
            elif self.outlet.article_regex.search(listed.url) and (
                    request := self.article_request(listed.url, response.meta.get("section"), listed)) is not None:
                yield request

    async def parse_article(self, response: Response):
        self.crawler.stats.inc_value(f"{STATS}article_fetches")
        html = self.html_of(response)
        if html is None:
            return
        try:
            # in a worker process when there is a spare core (crawlers/workers.CpuPool)
            article = await maybe_deferred_to_future(
                cpu_pool(self.crawler).run(extract_article, html, response.url, self.outlet))
        except PageError as exc:
            self.bad_page(response, "unparsable", str(exc))
            return
        item = article.as_item()
        item["outlet"] = self.outlet.name
        item["section"] = response.meta.get("section")
        if "listed_at" in response.meta:
            item["listed_at"] = response.meta["listed_at"]
        item["archive"] = response.meta.get("archive")  # where crawlers/archive.py wrote the response
        yield item

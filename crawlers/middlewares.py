"""Downloader and spider middlewares: refuse loopback, private and link-local targets;
skip article URLs already stored; name redirect loops.

The private-network guard: an outlet must say `allow_private_network = true` to crawl such addresses
(the test fixtures and the local demo do); the rest of the web never needs
it, and refusing it keeps a hostile page from steering the crawler at the
machine's own network.
"""

from __future__ import annotations

import ipaddress
import socket
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.exceptions import IgnoreRequest

from crawlers.config import newsdesk_config
from crawlers.runtime import crawl_context
from pipelines.dedup_store import RecheckPolicy, urls_to_skip
from pipelines.urls import canonicalize_url


@lru_cache(maxsize=4096)
def resolves_to_private(host: str) -> bool:
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (socket.gaierror, UnicodeError):
        return False  # unresolvable: the download fails on its own, with its own error
    for addr in addresses:
        ip = ipaddress.ip_address(addr.split("%", 1)[0])
        if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_unspecified:
            return True
    return False


class PrivateNetworkGuard:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request, spider=None):
        outlet = getattr(spider or self.crawler.spider, "outlet", None)
        if outlet is not None and outlet.allow_private_network:
            return None
        host = urlsplit(request.url).hostname or ""
        if resolves_to_private(host):
            self.stats.inc_value("newsdesk/bad_page/private_address")
            raise IgnoreRequest(f"{request.url}: refused: {host} resolves to a private, loopback or "
                                "link-local address (set allow_private_network = true in the outlet file)")
        return None


def known_run_length(known_flags: list[bool], carried: int) -> int:
    """Known links in a row at the end of this page, continuing the previous pages' run."""
    run = carried
    for known in known_flags:
        run = run + 1 if known else 0
    return run


class KnownArticleFilter:
    """Spider middleware: article requests for URLs already stored are dropped.

    One database query per section page (all its article links at once),
    keyed on canonical URLs; fresh articles are still re-fetched under the
    re-check policy so updates are caught. The seen-state is the `articles`
    collection itself, so it holds across runs, processes and machines.
    """

    def __init__(self, crawler):
        config = newsdesk_config(crawler)
        self.crawler = crawler
        self.enabled = config.NEWSDESK_INCREMENTAL
        self.policy = RecheckPolicy(fresh_for=timedelta(hours=config.NEWSDESK_RECHECK_FRESH_HOURS),
                                    every=timedelta(hours=config.NEWSDESK_RECHECK_EVERY_HOURS))
        self.stop_after_known = config.NEWSDESK_STOP_AFTER_KNOWN
        self.known_run: dict[str | None, int] = {}  # section -> known links in a row so far

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def filter_outputs(self, outputs: list) -> list:
        spider = self.crawler.spider
        articles = [o for o in outputs if isinstance(o, Request) and o.meta.get("article")]
        if not self.enabled or not articles:
            return outputs
        domains = tuple(spider.outlet.domains)
        canonical = {id(r): canonicalize_url(r.url, domains=domains) for r in articles}
        ctx = crawl_context(self.crawler)
        skip: set[str] = set()
        if ctx.breaker.available():
            try:
                skip = urls_to_skip(ctx.db.articles, set(canonical.values()),
                                    now=datetime.now(timezone.utc), policy=self.policy)
            except Exception as exc:  # no seen-state: fetch everything, the store still dedups
                ctx.breaker.trip()
                spider.logger.warning("known-URL lookup failed (%s); fetching all", type(exc).__name__)
        kept = [o for o in outputs if canonical.get(id(o)) not in skip]
        if len(kept) < len(outputs):
            self.crawler.stats.inc_value("newsdesk/skipped_known", len(outputs) - len(kept))
        section = articles[0].meta.get("section")
        run = known_run_length([canonical[id(r)] in skip for r in articles], self.known_run.get(section, 0))
        self.known_run[section] = run
        if run >= self.stop_after_known:
            # K known links in a row: the rest of this section is older news already stored
            before = len(kept)
            kept = [o for o in kept if not (isinstance(o, Request) and o.meta.get("page_no"))]
            if len(kept) < before:
                self.crawler.stats.inc_value("newsdesk/pagination_stopped")
        return kept

    # One section page's links are judged together (one query), so the output is gathered first.
    def process_spider_output(self, response, result, spider=None):
        yield from self.filter_outputs(list(result))

    async def process_spider_output_async(self, response, result, spider=None):
        for output in self.filter_outputs([o async for o in result]):
            yield output


class ReleaseDecodedText:
    """Downloader middleware: drop the decoded text Scrapy caches on a response.

    Why: MetaRefreshMiddleware reads `response.text[0:4096]`, which decodes the
    whole body (1-4 bytes a character) and keeps it on the response until the
    article is extracted; the spider decodes the page itself (pipelines/decode.py),
    so every response in flight held two decoded copies. Placed after
    MetaRefresh in the response chain; a later `response.text` decodes again."""

    def process_response(self, request, response, spider=None):
        if getattr(response, "_cached_ubody", None) is not None:
            response._cached_ubody = None
        return response


class RedirectLoopGuard:
    """Downloader middleware: name a redirect back to a URL already in the chain.

    Without it Scrapy's duplicate filter silently swallows the looping
    request, and the page is neither stored nor counted.
    """

    REDIRECTS = (301, 302, 303, 307, 308)

    def process_response(self, request, response, spider=None):
        location = response.headers.get("Location")
        if response.status in self.REDIRECTS and location:
            target = urljoin(request.url, location.decode("latin-1")).split("#", 1)[0]
            chain = [*request.meta.get("redirect_urls", []), request.url]
            if target in chain:
                raise IgnoreRequest(f"redirect loop: {request.url} -> {target}")
        return response

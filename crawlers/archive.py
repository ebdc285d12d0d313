"""Every fetched response kept as WARC (downloader middleware around pipelines/warc.py).

Sits next to the downloader (DOWNLOADER_MIDDLEWARES 950), so it records the
request as sent (final headers) and the response as received, before
redirects, decompression or retries act on it: section pages, article
pages, feeds, sitemaps, robots.txt and error pages alike. Where a response
went is put in `request.meta["archive"]` (file, offset, length, fetched_at);
the spider copies it into the article item, so each stored article points at
its record.

Settings: NEWSDESK_ARCHIVE (on/off), NEWSDESK_ARCHIVE_DIR (default
$NEWSDESK_HOME/archive), NEWSDESK_ARCHIVE_MAX_BYTES (rotation size),
NEWSDESK_ARCHIVE_RETENTION_DAYS (day directories older than this are
deleted when a crawl of the outlet opens; 0 keeps everything),
NEWSDESK_ARCHIVE_GZIP_LEVEL (zlib level of each record, default 3).
"""

from __future__ import annotations

import logging
import os
from datetime import datetime, timezone
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import NotConfigured

from pipelines.warc import (
    DEFAULT_GZIP_LEVEL,
    DEFAULT_MAX_BYTES,
    WarcFileWriter,
    default_archive_dir,
    prune,
)

logger = logging.getLogger(__name__)
STATS = "newsdesk/archive/"


def _role(meta: dict) -> str:
    if meta.get("article"):
        return "article"
    if meta.get("section"):
        return "section"
    return "other"  # robots.txt, redirect targets without our meta


def _header_pairs(headers) -> list[tuple[str, str]]:
    return [(k.decode("latin-1"), v.decode("latin-1")) for k, values in headers.items() for v in values]


def _http_version(protocol: str | None) -> str:
    # Scrapy says "h2" for HTTP/2; WARC readers expect an HTTP/1.x status line
    return "HTTP/1.0" if protocol == "HTTP/1.0" else "HTTP/1.1"


class WarcArchiveMiddleware:
    def __init__(self, crawler, root, max_bytes: int, retention_days: int, gzip_level: int = DEFAULT_GZIP_LEVEL):
        self.crawler = crawler
        self.root = root
        self.max_bytes = max_bytes
        self.gzip_level = gzip_level
        self.retention_days = retention_days
        self.writer: WarcFileWriter | None = None

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not settings.getbool("NEWSDESK_ARCHIVE", True):
            raise NotConfigured("NEWSDESK_ARCHIVE is off")
        root = settings.get("NEWSDESK_ARCHIVE_DIR") or default_archive_dir(os.environ)
        mw = cls(crawler, Path(root).expanduser(), settings.getint("NEWSDESK_ARCHIVE_MAX_BYTES", DEFAULT_MAX_BYTES),
                 settings.getint("NEWSDESK_ARCHIVE_RETENTION_DAYS", 0),
                 settings.getint("NEWSDESK_ARCHIVE_GZIP_LEVEL", DEFAULT_GZIP_LEVEL))
        crawler.signals.connect(mw.spider_opened, signals.spider_opened)
        crawler.signals.connect(mw.spider_closed, signals.spider_closed)
        return mw

    def spider_opened(self, spider):
        self.writer = WarcFileWriter(self.root, spider.name, max_bytes=self.max_bytes, gzip_level=self.gzip_level)
        removed = prune(self.root, spider.name, self.retention_days, datetime.now(timezone.utc).date())
        if removed:
            self.crawler.stats.inc_value(f"{STATS}days_pruned", len(removed))
            logger.info("archive: removed %d day(s) older than %d days under %s", len(removed),
                        self.retention_days, self.root / spider.name)

    def spider_closed(self, spider, reason):
        if self.writer is not None:
            self.writer.close()

    def process_response(self, request, response, spider=None):
        if self.writer is None:  # a response before spider_opened: nothing to write into
            return response
        try:
            ref = self.writer.write_exchange(
                url=response.url, method=request.method, request_headers=_header_pairs(request.headers),
                request_body=request.body or b"", status=response.status,
                response_headers=_header_pairs(response.headers), body=response.body,
                fetched_at=datetime.now(timezone.utc), protocol=_http_version(response.protocol),
                role=_role(request.meta), section=request.meta.get("section"))
        except OSError as exc:  # disk full, permissions: the crawl goes on without its archive
            self.crawler.stats.inc_value(f"{STATS}write_error/{type(exc).__name__}")
            logger.error("archive: could not write %s to %s: %s", response.url, self.root, exc)
            return response
        request.meta["archive"] = ref.as_dict()
        self.crawler.stats.inc_value(f"{STATS}records")
        self.crawler.stats.inc_value(f"{STATS}bytes", ref.length)
        return response

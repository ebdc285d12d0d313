"""Scrapy extensions: the outlet lease, the crawl_runs record, the progress line, the start-up heap freeze."""

from __future__ import annotations

import gc
import logging
import sys
from datetime import timedelta

from bson import ObjectId
from pymongo.errors import ConnectionFailure, PyMongoError
from scrapy import signals
from scrapy.exceptions import CloseSpider
from twisted.internet import task

from crawlers.runtime import crawl_context
from crawlers.workers import freeze_startup_heap
from pipelines import leases
from pipelines.mongo import describe_failure
from pipelines.runs import (
    failure_reason,
    finish_run,
    mark_interrupted,
    run_status,
    spool_run,
    start_run,
    summarize_stats,
)

logger = logging.getLogger(__name__)


class SpiderOpenClose:
    """An extension that acts at spider open and at spider close: Scrapy builds
    it with `from_crawler`, and it connects the two signals once its own
    fields are set (subclasses call ``super().__init__(crawler)`` last)."""

    def __init__(self, crawler):
        self.crawler = crawler
        crawler.signals.connect(self.spider_opened, signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def spider_opened(self, spider):
        pass

    def spider_closed(self, spider, reason):
        pass


class OutletLease(SpiderOpenClose):
    """Holds the per-outlet lease for the whole crawl, renewing it while alive.

    A caller that already took the lease (the CLI, the scheduler) passes its
    owner token in NEWSDESK_LEASE_OWNER; a bare `scrapy crawl` takes its own.
    """

    def __init__(self, crawler):
        self.crawler = crawler
        self.ttl = timedelta(seconds=crawler.settings.getfloat("NEWSDESK_LEASE_TTL", 60))
        self.owner = crawler.settings.get("NEWSDESK_LEASE_OWNER") or leases.new_owner("scrapy")
        self.release_on_close = not crawler.settings.get("NEWSDESK_LEASE_OWNER")
        self.renewer: task.LoopingCall | None = None
        self.held = False
        super().__init__(crawler)

    def _locks(self):
        return crawl_context(self.crawler).db.locks

    def spider_opened(self, spider):
        name = spider.name
        ctx = crawl_context(self.crawler)
        try:
            if not ctx.breaker.available():  # the schema step at open already met the outage
                raise ctx.breaker.last_error or ConnectionFailure("database unavailable")
            taken = leases.take(self._locks(), name, self.owner, self.ttl)
        except PyMongoError as exc:
            # Without the lease another crawl of the outlet may run at the same time;
            # crawling into the spool unguarded is not worth that: stop here.
            ctx.breaker.trip(exc)
            logger.error("database %s: %s at start; outlet %s not crawled (no lease without it)",
                         ctx.target.display, describe_failure(exc), name)
            raise CloseSpider("database_unreachable") from None
        if not taken:
            current = taken.holder
            who = f"{current.owner} until {current.expires_at:%H:%M:%S} UTC" if current else "another crawl"
            logger.error("outlet %s is being crawled by %s; not starting a second crawl", name, who)
            self.crawler.stats.set_value("newsdesk/lease_denied", who)
            raise CloseSpider("lease_held")
        self.held = True
        renewal = leases.Renewal(self._locks(), name, self.owner, self.ttl)
        self.renewer = task.LoopingCall(renewal.renew)
        self.renewer.start(renewal.interval, now=False)

    def spider_closed(self, spider, reason):
        if self.renewer is not None and self.renewer.running:
            self.renewer.stop()
        if self.held and self.release_on_close and crawl_context(self.crawler).breaker.available():
            leases.release_quietly(self._locks(), spider.name, self.owner)


class RunRecorder(SpiderOpenClose):
    """One `crawl_runs` document per crawl: created at start, summary at close."""

    def __init__(self, crawler):
        self.crawler = crawler
        run_id = crawler.settings.get("NEWSDESK_RUN_ID")
        self.run_id = ObjectId(run_id) if run_id else ObjectId()
        self.trigger = crawler.settings.get("NEWSDESK_RUN_TRIGGER", "cli")
        self.summary: dict | None = None
        super().__init__(crawler)

    def spider_opened(self, spider):
        ctx = crawl_context(self.crawler)
        self.crawler.stats.set_value("newsdesk/run_id", str(self.run_id))
        self.crawler.stats.set_value("newsdesk/database", ctx.target.display)
        if not ctx.breaker.available():
            return  # the database is away: the summary is spooled at close
        try:
            start_run(ctx.db, outlet=spider.name, trigger=self.trigger, run_id=self.run_id,
                      extra={"database": ctx.target.display})
            if interrupted := mark_interrupted(ctx.db, spider.name, self.run_id):
                logger.warning("%d earlier run(s) of %s never finished: recorded as interrupted",
                               interrupted, spider.name)
        except Exception as exc:
            logger.warning("could not record the run start: %s", type(exc).__name__)

    def spider_closed(self, spider, reason):
        ctx = crawl_context(self.crawler)
        stats = self.crawler.stats.get_stats()
        stats.setdefault("finish_reason", reason)
        self.summary = summarize_stats(stats)
        self.summary["database"] = ctx.target.display
        status = run_status(self.summary)
        if (error := failure_reason(self.summary)) is not None:
            self.summary["error"] = error
        self.crawler.stats.set_value("newsdesk/status", status)
        try:
            if not ctx.breaker.available():
                raise ConnectionError("database unavailable")
            finish_run(ctx.db, self.run_id, status=status, summary=self.summary)
        except Exception as exc:
            spool_run(ctx.spool_dir, self.run_id, status, self.summary, outlet=spider.name)
            # at start, OutletLease has said the database is away: once is enough
            level = logging.INFO if self.summary.get("finish_reason") == "database_unreachable" else logging.ERROR
            logger.log(level, "could not record the run summary (%s): kept in %s for replay",
                       type(exc).__name__, ctx.spool_dir)
        self.crawler.newsdesk_summary = {"run_id": str(self.run_id), "status": status, **self.summary}
        ctx.close()  # the last user of the connection: OutletLease's handler ran before this one


class _NoTraceback(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info, record.exc_text = None, None
        return True


class OneLineFetchErrors:
    """A robots.txt that cannot be fetched (site down) is one log line, not a traceback.

    Scrapy's RobotsTxtMiddleware logs that error with exc_info; the failure is
    the site's, already counted per page by the spider, so the stack says nothing."""

    LOGGERS = ("scrapy.downloadermiddlewares.robotstxt",)

    def __init__(self):
        self.filter = _NoTraceback()
        for name in self.LOGGERS:
            logging.getLogger(name).addFilter(self.filter)

    @classmethod
    def from_crawler(cls, crawler):
        return cls()


class Progress(SpiderOpenClose):
    """A progress line every NEWSDESK_PROGRESS_INTERVAL seconds (replaces LogStats)."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.interval = crawler.settings.getfloat("NEWSDESK_PROGRESS_INTERVAL", 10.0)
        self.to_stderr = crawler.settings.getbool("NEWSDESK_PROGRESS_STDERR")
        self.loop: task.LoopingCall | None = None
        super().__init__(crawler)

    def line(self) -> str:
        s = self.crawler.stats.get_stats()
        stored = sum(v for k, v in s.items() if k.startswith("newsdesk/stored/"))
        dropped = sum(v for k, v in s.items() if k.startswith("newsdesk/dropped/"))
        bad = sum(v for k, v in s.items() if k.startswith("newsdesk/bad_page/"))
        return (f"progress: {s.get('response_received_count', 0)} pages fetched, "
                f"{s.get('item_scraped_count', 0)} articles passed, {stored} written, "
                f"{dropped} dropped, {bad} bad pages")

    def log(self):
        if self.to_stderr:
            print(self.line(), file=sys.stderr, flush=True)
        else:
            logger.info(self.line())

    def spider_opened(self, spider):
        if self.interval > 0:
            self.loop = task.LoopingCall(self.log)
            self.loop.start(self.interval, now=False)

    def spider_closed(self, spider, reason):
        if self.loop is not None and self.loop.running:
            self.loop.stop()


class FreezeStartupHeap(SpiderOpenClose):
    """At spider open, the objects alive then leave the cyclic collector's reach
    (crawlers/workers.freeze_startup_heap); at close they come back, so a process
    that runs several crawls (tests, in-process runs) still collects each crawl's
    own cycles once it is over."""

    def spider_opened(self, spider):
        freeze_startup_heap()

    def spider_closed(self, spider, reason):
        gc.unfreeze()

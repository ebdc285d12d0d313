"""Per-crawl database context, shared by the item pipelines of one crawler.

Built once per crawler (not a process-wide singleton): the resolved target,
one MongoClient, and the buffered article writer that spools to disk when
the database is unreachable.
"""

from __future__ import annotations

import logging
import os
import time
from collections import Counter
from pathlib import Path

from pymongo.errors import ConnectionFailure, PyMongoError
from twisted.internet import defer  # Deferreds only; the reactor is imported where it runs

from crawlers.config import newsdesk_config
from crawlers.workers import limit_heap_growth
from pipelines import embedded_db
from pipelines.dedup_store import any_matches
from pipelines.mongo import (
    DB_REASON_KEY,
    MongoTarget,
    connect,
    describe_failure,
    ensure_schema,
    redact_text,
    resolve_target,
)
from pipelines.runs import replay_runs
from pipelines.store import replay_spool, spool_write, write_batch

logger = logging.getLogger(__name__)


def default_spool_dir(env=None) -> Path:
    return embedded_db.default_data_dir(env).parent / "spool"


class DatabaseUnavailable(ConnectionFailure):
    """Not asked: the breaker is open after an earlier failure (no wait, no new log line)."""


class Breaker:
    """Once the database has failed, stop asking it for a while.

    Every pymongo call against a dead server waits for server selection;
    without this, each article would wait that long in dedup and store.
    """

    def __init__(self, cooldown: float = 30.0):
        self.cooldown = cooldown
        self.open_until = 0.0
        self.last_error: Exception | None = None  # what tripped it, to report the real reason later

    def available(self) -> bool:
        return time.monotonic() >= self.open_until

    def trip(self, exc: Exception | None = None) -> None:
        self.open_until = time.monotonic() + self.cooldown
        self.last_error = exc or self.last_error


class DbLane:
    """This crawl's database calls, in submission order, on one thread off the reactor.

    Why a thread: every pymongo call waits for the server, and on the reactor
    thread that wait stops fetching and extracting too. Why one: a write
    submitted before a lookup is finished before it, so a lookup always sees
    what this crawl wrote earlier. `run` returns a Deferred that fires in the
    reactor thread."""

    def __init__(self):
        self._pool = None

    def run(self, fn, *args, **kwargs):
        from twisted.internet import reactor, threads
        from twisted.python.threadpool import ThreadPool

        if self._pool is None:
            self._pool = ThreadPool(1, 1, name="newsdesk-db")
            self._pool.start()
        return threads.deferToThreadPool(reactor, self._pool, fn, *args, **kwargs)

    def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.stop()


class ArticleWriter:
    """Buffers items and writes them in batches on the database lane; spools a batch
    the database refuses.

    Buffering and bookkeeping stay in the reactor thread; only the write runs on
    the lane. Items whose duplicate lookup is under way are tracked as
    `deciding`, so that a later copy of one of them waits until it is buffered
    (see DedupPipeline)."""

    def __init__(self, db, stats, *, outlet: str, batch_size: int, spool_dir: Path,
                 breaker: Breaker | None = None, lane: DbLane | None = None,
                 max_in_flight: int = 2):
        self.breaker = breaker or Breaker()
        self.lane = lane or DbLane()
        self.db = db
        self.stats = stats
        self.outlet = outlet
        self.batch_size = batch_size
        self.spool_dir = spool_dir
        self.max_in_flight = max_in_flight
        self.pending: list[dict] = []
        self.in_flight = 0  # batches handed to the lane and not yet written
        self.deciding: dict[int, tuple[dict, object]] = {}  # id(item) -> (dedup fields, Deferred)
        # called with (items stored for the first time, the whole written batch)
        self.new_item_listeners: list = []

    # -- duplicate lookups under way -------------------------------------------------
    def begin_deciding(self, item: dict, fields: dict):
        """Register `item` as looked up; returns the Deferreds of earlier undecided items
        that `fields` matches (wait for those before looking up)."""
        earlier = [done for other, done in self.deciding.values() if any_matches(fields, [other])]
        self.deciding[id(item)] = (fields, defer.Deferred())
        return earlier

    def settle(self, item: dict) -> None:
        """`item` is buffered or dropped: later copies of it may look up now."""
        entry = self.deciding.pop(id(item), None)
        if entry is not None:
            entry[1].callback(None)

    # -- buffering and writing ----------------------------------------------------------
    def add(self, item: dict):
        """Buffer `item`; returns a Deferred to wait on when writes are falling behind, else None."""
        self.pending.append(item)
        self.settle(item)
        if len(self.pending) < self.batch_size:
            return None
        d = self.flush()
        return d if self.in_flight > self.max_in_flight else None

    def flush(self):
        """Hand the buffer to the lane. The Deferred fires (with a Counter of outcomes)
        once it, and everything submitted before it, is written or spooled."""
        batch, self.pending = self.pending, []
        if not batch:
            return self.lane.run(Counter)  # nothing to write: fires when the lane is idle
        self.in_flight += 1
        d = self.lane.run(self._write, batch)
        d.addBoth(self._written, batch)
        return d

    def _write(self, batch: list[dict]):
        # on the lane's thread: database and spool only, no stats or listeners
        try:
            if not self.breaker.available():
                raise DatabaseUnavailable("database marked unavailable after an earlier failure")
            new_items: list[dict] = []
            return write_batch(self.db, batch, new_items=new_items), new_items, None
        except (ConnectionFailure, PyMongoError) as exc:
            self.breaker.trip()
            return None, None, (exc, spool_write(self.spool_dir, self.outlet, batch))

    def _written(self, result, batch: list[dict]) -> Counter:
        from twisted.python.failure import Failure

        self.in_flight -= 1
        if isinstance(result, Failure):  # the spool itself failed (disk full, permissions)
            self.stats.inc_value("newsdesk/lost", len(batch))
            logger.error("could not write or spool %d articles: %s", len(batch), result.getErrorMessage())
            return Counter()
        outcomes, new_items, failed = result
        if failed is not None:
            exc, path = failed
            self.stats.inc_value("newsdesk/spooled", len(batch))
            self.stats.inc_value(f"newsdesk/store_error/{type(exc).__name__}")
            # one line per outage: the write that met it; the rest are in the summary's count
            level = logging.DEBUG if isinstance(exc, DatabaseUnavailable) else logging.ERROR
            logger.log(level, "database write failed (%s): %d articles spooled to %s; no writes for %gs",
                       redact_text(str(exc))[:200], len(batch), path, self.breaker.cooldown)
            return Counter()
        for outcome, count in outcomes.items():
            self.stats.inc_value(f"newsdesk/stored/{outcome}", count)
        for listener in self.new_item_listeners:
            listener(new_items, batch)
        return outcomes


class CrawlContext:
    def __init__(self, crawler):
        config = newsdesk_config(crawler)
        limit_heap_growth(config.NEWSDESK_MMAP_THRESHOLD)  # this process; CpuPool does its workers
        self.target: MongoTarget = resolve_target(config.NEWSDESK_MONGO_URI, config.NEWSDESK_MONGO_DB,
                                                  database_reason=crawler.settings.get(DB_REASON_KEY))
        self.client = connect(self.target, timeout_ms=config.NEWSDESK_MONGO_TIMEOUT_MS)
        self.breaker = Breaker(config.NEWSDESK_DB_RETRY_AFTER)
        self.db = self.client[self.target.database]
        self.spool_dir = Path(config.NEWSDESK_SPOOL_DIR or default_spool_dir(os.environ))
        self.lane = DbLane()
        self.writer = ArticleWriter(self.db, crawler.stats, outlet=crawler.spider.name if crawler.spider else "unknown",
                                    batch_size=config.NEWSDESK_STORE_BATCH,
                                    spool_dir=self.spool_dir, breaker=self.breaker, lane=self.lane)
        self.schema_ready = False

    def prepare(self, stats) -> None:
        """Indexes and validator, then whatever an earlier outage left in the spool."""
        if self.schema_ready:
            return
        try:
            ensure_schema(self.db)
            self.schema_ready = True
            replay_runs(self.db, self.spool_dir)
            replayed = replay_spool(self.db, self.spool_dir)
            if replayed.get("files"):
                logger.info("replayed spool: %s", dict(replayed))
                stats.set_value("newsdesk/spool_replayed", sum(v for k, v in replayed.items()
                                                                     if k != "files" and not k.startswith("duplicates_")))
        except PyMongoError as exc:
            # OutletLease then refuses to crawl without its lease (crawlers/extensions.py)
            self.breaker.trip(exc)
            logger.debug("database %s at start: %s", self.target.display, describe_failure(exc))

    def close(self) -> None:
        self.lane.close()
        self.client.close()


def crawl_context(crawler) -> CrawlContext:
    """The context of this crawler, created on first use."""
    ctx = getattr(crawler, "_newsdesk_context", None)
    if ctx is None:
        ctx = CrawlContext(crawler)
        crawler._newsdesk_context = ctx
    return ctx

"""Per-crawl database context, shared by the pipeline stages of one crawler.

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

from pipelines import embedded_db
from pipelines.dedup_store import any_matches
from pipelines.mongo import (
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
        settings = crawler.settings
        limit_heap_growth(settings.getint("NEWSDESK_MMAP_THRESHOLD", 0))  # this process; CpuPool does its workers
        self.target: MongoTarget = resolve_target(settings.get("NEWSDESK_MONGO_URI"),
                                                  settings.get("NEWSDESK_MONGO_DB"))
        self.client = connect(self.target, timeout_ms=settings.getint("NEWSDESK_MONGO_TIMEOUT_MS", 5000))
        self.breaker = Breaker(settings.getfloat("NEWSDESK_DB_RETRY_AFTER", 30.0))
        self.db = self.client[self.target.database]
        self.spool_dir = Path(settings.get("NEWSDESK_SPOOL_DIR") or default_spool_dir(os.environ))
        self.lane = DbLane()
        self.writer = ArticleWriter(self.db, crawler.stats, outlet=crawler.spider.name if crawler.spider else "unknown",
                                    batch_size=settings.getint("NEWSDESK_STORE_BATCH", 100),
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


def limit_heap_growth(mmap_threshold: int) -> bool:
    """Serve allocations above `mmap_threshold` bytes from mmap, on glibc.

    Why: pages of a few hundred KB are decoded, parsed and dropped by the
    thousand; glibc's default raises its mmap threshold after such frees, so
    those buffers end up in the heap, which fragments and is never given back
    (measured: crawl process 300 -> 234 MB peak on 1,000 pages). A fixed
    threshold keeps big buffers out of the heap. 0, or not glibc: no change."""
    if mmap_threshold <= 0:
        return False
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.mallopt(-3, int(mmap_threshold)))  # -3: M_MMAP_THRESHOLD
    except (OSError, AttributeError):
        return False


def _worker_init(mmap_threshold: int) -> None:
    limit_heap_growth(mmap_threshold)


def _worker_ready() -> bool:
    """Warm-up task: a worker has imported the extraction code (dedup keys, which only
    several workers share, import theirs on first use)."""
    import crawlers.extract  # noqa: F401

    return True


class CpuPool:
    """CPU-bound stage work (article extraction, duplicate keys) in worker processes.

    `run(fn, *args)` returns a Deferred that fires in the reactor thread with
    fn's result (or its exception), so the crawl process keeps fetching and
    writing while another core extracts. NEWSDESK_CPU_WORKERS sets the number
    of worker processes; the default is one per core beyond the first, and 0
    (or a one-core machine) runs everything inline. Workers start only once a
    crawl has had `start_after` tasks (a small crawl never pays for them) and
    take work once they have imported the code; until then work runs inline.
    They are spawned, not forked: the crawl process has threads (pymongo,
    the reactor's pool).
    """

    def __init__(self, workers: int, start_after: int = 20, mmap_threshold: int = 0):
        self.workers = workers
        self.mmap_threshold = mmap_threshold
        self.start_after = start_after
        self.calls = 0
        self.executor = None
        self.ready = False

    def _start(self) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.executor = ProcessPoolExecutor(max_workers=self.workers,
                                            mp_context=multiprocessing.get_context("spawn"),
                                            initializer=_worker_init, initargs=(self.mmap_threshold,))
        warmups = [self.executor.submit(_worker_ready) for _ in range(self.workers)]
        warmups[-1].add_done_callback(lambda f: setattr(self, "ready", f.exception() is None))

    def _inline(self, fn, *args):
        return defer.maybeDeferred(fn, *args)

    def _broken(self, exc) -> None:
        logger.error("CPU worker pool unusable (%s); running inline", exc)
        self.workers, self.ready, executor, self.executor = 0, False, self.executor, None
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)

    def run(self, fn, *args):
        self.calls += 1
        if self.workers > 0 and self.executor is None and self.calls >= self.start_after:
            try:
                self._start()
            except (OSError, RuntimeError) as exc:
                self._broken(exc)
        if not self.ready:
            return self._inline(fn, *args)
        from concurrent.futures.process import BrokenProcessPool

        from twisted.internet import reactor
        from twisted.python.failure import Failure

        try:
            future = self.executor.submit(fn, *args)
        except (BrokenProcessPool, RuntimeError) as exc:  # a worker died: carry on inline
            self._broken(exc)
            return self._inline(fn, *args)
        d = defer.Deferred()

        def fire(f):
            exc = f.exception()
            if exc is None:
                d.callback(f.result())
            elif isinstance(exc, BrokenProcessPool):
                self._broken(exc)
                self._inline(fn, *args).chainDeferred(d)
            else:
                d.errback(Failure(exc))

        future.add_done_callback(lambda f: reactor.callFromThread(fire, f))
        return d

    def close(self) -> None:
        self.ready = False
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None


def default_cpu_workers() -> int:
    return max(0, min(4, (os.cpu_count() or 1) - 1))


def cpu_pool(crawler) -> CpuPool:
    """The worker pool of this crawler, created on first use and shut down when the spider closes."""
    pool = getattr(crawler, "_newsdesk_cpu_pool", None)
    if pool is None:
        value = crawler.settings.get("NEWSDESK_CPU_WORKERS")
        workers = default_cpu_workers() if value in (None, "", "auto") else int(value)
        pool = CpuPool(workers, start_after=crawler.settings.getint("NEWSDESK_CPU_WORKERS_AFTER", 20),
                       mmap_threshold=crawler.settings.getint("NEWSDESK_MMAP_THRESHOLD", 0))
        crawler._newsdesk_cpu_pool = pool
        from scrapy import signals

        def spider_closed(spider, reason):
            pool.close()

        pool._on_close = spider_closed  # signal receivers are held weakly
        crawler.signals.connect(spider_closed, signals.spider_closed)
    return pool


def crawl_context(crawler) -> CrawlContext:
    """The context of this crawler, created on first use."""
    ctx = getattr(crawler, "_newsdesk_context", None)
    if ctx is None:
        ctx = CrawlContext(crawler)
        crawler._newsdesk_context = ctx
    return ctx

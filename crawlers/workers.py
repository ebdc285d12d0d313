"""CPU-bound stage work in worker processes, and process-level memory tuning.

`cpu_pool(crawler)` is the pool of one crawler (not a process-wide
singleton); the database side of a crawl is in crawlers/runtime.py.
"""

from __future__ import annotations

import gc
import logging
import os

from scrapy import signals
from twisted.internet import defer  # Deferreds only; the reactor is imported where it runs

from crawlers.config import newsdesk_config

logger = logging.getLogger(__name__)


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


def release_extraction_state() -> None:
    """Free what extracting inline left in this process once a worker extracts instead.

    justext keeps trafilatura's all-language stoplist (154k words, ~11 MB) and
    its lowercased frozenset (~15 MB, lru-cached) after its first call; the
    crawl process never runs justext again while the workers extract."""
    import sys

    external = sys.modules.get("trafilatura.external")
    if external is not None and getattr(external, "JT_STOPLIST", None) is not None:
        external.JT_STOPLIST = None
    core = sys.modules.get("justext.core")
    cached = getattr(core, "define_stoplist", None)
    if cached is not None and hasattr(cached, "cache_clear"):
        cached.cache_clear()


def freeze_startup_heap() -> None:
    """Move the objects alive now (imported modules, settings, a crawl's components:
    ~117k in the crawl process) out of the cyclic collector's reach; they live as
    long as the process anyway.

    Why: each article allocates enough to set off a full collection every ~20
    articles, and each walked all of them again: full collections took 0.75-0.97 s
    of a 200-article one-core crawl, 0.37-0.41 s with them frozen. The start-up's
    garbage is collected first, so none of it stays frozen; frozen objects are
    still freed as usual when nothing refers to them."""
    gc.collect()
    gc.freeze()


def _worker_init(mmap_threshold: int) -> None:
    limit_heap_growth(mmap_threshold)


def _worker_ready() -> bool:
    """Warm-up task: a worker has imported the extraction code (dedup keys, which only
    several workers share, import theirs on first use)."""
    import pipelines.extract  # noqa: F401

    freeze_startup_heap()  # the extraction code's objects, as the crawl process does at spider open
    return True


def _failure_of(future):
    """A finished future's exception, or None; a cancelled one (pool closed meanwhile) counts as failed."""
    from concurrent.futures import CancelledError

    return CancelledError() if future.cancelled() else future.exception()


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

    A worker's caches grow with the pages it has seen (dateparser's patterns,
    the extractors' LRUs), so after `max_tasks` tasks a worker (`max_tasks` x
    workers for the pool) is replaced: the pool takes no more work, its tasks
    in flight finish and deliver, its processes exit, and only then does a
    fresh pool start (never two pools' memory at once). Work that arrives
    meanwhile is held and sent to the fresh pool, not run inline (that would
    load justext's state here again); nothing is lost or run twice: a retired
    task delivers from the retired pool (inline if that pool broke), a held
    one runs once in the fresh pool. NEWSDESK_CPU_WORKER_MAX_TASKS sets
    `max_tasks` (0: never replaced). Not the stdlib's `max_tasks_per_child`:
    it does not exist on Python 3.10 (the oldest supported), and on 3.11-3.12
    a pool with queued work stops once a worker reaches its limit (cpython
    gh-115634, fixed only in 3.13/3.14 backports; on this venv's 3.11.7
    `ProcessPoolExecutor(1, max_tasks_per_child=2)` runs 2 of 10 queued tasks
    and hangs), and a crawl always has work queued.
    """

    def __init__(self, workers: int, start_after: int = 20, mmap_threshold: int = 0, max_tasks: int = 0):
        self.workers = workers
        self.mmap_threshold = mmap_threshold
        self.start_after = start_after
        self.max_tasks = max_tasks  # tasks a worker runs before it is replaced; 0: never
        self.calls = 0
        self.executor = None
        self.ready = False
        self.released = False  # release_extraction_state done (the workers extract from now on)
        self.sent = 0  # tasks given to the current pool
        self.replacing = None  # the thread waiting for a retired pool's processes to exit
        self.held: list = []  # (fn, args, Deferred) that came while the pool was being replaced
        self.replaced = 0  # pools replaced so far
        self.closed = False

    def _start(self, on_ready=None) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.executor = ProcessPoolExecutor(max_workers=self.workers,
                                            mp_context=multiprocessing.get_context("spawn"),
                                            initializer=_worker_init, initargs=(self.mmap_threshold,))
        warmups = [self.executor.submit(_worker_ready) for _ in range(self.workers)]
        warmups[-1].add_done_callback(on_ready or (lambda f: setattr(self, "ready", _failure_of(f) is None)))

    def _inline(self, fn, *args):
        return defer.maybeDeferred(fn, *args)

    def _broken(self, exc) -> None:
        logger.error("CPU worker pool unusable (%s); running inline", exc)
        self.workers, self.ready, executor, self.executor = 0, False, self.executor, None
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)

    def run(self, fn, *args):
        self.calls += 1
        if (self.workers > 0 and self.executor is None and self.replacing is None
                and self.calls >= self.start_after):
            try:
                self._start()
            except (OSError, RuntimeError) as exc:
                self._broken(exc)
        return self._dispatch(fn, *args)

    def _dispatch(self, fn, *args):
        if self.replacing is not None:
            d = defer.Deferred()
            self.held.append((fn, args, d))
            return d
        if not self.ready:
            return self._inline(fn, *args)
        if not self.released:
            self.released = True
            release_extraction_state()
        from concurrent.futures.process import BrokenProcessPool

        from twisted.internet import reactor
        from twisted.python.failure import Failure

        executor = self.executor
        try:
            future = executor.submit(fn, *args)
        except (BrokenProcessPool, RuntimeError) as exc:  # a worker died: carry on inline
            self._broken(exc)
            return self._inline(fn, *args)
        d = defer.Deferred()

        def fire(f):
            exc = f.exception()
            if exc is None:
                d.callback(f.result())
            elif isinstance(exc, BrokenProcessPool):
                if executor is self.executor:  # not a retired pool's: that one is gone already
                    self._broken(exc)
                self._inline(fn, *args).chainDeferred(d)
            else:
                d.errback(Failure(exc))

        future.add_done_callback(lambda f: reactor.callFromThread(fire, f))
        self.sent += 1
        if self.max_tasks and self.sent >= self.max_tasks * self.workers:
            self._replace()
        return d

    def _replace(self) -> None:
        """Retire the pool (its tasks in flight still finish); a fresh one starts once its processes exit."""
        import threading

        from twisted.internet import reactor

        retired, self.executor, self.ready, self.sent = self.executor, None, False, 0

        def wait_for_exit():
            try:
                retired.shutdown(wait=True)  # every retired task's result is delivered first
            finally:  # whatever happens, the held work is answered (else the crawl would stall)
                reactor.callFromThread(self._start_replacement)

        self.replacing = threading.Thread(target=wait_for_exit, name="cpu-pool-retire", daemon=True)
        self.replacing.start()

    def _start_replacement(self) -> None:
        from twisted.internet import reactor

        if self.closed or self.workers == 0:
            self._replacement_ready(None)
            return
        try:
            self._start(on_ready=lambda f: reactor.callFromThread(self._replacement_ready, _failure_of(f)))
        except (OSError, RuntimeError) as exc:
            self._replacement_ready(exc)

    def _replacement_ready(self, exc) -> None:
        self.replacing = None
        if exc is not None:
            self._broken(exc)
        elif self.executor is not None:
            self.ready = True
            self.replaced += 1
            logger.info("CPU worker pool replaced after %d tasks a worker (%d so far)", self.max_tasks, self.replaced)
        held, self.held = self.held, []
        for fn, args, d in held:  # in arrival order; may start the next replacement
            self._dispatch(fn, *args).chainDeferred(d)

    def close(self) -> None:
        self.closed, self.ready = True, False
        if self.replacing is not None:
            self.replacing.join()
        held, self.held, self.replacing = self.held, [], None
        for fn, args, d in held:  # none once the spider has closed; never left unanswered
            self._inline(fn, *args).chainDeferred(d)
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None


def default_cpu_workers() -> int:
    return max(0, min(4, (os.cpu_count() or 1) - 1))


def cpu_pool(crawler) -> CpuPool:
    """The worker pool of this crawler, created on first use and shut down when the spider closes."""
    pool = getattr(crawler, "_newsdesk_cpu_pool", None)
    if pool is None:
        config = newsdesk_config(crawler)
        value = config.NEWSDESK_CPU_WORKERS
        workers = default_cpu_workers() if value in (None, "auto") else value
        pool = CpuPool(workers, start_after=config.NEWSDESK_CPU_WORKERS_AFTER,
                       mmap_threshold=config.NEWSDESK_MMAP_THRESHOLD,
                       max_tasks=config.NEWSDESK_CPU_WORKER_MAX_TASKS)
        crawler._newsdesk_cpu_pool = pool

        def spider_closed(spider, reason):
            pool.close()

        pool._on_close = spider_closed  # signal receivers are held weakly
        crawler.signals.connect(spider_closed, signals.spider_closed)
    return pool

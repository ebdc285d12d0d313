"""CPU-bound stage work in worker processes, and process-level memory tuning.

`cpu_pool(crawler)` is the pool of one crawler (not a process-wide
singleton); the database side of a crawl is in crawlers/runtime.py.
"""

from __future__ import annotations

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


def _worker_init(mmap_threshold: int) -> None:
    limit_heap_growth(mmap_threshold)


def _worker_ready() -> bool:
    """Warm-up task: a worker has imported the extraction code (dedup keys, which only
    several workers share, import theirs on first use)."""
    import pipelines.extract  # noqa: F401

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
        self.released = False  # release_extraction_state done (the workers extract from now on)

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
        if not self.released:
            self.released = True
            release_extraction_state()
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
        config = newsdesk_config(crawler)
        value = config.NEWSDESK_CPU_WORKERS
        workers = default_cpu_workers() if value in (None, "auto") else value
        pool = CpuPool(workers, start_after=config.NEWSDESK_CPU_WORKERS_AFTER,
                       mmap_threshold=config.NEWSDESK_MMAP_THRESHOLD)
        crawler._newsdesk_cpu_pool = pool

        def spider_closed(spider, reason):
            pool.close()

        pool._on_close = spider_closed  # signal receivers are held weakly
        crawler.signals.connect(spider_closed, signals.spider_closed)
    return pool

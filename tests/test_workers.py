"""The CPU worker pool's settings, and process memory tuning (crawlers/workers.py)."""

from __future__ import annotations

from scrapy.utils.test import get_crawler

import crawlers.settings
from crawlers.workers import cpu_pool, limit_heap_growth
from pipelines.config import DEFAULTS


def test_heap_limit_off_when_zero():
    assert limit_heap_growth(0) is False


def test_mmap_threshold_has_one_default_everywhere():
    # It was 131072 in crawlers/settings.py but 0 where the pool and the crawl read it.
    assert crawlers.settings.NEWSDESK_MMAP_THRESHOLD == DEFAULTS["NEWSDESK_MMAP_THRESHOLD"] == 131072
    assert cpu_pool(get_crawler()).mmap_threshold == 131072  # a crawl that does not set it
    assert cpu_pool(get_crawler(settings_dict={"NEWSDESK_MMAP_THRESHOLD": "0"})).mmap_threshold == 0


def test_worker_count_from_settings():
    assert cpu_pool(get_crawler(settings_dict={"NEWSDESK_CPU_WORKERS": "0"})).workers == 0
    assert cpu_pool(get_crawler(settings_dict={"NEWSDESK_CPU_WORKERS": "3"})).workers == 3


def test_busy_workers_leave_the_next_task_to_the_crawl_process():
    import os
    from concurrent.futures import ProcessPoolExecutor

    from crawlers.workers import CpuPool

    pool = CpuPool(1, start_after=10**9, queue_per_worker=2)
    pool.executor = ProcessPoolExecutor(max_workers=1)
    pool.ready = True
    try:
        pool.run(os.getpid)  # queued on the worker
        pool.run(os.getpid)
        assert pool.in_flight == 2
        results = []
        pool.run(os.getpid).addCallback(results.append)  # the worker is full: inline, here
        assert results == [os.getpid()] and pool.in_flight == 2
    finally:
        pool.executor.shutdown(wait=True)

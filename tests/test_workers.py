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

"""The CPU worker pool (its settings; worker replacement with real processes), and process memory
tuning (crawlers/workers.py)."""

from __future__ import annotations

import itertools
import os
import time

import pytest
from scrapy.utils.test import get_crawler
from twisted.internet import defer
from twisted.trial import unittest as trial

import crawlers.settings
from crawlers.workers import CpuPool, cpu_pool, limit_heap_growth
from pipelines.config import DEFAULTS


def test_heap_limit_off_when_zero():
    assert limit_heap_growth(0) is False


def test_mmap_threshold_has_one_default_everywhere():
    # It was 131072 in crawlers/settings.py but 0 where the pool and the crawl read it.
    assert crawlers.settings.NEWSDESK_MMAP_THRESHOLD == DEFAULTS["NEWSDESK_MMAP_THRESHOLD"] == 131072
    assert cpu_pool(get_crawler()).mmap_threshold == 131072  # a crawl that does not set it
    assert cpu_pool(get_crawler(settings_dict={"NEWSDESK_MMAP_THRESHOLD": "0"})).mmap_threshold == 0


def test_the_start_up_heap_is_frozen_for_the_crawl_and_given_back_at_close():
    import gc

    from crawlers.extensions import FreezeStartupHeap

    crawler = get_crawler()
    ext = FreezeStartupHeap.from_crawler(crawler)
    assert "crawlers.extensions.FreezeStartupHeap" in crawlers.settings.EXTENSIONS
    try:
        ext.spider_opened(None)
        assert gc.get_freeze_count() > 0  # this process's objects: out of the collector's walks
    finally:
        ext.spider_closed(None, "finished")
    assert gc.get_freeze_count() == 0  # a later crawl in this process collects them as usual


def test_worker_count_from_settings():
    assert cpu_pool(get_crawler(settings_dict={"NEWSDESK_CPU_WORKERS": "0"})).workers == 0
    assert cpu_pool(get_crawler(settings_dict={"NEWSDESK_CPU_WORKERS": "3"})).workers == 3


def test_decoded_text_is_dropped_after_meta_refresh_and_decodes_again():
    from scrapy import Request
    from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
    from scrapy.http import HtmlResponse

    from crawlers.middlewares import ReleaseDecodedText

    body = "<html><head><title>Caf\u00e9</title></head><body><p>\u00fcber \U0001F600</p></body></html>".encode()
    request = Request("https://example.com/a")
    response = HtmlResponse(request.url, body=body, headers={"Content-Type": "text/html; charset=utf-8"},
                            request=request)
    meta_refresh = MetaRefreshMiddleware(get_crawler().settings)
    assert meta_refresh.process_response(request, response) is response
    assert response._cached_ubody is not None  # what the whole-page decode left on the response
    assert ReleaseDecodedText().process_response(request, response) is response
    assert response._cached_ubody is None
    assert response.text == body.decode()  # still readable: decoded again on demand


def test_release_middleware_runs_right_after_meta_refresh():
    from scrapy.settings.default_settings import DOWNLOADER_MIDDLEWARES_BASE

    order = {**DOWNLOADER_MIDDLEWARES_BASE, **crawlers.settings.DOWNLOADER_MIDDLEWARES}
    meta_refresh = order["scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware"]
    release = order["crawlers.middlewares.ReleaseDecodedText"]
    # process_response runs from the highest number down: nothing between them decodes the body
    assert release < meta_refresh
    assert not [name for name, n in order.items() if n is not None and release < n < meta_refresh]


def test_release_extraction_state_frees_justext_stoplists():
    import justext.core
    import trafilatura.external

    stoplist = trafilatura.external.jt_stoplist_init()
    justext.core.define_stoplist(stoplist)
    assert justext.core.define_stoplist.cache_info().currsize >= 1
    from crawlers.workers import release_extraction_state

    release_extraction_state()
    assert trafilatura.external.JT_STOPLIST is None
    assert justext.core.define_stoplist.cache_info().currsize == 0
    assert trafilatura.external.jt_stoplist_init() == stoplist  # loaded again if ever needed


def test_worker_max_tasks_from_settings():
    from crawlers.config import newsdesk_config
    from pipelines.config import SettingsError

    assert crawlers.settings.NEWSDESK_CPU_WORKER_MAX_TASKS == DEFAULTS["NEWSDESK_CPU_WORKER_MAX_TASKS"] == 250
    assert cpu_pool(get_crawler()).max_tasks == 250
    assert cpu_pool(get_crawler(settings_dict={"NEWSDESK_CPU_WORKER_MAX_TASKS": "7"})).max_tasks == 7
    assert cpu_pool(get_crawler(settings_dict={"NEWSDESK_CPU_WORKER_MAX_TASKS": 0})).max_tasks == 0
    with pytest.raises(SettingsError, match="NEWSDESK_CPU_WORKER_MAX_TASKS: must be >= 0, got -1"):
        newsdesk_config(get_crawler(settings_dict={"NEWSDESK_CPU_WORKER_MAX_TASKS": "-1"}))


# Tasks for real worker processes (spawned: they import this module by name).

def _task(i: int) -> tuple[int, int]:
    if i == 5:
        raise ValueError("task 5 fails")
    return i, os.getpid()


def _slow_task(i: int) -> tuple[int, int]:
    time.sleep(1.5)
    return i, os.getpid()


class RecycledPool(trial.TestCase):
    """CpuPool with `max_tasks` on a running reactor, with real worker processes."""

    timeout = 180  # several spawns, each importing the extraction code, on a loaded machine

    def _pool(self, max_tasks: int) -> CpuPool:
        pool = CpuPool(1, start_after=1, max_tasks=max_tasks)
        self.addCleanup(pool.close)
        return pool

    @defer.inlineCallbacks
    def _until(self, condition, what: str, limit: float = 120.0):
        from twisted.internet import reactor, task

        waited = 0.0
        while not condition():
            assert waited < limit, f"waited {limit:.0f} s for {what}"
            yield task.deferLater(reactor, 0.05, lambda: None)
            waited += 0.05

    @defer.inlineCallbacks
    def test_every_result_comes_back_once_across_replacements(self):
        pool = self._pool(max_tasks=3)
        first = yield pool.run(_task, -1)  # starts the pool; runs inline while it warms up
        assert first == (-1, os.getpid())
        yield self._until(lambda: pool.ready, "the first workers")
        calls = [pool.run(_task, i) for i in range(14)]  # all at once: most wait for a fresh pool
        results = yield defer.DeferredList(calls, consumeErrors=True)
        assert [ok for ok, _ in results] == [i != 5 for i in range(14)]
        assert results[5][1].check(ValueError) and "task 5 fails" in str(results[5][1].value)
        done = [value for ok, value in results if ok]
        assert [i for i, _ in done] == [i for i in range(14) if i != 5]  # each once, in order
        pid = dict(done)
        assert os.getpid() not in pid.values()  # none ran inline (held, not run here, during a replacement)
        # 3 tasks a pool (task 5 failed in the second): a fresh process for each group, never reused
        groups = [[0, 1, 2], [3, 4], [6, 7, 8], [9, 10, 11], [12, 13]]
        assert [len({pid[i] for i in group}) for group in groups] == [1] * 5
        assert len({pid[group[0]] for group in groups}) == 5
        assert pool.replaced == 4 and pool.held == [] and pool.calls == 15

    @defer.inlineCallbacks
    def test_replacement_does_not_block_the_reactor_and_close_answers_held_work(self):
        pool = self._pool(max_tasks=1)
        yield pool.run(_task, -1)
        yield self._until(lambda: pool.ready, "the first worker")
        slow = pool.run(_slow_task, 0)  # the pool's last task: it is retired right away
        held = pool.run(_task, 1)
        assert pool.replacing is not None and len(pool.held) == 1
        ticks = []
        from twisted.internet import reactor, task

        loop = task.LoopingCall(lambda: ticks.append(time.monotonic()))
        loop.start(0.05)
        result = yield slow  # while the retired worker sleeps, the reactor keeps running
        assert result[0] == 0 and result[1] != os.getpid()
        again = yield held  # sent to the fresh pool, once it has started and warmed up
        loop.stop()
        assert again[0] == 1 and again[1] not in (os.getpid(), result[1])
        assert pool.replaced == 1
        gaps = [b - a for a, b in itertools.pairwise(ticks)]
        assert len(ticks) >= 20 and max(gaps) < 1.0, max(gaps)  # 50 ms ticks: retiring and spawning never stop it
        # `held` was the fresh pool's last task: it is being replaced again. close() now: held work runs inline
        assert pool.replacing is not None
        late = pool.run(_task, 2)
        assert len(pool.held) == 1
        pool.close()
        assert (yield late) == (2, os.getpid())
        assert pool.executor is None and pool.held == []
        yield task.deferLater(reactor, 0.2, lambda: None)  # anything the retire thread sent: harmless
        assert pool.executor is None

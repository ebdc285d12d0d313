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

"""Scrapy components in-process, built by get_crawler() as a crawl builds them.

The subprocess crawls reach these too; here each one is driven directly, so a
failure names the component: the known-article filter, the redirect-loop
guard, the article writer and the database lane.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler
from twisted.internet import defer
from twisted.trial import unittest as trial

from crawlers.middlewares import KnownArticleFilter, RedirectLoopGuard
from crawlers.runtime import crawl_context
from pipelines.article import Article
from pipelines.outlets import parse_outlet

OUTLET = parse_outlet({"name": "inproc", "domains": ["news.example"], "sections": ["https://news.example/world/"],
                       "article_pattern": "/20"}, "inproc.toml")


def _crawler(mongo_uri: str, db_name: str, **settings):
    crawler = get_crawler(settings_dict={"NEWSDESK_MONGO_URI": mongo_uri, "NEWSDESK_MONGO_DB": db_name,
                                         "NEWSDESK_SPOOL_DIR": "/nonexistent-spool", **settings})
    crawler.spider = SimpleNamespace(name="inproc", outlet=OUTLET,
                                     logger=SimpleNamespace(warning=lambda *a, **k: None))
    return crawler


def _article(url: str, section: str = "https://news.example/world/") -> Request:
    return Request(url, meta={"article": True, "section": section})


def test_known_article_filter_drops_stored_urls_and_stops_pagination(mongo_uri, db_name, mongo_db):
    old = datetime.now(timezone.utc) - timedelta(days=30)
    mongo_db.articles.insert_one({"canonical_url": "https://news.example/2026/old-story", "published_at": old,
                                  "first_seen": old, "last_seen": old})
    crawler = _crawler(mongo_uri, db_name, NEWSDESK_STOP_AFTER_KNOWN=1)
    mw = KnownArticleFilter.from_crawler(crawler)
    next_page = Request("https://news.example/world/?page=2", meta={"page_no": 2, "section": "x"})
    # a tracking variant of the stored URL is the same article
    kept = mw.filter_outputs([_article("https://news.example/2026/old-story?utm_source=x"), next_page])
    assert kept == []  # the known article, and the pagination after a run of known links
    assert crawler.stats.get_value("newsdesk/skipped_known") == 1
    assert crawler.stats.get_value("newsdesk/pagination_stopped") == 1
    fresh = _article("https://news.example/2026/new-story")
    assert mw.filter_outputs([fresh, next_page]) == [fresh, next_page]  # an unknown link resets the run
    crawl_context(crawler).close()


def test_known_article_filter_off_fetches_everything(mongo_uri, db_name, mongo_db):
    mongo_db.articles.insert_one({"canonical_url": "https://news.example/2026/old-story"})
    crawler = _crawler(mongo_uri, db_name, NEWSDESK_INCREMENTAL=False)
    request = _article("https://news.example/2026/old-story")
    assert KnownArticleFilter.from_crawler(crawler).filter_outputs([request]) == [request]


def test_redirect_loop_guard_names_a_loop_and_passes_a_chain():
    crawler = get_crawler(settings_dict={"DOWNLOADER_MIDDLEWARES": {"crawlers.middlewares.RedirectLoopGuard": 650}})
    guard = RedirectLoopGuard()
    assert guard.process_response(Request("https://a.example/x"), HtmlResponse("https://a.example/x", body=b"ok")) \
        is not None
    looping = Request("https://a.example/b", meta={"redirect_urls": ["https://a.example/a"]})
    back = HtmlResponse("https://a.example/b", status=302, headers={"Location": "/a#top"})
    with pytest.raises(IgnoreRequest, match="redirect loop: https://a.example/b -> https://a.example/a"):
        guard.process_response(looping, back)
    onward = HtmlResponse("https://a.example/b", status=301, headers={"Location": "https://a.example/c"})
    assert guard.process_response(looping, onward) is onward
    assert crawler.settings.getdict("DOWNLOADER_MIDDLEWARES")  # built from settings like the crawl's


def _item(n: int) -> dict:
    # as the validate stage hands it on: every Article field
    return Article.model_validate({
        "canonical_url": f"https://news.example/2026/story-{n}", "url": f"https://news.example/2026/story-{n}",
        "outlet": "inproc", "title": f"Story {n}", "body": f"Story number {n}. " + "Words of the story. " * 20,
        "fingerprint": f"fp{n}", "simhash": n, "simhash_bands": [f"b{n}"]}).model_dump()


class WriterAndLane(trial.TestCase):
    """The article writer and the database lane against the real server, on a running reactor."""

    @pytest.fixture(autouse=True)
    def _db(self, mongo_uri, db_name, mongo_db):
        self.mongo_uri, self.db_name, self.mongo_db = mongo_uri, db_name, mongo_db

    def _context(self, **settings):
        ctx = crawl_context(_crawler(self.mongo_uri, self.db_name, NEWSDESK_STORE_BATCH=2, **settings))
        self.addCleanup(ctx.close)
        ctx.prepare(ctx.writer.stats)
        return ctx

    @defer.inlineCallbacks
    def test_lane_runs_calls_in_submission_order_off_the_reactor_thread(self):
        import threading

        ctx = self._context()
        seen = []
        calls = [ctx.lane.run(lambda i=i: seen.append((i, threading.current_thread().name))) for i in range(5)]
        yield defer.DeferredList(calls)
        assert [i for i, _ in seen] == [0, 1, 2, 3, 4]
        assert {name for _, name in seen} != {threading.current_thread().name}

    @defer.inlineCallbacks
    def test_writer_writes_full_batches_and_the_rest_on_flush(self):
        ctx = self._context()
        assert ctx.writer.add(_item(1)) is None and self.mongo_db.articles.count_documents({}) == 0
        ctx.writer.add(_item(2))  # the batch is full: handed to the lane
        outcomes = yield ctx.writer.flush()  # fires once everything before it is written
        assert self.mongo_db.articles.count_documents({}) == 2
        ctx.writer.add(_item(3))
        outcomes = yield ctx.writer.flush()
        assert outcomes == {"new": 1} and self.mongo_db.articles.count_documents({}) == 3
        assert ctx.writer.stats.get_value("newsdesk/stored/new") == 3

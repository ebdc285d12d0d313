"""crawlers/archive.py in-process: built by from_crawler, configured by settings."""

from __future__ import annotations

import pytest
import scrapy
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from crawlers.archive import WarcArchiveMiddleware
from pipelines.warc import iter_responses, read_response


class NewsSpider(scrapy.Spider):
    name = "news"


def make(tmp_path, **settings):
    crawler = get_crawler(NewsSpider, {"NEWSDESK_ARCHIVE_DIR": str(tmp_path), **settings})
    crawler.spider = crawler._create_spider()
    mw = WarcArchiveMiddleware.from_crawler(crawler)
    mw.spider_opened(crawler.spider)
    return crawler, mw


def exchange(mw, url, body, **meta):
    request = Request(url, meta=meta, headers={"User-Agent": "newsdesk-test"})
    response = HtmlResponse(url, body=body, request=request,
                            headers={"Content-Type": "text/html; charset=utf-8", "Transfer-Encoding": "chunked"})
    assert mw.process_response(request, response) is response
    return request


def test_each_response_is_written_and_its_place_put_in_meta(tmp_path):
    crawler, mw = make(tmp_path)
    section = exchange(mw, "https://news.test/world/", b"<html>section</html>", section="https://news.test/world/")
    article = exchange(mw, "https://news.test/world/a.html", b"<html>article</html>",
                       section="https://news.test/world/", article=True)
    mw.spider_closed(crawler.spider, "finished")
    got = read_response(tmp_path, article.meta["archive"])
    assert got.url == "https://news.test/world/a.html" and got.body == b"<html>article</html>"
    assert got.role == "article" and got.section == "https://news.test/world/"
    assert got.header("X-Crawler-Transfer-Encoding") == "chunked" and got.header("Transfer-Encoding") is None
    assert read_response(tmp_path, section.meta["archive"]).role == "section"
    (path,) = {tmp_path / r.meta["archive"]["file"] for r in (section, article)}
    assert [r.url for r in iter_responses(path)] == ["https://news.test/world/", "https://news.test/world/a.html"]
    assert crawler.stats.get_value("newsdesk/archive/records") == 2


def test_switched_off_by_setting(tmp_path):
    crawler = get_crawler(NewsSpider, {"NEWSDESK_ARCHIVE": False, "NEWSDESK_ARCHIVE_DIR": str(tmp_path)})
    with pytest.raises(NotConfigured):
        WarcArchiveMiddleware.from_crawler(crawler)


def test_retention_prunes_old_days_of_this_outlet_when_the_crawl_opens(tmp_path):
    (tmp_path / "news" / "2020-01-01").mkdir(parents=True)
    (tmp_path / "news" / "2020-01-01" / "x.warc.gz").write_bytes(b"")
    crawler, mw = make(tmp_path, NEWSDESK_ARCHIVE_RETENTION_DAYS=30)
    assert not (tmp_path / "news" / "2020-01-01").exists()
    assert crawler.stats.get_value("newsdesk/archive/days_pruned") == 1


def test_rotation_size_comes_from_settings(tmp_path):
    crawler, mw = make(tmp_path, NEWSDESK_ARCHIVE_MAX_BYTES=500)
    files = {exchange(mw, f"https://news.test/a{n}.html", b"<p>x</p>" * 50 + str(n).encode(),
                      article=True).meta["archive"]["file"] for n in range(4)}
    assert len(files) == 4

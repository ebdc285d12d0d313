"""The fetch-side Scrapy components in-process (get_crawler): page budget, block handling, date consensus."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawlers.blocks import BlockHandling
from crawlers.date_consensus import DateConsensusPipeline
from crawlers.errors import failure_kind
from crawlers.page_budget import PageBudget
from tests.outlet_site import CHALLENGE_HTML


def crawler_with(**settings):
    crawler = get_crawler(settings_dict=settings)
    crawler._apply_settings()  # stats and the rest, as a crawl would have them
    return crawler


def test_page_budget_stops_at_n_fetches_and_does_not_count_robots_txt():
    with pytest.raises(NotConfigured):
        PageBudget.from_crawler(crawler_with())
    crawler = crawler_with(NEWSDESK_MAX_PAGES=2)
    budget = PageBudget.from_crawler(crawler)
    robots = Request("http://x.test/robots.txt", meta={"dont_obey_robotstxt": True})
    for _ in range(3):
        assert budget.process_request(robots) is None
    assert budget.process_request(Request("http://x.test/a")) is None
    assert budget.process_request(Request("http://x.test/b")) is None
    with pytest.raises(IgnoreRequest) as caught:
        budget.process_request(Request("http://x.test/c"))
    assert failure_kind(caught.value) == "page_budget"
    assert crawler.stats.get_value("newsdesk/over_page_budget") == 1


def test_block_page_is_marked_and_not_retried():
    crawler = crawler_with()
    handling = BlockHandling.from_crawler(crawler)
    request = Request("http://x.test/news/a.html")
    response = HtmlResponse(request.url, status=403, body=CHALLENGE_HTML.encode(), request=request)
    assert handling.process_response(request, response) is response
    assert request.meta["dont_retry"] is True and request.meta["newsdesk_blocked"] is True
    assert crawler.stats.get_value("newsdesk/blocked_responses") == 1
    plain = Request("http://x.test/news/b.html")
    handling.process_response(plain, HtmlResponse(plain.url, status=403, body=b"<h1>Forbidden</h1>", request=plain))
    assert "dont_retry" not in plain.meta


def test_date_consensus_pipeline_counts_and_fills():
    crawler = crawler_with()
    stage = DateConsensusPipeline.from_crawler(crawler)
    page, listed = datetime(2026, 11, 10, tzinfo=timezone.utc), datetime(2026, 11, 14, tzinfo=timezone.utc)
    kept = stage.process_item({"published_at": page, "listed_at": listed})
    assert kept == {"published_at": page}  # the page's date; the listing date never reaches storage
    filled = stage.process_item({"published_at": None, "listed_at": listed})
    assert filled == {"published_at": listed}
    assert crawler.stats.get_value("newsdesk/date_disagreements") == 1
    assert crawler.stats.get_value("newsdesk/date_from_listing") == 1

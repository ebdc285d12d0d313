"""Blocks named: challenge/denial pages counted as page:blocked, Retry-After honoured, `blocked` runs and alerts."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from types import SimpleNamespace

import pytest

from crawlers.blocks import is_block_page, retry_after_seconds
from pipelines.runs import is_blocked_run, run_status
from schedules import monitoring
from tests.outlet_site import CHALLENGE_HTML, DENIED_HTML, OutletSite, article_page, outlet_file
from tests.sitefixtures import newsdesk_env, run_newsdesk

OPTS = SimpleNamespace(zero_new_runs=1, error_rate_alert=0.2, failed_runs=2, min_published_coverage=0.8,
                       min_coverage_sample=5)


def test_challenge_and_denial_pages_are_blocks_plain_errors_are_not():
    assert is_block_page(403, CHALLENGE_HTML.encode())
    assert is_block_page(503, DENIED_HTML.encode())
    assert is_block_page(429, b"<html><form action='/x' class='captcha'><div class='h-captcha'></div></form></html>")
    assert is_block_page(403, b"", {b"cf-mitigated": b"challenge"})
    assert not is_block_page(403, b"<html><h1>Forbidden</h1><p>Members only.</p></html>")
    assert not is_block_page(503, b"<html><h1>Service Unavailable</h1><p>Back soon.</p></html>")
    assert not is_block_page(200, CHALLENGE_HTML.encode())  # a 200 page is judged by extraction
    assert not is_block_page(404, DENIED_HTML.encode())


def test_retry_after_in_seconds_or_as_an_http_date():
    now = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)
    assert retry_after_seconds(b"2") == 2.0
    assert retry_after_seconds(format_datetime(now + timedelta(seconds=90), usegmt=True), now=now) == 90.0
    assert retry_after_seconds(format_datetime(now - timedelta(hours=1), usegmt=True), now=now) == 0.0
    assert retry_after_seconds(None) is None and retry_after_seconds("soon") is None


def test_a_run_is_blocked_when_most_article_fetches_are():
    assert is_blocked_run({"articles": 3, "article_fetches": 5})
    assert not is_blocked_run({"articles": 2, "article_fetches": 4})  # half is not most
    assert is_blocked_run({"articles": 0, "article_fetches": 0, "pages": 2, "page_fetches": 2})  # sections blocked
    assert not is_blocked_run({"articles": 0, "article_fetches": 0, "pages": 0, "page_fetches": 3})
    assert run_status({"finish_reason": "finished", "blocked": {"articles": 4, "article_fetches": 4}}) == "blocked"


def test_blocked_alert_is_its_own_and_replaces_zero_new_and_error_rate():
    run = {"outlet": "x", "status": "blocked", "stored": {"new": 0}, "pages_fetched": 6,
           "errors": {"page:blocked": 5}, "blocked": {"articles": 5, "article_fetches": 5}}
    checks = [a["check"] for a in monitoring.evaluate(run, [], OPTS)["alerts"]]
    assert checks == ["blocked"]
    ok = {**run, "status": "ok", "errors": {}, "blocked": {"articles": 0, "article_fetches": 5}}
    assert [a["check"] for a in monitoring.evaluate(ok, [], OPTS)["alerts"]] == ["zero_new"]


def _section(site: OutletSite, slugs: list[str]) -> None:
    site.page("/robots.txt", "User-agent: *\nDisallow:\n", content_type="text/plain")
    site.page("/news/", "<html><body>" + "".join(f'<a href="/news/2026/{s}.html">{s}</a>' for s in slugs)
              + "</body></html>")


@pytest.mark.slow
def test_challenge_pages_make_a_blocked_run(tmp_path, mongo_uri, db_name, mongo_db):
    site = OutletSite()
    _section(site, ["a", "b", "c", "d", "e"])
    site.page("/news/2026/a.html", CHALLENGE_HTML, status=403)
    site.page("/news/2026/b.html", CHALLENGE_HTML, status=503)
    site.page("/news/2026/c.html", DENIED_HTML, status=403)
    site.page("/news/2026/d.html", "<html><h1>Forbidden</h1></html>", status=403)  # a plain 403
    site.page("/news/2026/e.html", article_page("e", "The one open story"))
    with site.serve() as server:
        outlet_file(tmp_path / "outlets", "walled", server.base_url)
        env = newsdesk_env(tmp_path, mongo_uri, db_name)
        result = run_newsdesk(env, "crawl", "walled", "-s", "DOWNLOAD_DELAY=0", timeout=120)
    assert result.returncode == 1, result.stderr[-2000:]
    assert "crawl of walled: blocked" in result.stdout, result.stdout
    run = mongo_db.crawl_runs.find_one({"outlet": "walled"})
    assert run["status"] == "blocked"
    assert run["errors"]["page:blocked"] == 3 and run["errors"]["page:http_403"] == 1
    assert run["blocked"]["articles"] == 3 and run["blocked"]["article_fetches"] == 5
    assert run["stored"]["new"] == 1
    # a challenge is not retried: the 503 one was fetched once
    assert [h.path for h in site.hits].count("/news/2026/b.html") == 1
    assert [a["check"] for a in monitoring.evaluate(run, [], OPTS)["alerts"]] == ["blocked"]


@pytest.mark.slow
def test_429_with_retry_after_is_retried_after_the_asked_time(tmp_path, mongo_uri, db_name, mongo_db):
    site = OutletSite()
    _section(site, ["limited"])
    answers = iter([(429, {"Retry-After": "2", "Content-Type": "text/plain"}, b"slow down")])
    page = article_page("limited", "A rate-limited story").encode()

    def limited(_handler):
        return next(answers, (200, {"Content-Type": "text/html; charset=utf-8"}, page))

    site.routes["/news/2026/limited.html"] = limited
    with site.serve() as server:
        outlet_file(tmp_path / "outlets", "limited", server.base_url)
        env = newsdesk_env(tmp_path, mongo_uri, db_name)
        result = run_newsdesk(env, "crawl", "limited", "-s", "DOWNLOAD_DELAY=0", timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "1 new" in result.stdout, result.stdout
    tries = [h.at for h in site.hits if h.path == "/news/2026/limited.html"]
    assert len(tries) == 2 and tries[1] - tries[0] >= 1.98, tries
    assert mongo_db.crawl_runs.find_one({"outlet": "limited"})["status"] == "ok"

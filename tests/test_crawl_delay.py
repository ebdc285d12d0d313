"""robots.txt Crawl-delay per domain, the per-domain concurrency cap, AutoThrottle by default."""

from __future__ import annotations

import pytest
from scrapy.robotstxt import ProtegoRobotParser
from scrapy.utils.test import get_crawler

from crawlers.crawl_delay import RobotsCrawlDelay, effective_delay
from crawlers.spiderloader import politeness_settings
from pipelines.outlets import parse_outlet
from tests.outlet_site import OutletSite, article_page, outlet_file
from tests.sitefixtures import newsdesk_env, run_newsdesk


def test_effective_delay_is_the_larger_of_ours_and_the_sites_capped():
    assert effective_delay(0.5, None, 60) == 0.5
    assert effective_delay(0.5, 0, 60) == 0.5
    assert effective_delay(0.5, 2, 60) == 2
    assert effective_delay(3.0, 2, 60) == 3.0
    assert effective_delay(0.5, 3600, 60) == 60


def test_scrapy_robots_parser_reads_crawl_delay_per_user_agent():
    body = b"User-agent: newsdesk\nCrawl-delay: 2\n\nUser-agent: *\nCrawl-delay: 7\nDisallow: /private/\n"
    parser = ProtegoRobotParser(body, None)
    assert parser.crawl_delay("newsdesk/0.1 (+https://example.invalid/newsdesk)") == 2
    assert parser.crawl_delay("otherbot") == 7
    assert ProtegoRobotParser(b"User-agent: *\nDisallow:\n", None).crawl_delay("newsdesk") is None


def test_extension_is_off_without_robots_txt_and_on_by_default():
    from scrapy.exceptions import NotConfigured

    with pytest.raises(NotConfigured):
        RobotsCrawlDelay.from_crawler(get_crawler(settings_dict={"ROBOTSTXT_OBEY": False}))
    ext = RobotsCrawlDelay.from_crawler(get_crawler(settings_dict={
        "ROBOTSTXT_OBEY": True, "NEWSDESK_CRAWL_DELAY_MAX": 30, "USER_AGENT": "newsdesk/test"}))
    assert ext.cap == 30 and ext.user_agent == "newsdesk/test"


def test_outlet_politeness_turns_autothrottle_on_by_default():
    outlet = parse_outlet({"name": "x", "domains": ["example.com"], "sections": ["https://example.com/news/"],
                           "article_pattern": "/news/"}, "x.toml")
    settings = politeness_settings(outlet)
    assert settings["AUTOTHROTTLE_ENABLED"] is True
    assert settings["CONCURRENT_REQUESTS_PER_DOMAIN"] == 4 and settings["ROBOTSTXT_OBEY"] is True


def _news_site(site: OutletSite, sections: dict[str, int]) -> None:
    for section, count in sections.items():
        links = []
        for i in range(count):
            path = f"/news/2026/{section}-{i}.html"
            site.page(path, article_page(f"{section}-{i}", f"{section.title()} story {i}"))
            links.append(f'<a href="{path}">story {i}</a>')
        site.page(f"/{section}/", f"<html><body>{''.join(links)}</body></html>")


@pytest.mark.slow
def test_crawl_delay_2_is_kept_between_requests_with_autothrottle_on(tmp_path, mongo_uri, db_name):
    site = OutletSite()
    site.page("/robots.txt", "User-agent: *\nCrawl-delay: 2\n", content_type="text/plain")
    _news_site(site, {"world": 3})
    with site.serve() as server:
        # the outlet's own delay is 0 and AutoThrottle is on: only robots.txt asks for 2 s
        outlet_file(tmp_path / "outlets", "polite", server.base_url, sections=("/world/",),
                    extra="[politeness]\ndownload_delay = 0\nautothrottle = true\n")
        env = newsdesk_env(tmp_path, mongo_uri, db_name)
        result = run_newsdesk(env, "crawl", "polite", timeout=180)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "3 new" in result.stdout, result.stdout
    paths = [h.path for h in site.hits]
    assert paths[0] == "/robots.txt" and len(paths) == 5, paths
    times = site.times()
    intervals = [b - a for a, b in zip(times, times[1:], strict=False)]
    # arrival times on loopback: a few ms of scheduling noise at most
    assert min(intervals) >= 1.98, intervals


@pytest.mark.slow
def test_per_domain_concurrency_cap_holds_across_sections(tmp_path, mongo_uri, db_name):
    site = OutletSite(latency=0.4)
    site.page("/robots.txt", "User-agent: *\nDisallow:\n", content_type="text/plain")
    _news_site(site, {"world": 5, "business": 5, "science": 5})
    with site.serve() as server:
        outlet_file(tmp_path / "outlets", "capped", server.base_url,
                    sections=("/world/", "/business/", "/science/"),
                    extra="[politeness]\ndownload_delay = 0\nautothrottle = false\nconcurrent_requests = 2\n")
        env = newsdesk_env(tmp_path, mongo_uri, db_name)
        result = run_newsdesk(env, "crawl", "capped", "-s", "CONCURRENT_REQUESTS=16", timeout=180)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "15 new" in result.stdout, result.stdout
    peak = max(h.in_flight for h in site.hits)
    assert peak == 2, [h.in_flight for h in site.hits]

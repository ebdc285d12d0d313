"""JavaScript-rendered outlets through real Chromium (Debian's, via scrapy-playwright)."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from crawlers.rendering import (
    CHROMIUM_FLAGS,
    missing_browser,
    page_meta,
    renders,
    skip_heavy_resource,
)
from pipelines.outlets import OutletConfigError, parse_outlet
from tests.outlet_site import OutletSite, outlet_file, prose, script_rendered_page
from tests.sitefixtures import newsdesk_env, run_newsdesk

CHROMIUM = "/usr/bin/chromium"


def outlet(**keys):
    return parse_outlet({"name": "js", "domains": ["example.com"], "sections": ["https://example.com/news/"],
                         "article_pattern": "/news/2026/", **keys}, "js.toml")


def test_which_pages_go_through_the_browser():
    article, section, feed = {"article": True}, {"section": "s", "page_no": 1}, {"section": "s"}
    everything = outlet(render="browser")
    assert renders(everything, article) and renders(everything, section) and not renders(everything, feed)
    articles_only = outlet(render="browser", render_pages="articles")
    assert renders(articles_only, article) and not renders(articles_only, section)
    assert not renders(outlet(), article)
    assert not renders(everything, {})  # robots.txt and other framework requests


def test_render_keys_are_validated_with_one_line():
    with pytest.raises(OutletConfigError, match=r"^js.toml: render: "):
        outlet(render="chrome")
    with pytest.raises(OutletConfigError, match=r"^js.toml: render_pages: "):
        outlet(render="browser", render_pages="sections")


def test_missing_browser_names_the_outlet_and_the_browser(tmp_path):
    assert missing_browser(outlet(), "/nonexistent/chromium") is None  # plain outlets need none
    message = missing_browser(outlet(render="browser"), str(tmp_path / "chromium"))
    assert message.startswith("outlet js: ") and str(tmp_path / "chromium") in message and "\n" not in message


def test_waiting_and_skipped_resources():
    assert page_meta(outlet(render="browser"), 1000)["playwright_page_goto_kwargs"] == {"wait_until": "networkidle"}
    waiting = page_meta(outlet(render="browser", render_wait_for="#story p"), 1000)
    assert waiting["playwright_page_methods"][0].method == "wait_for_selector"
    assert skip_heavy_resource(SimpleNamespace(resource_type="image"))
    assert not skip_heavy_resource(SimpleNamespace(resource_type="fetch"))
    assert {"--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync"} <= set(CHROMIUM_FLAGS)


def script_site() -> tuple[OutletSite, dict[str, list[str]]]:
    site = OutletSite()
    site.page("/robots.txt", "User-agent: *\nDisallow:\n", content_type="text/plain")
    bodies = {}
    links = []
    for slug in ("night-ferry", "grid-storage"):
        bodies[slug] = prose(slug)
        site.page(f"/news/2026/{slug}.html", script_rendered_page(slug, f"Story {slug}"))
        site.page(f"/api/{slug}.json", json.dumps({"paragraphs": bodies[slug]}), content_type="application/json")
        links.append(f'<a href="/news/2026/{slug}.html">{slug}</a>')
    site.page("/news/", "<html><body>" + "".join(links) + "</body></html>")
    return site, bodies


@pytest.mark.slow
def test_script_inserted_bodies_are_stored_through_chromium(tmp_path, mongo_uri, db_name, mongo_db):
    assert missing_browser(outlet(render="browser"), CHROMIUM) is None, ".ci/run installs chromium"
    site, bodies = script_site()
    with site.serve() as server:
        outlet_file(tmp_path / "outlets", "scripted", server.base_url,
                    extra='render = "browser"\nrender_pages = "articles"\n')
        env = newsdesk_env(tmp_path, mongo_uri, db_name)
        result = run_newsdesk(env, "crawl", "scripted", "-s", "DOWNLOAD_DELAY=0", timeout=180)
    assert result.returncode == 0, result.stderr[-3000:]
    docs = {d["url"].rsplit("/", 1)[-1]: d for d in mongo_db.articles.find({"outlet": "scripted"})}
    assert set(docs) == {"night-ferry.html", "grid-storage.html"}, result.stdout
    for slug, paragraphs in bodies.items():
        assert docs[f"{slug}.html"]["body"].split("\n") == paragraphs
    # the browser fetched the script's data
    assert {"/api/night-ferry.json", "/api/grid-storage.json"} <= {h.path for h in site.hits}


@pytest.mark.slow
def test_without_render_the_empty_shells_are_not_stored(tmp_path, mongo_uri, db_name, mongo_db):
    site, _ = script_site()
    with site.serve() as server:
        outlet_file(tmp_path / "outlets", "shells", server.base_url)
        env = newsdesk_env(tmp_path, mongo_uri, db_name)
        result = run_newsdesk(env, "crawl", "shells", "-s", "DOWNLOAD_DELAY=0", timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    assert mongo_db.articles.count_documents({"outlet": "shells"}) == 0
    assert "/api/night-ferry.json" not in {h.path for h in site.hits}


def test_no_browser_installed_exits_2_with_one_line(tmp_path, mongo_uri, db_name):
    outlet_file(tmp_path / "outlets", "scripted", "http://127.0.0.1:9", extra='render = "browser"\n')
    env = newsdesk_env(tmp_path, mongo_uri, db_name)
    result = run_newsdesk(env, "crawl", "scripted", "-s", f"NEWSDESK_BROWSER_PATH={tmp_path}/no/chromium")
    assert result.returncode == 2, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("newsdesk:")]
    assert errors == [f'newsdesk: outlet scripted: render = "browser" needs Chromium at {tmp_path}/no/chromium, '
                      "which is not installed (apt-get install chromium, or set NEWSDESK_BROWSER_PATH)"]


def test_scrapy_crawl_without_the_browser_exits_2_too(tmp_path, mongo_uri, db_name):
    import subprocess
    import sys
    from pathlib import Path

    from tests.sitefixtures import REPO

    outlet_file(tmp_path / "outlets", "scripted", "http://127.0.0.1:9", extra='render = "browser"\n')
    env = newsdesk_env(tmp_path, mongo_uri, db_name)
    scrapy = str(Path(sys.executable).with_name("scrapy"))
    result = subprocess.run([scrapy, "crawl", "scripted", "-s", f"NEWSDESK_BROWSER_PATH={tmp_path}/none"],
                            env=env, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, result.stderr[-2000:]
    assert f'newsdesk: outlet scripted: render = "browser" needs Chromium at {tmp_path}/none' in result.stderr
    assert "Traceback" not in result.stderr


def test_addon_sets_the_browser_up_only_for_rendering_outlets():
    from scrapy.utils.test import get_crawler

    from crawlers.settings import ADDONS
    from crawlers.spiderloader import spider_class_for

    settings = {"ADDONS": ADDONS, "NEWSDESK_BROWSER_PATH": "/opt/chromium", "NEWSDESK_BROWSER_TIMEOUT": 7,
                "NEWSDESK_BROWSER_MAX_PAGES": 3}
    crawler = get_crawler(spider_class_for(outlet(render="browser")), settings_dict=settings)
    crawler._apply_settings()
    s = crawler.settings
    assert s.getdict("DOWNLOAD_HANDLERS")["https"].endswith("ScrapyPlaywrightDownloadHandler")
    launch = s.getdict("PLAYWRIGHT_LAUNCH_OPTIONS")
    assert launch["executable_path"] == "/opt/chromium" and launch["headless"] is True
    assert launch["args"] == CHROMIUM_FLAGS
    assert s.getint("PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT") == 7000
    assert s.getint("PLAYWRIGHT_MAX_CONTEXTS") == 1 and s.getint("PLAYWRIGHT_MAX_PAGES_PER_CONTEXT") == 3
    plain = get_crawler(spider_class_for(outlet()), settings_dict=settings)
    plain._apply_settings()
    assert "Playwright" not in (plain.settings.getdict("DOWNLOAD_HANDLERS").get("https") or "")
    assert not plain.settings.get("PLAYWRIGHT_LAUNCH_OPTIONS")


@pytest.mark.slow
def test_a_page_that_does_not_load_in_time_is_a_timeout(tmp_path, mongo_uri, db_name, mongo_db):
    import time

    site, _ = script_site()
    slow_page = script_rendered_page("night-ferry", "Story night-ferry").encode()

    def never_on_time(_handler):
        time.sleep(6)
        return 200, {"Content-Type": "text/html; charset=utf-8"}, slow_page

    site.routes["/news/2026/night-ferry.html"] = never_on_time
    with site.serve() as server:
        outlet_file(tmp_path / "outlets", "sluggish", server.base_url,
                    extra='render = "browser"\nrender_pages = "articles"\n')
        env = newsdesk_env(tmp_path, mongo_uri, db_name)
        result = run_newsdesk(env, "crawl", "sluggish", "-s", "DOWNLOAD_DELAY=0", "-s", "NEWSDESK_BROWSER_TIMEOUT=2",
                              "-s", "RETRY_TIMES=0", "--summary-json", str(tmp_path / "summary.json"), timeout=180)
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["errors"].get("page:timeout") == 1, (summary["errors"], result.stderr[-2000:])
    assert [d["url"].rsplit("/", 1)[-1] for d in mongo_db.articles.find({"outlet": "sluggish"})] == ["grid-storage.html"]

"""JavaScript-rendered outlets: pages fetched through headless Chromium (scrapy-playwright).

An outlet with `render = "browser"` gets, from the `BrowserRendering` addon,
scrapy-playwright's download handler and a Chromium launched from the
system's package (`executable_path`, NEWSDESK_BROWSER_PATH; Playwright's own
browser download is never used). The `BrowserRequests` downloader middleware
marks the pages to render (all of the outlet's pages, or its article pages
only); everything else (robots.txt, feeds, sitemaps) and everything after
the fetch (extraction, offers, dedup, storage) is unchanged: the handler
answers with the rendered DOM as an ordinary HTML response.
"""

from __future__ import annotations

import os

SCRAPY_PLAYWRIGHT_HANDLER = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
# Headless in a container, no background traffic of the browser's own.
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
# Resources a text extractor never needs: aborting them is most of a rendered page's cost.
SKIPPED_RESOURCE_TYPES = frozenset({"image", "media", "font"})


def renders(outlet, request_meta: dict) -> bool:
    """Whether this request of the outlet's spider goes through the browser."""
    if outlet is None or outlet.render != "browser":
        return False
    if request_meta.get("article"):
        return True
    # section pages (with pagination) when the outlet renders all pages; never robots.txt or feeds
    return outlet.render_pages == "all" and request_meta.get("page_no") is not None


def missing_browser(outlet, executable: str) -> str | None:
    """One line naming the outlet and the missing browser, or None when it can render."""
    if outlet.render != "browser":
        return None
    if os.path.isfile(executable) and os.access(executable, os.X_OK):
        return None
    return (f"outlet {outlet.name}: render = \"browser\" needs Chromium at {executable}, which is not "
            "installed (apt-get install chromium, or set NEWSDESK_BROWSER_PATH)")


def skip_heavy_resource(request) -> bool:
    """PLAYWRIGHT_ABORT_REQUEST: images, media and fonts are not loaded."""
    return request.resource_type in SKIPPED_RESOURCE_TYPES


def page_meta(outlet, timeout_ms: int) -> dict:
    """The request meta that sends one page through the browser and waits for its content."""
    meta: dict = {"playwright": True}
    if outlet.render_wait_for:
        from scrapy_playwright.page import PageMethod

        meta["playwright_page_goto_kwargs"] = {"wait_until": "load"}
        meta["playwright_page_methods"] = [
            PageMethod("wait_for_selector", outlet.render_wait_for, timeout=timeout_ms)]
    else:
        # content that scripts fetch after load: wait until the network has been quiet for 500 ms
        meta["playwright_page_goto_kwargs"] = {"wait_until": "networkidle"}
    return meta


class BrowserRendering:
    """Scrapy addon: browser settings for a crawl whose outlet says `render = "browser"`.

    NEWSDESK_BROWSER_PATH (Chromium executable), NEWSDESK_BROWSER_TIMEOUT
    (page-load timeout, seconds) and NEWSDESK_BROWSER_MAX_PAGES (pages open at
    once) configure it.
    """

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def update_settings(self, settings) -> None:
        outlet = getattr(self.crawler.spidercls, "outlet", None)
        if outlet is None or outlet.render != "browser":
            return
        handlers = {**settings.getdict("DOWNLOAD_HANDLERS"),
                    "http": SCRAPY_PLAYWRIGHT_HANDLER, "https": SCRAPY_PLAYWRIGHT_HANDLER}
        # the outlet's own choice, like its custom_settings: above project-wide handlers
        settings.set("DOWNLOAD_HANDLERS", handlers, priority="spider")
        settings.set("PLAYWRIGHT_BROWSER_TYPE", "chromium", priority="addon")
        settings.set("PLAYWRIGHT_LAUNCH_OPTIONS", {
            "executable_path": settings.get("NEWSDESK_BROWSER_PATH"),
            "headless": True, "args": CHROMIUM_FLAGS}, priority="addon")
        timeout_ms = int(settings.getfloat("NEWSDESK_BROWSER_TIMEOUT", 30.0) * 1000)
        settings.set("PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT", timeout_ms, priority="addon")
        # one context, so the page cap is the cap on pages open at once
        settings.set("PLAYWRIGHT_MAX_CONTEXTS", 1, priority="addon")
        settings.set("PLAYWRIGHT_MAX_PAGES_PER_CONTEXT", settings.getint("NEWSDESK_BROWSER_MAX_PAGES", 4),
                     priority="addon")
        settings.set("PLAYWRIGHT_ABORT_REQUEST", "crawlers.rendering.skip_heavy_resource", priority="addon")


class BrowserRequests:
    """Downloader middleware: the outlet's pages to render get scrapy-playwright's meta."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.timeout_ms = int(crawler.settings.getfloat("NEWSDESK_BROWSER_TIMEOUT", 30.0) * 1000)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request, spider=None):
        outlet = getattr(spider or self.crawler.spider, "outlet", None)
        if "playwright" not in request.meta and renders(outlet, request.meta):
            request.meta.update(page_meta(outlet, self.timeout_ms))
            self.crawler.stats.inc_value("newsdesk/browser_pages")
        return None

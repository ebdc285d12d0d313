"""`scrapy crawl OUTLET`, exiting as `newsdesk crawl` does.

Scrapy's own command exits 0 whatever the crawl did; a cron job or a
Scrapyd-less wrapper running `scrapy crawl` would take a refused lease or a
crawl that read nothing for a success.
"""

from __future__ import annotations

import sys

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError

from crawlers.rendering import missing_browser
from pipelines.config import SettingsError, check_settings

# The same codes as the newsdesk CLI (README "Exit codes").
EXIT_BY_STATUS = {"ok": 0, "degraded": 0, "refused": 3, "interrupted": 130}


class Command(ScrapyCrawl):
    def run(self, args, opts) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one outlet name")
        try:  # the same check as `newsdesk crawl`; Scrapyd runs come through here too
            check_settings(self.settings, "-s/crawlers/settings.py")
        except SettingsError as exc:
            print(f"newsdesk: {exc}", file=sys.stderr, flush=True)
            self.exitcode = 2
            return
        crawler = self._create_crawler(args[0])
        outlet = getattr(crawler.spidercls, "outlet", None)
        if outlet is not None and (message := missing_browser(outlet, crawler.settings.get("NEWSDESK_BROWSER_PATH"))):
            print(f"newsdesk: {message}", file=sys.stderr)
            self.exitcode = 2  # bad config, as `newsdesk crawl`
            return
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = 1
            return
        summary = getattr(crawler, "newsdesk_summary", None) or {}
        self.exitcode = EXIT_BY_STATUS.get(summary.get("status"), 1)

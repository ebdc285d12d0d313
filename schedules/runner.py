"""Running one crawl: in this process (the CLI) or as a child process (the scheduler).

Twisted's reactor cannot be restarted inside one process, so every crawl the
service starts is a child process running `newsdesk crawl`; the CLI runs its
one crawl in-process.
"""

from __future__ import annotations

import os
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from scrapy.utils.project import get_project_settings

from pipelines.mongo import DB_REASON_KEY, MongoTarget


def project_settings(overrides: dict[str, Any] | None = None) -> Settings:
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawlers.settings")
    settings = get_project_settings()
    settings.setdict(overrides or {}, priority="cmdline")
    return settings


def crawl_overrides(target: MongoTarget, *, trigger: str, lease_owner: str | None,
                    run_id: str | None = None, verbose: bool = False) -> dict[str, Any]:
    overrides: dict[str, Any] = {
        "NEWSDESK_MONGO_URI": target.uri,
        "NEWSDESK_MONGO_DB": target.database,
        DB_REASON_KEY: target.database_reason,
        "NEWSDESK_RUN_TRIGGER": trigger,
        "NEWSDESK_LEASE_OWNER": lease_owner,
        "NEWSDESK_PROGRESS_STDERR": not verbose,
        "LOG_LEVEL": "INFO" if verbose else "WARNING",
    }
    if run_id:
        overrides["NEWSDESK_RUN_ID"] = run_id
    return overrides


def run_crawl_in_process(outlet: str, settings: Settings) -> dict[str, Any]:
    """Crawl one outlet with the real Scrapy engine; returns the run summary."""
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(outlet)
    process.crawl(crawler)
    process.start()
    summary = getattr(crawler, "newsdesk_summary", None)
    if summary is None:  # the crawl never got as far as opening the spider
        stats = crawler.stats.get_stats() if crawler.stats else {}
        summary = {"status": "failed", "finish_reason": stats.get("finish_reason", "not_started")}
    return summary

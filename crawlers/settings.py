"""Scrapy settings for newsdesk. Everything here can be overridden per crawl
with `-s NAME=VALUE`; the newsdesk-specific ones are prefixed NEWSDESK_."""

import os

BOT_NAME = "newsdesk"
SPIDER_MODULES = ["crawlers.spiders"]
NEWSPIDER_MODULE = "crawlers.spiders"
# One spider per outlet file: `scrapy list` shows every outlet.
SPIDER_LOADER_CLASS = "crawlers.spiderloader.OutletSpiderLoader"
# `scrapy crawl` exits non-zero when the crawl was refused or failed (crawlers/commands/crawl.py)
COMMANDS_MODULE = "crawlers.commands"

USER_AGENT = "newsdesk/0.1 (+https://example.invalid/newsdesk)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.5
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024  # a response size cap; also bounds gzip bombs
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
RETRY_TIMES = 2
REDIRECT_MAX_TIMES = 5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"

# Browser settings for outlets with render = "browser" (crawlers/rendering.py)
ADDONS = {"crawlers.rendering.BrowserRendering": 0}

DOWNLOADER_MIDDLEWARES = {
    "crawlers.middlewares.PrivateNetworkGuard": 50,
    "crawlers.page_budget.PageBudget": 120,  # --max-pages; after robots.txt (100), which it does not count
    # process_response runs before RedirectMiddleware (600) sees the response
    # between RetryMiddleware (550) and the downloader: block pages are not retried, Retry-After holds the domain
    "crawlers.blocks.BlockHandling": 560,
    "crawlers.rendering.BrowserRequests": 580,
    # right after MetaRefresh (580): drops the whole-page text it decoded (memory)
    "crawlers.middlewares.ReleaseDecodedText": 570,
    "crawlers.middlewares.RedirectLoopGuard": 650,
    # closest to the downloader: a permit per request in flight, given back before Retry/Redirect
    "crawlers.domain_cap.DomainConcurrencyCap": 990,
    # next to the downloader: the request as sent, the response as received (docs/archive.md)
    "crawlers.archive.WarcArchiveMiddleware": 950,
}
SPIDER_MIDDLEWARES = {
    "crawlers.middlewares.KnownArticleFilter": 950,
}
EXTENSIONS = {
    "crawlers.extensions.OutletLease": 100,
    "crawlers.extensions.RunRecorder": 110,
    "crawlers.extensions.Progress": 120,
    "crawlers.extensions.OneLineFetchErrors": 130,
    "crawlers.extensions.FreezeStartupHeap": 140,
    # after AutoThrottle (EXTENSIONS_BASE, 0): its delay floor is re-applied after each adjustment
    "crawlers.crawl_delay.RobotsCrawlDelay": 500,
    "scrapy.extensions.logstats.LogStats": None,  # replaced by Progress
}
# The order of ../docs/architecture.md: normalize, strip offers, validate, dedup, store.
ITEM_PIPELINES = {
    "crawlers.item_pipelines.NormalizePipeline": 100,
    "crawlers.date_consensus.DateConsensusPipeline": 150,  # page date vs feed/sitemap date
    "crawlers.item_pipelines.OfferStripPipeline": 200,
    "crawlers.item_pipelines.OutletLinesPipeline": 250,  # lines the outlet repeats across articles
    "crawlers.item_pipelines.ValidatePipeline": 300,
    "crawlers.item_pipelines.DedupPipeline": 400,
    "crawlers.item_pipelines.StorePipeline": 500,
}

# Database: NEWSDESK_MONGO_URI, else a local SecantusDB server started on demand.
NEWSDESK_MONGO_URI = os.environ.get("NEWSDESK_MONGO_URI")
NEWSDESK_MONGO_DB = os.environ.get("NEWSDESK_MONGO_DB")  # unset: the URI's database, else "newsdesk"
NEWSDESK_STORE_BATCH = 100  # items per bulk write
NEWSDESK_MONGO_TIMEOUT_MS = 5000  # server selection / connect timeout
NEWSDESK_DB_RETRY_AFTER = 30.0  # after a database failure, seconds before asking it again
NEWSDESK_SPOOL_DIR = None  # default: $NEWSDESK_HOME/spool or ~/.local/share/newsdesk/spool
NEWSDESK_DUPLICATE_POLICY = "link"  # or "drop"
NEWSDESK_RUN_TRIGGER = "cli"
NEWSDESK_RUN_ID = None  # set by the scheduler so it can follow its run
NEWSDESK_LEASE_OWNER = None  # set by a caller that already holds the outlet lease
NEWSDESK_LEASE_TTL = 60
NEWSDESK_PROGRESS_INTERVAL = 10.0
NEWSDESK_LEARN_BOILERPLATE = True  # learn and strip per-outlet repeated lines (outlet_lines)
NEWSDESK_INCREMENTAL = True  # skip article URLs already stored (re-check policy for fresh ones)
NEWSDESK_STOP_AFTER_KNOWN = 20  # section pagination stops after this many known links in a row
NEWSDESK_RECHECK_FRESH_HOURS = 48
NEWSDESK_RECHECK_EVERY_HOURS = 3
NEWSDESK_CPU_WORKERS = None  # worker processes for extraction and dedup keys; None: one per core beyond the first (max 4); 0: inline
NEWSDESK_MMAP_THRESHOLD = 131072  # bytes; larger allocations bypass the heap (glibc), which keeps RSS flat; 0: libc default
NEWSDESK_OBEY_CRAWL_DELAY = True  # robots.txt Crawl-delay as a per-domain delay floor (crawlers/crawl_delay.py)
NEWSDESK_CRAWL_DELAY_MAX = 60.0  # seconds; a longer Crawl-delay is capped (and logged)
NEWSDESK_RETRY_AFTER_MAX = 120.0  # seconds; a 429/503 asking for longer is not waited for (crawlers/blocks.py)
NEWSDESK_BROWSER_PATH = os.environ.get("NEWSDESK_BROWSER_PATH", "/usr/bin/chromium")  # Debian's chromium; never downloaded
NEWSDESK_BROWSER_TIMEOUT = 30.0  # seconds for one page to load in the browser
NEWSDESK_BROWSER_MAX_PAGES = 4  # browser pages open at once
NEWSDESK_SINCE = None  # back-fill bound (`--since`): ISO date or duration (2d); listings older than it stop the crawl
NEWSDESK_MAX_PAGES = None  # cap on pages fetched per crawl (`--max-pages`); None: no cap
NEWSDESK_CPU_WORKERS_AFTER = 20  # articles extracted inline before the workers start (small crawls never start them)
NEWSDESK_CPU_WORKER_MAX_TASKS = 250  # tasks a worker runs before the pool is replaced (its caches grow); 0: never
NEWSDESK_ARCHIVE = True  # keep every fetched response as WARC (crawlers/archive.py, docs/archive.md)
NEWSDESK_ARCHIVE_DIR = None  # default: $NEWSDESK_ARCHIVE_DIR, else $NEWSDESK_HOME/archive
NEWSDESK_ARCHIVE_MAX_BYTES = 1024**3  # a WARC file is closed past this size
NEWSDESK_ARCHIVE_GZIP_LEVEL = 3  # 1-9; 3 is ~3.5x faster than warcio's 9 for ~12% more bytes (docs/archive.md)
NEWSDESK_ARCHIVE_RETENTION_DAYS = 0  # day directories older than this are deleted at a crawl's start; 0: keep all

"""One WARC file ingested as a Scrapyd job: `newsdesk ingest --scrapyd` (schedules/scrapyd.py).

Scrapyd runs spiders, so the ingest of a file on a node is this spider: it
fetches nothing; `start()` runs `run_ingest_job` (crawlers/warc_jobs.py) in
a thread and ends when the file is done. The crawl's middlewares, item
pipelines and extensions are switched off (no outlet, no lease, no run
document): the outcome goes to the `ingest_jobs` document the dispatcher
created. Cancelled (`cancel.json`, TERM), it stops at its next checkpoint;
killed, the next ingest of the file resumes from that checkpoint.

Spider arguments (strings, as Scrapyd passes them): `file` (a path the node
can read), `ingest_job` (the document's id), `outlet`, `batch_size`,
`restart` ("1"), `state_dir`. The database comes as settings, as for a crawl.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import scrapy
from bson import ObjectId
from scrapy import signals
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import threads

from crawlers import settings as crawl_settings
from crawlers.warc_jobs import IngestOptions, run_ingest_job
from pipelines.checkpoints import default_state_dir
from pipelines.mongo import DB_REASON_KEY, connect, resolve_target
from pipelines.outlets import load_outlets
from pipelines.warc import default_archive_dir

INGEST_SPIDER = "newsdesk.ingest"  # a dot: no outlet name has one (pipelines/outlets.py NAME_RE)
logger = logging.getLogger(__name__)


class IngestSpider(scrapy.Spider):
    name = INGEST_SPIDER
    custom_settings = {  # nothing of a crawl: no requests, no items, no lease or run document
        "ADDONS": {}, "DOWNLOADER_MIDDLEWARES": {}, "SPIDER_MIDDLEWARES": {}, "ITEM_PIPELINES": {},
        "EXTENSIONS": {"scrapy.extensions.logstats.LogStats": None}, "ROBOTSTXT_OBEY": False,
    }

    def __init__(self, file: str | None = None, ingest_job: str | None = None, outlet: str | None = None,
                 batch_size: str = "100", restart: str = "0", state_dir: str | None = None, **kwargs):
        super().__init__(**kwargs)
        if not file or not ingest_job:
            raise ValueError(f"{INGEST_SPIDER}: the spider arguments file and ingest_job are required")
        self.file, self.job_id = Path(file), ObjectId(ingest_job)
        self.outlet_name, self.batch_size = outlet or None, int(batch_size)
        self.restart, self.state_dir = restart == "1", state_dir
        self.stopping = threading.Event()

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.stopping.set, signals.spider_closed)  # TERM: stop at the next checkpoint
        return spider

    async def start(self):
        await maybe_deferred_to_future(threads.deferToThread(self.ingest))
        return
        yield  # an async generator that yields no request

    def ingest(self) -> None:
        settings = self.settings
        target = resolve_target(settings.get("NEWSDESK_MONGO_URI"), settings.get("NEWSDESK_MONGO_DB"),
                                database_reason=settings.get(DB_REASON_KEY))
        options = IngestOptions(state_dir=Path(self.state_dir) if self.state_dir else default_state_dir(),
                                archive_root=default_archive_dir(), outlet=self.outlet_name,
                                batch_size=self.batch_size, restart=self.restart)
        client = connect(target, timeout_ms=settings.getint("NEWSDESK_MONGO_TIMEOUT_MS",
                                                            crawl_settings.NEWSDESK_MONGO_TIMEOUT_MS))
        try:
            counts = run_ingest_job(client[target.database], self.job_id, self.file, load_outlets(), options,
                                    say=logger.warning, stop=self.stopping.is_set)
        finally:
            client.close()
        logger.info("ingest of %s: %s", self.file, dict(counts))

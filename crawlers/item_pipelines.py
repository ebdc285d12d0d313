"""Thin Scrapy item-pipeline adapters around the plain stage modules.

Each class is built by `from_crawler`, reads its settings, and delegates the
decision to a pure function (pipelines/normalize.py, offers.py, validate.py,
dedup.py); the database parts go through crawlers/runtime.py.
"""

from __future__ import annotations

from collections import Counter

from itemadapter import ItemAdapter
from pymongo.errors import PyMongoError
from scrapy.exceptions import DropItem
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import defer

from crawlers.runtime import crawl_context
from crawlers.workers import cpu_pool
from pipelines.dedup_store import any_matches, dedup_fields, find_duplicate
from pipelines.metadata import title_affix_keys
from pipelines.outlet_lines import (
    OutletLines,
    article_line_keys,
    forget_singletons,
    worth_saving,
)
from pipelines.outlet_lines_store import load_outlet_lines, save_learned
from pipelines.runs import note_fields
from pipelines.stages import normalize_stage, offers_stage, outlet_lines_stage, validate_stage

STATS = "newsdesk/"


class _Stage:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    @property
    def outlet(self):
        return getattr(self.crawler.spider, "outlet", None)

    def drop(self, reason: str, item: dict) -> None:
        self.stats.inc_value(f"{STATS}dropped/{reason}")
        raise DropItem(f"{reason}: {item.get('url')}")


class NormalizePipeline(_Stage):
    def process_item(self, item, spider=None):
        item = ItemAdapter(item).asdict()
        if item.pop("date_disagreement", None):  # the page's sources over a day apart (pipelines/metadata.py)
            self.stats.inc_value(f"{STATS}date_source_disagreements")
        return normalize_stage(item, self.outlet)


class OfferStripPipeline(_Stage):
    def process_item(self, item, spider=None):
        item = offers_stage(item)
        if item["removed_blocks"]:
            self.stats.inc_value(f"{STATS}offers/articles_with_removals")
        return item


class OutletLinesPipeline(_Stage):
    """Strips lines this outlet repeats across its articles (pipelines/outlet_lines.py),
    and the title affix its pages repeat ("| Site | 28.04.2023": pipelines/metadata.py
    OutletTitles, whose keys are counted with the lines).

    Learns only from articles stored for the first time, from their lines
    before stripping, and saves the counts once at the end of the crawl.
    """

    def __init__(self, crawler):
        super().__init__(crawler)
        self.known = OutletLines()
        self.enabled = crawler.settings.getbool("NEWSDESK_LEARN_BOILERPLATE", True)
        self.pending_keys: dict[str, set[str]] = {}
        self.learned: Counter = Counter()
        self.learned_articles = 0

    def open_spider(self, spider=None):
        if not self.enabled:
            return
        ctx = crawl_context(self.crawler)
        try:
            self.known = load_outlet_lines(ctx.db, self.crawler.spider.name)
        except Exception as exc:  # no history: crawl without it
            self.crawler.spider.logger.warning("outlet line counts unavailable: %s", type(exc).__name__)
        ctx.writer.new_item_listeners.append(self._learn)

    def _learn(self, new_items: list[dict], batch: list[dict]) -> None:
        new_urls = {item["canonical_url"] for item in new_items}
        for item in batch:  # every written item leaves pending_keys; only new ones teach
            keys = self.pending_keys.pop(item["canonical_url"], None)
            if keys is not None and item["canonical_url"] in new_urls:
                self.known.learn(keys)
                self.learned.update(keys)
                self.learned_articles += 1
                if self.learned_articles % 1000 == 0:
                    forget_singletons(self.learned, self.known)

    def process_item(self, item, spider=None):
        page_titles = item.pop("page_titles", None) or []
        if not self.enabled or not item.get("body"):
            return item
        self.pending_keys[item["canonical_url"]] = article_line_keys(item["body"]) | title_affix_keys(page_titles)
        item, removed, title_cut = outlet_lines_stage(item, self.known)
        if title_cut:
            self.stats.inc_value(f"{STATS}titles/outlet_affix_cut")
        if removed:
            self.stats.inc_value(f"{STATS}boilerplate/lines_removed", removed)
        return item

    async def close_spider(self, spider=None):
        if not self.enabled:
            return
        # the last batch's listeners run when its write is done: wait for the lane
        await maybe_deferred_to_future(crawl_context(self.crawler).lane.run(lambda: None))
        if self.learned_articles and crawl_context(self.crawler).breaker.available():
            try:
                save_learned(crawl_context(self.crawler).db, self.crawler.spider.name,
                             worth_saving(self.learned, self.learned_articles), self.learned_articles)
            except Exception as exc:
                self.crawler.spider.logger.warning("could not save outlet line counts: %s", type(exc).__name__)
        self.pending_keys.clear()


class ValidatePipeline(_Stage):
    def process_item(self, item, spider=None):
        valid, reason = validate_stage(item)
        if valid is None:
            self.drop(reason, item)
        else:
            note_fields(self.stats, valid)
        return valid


class DedupPipeline(_Stage):
    """Exact and near-duplicate detection against the database and this run.

    The lookup runs on the crawl's database lane (crawlers/runtime.py), after
    every write submitted before it. Items of this run may still sit in the
    store's buffer, or still be deciding: when one of them looks like a match,
    this item waits until it is buffered, the buffer is written, and only then
    looks up, so `duplicate_of` gets the stored `_id`.
    """

    def __init__(self, crawler):
        super().__init__(crawler)
        self.policy = crawler.settings.get("NEWSDESK_DUPLICATE_POLICY", "link")

    async def process_item(self, item, spider=None):
        ctx = crawl_context(self.crawler)
        pool = cpu_pool(self.crawler)
        # The keys (~5 ms) go to the workers only when there are several: with one,
        # extraction (~55 ms) keeps it busy and this process has time to spare.
        if pool.workers >= 2:
            fields = await maybe_deferred_to_future(pool.run(dedup_fields, item["body"]))
        else:
            fields = dedup_fields(item["body"])
        item.update(fields)
        earlier = ctx.writer.begin_deciding(item, fields)
        try:
            if earlier:  # an undecided item of this run may be this one's original
                await maybe_deferred_to_future(defer.DeferredList(earlier))
            return self._decide(await self._query(ctx, fields, item), item)
        except BaseException:
            ctx.writer.settle(item)  # dropped or failed: never keep later copies waiting
            raise

    async def _query(self, ctx, fields: dict, item: dict):
        # an unwritten item may be this one's original: write it so the lookup sees it
        if any_matches(fields, ctx.writer.pending):
            ctx.writer.flush()
        if ctx.breaker.available():
            found = await maybe_deferred_to_future(ctx.lane.run(self._lookup, ctx, fields, item))
        else:
            found = self.UNAVAILABLE
        if found is self.UNAVAILABLE or isinstance(found, Exception):
            # database away: store (or spool) it undecided, never lose it; `spool replay`
            # looks it up again (pipelines/store.py), as this crawl would have
            self.stats.inc_value(f"{STATS}dedup_unavailable")
            item["dedup_pending"] = self.policy
            if isinstance(found, Exception):  # the one lookup that met the outage: one line
                self.crawler.spider.logger.warning(
                    "duplicate lookup failed for %s: %s; no lookups for %gs", item["url"],
                    type(found).__name__, ctx.breaker.cooldown)
            return None
        return found

    UNAVAILABLE = object()

    @staticmethod
    def _lookup(ctx, fields: dict, item: dict):
        """On the lane's thread. The breaker is checked here, not only before queueing: the
        lookups queued behind the one that met the outage would each wait a full timeout."""
        if not ctx.breaker.available():
            return DedupPipeline.UNAVAILABLE
        try:
            return find_duplicate(ctx.db.articles, canonical_url=item["canonical_url"],
                                  fingerprint=fields["fingerprint"], simhash=fields["simhash"],
                                  bands=fields["simhash_bands"])
        except PyMongoError as exc:
            ctx.breaker.trip()
            return exc

    def _decide(self, match, item: dict):
        if match is None:
            return item
        self.stats.inc_value(f"{STATS}duplicates/{match.kind}")
        if self.policy == "drop":
            self.drop(f"duplicate_{match.kind}", item)
        item["duplicate_of"] = match.original_id
        self.stats.inc_value(f"{STATS}duplicates/linked")
        return item


class StorePipeline(_Stage):
    def open_spider(self, spider=None):
        crawl_context(self.crawler).prepare(self.stats)

    async def process_item(self, item, spider=None):
        behind = crawl_context(self.crawler).writer.add(item)
        if behind is not None:  # writes falling behind: hold this item (back-pressure on the crawl)
            await maybe_deferred_to_future(behind)
        return item

    async def close_spider(self, spider=None):
        await maybe_deferred_to_future(crawl_context(self.crawler).writer.flush())  # everything written

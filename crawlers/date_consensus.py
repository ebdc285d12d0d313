"""Item pipeline: the page's date against the feed's or sitemap's (pipelines/listings.consensus_date).

Runs after normalization, so both are UTC datetimes. More than a day apart:
the page's date is stored and the disagreement counted (`date_disagreements`
in the run's `crawl_runs` document, one outlet per run). A page without a
date takes the listing's. The listing date never reaches storage itself.
"""

from __future__ import annotations

from pipelines.listings import consensus_date

STATS = "newsdesk/"


class DateConsensusPipeline:
    def __init__(self, crawler):
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item, spider=None):
        listed = item.pop("listed_at", None)
        chosen, outcome = consensus_date(item.get("published_at"), listed)
        if outcome == "disagree":
            self.stats.inc_value(f"{STATS}date_disagreements")
        elif outcome == "from_listing":
            item["published_at"] = chosen
            self.stats.inc_value(f"{STATS}date_from_listing")
        return item

"""The article pipeline over archived responses: no network, no Scrapy engine.

`newsdesk reextract` and `newsdesk ingest` send WARC response records
through the stages a crawl runs, in the crawl's order: the spider's page
checks and decoding (crawlers/pages.py), then extract, normalize, strip
offers, outlet boilerplate and validate (`process_html` in
crawlers/offline.py, the one offline extraction path), then dedup
(pipelines/dedup_store.py) and store (pipelines/store.py). It runs in one
thread, in batches: `pending` is written when full (the caller checkpoints
after that) or when an item in it may be a later item's original, so the
lookup sees it stored, as in the crawl.
"""

from __future__ import annotations

from collections import Counter

from pymongo.database import Database

from crawlers.offline import process_html
from crawlers.pages import BadPage, response_from, response_html
from pipelines.dedup_store import any_matches, dedup_fields, find_duplicate
from pipelines.extract import PageError
from pipelines.metadata import OutletTitles
from pipelines.outlet_lines import OutletLines
from pipelines.outlet_lines_store import load_outlet_lines
from pipelines.outlets import OutletSpec
from pipelines.store import write_batch
from pipelines.warc import ArchivedResponse


class ArticleReplay:
    """Counts go to `counts`: `stored/new|updated|unchanged|invalid`,
    `skipped/<why>` (not an article page), `dropped/<reason>` (an article page
    the pipeline refused), `duplicates/linked`."""

    def __init__(self, db: Database, *, batch_size: int = 100, duplicate_policy: str = "link",
                 seen: bool = True, learned_lines: bool = True):
        self.db = db
        self.batch_size = batch_size
        self.policy = duplicate_policy
        self.seen = seen  # False (reextract): nothing was fetched, last_seen stays
        self.learned_lines = learned_lines
        self.pending: list[dict] = []
        self.counts: Counter = Counter()
        self._lines: dict[str, OutletLines] = {}

    def outlet_lines(self, outlet: OutletSpec) -> OutletLines | None:
        if not self.learned_lines:
            return None
        if outlet.name not in self._lines:
            self._lines[outlet.name] = load_outlet_lines(self.db, outlet.name)
        return self._lines[outlet.name]

    @property
    def full(self) -> bool:
        return len(self.pending) >= self.batch_size

    def add(self, response: ArchivedResponse, outlet: OutletSpec, archive_ref: dict) -> str | None:
        """Run one response through the stages; None when it is queued for storing,
        else the count key that says why not."""
        key = self._why_not(response, outlet, archive_ref)
        if key is not None:
            self.counts[key] += 1
        return key

    def _why_not(self, response: ArchivedResponse, outlet: OutletSpec, archive_ref: dict) -> str | None:
        if response.status != 200:
            return f"skipped/http_{response.status}"
        try:
            html = response_html(response_from(response.url, response.status, response.headers, response.body))
            lines = self.outlet_lines(outlet)
            titles = OutletTitles(articles=lines.articles, counts=lines.counts) if lines is not None else None
            item = process_html(html, response.url, outlet, titles, section=response.section, known_lines=lines)
        except BadPage as exc:
            return f"skipped/{exc.kind}"
        except PageError:
            return "skipped/unparsable"
        reason = item.pop("dropped")
        if reason is not None:
            return f"dropped/{reason}"
        item["archive"] = archive_ref
        fields = dedup_fields(item["body"])
        item.update(fields)
        if any_matches(fields, self.pending):  # its original may be waiting here: store that first
            self.flush()
        match = find_duplicate(self.db.articles, canonical_url=item["canonical_url"],
                               fingerprint=fields["fingerprint"], simhash=fields["simhash"],
                               bands=fields["simhash_bands"])
        if match is not None:
            self.counts[f"duplicates/{match.kind}"] += 1
            if self.policy == "drop":
                return f"dropped/duplicate_{match.kind}"
            item["duplicate_of"] = match.original_id
            self.counts["duplicates/linked"] += 1
        self.pending.append(item)
        return None

    def flush(self) -> Counter:
        """Write what is pending; raises the database's error (the caller's checkpoint stays put)."""
        batch, self.pending = self.pending, []
        outcomes = write_batch(self.db, batch, seen=self.seen) if batch else Counter()
        for outcome, n in outcomes.items():
            self.counts[f"stored/{outcome}"] += n
        return outcomes

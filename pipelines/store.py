"""Store stage: idempotent batched upserts into `articles`, spool when the database is down.

`plan_writes` is pure: given a batch and what the database already holds
for those URLs, it returns the bulk operations and the outcome per item
(new / updated / unchanged). Keyed on `canonical_url` (unique index): a new
URL is a plain insert (a concurrent insert of the same URL is refused by the
index and retried as an update), `version` bumped only when the body changed, the previous
body kept in `article_versions`. Running a crawl twice leaves the same
documents.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from bson import json_util
from pymongo import InsertOne, UpdateOne
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import BulkWriteError, PyMongoError

from pipelines import write_seq
from pipelines.article import SCHEMA_VERSION

logger = logging.getLogger(__name__)

CONTENT_FIELDS = (
    "url", "outlet", "section", "title", "body", "description", "authors", "published_at",
    "modified_at", "language", "paywalled", "removed_blocks", "syndication_note", "extraction",
    "fingerprint", "simhash", "simhash_bands", "archive",
)


@dataclass
class WritePlan:
    article_ops: list = field(default_factory=list)
    version_ops: list = field(default_factory=list)
    op_outcomes: list[str] = field(default_factory=list)  # aligned with article_ops
    items: list[dict] = field(default_factory=list)  # aligned with article_ops
    unwritten: Counter = field(default_factory=Counter)  # outcomes that need no write

    @property
    def outcomes(self) -> Counter:
        return Counter(self.op_outcomes) + self.unwritten

    def outcomes_after(self, exc: BulkWriteError, retry) -> Counter:
        """Outcomes of a partly failed unordered bulk write.

        11000 (a concurrent insert of the same URL) is retried once, now as an
        update; 121 (refused by the validator) is counted `invalid`; anything
        else is re-raised.
        """
        errors = exc.details.get("writeErrors", [])
        if any(e.get("code") not in (11000, 121) for e in errors):
            raise exc
        outcomes = list(self.op_outcomes)
        to_retry = []
        for err in errors:
            outcomes[err["index"]] = "failed"
            item = self.items[err["index"]]
            if err.get("code") == 11000:
                to_retry.append(item)
            else:
                outcomes[err["index"]] = "invalid"
                logger.error("%s: refused by the database validator: %s", item.get("url"),
                             str(err.get("errInfo", err.get("errmsg")))[:300])
        counts = Counter(o for o in outcomes if o != "failed") + self.unwritten
        return counts + retry(to_retry) if to_retry else counts

    def add(self, op, outcome: str, item: dict) -> None:
        self.article_ops.append(op)
        self.op_outcomes.append(outcome)
        self.items.append(item)


def content_of(item: dict) -> dict:
    return {k: item.get(k) for k in CONTENT_FIELDS}


def outcome_for(stored: dict | None, item: dict) -> str:
    if stored is None:
        return "new"
    return "unchanged" if stored.get("fingerprint") == item.get("fingerprint") else "updated"


def plan_writes(items: Iterable[dict], existing: dict[str, dict], now: datetime,
                seq: int | None = None, seen: bool = True) -> WritePlan:
    """Operations for one batch. `existing` maps canonical_url -> stored doc
    (at least `fingerprint`, `version`, and for changed ones `body`, `title`).
    `seq` (pipelines/write_seq.py) is stamped on inserted and changed documents.
    `seen=False` (re-extraction from the archive: nothing was fetched) leaves
    `last_seen` alone, so an unchanged body needs no write at all."""
    plan = WritePlan()
    seen_now = {"last_seen": now} if seen else {}
    for item in items:
        url = item["canonical_url"]
        stored = existing.get(url)
        content = content_of(item)
        outcome = outcome_for(stored, item)
        if outcome == "new":
            # A plain insert: cheaper for the server than an upsert's query. If
            # another writer inserted the URL meanwhile, the unique index refuses
            # it (11000) and outcomes_after retries it as an update.
            plan.add(InsertOne({**content, "canonical_url": url, "first_seen": now, "last_seen": now,
                                "version": 1, "duplicate_of": item.get("duplicate_of"),
                                "schema_version": SCHEMA_VERSION, "write_seq": seq}), "new", item)
            existing[url] = {"fingerprint": item.get("fingerprint"), "version": 1, "body": item.get("body")}
        elif outcome == "unchanged":
            # the archive record of this fetch replaces the older one (retention deletes that)
            refreshed = {**seen_now, **({"archive": item["archive"]} if item.get("archive") else {})}
            if refreshed:
                plan.add(UpdateOne({"canonical_url": url}, {"$set": refreshed}), "unchanged", item)
            else:
                plan.unwritten["unchanged"] += 1
        else:
            version = int(stored.get("version") or 1)
            plan.version_ops.append(InsertOne({
                "canonical_url": url, "version": version, "body": stored.get("body"),
                "title": stored.get("title"), "fingerprint": stored.get("fingerprint"),
                "replaced_at": now}))
            # Guarded by the old fingerprint: a replayed or concurrent write of the
            # same change matches nothing instead of bumping the version twice.
            plan.add(UpdateOne(
                {"canonical_url": url, "fingerprint": stored.get("fingerprint")},
                {"$set": {**content, **seen_now, "schema_version": SCHEMA_VERSION, "write_seq": seq},
                 "$inc": {"version": 1}}), "updated", item)
            existing[url] = {"fingerprint": item.get("fingerprint"), "version": version + 1,
                             "body": item.get("body"), "title": item.get("title")}
    return plan


def fetch_existing(articles: Collection, urls: list[str]) -> dict[str, dict]:
    """One query for the whole batch: what is stored for these URLs."""
    projection = {"canonical_url": 1, "fingerprint": 1, "version": 1, "body": 1, "title": 1}
    return {d["canonical_url"]: d for d in articles.find({"canonical_url": {"$in": urls}}, projection)}


def write_batch(db: Database, items: list[dict], now: datetime | None = None,
                _retry: bool = True, new_items: list | None = None, seen: bool = True) -> Counter:
    """Upsert one batch; returns outcomes (new, updated, unchanged, invalid).

    Raises ConnectionFailure (and other PyMongoErrors) when the database is
    away, so the caller can spool the batch. A document the server's
    validator refuses is counted `invalid` and logged, never spooled: a
    replay would fail the same way. `new_items`, when given, receives the
    items stored for the first time (for learners that must see each article once).
    `seen`: see `plan_writes`.
    """
    if not items:
        return Counter()
    now = now or datetime.now(timezone.utc).replace(microsecond=0)
    # Last item wins within a batch, so one URL is planned once.
    by_url = {item["canonical_url"]: item for item in items}
    existing = fetch_existing(db.articles, list(by_url))
    if all(outcome_for(existing.get(url), item) == "unchanged" for url, item in by_url.items()):
        return _write_planned(db, plan_writes(by_url.values(), existing, now, seen=seen), now, _retry,
                              new_items)
    # Inserts and content changes carry a write sequence number that stays
    # pending until the bulk write has returned, so polling readers never pass
    # it before it is committed (pipelines/write_seq.py).
    seq = write_seq.begin(db)
    started = time.monotonic()
    try:
        return _write_planned(db, plan_writes(by_url.values(), existing, now, seq, seen=seen), now, _retry,
                              new_items)
    finally:
        if (time.monotonic() - started) * 1000 > write_seq.PENDING_EXPIRY_MS / 2:
            try:
                write_seq.restamp(db, seq)  # readers may have stopped waiting for it
            except PyMongoError as exc:
                logger.warning("write sequence %s: slow batch not re-stamped: %s", seq, exc)
        write_seq.end(db, seq)


def _write_planned(db: Database, plan: WritePlan, now: datetime, _retry: bool,
                   new_items: list | None) -> Counter:
    if plan.version_ops:
        try:
            db.article_versions.bulk_write(plan.version_ops, ordered=False)
        except BulkWriteError as exc:
            # a replay may have saved this version already: only duplicates are fine
            if any(e.get("code") != 11000 for e in exc.details.get("writeErrors", [])):
                raise
    if not plan.article_ops:  # re-extraction of unchanged bodies: nothing to write
        return plan.outcomes
    try:
        db.articles.bulk_write(plan.article_ops, ordered=False)
    except BulkWriteError as exc:
        return plan.outcomes_after(exc, lambda retry: write_batch(db, retry, now, _retry=False)
                                   if _retry else Counter(invalid=len(retry)))
    if new_items is not None:
        new_items.extend(item for item, outcome in zip(plan.items, plan.op_outcomes, strict=True) if outcome == "new")
    return plan.outcomes


# -- spool -----------------------------------------------------------------

def spool_write(spool_dir: Path, outlet: str, items: list[dict]) -> Path:
    """Append a batch to the outlet's spool file (JSON Lines, extended JSON for dates)."""
    spool_dir.mkdir(parents=True, exist_ok=True)
    path = spool_dir / f"{outlet}.{os.getpid()}.{int(time.time() * 1000)}.jsonl"
    with open(path, "a", encoding="utf-8") as fh:
        for item in items:
            fh.write(json_util.dumps(item, json_options=json_util.RELAXED_JSON_OPTIONS) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    return path


def spool_files(spool_dir: Path) -> list[Path]:
    return sorted(spool_dir.glob("*.jsonl")) if spool_dir.is_dir() else []


def _write_deciding_duplicates(db: Database, items: list[dict]) -> Counter:
    """Write spooled items, first looking up the duplicates the crawl could not (its
    lookup met the outage: `dedup_pending` holds the crawl's policy), so a replayed
    copy is linked (or dropped) exactly as a crawl with the database up would have."""
    from pipelines.dedup_store import any_matches, find_duplicate

    totals: Counter = Counter()
    ready: list[dict] = []
    for item in items:
        policy = item.pop("dedup_pending", None)
        if policy and item.get("duplicate_of") is None and item.get("fingerprint"):
            if any_matches(item, ready):  # its original may be in this batch: store that first
                totals += write_batch(db, ready)
                ready = []
            match = find_duplicate(db.articles, canonical_url=item["canonical_url"],
                                   fingerprint=item["fingerprint"], simhash=item.get("simhash") or 0,
                                   bands=item.get("simhash_bands"))
            if match is not None:
                totals[f"duplicates_{match.kind}"] += 1
                if policy == "drop":
                    continue
                item["duplicate_of"] = match.original_id
        ready.append(item)
    return totals + write_batch(db, ready)


def replay_spool(db: Database, spool_dir: Path, batch_size: int = 500) -> Counter:
    """Write every spooled item; a file is deleted only after all of it is stored."""
    totals: Counter = Counter()
    for path in spool_files(spool_dir):
        items = []
        with open(path, encoding="utf-8") as fh:
            for line_no, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    items.append(json_util.loads(line))
                except (ValueError, json.JSONDecodeError):
                    totals["corrupt_lines"] += 1
                    print(f"{path}:{line_no}: spool line is not valid JSON, skipped")
        for start in range(0, len(items), batch_size):
            totals += _write_deciding_duplicates(db, items[start:start + batch_size])
        totals["files"] += 1
        path.unlink()
    return totals


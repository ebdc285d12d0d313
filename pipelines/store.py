"""Store stage: idempotent batched upserts into `articles`, spool when the database is down.

`plan_writes` is pure: given a batch and what the database already holds
for those URLs, it returns the bulk operations and the outcome per item
(new / updated / unchanged). Keyed on `canonical_url`, `$setOnInsert` for
what is set once, `version` bumped only when the body changed, the previous
body kept in `article_versions`. Running a crawl twice leaves the same
documents.
"""

from __future__ import annotations

import json
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
from pymongo.errors import BulkWriteError, ConnectionFailure, DuplicateKeyError

from crawlers.items import SCHEMA_VERSION

CONTENT_FIELDS = (
    "url", "outlet", "section", "title", "body", "description", "authors", "published_at",
    "modified_at", "language", "paywalled", "removed_blocks", "syndication_note", "extraction",
    "fingerprint", "simhash", "simhash_bands",
)


@dataclass
class WritePlan:
    article_ops: list = field(default_factory=list)
    version_ops: list = field(default_factory=list)
    outcomes: Counter = field(default_factory=Counter)


def content_of(item: dict) -> dict:
    return {k: item.get(k) for k in CONTENT_FIELDS}


def plan_writes(items: Iterable[dict], existing: dict[str, dict], now: datetime) -> WritePlan:
    """Operations for one batch. `existing` maps canonical_url -> stored doc
    (at least `fingerprint`, `version`, and for changed ones `body`, `title`)."""
    plan = WritePlan()
    for item in items:
        url = item["canonical_url"]
        stored = existing.get(url)
        content = content_of(item)
        if stored is None:
            plan.article_ops.append(UpdateOne(
                {"canonical_url": url},
                {"$setOnInsert": {**content, "canonical_url": url, "first_seen": now, "version": 1,
                                  "duplicate_of": item.get("duplicate_of"),
                                  "schema_version": SCHEMA_VERSION},
                 "$set": {"last_seen": now}},
                upsert=True))
            plan.outcomes["new"] += 1
            existing[url] = {"fingerprint": item.get("fingerprint"), "version": 1, "body": item.get("body")}
        elif stored.get("fingerprint") == item.get("fingerprint"):
            plan.article_ops.append(UpdateOne({"canonical_url": url}, {"$set": {"last_seen": now}}))
            plan.outcomes["unchanged"] += 1
        else:
            version = int(stored.get("version") or 1)
            plan.version_ops.append(InsertOne({
                "canonical_url": url, "version": version, "body": stored.get("body"),
                "title": stored.get("title"), "fingerprint": stored.get("fingerprint"),
                "replaced_at": now}))
            # Guarded by the old fingerprint: a replayed or concurrent write of the
            # same change matches nothing instead of bumping the version twice.
            plan.article_ops.append(UpdateOne(
                {"canonical_url": url, "fingerprint": stored.get("fingerprint")},
                {"$set": {**content, "last_seen": now, "schema_version": SCHEMA_VERSION},
                 "$inc": {"version": 1}}))
            plan.outcomes["updated"] += 1
            existing[url] = {"fingerprint": item.get("fingerprint"), "version": version + 1,
                             "body": item.get("body"), "title": item.get("title")}
    return plan


def fetch_existing(articles: Collection, urls: list[str]) -> dict[str, dict]:
    """One query for the whole batch: what is stored for these URLs."""
    projection = {"canonical_url": 1, "fingerprint": 1, "version": 1, "body": 1, "title": 1}
    return {d["canonical_url"]: d for d in articles.find({"canonical_url": {"$in": urls}}, projection)}


def write_batch(db: Database, items: list[dict], now: datetime | None = None) -> Counter:
    """Upsert one batch; returns outcomes. Raises ConnectionFailure when the database is away."""
    if not items:
        return Counter()
    now = now or datetime.now(timezone.utc).replace(microsecond=0)
    # Last item wins within a batch, so one URL is planned once.
    by_url = {item["canonical_url"]: item for item in items}
    existing = fetch_existing(db.articles, list(by_url))
    plan = plan_writes(by_url.values(), existing, now)
    if plan.version_ops:
        try:
            db.article_versions.bulk_write(plan.version_ops, ordered=False)
        except BulkWriteError as exc:
            # a replay may have saved this version already: only duplicates are fine
            if any(e.get("code") != 11000 for e in exc.details.get("writeErrors", [])):
                raise
    try:
        db.articles.bulk_write(plan.article_ops, ordered=False)
    except BulkWriteError as exc:
        errors = exc.details.get("writeErrors", [])
        if any(e.get("code") != 11000 for e in errors):
            raise
        # A concurrent insert of the same URL: retry once, now as an update.
        return write_batch(db, [list(by_url.values())[e["index"]] for e in errors], now) + plan.outcomes - Counter(new=len(errors))
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
            totals += write_batch(db, items[start:start + batch_size])
        totals["files"] += 1
        path.unlink()
    return totals


__all__ = ["DuplicateKeyError", "ConnectionFailure", "plan_writes", "write_batch", "spool_write",
           "replay_spool", "spool_files", "fetch_existing"]

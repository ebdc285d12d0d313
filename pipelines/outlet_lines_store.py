"""MongoDB side of learned boilerplate: per-outlet line counts in `outlet_lines`.

Counts are loaded once per crawl (only keys frequent enough to matter) and
written back once at the end with one bulk `$inc`. Only articles stored for
the first time are learned from, so re-crawling an unchanged article never
makes its own lines look like furniture.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone

from pymongo import ASCENDING, UpdateOne
from pymongo.database import Database

from pipelines.outlet_lines import OutletLines

STATS_ID = "__articles__"  # the per-outlet document holding the article count


KEEP_UNSEEN = 30 * 24 * 3600  # a line not seen for 30 days is forgotten (TTL index)


def ensure_outlet_lines_indexes(db: Database) -> None:
    db.outlet_lines.create_index([("outlet", ASCENDING), ("count", ASCENDING)], name="outlet_count")
    # Most keys are lines seen once; without expiry the collection would grow
    # with every article. Furniture is seen on every crawl and never expires.
    db.outlet_lines.create_index([("last_seen", ASCENDING)], name="last_seen_ttl",
                                 expireAfterSeconds=KEEP_UNSEEN)


def load_outlet_lines(db: Database, outlet: str, min_count: int = 3) -> OutletLines:
    known = OutletLines()
    query = {"outlet": outlet, "count": {"$gte": min_count}, "key": {"$ne": STATS_ID}}
    for doc in db.outlet_lines.find(query, {"key": 1, "count": 1}):
        known.counts[doc["key"]] = int(doc["count"])
    stats = db.outlet_lines.find_one({"_id": f"{outlet}:{STATS_ID}"})
    known.articles = int(stats["count"]) if stats else 0
    return known


def save_learned(db: Database, outlet: str, learned: Counter, articles: int) -> None:
    if not articles:
        return
    now = datetime.now(timezone.utc)
    ops = [UpdateOne({"_id": f"{outlet}:{key}"},
                     {"$inc": {"count": n}, "$set": {"last_seen": now}, "$setOnInsert": {"outlet": outlet, "key": key}},
                     upsert=True) for key, n in learned.items()]
    ops.append(UpdateOne({"_id": f"{outlet}:{STATS_ID}"},
                         {"$inc": {"count": articles}, "$set": {"last_seen": now},
                          "$setOnInsert": {"outlet": outlet, "key": STATS_ID}},
                         upsert=True))
    db.outlet_lines.bulk_write(ops, ordered=False)

"""MongoDB side of learned boilerplate: per-outlet line counts in `outlet_lines`.

Counts are loaded once per crawl (only keys frequent enough to matter) and
written back once at the end with one bulk `$inc`. Only articles stored for
the first time are learned from, so re-crawling an unchanged article never
makes its own lines look like furniture.
"""

from __future__ import annotations

from collections import Counter

from pymongo import ASCENDING, UpdateOne
from pymongo.database import Database

from pipelines.boilerplate import OutletLines

STATS_ID = "__articles__"  # the per-outlet document holding the article count


def ensure_boilerplate_indexes(db: Database) -> None:
    db.outlet_lines.create_index([("outlet", ASCENDING), ("count", ASCENDING)], name="outlet_count")


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
    ops = [UpdateOne({"_id": f"{outlet}:{key}"}, {"$inc": {"count": n}, "$setOnInsert": {"outlet": outlet, "key": key}},
                     upsert=True) for key, n in learned.items()]
    ops.append(UpdateOne({"_id": f"{outlet}:{STATS_ID}"},
                         {"$inc": {"count": articles}, "$setOnInsert": {"outlet": outlet, "key": STATS_ID}},
                         upsert=True))
    db.outlet_lines.bulk_write(ops, ordered=False)

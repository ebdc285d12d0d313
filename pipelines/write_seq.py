"""Write sequence of `articles`: an order for polling readers that no write can fall behind.

Every batch that inserts or changes articles takes the next number from one
counter document and stamps it on those documents (`write_seq`). Numbers are
taken in one order but batches commit in another: writer A takes 7, writer B
takes 8 and commits first. A reader that moved its checkpoint past 8 would
never see A's 7. So taking a number also registers it as *pending* in the same
atomic update, and the writer removes it once its bulk write returned. Readers
only read up to `safe_seq()`: one below the lowest pending number, else the
last number handed out. Everything at or below it is committed, and a
document only ever moves to a higher number, so a reader sorted on
(`write_seq`, `_id`) and bounded by `safe_seq()` cannot skip a write.

A writer that dies between the two steps leaves its entry behind; readers
ignore entries older than `PENDING_EXPIRY_MS` (and the next writer drops them),
so a crash delays readers by that long at most. A writer whose own batch took
longer than half of that re-stamps its documents with a fresh number, so even
a write that outlived its entry is read.
"""

from __future__ import annotations

import logging
import time

from pymongo import ReturnDocument
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError, PyMongoError

logger = logging.getLogger(__name__)

COLLECTION = "write_sequences"
COUNTER_ID = "articles"
PENDING_EXPIRY_MS = 10 * 60 * 1000  # far longer than one bulk write of a batch


def now_ms() -> int:
    return int(time.time() * 1000)


def _ensure_counter(db: Database) -> None:
    """Create the counter document if it is missing, taking no number. Two
    writers' first batches (`ingest --jobs 2`) would otherwise both upsert it in
    the numbering update itself, and a server may answer the loser of that race
    with no document (SecantusDB did) or a duplicate-key error."""
    try:
        db[COLLECTION].update_one({"_id": COUNTER_ID}, {"$setOnInsert": {"last": 0, "pending": []}}, upsert=True)
    except DuplicateKeyError:
        pass  # the other writer created it: all this needs


def begin(db: Database, at_ms: int | None = None, expiry_ms: int = PENDING_EXPIRY_MS) -> int:
    """Take the next sequence number and register it as pending, in one atomic update."""
    at_ms = now_ms() if at_ms is None else at_ms
    _ensure_counter(db)
    doc = db[COLLECTION].find_one_and_update(
        {"_id": COUNTER_ID},
        [
            {"$set": {"last": {"$add": [{"$ifNull": ["$last", 0]}, 1]}}},
            {"$set": {"pending": {"$concatArrays": [
                # entries of writers that died are dropped here (epoch ms as
                # numbers: date arithmetic inside $filter is not portable)
                {"$filter": {"input": {"$ifNull": ["$pending", []]}, "as": "p",
                             "cond": {"$gt": ["$$p.at_ms", at_ms - expiry_ms]}}},
                [{"seq": "$last", "at_ms": at_ms}],
            ]}}},
        ],
        upsert=True, return_document=ReturnDocument.AFTER)
    if doc is None:  # not expected once the counter exists; a clear error, not a TypeError
        raise PyMongoError(f"{db.name}.{COLLECTION}: the server returned no counter document for {COUNTER_ID!r}")
    return int(doc["last"])


def end(db: Database, seq: int) -> None:
    """The batch stamped `seq` is committed (or failed): readers may pass it."""
    try:
        db[COLLECTION].update_one({"_id": COUNTER_ID}, {"$pull": {"pending": {"seq": seq}}})
    except PyMongoError as exc:
        # the batch itself is stored; the entry expires and readers pass it then
        logger.warning("write sequence %s: could not clear its pending entry: %s", seq, exc)


def safe_seq(db: Database, at_ms: int | None = None, expiry_ms: int = PENDING_EXPIRY_MS) -> int:
    """The highest number at or below which every batch has committed."""
    at_ms = now_ms() if at_ms is None else at_ms
    doc = db[COLLECTION].find_one({"_id": COUNTER_ID}) or {}
    live = [int(p["seq"]) for p in doc.get("pending") or [] if int(p.get("at_ms", 0)) > at_ms - expiry_ms]
    return min(live) - 1 if live else int(doc.get("last") or 0)


def restamp(db: Database, seq: int) -> int:
    """Move the documents still stamped `seq` to a fresh number (see the module doc)."""
    fresh = begin(db)
    try:
        db.articles.update_many({"write_seq": seq}, {"$set": {"write_seq": fresh}})
    finally:
        end(db, fresh)
    return fresh

"""Per-outlet leases in the `locks` collection: two crawls of one outlet never overlap.

A lease is a document `{_id: outlet, owner, expires_at}`. It is taken by an
atomic upsert that only matches when the lease is free, expired or already
ours; the unique `_id` turns a lost race into DuplicateKeyError. The holder
renews it while the crawl lives; a lease left by a killed process simply
expires.
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError

DEFAULT_TTL = timedelta(seconds=60)


def new_owner(kind: str = "crawl") -> str:
    return f"{kind}:{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class LeaseHolder:
    owner: str
    expires_at: datetime


def _now() -> datetime:
    return datetime.now(timezone.utc)


def acquire(locks: Collection, name: str, owner: str, ttl: timedelta = DEFAULT_TTL,
            now: datetime | None = None) -> bool:
    """Take or renew the lease; False when someone else holds a live one."""
    now = now or _now()
    try:
        locks.find_one_and_update(
            {"_id": name, "$or": [{"expires_at": {"$lte": now}}, {"owner": owner}]},
            {"$set": {"owner": owner, "expires_at": now + ttl, "renewed_at": now},
             "$setOnInsert": {"acquired_at": now}},
            upsert=True,
        )
        return True
    except DuplicateKeyError:
        return False


def renew(locks: Collection, name: str, owner: str, ttl: timedelta = DEFAULT_TTL) -> bool:
    now = _now()
    result = locks.update_one({"_id": name, "owner": owner},
                              {"$set": {"expires_at": now + ttl, "renewed_at": now}})
    return result.matched_count == 1


def release(locks: Collection, name: str, owner: str) -> bool:
    return locks.delete_one({"_id": name, "owner": owner}).deleted_count == 1


def holder(locks: Collection, name: str) -> LeaseHolder | None:
    doc = locks.find_one({"_id": name})
    if doc is None or doc["expires_at"] <= _now():
        return None
    return LeaseHolder(doc["owner"], doc["expires_at"])

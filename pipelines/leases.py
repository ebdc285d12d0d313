"""Per-outlet leases in the `locks` collection: two crawls of one outlet never overlap.

A lease is a document `{_id: outlet, owner, expires_at}`. It is taken by an
atomic upsert that only matches when the lease is free, expired or already
ours; the unique `_id` turns a lost race into DuplicateKeyError. The holder
renews it while the crawl lives; a lease left by a killed process simply
expires.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError

DEFAULT_TTL = timedelta(seconds=60)
logger = logging.getLogger(__name__)


def new_owner(kind: str = "crawl") -> str:
    """The owner token: KIND:HOST:PID:RANDOM (parsed by `owner_process`)."""
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


# -- the token ------------------------------------------------------------------------

def owner_process(owner: str) -> tuple[str, int] | None:
    """(host, pid) of a token made by `new_owner`, else None."""
    parts = owner.split(":")
    if len(parts) < 4:
        return None
    try:
        return parts[1], int(parts[2])
    except ValueError:
        return None


def owner_is_dead_here(owner: str) -> bool:
    """A token from `new_owner` on this host whose process is gone (not this process)."""
    process = owner_process(owner)
    if process is None or process[0] != socket.gethostname() or process[1] == os.getpid():
        return False
    try:
        os.kill(process[1], 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


# -- taking, renewing, giving back: what every holder does ----------------------------

@dataclass(frozen=True)
class Taken:
    ok: bool
    holder: LeaseHolder | None = None  # who holds it when refused (None: it changed hands meanwhile)

    def __bool__(self) -> bool:
        return self.ok


def take(locks: Collection, name: str, owner: str, ttl: timedelta = DEFAULT_TTL, *,
         wait: float = 0.0, poll: float = 1.0,
         dead_here: Callable[[str], bool] | None = None) -> Taken:
    """Take the lease, waiting up to `wait` seconds; falsy (with who holds it) when refused.

    With `dead_here`, a lease whose holder that function says is dead (a killed
    predecessor on this machine) is taken over at once instead of waiting for
    its expiry; the takeover is conditional on that holder, so two takers
    racing for it cannot both win."""
    deadline = time.monotonic() + wait
    while True:
        if acquire(locks, name, owner, ttl):
            return Taken(True)
        held = holder(locks, name)
        if held is not None and dead_here is not None and dead_here(held.owner):
            now = _now()
            taken = locks.update_one({"_id": name, "owner": held.owner},
                                     {"$set": {"owner": owner, "expires_at": now + ttl, "renewed_at": now,
                                               "acquired_at": now}})
            if taken.modified_count == 1:
                return Taken(True)
            continue
        if time.monotonic() >= deadline:
            return Taken(False, held)
        time.sleep(poll)


class Renewal:
    """Keeps a held lease alive: call `tick()` as often as you like (it renews every
    TTL/3) or `renew()` on your own timer. Never raises: a database blip must not
    stop the crawl holding the lease; a lost lease is logged."""

    def __init__(self, locks: Collection, name: str, owner: str, ttl: timedelta = DEFAULT_TTL,
                 context: str = ""):
        self.locks, self.name, self.owner, self.ttl = locks, name, owner, ttl
        self.context = context
        self.interval = max(ttl.total_seconds() / 3, 1.0)
        self._last = time.monotonic()

    def tick(self) -> None:
        if time.monotonic() - self._last >= self.interval:
            self.renew()

    def renew(self) -> bool:
        self._last = time.monotonic()
        try:
            if renew(self.locks, self.name, self.owner, self.ttl):
                return True
            logger.error("lost the lease on %s%s", self.name, self.context)
        except Exception as exc:
            logger.warning("could not renew the lease on %s: %s", self.name, type(exc).__name__)
        return False


def release_quietly(locks: Collection, name: str, owner: str) -> None:
    """Give the lease back; if the database is away it simply expires."""
    try:
        release(locks, name, owner)
    except Exception as exc:
        logger.warning("could not release the lease on %s (it will expire): %s", name, type(exc).__name__)

"""A standby scheduler: two or more `newsdesk serve` against one database, one of them leading.

APScheduler 3 cannot share a job store between processes, so only the leader
creates its scheduler. Leadership is the `scheduler:service` lease in `locks`
(pipelines.leases), the same lease a single service has always held: a
service of an older version and a newer standby still exclude each other.

- The leader renews the lease with every heartbeat (2 s) and stops as soon as
  a renewal fails (another process took it), see SchedulerService.heartbeat.
- A standby tries to take the lease every POLL_S and writes a `standby:ID`
  heartbeat document in `service_status`, so operators can see it waiting.
- The leader dies: the lease expires at most TTL after its last renewal, so
  the standby leads within TAKEOVER_S = TTL + POLL_S of the death (plus its
  start-up, ~1 s). On the same host a leader whose pid is gone is replaced at
  once. A leader that stops cleanly releases the lease: immediate takeover.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from pymongo.database import Database

from pipelines import leases

logger = logging.getLogger("newsdesk.leader")

POLL_S = 0.5
STANDBY_BEAT_S = 2.0


def takeover_bound(ttl: timedelta, poll: float = POLL_S) -> float:
    """Seconds from the leader's death until a standby holds the lease (worst case, across hosts)."""
    return ttl.total_seconds() + poll


def pid_check_enabled(env) -> bool:
    # Off only to exercise the cross-host path (lease expiry) on one machine.
    return env.get("NEWSDESK_LEADER_PID_CHECK", "1") not in ("0", "false", "no")


def try_lead(db: Database, name: str, owner: str, ttl: timedelta,
             dead_here: Callable[[str], bool] | None = None) -> bool:
    """Take the leader lease if it is free, expired, or held by a dead process on this host."""
    return bool(leases.take(db.locks, name, owner, ttl, dead_here=dead_here))


def _standby_beat(db: Database, owner: str, leader: str | None, since: datetime) -> None:
    db.service_status.replace_one({"_id": f"standby:{owner}"}, {
        "_id": f"standby:{owner}", "status": "standby", "instance": owner, "host": socket.gethostname(),
        "pid": os.getpid(), "since": since, "heartbeat_at": datetime.now(timezone.utc),
        "leader": leader}, upsert=True)


def wait_for_leadership(db: Database, name: str, owner: str, *, ttl: timedelta,
                        should_stop: Callable[[], bool], dead_here: Callable[[str], bool] | None = None,
                        poll: float = POLL_S) -> bool:
    """Block until this process leads (True) or should_stop() (False)."""
    since = datetime.now(timezone.utc)
    next_beat = 0.0
    announced = False
    try:
        while not should_stop():
            try:
                if try_lead(db, name, owner, ttl, dead_here):
                    waited = (datetime.now(timezone.utc) - since).total_seconds()
                    if announced:
                        logger.warning("took over as the leading scheduler after %.1fs as standby", waited)
                    return True
                if time.monotonic() >= next_beat:
                    next_beat = time.monotonic() + STANDBY_BEAT_S
                    held = leases.holder(db.locks, name)
                    _standby_beat(db, owner, held.owner if held else None, since)
                    if not announced:
                        announced = True
                        logger.info("another scheduler leads (%s): waiting as standby; takeover within "
                                    "%.1fs of its death", held.owner if held else "?", takeover_bound(ttl, poll))
            except Exception as exc:  # a database blip: keep waiting
                logger.warning("standby: %s: %s", type(exc).__name__, exc)
            time.sleep(poll)
        return False
    finally:
        try:
            db.service_status.delete_one({"_id": f"standby:{owner}"})
        except Exception:
            pass

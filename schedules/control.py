"""A running scheduler service, seen from another process: its heartbeat and its command queue.

`newsdesk schedule`, `newsdesk runs` and the dashboard talk to the service only
through these (`service_status`, `service_commands`); schedules/service.py is
the other end. A module of its own, so that the dashboard, which the service
serves, does not import the service back.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone

from bson import ObjectId
from pymongo.database import Database

JOBS_COLLECTION = "scheduler_jobs"
STATUS_ID = "scheduler"
STALE_AFTER_S = 10.0  # a heartbeat older than this means no live service
COMMAND_TIMEOUT_S = 15.0  # how long a caller waits for the service to answer a command


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def live_service(db: Database, now: datetime | None = None) -> dict | None:
    """The heartbeat document of a live service, else None."""
    doc = db.service_status.find_one({"_id": STATUS_ID})
    now = now or utcnow()
    if not doc or doc.get("status") not in ("running", "stopping"):
        return None
    beat = doc.get("heartbeat_at")
    if beat is None or (now - beat).total_seconds() > STALE_AFTER_S:
        return None
    return doc


def send_command(db, command: str, target: str | None, timeout: float = COMMAND_TIMEOUT_S) -> tuple[str, str]:
    """Queue a command for the running service and wait for its answer: (status, message)."""
    cid = ObjectId()
    db.service_commands.insert_one({"_id": cid, "command": command, "target": target, "status": "pending",
                                    "created_at": datetime.now(timezone.utc)})
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        doc = db.service_commands.find_one({"_id": cid})
        if doc and doc["status"] in ("done", "error", "expired"):
            return doc["status"], doc.get("result") or doc["status"]
        time.sleep(0.2)
    db.service_commands.update_one({"_id": cid, "status": "pending"}, {"$set": {"status": "cancelled"}})
    return "timeout", f"the service did not answer within {timeout:g}s"

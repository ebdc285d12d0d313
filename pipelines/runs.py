"""The `crawl_runs` collection: one document per crawl, with its summary."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from bson import ObjectId
from pymongo.database import Database

STATS_PREFIX = "newsdesk/"


def start_run(db: Database, *, outlet: str, trigger: str, run_id: ObjectId | None = None,
              extra: Mapping[str, Any] | None = None) -> ObjectId:
    run_id = run_id or ObjectId()
    db.crawl_runs.update_one(
        {"_id": run_id},
        {"$setOnInsert": {"outlet": outlet, "trigger": trigger,
                          "started_at": datetime.now(timezone.utc), **(extra or {})},
         "$set": {"status": "running"}},
        upsert=True,
    )
    return run_id


def finish_run(db: Database, run_id: ObjectId, *, status: str, summary: Mapping[str, Any]) -> None:
    now = datetime.now(timezone.utc)
    doc = db.crawl_runs.find_one({"_id": run_id}, {"started_at": 1}) or {}
    started = doc.get("started_at") or now
    db.crawl_runs.update_one({"_id": run_id}, {"$set": {
        "status": status, "finished_at": now,
        "duration_s": round((now - started).total_seconds(), 3), **summary}})


def _group(stats: Mapping[str, Any], prefix: str) -> dict[str, int]:
    return {k[len(prefix):].replace(".", "_"): int(v) for k, v in sorted(stats.items())
            if k.startswith(prefix) and isinstance(v, (int, float))}


def summarize_stats(stats: Mapping[str, Any]) -> dict[str, Any]:
    """The run summary from Scrapy stats: pages, stored, dropped, errors by kind."""
    errors: dict[str, int] = {}
    errors.update({f"download:{k.rsplit('.', 1)[-1]}": v
                   for k, v in _group(stats, "downloader/exception_type_count/").items()})
    errors.update({f"http:{k}": v for k, v in _group(stats, "downloader/response_status_count/").items()
                   if int(k) >= 400})
    errors.update({f"spider:{k}": v for k, v in _group(stats, "spider_exceptions/").items()})
    errors.update({f"page:{k}": v for k, v in _group(stats, f"{STATS_PREFIX}bad_page/").items()})
    errors.update({f"store:{k}": v for k, v in _group(stats, f"{STATS_PREFIX}store_error/").items()})
    stored = _group(stats, f"{STATS_PREFIX}stored/")
    return {
        "pages_fetched": int(stats.get("response_received_count", 0)),
        "articles_seen": int(stats.get("item_scraped_count", 0)) + sum(_group(stats, "item_dropped_reasons_count/").values()),
        "stored": {k: stored.get(k, 0) for k in ("new", "updated", "unchanged")} | stored,
        "dropped": _group(stats, f"{STATS_PREFIX}dropped/"),
        "linked_duplicates": int(stats.get(f"{STATS_PREFIX}duplicates/linked", 0)),
        "skipped_known": int(stats.get(f"{STATS_PREFIX}skipped_known", 0)),
        "spooled": int(stats.get(f"{STATS_PREFIX}spooled", 0)),
        "errors": errors,
        "finish_reason": stats.get("finish_reason"),
    }


def run_status(summary: Mapping[str, Any]) -> str:
    if summary.get("finish_reason") == "lease_held":
        return "refused"
    if summary.get("spooled"):
        return "degraded"
    if summary.get("finish_reason") not in (None, "finished"):
        return str(summary["finish_reason"])
    return "ok"

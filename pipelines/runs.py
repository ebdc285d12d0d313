"""The `crawl_runs` collection: one document per crawl, with its summary."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING
from pymongo.database import Database

from pipelines.outlet_summary import refresh_outlet_summary

STATS_PREFIX = "newsdesk/"
EXAMPLES_PER_KIND = 3  # URLs kept per error kind, for the run's page in the dashboard


def ensure_run_indexes(db: Database) -> None:
    """The `crawl_runs` indexes (idempotent): per-outlet history and the newest runs; `run_days` by day.

    The dashboard's runs list filters by outlet, status and trigger, newest first: each filter has an
    index ending in `started_at`, so a window of one outlet's failed runs reads only those runs.
    """
    db.crawl_runs.create_index([("outlet", ASCENDING), ("started_at", DESCENDING)], name="outlet_started")
    db.crawl_runs.create_index([("started_at", DESCENDING)], name="started")
    for fields in (("outlet", "status"), ("outlet", "trigger"), ("status",), ("trigger",)):
        db.crawl_runs.create_index([*((f, ASCENDING) for f in fields), ("started_at", DESCENDING)],
                                   name="_".join(fields) + "_started")
    db.run_days.create_index([("day", ASCENDING)], name="day")


def start_run(db: Database, *, outlet: str, trigger: str, run_id: ObjectId | None = None,
              extra: Mapping[str, Any] | None = None) -> ObjectId:
    run_id = run_id or ObjectId()
    db.crawl_runs.update_one(
        {"_id": run_id},
        {"$setOnInsert": {"outlet": outlet, "trigger": trigger, "started_at": datetime.now(timezone.utc)},
         # extra fields are set even when the scheduler created the document first
         "$set": {"status": "running", **(extra or {})}},
        upsert=True,
    )
    refresh_outlet_summary(db, outlet)  # the outlet's latest run is this one now
    return run_id


def mark_interrupted(db: Database, outlet: str, current_run: ObjectId) -> int:
    """Runs of this outlet still marked running belong to dead processes.

    Called by a crawl that holds the outlet's lease: no other crawl of the
    outlet can be alive, so any other `running` document is a killed run.
    """
    result = db.crawl_runs.update_many(
        {"outlet": outlet, "status": "running", "_id": {"$ne": current_run}},
        {"$set": {"status": "interrupted", "finished_at": datetime.now(timezone.utc)}})
    if result.modified_count:
        refresh_outlet_summary(db, outlet)
    return result.modified_count


def spool_run(spool_dir, run_id: ObjectId, status: str, summary: Mapping[str, Any],
              outlet: str | None = None) -> None:
    """Keep a run's summary on disk when the database is away at the end of the crawl."""
    import json
    from pathlib import Path

    path = Path(spool_dir)
    path.mkdir(parents=True, exist_ok=True)
    (path / f"run-{run_id}.json").write_text(json.dumps(
        {"run_id": str(run_id), "outlet": outlet, "status": status, "summary": summary}, default=str))


def spooled_runs(spool_dir) -> list[tuple[Any, dict]]:
    """(path, record) of each run summary kept in the spool, oldest first; an unreadable one
    has {"error": reason}."""
    import json
    from pathlib import Path

    found = []
    for path in sorted(Path(spool_dir).glob("run-*.json")) if Path(spool_dir).is_dir() else []:
        try:
            record = json.loads(path.read_text())
            if not isinstance(record, dict):
                raise ValueError("not a JSON object")
        except (OSError, ValueError) as exc:
            record = {"error": str(exc)}
        found.append((path, record))
    return found


def replay_runs(db: Database, spool_dir) -> int:
    replayed = 0
    for path, record in spooled_runs(spool_dir):
        if "error" in record:
            continue  # kept for a human to look at; `spool list` names it
        run_id = ObjectId(record["run_id"])
        insert = {"started_at": datetime.now(timezone.utc)}
        if record.get("outlet"):  # the run's start was never recorded either
            insert["outlet"] = record["outlet"]
        db.crawl_runs.update_one({"_id": run_id}, {"$setOnInsert": insert}, upsert=True)
        finish_run(db, run_id, status=record["status"], summary=record["summary"])
        path.unlink()
        replayed += 1
    return replayed


def finish_run(db: Database, run_id: ObjectId, *, status: str, summary: Mapping[str, Any]) -> None:
    now = datetime.now(timezone.utc)
    doc = db.crawl_runs.find_one({"_id": run_id}, {"started_at": 1, "outlet": 1}) or {}
    started = doc.get("started_at") or now
    db.crawl_runs.update_one({"_id": run_id}, {"$set": {
        "status": status, "finished_at": now,
        "duration_s": round((now - started).total_seconds(), 3), **summary}})
    add_to_day(db, doc.get("outlet") or "?", started, summary)
    refresh_outlet_summary(db, doc.get("outlet"))


def add_to_day(db: Database, outlet: str, started: datetime, summary: Mapping[str, Any]) -> None:
    """Add a finished run to its outlet's day in `run_days` (new articles, runs, errors by kind).

    The dashboard's per-day charts read these few documents instead of every run of two weeks.
    """
    started = started if started.tzinfo else started.replace(tzinfo=timezone.utc)
    day = started.astimezone(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    inc: dict[str, int] = {"runs": 1, "new": int((summary.get("stored") or {}).get("new", 0) or 0)}
    for kind, count in (summary.get("errors") or {}).items():
        if count:
            inc[f"errors.{kind.replace('.', '_')}"] = int(count)
    db.run_days.update_one({"_id": f"{outlet}|{day:%Y-%m-%d}"},
                           {"$inc": inc, "$setOnInsert": {"outlet": outlet, "day": day}}, upsert=True)


def note_bad_page(stats: Any, kind: str, url: str) -> None:
    """Count one failed page by kind (Scrapy stats) and keep its URL among the kind's first examples."""
    stats.inc_value(f"{STATS_PREFIX}bad_page/{kind}")
    key = f"{STATS_PREFIX}bad_page_examples/{kind}"
    examples = stats.get_value(key) or []
    if len(examples) < EXAMPLES_PER_KIND and url not in examples:
        stats.set_value(key, [*examples, url])


def note_fields(stats: Any, item: Mapping[str, Any]) -> None:
    """Count a valid article and which of the fields operators watch it has (the run's `fields`)."""
    stats.inc_value(f"{STATS_PREFIX}fields/articles")
    for name in ("published_at", "authors", "paywalled"):
        if item.get(name):
            stats.inc_value(f"{STATS_PREFIX}fields/{name}")


def _examples(stats: Mapping[str, Any]) -> dict[str, list[str]]:
    prefix = f"{STATS_PREFIX}bad_page_examples/"
    return {f"page:{k[len(prefix):].replace('.', '_')}": [str(u) for u in v] for k, v in sorted(stats.items())
            if k.startswith(prefix) and isinstance(v, list)}


def _group(stats: Mapping[str, Any], prefix: str) -> dict[str, int]:
    return {k[len(prefix):].replace(".", "_"): int(v) for k, v in sorted(stats.items())
            if k.startswith(prefix) and isinstance(v, (int, float))}


def summarize_stats(stats: Mapping[str, Any]) -> dict[str, Any]:
    """The run summary from Scrapy stats: pages, stored, dropped, errors by kind."""
    # One count per failed page (its final outcome, after retries), per spider
    # exception and per store failure. Scrapy's raw per-attempt counts (retries
    # included) are kept apart in `attempts`, so an error rate is not inflated.
    errors: dict[str, int] = {}
    errors.update({f"page:{k}": v for k, v in _group(stats, f"{STATS_PREFIX}bad_page/").items()})
    errors.update({f"spider:{k}": v for k, v in _group(stats, "spider_exceptions/").items()})
    errors.update({f"store:{k}": v for k, v in _group(stats, f"{STATS_PREFIX}store_error/").items()})
    attempts: dict[str, int] = {}
    attempts.update({f"download:{k.rsplit('_', 1)[-1]}": v
                     for k, v in _group(stats, "downloader/exception_type_count/").items()})
    attempts.update({f"http:{k}": v for k, v in _group(stats, "downloader/response_status_count/").items()
                     if int(k) >= 400})
    stored = _group(stats, f"{STATS_PREFIX}stored/")
    articles_seen = int(stats.get("item_scraped_count", 0)) + sum(_group(stats, "item_dropped_reasons_count/").values())
    return {
        "pages_fetched": int(stats.get("response_received_count", 0)),
        # pages the crawl could use: section, feed and sitemap pages parsed, articles extracted
        # (robots.txt and error pages are fetched, not read)
        "pages_read": int(stats.get(f"{STATS_PREFIX}section_pages", 0))
        + int(stats.get(f"{STATS_PREFIX}listing_pages", 0)) + articles_seen,
        "articles_seen": articles_seen,
        "stored": {k: stored.get(k, 0) for k in ("new", "updated", "unchanged")} | stored,
        "dropped": _group(stats, f"{STATS_PREFIX}dropped/"),
        "linked_duplicates": int(stats.get(f"{STATS_PREFIX}duplicates/linked", 0)),
        # by kind of match (exact, near), whether linked or dropped by the duplicate policy
        "duplicates": {k: v for k, v in _group(stats, f"{STATS_PREFIX}duplicates/").items() if k != "linked"},
        "skipped_known": int(stats.get(f"{STATS_PREFIX}skipped_known", 0)),
        # page date vs feed/sitemap date more than a day apart (the page's stored); dates taken from listings
        "date_disagreements": int(stats.get(f"{STATS_PREFIX}date_disagreements", 0)),
        "dates_from_listing": int(stats.get(f"{STATS_PREFIX}date_from_listing", 0)),
        # the page's own date sources (JSON-LD vs meta, <time>, URL) more than a day apart; JSON-LD kept
        "date_source_disagreements": int(stats.get(f"{STATS_PREFIX}date_source_disagreements", 0)),
        "older_than_since": int(stats.get(f"{STATS_PREFIX}older_than_since", 0)),
        "over_page_budget": int(stats.get(f"{STATS_PREFIX}over_page_budget", 0)),
        "spooled": int(stats.get(f"{STATS_PREFIX}spooled", 0)),
        "errors": errors,
        "error_examples": _examples(stats),  # kind -> the first few URLs that failed that way
        # valid articles, and how many had a date, authors, a paywall: field coverage per run
        "fields": {k: _group(stats, f"{STATS_PREFIX}fields/").get(k, 0)
                   for k in ("articles", "published_at", "authors", "paywalled")},
        "attempts": attempts,
        "blocked": {"articles": int(stats.get(f"{STATS_PREFIX}articles_blocked", 0)),
                    "article_fetches": int(stats.get(f"{STATS_PREFIX}article_fetches", 0)),
                    "pages": int(stats.get(f"{STATS_PREFIX}bad_page/blocked", 0)),
                    # responses other than robots.txt: what a block could have hit
                    "page_fetches": int(stats.get("response_received_count", 0))
                    - int(stats.get("robotstxt/response_count", 0))},
        "finish_reason": stats.get("finish_reason"),
    }


def is_blocked_run(blocked: Mapping[str, int]) -> bool:
    """Most article fetches met a block page; with no article fetched, most pages did."""
    fetches, articles = int(blocked.get("article_fetches", 0)), int(blocked.get("articles", 0))
    if fetches:
        return articles * 2 > fetches
    pages = int(blocked.get("pages", 0))
    return pages > 0 and pages * 2 > int(blocked.get("page_fetches", 0))


def run_status(summary: Mapping[str, Any]) -> str:
    """ok, degraded (spooled), failed (nothing could be read), refused (lease held), blocked,
    interrupted (Ctrl-C or SIGTERM: Scrapy's `shutdown`), or Scrapy's own finish reason."""
    reason = summary.get("finish_reason")
    if reason == "lease_held":
        return "refused"
    if reason == "shutdown":
        return "interrupted"
    if reason == "database_unreachable":
        return "failed"
    if is_blocked_run(summary.get("blocked") or {}):
        return "blocked"
    if reason in (None, "finished") and not summary.get("pages_read"):
        return "failed"  # every page failed (server down, all 404): not an "ok" with nothing in it
    if summary.get("spooled"):
        return "degraded"
    if reason not in (None, "finished"):
        return str(reason)
    return "ok"


def failure_reason(summary: Mapping[str, Any]) -> str | None:
    """The one-line `error` of a failed run, naming what went wrong."""
    if run_status(summary) != "failed":
        return None
    if summary.get("finish_reason") == "database_unreachable":
        return "database unreachable at start: not crawled without the outlet's lease"
    errors = ", ".join(f"{k} {v}" for k, v in sorted((summary.get("errors") or {}).items()))
    return "nothing could be read" + (f" ({errors})" if errors else "")

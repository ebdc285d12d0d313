"""What the dashboard shows, read from the database: plain functions of a pymongo Database.

No HTTP here, so each one is tested against a real server without a web
server. Every query is bounded (a limit, an indexed filter or a time window),
so a page costs the same with 10,000 runs and 100,000 articles as with ten:
`outlet_started` and `started` on crawl_runs, `outlet_published` and `_id`
on articles, `url_version_unique` on article_versions.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from bson import ObjectId
from bson.errors import InvalidId
from pymongo import ASCENDING, DESCENDING
from pymongo.database import Database

from pipelines.mongo import redact_text
from schedules.monitoring import GOOD_STATUSES, NOT_CRAWLS, error_count

RUNS_PER_OUTLET = 30  # the outlets page: the sparkline and the error rate
COVERAGE_SAMPLE = 200  # newest articles per outlet for the paywalled share and field coverage
PAGE_SIZE = 50
RUN_FIELDS = {"outlet": 1, "trigger": 1, "status": 1, "started_at": 1, "finished_at": 1, "duration_s": 1,
              "stored": 1, "errors": 1, "pages_fetched": 1, "job_id": 1, "section": 1, "error": 1,
              "monitoring": 1, "node": 1, "service": 1}


def utc(value: Any) -> datetime | None:
    """A stored date as an aware UTC datetime (clients without tz_aware give naive ones)."""
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def object_id(text: str) -> ObjectId | None:
    try:
        return ObjectId(text)
    except (InvalidId, TypeError):
        return None


def new_articles(run: Mapping) -> int:
    return int((run.get("stored") or {}).get("new", 0) or 0)


# -- outlets -----------------------------------------------------------------------

def outlet_names(db: Database, defined: Iterable[str] = ()) -> list[str]:
    """Outlets defined in files plus any that have runs (a removed outlet's history still shows)."""
    return sorted(set(defined) | {n for n in db.crawl_runs.distinct("outlet") if isinstance(n, str)})


def firing_alerts(runs: Iterable[Mapping]) -> list[dict]:
    """The alerts of each job's newest checked run: what is firing now, one entry per check and job."""
    seen_jobs: set = set()
    firing = []
    for run in runs:  # newest first
        job = run.get("job_id") or run.get("section") or run.get("outlet")
        if job in seen_jobs or "monitoring" not in run:
            continue
        seen_jobs.add(job)
        firing.extend(dict(a) for a in (run["monitoring"] or {}).get("alerts") or [])
    return firing


def field_coverage(articles: list[Mapping]) -> dict[str, float | None]:
    """Shares of articles with a date, with authors, and paywalled; None with no articles."""
    n = len(articles)
    if not n:
        return {"articles": 0, "published_at": None, "authors": None, "paywalled": None}
    return {"articles": n,
            "published_at": sum(1 for a in articles if a.get("published_at")) / n,
            "authors": sum(1 for a in articles if a.get("authors")) / n,
            "paywalled": sum(1 for a in articles if a.get("paywalled")) / n}


def outlet_row(db: Database, outlet: str, *, runs: int = RUNS_PER_OUTLET, sample: int = COVERAGE_SAMPLE) -> dict:
    """One line of the outlets page."""
    recent = list(db.crawl_runs.find({"outlet": outlet, "status": {"$nin": list(NOT_CRAWLS)}}, RUN_FIELDS,
                                     sort=[("started_at", DESCENDING)], limit=runs))
    last_good = db.crawl_runs.find_one({"outlet": outlet, "status": {"$in": list(GOOD_STATUSES)}},
                                       RUN_FIELDS, sort=[("started_at", DESCENDING)])
    latest = db.crawl_runs.find_one({"outlet": outlet}, RUN_FIELDS, sort=[("started_at", DESCENDING)])
    pages = sum(int(r.get("pages_fetched") or 0) for r in recent)
    errors = sum(error_count(r) for r in recent)
    # The newest articles by _id (an ObjectId grows with insert time): what extraction does now.
    newest = list(db.articles.find({"outlet": outlet}, {"published_at": 1, "authors": 1, "paywalled": 1},
                                   sort=[("_id", DESCENDING)], limit=sample))
    return {
        "outlet": outlet,
        "latest": latest,
        "last_good": last_good,
        "new_per_run": [new_articles(r) for r in reversed(recent)],
        "runs_counted": len(recent),
        "error_rate": errors / pages if pages else None,
        "errors": errors,
        "pages": pages,
        "alerts": firing_alerts(recent),
        "coverage": field_coverage(newest),
    }


def outlets_overview(db: Database, defined: Iterable[str] = ()) -> list[dict]:
    return [outlet_row(db, name) for name in outlet_names(db, defined)]


# -- runs ------------------------------------------------------------------------------

def run_filter(outlet: str | None = None, status: str | None = None, trigger: str | None = None) -> dict:
    query: dict[str, Any] = {}
    for key, value in (("outlet", outlet), ("status", status), ("trigger", trigger)):
        if value:
            query[key] = value
    return query


def list_runs(db: Database, *, outlet: str | None = None, status: str | None = None,
              trigger: str | None = None, page: int = 1, page_size: int = PAGE_SIZE) -> list[dict]:
    """Newest first; one page of page_size (plus one, so the caller knows a next page exists)."""
    page = max(page, 1)
    return list(db.crawl_runs.find(run_filter(outlet, status, trigger), RUN_FIELDS,
                                   sort=[("started_at", DESCENDING), ("_id", DESCENDING)],
                                   skip=(page - 1) * page_size, limit=page_size + 1))


def run_filter_choices(db: Database, defined_outlets: Iterable[str] = ()) -> dict[str, list[str]]:
    """The values the runs filters offer."""
    return {"outlet": outlet_names(db, defined_outlets),
            "status": sorted(s for s in db.crawl_runs.distinct("status") if isinstance(s, str)),
            "trigger": sorted(t for t in db.crawl_runs.distinct("trigger") if isinstance(t, str))}


def run_detail(db: Database, run_id: str) -> dict | None:
    """The run document with its errors sorted by count, each with its example URLs."""
    oid = object_id(run_id)
    doc = db.crawl_runs.find_one({"_id": oid}) if oid else None
    if doc is None:
        return None
    examples = doc.get("error_examples") or {}
    doc["errors_by_kind"] = [{"kind": kind, "count": int(count), "examples": list(examples.get(kind) or [])}
                             for kind, count in sorted((doc.get("errors") or {}).items(),
                                                       key=lambda kv: (-int(kv[1]), kv[0])) if int(count)]
    doc["dropped_by_reason"] = sorted((doc.get("dropped") or {}).items(), key=lambda kv: (-int(kv[1]), kv[0]))
    for key in ("error", "database", "log_tail"):
        if isinstance(doc.get(key), str):
            doc[key] = redact_text(doc[key])
    return doc


# -- schedules -----------------------------------------------------------------------------

def last_outcomes(db: Database, job_ids: Iterable[str]) -> dict[str, dict]:
    """The newest crawl_runs document of each job."""
    out = {}
    for job_id in job_ids:
        parts = job_id.split(":")
        outlet = parts[1] if len(parts) > 1 else job_id
        doc = db.crawl_runs.find_one({"outlet": outlet, "job_id": job_id}, RUN_FIELDS,
                                     sort=[("started_at", DESCENDING)])
        if doc is not None:
            out[job_id] = doc
    return out


def schedule_rows(db: Database, schedule, service: Mapping | None) -> list[dict]:
    """Each job: trigger, state (scheduled, paused, running, disabled, not in store), next run, last outcome.

    With a live service its heartbeat tells (what `newsdesk schedule list` shows); without one, the
    schedule file with next run times as last stored in the job store (read, never written).
    """
    from schedules.service import JOBS_COLLECTION

    rows = []
    if service is not None:
        for job in service.get("jobs") or []:
            state = "running" if job.get("running") else "paused" if job.get("paused") else "scheduled"
            rows.append({"job_id": job["id"], "trigger": job.get("trigger"), "state": state,
                         "next_run": utc(job.get("next_run_time")), "paused": bool(job.get("paused"))})
    elif schedule is not None:
        stored = {d["_id"]: d.get("next_run_time")
                  for d in db[JOBS_COLLECTION].find({}, {"next_run_time": 1})}
        for entry in schedule.entries:
            nxt = None
            if not entry.enabled:
                state = "disabled"
            elif entry.job_id not in stored:
                state = "not in store"
            elif stored[entry.job_id] is None:
                state = "paused"
            else:
                state = "scheduled"
                nxt = datetime.fromtimestamp(stored[entry.job_id], timezone.utc)
            trigger = f"cron '{entry.cron}' {entry.timezone}" if entry.cron else f"every {entry.every:g}s"
            rows.append({"job_id": entry.job_id, "trigger": trigger, "state": state, "next_run": nxt,
                         "paused": state == "paused"})
    outcomes = last_outcomes(db, [r["job_id"] for r in rows])
    for row in rows:
        row["last"] = outcomes.get(row["job_id"])
    return rows


# -- articles ----------------------------------------------------------------------------------

ARTICLE_LIST_FIELDS = {"title": 1, "outlet": 1, "published_at": 1, "first_seen": 1, "paywalled": 1,
                       "duplicate_of": 1, "version": 1, "url": 1}


def article_filter(*, outlet: str | None = None, title: str | None = None,
                   since: datetime | None = None, until: datetime | None = None) -> dict:
    query: dict[str, Any] = {}
    if outlet:
        query["outlet"] = outlet
    if title:
        query["title"] = {"$regex": re.escape(title.strip()), "$options": "i"}
    if since or until:
        query["published_at"] = {k: v for k, v in (("$gte", since), ("$lt", until)) if v}
    return query


def search_articles(db: Database, *, outlet: str | None = None, title: str | None = None,
                    since: datetime | None = None, until: datetime | None = None,
                    page: int = 1, page_size: int = PAGE_SIZE) -> list[dict]:
    """Newest published first (page_size + 1 rows: one more tells that a next page exists)."""
    page = max(page, 1)
    query = article_filter(outlet=outlet, title=title, since=since, until=until)
    sort = [("published_at", DESCENDING), ("_id", DESCENDING)] if outlet or since or until \
        else [("_id", DESCENDING)]  # no filter on the index's keys: newest stored first, on _id
    return list(db.articles.find(query, ARTICLE_LIST_FIELDS, sort=sort,
                                 skip=(page - 1) * page_size, limit=page_size + 1))


def article_detail(db: Database, article_id: str) -> dict | None:
    """The article, its duplicate_of target (title and id) and its earlier versions, oldest first."""
    oid = object_id(article_id)
    doc = db.articles.find_one({"_id": oid}) if oid else None
    if doc is None:
        return None
    original = doc.get("duplicate_of")
    if original is not None:
        target = db.articles.find_one({"_id": original}, {"title": 1, "outlet": 1})
        doc["original"] = target or {"_id": original, "missing": True}
    doc["versions"] = list(db.article_versions.find({"canonical_url": doc["canonical_url"]},
                                                    sort=[("version", ASCENDING)], limit=50))
    return doc


# -- charts --------------------------------------------------------------------------------------

def _since(now: datetime, days: int) -> datetime:
    start = (now - timedelta(days=days - 1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return start


def stored_per_day(db: Database, *, days: int = 14, now: datetime | None = None
                   ) -> tuple[list[str], dict[str, list[int]]]:
    """New articles stored per UTC day per outlet, from the runs' summaries: (days, outlet -> counts)."""
    now = now or datetime.now(timezone.utc)
    start = _since(now, days)
    labels = [(start + timedelta(days=i)).strftime("%Y-%m-%d") for i in range(days)]
    series: dict[str, list[int]] = defaultdict(lambda: [0] * days)
    for run in db.crawl_runs.find({"started_at": {"$gte": start}}, {"outlet": 1, "started_at": 1, "stored": 1}):
        started, new = utc(run.get("started_at")), new_articles(run)
        if started is None or not new:
            continue
        index = (started - start).days
        if 0 <= index < days:
            series[run.get("outlet", "?")][index] += new
    return labels, dict(sorted(series.items()))


def run_durations(db: Database, *, limit: int = 200) -> list[dict]:
    """The newest crawls (not skipped or missed triggers), oldest first: outlet, start, duration, status."""
    docs = list(db.crawl_runs.find({"status": {"$nin": list(NOT_CRAWLS)}},
                                   {"outlet": 1, "started_at": 1, "duration_s": 1, "status": 1},
                                   sort=[("started_at", DESCENDING)], limit=limit))
    return [{"id": str(d["_id"]), "outlet": d.get("outlet", "?"), "started_at": utc(d.get("started_at")),
             "duration_s": float(d.get("duration_s") or 0.0), "status": d.get("status", "?")}
            for d in reversed(docs)]


def errors_by_kind(db: Database, *, days: int = 14, now: datetime | None = None) -> list[tuple[str, int]]:
    """Errors summed over the runs of the last `days` days, by kind, largest first."""
    now = now or datetime.now(timezone.utc)
    totals: Counter = Counter()
    for run in db.crawl_runs.find({"started_at": {"$gte": _since(now, days)}}, {"errors": 1}):
        for kind, count in (run.get("errors") or {}).items():
            totals[kind] += int(count)
    return sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))

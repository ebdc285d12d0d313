"""`outlet_summaries`: one small document per outlet, its line on the dashboard's outlets page.

The line (latest run, last good run, new articles per run over the last 30
crawls, error rate, firing monitors, paywalled share, field coverage) is
computed from the outlet's newest `crawl_runs` documents, by the same
`summarize_outlet` the page used to run on every load, and written whenever
one of those runs changes: a run starts or finishes, is marked interrupted,
skipped, missed or abandoned, or gets its monitoring result. The page then
reads one document per outlet instead of hundreds of runs. It is a cache of
`crawl_runs`, never the only copy: `refresh_outlet_summary` rebuilds it from
the runs at any time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import Any

from pymongo import DESCENDING
from pymongo.database import Database

COLLECTION = "outlet_summaries"
RUNS_PER_OUTLET = 30  # the sparkline, the error rate and the field coverage
GOOD_STATUSES = ("ok", "degraded")
# Not crawls: a trigger that was skipped or missed says nothing about the site.
NOT_CRAWLS = ("skipped", "missed", "running", "refused")
OUTLET_RUN_FIELDS = {"outlet": 1, "status": 1, "started_at": 1, "finished_at": 1, "stored.new": 1, "errors": 1,
                     "pages_fetched": 1, "job_id": 1, "section": 1, "monitoring.alerts": 1, "fields": 1,
                     "duration_s": 1}
RUN_REFERENCE_FIELDS = ("_id", "outlet", "status", "started_at", "finished_at", "job_id")  # what the line links
CRAWL_FIELDS = ("_id", "started_at", "duration_s", "status")  # each of the last crawls, for the durations chart


def error_count(run: Mapping) -> int:
    return sum(int(v) for v in (run.get("errors") or {}).values())


def new_articles(run: Mapping) -> int:
    return int((run.get("stored") or {}).get("new", 0) or 0)


def crawl_count(window: Iterable[Mapping]) -> int:
    return sum(1 for r in window if r.get("status") not in NOT_CRAWLS)


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


def field_coverage(runs: Iterable[Mapping]) -> dict[str, float | None]:
    """Shares of the articles these runs validated with a date, with authors, and paywalled.

    From each run's `fields` counts (pipelines/runs.py); None where no run counted any.
    """
    totals: Counter = Counter()
    for run in runs:
        totals.update({k: int(v) for k, v in (run.get("fields") or {}).items()})
    n = totals.get("articles", 0)
    if not n:
        return {"articles": 0, "published_at": None, "authors": None, "paywalled": None}
    return {"articles": n, **{k: totals.get(k, 0) / n for k in ("published_at", "authors", "paywalled")}}


def summarize_outlet(outlet: str, window: list[Mapping], runs: int = RUNS_PER_OUTLET,
                     last_good: Mapping | None = None) -> dict:
    """One line of the outlets page from the outlet's newest runs (newest first)."""
    recent = [r for r in window if r.get("status") not in NOT_CRAWLS][:runs]
    latest = window[0] if window else None
    good = next((r for r in recent if r.get("status") in GOOD_STATUSES), None) or last_good
    pages = sum(int(r.get("pages_fetched") or 0) for r in recent)
    errors = sum(error_count(r) for r in recent)
    return {
        "outlet": outlet,
        "latest": latest,
        "last_good": good,
        "new_per_run": [new_articles(r) for r in reversed(recent)],
        "runs_counted": len(recent),
        "error_rate": errors / pages if pages else None,
        "errors": errors,
        "pages": pages,
        "alerts": firing_alerts(recent),
        "coverage": field_coverage(recent),
    }


def run_reference(run: Mapping | None) -> dict | None:
    """The few fields of a run the outlets line shows and links to."""
    return None if run is None else {k: run.get(k) for k in RUN_REFERENCE_FIELDS}


def read_window(db: Database, outlet: str, runs: int = RUNS_PER_OUTLET, since: datetime | None = None
                ) -> tuple[list[dict], bool]:
    """The outlet's newest runs, enough to hold `runs` crawls, newest first; and whether they are all
    the runs it has.

    `since`: the oldest start the previous summary needed; new runs only add to the top, so the
    runs from there on hold enough crawls, and the read stays a short range of `outlet_started`
    however long the history. Read again without it when they do not.
    """
    extra = runs // 3
    while True:
        query: dict[str, Any] = {"outlet": outlet}
        if since is not None:
            query["started_at"] = {"$gte": since}
        window = list(db.crawl_runs.find(query, OUTLET_RUN_FIELDS, sort=[("started_at", DESCENDING),
                                                                         ("_id", DESCENDING)], limit=runs + extra))
        if crawl_count(window) >= runs:
            return window, False
        if len(window) == runs + extra:  # more runs in range, too many of them no crawls
            if extra >= runs * 3:
                return window, False
            extra = runs * 3
            continue
        if since is None:
            return window, True  # all the outlet's runs
        since = None


def last_good_run(db: Database, outlet: str) -> dict | None:
    return db.crawl_runs.find_one({"outlet": outlet, "status": {"$in": list(GOOD_STATUSES)}},
                                  {k: 1 for k in RUN_REFERENCE_FIELDS}, sort=[("started_at", DESCENDING)])


def latest_by_job(window: Iterable[Mapping]) -> list[dict]:
    """The newest run of each job among the outlet's newest runs (the schedules page's last outcome):
    a job's newer run would be among them too."""
    latest: dict[str, dict] = {}
    for run in window:  # newest first
        job = run.get("job_id")
        if isinstance(job, str) and job not in latest:
            latest[job] = run_reference(run)
    return list(latest.values())


def refresh_outlet_summary(db: Database, outlet: str | None, runs: int = RUNS_PER_OUTLET) -> dict | None:
    """Recompute the outlet's line from its runs and store it; returns the stored document."""
    if not outlet:
        return None
    previous = db[COLLECTION].find_one({"_id": outlet}, {"window_from": 1, "last_good": 1}) or {}
    window, everything = read_window(db, outlet, runs, since=previous.get("window_from"))
    row = summarize_outlet(outlet, window, runs)
    if row["last_good"] is None and window:  # none among the last crawls: the one before, kept or looked up
        row["last_good"] = previous.get("last_good") or last_good_run(db, outlet)
    doc = {**row, "_id": outlet, "latest": run_reference(row["latest"]), "last_good": run_reference(row["last_good"]),
           "crawls": [{k: r.get(k) for k in CRAWL_FIELDS} for r in window if r.get("status") not in NOT_CRAWLS][:runs],
           "all_crawls": everything,  # `crawls` holds every crawl of the outlet
           "latest_by_job": latest_by_job(window),
           "window_from": window[-1].get("started_at") if window else None,
           "refreshed_at": datetime.now(timezone.utc)}
    db[COLLECTION].replace_one({"_id": outlet}, doc, upsert=True)
    return doc


def backfill_outlet_summaries(db: Database) -> list[str]:
    """Write the summary of every outlet that has runs but none (runs recorded before the summaries
    existed, or by an older newsdesk); returns those outlets. Run once when the service or the
    standalone dashboard starts: until an outlet runs again its line would otherwise be read from the
    runs on every load, and its crawls would be missing from the durations chart that the other
    outlets' summaries feed."""
    have = {d["_id"] for d in db[COLLECTION].find({}, {"_id": 1})}
    missing = sorted(o for o in db.crawl_runs.distinct("outlet") if isinstance(o, str) and o and o not in have)
    for outlet in missing:
        refresh_outlet_summary(db, outlet)
    return missing

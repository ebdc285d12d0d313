"""What the dashboard shows, read from the database: plain functions of a pymongo Database.

No HTTP here, so each one is tested against a real server without a web
server. A page must cost about the same with 10,000 runs and 100,000
articles as with ten (benchmarks/dashboard.py). The outlets page reads one
summary document per outlet (pipelines/outlet_summary.py, written as runs
change). Lists are a range on an indexed date read newest first through
windows (`newest`): an hour, then slices sized from the rate seen so far,
until enough documents are found. A bare sort is not enough: SecantusDB,
unlike MongoDB, reads and sorts every match of a query before its limit.
Indexes used: `outlet_started`, `started` and one per runs filter
(`outlet_status_started`, ...) on crawl_runs, `outlet_published`,
`published` and `last_seen` on articles, `url_version_unique` on
article_versions, `day` on run_days.
"""

from __future__ import annotations

import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from bson import ObjectId
from bson.errors import InvalidId
from pymongo import ASCENDING, DESCENDING
from pymongo.database import Database

from pipelines.mongo import redact_text
from pipelines.outlet_summary import COLLECTION as SUMMARIES
from pipelines.outlet_summary import (
    GOOD_STATUSES,
    NOT_CRAWLS,
    OUTLET_RUN_FIELDS,
    RUNS_PER_OUTLET,
    crawl_count,
    summarize_outlet,
)

PAGE_SIZE = 50
WINDOWS = (timedelta(hours=1), timedelta(hours=6), timedelta(days=1), timedelta(days=4), timedelta(days=16),
           timedelta(days=64), timedelta(days=366), None)  # None: everything older
TITLE_SEARCH_BUDGET_S = 0.15  # a title is a regex (no text index on SecantusDB): stop widening after this
KNOWN_STATUSES = ("ok", "degraded", "failed", "timed_out", "killed", "interrupted", "abandoned", "error",
                  "refused", "skipped", "missed", "running")
KNOWN_TRIGGERS = ("schedule", "manual", "cli")
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


def newest(collection, query: Mapping, *, field: str, limit: int, projection: Mapping | None = None,
           before: datetime | None = None, now: datetime | None = None,
           budget_s: float | None = None, windows: tuple = WINDOWS) -> tuple[list[dict], datetime | None]:
    """Up to `limit` documents matching `query`, newest `field` first (below `before` if given).

    Read slice by slice, each a range on `field` (an index answers it), wider each time, until
    `limit` are found or nothing older is left. Once a slice found some, the next one is sized from
    the rate seen so far (`next_lower`): the server reads every match in a slice, so a slice much
    wider than needed costs as much as the documents it holds. With a `budget_s` in seconds, a slice
    expected to overrun it (`slice_cost`) is left for the next search. Returns (documents, lower
    bound reached): None when everything was searched, else the date a further search should
    continue below (only when the budget stopped it early).
    """
    upper = before
    top = upper or now or datetime.now(timezone.utc)
    found: list[dict] = []
    started = time.monotonic()
    last: tuple[float, timedelta] | None = None  # the previous slice: seconds it took, the time it covered
    step = 0
    while step < len(windows):
        width = windows[step]
        lower = top - width if width is not None else None
        if lower is not None and upper is not None and lower >= upper:
            step += 1
            continue
        guess = next_lower(top, upper, len(found), limit)
        if guess is not None and lower is not None and guess > lower:
            lower = guess  # narrower than the schedule: stay on this step (the last, everything older, is one read)
        else:
            step += 1
        if budget_s is not None and last is not None and upper is not None and (
                time.monotonic() - started + slice_cost(last, upper, lower) > budget_s):
            return found, upper  # this slice would overrun the budget: continue below here next time
        bounds = {k: v for k, v in (("$lt", upper), ("$gte", lower)) if v is not None}
        q = {**query, field: bounds} if bounds else dict(query)
        slice_started = time.monotonic()
        found.extend(collection.find(q, projection, sort=[(field, DESCENDING), ("_id", DESCENDING)],
                                     limit=limit - len(found)))
        if len(found) >= limit or lower is None:
            return found, None
        last = (time.monotonic() - slice_started, (upper or top) - lower)
        upper = lower
        if budget_s is not None and time.monotonic() - started > budget_s:
            return found, lower
    return found, None


def slice_cost(last: tuple[float, timedelta], upper: datetime, lower: datetime | None) -> float:
    """Seconds a slice from `upper` down to `lower` should take at the previous slice's pace (the
    server reads every document of the range); everything older (no lower bound) as four slices."""
    seconds, covered = last
    if lower is None or covered.total_seconds() <= 0:
        return seconds * 4
    return seconds * (upper - lower) / covered


def next_lower(top: datetime, upper: datetime | None, found: int, limit: int) -> datetime | None:
    """The lower bound of a slice expected to hold the `limit - found` documents still missing, at the
    rate `found` documents per (top - upper) seen so far, with a quarter to spare (at least a quarter
    of the span read so far, so a thinning history still ends in a few slices). None before any."""
    if not found or upper is None or upper >= top:
        return None
    span = top - upper
    return upper - max(span * ((limit - found) / found) * 1.25, span / 4)


# -- outlets -----------------------------------------------------------------------

def active_days(db: Database, now: datetime | None = None, days: int = 30) -> dict[str, datetime]:
    """Each outlet that ran in the last `days` days, with the start of the last day it ran.

    From the outlet summaries (one small document per outlet) when there are any, else from run_days.
    """
    since = (now or datetime.now(timezone.utc)) - timedelta(days=days)
    last: dict[str, datetime] = {}
    summaries = list(db[SUMMARIES].find({}, {"latest.started_at": 1}))
    if summaries:
        for doc in summaries:
            started = utc((doc.get("latest") or {}).get("started_at"))
            if isinstance(doc["_id"], str) and started and started >= since:
                last[doc["_id"]] = started.replace(hour=0, minute=0, second=0, microsecond=0)
        return last
    for doc in db.run_days.find({"day": {"$gte": since}}, {"outlet": 1, "day": 1}):
        day = utc(doc.get("day"))
        if isinstance(doc.get("outlet"), str) and day and day > last.get(doc["outlet"], day - timedelta(1)):
            last[doc["outlet"]] = day
    return last


def activity_hint(active: Mapping[str, datetime] | None, outlet: str, now: datetime | None) -> dict:
    """Arguments for `newest` over one outlet's runs: windows from its last active day; one plain
    read for an outlet idle for a month or never run (its index entry is empty or short)."""
    if active is None:
        return {"now": now}
    if outlet in active:
        return {"now": min(active[outlet] + timedelta(days=1), now or datetime.now(timezone.utc))}
    return {"now": now, "windows": (None,)}


def outlet_names(db: Database, defined: Iterable[str] = (), now: datetime | None = None,
                 active: Mapping[str, datetime] | None = None) -> list[str]:
    """Outlets defined in files plus any that ran in the last 30 days (a removed one still shows)."""
    ran = active if active is not None else active_days(db, now)
    return sorted(set(defined) | set(ran))


def _last_good(db: Database, outlet: str, hint: dict) -> dict | None:
    found, _ = newest(db.crawl_runs, {"outlet": outlet, "status": {"$in": list(GOOD_STATUSES)}},
                      field="started_at", limit=1, projection=RUN_FIELDS, **hint)
    return found[0] if found else None


def outlet_window(db: Database, outlet: str, runs: int, hint: dict) -> list[dict]:
    """The outlet's newest runs, enough to hold `runs` crawls (skipped and missed triggers are no crawls)."""
    for extra in (runs // 3, runs * 3):
        window, _ = newest(db.crawl_runs, {"outlet": outlet}, field="started_at", limit=runs + extra,
                           projection=OUTLET_RUN_FIELDS, **hint)
        if crawl_count(window) >= runs or len(window) < runs + extra:
            break
    return window


def outlet_row(db: Database, outlet: str, *, runs: int = RUNS_PER_OUTLET, now: datetime | None = None,
               active: Mapping[str, datetime] | None = None) -> dict:
    """One line of the outlets page read from the outlet's runs (`active`: from active_days)."""
    hint = activity_hint(active, outlet, now)
    window = outlet_window(db, outlet, runs, hint)
    row = summarize_outlet(outlet, window, runs)
    if row["last_good"] is None and window:
        row["last_good"] = _last_good(db, outlet, hint)
    return row


def idle_latest(db: Database, outlets: list[str]) -> dict[str, dict]:
    """The newest run of each outlet that did not run for a month (or never), in one aggregation."""
    if not outlets:
        return {}
    pipeline = [{"$match": {"outlet": {"$in": outlets}}}, {"$sort": {"started_at": -1}},
                {"$group": {"_id": "$outlet", "latest": {"$first": "$$ROOT"}}}]
    return {row["_id"]: row["latest"] for row in db.crawl_runs.aggregate(pipeline)}


def _newest_first(rows: list[dict]) -> list[dict]:
    epoch = datetime(1970, 1, 1, tzinfo=timezone.utc)
    return sorted(rows, key=lambda r: (r["latest"] is None,
                                       -(utc(r["latest"]["started_at"]) or epoch).timestamp() if r["latest"] else 0,
                                       r["outlet"]))


def outlets_overview(db: Database, defined: Iterable[str] = (), now: datetime | None = None,
                     runs: int = RUNS_PER_OUTLET) -> list[dict]:
    """Outlets that have run first (newest run first), then the ones that never ran, by name.

    Each line is the outlet's summary document (pipelines.outlet_summary, written as its runs change):
    one read for the page. An outlet without one (its runs predate the summaries, or were written by
    hand) is read from its runs, the newest run of all such outlets in one aggregation; a database
    with no summaries at all is read from the runs throughout (`outlets_from_runs`).
    """
    summaries = {d["_id"]: d for d in db[SUMMARIES].find({}, {"crawls": 0}) if isinstance(d.get("_id"), str)}
    if not summaries or runs != RUNS_PER_OUTLET:
        return outlets_from_runs(db, defined, now, runs)
    since = (now or datetime.now(timezone.utc)) - timedelta(days=30)
    recent = {o for o, d in summaries.items() if (utc((d.get("latest") or {}).get("started_at")) or since) > since}
    names = sorted(set(defined) | recent)
    unsummarized = [n for n in names if n not in summaries]
    idle = idle_latest(db, unsummarized)
    rows = []
    for name in names:
        if name in summaries:
            rows.append(summaries[name])
        elif name in idle:
            rows.append(outlet_row(db, name, runs=runs, now=now, active={}))
        else:
            rows.append(summarize_outlet(name, [], runs))
    return _newest_first(rows)


def outlets_from_runs(db: Database, defined: Iterable[str] = (), now: datetime | None = None,
                      runs: int = RUNS_PER_OUTLET) -> list[dict]:
    """The outlets page read from the runs themselves (what the summaries hold, computed now).

    One windowed read of the newest runs of all outlets together (a page costs a few queries, not a
    few per outlet); an outlet running much less often than the others is then read on its own.
    """
    active = active_days(db, now)
    names = outlet_names(db, defined, active=active)
    per_outlet = runs + runs // 3
    wanted = per_outlet * len(active)
    batch = newest(db.crawl_runs, {}, field="started_at", limit=wanted, projection=OUTLET_RUN_FIELDS,
                   now=now)[0] if active else []
    everything_read = len(batch) < wanted
    by_outlet: dict[str, list[dict]] = defaultdict(list)
    for run in batch:
        by_outlet[run.get("outlet")].append(run)
    idle = idle_latest(db, [n for n in names if n not in active])
    rows = []
    for name in names:
        hint = activity_hint(active, name, now)
        if name in active:
            window = by_outlet.get(name, [])
            if crawl_count(window) < runs and not everything_read:
                window = outlet_window(db, name, runs, hint)
        else:
            window = [idle[name]] if name in idle else []
        row = summarize_outlet(name, window, runs)
        if row["last_good"] is None and window:
            row["last_good"] = _last_good(db, name, hint)
        rows.append(row)
    return _newest_first(rows)


# -- runs ------------------------------------------------------------------------------

def run_filter(outlet: str | None = None, status: str | None = None, trigger: str | None = None) -> dict:
    query: dict[str, Any] = {}
    for key, value in (("outlet", outlet), ("status", status), ("trigger", trigger)):
        if value:
            query[key] = value
    return query


def list_runs(db: Database, *, outlet: str | None = None, status: str | None = None,
              trigger: str | None = None, page: int = 1, page_size: int = PAGE_SIZE,
              now: datetime | None = None) -> list[dict]:
    """Newest first; one page of page_size (plus one, so the caller knows a next page exists).

    Page n reads the newest n pages: a deep page costs more, the first pages stay cheap."""
    page = max(page, 1)
    runs, _ = newest(db.crawl_runs, run_filter(outlet, status, trigger), field="started_at",
                     limit=page * page_size + 1, projection=RUN_FIELDS, now=now)
    return runs[(page - 1) * page_size:]


def run_filter_choices(db: Database, defined_outlets: Iterable[str] = (), now: datetime | None = None
                       ) -> dict[str, list[str]]:
    """The values the runs filters offer (statuses and triggers as newsdesk writes them)."""
    return {"outlet": outlet_names(db, defined_outlets, now=now), "status": sorted(KNOWN_STATUSES),
            "trigger": sorted(KNOWN_TRIGGERS)}


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

def last_outcomes(db: Database, job_ids: Iterable[str], now: datetime | None = None) -> dict[str, dict]:
    """The newest run of each job (its `_id`, `status`, `started_at` at least): from the outlet
    summaries, which keep the newest run of each job among the outlet's newest runs; a job not there
    (it ran long ago, or never) is looked up in the runs. Without summaries, all from the runs."""
    job_ids = list(job_ids)
    summaries = list(db[SUMMARIES].find({}, {"latest_by_job": 1}))
    if not summaries or any("latest_by_job" not in d for d in summaries):
        return outcomes_from_runs(db, job_ids, now)
    wanted = set(job_ids)
    out = {ref["job_id"]: ref for d in summaries for ref in d["latest_by_job"] if ref.get("job_id") in wanted}
    missing = [j for j in job_ids if j not in out]
    if missing:
        out.update(outcomes_from_runs(db, missing, now, batch=False))
    return out


def outcomes_from_runs(db: Database, job_ids: list[str], now: datetime | None = None, *,
                       batch: bool = True) -> dict[str, dict]:
    """The newest crawl_runs document of each job: one windowed read of the newest runs of all jobs
    (`batch`), then a read of its own for a job not among them, one aggregation for the idle outlets' jobs."""
    outlet_of = {j: (j.split(":")[1] if j.count(":") else j) for j in job_ids}
    active = active_days(db, now)
    out: dict[str, dict] = {}
    if batch and active and job_ids:
        batch, _ = newest(db.crawl_runs, {}, field="started_at", limit=5 * len(job_ids), projection=RUN_FIELDS,
                          now=now)
        for run in batch:  # newest first
            if run.get("job_id") in outlet_of and run["job_id"] not in out:
                out[run["job_id"]] = run
    idle = [j for j in job_ids if j not in out and outlet_of[j] not in active]
    if idle:
        outlets = sorted({outlet_of[j] for j in idle})  # the outlet is indexed, the job id is not
        pipeline = [{"$match": {"outlet": {"$in": outlets}, "job_id": {"$in": idle}}}, {"$sort": {"started_at": -1}},
                    {"$group": {"_id": "$job_id", "latest": {"$first": "$$ROOT"}}}]
        out.update({row["_id"]: row["latest"] for row in db.crawl_runs.aggregate(pipeline)})
    for job_id in job_ids:
        if job_id not in out and outlet_of[job_id] in active:
            found, _ = newest(db.crawl_runs, {"outlet": outlet_of[job_id], "job_id": job_id}, field="started_at",
                              limit=1, projection=RUN_FIELDS, **activity_hint(active, outlet_of[job_id], now))
            if found:
                out[job_id] = found[0]
    return out


def schedule_rows(db: Database, schedule, service: Mapping | None) -> list[dict]:
    """Each job: trigger, state (scheduled, paused, running, disabled, not in store), next run, last outcome.

    With a live service its heartbeat tells (what `newsdesk schedule list` shows); without one, the
    schedule file with next run times as last stored in the job store (read, never written).
    """
    from schedules.control import JOBS_COLLECTION

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
                    before: datetime | None = None, page: int = 1, page_size: int = PAGE_SIZE,
                    now: datetime | None = None) -> tuple[list[dict], str, datetime | None]:
    """(page_size + 1 articles, the date field they are ordered by, where a title search stopped).

    By outlet or date: newest published first (`outlet_published`, `published`). Otherwise newest
    seen first (`last_seen`). A title is matched as text, case-insensitive, in those windows; it stops
    widening after TITLE_SEARCH_BUDGET_S and says how far back it looked (go on with `before`).
    """
    page = max(page, 1)
    skip, limit = (page - 1) * page_size, page * page_size + 1
    field = "published_at" if outlet or since or until else "last_seen"
    query = article_filter(outlet=outlet, title=title)
    if since:
        query[field] = {"$gte": since}
    upper = min(d for d in (until, before) if d) if (until or before) else None
    if since and upper:
        query[field]["$lt"] = upper
    if since:  # one bounded range: read it whole, newest first
        rows = list(db.articles.find(query, ARTICLE_LIST_FIELDS, sort=[(field, DESCENDING), ("_id", DESCENDING)],
                                     limit=limit))
        return rows[skip:], field, None
    rows, stopped = newest(db.articles, query, field=field, limit=limit, projection=ARTICLE_LIST_FIELDS,
                           before=upper, now=now, budget_s=TITLE_SEARCH_BUDGET_S if title else None)
    return rows[skip:], field, stopped


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


def read_days(db: Database, days: int = 14, now: datetime | None = None) -> tuple[datetime, list[dict]]:
    """The run_days documents of the last `days` UTC days, with the first day: one read for both charts."""
    now = now or datetime.now(timezone.utc)
    start = _since(now, days)
    return start, list(db.run_days.find({"day": {"$gte": start}}, {"outlet": 1, "day": 1, "new": 1, "errors": 1}))


def stored_per_day(db: Database, *, days: int = 14, now: datetime | None = None,
                   read: tuple[datetime, list[dict]] | None = None) -> tuple[list[str], dict[str, list[int]]]:
    """New articles stored per UTC day per outlet (run_days, written as runs finish): (days, outlet -> counts).

    `read`: what read_days(db, days, now) returned, when the page has it already."""
    start, rows = read or read_days(db, days, now)
    labels = [(start + timedelta(days=i)).strftime("%Y-%m-%d") for i in range(days)]
    series: dict[str, list[int]] = defaultdict(lambda: [0] * days)
    for row in rows:
        index = (utc(row["day"]) - start).days
        if 0 <= index < days and row.get("new"):
            series[row.get("outlet", "?")][index] += int(row["new"])
    return labels, dict(sorted(series.items()))


def crawls_from_summaries(db: Database, limit: int) -> list[dict] | None:
    """The newest `limit` crawls of all outlets, newest first, merged from each outlet summary's last
    crawls; None when the summaries cannot tell (none yet, one written before they kept crawls, or an
    outlet whose every kept crawl is among the newest `limit` while it has older ones)."""
    summaries = list(db[SUMMARIES].find({}, {"crawls": 1, "all_crawls": 1}))
    if not summaries or any("crawls" not in s for s in summaries):
        return None

    def key(crawl: Mapping) -> tuple:
        return utc(crawl.get("started_at")) or datetime.min.replace(tzinfo=timezone.utc), crawl["_id"]

    merged = sorted(({**c, "outlet": s["_id"]} for s in summaries for c in s["crawls"]), key=key, reverse=True)
    newest_crawls = merged[:limit]
    cutoff = key(newest_crawls[-1]) if len(newest_crawls) == limit else None
    for s in summaries:
        if s.get("all_crawls"):
            continue
        if not s["crawls"] or cutoff is None or key(s["crawls"][-1]) >= cutoff:
            return None  # this outlet's older crawls may belong among the newest
    return newest_crawls


def run_durations(db: Database, *, limit: int = 200) -> list[dict]:
    """The newest crawls (not skipped or missed triggers), oldest first: outlet, start, duration, status.

    From the outlet summaries when they hold them (one read), else from the runs."""
    docs = crawls_from_summaries(db, limit)
    if docs is None:
        docs, _ = newest(db.crawl_runs, {"status": {"$nin": list(NOT_CRAWLS)}}, field="started_at", limit=limit,
                         projection={"outlet": 1, "started_at": 1, "duration_s": 1, "status": 1})
    return [{"id": str(d["_id"]), "outlet": d.get("outlet", "?"), "started_at": utc(d.get("started_at")),
             "duration_s": float(d.get("duration_s") or 0.0), "status": d.get("status", "?")}
            for d in reversed(docs)]


def errors_by_kind(db: Database, *, days: int = 14, now: datetime | None = None,
                   read: tuple[datetime, list[dict]] | None = None) -> list[tuple[str, int]]:
    """Errors summed over the runs of the last `days` days (run_days), by kind, largest first."""
    totals: Counter = Counter()
    for row in (read or read_days(db, days, now))[1]:
        for kind, count in (row.get("errors") or {}).items():
            totals[kind] += int(count)
    return sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))

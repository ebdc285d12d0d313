"""The dashboard's queries against a real database server, no HTTP."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bson import ObjectId

from pipelines.outlet_summary import refresh_outlet_summary
from pipelines.runs import add_to_day, finish_run, mark_interrupted, start_run
from schedules.dashboard import queries
from schedules.definitions import parse_schedule

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)


def run_doc(outlet, hours_ago, status="ok", new=0, errors=None, pages=10, **extra):
    started = NOW - timedelta(hours=hours_ago)
    return {"_id": ObjectId(), "outlet": outlet, "trigger": extra.pop("trigger", "schedule"), "status": status,
            "job_id": extra.pop("job_id", f"crawl:{outlet}"), "started_at": started,
            "finished_at": started + timedelta(seconds=20), "duration_s": 20.0, "pages_fetched": pages,
            "stored": {"new": new, "updated": 0, "unchanged": 1}, "errors": errors or {}, **extra}


def article_doc(outlet, n, **extra):
    return {"_id": ObjectId(), "canonical_url": f"https://{outlet}.example/{n}", "url": f"https://{outlet}.example/{n}",
            "outlet": outlet, "title": f"Story {n}", "body": "x" * 250, "published_at": NOW - timedelta(days=n),
            "first_seen": NOW, "last_seen": NOW, "version": 1, "authors": [], "paywalled": False, **extra}


def test_outlet_row_sparkline_error_rate_alerts_coverage(mongo_db):
    runs = [run_doc("a", 40 - i, new=i, errors={"page:http_404": 1} if i % 2 else {}) for i in range(35)]
    runs.append(run_doc("a", 0.1, status="skipped", new=0))  # not a crawl: left out of the line
    runs.append(run_doc("a", 0.2, status="failed", new=0, errors={"page:timeout": 5},
                        monitoring={"alerts": [{"check": "failing", "outlet": "a", "message": "a: last 2 failed"}]}))
    runs.append(run_doc("a", 3, status="ok", new=2, job_id="crawl:a:world",
                        monitoring={"alerts": [{"check": "zero_new", "outlet": "a", "message": "quiet"}]}))
    runs[-1]["fields"] = {"articles": 6, "published_at": 6, "authors": 3, "paywalled": 0}
    runs[-2]["fields"] = {"articles": 4, "published_at": 3, "authors": 2, "paywalled": 3}
    runs[0]["fields"] = {"articles": 100, "published_at": 0}  # older than the last 30 crawls: not counted
    mongo_db.crawl_runs.insert_many(runs)
    mongo_db.crawl_runs.insert_one(run_doc("b", 24 * 400))  # a year ago: still found
    for run in [*runs, run_doc("b", 24 * 400)]:  # as finish_run does
        add_to_day(mongo_db, run["outlet"], run["started_at"], run)

    row = queries.outlet_row(mongo_db, "a", now=NOW)
    assert row["runs_counted"] == 30
    # oldest first, the newest crawl (failed, 0 new) last; the skipped trigger is not there
    assert row["new_per_run"][-3:] == [34, 2, 0]
    assert row["latest"]["status"] == "skipped"
    assert row["last_good"]["job_id"] == "crawl:a:world"
    pages = 30 * 10
    counted = [r for r in sorted(runs, key=lambda r: r["started_at"], reverse=True)
               if r["status"] != "skipped"][:30]
    errors = sum(sum(r["errors"].values()) for r in counted)
    assert row["error_rate"] == errors / pages
    assert sorted(a["check"] for a in row["alerts"]) == ["failing", "zero_new"]  # newest per job
    cov = row["coverage"]
    assert cov == {"articles": 10, "published_at": 0.9, "authors": 0.5, "paywalled": 0.3}

    names = queries.outlet_names(mongo_db, ["c"], now=NOW)
    assert names == ["a", "c"]  # c is defined in a file and never ran; b last ran a year ago
    assert queries.outlet_row(mongo_db, "b", now=NOW)["latest"]["outlet"] == "b"
    never = queries.outlet_row(mongo_db, "c", now=NOW)
    assert never["latest"] is None and never["error_rate"] is None and never["coverage"]["articles"] == 0


def test_list_runs_filters_and_pages(mongo_db):
    runs = [run_doc("a", 10 - i, status="ok" if i % 3 else "failed", trigger="cli" if i % 2 else "schedule")
            for i in range(10)] + [run_doc("b", 1.5)]
    mongo_db.crawl_runs.insert_many(runs)
    for run in runs:
        add_to_day(mongo_db, run["outlet"], run["started_at"], run)
    everything = queries.list_runs(mongo_db, page_size=4, now=NOW)
    assert len(everything) == 5  # one more than a page: there is a next page
    assert everything[0]["outlet"] == "a" and everything[0]["started_at"] == NOW - timedelta(hours=1)
    failed = queries.list_runs(mongo_db, outlet="a", status="failed", now=NOW)
    assert len(failed) == 4 and all(r["status"] == "failed" for r in failed)
    cli_failed = queries.list_runs(mongo_db, outlet="a", status="failed", trigger="cli", now=NOW)
    assert [r["trigger"] for r in cli_failed] == ["cli"] * 2
    page2 = queries.list_runs(mongo_db, page=2, page_size=4, now=NOW)
    assert [r["_id"] for r in page2[:1]] == [everything[4]["_id"]]  # page 2 starts where page 1 ended
    page3 = queries.list_runs(mongo_db, page=3, page_size=4, now=NOW)
    assert len(page3) == 3
    choices = queries.run_filter_choices(mongo_db, ["z"], now=NOW)
    assert choices["outlet"] == ["a", "b", "z"] and {"failed", "ok", "timed_out"} <= set(choices["status"])
    assert choices["trigger"] == ["cli", "manual", "schedule"]


def test_run_detail_errors_by_kind_with_examples_and_redaction(mongo_db):
    doc = run_doc("a", 1, status="failed", errors={"page:http_404": 2, "page:timeout": 7, "store:x": 0},
                  error_examples={"page:timeout": ["https://a.example/slow"]},
                  dropped={"missing_title": 3, "too_short": 5},
                  error="could not reach mongodb://user:hunter2@db.example:27017/news")
    mongo_db.crawl_runs.insert_one(doc)
    run = queries.run_detail(mongo_db, str(doc["_id"]))
    assert run["errors_by_kind"] == [
        {"kind": "page:timeout", "count": 7, "examples": ["https://a.example/slow"]},
        {"kind": "page:http_404", "count": 2, "examples": []}]
    assert run["dropped_by_reason"] == [("too_short", 5), ("missing_title", 3)]
    assert "hunter2" not in run["error"] and "db.example" in run["error"]
    assert queries.run_detail(mongo_db, "not-an-id") is None
    assert queries.run_detail(mongo_db, str(ObjectId())) is None


def test_schedule_rows_without_a_service_read_the_file_and_the_stored_next_runs(mongo_db, tmp_path):
    schedule = parse_schedule({"schedule": [
        {"outlet": "a", "every": "1h"}, {"outlet": "b", "every": "2h"},
        {"outlet": "c", "cron": "5 * * * *", "enabled": False}, {"outlet": "d", "every": "1h"}]},
        tmp_path / "s.toml", {"a": None, "b": None, "c": None, "d": None})
    mongo_db.scheduler_jobs.insert_many([{"_id": "crawl:a", "next_run_time": NOW.timestamp()},
                                         {"_id": "crawl:b", "next_run_time": None}])
    mongo_db.crawl_runs.insert_many([run_doc("a", 2, status="ok"), run_doc("a", 1, status="timed_out")])
    rows = {r["job_id"]: r for r in queries.schedule_rows(mongo_db, schedule, None)}
    assert rows["crawl:a"]["state"] == "scheduled" and rows["crawl:a"]["next_run"] == NOW
    assert rows["crawl:a"]["last"]["status"] == "timed_out"
    assert rows["crawl:b"]["state"] == "paused" and rows["crawl:b"]["paused"] and rows["crawl:b"]["last"] is None
    assert rows["crawl:c"]["state"] == "disabled"
    assert rows["crawl:d"]["state"] == "not in store"

    service = {"jobs": [{"id": "crawl:a", "trigger": "interval[1:00:00]", "next_run_time": None, "paused": True,
                         "running": False}]}
    live = queries.schedule_rows(mongo_db, schedule, service)
    assert [(r["job_id"], r["state"], r["last"]["status"]) for r in live] == [("crawl:a", "paused", "timed_out")]


def test_search_and_article_detail_with_versions_and_duplicate(mongo_db):
    original = article_doc("a", 1, title="Budget passes parliament")
    copy = article_doc("b", 2, title="Budget (copy)", duplicate_of=original["_id"], version=3)
    others = [article_doc("a", n, title=f"Weather {n}") for n in range(3, 8)]
    mongo_db.articles.insert_many([original, copy, *others])
    mongo_db.article_versions.insert_many([
        {"canonical_url": copy["canonical_url"], "version": 2, "body": "two", "title": "t2", "replaced_at": NOW},
        {"canonical_url": copy["canonical_url"], "version": 1, "body": "one", "title": "t1", "replaced_at": NOW}])

    def titles(**kw):
        rows, field, stopped = queries.search_articles(mongo_db, now=NOW, **kw)
        return [a["title"] for a in rows]

    assert sorted(titles(title="budget")) == ["Budget (copy)", "Budget passes parliament"]
    assert titles(title="(copy") == ["Budget (copy)"]  # a regex character is literal text
    assert titles(outlet="a", since=NOW - timedelta(days=4), until=NOW) == [
        "Budget passes parliament", "Weather 3", "Weather 4"]
    assert titles(outlet="a", until=NOW - timedelta(days=4, hours=12)) == ["Weather 5", "Weather 6", "Weather 7"]
    assert titles(outlet="a", page=2, page_size=4) == ["Weather 6", "Weather 7"]
    assert len(titles(page_size=2)) == 3
    old = article_doc("c", 0, title="Budget of 1990", last_seen=NOW - timedelta(days=5000))
    mongo_db.articles.insert_one(old)
    assert "Budget of 1990" in titles(title="budget")  # the windows reach back to everything

    detail = queries.article_detail(mongo_db, str(copy["_id"]))
    assert detail["original"]["title"] == "Budget passes parliament"
    assert [v["version"] for v in detail["versions"]] == [1, 2]
    mongo_db.articles.delete_one({"_id": original["_id"]})
    assert queries.article_detail(mongo_db, str(copy["_id"]))["original"]["missing"] is True
    assert queries.article_detail(mongo_db, "nope") is None


def test_chart_data_per_day_durations_errors(mongo_db):
    runs = [run_doc("a", 1, new=3, errors={"page:http_404": 2}), run_doc("a", 2, new=4),
            run_doc("b", 30, new=5, errors={"page:http_404": 1, "page:timeout": 4}),
            run_doc("b", 24 * 20, new=100, errors={"page:timeout": 50}),  # before the window
            run_doc("a", 0.5, status="skipped")]
    mongo_db.crawl_runs.insert_many(runs)
    for run in runs:  # as finish_run does when a crawl ends
        add_to_day(mongo_db, run["outlet"], run["started_at"], run)
    days, series = queries.stored_per_day(mongo_db, days=3, now=NOW)
    assert days == ["2026-11-18", "2026-11-19", "2026-11-20"]
    assert series == {"a": [0, 0, 7], "b": [0, 5, 0]}
    assert queries.errors_by_kind(mongo_db, days=3, now=NOW) == [("page:timeout", 4), ("page:http_404", 3)]
    assert mongo_db.run_days.find_one({"_id": "a|2026-11-20"})["runs"] == 3
    durations = queries.run_durations(mongo_db, limit=3)
    assert [d["outlet"] for d in durations] == ["b", "a", "a"]  # oldest first; the skipped one is no crawl


def test_outlets_overview_reads_busy_outlets_together_and_quiet_ones_alone(mongo_db):
    runs = [run_doc("busy", i * 0.25, new=1) for i in range(60)]  # every 15 minutes
    runs += [run_doc("daily", 24 * i, new=2) for i in range(35)]  # once a day: few among the newest
    runs += [run_doc("gone", 24 * 100, status="failed")]  # idle for months
    runs += [run_doc("gone", 24 * 101, status="ok")]
    mongo_db.crawl_runs.insert_many(runs)
    for run in runs:
        add_to_day(mongo_db, run["outlet"], run["started_at"], run)
    rows = {r["outlet"]: r for r in queries.outlets_overview(mongo_db, ["gone", "never"], now=NOW)}
    assert list(rows) == ["busy", "daily", "gone", "never"]  # newest run first, never-run last
    assert rows["busy"]["runs_counted"] == 30 and rows["daily"]["runs_counted"] == 30
    assert rows["daily"]["new_per_run"] == [2] * 30
    assert rows["gone"]["latest"]["status"] == "failed" and rows["gone"]["last_good"]["status"] == "ok"
    assert rows["never"]["latest"] is None and rows["never"]["new_per_run"] == []

    outcomes = queries.last_outcomes(mongo_db, ["crawl:busy", "crawl:daily", "crawl:gone", "crawl:never"], now=NOW)
    assert outcomes["crawl:busy"]["started_at"] == NOW and outcomes["crawl:daily"]["started_at"] == NOW
    assert outcomes["crawl:gone"]["status"] == "failed" and "crawl:never" not in outcomes


def comparable(row):
    """What the outlets page shows of a line (the runs it links to by id)."""
    ref = {k: (row[k] or {}).get("_id") for k in ("latest", "last_good")}
    return {**{k: row[k] for k in ("outlet", "new_per_run", "runs_counted", "error_rate", "errors", "pages",
                                   "alerts", "coverage")}, **ref,
            "latest_status": (row["latest"] or {}).get("status")}


def test_the_outlet_summaries_show_the_same_lines_as_the_runs_they_are_made_from(mongo_db):
    alert = {"check": "zero_new", "outlet": "busy", "message": "busy: nothing new"}
    runs = [run_doc("busy", i * 0.25 + 0.25, new=i % 4, errors={"page:http_404": i % 3}, pages=20 + i,
                    fields={"articles": 10, "published_at": 9, "authors": i % 5, "paywalled": i % 2},
                    **({"monitoring": {"alerts": [alert] if i == 0 else []}} if i < 3 else {}))
            for i in range(70)]
    runs += [run_doc("busy", 0.1, status="skipped")]  # the latest run, no crawl
    runs += [run_doc("daily", 24 * i + 1, new=2, status="failed" if i < 31 else "ok") for i in range(35)]
    runs += [run_doc("fresh", 2, status="running")]
    mongo_db.crawl_runs.insert_many(runs)
    for run in runs:
        add_to_day(mongo_db, run["outlet"], run["started_at"], run)
    defined = ["busy", "daily", "never"]
    from_runs = [comparable(r) for r in queries.outlets_from_runs(mongo_db, defined, now=NOW)]
    assert not mongo_db.outlet_summaries.count_documents({})
    assert [comparable(r) for r in queries.outlets_overview(mongo_db, defined, now=NOW)] == from_runs

    for outlet in ("busy", "daily", "fresh"):
        refresh_outlet_summary(mongo_db, outlet)
    summarized = [comparable(r) for r in queries.outlets_overview(mongo_db, defined, now=NOW)]
    assert summarized == from_runs
    lines = {r["outlet"]: r for r in summarized}
    newest_good = next(r for r in runs if r["outlet"] == "daily" and r["status"] == "ok")
    assert lines["daily"]["last_good"] == newest_good["_id"]  # older than the last 30 crawls: looked up
    assert lines["busy"]["latest_status"] == "skipped" and lines["busy"]["alerts"] == [alert]
    assert lines["never"]["latest"] is None and lines["never"]["new_per_run"] == []

    # an outlet defined in a file whose runs predate the summaries is still read from its runs
    mongo_db.outlet_summaries.delete_one({"_id": "daily"})
    assert [comparable(r) for r in queries.outlets_overview(mongo_db, defined, now=NOW)] == from_runs


def test_runs_starting_and_finishing_keep_the_outlet_summary_current(mongo_db):
    run_id = start_run(mongo_db, outlet="wire", trigger="cli")
    line = mongo_db.outlet_summaries.find_one({"_id": "wire"})
    assert line["latest"]["_id"] == run_id and line["latest"]["status"] == "running"
    assert line["runs_counted"] == 0 and line["last_good"] is None
    summary = {"pages_fetched": 12, "stored": {"new": 3, "updated": 0, "unchanged": 0},
               "errors": {"page:http_404": 2}, "fields": {"articles": 4, "published_at": 4, "authors": 2,
                                                          "paywalled": 1}}
    finish_run(mongo_db, run_id, status="ok", summary=summary)
    line = mongo_db.outlet_summaries.find_one({"_id": "wire"})
    assert line["new_per_run"] == [3] and line["error_rate"] == 2 / 12 and line["last_good"]["_id"] == run_id
    assert line["coverage"] == {"articles": 4, "published_at": 1.0, "authors": 0.5, "paywalled": 0.25}

    for i in range(45):  # more than a window: each refresh reads from the previous window's oldest run on
        rid = start_run(mongo_db, outlet="wire", trigger="schedule")
        finish_run(mongo_db, rid, status="failed" if i % 2 else "ok",
                   summary={**summary, "stored": {"new": i}})
    dead = start_run(mongo_db, outlet="wire", trigger="cli")
    assert mark_interrupted(mongo_db, "wire", ObjectId()) == 1  # a crawl that holds the lease finds it dead
    line = mongo_db.outlet_summaries.find_one({"_id": "wire"})
    assert line["latest"]["_id"] == dead and line["latest"]["status"] == "interrupted"
    assert line["new_per_run"] == [*range(16, 45), 0]  # the last 30 crawls, the interrupted one last
    live = queries.outlets_from_runs(mongo_db, now=datetime.now(timezone.utc))
    assert [comparable(r) for r in queries.outlets_overview(mongo_db)] == [comparable(r) for r in live]


def test_a_search_over_its_budget_says_where_to_go_on(mongo_db):
    mongo_db.articles.insert_many([article_doc("a", n, title=f"Story {n}", last_seen=NOW - timedelta(hours=n))
                                   for n in range(0, 48, 2)])
    found, stopped = queries.newest(mongo_db.articles, {"title": {"$regex": "story", "$options": "i"}},
                                    field="last_seen", limit=50, now=NOW, budget_s=0)
    assert stopped == NOW - timedelta(hours=1)  # one slice read, the next expected to overrun
    assert [a["title"] for a in found] == ["Story 0"]
    rest, stopped = queries.newest(mongo_db.articles, {"title": {"$regex": "story", "$options": "i"}},
                                   field="last_seen", limit=50, before=stopped)
    assert stopped is None and len(rest) == 23


def test_run_durations_from_the_summaries_are_the_newest_crawls_of_the_runs(mongo_db):
    runs = [run_doc("busy", i * 0.25, duration_s=float(i)) for i in range(50)]  # newer than every quiet one
    runs += [run_doc("quiet", 24 + i * 5, duration_s=100.0 + i) for i in range(40)]
    runs += [run_doc("few", 30 + i, duration_s=500.0 + i) for i in range(3)] + [run_doc("few", 1, status="skipped")]
    mongo_db.crawl_runs.insert_many(runs)
    limits = (5, 30, 40, 100)
    from_runs = {n: queries.run_durations(mongo_db, limit=n) for n in limits}  # no summaries yet: from the runs
    for outlet in ("busy", "quiet", "few"):
        refresh_outlet_summary(mongo_db, outlet)
    # busy keeps its last 30 crawls: with 40 or 100 wanted all 30 are among the newest, so the
    # summaries cannot tell (busy's older crawls belong there too) and the runs are read
    assert [n for n in limits if queries.crawls_from_summaries(mongo_db, n) is None] == [30, 40, 100]
    assert {n: queries.run_durations(mongo_db, limit=n) for n in limits} == from_runs
    assert [d["outlet"] for d in from_runs[40]].count("busy") == 40

    mongo_db.crawl_runs.delete_many({"outlet": "busy", "started_at": {"$lt": NOW - timedelta(hours=3)}})
    refresh_outlet_summary(mongo_db, "busy")  # 13 busy crawls left, every one of them kept
    assert queries.crawls_from_summaries(mongo_db, 40) is not None
    summarized = queries.run_durations(mongo_db, limit=40)
    mongo_db.outlet_summaries.delete_many({})
    assert summarized == queries.run_durations(mongo_db, limit=40)  # the same as read from the runs
    assert {d["outlet"] for d in summarized} == {"busy", "quiet", "few"}


def test_last_outcomes_from_the_summaries_are_the_newest_run_of_each_job(mongo_db):
    runs = [run_doc("a", i, status="ok" if i % 3 else "failed") for i in range(1, 60)]
    runs += [run_doc("a", 0.5, status="skipped", job_id="crawl:a:world")]
    runs += [run_doc("a", 24 * 10, job_id="crawl:a:sport")]  # long before a's newest 40 runs
    runs += [run_doc("b", 24 * 50, status="timed_out")]  # idle for weeks
    mongo_db.crawl_runs.insert_many(runs)
    jobs = ["crawl:a", "crawl:a:world", "crawl:a:sport", "crawl:b", "crawl:never"]
    from_runs = queries.last_outcomes(mongo_db, jobs, now=NOW)  # no summaries: from the runs
    for outlet in ("a", "b"):
        refresh_outlet_summary(mongo_db, outlet)
    kept = {r["job_id"] for r in mongo_db.outlet_summaries.find_one({"_id": "a"})["latest_by_job"]}
    assert kept == {"crawl:a", "crawl:a:world"}  # crawl:a:sport ran before the runs a summary reads

    def seen(outcomes):
        return {j: (r["_id"], r["status"], r["started_at"]) for j, r in outcomes.items()}
    assert seen(queries.last_outcomes(mongo_db, jobs, now=NOW)) == seen(from_runs)
    assert from_runs["crawl:a"]["status"] == "ok" and from_runs["crawl:a:world"]["status"] == "skipped"
    assert from_runs["crawl:a:sport"]["started_at"] == NOW - timedelta(days=10) and "crawl:never" not in from_runs


def test_a_swept_abandoned_run_is_on_the_outlets_line(mongo_db):
    from types import SimpleNamespace

    from schedules.service import SchedulerService

    run_id = start_run(mongo_db, outlet="wire", trigger="schedule",
                       extra={"lease_owner": "scheduler-dead", "service": "dead-service"})
    assert mongo_db.outlet_summaries.find_one({"_id": "wire"})["latest"]["status"] == "running"
    # the service starting up closes runs left 'running' by a dead one (no lease held for them)
    SchedulerService._sweep_abandoned_runs(SimpleNamespace(db=mongo_db, instance="this-service"))
    assert mongo_db.crawl_runs.find_one({"_id": run_id})["status"] == "abandoned"
    line = mongo_db.outlet_summaries.find_one({"_id": "wire"})
    assert line["latest"]["status"] == "abandoned" and line["runs_counted"] == 1


def test_outlets_with_runs_from_before_the_summaries_get_one_when_the_service_starts(mongo_db):
    # runs written straight into crawl_runs, as an older newsdesk did: no summary for them
    mongo_db.crawl_runs.insert_many([run_doc("old", 48 + i, duration_s=7.0 + i, new=i) for i in range(5)]
                                    + [run_doc("current", 2, duration_s=3.0)])
    refresh_outlet_summary(mongo_db, "current")
    assert queries.crawls_from_summaries(mongo_db, 5) is not None  # one summary: "old" would be missing
    before = queries.run_durations(mongo_db, limit=5)
    assert {d["outlet"] for d in before} == {"current"}  # the gap the backfill closes
    from pipelines.outlet_summary import backfill_outlet_summaries

    assert backfill_outlet_summaries(mongo_db) == ["old"]
    assert backfill_outlet_summaries(mongo_db) == []  # once
    kept = mongo_db.outlet_summaries.find_one({"_id": "old"})
    assert [c["duration_s"] for c in kept["crawls"]] == [7.0, 8.0, 9.0, 10.0, 11.0]
    after = queries.run_durations(mongo_db, limit=6)
    mongo_db.outlet_summaries.delete_many({})
    assert after == queries.run_durations(mongo_db, limit=6)  # what the runs themselves give
    assert {d["outlet"] for d in after} == {"old", "current"}

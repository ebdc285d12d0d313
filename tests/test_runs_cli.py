"""`newsdesk runs` and the scheduler CLI when no service is running."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bson import ObjectId

from pipelines import leases

REPO = Path(__file__).resolve().parents[1]
NEWSDESK = str(Path(sys.executable).with_name("newsdesk"))
T0 = datetime(2026, 11, 20, 8, 0, 0, tzinfo=timezone.utc)



def run(env, *args, timeout=60):
    return subprocess.run([NEWSDESK, *args], env=env, cwd=REPO, capture_output=True, text=True, timeout=timeout)


def schedule(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "s.toml"
    path.write_text('[service]\nhttp = ""\n[defaults]\njitter = 0\n' + body)
    return path


def seed_runs(db):
    db.crawl_runs.insert_many([
        {"_id": ObjectId(), "outlet": "fixture", "trigger": "schedule", "job_id": "crawl:fixture",
         "started_at": T0, "finished_at": T0 + timedelta(seconds=12.5), "duration_s": 12.5, "status": "ok",
         "stored": {"new": 4, "updated": 1, "unchanged": 2}, "dropped": {"missing_title": 2, "duplicate": 1},
         "errors": {"http:404": 3}, "monitoring": {"alerts": []}},
        {"_id": ObjectId(), "outlet": "fixture", "trigger": "schedule", "job_id": "crawl:fixture",
         "started_at": T0 + timedelta(minutes=30), "duration_s": 0.0, "status": "skipped",
         "error": "skipped: lease held by cli:host:1:x"},
        {"_id": ObjectId(), "outlet": "other", "trigger": "cli", "started_at": T0 + timedelta(minutes=45),
         "duration_s": 3.0, "status": "ok", "stored": {"new": 0, "updated": 0, "unchanged": 5}},
        {"_id": ObjectId(), "outlet": "fixture", "trigger": "schedule", "job_id": "crawl:fixture:world",
         "started_at": T0 + timedelta(hours=1), "duration_s": 1500.2, "status": "timed_out",
         "stored": {"new": 0}, "error": "stopped after its time limit of 1500s (SIGTERM)",
         "monitoring": {"alerts": [{"check": "zero_new", "message": "fixture: no new articles in 3 runs"}]}},
    ])


def test_runs_shows_trigger_start_duration_status_stored_dropped_errors(env, mongo_db):
    seed_runs(mongo_db)
    out = run(env, "runs")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert len(lines) == 4  # oldest first
    assert lines[0].startswith("2026-11-20 08:00:00  fixture  schedule  12.5s  ok  stored 4 new / 1 updated / "
                               "2 unchanged  dropped: duplicate 1, missing_title 2  errors: http:404 3")
    assert "skipped  (skipped: lease held by cli:host:1:x)" in lines[1] and "stored" not in lines[1]
    assert "other  cli  3.0s  ok" in lines[2]
    assert "fixture [crawl:fixture:world]  schedule  1500.2s  timed_out" in lines[3]
    assert "(stopped after its time limit of 1500s (SIGTERM))" in lines[3]
    assert "ALERTS: fixture: no new articles in 3 runs" in lines[3]

    only = run(env, "runs", "--outlet", "other").stdout.splitlines()
    assert len(only) == 1 and "other" in only[0]
    last = run(env, "runs", "--last", "2").stdout.splitlines()
    assert len(last) == 2 and "other" in last[0] and "timed_out" in last[1]
    docs = [json.loads(line) for line in run(env, "runs", "--json", "--outlet", "fixture").stdout.splitlines()]
    assert [d["status"] for d in docs] == ["ok", "skipped", "timed_out"]
    assert docs[0]["started_at"] == "2026-11-20T08:00:00Z" and docs[0]["dropped"]["missing_title"] == 2
    empty = run(env, "runs", "--outlet", "nobody")
    assert empty.returncode == 0 and empty.stdout == "" and "no runs recorded for outlet nobody" in empty.stderr


def test_schedule_run_without_a_service_crawls_here_with_lease_and_log(env, tmp_path, mongo_db):
    fast = 'settings = {DOWNLOAD_DELAY = 0, AUTOTHROTTLE_ENABLED = false}\n'
    sched = schedule(tmp_path, '[[schedule]]\noutlet = "fixture"\nevery = "1h"\ntime_limit = "60s"\n' + fast
                     + '[[schedule]]\noutlet = "fixture"\nsection = "world"\nevery = "1h"\n' + fast)
    result = run(env, "schedule", "run", "fixture", "--schedules", str(sched), timeout=90)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "no scheduler service running: crawling crawl:fixture here" in result.stderr
    assert "manual" in result.stdout and "  ok  stored 6 new" in result.stdout
    doc = mongo_db.crawl_runs.find_one({"trigger": "manual"})
    assert doc["status"] == "ok" and doc["exit_code"] == 0 and doc["time_limit_s"] == 60
    assert Path(doc["log_file"]).is_file() and "crawl of fixture: ok" in Path(doc["log_file"]).read_text()
    assert mongo_db.locks.count_documents({}) == 0

    # A per-section job crawls only its section (job id crawl:OUTLET:SECTION).
    mongo_db.articles.delete_many({})
    world = run(env, "schedule", "run", "crawl:fixture:world", "--schedules", str(sched), timeout=90)
    assert world.returncode == 0, world.stderr[-2000:]
    assert {a["section"].rsplit("/", 2)[-2] for a in mongo_db.articles.find()} == {"world"}
    assert mongo_db.crawl_runs.find_one({"job_id": "crawl:fixture:world"})["status"] == "ok"

    assert leases.acquire(mongo_db.locks, "fixture", "cli:elsewhere:1:abc")
    busy = run(env, "schedule", "run", "fixture", "--schedules", str(sched))
    assert busy.returncode == 3
    assert "outlet fixture: skipped: lease held by cli:elsewhere:1:abc" in busy.stderr
    unknown = run(env, "schedule", "run", "nowhere", "--schedules", str(sched))
    assert unknown.returncode == 2 and "'nowhere' is neither a scheduled job nor a defined outlet" in unknown.stderr


def test_schedule_list_without_a_service_reads_the_store_and_control_needs_a_service(env, tmp_path, mongo_db):
    sched = schedule(tmp_path, '[[schedule]]\noutlet = "fixture"\nevery = "1h"\n'
                               '[[schedule]]\noutlet = "fixture"\nsection = "business"\ncron = "5 * * * *"\n'
                               '[[schedule]]\noutlet = "fixture"\nsection = "world"\nevery = "2h"\nenabled = false\n')
    # What a stopped service leaves in APScheduler's MongoDBJobStore (the CLI only reads it).
    nxt = time.time() + 600
    mongo_db.scheduler_jobs.insert_many([
        {"_id": "crawl:fixture", "next_run_time": nxt, "job_state": b""},
        {"_id": "crawl:fixture:business", "next_run_time": None, "job_state": b""},
    ])
    listed = run(env, "schedule", "list", "--schedules", str(sched))
    assert listed.returncode == 0, listed.stderr
    out = listed.stdout
    assert "service: not running (last heartbeat never)" in out
    when = datetime.fromtimestamp(nxt, timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    assert f"crawl:fixture           scheduled     {when}  every 3600s" in out
    assert "crawl:fixture:business  paused" in out and "cron '5 * * * *' UTC" in out
    assert "crawl:fixture:world     disabled" in out
    rows = [json.loads(line) for line in run(env, "schedule", "list", "--json", "--schedules", str(sched))
            .stdout.splitlines()]  # JSON Lines only: the status line goes to stderr
    assert [r["state"] for r in rows] == ["scheduled", "paused", "disabled"]
    assert [r["next_run_utc"] is None for r in rows] == [False, True, True]
    assert mongo_db.scheduler_jobs.count_documents({}) == 2  # untouched

    for action in (["pause", "fixture"], ["resume", "fixture"], ["reload"]):
        result = run(env, "schedule", *action)
        assert result.returncode == 1
        assert "no scheduler service is running on this database" in result.stderr
    assert mongo_db.service_commands.count_documents({}) == 0

"""The scheduler service, for real: `newsdesk serve` as a subprocess, a real database, the fixture site.

Seconds-level intervals keep each test short. The fixture site gets two extra
kinds of path: /slow/SECONDS/PATH answers PATH after a sleep (a slow crawl),
/hang/... never answers within a test (a hung crawl).
"""

from __future__ import annotations

import functools
import json
import re
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace

import pytest

from pipelines import leases
from schedules import monitoring
from schedules.child import ChildResult, outcome_status
from tests.fixture_server import SITE, FixtureServer, QuietHandler
from tests.sitefixtures import newsdesk_env, write_outlet

REPO = Path(__file__).resolve().parents[1]
NEWSDESK = str(Path(sys.executable).with_name("newsdesk"))
FAST = 'settings = {DOWNLOAD_DELAY = 0, AUTOTHROTTLE_ENABLED = false}'
ARTICLES = r"/(world|business)/\d{4}/\d{2}/\d{2}/[a-z0-9-]+\.html$"
NOT_CRAWLS = ("skipped", "missed")


class SiteHandler(QuietHandler):
    def do_GET(self):  # noqa: N802 - stdlib name
        slow = re.match(r"^/slow/(\d+(?:\.\d+)?)(/.*)$", self.path)
        if slow:
            time.sleep(float(slow[1]))
            self.path = slow[2]
        elif self.path.startswith("/hang/"):
            time.sleep(120)  # longer than any time limit in these tests
            return
        super().do_GET()


@pytest.fixture(scope="module")
def site():
    # Bound to the site directory here: FixtureServer only binds its own default handler.
    with FixtureServer(handler=functools.partial(SiteHandler, directory=str(SITE))) as server:
        yield server


def write_plain_outlet(directory: Path, name: str, sections: list[str]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{name}.toml").write_text(
        f'name = "{name}"\ndomains = ["127.0.0.1"]\nsections = {json.dumps(sections)}\n'
        f"article_pattern = '{ARTICLES}'\nallow_private_network = true\n")


@pytest.fixture
def env(tmp_path, site, mongo_uri, db_name):
    outlets = tmp_path / "outlets"
    write_outlet(outlets, site.base_url)  # "fixture": the whole site, fast
    write_plain_outlet(outlets, "slowpoke", [f"{site.base_url}/slow/3/world/"])
    write_plain_outlet(outlets, "hung", [f"{site.base_url}/hang/world/"])
    return newsdesk_env(tmp_path, mongo_uri, db_name, outlets)


def schedule_file(tmp_path: Path, body: str, name: str = "schedules.toml", stop_grace: str = "5s") -> Path:
    path = tmp_path / name
    path.write_text(f'[service]\nhttp = "127.0.0.1:0"\nstop_grace = "{stop_grace}"\nkill_grace = "2s"\n'
                    '[defaults]\njitter = 0\n' + body)
    return path


def entry(outlet: str, every: str, extra: str = "") -> str:
    return f'[[schedule]]\noutlet = "{outlet}"\nevery = "{every}"\n{FAST}\n{extra}\n'


def wait_for(predicate, timeout: float, interval: float = 0.1, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class Service:
    """`newsdesk serve` as a real subprocess (`python -m schedules.commands serve`)."""

    def __init__(self, env, schedules: Path, log: Path):
        self.log_path = log
        self.log = open(log, "ab")  # noqa: SIM115 - lives as long as the service process
        self.proc = subprocess.Popen([sys.executable, "-m", "schedules.commands", "serve", "--schedules", str(schedules)],
                                     env=env, cwd=REPO, stdout=self.log, stderr=subprocess.STDOUT)

    def wait_ready(self, db, timeout: float = 30) -> dict:
        def ready():
            if self.proc.poll() is not None:
                raise AssertionError(f"serve exited {self.proc.returncode}: {self.output()[-3000:]}")
            doc = db.service_status.find_one({"_id": "scheduler"})
            return doc if doc and doc.get("pid") == self.proc.pid and doc["status"] == "running" else None
        return wait_for(ready, timeout, what="service heartbeat")

    def output(self) -> str:
        if not self.log.closed:
            self.log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self, timeout: float = 30) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=timeout)
        finally:
            self.log.close()

    def kill9(self) -> None:
        self.proc.kill()
        self.proc.wait(timeout=10)
        self.log.close()



def start(services, env, schedules, tmp_path, db) -> Service:
    svc = Service(env, schedules, tmp_path / f"serve-{len(services)}.log")
    services.append(svc)
    svc.wait_ready(db)
    return svc


def cli(env, *args, timeout=60):
    return subprocess.run([NEWSDESK, *args], env=env, cwd=REPO, capture_output=True, text=True, timeout=timeout)


def crawls(db, outlet: str, **query) -> list[dict]:
    return list(db.crawl_runs.find({"outlet": outlet, "status": {"$nin": list(NOT_CRAWLS)}, **query},
                                   sort=[("started_at", 1)]))


def assert_no_overlap(runs: list[dict]) -> None:
    for before, after in zip(runs, runs[1:], strict=False):
        assert before.get("finished_at") and before["finished_at"] <= after["started_at"], (before, after)


# -- pure parts ------------------------------------------------------------------

OPTS = SimpleNamespace(zero_new_runs=3, error_rate_alert=0.2, failed_runs=2, min_published_coverage=0.8,
                       min_coverage_sample=5)


def run_doc(status="ok", new=0, pages=10, errors=None, **extra):
    return {"outlet": "x", "status": status, "stored": {"new": new}, "pages_fetched": pages,
            "errors": errors or {}, **extra}


def test_zero_new_articles_alerts_after_n_runs_in_a_row():
    assert monitoring.check_zero_new(run_doc(), [run_doc(), run_doc(new=2)], 3) is None
    assert monitoring.check_zero_new(run_doc(), [run_doc()], 3) is None  # not enough history yet
    alert = monitoring.check_zero_new(run_doc(), [run_doc(), run_doc(), run_doc(new=4)], 3)
    assert alert and alert.check == "zero_new" and "3 runs in a row" in alert.message
    # failed runs neither count nor break the streak; skipped ones are filtered out by evaluate()
    result = monitoring.evaluate(run_doc(), [run_doc(status="skipped"), run_doc(), run_doc(status="failed"),
                                             run_doc()], OPTS)
    assert [a["check"] for a in result["alerts"]] == ["zero_new"]


def test_published_at_coverage_below_80_percent_alerts():
    assert monitoring.check_coverage("x", 10, 8) is None
    alert = monitoring.check_coverage("x", 10, 7)
    assert alert and "70% of 10" in alert.message
    assert monitoring.check_coverage("x", 3, 0) is None  # too few articles to judge
    result = monitoring.evaluate(run_doc(new=5), [], OPTS, coverage=(20, 10))
    assert result["published_at_coverage"] == 0.5 and result["alerts"][0]["check"] == "coverage:published_at"


def test_error_rate_up_and_failing_runs_alert():
    bad = run_doc(new=1, pages=10, errors={"http:500": 4})
    alert = monitoring.check_errors(bad, [run_doc(new=1, errors={"http:404": 1})])
    assert alert and alert.check == "error_rate" and "40%" in alert.message
    assert monitoring.check_errors(bad, [bad, bad]) is None  # high but not up: already alerted
    failing = monitoring.check_errors(run_doc(status="timed_out", error="stopped"), [run_doc(status="failed")])
    assert failing and failing.check == "failing"


def test_alerts_go_to_a_slack_compatible_webhook():
    import http.server
    import threading

    received = []

    class Hook(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *a):
            pass

    httpd = http.server.HTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=httpd.handle_request, daemon=True).start()
    monitoring.send_alerts([{"check": "zero_new", "message": "x: no new articles"}],
                           f"http://127.0.0.1:{httpd.server_address[1]}/hook")
    httpd.server_close()
    assert received and "no new articles" in received[0]["text"]
    assert monitoring.post_webhook("http://127.0.0.1:9/unreachable", "x", timeout=1) is False


def test_metrics_render_runs_articles_failures_and_time_since_good_run():
    metrics = monitoring.Metrics(now=lambda: 1000.0)
    metrics.observe({"outlet": "x", "status": "ok", "stored": {"new": 3, "unchanged": 2},
                     "finished_at": datetime.fromtimestamp(990, timezone.utc)})
    metrics.observe({"outlet": "x", "status": "timed_out"})
    text = metrics.render().decode()
    assert 'newsdesk_runs_total{outlet="x",status="ok"} 1.0' in text
    assert 'newsdesk_articles_total{outcome="new",outlet="x"} 3.0' in text
    assert 'newsdesk_failures_total{outlet="x"} 1.0' in text
    assert 'newsdesk_seconds_since_last_good_run{outlet="x"} 10.0' in text


def test_outcome_status_prefers_what_only_the_parent_knows():
    now = datetime.now(timezone.utc)
    res = ChildResult(-15, now, now, Path("x.log"), timed_out=True, signals_sent=["SIGTERM"])
    assert outcome_status(res, "shutdown") == "timed_out"
    assert outcome_status(ChildResult(0, now, now, Path("x")), "ok") == "ok"
    assert outcome_status(ChildResult(1, now, now, Path("x")), None) == "failed"
    assert outcome_status(ChildResult(-9, now, now, Path("x")), "running") == "killed"
    assert outcome_status(ChildResult(-15, now, now, Path("x"), interrupted=True, signals_sent=["SIGTERM"]),
                          "shutdown") == "interrupted"


# -- the real service -----------------------------------------------------------------

def test_interval_jobs_run_are_recorded_and_observable(env, tmp_path, mongo_db, services):
    sched = schedule_file(tmp_path, entry("fixture", "2s"))
    svc = start(services, env, sched, tmp_path, mongo_db)
    runs = wait_for(lambda: len(c := crawls(mongo_db, "fixture", status="ok")) >= 2 and c, 25,
                    what="two ok runs")
    first = runs[0]
    assert first["trigger"] == "schedule" and first["job_id"] == "crawl:fixture"
    assert first["stored"]["new"] == 6 and runs[1]["stored"]["new"] == 0
    assert first["exit_code"] == 0 and Path(first["log_file"]).is_file()
    assert Path(first["log_file"]).parent == tmp_path / "home" / "logs" / "fixture"
    assert runs[0]["log_file"] != runs[1]["log_file"]  # one log file per run
    assert "monitoring" in mongo_db.crawl_runs.find_one({"_id": first["_id"]})
    assert_no_overlap(runs)
    stored = mongo_db.scheduler_jobs.find_one({"_id": "crawl:fixture"})
    assert stored and stored["next_run_time"] > time.time() - 5  # the job lives in the database

    status = mongo_db.service_status.find_one({"_id": "scheduler"})
    base = f"http://{status['http']}"
    health = json.loads(urllib.request.urlopen(f"{base}/healthz", timeout=5).read())
    assert health["ok"] is True and health["jobs"] == 1
    metrics = urllib.request.urlopen(f"{base}/metrics", timeout=5).read().decode()
    assert 'newsdesk_runs_total{outlet="fixture",status="ok"}' in metrics
    assert 'newsdesk_articles_total{outcome="new",outlet="fixture"} 6.0' in metrics
    assert "newsdesk_seconds_since_last_good_run" in metrics

    listed = cli(env, "schedule", "list", "--schedules", str(sched))
    assert listed.returncode == 0 and "service: running" in listed.stdout
    assert re.search(r"crawl:fixture\s+(scheduled|running)\s+\d{4}-", listed.stdout), listed.stdout

    assert svc.stop() == 0, svc.output()[-2000:]
    assert mongo_db.service_status.find_one({"_id": "scheduler"})["status"] == "stopped"
    assert mongo_db.locks.count_documents({}) == 0  # outlet and service leases released
    assert mongo_db.crawl_runs.count_documents({"status": "running"}) == 0


def test_since_and_max_pages_schedule_keys_reach_the_crawl(env, tmp_path, mongo_db, services):
    sched = schedule_file(tmp_path, entry("fixture", "2s", 'max_pages = 3\nsince = "30d"'))
    svc = start(services, env, sched, tmp_path, mongo_db)
    run = wait_for(lambda: crawls(mongo_db, "fixture", status="ok"), 25, what="an ok run")[0]
    assert svc.stop() == 0, svc.output()[-2000:]
    assert run["over_page_budget"] >= 1 and run["stored"]["new"] < 6, run
    argv_line = Path(run["log_file"]).read_text().splitlines()[0]
    assert "NEWSDESK_MAX_PAGES=3" in argv_line and "NEWSDESK_SINCE=30d" in argv_line


def test_slow_crawl_coalesces_and_never_overlaps(env, tmp_path, mongo_db, services):
    # Fires every second; each crawl takes 3 s+ (a slow section page).
    sched = schedule_file(tmp_path, entry("slowpoke", "1s"))
    svc = start(services, env, sched, tmp_path, mongo_db)
    wait_for(lambda: len(crawls(mongo_db, "slowpoke", status="ok")) >= 2, 30, what="two slow runs")
    assert svc.stop() == 0
    runs = crawls(mongo_db, "slowpoke")
    assert all(r["status"] == "ok" for r in runs), [(r["status"], r.get("error")) for r in runs]
    assert all(r["duration_s"] >= 3 for r in runs)
    assert_no_overlap(runs)
    skipped = list(mongo_db.crawl_runs.find({"outlet": "slowpoke", "status": "skipped"}))
    assert skipped and all("previous run is still going" in s["error"] for s in skipped)
    # Fires that came during a run were coalesced into it, not queued behind it:
    # each new run starts at most about one interval after the previous one ended.
    for before, after in zip(runs, runs[1:], strict=False):
        assert (after["started_at"] - before["finished_at"]).total_seconds() < 2.5


def test_kill9_then_restart_jobs_come_back_and_missed_runs_collapse(env, tmp_path, mongo_db, services):
    sched = schedule_file(tmp_path, entry("fixture", "4s"))
    svc = start(services, env, sched, tmp_path, mongo_db)
    # Kill between two runs (no crawl child left behind): right after a run released its lease.
    wait_for(lambda: crawls(mongo_db, "fixture", status="ok") and not mongo_db.locks.find_one({"_id": "fixture"}),
             25, interval=0.05, what="a finished run")
    svc.kill9()
    killed_at = datetime.now(timezone.utc)
    before = len(crawls(mongo_db, "fixture"))
    assert mongo_db.scheduler_jobs.find_one({"_id": "crawl:fixture"}) is not None
    time.sleep(8.5)  # two fire times pass with no service

    restarted_at = datetime.now(timezone.utc)
    svc2 = start(services, env, sched, tmp_path, mongo_db)
    assert "1 unchanged" in svc2.output()  # the job came back from the store, not re-created
    # The overdue job runs at once (a re-created job would wait a full 4 s interval) ...
    runs = wait_for(lambda: len(c := crawls(mongo_db, "fixture")) > before and c, 10, what="catch-up run")
    catch_up = runs[before]
    assert (catch_up["started_at"] - restarted_at).total_seconds() < 3.5
    # ... exactly once: the missed fire times collapse into that one run.
    time.sleep(1.5)
    after_kill = [r for r in crawls(mongo_db, "fixture") if r["started_at"] > killed_at]
    started_soon = [r for r in after_kill if (r["started_at"] - restarted_at).total_seconds() < 3.5]
    assert len(started_soon) == 1, [(r["started_at"], r["status"]) for r in after_kill]
    assert mongo_db.crawl_runs.count_documents({"status": "missed"}) == 0
    # and the schedule goes on from there
    wait_for(lambda: len(crawls(mongo_db, "fixture", status="ok")) >= before + 2, 12, what="next regular run")
    assert svc2.stop() == 0
    assert_no_overlap(crawls(mongo_db, "fixture"))


def test_hung_crawl_is_stopped_at_its_time_limit_and_the_schedule_goes_on(env, tmp_path, mongo_db, services):
    body = (entry("hung", "2s", 'time_limit = "6s"\n[schedule.settings]\nDOWNLOAD_TIMEOUT = 600\n'
                  'DOWNLOAD_DELAY = 0\nAUTOTHROTTLE_ENABLED = false').replace(FAST + "\n", "")
            + entry("fixture", "2s"))
    sched = schedule_file(tmp_path, body, stop_grace="1s")
    svc = start(services, env, sched, tmp_path, mongo_db)
    first = wait_for(lambda: crawls(mongo_db, "hung", status="timed_out"), 25, what="a timed-out run")[0]
    assert "time limit of 6s" in first["error"] and first["stopped_with"][0] == "SIGTERM"
    assert 6 <= (first["process_ended_at"] - first["process_started_at"]).total_seconds() < 6 + 2 + 1
    assert Path(first["log_file"]).is_file()
    # The next run of the hung outlet starts on time after the stop ...
    second = wait_for(lambda: crawls(mongo_db, "hung", started_at={"$gt": first["process_ended_at"]}), 5,
                      what="the next run")[0]
    assert (second["started_at"] - first["process_ended_at"]).total_seconds() < 3
    # ... and the other outlet keeps running on its own schedule meanwhile.
    wait_for(lambda: len(crawls(mongo_db, "fixture", status="ok")) >= 2, 3, what="fixture runs")
    assert crawls(mongo_db, "hung", _id=second["_id"])[0]["status"] == "running"  # still hung
    # SIGTERM to the service: the running crawl gets its 1 s grace, then is stopped and recorded so.
    assert svc.stop() == 0
    second = mongo_db.crawl_runs.find_one({"_id": second["_id"]})
    assert second["status"] == "interrupted" and "shutting down" in second["error"], second
    assert_no_overlap(crawls(mongo_db, "hung"))
    assert mongo_db.locks.count_documents({}) == 0
    assert "stopping: no new runs" in svc.output()


def test_one_off_crawl_refused_while_the_service_crawls_and_vice_versa(env, tmp_path, mongo_db, services):
    sched = schedule_file(tmp_path, entry("slowpoke", "1s"))
    svc = start(services, env, sched, tmp_path, mongo_db)
    wait_for(lambda: mongo_db.crawl_runs.find_one({"outlet": "slowpoke", "status": "running"}), 15,
             what="a scheduled run in progress")
    one_off = cli(env, "crawl", "slowpoke", "-s", "DOWNLOAD_DELAY=0")
    assert one_off.returncode == 3, one_off.stderr[-2000:]
    assert "slowpoke: already being crawled by scheduler:" in one_off.stderr
    assert mongo_db.crawl_runs.count_documents({"outlet": "slowpoke", "trigger": "cli"}) == 0

    # Now a one-off crawl holds the lease: the service records its runs as skipped, runs nothing beside it.
    wait_for(lambda: leases.acquire(mongo_db.locks, "slowpoke", "cli:elsewhere:1:abc"), 15, interval=0.05,
             what="the lease")
    try:
        skipped = wait_for(lambda: mongo_db.crawl_runs.find_one(
            {"outlet": "slowpoke", "status": "skipped", "error": {"$regex": "lease held by cli:elsewhere"}}),
            10, what="a skipped run")
        assert skipped["trigger"] == "schedule"
        assert mongo_db.crawl_runs.count_documents({"outlet": "slowpoke", "status": "running"}) == 0
    finally:
        leases.release(mongo_db.locks, "slowpoke", "cli:elsewhere:1:abc")
    assert svc.stop() == 0


def test_invalid_schedule_file_exits_2_with_one_line(env, tmp_path, mongo_db):
    bad = schedule_file(tmp_path, '[[schedule]]\noutlet = "fixture"\nevery = "soonish"\n')
    result = cli(env, "serve", "--schedules", str(bad), timeout=30)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert lines[0] == (f"newsdesk: {bad}: schedule[0] (outlet fixture): every: "
                        "'soonish' is not a duration like '30s', '15m', '2h'")
    unknown = schedule_file(tmp_path, '[[schedule]]\noutlet = "nowhere"\ncron = "0 * * * *"\n', "u.toml")
    result = cli(env, "schedule", "check", "--schedules", str(unknown))
    assert result.returncode == 2 and "schedule[0] (outlet nowhere): outlet: not defined" in result.stderr
    assert mongo_db.service_status.count_documents({}) == 0  # refused before touching anything


def test_reload_pause_resume_and_an_invalid_reload_keeps_the_schedule(env, tmp_path, mongo_db, services):
    sched = schedule_file(tmp_path, entry("fixture", "1h"))
    svc = start(services, env, sched, tmp_path, mongo_db)

    def job_ids():
        return sorted(d["_id"] for d in mongo_db.scheduler_jobs.find())

    assert job_ids() == ["crawl:fixture"]
    sched.write_text(sched.read_text() + '[[schedule]]\noutlet = "slowpoke"\ncron = "not cron"\n')
    result = cli(env, "schedule", "reload")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"newsdesk: {sched}: schedule[1] (outlet slowpoke): cron: 'not cron' is not a crontab expression: "
        "Wrong number of fields; got 2, expected 5"]
    assert svc.output().count("reload refused") == 1
    svc.proc.send_signal(signal.SIGHUP)  # the same through SIGHUP
    wait_for(lambda: svc.output().count("reload refused") == 2, 5, what="SIGHUP reload")
    assert job_ids() == ["crawl:fixture"] and svc.proc.poll() is None

    sched.write_text(schedule_file(tmp_path, entry("fixture", "1h") + entry("slowpoke", "2h"), "x.toml")
                     .read_text())
    result = cli(env, "schedule", "reload")
    assert result.returncode == 0 and "1 added" in result.stdout and "1 unchanged" in result.stdout
    assert job_ids() == ["crawl:fixture", "crawl:slowpoke"]

    assert cli(env, "schedule", "pause", "slowpoke").returncode == 0
    assert mongo_db.scheduler_jobs.find_one({"_id": "crawl:slowpoke"})["next_run_time"] is None
    listed = wait_for(lambda: "paused" in (r := cli(env, "schedule", "list", "--schedules", str(sched))).stdout
                      and r, 6, interval=0.5, what="paused in list")
    assert re.search(r"crawl:slowpoke\s+paused", listed.stdout)
    assert cli(env, "schedule", "resume", "crawl:slowpoke").returncode == 0
    assert mongo_db.scheduler_jobs.find_one({"_id": "crawl:slowpoke"})["next_run_time"] > time.time()
    missing = cli(env, "schedule", "pause", "nothing")
    assert missing.returncode == 1 and "no scheduled job for 'nothing'" in missing.stderr

    result = cli(env, "schedule", "run", "fixture")  # through the service
    assert result.returncode == 0 and "started run" in result.stdout
    run = wait_for(lambda: mongo_db.crawl_runs.find_one({"outlet": "fixture", "trigger": "manual",
                                                         "status": "ok"}), 20, what="manual run")
    assert run["stored"]["new"] == 6, list(mongo_db.crawl_runs.find())
    assert svc.stop() == 0


def test_a_run_later_than_its_misfire_grace_is_recorded_as_missed(env, tmp_path, mongo_db, services):
    import pickle

    sched = schedule_file(tmp_path, entry("fixture", "1h", 'misfire_grace = "5s"'))
    svc = start(services, env, sched, tmp_path, mongo_db)
    assert svc.stop() == 0
    # As if the service had been down for 100 s across a fire time (the state pickle is what counts).
    doc = mongo_db.scheduler_jobs.find_one({"_id": "crawl:fixture"})
    state = pickle.loads(doc["job_state"])
    late = datetime.now(timezone.utc).timestamp() - 100
    state["next_run_time"] = datetime.fromtimestamp(late, timezone.utc)
    mongo_db.scheduler_jobs.update_one({"_id": "crawl:fixture"}, {"$set": {
        "next_run_time": late, "job_state": pickle.dumps(state, pickle.HIGHEST_PROTOCOL)}})
    svc2 = start(services, env, sched, tmp_path, mongo_db)
    missed = wait_for(lambda: mongo_db.crawl_runs.find_one({"status": "missed"}), 10, what="a missed run")
    assert missed["job_id"] == "crawl:fixture" and "more than 5s ago" in missed["error"]
    assert abs(missed["scheduled_for"].timestamp() - late) < 1
    assert svc2.stop() == 0
    assert crawls(mongo_db, "fixture") == []  # not run late
    # and the job goes on with its next regular fire time
    assert mongo_db.scheduler_jobs.find_one({"_id": "crawl:fixture"})["next_run_time"] > time.time() + 3000

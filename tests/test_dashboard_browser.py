"""The dashboard in a real browser (Debian's Chromium driven by Playwright), served by `newsdesk serve`.

The service crawls the fixture site when the page's "run now" is pressed, a
one-off crawl of an outlet whose sections are all missing fails, and the
pages are read and clicked as a person would.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from bson import ObjectId

from tests.dashboard_helpers import TOKEN, http
from tests.sitefixtures import FAST, NEWSDESK, REPO, newsdesk_env, run_newsdesk, write_outlet

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
HOSTILE_TITLE = "<script>window.__pwned = 1</script><img src=x onerror=\"window.__pwned = 2\">"

if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:  # .ci/run installs it
    raise RuntimeError(f"{CHROMIUM} is missing: apt-get install -y chromium")


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@pytest.fixture
def served(tmp_path, site, mongo_uri, db_name, mongo_db):
    """`newsdesk serve` with the dashboard on its status port, two outlets, actions on with the token."""
    outlets = tmp_path / "outlets"
    write_outlet(outlets, site.base_url)  # "fixture": the fixture site
    (outlets / "broken.toml").write_text(  # every section missing: a crawl that reads nothing fails
        f'name = "broken"\ndomains = ["127.0.0.1"]\nsections = ["{site.base_url}/no-such-section/", '
        f'"{site.base_url}/gone/world/"]\narticle_pattern = \'/world/\'\nallow_private_network = true\n')
    schedule = tmp_path / "schedules.toml"
    schedule.write_text('[service]\nhttp = "127.0.0.1:0"\nstop_grace = "5s"\nkill_grace = "2s"\n'
                        '[defaults]\njitter = 0\n'
                        '[[schedule]]\noutlet = "fixture"\nevery = "1h"\n'
                        'settings = {DOWNLOAD_DELAY = 0, AUTOTHROTTLE_ENABLED = false}\n'
                        '[[schedule]]\noutlet = "broken"\nevery = "1h"\n')
    env = newsdesk_env(tmp_path, mongo_uri, db_name, outlets, NEWSDESK_DASHBOARD_TOKEN=TOKEN,
                       NEWSDESK_SCHEDULES=str(schedule), PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD="1")
    log = open(tmp_path / "serve.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen([NEWSDESK, "serve", "--schedules", str(schedule)], env=env, cwd=REPO,
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        def ready():
            if proc.poll() is not None:
                raise AssertionError((tmp_path / "serve.log").read_text()[-3000:])
            doc = mongo_db.service_status.find_one({"_id": "scheduler"})
            return doc if doc and doc.get("status") == "running" and doc.get("http") else None
        status = wait_for(ready, 40, "the service's heartbeat")
        yield {"base": f"http://{status['http']}", "env": env, "schedule": schedule, "db": mongo_db}
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        log.close()


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


def schedule_state(env, job_id: str) -> str:
    listed = run_newsdesk(env, "schedule", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    rows = [json.loads(line) for line in listed.stdout.splitlines() if line.startswith("{")]
    return {row["id"]: row["state"] for row in rows}[job_id]


def test_dashboard_in_the_browser(served, browser, tmp_path):
    base, env, db = served["base"], served["env"], served["db"]
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    # /healthz and /metrics still answer beside the pages
    assert json.loads(http("GET", base + "/healthz").text)["ok"] is True
    assert "newsdesk_seconds_since_last_good_run" in http("GET", base + "/metrics").text

    # read-only without the token: no buttons, and a POST is refused
    page.goto(base + "/schedules")
    assert page.locator("#schedules tr[data-job='crawl:fixture']").count() == 1
    assert page.locator("button", has_text="pause").count() == 0
    refused = page.request.post(base + "/schedules/action", form={"job": "crawl:fixture", "action": "pause"})
    assert refused.status == 403

    # log in, then "run now": the service crawls the fixture site
    page.goto(base + "/login?next=/schedules")
    page.fill("input[name=token]", TOKEN)
    page.click("#login button")
    page.wait_for_url(base + "/schedules")
    row = page.locator("#schedules tr[data-job='crawl:fixture']")
    row.locator("button", has_text="run now").click()
    page.wait_for_url("**/schedules?*")
    assert "started run" in page.locator("#flash").inner_text()
    run = wait_for(lambda: db.crawl_runs.find_one({"outlet": "fixture", "status": "ok"}), 90, "the fixture crawl")
    # the crawl's end rewrites the outlet's summary (written just after the run's status)
    summary = wait_for(lambda: db.outlet_summaries.find_one({"_id": "fixture", "runs_counted": 1}), 15,
                       "the outlet summary to count the crawl")
    assert summary["latest"]["_id"] == run["_id"] and summary["last_good"]["_id"] == run["_id"]
    assert summary["new_per_run"] == [run["stored"]["new"]] == [6]

    # after the crawl, the outlets page lists the outlet and its run
    page.goto(base + "/")
    line = page.locator("#outlets tr[data-outlet='fixture']")
    assert line.count() == 1
    assert line.locator(f"a[href='/runs/{run['_id']}']").count() >= 1
    assert line.locator("svg.spark rect").count() == 1  # one run so far
    assert "6 in 1" in line.inner_text()

    # pause and resume through the page change what `newsdesk schedule list` shows
    page.goto(base + "/schedules")
    page.locator("#schedules tr[data-job='crawl:fixture'] button", has_text="pause").click()
    page.wait_for_url("**/schedules?*")
    assert "paused crawl:fixture" in page.locator("#flash").inner_text()
    wait_for(lambda: schedule_state(env, "crawl:fixture") == "paused", 15, "schedule list to say paused")
    page.goto(base + "/schedules")  # the heartbeat has caught up by now
    assert "paused" in page.locator("#schedules tr[data-job='crawl:fixture'] td.state").inner_text()
    page.locator("#schedules tr[data-job='crawl:fixture'] button", has_text="resume").click()
    page.wait_for_url("**/schedules?*")
    wait_for(lambda: schedule_state(env, "crawl:fixture") == "scheduled", 15, "schedule list to say scheduled")
    assert schedule_state(env, "crawl:broken") == "scheduled"  # the other job untouched

    # a failing run's page shows its error counts by kind, with example URLs
    crawl = run_newsdesk(env, "crawl", "broken", *FAST)
    assert crawl.returncode != 0
    failed = db.crawl_runs.find_one({"outlet": "broken"}, sort=[("started_at", -1)])
    assert failed["status"] == "failed" and failed["errors"]["page:http_404"] == 2
    page.goto(base + "/runs?outlet=broken")
    page.locator(f"a[href='/runs/{failed['_id']}']").click()
    page.wait_for_url(f"{base}/runs/{failed['_id']}")
    assert page.locator("h1 .status").inner_text() == "failed"
    errors = page.locator("#errors tbody tr")
    assert errors.count() == 1
    assert errors.nth(0).locator("td").nth(0).inner_text() == "page:http_404"
    assert errors.nth(0).locator("td").nth(1).inner_text() == "2"
    assert "/no-such-section/" in errors.nth(0).inner_text()

    # an article whose title is a script tag is shown as text, and runs nothing
    stored = db.articles.find_one({"outlet": "fixture"})
    db.articles.update_one({"_id": stored["_id"]}, {"$set": {"title": HOSTILE_TITLE}})
    page.goto(base + "/articles?outlet=fixture")
    page.locator("#articles a.title", has_text="<script>").click()
    page.wait_for_url(f"{base}/articles/{stored['_id']}")
    assert page.locator("h1#title").inner_text() == HOSTILE_TITLE
    assert page.evaluate("window.__pwned") is None and dialogs == []
    assert page.title().startswith("<script>")

    # the charts are drawn from what the crawl stored
    page.goto(base + "/charts")
    assert page.locator("#chart-stored svg rect title", has_text="fixture: 6").count() == 1
    assert page.locator("#chart-errors svg title", has_text="page:http_404: 2").count() == 1
    assert http("GET", f"{base}/runs/{ObjectId()}").status == 404

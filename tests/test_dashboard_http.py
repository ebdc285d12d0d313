"""The standalone dashboard over HTTP: a real server process reading a real database."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

import pytest
from bson import ObjectId

from tests.dashboard_helpers import TOKEN, DashboardProcess, http
from tests.sitefixtures import newsdesk_env, write_outlet

NOW = datetime.now(timezone.utc).replace(microsecond=0)
HOSTILE = "<script>alert('x')</script> & friends"


def seed(db) -> dict:
    failed = {"_id": ObjectId(), "outlet": "wire", "trigger": "schedule", "job_id": "crawl:wire",
              "status": "failed", "started_at": NOW - timedelta(minutes=30),
              "finished_at": NOW - timedelta(minutes=29), "duration_s": 61.5, "pages_fetched": 12,
              "stored": {"new": 0, "updated": 0, "unchanged": 2},
              "errors": {"page:http_404": 3, "page:timeout": 2},
              "error_examples": {"page:http_404": ["https://wire.example/gone/1", "https://wire.example/gone/2"]},
              "dropped": {"too_short": 4},
              "error": "exit 1: could not reach mongodb://admin:s3cr3t-in-log@db.internal:27017/news"}
    good = {**failed, "_id": ObjectId(), "status": "ok", "errors": {}, "error_examples": {}, "error": None,
            "trigger": "manual", "started_at": NOW - timedelta(hours=2), "stored": {"new": 7}}
    db.crawl_runs.insert_many([failed, good])
    original = {"_id": ObjectId(), "canonical_url": "https://wire.example/a", "url": "https://wire.example/a",
                "outlet": "wire", "title": "Harbour reopens", "body": "One.\nTwo.", "version": 1,
                "published_at": NOW, "first_seen": NOW, "last_seen": NOW}
    hostile = {"_id": ObjectId(), "canonical_url": "https://wire.example/b", "url": "javascript:alert(1)",
               "outlet": "wire", "title": HOSTILE, "body": "First <b>para</b>.\nSecond para.\nThird para.",
               "removed_blocks": [{"text": "Subscribe <img src=x onerror=alert(2)>", "reason": "price_plan",
                                   "at": 1}],
               "syndication_note": "<i>Reuters</i> wire copy", "duplicate_of": original["_id"], "version": 2,
               "published_at": NOW, "first_seen": NOW, "last_seen": NOW, "paywalled": True}
    db.articles.insert_many([original, hostile])
    db.article_versions.insert_one({"canonical_url": "https://wire.example/b", "version": 1, "title": "Old",
                                    "body": "First <b>para</b>.\nOld second.\nThird para.", "replaced_at": NOW})
    return {"failed": failed, "good": good, "original": original, "hostile": hostile}


@pytest.fixture
def dashboard(tmp_path, mongo_uri, db_name, mongo_db):
    docs = seed(mongo_db)
    write_outlet(tmp_path / "outlets", "http://127.0.0.1:9", name="wire")
    schedule = tmp_path / "schedules.toml"
    schedule.write_text('[[schedule]]\noutlet = "wire"\nevery = "1h"\n')
    env = newsdesk_env(tmp_path, mongo_uri, db_name, NEWSDESK_DASHBOARD_TOKEN=TOKEN,
                       NEWSDESK_SCHEDULES=str(schedule))
    proc = DashboardProcess(env, tmp_path / "dashboard.log")
    try:
        yield proc, docs
    finally:
        proc.stop()


def test_pages_show_runs_and_articles_with_untrusted_text_escaped(dashboard):
    proc, docs = dashboard
    base = proc.base_url
    outlets = http("GET", base + "/")
    assert outlets.status == 200 and 'data-outlet="wire"' in outlets.text
    assert "default-src 'none'" in outlets.headers["content-security-policy"]
    assert outlets.headers["x-frame-options"] == "DENY"

    runs = http("GET", base + "/runs?outlet=wire&status=failed")
    assert str(docs["failed"]["_id"]) in runs.text and str(docs["good"]["_id"]) not in runs.text
    manual = http("GET", base + "/runs?trigger=manual").text
    assert str(docs["good"]["_id"]) in manual and str(docs["failed"]["_id"]) not in manual

    run = http("GET", f"{base}/runs/{docs['failed']['_id']}").text
    rows = re.findall(r"<tr><td>(page:[a-z_0-9]+)</td><td class=\"num\">(\d+)</td>", run)
    assert rows == [("page:http_404", "3"), ("page:timeout", "2")]
    assert "https://wire.example/gone/2" in run and "too_short" in run and "61.5s" in run
    assert "s3cr3t-in-log" not in run and "admin:***@db.internal" in run

    found = http("GET", base + "/articles?title=" + "%3Cscript").text
    assert found.count('class="title"') == 1
    page = http("GET", f"{base}/articles/{docs['hostile']['_id']}").text
    assert "<script>" not in page and "<img" not in page and "<b>" not in page and "<i>" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; friends" in page
    assert "&lt;i&gt;Reuters&lt;/i&gt; wire copy" in page
    assert 'href="javascript:' not in page  # a stored javascript: URL is text, not a link
    assert f'href="/articles/{docs["original"]["_id"]}"' in page
    # the removed block stands between the first and second paragraph, the diff shows the change
    body = page[page.index('id="body"'):page.index('id="syndication-note"')]
    assert body.index("First &lt;b&gt;para") < body.index("removed: price_plan") < body.index("Second para")
    assert "<del>Old second.</del>" in page and "<ins>Second para.</ins>" in page

    assert http("GET", f"{base}/runs/{ObjectId()}").status == 404
    assert http("GET", base + "/articles?since=yesterday").status == 400
    assert http("GET", base + "/", headers={"Host": "evil.example"}).status == 400  # no DNS rebinding


def test_actions_without_the_token_are_refused(dashboard):
    proc, _ = dashboard
    url = proc.base_url + "/schedules/action"
    form = {"job": "crawl:wire", "action": "pause"}
    assert http("POST", url, form=form).status == 403
    assert http("POST", url, form=form, headers={"Authorization": "Bearer wrong"}).status == 403
    assert http("POST", url, form={**form, "csrf": "guess"},
                headers={"Cookie": "newsdesk_dashboard=forged.cookie"}).status == 403
    assert http("GET", url).status == 405  # never by GET
    # the page offers no buttons without a session
    assert "/schedules/action" not in http("GET", proc.base_url + "/schedules").text


def test_login_then_act_with_the_session_and_its_csrf_field(dashboard):
    proc, _ = dashboard
    base = proc.base_url
    wrong = http("POST", base + "/login", form={"token": "nope", "next": "/schedules"})
    assert wrong.status == 403 and "set-cookie" not in wrong.headers
    login = http("POST", base + "/login", form={"token": TOKEN, "next": "/schedules"})
    assert login.status == 303 and login.headers["location"] == "/schedules"
    cookie = login.headers["set-cookie"]
    assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()
    session = {"Cookie": cookie.split(";", 1)[0]}
    schedules = http("GET", base + "/schedules", headers=session).text
    assert 'data-job="crawl:wire"' in schedules and "not in store" in schedules  # from the file, no service
    token_field = re.search(r'name="csrf" value="([0-9a-f]+)"', schedules)[1]
    form = {"job": "crawl:wire", "action": "pause"}
    assert http("POST", base + "/schedules/action", form=form, headers=session).status == 403  # no CSRF field
    ok = http("POST", base + "/schedules/action", form={**form, "csrf": token_field}, headers=session)
    assert ok.status == 303  # accepted; with no service running, the answer says so
    message = parse_qs(urlsplit(ok.headers["location"]).query)["message"][0]
    assert "no scheduler service is running" in message
    cross = http("POST", base + "/schedules/action", form={**form, "csrf": token_field},
                 headers={**session, "Origin": "http://evil.example"})
    assert cross.status == 403 and "cross-site" in cross.text
    assert http("POST", base + "/login", form={"token": TOKEN, "next": "//evil.example/"}
                ).headers["location"] == "/"


def test_no_token_configured_means_no_actions_at_all(tmp_path, mongo_uri, db_name, mongo_db):
    (tmp_path / "outlets").mkdir()
    env = newsdesk_env(tmp_path, mongo_uri, db_name)
    env.pop("NEWSDESK_DASHBOARD_TOKEN", None)
    proc = DashboardProcess(env, tmp_path / "dashboard.log")
    try:
        url = proc.base_url + "/schedules/action"
        for headers in ({}, {"Authorization": "Bearer "}, {"Authorization": f"Bearer {TOKEN}"}):
            answer = http("POST", url, form={"job": "crawl:wire", "action": "run"}, headers=headers)
            assert answer.status == 403 and "NEWSDESK_DASHBOARD_TOKEN is not set" in answer.text
        assert http("POST", proc.base_url + "/login", form={"token": ""}).status == 403
    finally:
        proc.stop()


def test_the_database_password_never_appears(tmp_path, mongo_uri, db_name, mongo_client, mongo_db):
    seed(mongo_db)
    user, password = f"dash_{uuid.uuid4().hex[:8]}", f"pw-{uuid.uuid4().hex}"
    mongo_client.admin.command("createUser", user, pwd=password, roles=["root"])
    try:
        host = urlsplit(mongo_uri).netloc
        secret_uri = f"mongodb://{user}:{password}@{host}/?authSource=admin"
        mongo_db.crawl_runs.update_many({}, {"$set": {"database": secret_uri}})
        (tmp_path / "outlets").mkdir()
        env = newsdesk_env(tmp_path, secret_uri, db_name, NEWSDESK_DASHBOARD_TOKEN=TOKEN)
        proc = DashboardProcess(env, tmp_path / "dashboard.log")
        try:
            run_id = mongo_db.crawl_runs.find_one()["_id"]
            pages = ["/", "/runs", f"/runs/{run_id}", "/schedules", "/articles", "/charts", "/login", "/nowhere"]
            for path in pages:
                text = http("GET", proc.base_url + path).text
                assert password not in text, path
            assert f"{user}:***@" in http("GET", proc.base_url + "/").text
            assert password not in proc.output()
        finally:
            proc.stop()
    finally:
        mongo_client.admin.command("dropUser", user)


def test_a_port_in_use_is_one_line_and_exit_2(tmp_path, mongo_uri, db_name):
    import socket
    import subprocess

    from tests.dashboard_helpers import DASHBOARD_CMD, REPO

    (tmp_path / "outlets").mkdir()
    env = newsdesk_env(tmp_path, mongo_uri, db_name)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        result = subprocess.run([*DASHBOARD_CMD, "--port", str(port)], env=env, cwd=REPO, capture_output=True,
                                text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"newsdesk: --host/--port: cannot listen on 127.0.0.1:{port}: Address already in use"]

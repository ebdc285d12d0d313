"""Bad days (issue 14): a broken outlet or schedule file, a site that is down, a
database that goes away. Each test runs the real command and asserts its one
line and its exit code; none may print a traceback."""

from __future__ import annotations

import functools
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pymongo import MongoClient

from pipelines import embedded_db, leases
from tests.fault_scenarios import wait_until
from tests.fixture_server import FixtureServer, QuietHandler
from tests.sitefixtures import (
    FAST,
    NEWSDESK,
    REPO,
    newsdesk_env,
    run_newsdesk,
    write_news_outlet,
    write_outlet,
)

SCRAPY = str(Path(sys.executable).with_name("scrapy"))


def one_line(result: subprocess.CompletedProcess) -> str:
    """The single stderr line of a refused command (and no traceback anywhere)."""
    assert "Traceback" not in result.stderr + result.stdout, result.stderr[-3000:]
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    return lines[0]


# -- outlet files ---------------------------------------------------------------------------

@pytest.mark.parametrize(("extra", "expected"), [
    ('\n[selectors]\nbody = "div[[["\n', "selectors.body: not a valid CSS selector"),
    ('\n[selectors]\nremove = ["p", "a::text"]\n', "selectors.remove.1: not a valid CSS selector"),
])
def test_invalid_css_selector_fails_check_and_crawl(env, tmp_path, extra, expected):
    write_outlet(tmp_path / "outlets", "http://127.0.0.1:9", extra=extra)
    for command in (["check"], ["crawl", "fixture"], ["outlets"]):
        result = run_newsdesk(env, *command)
        assert result.returncode == 2, (command, result.stderr[-2000:])
        line = one_line(result)
        assert "fixture.toml: " in line and line.endswith(expected), line


def test_empty_article_pattern_is_refused(env, tmp_path):
    path = tmp_path / "outlets" / "fixture.toml"
    text = path.read_text()
    start = text.index("article_pattern")
    path.write_text(text[:start] + 'article_pattern = ""\n' + text[text.index("\n", start) + 1:])
    result = run_newsdesk(env, "check")
    assert result.returncode == 2
    assert one_line(result).endswith("article_pattern: must not be empty (an empty pattern matches every link)")


def test_two_outlet_files_with_one_name_are_refused(env, tmp_path):
    (tmp_path / "outlets" / "zz-copy.toml").write_text((tmp_path / "outlets" / "fixture.toml").read_text())
    result = run_newsdesk(env, "outlets")
    assert result.returncode == 2
    line = one_line(result)
    assert "zz-copy.toml: name: 'fixture' is already defined in " in line and line.endswith("fixture.toml")


# -- schedule files -------------------------------------------------------------------------

def test_cron_that_never_fires_exits_2_naming_the_schedule(env, tmp_path):
    schedules = tmp_path / "s.toml"
    schedules.write_text('[[schedule]]\noutlet = "fixture"\ncron = "0 0 31 2 *"\n')
    for command in (["schedule", "check", "--schedules", str(schedules)], ["check", "--schedules", str(schedules)],
                    ["serve", "--schedules", str(schedules)]):
        result = run_newsdesk(env, *command, timeout=60)
        assert result.returncode == 2, (command, result.stderr[-2000:])
        line = [x for x in result.stderr.splitlines() if x.strip()][-1]
        assert "Traceback" not in result.stderr
        assert line.endswith("s.toml: schedule[0] (outlet fixture): cron: '0 0 31 2 *' never fires (no such date)")


def test_cron_nicknames_are_accepted_and_jitter_shown_is_the_one_applied(env, tmp_path):
    schedules = tmp_path / "s.toml"
    schedules.write_text('[[schedule]]\noutlet = "fixture"\ncron = "@daily"\n\n'
                         '[[schedule]]\noutlet = "fixture"\nsection = "world"\nevery = "60s"\njitter = "2m"\n')
    result = run_newsdesk(env, "schedule", "check", "--schedules", str(schedules))
    assert result.returncode == 0, result.stderr
    assert "crawl:fixture: cron '@daily' UTC, jitter 30s" in result.stdout
    # 2 minutes asked, a tenth of the 60 s period applied: the check says what the scheduler does
    assert "crawl:fixture:world: every 60s, jitter 6s (capped from 120s: at most a tenth of the period)" in result.stdout
    bad = tmp_path / "bad.toml"
    bad.write_text('[[schedule]]\noutlet = "fixture"\ncron = "@reboot"\n')
    assert run_newsdesk(env, "schedule", "check", "--schedules", str(bad)).returncode == 2


# -- crawls that read nothing ---------------------------------------------------------------

def test_crawl_of_a_site_that_is_down_is_failed(env, tmp_path, mongo_db):
    port = embedded_db.free_port()  # nothing listens there
    write_outlet(tmp_path / "outlets", f"http://127.0.0.1:{port}")
    result = run_newsdesk(env, "crawl", "fixture", *FAST, "-s", "RETRY_TIMES=0")
    assert result.returncode == 1, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert "crawl of fixture: failed (finished)" in result.stdout
    run = mongo_db.crawl_runs.find_one({"outlet": "fixture"})
    assert run["status"] == "failed"
    assert run["error"].startswith("nothing could be read (page:connection_refused ")


def test_crawl_where_every_section_is_404_is_failed(tmp_path, mongo_uri, db_name, mongo_db):
    (tmp_path / "site").mkdir()
    with FixtureServer(root=tmp_path / "site") as site:  # an empty site: every page is a 404
        write_news_outlet(tmp_path / "outlets", "gone", site.base_url)
        env = newsdesk_env(tmp_path, mongo_uri, db_name)
        result = run_newsdesk(env, "crawl", "gone", *FAST)
    assert result.returncode == 1, result.stderr[-2000:]
    assert "crawl of gone: failed (finished)" in result.stdout
    assert mongo_db.crawl_runs.find_one({"outlet": "gone"})["status"] == "failed"


def test_scrapy_crawl_refused_by_the_lease_exits_3(env, mongo_db):
    assert leases.acquire(mongo_db.locks, "fixture", "someone-else")
    result = subprocess.run([SCRAPY, "crawl", "fixture", *FAST], env=env, cwd=REPO, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 3, result.stderr[-2000:]
    assert "outlet fixture is being crawled by someone-else" in result.stderr
    assert mongo_db.articles.count_documents({}) == 0


def test_scrapy_crawl_with_the_database_down_says_so_and_exits_1(env, tmp_path):
    env = {**env, "NEWSDESK_MONGO_URI": f"mongodb://127.0.0.1:{embedded_db.free_port()}/",
           "NEWSDESK_MONGO_TIMEOUT_MS": "500"}
    result = subprocess.run([SCRAPY, "crawl", "fixture", *FAST, "-s", "NEWSDESK_MONGO_TIMEOUT_MS=500",
                             "-s", "LOG_LEVEL=ERROR"], env=env, cwd=REPO, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 1, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert "unreachable (connection refused) at start; outlet fixture not crawled (no lease without it)" \
        in result.stderr


# -- the embedded server ----------------------------------------------------------------------

def _embedded_env(home: Path, port: int) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "NEWSDESK_MONGO_URI"}
    return {**env, "NEWSDESK_HOME": str(home), "NEWSDESK_EMBEDDED_PORT": str(port)}


def _stop_embedded(home: Path) -> None:
    record = home / "secantusd.json"
    if record.exists():
        try:
            os.kill(json.loads(record.read_text())["pid"], signal.SIGTERM)
        except ProcessLookupError:
            pass


def test_embedded_server_is_reused_only_when_ours(tmp_path, mongo_uri):
    port = embedded_db.free_port()
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    try:
        started = run_newsdesk(_embedded_env(theirs, port), "db", "where", timeout=90)
        assert started.returncode == 0, started.stderr
        assert f"started, data in {theirs / 'db'}" in started.stdout
        again = run_newsdesk(_embedded_env(theirs, port), "db", "where", timeout=90)
        assert f"reused, data in {theirs / 'db'}" in again.stdout
        # another home, same port: that server's data is not in our directory, so refuse and say whose it is
        other = run_newsdesk(_embedded_env(ours, port), "db", "where", timeout=90)
        assert other.returncode == 1, other.stderr
        assert one_line(other) == (
            f"newsdesk: port {port}: another newsdesk's embedded server is running there (data in "
            f"{theirs / 'db'}), not ours (data in {ours / 'db'}); set NEWSDESK_EMBEDDED_PORT to a free port, "
            f"or NEWSDESK_MONGO_URI=mongodb://127.0.0.1:{port}/ to use that server on purpose")
        assert not (ours / "db").exists()
    finally:
        _stop_embedded(theirs)
    # the test suite's server: a MongoDB server newsdesk did not start
    foreign_port = int(mongo_uri.rstrip("/").rsplit(":", 1)[1])
    foreign = run_newsdesk(_embedded_env(ours, foreign_port), "db", "where", timeout=90)
    assert foreign.returncode == 1
    assert f"port {foreign_port}: a database server newsdesk did not start is running there" in one_line(foreign)


@pytest.mark.parametrize("value", ["abc", "0", "70000", "-1"])
def test_bad_embedded_port_exits_2(tmp_path, value):
    result = run_newsdesk({**_embedded_env(tmp_path, 1), "NEWSDESK_EMBEDDED_PORT": value}, "db", "where")
    assert result.returncode == 2
    assert one_line(result) == f"newsdesk: NEWSDESK_EMBEDDED_PORT: {value!r} is not a port number (1-65535)"


# -- a database outage mid-crawl --------------------------------------------------------------

class SlowNews(QuietHandler):
    """Article pages answer slowly, so the database can be frozen mid-crawl."""

    delay = 0.3

    def do_GET(self):
        if "/news/2026/" in self.path:
            time.sleep(self.delay)
        super().do_GET()




def test_outage_costs_one_timeout_and_replay_links_copies(tmp_path):
    from tests.test_dedup_same_run import build_site

    build_site(tmp_path / "site", stories=4, copies=3)
    port = embedded_db.free_port()
    uri = f"mongodb://127.0.0.1:{port}/"
    server = embedded_db.spawn_server(port, str(tmp_path / "db"), tmp_path / "db.log", detach=False)
    client = MongoClient(uri, serverSelectionTimeoutMS=2000)
    try:
        embedded_db.wait_for_ping(uri)
        handler = functools.partial(SlowNews, directory=str(tmp_path / "site"))
        with FixtureServer(handler=handler) as site:
            write_news_outlet(tmp_path / "outlets", "wire", site.base_url)
            env = newsdesk_env(tmp_path, uri, "outage")
            crawl = subprocess.Popen(
                [NEWSDESK, "crawl", "wire", *FAST, "-s", "CONCURRENT_REQUESTS=8", "-s",
                 "CONCURRENT_REQUESTS_PER_DOMAIN=8", "-s", "NEWSDESK_STORE_BATCH=1", "-s",
                 "NEWSDESK_MONGO_TIMEOUT_MS=1500", "-s", "NEWSDESK_DB_RETRY_AFTER=600"],
                env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            assert wait_until(lambda: client.outage.articles.count_documents({}) >= 1)
            server.send_signal(signal.SIGSTOP)  # frozen: every call now waits for its timeout
            out, err = crawl.communicate(timeout=180)
        server.send_signal(signal.SIGCONT)
        assert crawl.returncode == 0, err[-3000:]
        assert "Traceback" not in err
        # the first call that met the outage waited; every later one, queued or not, skipped
        waited = err.count("duplicate lookup failed") + err.count("database write failed")
        assert waited == 1, err[-3000:]
        assert "spooled (database unreachable)" in out

        listed = run_newsdesk(env, "spool", "list")
        assert listed.returncode == 0
        assert "run summary: wire degraded" in listed.stdout, listed.stdout
        replay = run_newsdesk(env, "spool", "replay")
        assert replay.returncode == 0, replay.stderr
        docs = list(client.outage.articles.find())
        assert len(docs) == 12
        for s in range(4):  # exactly as a crawl with the database up: one original, copies linked to it
            group = [d for d in docs if f"/story-{s}-copy-" in d["canonical_url"]]
            originals = [d for d in group if d.get("duplicate_of") is None]
            assert len(originals) == 1, [d["canonical_url"] for d in originals]
            assert all(d["duplicate_of"] == originals[0]["_id"] for d in group if d is not originals[0])
    finally:
        server.send_signal(signal.SIGCONT)
        server.terminate()
        server.wait(timeout=10)
        client.close()


def test_make_demo_crawls_the_port_it_serves(tmp_path, mongo_uri, db_name, mongo_db):
    port = embedded_db.free_port()
    env = {**newsdesk_env(tmp_path, mongo_uri, db_name), "MAKEFLAGS": ""}
    env.pop("NEWSDESK_OUTLETS_PATH")
    result = subprocess.run(["make", "-s", "demo", f"DEMO_PORT={port}", f"VENV={Path(sys.executable).parent.parent}"],
                            env=env, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    urls = [d["url"] for d in mongo_db.articles.find({"outlet": "demo"})]
    assert urls and all(url.startswith(f"http://127.0.0.1:{port}/") for url in urls)

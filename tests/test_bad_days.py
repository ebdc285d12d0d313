"""Bad days (issue 14): a broken outlet or schedule file, a site that is down, a
database that goes away. Each test runs the real command and asserts its one
line and its exit code; none may print a traceback."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipelines import embedded_db, leases
from tests.fixture_server import FixtureServer, QuietHandler
from tests.sitefixtures import (
    FAST,
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




def test_make_demo_crawls_the_port_it_serves(tmp_path, mongo_uri, db_name, mongo_db):
    port = embedded_db.free_port()
    env = {**newsdesk_env(tmp_path, mongo_uri, db_name), "MAKEFLAGS": ""}
    env.pop("NEWSDESK_OUTLETS_PATH")
    result = subprocess.run(["make", "-s", "demo", f"DEMO_PORT={port}", f"VENV={Path(sys.executable).parent.parent}"],
                            env=env, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    urls = [d["url"] for d in mongo_db.articles.find({"outlet": "demo"})]
    assert urls and all(url.startswith(f"http://127.0.0.1:{port}/") for url in urls)

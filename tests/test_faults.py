"""Faults: the database dies mid-crawl; a crawl is killed mid-run. Nothing lost, nothing doubled."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pymongo import MongoClient

from pipelines import embedded_db
from tests.fixture_server import FixtureServer, QuietHandler
from tests.sitefixtures import write_outlet

REPO = Path(__file__).resolve().parents[1]
NEWSDESK = str(Path(sys.executable).with_name("newsdesk"))
ONE_AT_A_TIME = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS=1",
                 "-s", "NEWSDESK_STORE_BATCH=1", "-s", "NEWSDESK_MONGO_TIMEOUT_MS=1000"]
ARTICLES = 6


class SlowArticles(QuietHandler):
    delay = 0.8

    def do_GET(self):
        if "/20" in self.path:  # article pages only
            time.sleep(self.delay)
        super().do_GET()


@pytest.fixture
def slow_site():
    with FixtureServer(handler=lambda *a, **kw: SlowArticles(*a, directory=str(REPO / "tests/fixtures/site"), **kw)) as server:
        yield server


def wait_until(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_database_outage_mid_crawl_spools_and_replays(tmp_path, slow_site):
    port = embedded_db.free_port()
    storage = tmp_path / "db"
    uri = f"mongodb://127.0.0.1:{port}/"
    server = embedded_db.spawn_server(port, str(storage), tmp_path / "db.log", detach=False)
    embedded_db.wait_for_ping(uri)
    write_outlet(tmp_path / "outlets", slow_site.base_url)
    env = {**os.environ, "NEWSDESK_OUTLETS_PATH": str(tmp_path / "outlets"), "NEWSDESK_MONGO_URI": uri,
           "NEWSDESK_MONGO_DB": "faults", "NEWSDESK_HOME": str(tmp_path / "home")}
    client = MongoClient(uri, serverSelectionTimeoutMS=1000)
    crawl = subprocess.Popen([NEWSDESK, "crawl", "fixture", *ONE_AT_A_TIME], env=env, cwd=REPO,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert wait_until(lambda: client.faults.articles.count_documents({}) >= 2)
        # The database becomes unreachable mid-crawl: frozen, so connections time out.
        # (Not SIGKILL: SecantusDB without --sync-on-commit may lose its last
        # acknowledged writes when killed, which is the server's durability, not ours.)
        server.send_signal(signal.SIGSTOP)
        out, err = crawl.communicate(timeout=120)
        assert crawl.returncode == 0, err[-3000:]
        assert "spooled (database unreachable)" in out
        spooled = list((tmp_path / "home" / "spool").glob("*.jsonl"))
        assert spooled

        server.send_signal(signal.SIGCONT)
        embedded_db.wait_for_ping(uri)
        stored_before = client.faults.articles.count_documents({})
        assert stored_before < ARTICLES
        replay = subprocess.run([NEWSDESK, "spool", "replay"], env=env, cwd=REPO, capture_output=True,
                                text=True, timeout=60)
        assert replay.returncode == 0, replay.stderr
        assert client.faults.articles.count_documents({}) == ARTICLES  # nothing lost
        urls = [d["canonical_url"] for d in client.faults.articles.find()]
        assert len(urls) == len(set(urls))  # nothing doubled
        run = client.faults.crawl_runs.find_one()
        assert run["status"] == "degraded" and run["spooled"] >= 1
        assert not list((tmp_path / "home" / "spool").glob("*"))
    finally:
        crawl.kill()
        server.send_signal(signal.SIGCONT)
        server.terminate()
        server.wait(timeout=10)
        client.close()


def test_crawl_killed_mid_run_next_run_completes(tmp_path, slow_site, mongo_uri, db_name, mongo_db):
    write_outlet(tmp_path / "outlets", slow_site.base_url)
    env = {**os.environ, "NEWSDESK_OUTLETS_PATH": str(tmp_path / "outlets"), "NEWSDESK_MONGO_URI": mongo_uri,
           "NEWSDESK_MONGO_DB": db_name, "NEWSDESK_HOME": str(tmp_path / "home"), "NEWSDESK_LEASE_TTL": "3"}
    crawl = subprocess.Popen([NEWSDESK, "crawl", "fixture", *ONE_AT_A_TIME], env=env, cwd=REPO,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert wait_until(lambda: mongo_db.articles.count_documents({}) >= 2)
    crawl.send_signal(signal.SIGKILL)
    crawl.wait(timeout=10)
    partial = mongo_db.articles.count_documents({})
    assert partial < ARTICLES
    # the killed crawl's lease expires by itself; the next run waits for it
    rerun = subprocess.run([NEWSDESK, "crawl", "fixture", "--wait", "20", *ONE_AT_A_TIME], env=env,
                           cwd=REPO, capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert f"{ARTICLES - partial} new" in rerun.stdout
    assert mongo_db.articles.count_documents({}) == ARTICLES
    urls = [d["canonical_url"] for d in mongo_db.articles.find()]
    assert len(urls) == len(set(urls))
    statuses = sorted(r["status"] for r in mongo_db.crawl_runs.find())
    assert statuses == ["interrupted", "ok"]

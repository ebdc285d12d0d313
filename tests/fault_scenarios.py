"""Fault scenarios shared by tests/test_faults.py (asserts) and benchmarks/faults.py (prints).

Each scenario crawls the fixture site through the real CLI against a real
database server, injects one fault, recovers the documented way, and returns
what the sites served against what ended up stored.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pymongo import MongoClient

from pipelines import embedded_db
from tests.fixture_server import SITE, FixtureServer, QuietHandler
from tests.sitefixtures import write_outlet

REPO = Path(__file__).resolve().parents[1]
NEWSDESK = str(Path(sys.executable).with_name("newsdesk"))
ONE_AT_A_TIME = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS=1",
                 "-s", "NEWSDESK_STORE_BATCH=1", "-s", "NEWSDESK_MONGO_TIMEOUT_MS=1000"]
EXPECTED_ARTICLES = 6  # the fixture site's article pages inside article_pattern


@dataclass
class FaultResult:
    fault: str
    expected: int
    stored: int = 0
    duplicated: int = 0
    failures: dict = field(default_factory=dict)
    statuses: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    @property
    def lost(self) -> int:
        return max(self.expected - self.stored, 0)


class SlowArticles(QuietHandler):
    """Article pages answer slowly, so a fault can be injected mid-crawl."""

    delay = 0.8

    def __init__(self, *args, **kwargs):
        super().__init__(*args, directory=str(SITE), **kwargs)

    def do_GET(self):
        if "/20" in self.path:
            time.sleep(self.delay)
        super().do_GET()


def slow_site() -> FixtureServer:
    return FixtureServer(handler=SlowArticles)


def wait_until(predicate, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def _env(workdir: Path, base_url: str, uri: str, db_name: str, **extra) -> dict:
    write_outlet(workdir / "outlets", base_url)
    return {**os.environ, "NEWSDESK_OUTLETS_PATH": str(workdir / "outlets"), "NEWSDESK_MONGO_URI": uri,
            "NEWSDESK_MONGO_DB": db_name, "NEWSDESK_HOME": str(workdir / "home"), **extra}


def _tally(result: FaultResult, db) -> FaultResult:
    urls = Counter(d["canonical_url"] for d in db.articles.find({}, {"canonical_url": 1}))
    result.stored = len(urls)
    result.duplicated = sum(n - 1 for n in urls.values())
    for run in db.crawl_runs.find().sort("started_at", 1):
        result.statuses.append(run.get("status"))
        for kind, count in (run.get("errors") or {}).items():
            result.failures[kind] = result.failures.get(kind, 0) + count
    return result


def database_outage(workdir: Path) -> FaultResult:
    """The database freezes mid-crawl; items spool; `newsdesk spool replay` after it is back."""
    result = FaultResult("database unreachable mid-crawl", EXPECTED_ARTICLES)
    port = embedded_db.free_port()
    uri = f"mongodb://127.0.0.1:{port}/"
    server = embedded_db.spawn_server(port, str(workdir / "db"), workdir / "db.log", detach=False)
    client = MongoClient(uri, serverSelectionTimeoutMS=1000)
    try:
        embedded_db.wait_for_ping(uri)
        with slow_site() as site:
            env = _env(workdir, site.base_url, uri, "faults")
            crawl = subprocess.Popen([NEWSDESK, "crawl", "fixture", *ONE_AT_A_TIME], env=env, cwd=REPO,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            wait_until(lambda: client.faults.articles.count_documents({}) >= 2)
            # Frozen, not killed: SecantusDB without --sync-on-commit may lose its last
            # acknowledged writes on SIGKILL, which is the server's durability, not ours.
            server.send_signal(signal.SIGSTOP)
            out, err = crawl.communicate(timeout=120)
            result.notes.append(f"crawl exit {crawl.returncode}")
            result.notes.append(next((line.strip() for line in out.splitlines() if "spooled" in line), "nothing spooled"))
        server.send_signal(signal.SIGCONT)
        embedded_db.wait_for_ping(uri)
        result.notes.append(f"stored before replay {client.faults.articles.count_documents({})}")
        replay = subprocess.run([NEWSDESK, "spool", "replay"], env=env, cwd=REPO, capture_output=True,
                                text=True, timeout=60)
        result.notes.append(f"replay exit {replay.returncode}")
        result.notes.append(f"spool left {len(list((workdir / 'home' / 'spool').glob('*')))} files")
        return _tally(result, client.faults)
    finally:
        server.send_signal(signal.SIGCONT)
        server.terminate()
        server.wait(timeout=10)
        client.close()


def crawl_killed(workdir: Path, uri: str, db_name: str) -> FaultResult:
    """The crawl process gets SIGKILL mid-run; the next run (waiting for the lease) completes."""
    result = FaultResult("crawl killed with SIGKILL mid-run", EXPECTED_ARTICLES)
    client = MongoClient(uri, serverSelectionTimeoutMS=2000, tz_aware=True)
    db = client[db_name]
    try:
        with slow_site() as site:
            env = _env(workdir, site.base_url, uri, db_name, NEWSDESK_LEASE_TTL="3")
            crawl = subprocess.Popen([NEWSDESK, "crawl", "fixture", *ONE_AT_A_TIME], env=env, cwd=REPO,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            wait_until(lambda: db.articles.count_documents({}) >= 2)
            crawl.send_signal(signal.SIGKILL)
            crawl.wait(timeout=10)
            partial = db.articles.count_documents({})
            result.notes.append(f"stored when killed {partial}")
            rerun = subprocess.run([NEWSDESK, "crawl", "fixture", "--wait", "20", *ONE_AT_A_TIME], env=env,
                                   cwd=REPO, capture_output=True, text=True, timeout=120)
            result.notes.append(f"rerun exit {rerun.returncode}")
            result.notes.append(next((line.strip() for line in rerun.stdout.splitlines() if "stored:" in line), ""))
        return _tally(result, db)
    finally:
        client.close()


BAD_INPUT_SETTINGS = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_TIMEOUT=2",
                      "-s", "RETRY_TIMES=1"]


def bad_input(workdir: Path, uri: str, db_name: str) -> tuple[FaultResult, subprocess.CompletedProcess]:
    """A section of bad pages (tests/bad_site.py) around good ones, crawled once."""
    from tests.bad_site import EXPECTED_STORED, bad_site_server

    result = FaultResult("bad pages (tests/bad_site.py)", len(EXPECTED_STORED))
    client = MongoClient(uri, serverSelectionTimeoutMS=2000, tz_aware=True)
    try:
        with bad_site_server() as site:
            outlets = workdir / "outlets"
            outlets.mkdir(parents=True, exist_ok=True)
            (outlets / "bad.toml").write_text(
                f'name = "bad"\ndomains = ["127.0.0.1"]\nsections = ["{site.base_url}/section/"]\n'
                "article_pattern = '/articles/'\nallow_private_network = true\n")
            env = {**os.environ, "NEWSDESK_OUTLETS_PATH": str(outlets), "NEWSDESK_MONGO_URI": uri,
                   "NEWSDESK_MONGO_DB": db_name, "NEWSDESK_HOME": str(workdir / "home")}
            crawl = subprocess.run([NEWSDESK, "crawl", "bad", *BAD_INPUT_SETTINGS], env=env, cwd=REPO,
                                   capture_output=True, text=True, timeout=180)
        result.notes.append(f"crawl exit {crawl.returncode}")
        return _tally(result, client[db_name]), crawl
    finally:
        client.close()

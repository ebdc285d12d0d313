"""Shared fixtures: a real database server over TCP for every test that needs one.

With NEWSDESK_TEST_MONGO_URI set, the suite runs against that MongoDB instead
of starting its own SecantusDB server.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from pymongo import MongoClient

from pipelines import embedded_db

REPO_ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def mongo_uri(tmp_path_factory):
    external = os.environ.get("NEWSDESK_TEST_MONGO_URI")
    if external:
        yield external
        return
    port = embedded_db.free_port()
    log_file = tmp_path_factory.mktemp("secantus") / "secantusd.log"
    proc = embedded_db.spawn_server(port, ":memory:", log_file, detach=False)
    uri = f"mongodb://127.0.0.1:{port}/"
    try:
        embedded_db.wait_for_ping(uri)
        yield uri
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except Exception:
            proc.kill()


@pytest.fixture(scope="session")
def mongo_client(mongo_uri):
    client = MongoClient(mongo_uri, tz_aware=True)
    yield client
    client.close()


@pytest.fixture
def db_name(mongo_client):
    """A fresh database name per test, dropped afterwards."""
    name = f"nd_test_{uuid.uuid4().hex[:10]}"
    yield name
    mongo_client.drop_database(name)


@pytest.fixture
def mongo_db(mongo_client, db_name):
    return mongo_client[db_name]


@pytest.fixture(scope="module")
def site():
    """The fixture site (tests/fixtures/site) on a free port of 127.0.0.1."""
    from tests.fixture_server import FixtureServer

    with FixtureServer() as server:
        yield server


@pytest.fixture
def env(tmp_path, site, mongo_uri, db_name):
    """CLI environment with the outlet "fixture" pointing at `site`, and the test database."""
    from tests.sitefixtures import newsdesk_env, write_outlet

    write_outlet(tmp_path / "outlets", site.base_url)
    return newsdesk_env(tmp_path, mongo_uri, db_name)


@pytest.fixture
def services():
    """Service processes a test starts (objects with .proc); killed at the end whatever happened."""
    started: list = []
    yield started
    for svc in started:
        if svc.proc.poll() is None:
            svc.proc.kill()
            svc.proc.wait(timeout=10)

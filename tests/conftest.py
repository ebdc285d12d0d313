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

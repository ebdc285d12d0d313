"""A crawl of a site full of bad pages completes, counts each by kind, stores the good ones."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.bad_site import EXPECTED_BAD_KINDS, EXPECTED_STORED, bad_site_server
from tests.sitefixtures import newsdesk_env

REPO = Path(__file__).resolve().parents[1]
NEWSDESK = str(Path(sys.executable).with_name("newsdesk"))
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_TIMEOUT=2",
        "-s", "RETRY_TIMES=1"]


@pytest.fixture(scope="module")
def bad_site():
    with bad_site_server() as server:
        yield server


def test_bad_pages_are_counted_and_good_ones_stored(tmp_path, bad_site, mongo_uri, db_name, mongo_db):
    outlets = tmp_path / "outlets"
    outlets.mkdir()
    (outlets / "bad.toml").write_text(
        f'name = "bad"\ndomains = ["127.0.0.1"]\nsections = ["{bad_site.base_url}/section/"]\n'
        "article_pattern = '/articles/'\nallow_private_network = true\n")
    env = newsdesk_env(tmp_path, mongo_uri, db_name, outlets)
    result = subprocess.run([NEWSDESK, "crawl", "bad", *FAST], env=env, cwd=REPO, capture_output=True,
                            text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]

    stored = {d["url"].rsplit("/", 1)[-1].removesuffix(".html"): d for d in mongo_db.articles.find()}
    assert set(stored) == EXPECTED_STORED
    assert "Городской совет" in stored["cp1251"]["body"]
    assert "市議会" in stored["shift-jis"]["body"]
    assert "approuvé" in stored["latin1-as-utf8"]["body"] and "\ufffd" not in stored["latin1-as-utf8"]["body"]

    run = mongo_db.crawl_runs.find_one({"outlet": "bad"})
    counted = {k.removeprefix("page:"): v for k, v in run["errors"].items() if k.startswith("page:")}
    for kind, count in EXPECTED_BAD_KINDS.items():
        assert counted.get(kind) == count, (kind, counted)
    assert run["dropped"] == {"short_body": 1}
    assert run["status"] == "ok"

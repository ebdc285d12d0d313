"""Private-network refusal, credential redaction, robots.txt."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pipelines.mongo import MongoTarget, redact_text, redact_uri
from tests.fixture_server import FixtureServer
from tests.sitefixtures import newsdesk_env, write_outlet

REPO = Path(__file__).resolve().parents[1]
NEWSDESK = str(Path(sys.executable).with_name("newsdesk"))
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False"]


def test_redact_uri_hides_password_only():
    assert redact_uri("mongodb://bob:s3cr%40t@db.example:27017/news?authSource=admin") == \
        "mongodb://bob:***@db.example:27017/news?authSource=admin"
    assert redact_uri("mongodb+srv://alice:pw@cluster0.example.net/") == "mongodb+srv://alice:***@cluster0.example.net/"
    assert redact_uri("mongodb://127.0.0.1:27017/") == "mongodb://127.0.0.1:27017/"
    assert "pw" not in redact_text("could not reach mongodb://u:pw@h:1/ (refused)")
    assert "s3cret" not in MongoTarget("mongodb://u:s3cret@h/", "db", "env").display


def run(env, *args):
    return subprocess.run([NEWSDESK, *args], env=env, cwd=REPO, capture_output=True, text=True, timeout=120)


def test_private_addresses_refused_without_the_outlet_allowance(tmp_path, mongo_uri, db_name, mongo_db):
    with FixtureServer() as site:
        path = write_outlet(tmp_path / "outlets", site.base_url)
        path.write_text(path.read_text().replace("allow_private_network = true", ""))
        env = newsdesk_env(tmp_path, mongo_uri, db_name, tmp_path / "outlets")
        result = run(env, "crawl", "fixture", *FAST)
    assert result.returncode == 1, result.stderr[-2000:]  # every page refused: nothing read, failed
    assert mongo_db.articles.count_documents({}) == 0
    run_doc = mongo_db.crawl_runs.find_one()
    assert run_doc["pages_fetched"] == 0 and run_doc["status"] == "failed"
    assert run_doc["errors"].get("page:private_address", 0) >= 2  # both section pages refused


def test_password_never_printed_or_stored(tmp_path, mongo_uri, db_name, mongo_db):
    # the test server has no auth: a URI with credentials it ignores still connects
    host = mongo_uri.removeprefix("mongodb://")
    secret_uri = f"mongodb://reader:TopSecret42@{host}"
    with FixtureServer() as site:
        write_outlet(tmp_path / "outlets", site.base_url)
        env = newsdesk_env(tmp_path, secret_uri, db_name, tmp_path / "outlets")
        result = run(env, "crawl", "fixture", *FAST)
    if result.returncode != 0 and "authentication" in result.stderr.lower():
        # a server with auth enabled refuses unknown users: the message must still be redacted
        assert "TopSecret42" not in result.stderr + result.stdout
        return
    assert result.returncode == 0, result.stderr[-2000:]
    assert "TopSecret42" not in result.stdout + result.stderr
    assert "reader:***@" in result.stdout
    assert "TopSecret42" not in str(mongo_db.crawl_runs.find_one())


def test_robots_txt_disallow_is_obeyed(tmp_path, mongo_uri, db_name, mongo_db):
    site_root = tmp_path / "site"
    import shutil

    shutil.copytree(REPO / "tests/fixtures/site", site_root)
    (site_root / "robots.txt").write_text("User-agent: *\nDisallow: /business/\n")
    with FixtureServer(root=site_root) as site:
        write_outlet(tmp_path / "outlets", site.base_url)
        env = newsdesk_env(tmp_path, mongo_uri, db_name, tmp_path / "outlets")
        result = run(env, "crawl", "fixture", *FAST)
    assert result.returncode == 0, result.stderr[-2000:]
    urls = [d["canonical_url"] for d in mongo_db.articles.find()]
    assert urls and not any("/business/" in u for u in urls)
    assert mongo_db.crawl_runs.find_one()["errors"].get("page:robots_txt", 0) >= 1

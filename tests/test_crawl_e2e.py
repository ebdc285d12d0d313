"""End to end: the real CLI crawls the fixture site over HTTP into a real database."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

from pipelines import leases
from tests.sitefixtures import FAST, REPO, run_newsdesk

EXPECTED_PATHS = {
    "/world/2026/11/01/harbour-reopens.html", "/world/2026/11/02/rail-strike.html",
    "/world/2026/11/03/budget-vote.html", "/world/2026/11/06/bridge-inquiry.html",
    "/business/2026/11/04/chip-plant.html", "/business/2026/11/05/streaming-prices.html",
}


def run(env, *args, timeout=120):
    return run_newsdesk(env, *args, timeout=timeout)


def test_crawl_stores_every_article_once_and_second_crawl_changes_nothing(env, site, mongo_db):
    first = run(env, "crawl", "fixture", *FAST)
    assert first.returncode == 0, first.stderr[-3000:]
    assert "6 new, 0 updated, 0 unchanged" in first.stdout, first.stdout
    assert "database:" in first.stderr and "NEWSDESK_MONGO_URI" in first.stderr

    docs = {d["canonical_url"].removeprefix(site.base_url): d for d in mongo_db.articles.find()}
    assert set(docs) == EXPECTED_PATHS  # no video page, no about page, no URL variants
    for doc in docs.values():
        assert doc["outlet"] == "fixture" and doc["version"] == 1
        assert doc["title"] and len(doc["body"]) > 200
        assert doc["first_seen"] == doc["last_seen"] or doc["first_seen"] <= doc["last_seen"]

    harbour = docs["/world/2026/11/01/harbour-reopens.html"]
    assert harbour["authors"] == ["Mara Lind"]
    assert harbour["published_at"] == datetime(2026, 11, 1, 7, 30, tzinfo=timezone.utc)
    assert harbour["section"] == f"{site.base_url}/world/"
    rail = docs["/world/2026/11/02/rail-strike.html"]  # no JSON-LD: meta tags and trafilatura
    assert rail["published_at"] == datetime(2026, 11, 2, 17, 5, tzinfo=timezone.utc)
    assert "rosters" in rail["body"]

    budget = docs["/world/2026/11/03/budget-vote.html"]
    assert "free articles" not in budget["body"] and "cancel anytime" not in budget["body"]
    assert budget["body"].rstrip().endswith("first time in six years.")
    assert budget["syndication_note"] and "wire agency" in budget["syndication_note"]
    removed = " ".join(b["text"] for b in budget["removed_blocks"])
    assert "Already subscribed? Log in" in removed and "$9.99/month" in removed

    chip = docs["/business/2026/11/04/chip-plant.html"]
    assert chip["paywalled"] is True
    assert "treatment works" in chip["body"]  # the .paywall container holds the article: kept
    assert "Subscribe to keep reading" not in chip["body"]

    streaming = docs["/business/2026/11/05/streaming-prices.html"]  # journalism about prices stays
    assert "$17.99 a month" in streaming["body"] and streaming["paywalled"] is False

    run1 = mongo_db.crawl_runs.find_one()
    assert run1["status"] == "ok" and run1["stored"]["new"] == 6 and run1["trigger"] == "cli"
    assert run1["pages_fetched"] >= 9

    second = run(env, "crawl", "fixture", *FAST, "-s", "NEWSDESK_INCREMENTAL=False")
    assert second.returncode == 0, second.stderr[-3000:]
    assert "0 new, 0 updated, 6 unchanged" in second.stdout, second.stdout
    assert mongo_db.articles.count_documents({}) == 6
    assert {d["version"] for d in mongo_db.articles.find()} == {1}
    assert mongo_db.crawl_runs.count_documents({}) == 2


def test_export_jsonl_and_csv(env, mongo_db):
    assert run(env, "crawl", "fixture", *FAST).returncode == 0
    out = run(env, "articles", "--outlet", "fixture", "--since", "1d")
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(rows) == 6 and all(r["published_at"].endswith("Z") for r in rows)
    limited = run(env, "articles", "--limit", "2", "--format", "csv")
    table = list(csv.DictReader(io.StringIO(limited.stdout)))
    assert len(table) == 2 and table[0]["title"]
    none = run(env, "articles", "--outlet", "no-such-outlet")  # a typo is said, not an empty export
    assert none.returncode == 2 and none.stdout == "" and "no such outlet 'no-such-outlet'" in none.stderr
    bad = run(env, "articles", "--since", "yesterday-ish")
    assert bad.returncode == 2 and "--since" in bad.stderr


def test_crawl_refuses_while_outlet_lease_is_held(env, mongo_db):
    assert leases.acquire(mongo_db.locks, "fixture", "someone-else")
    result = run(env, "crawl", "fixture", *FAST)
    assert result.returncode == 3
    assert "already being crawled by someone-else" in result.stderr
    assert mongo_db.articles.count_documents({}) == 0


def test_scrapy_list_and_scrapy_crawl(env, mongo_db):
    listed = subprocess.run([str(Path(sys.executable).with_name("scrapy")), "list"], env=env, cwd=REPO,
                            capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0, listed.stderr[-2000:]
    assert "fixture" in listed.stdout.split() and "business-standard" in listed.stdout.split()
    crawled = subprocess.run([str(Path(sys.executable).with_name("scrapy")), "crawl", "fixture", *FAST],
                             env=env, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert crawled.returncode == 0, crawled.stderr[-2000:]
    assert mongo_db.articles.count_documents({}) == 6
    assert mongo_db.locks.count_documents({}) == 0  # its own lease, released at the end


def test_bad_outlet_file_exits_2_with_one_line(env, tmp_path):
    (tmp_path / "outlets" / "broken.toml").write_text('name = "broken"\ndomains = []\n')
    result = run(env, "outlets")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "broken.toml: " in lines[0] and "Traceback" not in result.stderr


def test_incremental_crawl_skips_known_articles_and_stops_pagination(env, mongo_db):
    assert run(env, "crawl", "fixture", *FAST).returncode == 0
    again = run(env, "crawl", "fixture", *FAST, "-s", "NEWSDESK_STOP_AFTER_KNOWN=2")
    assert again.returncode == 0, again.stderr[-2000:]
    second = mongo_db.crawl_runs.find_one(sort=[("started_at", -1)])
    # the fixture articles are weeks old: past the re-check window, none is fetched again
    assert second["skipped_known"] >= 6
    assert second["stored"] == {"new": 0, "updated": 0, "unchanged": 0}
    # robots.txt + /world/ + /business/, but not /world/page/2/: 3 known links in a row
    assert second["pages_fetched"] == 3
    # inside the re-check window, known articles are fetched again and seen unchanged
    recheck = run(env, "crawl", "fixture", *FAST, "-s", "NEWSDESK_RECHECK_FRESH_HOURS=100000",
                  "-s", "NEWSDESK_RECHECK_EVERY_HOURS=0")
    assert recheck.returncode == 0
    assert "0 new, 0 updated, 6 unchanged" in recheck.stdout


def test_bad_settings_and_uri_exit_2_with_one_line(env):
    bad = run(env, "crawl", "fixture", "-s", "NEWSDESK_STORE_BATCH=lots")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert bad.stderr.strip().splitlines()[-1] == \
        "newsdesk: -s/crawlers/settings.py: NEWSDESK_STORE_BATCH: 'lots' is not a number"
    uri = run({**env, "NEWSDESK_MONGO_URI": "http://db.example:27017"}, "articles")
    assert uri.returncode == 2
    assert uri.stderr.strip() == ("newsdesk: NEWSDESK_MONGO_URI: 'http://db.example:27017' "
                                  "is not a mongodb:// or mongodb+srv:// URI")
    negative = run(env, "check", "--schedules", "/nonexistent/schedules.toml")
    assert negative.returncode == 2 and "/nonexistent/schedules.toml" in negative.stderr

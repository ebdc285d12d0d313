"""Two outlets, one carrying the other's stories, and URL variants: each story stored once, copies linked."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.fixture_server import FixtureServer
from tests.sitefixtures import newsdesk_env, write_outlet

REPO = Path(__file__).resolve().parents[1]
NEWSDESK = str(Path(sys.executable).with_name("newsdesk"))
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False"]
SITE2 = REPO / "tests" / "fixtures" / "site2"
CARRIED = {"harbour-reopens", "budget-vote", "chip-plant"}


def test_syndicated_copies_linked_across_outlets_and_variants_folded(tmp_path, mongo_uri, db_name, mongo_db):
    with FixtureServer() as origin, FixtureServer(root=SITE2) as carrier:
        outlets = tmp_path / "outlets"
        write_outlet(outlets, origin.base_url, name="origin")
        (outlets / "carrier.toml").write_text(
            f'name = "carrier"\ndomains = ["127.0.0.1"]\nsections = ["{carrier.base_url}/news/"]\n'
            "article_pattern = '/news/\\d{4}/\\d{2}/\\d{2}/'\nallow_private_network = true\n")
        env = newsdesk_env(tmp_path, mongo_uri, db_name, outlets)
        for _round in range(2):
            for outlet in ("origin", "carrier"):
                result = subprocess.run([NEWSDESK, "crawl", outlet, *FAST, "-s", "NEWSDESK_INCREMENTAL=False"],
                                        env=env, cwd=REPO, capture_output=True, text=True, timeout=120)
                assert result.returncode == 0, result.stderr[-3000:]

    carrier_docs = {d["canonical_url"].rsplit("/", 1)[-1].removesuffix(".html"): d
                    for d in mongo_db.articles.find({"outlet": "carrier"})}
    # URL variants (utm, fragment, outputType=amp) folded into one document each
    assert set(carrier_docs) == CARRIED | {"choir-wins"}
    assert mongo_db.articles.count_documents({"outlet": "origin"}) == 6
    for slug in CARRIED:
        original = mongo_db.articles.find_one({"outlet": "origin", "canonical_url": {"$regex": f"/{slug}.html$"}})
        assert carrier_docs[slug]["duplicate_of"] == original["_id"], slug
    assert carrier_docs["choir-wins"]["duplicate_of"] is None
    assert mongo_db.articles.count_documents({"outlet": "origin", "duplicate_of": {"$ne": None}}) == 0
    assert {d["version"] for d in mongo_db.articles.find()} == {1}  # the second round changed nothing
    runs = list(mongo_db.crawl_runs.find({"outlet": "carrier"}).sort("started_at", 1))
    assert runs[0]["linked_duplicates"] == 3 and runs[0]["stored"]["new"] == 4
    assert sum(runs[0]["duplicates"].values()) == 3
    assert runs[1]["stored"]["unchanged"] == 4 and runs[1]["stored"]["new"] == 0

"""A line an outlet repeats in every article is learned during the crawl and stripped."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.fixture_server import FixtureServer
from tests.sitefixtures import (
    NEWSDESK,
    REPO,
    fixture_paragraphs,
    newsdesk_env,
    write_news_outlet,
    write_news_site,
)

FURNITURE = "Get the Gazette app for breaking news alerts on your phone"


def build_site(root: Path, articles: int = 16) -> None:
    """Articles made of the fixture site's real paragraphs, each ending with the same furniture line."""
    pool = fixture_paragraphs()
    write_news_site(root, [(f"news/2026/11/{n + 1:02d}/story-{n}.html", f"Story {n}", f"Story {n}",
                            [pool[(n * 3 + k) % len(pool)] for k in range(3)] + [FURNITURE])
                           for n in range(articles)])


def test_repeated_line_is_learned_and_stripped(tmp_path, mongo_uri, db_name, mongo_db):
    build_site(tmp_path / "site")
    with FixtureServer(root=tmp_path / "site") as site:
        write_news_outlet(tmp_path / "outlets", "gazette", site.base_url)
        env = newsdesk_env(tmp_path, mongo_uri, db_name, tmp_path / "outlets")
        result = subprocess.run([NEWSDESK, "crawl", "gazette", "-s", "DOWNLOAD_DELAY=0", "-s", "CONCURRENT_REQUESTS=1",
                                 "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "NEWSDESK_STORE_BATCH=1"],
                                env=env, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    docs = list(mongo_db.articles.find())
    assert len(docs) == 16, result.stderr[-3000:]
    stripped = [d for d in docs if FURNITURE not in d["body"]]
    # learning starts after 5 stored articles, counted as their writes complete (which
    # may lag the pipeline by a few items): the later ones come out clean
    assert len(stripped) >= 5
    for doc in stripped:
        assert {"text": FURNITURE, "reason": "outlet_boilerplate"} in [
            {"text": b["text"], "reason": b["reason"]} for b in doc["removed_blocks"]]
        assert len(doc["body"]) > 200
    assert mongo_db.outlet_lines.find_one({"_id": "gazette:__articles__"})["count"] == 16

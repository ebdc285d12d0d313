"""Copies met in one crawl, before either is written, are still linked.

Duplicate lookups and writes run on the crawl's database lane while the next
pages are parsed (crawlers/runtime.DbLane); a copy whose original is still
buffered or still being looked up must wait for it instead of being stored as
a second original."""

from __future__ import annotations

import subprocess
from pathlib import Path

from pipelines.dedup import has_content
from tests.fixture_server import FixtureServer
from tests.sitefixtures import (
    NEWSDESK,
    REPO,
    fixture_paragraphs,
    newsdesk_env,
    write_news_outlet,
    write_news_site,
)


def build_site(root: Path, stories: int = 4, copies: int = 3) -> None:
    """`stories` distinct stories, each published under `copies` different URLs."""
    pool = fixture_paragraphs()
    # bodies with enough story to judge (a body mostly about subscriptions loses its
    # offer-worded sentences to the furniture filter and is, by design, never linked)
    groups = [pool[i:i + 3] for i in range(0, len(pool) - 2, 3) if has_content("\n".join(pool[i:i + 3]))]
    assert len(groups) >= stories
    write_news_site(root, [(f"news/2026/11/0{c + 1}/story-{s}-copy-{c}.html", f"Story {s} ({c})",
                            f"Story {s}, edition {c}", groups[s])
                           for s in range(stories) for c in range(copies)])


def test_copies_in_one_crawl_link_to_one_original(tmp_path, mongo_uri, db_name, mongo_db):
    build_site(tmp_path / "site")
    with FixtureServer(root=tmp_path / "site") as site:
        write_news_outlet(tmp_path / "outlets", "wire", site.base_url)
        env = newsdesk_env(tmp_path, mongo_uri, db_name, tmp_path / "outlets")
        # all pages in flight at once, one write batch for the whole crawl: every copy
        # meets its original unwritten (buffered or mid-lookup)
        result = subprocess.run([NEWSDESK, "crawl", "wire", "-s", "DOWNLOAD_DELAY=0", "-s", "CONCURRENT_REQUESTS=16",
                                 "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "-s", "AUTOTHROTTLE_ENABLED=False",
                                 "-s", "NEWSDESK_STORE_BATCH=100"],
                                env=env, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    docs = list(mongo_db.articles.find())
    assert len(docs) == 12
    by_id = {d["_id"]: d for d in docs}
    for s in range(4):
        group = [d for d in docs if f"/story-{s}-copy-" in d["canonical_url"]]
        originals = [d for d in group if d["duplicate_of"] is None]
        assert len(originals) == 1, [d["canonical_url"] for d in originals]
        for copy in group:
            if copy is not originals[0]:
                assert copy["duplicate_of"] == originals[0]["_id"]
                assert by_id[copy["duplicate_of"]]["duplicate_of"] is None

"""A line an outlet repeats in every article is learned during the crawl and stripped."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import lxml.html

from tests.fixture_server import SITE, FixtureServer
from tests.sitefixtures import newsdesk_env

REPO = Path(__file__).resolve().parents[1]
NEWSDESK = str(Path(sys.executable).with_name("newsdesk"))
FURNITURE = "Get the Gazette app for breaking news alerts on your phone"


def build_site(root: Path, articles: int = 16) -> None:
    """Articles made of the fixture site's real paragraphs, each ending with the same furniture line."""
    pool = [p.text_content() for page in sorted(SITE.rglob("20*/**/*.html"))
            for p in lxml.html.parse(str(page)).getroot().cssselect(".article-body p")
            if len(p.text_content()) >= 100]  # whole paragraphs, not captions or bylines
    links = []
    for n in range(articles):
        paras = [pool[(n * 3 + k) % len(pool)] for k in range(3)] + [FURNITURE]
        path = f"news/2026/11/{n + 1:02d}/story-{n}.html"
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        body = "".join(f"<p>{p}</p>" for p in paras)
        (root / path).write_text(f"<html><head><title>Story {n}</title></head><body><article><h1>Story {n}</h1>"
                                 f"{body}</article></body></html>")
        links.append(f'<a href="/{path}">{n}</a>')
    (root / "news").mkdir(exist_ok=True)
    (root / "news" / "index.html").write_text(f"<html><body>{' '.join(links)}</body></html>")


def test_repeated_line_is_learned_and_stripped(tmp_path, mongo_uri, db_name, mongo_db):
    build_site(tmp_path / "site")
    with FixtureServer(root=tmp_path / "site") as site:
        (tmp_path / "outlets").mkdir()
        (tmp_path / "outlets" / "gazette.toml").write_text(
            f'name = "gazette"\ndomains = ["127.0.0.1"]\nsections = ["{site.base_url}/news/"]\n'
            "article_pattern = '/news/2026/'\nallow_private_network = true\n")
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
        assert {"text": FURNITURE, "reason": "outlet_boilerplate"} in doc["removed_blocks"]
        assert len(doc["body"]) > 200
    assert mongo_db.outlet_lines.find_one({"_id": "gazette:__articles__"})["count"] == 16

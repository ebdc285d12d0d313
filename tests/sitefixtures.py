"""Helpers for tests that crawl the fixture site: an outlet file pointing at the server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

DEMO_OUTLET = Path(__file__).resolve().parent / "fixtures" / "outlets" / "demo.toml"
REPO = Path(__file__).resolve().parents[1]
NEWSDESK = str(Path(sys.executable).with_name("newsdesk"))
# politeness off: the fixture sites are local
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False"]


def newsdesk_env(tmp_path: Path, mongo_uri: str, db_name: str, outlets: Path | None = None, **extra: str) -> dict:
    """Environment for running the real CLI against a test database and outlet directory."""
    return {**os.environ, "NEWSDESK_OUTLETS_PATH": str(outlets or tmp_path / "outlets"),
            "NEWSDESK_MONGO_URI": mongo_uri, "NEWSDESK_MONGO_DB": db_name,
            "NEWSDESK_HOME": str(tmp_path / "home"), **extra}


def run_newsdesk(env: dict, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([NEWSDESK, *args], env=env, cwd=REPO, capture_output=True, text=True, timeout=timeout)


def write_outlet(directory: Path, base_url: str, name: str = "fixture", extra: str = "") -> Path:
    """The demo outlet file, re-pointed at `base_url`, written as NAME.toml in `directory`."""
    text = DEMO_OUTLET.read_text().replace("http://127.0.0.1:8765", base_url)
    text = text.replace('name = "demo"', f'name = "{name}"') + extra
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.toml"
    path.write_text(text)
    return path


def fixture_paragraphs(min_chars: int = 100) -> list[str]:
    """The fixture site's article paragraphs long enough to be prose (not captions or bylines)."""
    import lxml.html

    from tests.fixture_server import SITE

    return [p.text_content() for page in sorted(SITE.rglob("20*/**/*.html"))
            for p in lxml.html.parse(str(page)).getroot().cssselect(".article-body p")
            if len(p.text_content()) >= min_chars]


def write_news_site(root: Path, articles: list[tuple[str, str, str, list[str]]]) -> None:
    """Article pages (path under news/2026/, <title>, <h1>, paragraphs) and a /news/ index linking them."""
    links = []
    for path, title, heading, paragraphs in articles:
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        body = "".join(f"<p>{p}</p>" for p in paragraphs)
        (root / path).write_text(f"<html><head><title>{title}</title></head><body><article><h1>{heading}</h1>"
                                 f"{body}</article></body></html>")
        links.append(f'<a href="/{path}">{title}</a>')
    (root / "news").mkdir(parents=True, exist_ok=True)
    (root / "news" / "index.html").write_text(f"<html><body>{' '.join(links)}</body></html>")


def write_news_outlet(directory: Path, name: str, base_url: str) -> Path:
    """An outlet whose one section is /news/ of `base_url` (the layout of `write_news_site`)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.toml"
    path.write_text(f'name = "{name}"\ndomains = ["127.0.0.1"]\nsections = ["{base_url}/news/"]\n'
                    "article_pattern = '/news/2026/'\nallow_private_network = true\n")
    return path

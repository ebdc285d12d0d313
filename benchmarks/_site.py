"""A fixture news site of N real article pages, for the performance benchmarks.

The article pages are the saved pages of the shared evaluation corpus
(`../shared/corpus/fundus/`, gzipped HTML), decompressed into a temporary
directory under paths matching ``ARTICLE_PATTERN``; section pages link them
(``PER_PAGE`` links a page) with ``rel=next`` pagination. The site is served
from a separate process (``tests/fixture_server.py``) on 127.0.0.1.

With more pages than the corpus holds, page ``i`` is corpus page
``i % len(corpus)``; every copy after the first has the letters of its visible
text (outside tags, scripts, styles and entities) put through a per-copy
letter permutation, so repeated pages are not duplicates of each other (the
pipeline's dedup would otherwise link them all) while the DOM, its size and
the extraction work stay the same. Copy 0 is the page byte for byte.
"""

from __future__ import annotations

import gzip
import json
import math
import os
import random
import re
import string
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# NEWSDESK_CORPUS as for benchmarks/quality.py (a worktree's ../shared is not the shared folder)
CORPUS = Path(os.environ.get("NEWSDESK_CORPUS") or REPO.parent / "shared" / "corpus") / "fundus"
ARTICLE_PATTERN = r"/news/\d{4}/\d{2}/\d{2}/a\d+\.html$"
PER_PAGE = 25          # article links per section page
MAX_SECTIONS = 8       # sections crawled in parallel, each paginated

_SKIP = re.compile(r"(<script\b.*?</script\s*>|<style\b.*?</style\s*>|<!--.*?-->|<[^>]*>)",
                   re.IGNORECASE | re.DOTALL)
_WORD = re.compile(r"&#?\w+;|([A-Za-z]+)")


@dataclass
class Site:
    root: Path
    article_paths: list[str]                 # URL paths of the article pages
    section_paths: list[str]                 # first page of each section
    max_pages: int                           # section pages per section
    sources: list[str] = field(default_factory=list)  # corpus id per article

    def article_files(self) -> list[Path]:
        return [self.root / p.lstrip("/") for p in self.article_paths]


def corpus_pages(corpus: Path = CORPUS) -> list[tuple[str, Path]]:
    pages = []
    with open(corpus / "ground_truth.jsonl", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rec = json.loads(line)
                pages.append((rec["id"], corpus / rec["html_file"]))
    return pages


def scramble(html: bytes, copy: int) -> bytes:
    """Visible text letters permuted (per copy); markup, scripts and entities untouched."""
    rng = random.Random(copy)
    lower = list(string.ascii_lowercase)
    rng.shuffle(lower)
    table = str.maketrans(string.ascii_lowercase + string.ascii_uppercase,
                          "".join(lower) + "".join(lower).upper())
    text = html.decode("utf-8", errors="surrogateescape")
    parts = _SKIP.split(text)
    for i in range(0, len(parts), 2):  # even indexes are text between markup
        parts[i] = _WORD.sub(lambda m: m[1].translate(table) if m[1] else m[0], parts[i])
    return "".join(parts).encode("utf-8", errors="surrogateescape")


def build_site(root: Path, n_pages: int, corpus: Path = CORPUS) -> Site:
    pages = corpus_pages(corpus)
    article_paths, sources = [], []
    for i in range(n_pages):
        page_id, path = pages[i % len(pages)]
        copy = i // len(pages)
        html = gzip.decompress(path.read_bytes())
        if copy:
            html = scramble(html, copy)
        url_path = f"/news/2026/{1 + i % 12:02d}/{1 + i % 28:02d}/a{i:06d}.html"
        target = root / url_path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(html)
        article_paths.append(url_path)
        sources.append(page_id)
    n_sections = max(1, min(MAX_SECTIONS, math.ceil(n_pages / PER_PAGE)))
    per_section = math.ceil(n_pages / n_sections)
    max_pages = max(1, math.ceil(per_section / PER_PAGE))
    section_paths = []
    for s in range(n_sections):
        links = article_paths[s * per_section:(s + 1) * per_section]
        chunks = [links[k:k + PER_PAGE] for k in range(0, len(links), PER_PAGE)] or [[]]
        for p, chunk in enumerate(chunks, 1):
            name = "index.html" if p == 1 else f"page{p}.html"
            nxt = (f'<link rel="next" href="/section{s}/page{p + 1}.html">'
                   if p < len(chunks) else "")
            items = "\n".join(f'<li><a href="{u}">Story {u.rsplit("/", 1)[-1]}</a></li>' for u in chunk)
            html = (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                    f"<title>Section {s} page {p}</title>{nxt}</head><body>"
                    f"<h1>Section {s}</h1><ul>\n{items}\n</ul>"
                    f'<p><a href="/about.html">About</a></p></body></html>')
            target = root / f"section{s}" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(html, encoding="utf-8")
        section_paths.append(f"/section{s}/")
    return Site(root, article_paths, section_paths, max_pages, sources)


def write_outlet(directory: Path, site: Site, base_url: str, name: str = "bench") -> Path:
    """An outlet file for the site; politeness off (loopback, benchmark)."""
    sections = ", ".join(f'"{base_url}{p}"' for p in site.section_paths)
    text = (f'name = "{name}"\ndomains = ["127.0.0.1"]\nsections = [{sections}]\n'
            f"article_pattern = '{ARTICLE_PATTERN}'\nmax_pages = {min(1000, site.max_pages)}\n"
            "allow_private_network = true\n\n[politeness]\ndownload_delay = 0\n"
            "concurrent_requests = 64\nautothrottle = false\nobey_robots_txt = false\n")
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.toml"
    path.write_text(text)
    return path


class SiteServer:
    """`python -m tests.fixture_server --root DIR --port P` in its own process."""

    def __init__(self, root: Path, port: int | None = None):
        from pipelines.embedded_db import free_port

        self.root = root
        self.port = port or free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.fixture_server", "--root", str(self.root), "--port", str(self.port)],
            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(self.base_url + "/section0/", timeout=1).read()
                return self
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("fixture server did not start") from None
                time.sleep(0.1)

    def __exit__(self, *exc):
        stop_process(self.proc)


def stop_process(proc: subprocess.Popen | None) -> None:
    """TERM, then KILL after 10 s."""
    if proc is None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class DatabaseServer:
    """A throwaway SecantusDB server (`:memory:`) on a free port."""

    def __init__(self, log_dir: Path):
        from pipelines.embedded_db import free_port

        self.port = free_port()
        self.log_file = log_dir / "secantusd.log"
        self.proc: subprocess.Popen | None = None

    @property
    def uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/"

    def __enter__(self):
        from pipelines.embedded_db import spawn_server, wait_for_ping

        self.proc = spawn_server(self.port, ":memory:", self.log_file, detach=False)
        wait_for_ping(self.uri)
        return self

    def __exit__(self, *exc):
        stop_process(self.proc)

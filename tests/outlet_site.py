"""A local outlet that behaves like real ones: robots.txt with Crawl-delay,
challenge pages, 429 with Retry-After, script-rendered bodies, news sitemaps,
dated paginated sections. Served on 127.0.0.1 and logging every request's
arrival time, so tests measure what the crawler did on the wire.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlsplit

from tests.fixture_server import FixtureServer

WORDS = ["council", "harbour", "budget", "minister", "vote", "rail", "strike", "court", "ruling", "trade", "tariff", "bridge", "inquiry", "election", "mayor", "plant", "workers", "union", "river", "flood", "aid", "hospital", "school", "teachers", "police", "report", "energy", "prices", "grid", "wind", "solar", "farmers", "drought", "market", "shares", "bank", "rates", "inflation", "export", "airport", "runway", "tourism", "museum", "festival", "housing", "rents", "tenants", "transport", "fares", "ferry", "port", "fishing", "quota", "science", "study", "vaccine", "research", "climate", "forest", "wildfire", "coast", "storm"]

CHALLENGE_HTML = ("<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
                  "<h1>Checking your browser before accessing the site.</h1>"
                  "<form id=\"challenge-form\" action=\"/verify\" method=\"POST\">"
                  "<div class=\"g-recaptcha\" data-sitekey=\"x\"></div></form></body></html>")
DENIED_HTML = ("<html><head><title>Access Denied</title></head><body><h1>Access Denied</h1>"
               "<p>You don't have permission to access this page on this server.</p>"
               "<p>Reference #18.5f3e</p></body></html>")


def prose(seed: str, sentences: int = 8) -> list[str]:
    """Distinct, deterministic paragraphs (random words: no two articles are near-duplicates)."""
    rng = random.Random(seed)
    paragraphs = []
    for _ in range(3):
        text = " ".join(" ".join(rng.choice(WORDS) for _ in range(rng.randint(9, 15))).capitalize() + "."
                        for _ in range(sentences // 2))
        paragraphs.append(text)
    return paragraphs


def article_page(slug: str, title: str, published: str | None = None) -> str:
    meta = f'<meta property="article:published_time" content="{published}">' if published else ""
    stamp = f'<time datetime="{published}">{published[:10]}</time>' if published else ""
    paras = "".join(f"<p>{p}</p>" for p in prose(slug))
    return (f"<!DOCTYPE html><html><head><title>{title}</title>{meta}</head>"
            f"<body><article><h1>{title}</h1>{stamp}{paras}</article></body></html>")


def script_rendered_page(slug: str, title: str) -> str:
    """An article whose body arrives by fetch() after load, as JavaScript-rendered outlets do."""
    return (f"<!DOCTYPE html><html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"<div id=\"story\"></div></article><script>"
            f"window.addEventListener('load', function () {{"
            f"  fetch('/api/{slug}.json').then(function (r) {{ return r.json(); }}).then(function (d) {{"
            f"    var story = document.getElementById('story');"
            f"    d.paragraphs.forEach(function (t) {{ var p = document.createElement('p');"
            f"      p.textContent = t; story.appendChild(p); }}); }}); }});"
            f"</script></body></html>")


Route = Callable[["OutletHandler"], tuple[int, dict[str, str], bytes]]


@dataclass
class Hit:
    path: str
    at: float  # time.monotonic() on arrival
    in_flight: int  # requests being answered at that moment, this one included
    user_agent: str = ""


@dataclass
class OutletSite:
    """Routes by path; every request is logged in `hits`."""

    routes: dict[str, Route] = field(default_factory=dict)
    latency: float = 0.0  # seconds each answer takes
    hits: list[Hit] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    in_flight: int = 0

    def page(self, path: str, html: str, status: int = 200, headers: dict | None = None,
             content_type: str = "text/html; charset=utf-8") -> None:
        body = html.encode()
        self.routes[path] = lambda _h: (status, {"Content-Type": content_type, **(headers or {})}, body)

    def serve(self) -> FixtureServer:
        site = self

        class Handler(OutletHandler):
            outlet_site = site

        return FixtureServer(handler=Handler)

    def times(self, prefix: str = "/") -> list[float]:
        return [h.at for h in self.hits if h.path.startswith(prefix) and h.path != "/robots.txt"]


class OutletHandler(BaseHTTPRequestHandler):
    outlet_site: OutletSite

    def do_GET(self):  # noqa: N802 - stdlib name
        site = self.outlet_site
        path = urlsplit(self.path).path
        with site.lock:
            site.in_flight += 1
            site.hits.append(Hit(path, time.monotonic(), site.in_flight, self.headers.get("User-Agent", "")))
        try:
            if site.latency:
                time.sleep(site.latency)
            route = site.routes.get(path)
            status, headers, body = route(self) if route else (404, {"Content-Type": "text/plain"}, b"not found")
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        finally:
            with site.lock:
                site.in_flight -= 1

    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        pass


def outlet_file(directory, name: str, base_url: str, extra: str = "", sections: tuple[str, ...] = ("/news/",),
                article_pattern: str = "/news/2026/") -> None:
    directory.mkdir(parents=True, exist_ok=True)
    urls = ", ".join(f'"{base_url}{s}"' for s in sections)
    (directory / f"{name}.toml").write_text(
        f'name = "{name}"\ndomains = ["127.0.0.1"]\nsections = [{urls}]\n'
        f"article_pattern = '{article_pattern}'\nallow_private_network = true\n{extra}")

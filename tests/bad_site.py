"""A fixture site of bad pages around good ones, served on 127.0.0.1.

Every route under /articles/ is an article link on /section/; the handler
produces the fault in the HTTP exchange itself (wrong charset, huge body,
redirect loop, slow answer, gzip bomb...).
"""

from __future__ import annotations

import gzip
import time
from http.server import BaseHTTPRequestHandler

from tests.fixture_server import SITE, FixtureServer

GOOD = {
    "good-1": SITE / "world/2026/11/01/harbour-reopens.html",
    "good-2": SITE / "world/2026/11/02/rail-strike.html",
    "good-3": SITE / "business/2026/11/05/streaming-prices.html",
}
RUSSIAN = ("Городской совет утвердил план реконструкции набережной, который обсуждали почти два года. "
           "Работы начнутся весной и продлятся до конца следующего года, сообщили в мэрии. ") * 3
JAPANESE = ("市議会は二年近く議論してきた港湾地区の再開発計画を承認した。工事は来春に始まり、"
            "来年末まで続く見通しだと市の担当者は説明した。住民からは騒音や交通への影響を心配する声も上がっている。") * 3
FRENCH = ("Le conseil municipal a approuvé le projet de rénovation des quais, discuté pendant près de deux ans. "
          "Les travaux débuteront au printemps et dureront jusqu'à la fin de l'année prochaine, précise la mairie. ") * 3

SLOW_SECONDS = 4.0


def article_html(title: str, text: str, charset_meta: str | None = None) -> str:
    meta = f'<meta charset="{charset_meta}">' if charset_meta else ""
    paras = "".join(f"<p>{s.strip()}.</p>" for s in text.split(". ") if s.strip())
    return (f"<!DOCTYPE html><html><head>{meta}<title>{title}</title></head><body><article>"
            f"<h1>{title}</h1>{paras}</article></body></html>")


def _bomb() -> bytes:
    return gzip.compress(b"<html><body>" + b"\x20" * (60 * 1024 * 1024), compresslevel=9)


BAD_ROUTES = [
    "malformed", "cp1251", "shift-jis", "latin1-as-utf8", "huge", "pdf", "empty", "loop-a",
    "gone-404", "gone-410", "error-500", "busy-503", "slow", "bomb", "short",
]
# what a crawl of /section/ must count, by kind (see crawlers/errors.py)
EXPECTED_BAD_KINDS = {
    "too_large": 2, "not_html": 1, "empty": 1, "redirect_loop": 1, "http_404": 1, "http_410": 1,
    "http_500": 1, "http_503": 1, "timeout": 1,
}
EXPECTED_STORED = {"good-1", "good-2", "good-3", "malformed", "cp1251", "shift-jis", "latin1-as-utf8"}


class BadSiteHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    bomb = None

    def log_message(self, format, *args):  # noqa: A002
        pass

    def send(self, status: int, body: bytes, ctype: str = "text/html", headers: dict | None = None):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

    def do_GET(self):  # noqa: C901 - one branch per fault, on purpose
        path = self.path.split("?")[0]
        name = path.removeprefix("/articles/").removesuffix(".html")
        if path == "/robots.txt":
            return self.send(200, b"User-agent: *\nAllow: /\n", "text/plain")
        if path == "/section/":
            links = "".join(f'<li><a href="/articles/{n}.html">{n}</a></li>' for n in [*GOOD, *BAD_ROUTES])
            return self.send(200, f"<html><body><ul>{links}</ul></body></html>".encode())
        if name in GOOD:
            return self.send(200, GOOD[name].read_bytes(), "text/html; charset=utf-8")
        if name == "malformed":
            html = article_html("Malformed but readable", FRENCH.replace("Le conseil", "Le <b>conseil"))
            return self.send(200, html.replace("</article>", "<div><span><p>").encode("utf-8")[:-40])
        if name == "cp1251":
            return self.send(200, article_html("Набережная", RUSSIAN).encode("cp1251"), "text/html")
        if name == "shift-jis":
            return self.send(200, article_html("港湾地区の再開発", JAPANESE).encode("shift_jis"), "text/html")
        if name == "latin1-as-utf8":
            return self.send(200, article_html("Les quais rénovés", FRENCH).encode("latin-1"),
                             "text/html; charset=utf-8")
        if name == "huge":
            return self.send(200, b"<html><body><p>" + b"x" * (20 * 1024 * 1024) + b"</p></body></html>")
        if name == "pdf":
            return self.send(200, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n" + bytes(range(256)) * 40)
        if name == "empty":
            return self.send(200, b"")
        if name in ("loop-a", "loop-b"):
            other = "loop-b" if name == "loop-a" else "loop-a"
            return self.send(302, b"", headers={"Location": f"/articles/{other}.html"})
        if name.startswith("gone-"):
            return self.send(int(name[-3:]), b"<html><body>gone</body></html>")
        if name == "error-500":
            return self.send(500, b"<html><body>Internal error</body></html>")
        if name == "busy-503":
            return self.send(503, b"<html><body>busy</body></html>", headers={"Retry-After": "1"})
        if name == "slow":
            time.sleep(SLOW_SECONDS)
            return self.send(200, article_html("Too slow", FRENCH).encode())
        if name == "bomb":
            BadSiteHandler.bomb = BadSiteHandler.bomb or _bomb()
            return self.send(200, BadSiteHandler.bomb, headers={"Content-Encoding": "gzip"})
        if name == "short":
            return self.send(200, article_html("Only a teaser", "Just one short line").encode())
        return self.send(404, b"not found")

    do_HEAD = do_GET


def bad_site_server() -> FixtureServer:
    return FixtureServer(handler=lambda *a, **kw: BadSiteHandler(*a, **kw))

"""`newsdesk extract` on a saved page stores what a crawl of that page stores.

The offline path (extract, the quality benchmark, the quality gate) and the
spider call the same `page_text` decoding and the same stages, so the gate
measures the code the crawl runs. The pages include one whose <meta charset>
is wrong (latin-1 bytes declared UTF-8) and one that declares nothing (cp1251).
"""

from __future__ import annotations

import json

from tests.fixture_server import FixtureServer
from tests.sitefixtures import FAST, newsdesk_env, run_newsdesk, write_news_outlet

FRENCH = ("Le conseil municipal a approuvé mardi la rénovation complète des quais, un projet de "
          "plusieurs années qui prévoit des pistes cyclables, des arbres et une promenade élargie. "
          "Les travaux débuteront au printemps et les commerçants du quartier seront consultés chaque mois. ")
RUSSIAN = ("Городской совет во вторник одобрил полную реконструкцию набережной: проект рассчитан на "
           "несколько лет и включает велодорожки, деревья и расширенный бульвар. Работы начнутся весной, "
           "а с местными предпринимателями будут советоваться каждый месяц. ")
ENGLISH = ("The harbour authority said on Tuesday that the new ferry terminal would open in the autumn, "
           "two years later than planned, after delays to the steel deliveries and a dispute over wages. "
           "Passengers will be able to buy tickets at machines on the quay from the first week. ")


def _page(title: str, text: str, meta: str = "") -> str:
    paragraphs = "".join(f"<p>{text}</p>" for _ in range(3))
    return (f"<html><head>{meta}<title>{title}</title></head><body><article><h1>{title}</h1>"
            f"{paragraphs}</article></body></html>")


PAGES = {  # path -> bytes as served (SimpleHTTPRequestHandler sends text/html, no charset)
    "news/2026/quais.html": _page("Les quais rénovés", FRENCH, '<meta charset="utf-8">').encode("latin-1"),
    "news/2026/naberezhnaya.html": _page("Набережная", RUSSIAN).encode("cp1251"),
    "news/2026/ferry.html": _page("Ferry terminal delayed", ENGLISH, '<meta charset="utf-8">').encode("utf-8"),
}


def test_extract_and_crawl_store_the_same_body(tmp_path, mongo_uri, db_name, mongo_db):
    site = tmp_path / "site"
    for path, data in PAGES.items():
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_bytes(data)
    (site / "news" / "index.html").write_text(
        "<html><body>" + "".join(f'<a href="/{p}">{p}</a> ' for p in PAGES) + "</body></html>")
    with FixtureServer(site) as server:
        write_news_outlet(tmp_path / "outlets", "charsets", server.base_url)
        env = newsdesk_env(tmp_path, mongo_uri, db_name)
        crawl = run_newsdesk(env, "crawl", "charsets", *FAST, timeout=300)
        assert crawl.returncode == 0, crawl.stderr[-3000:]
        stored = {doc["url"]: doc for doc in mongo_db.articles.find({"outlet": "charsets"})}
        assert len(stored) == len(PAGES)
        for path in PAGES:
            url = f"{server.base_url}/{path}"
            extracted = run_newsdesk(env, "extract", str(site / path), "--url", url, "--outlet", "charsets")
            assert extracted.returncode == 0, extracted.stderr[-2000:]
            offline = json.loads(extracted.stdout)
            assert offline["dropped"] is None
            assert offline["body"] == stored[url]["body"], path
            assert offline["title"] == stored[url]["title"], path
    bodies = {url.rsplit("/", 1)[-1]: doc["body"] for url, doc in stored.items()}
    # the rescue worked (the same in both paths): no replacement characters, the words intact
    assert "approuvé" in bodies["quais.html"] and "\ufffd" not in bodies["quais.html"]
    assert "Городской совет" in bodies["naberezhnaya.html"]


def test_wrong_meta_charset_is_rescued_by_page_text():
    # The unit under both paths: latin-1 bytes that say utf-8.
    from pipelines.decode import page_text

    data = PAGES["news/2026/quais.html"]
    assert data.decode("utf-8", errors="replace").count("\ufffd") > 2  # what a plain decode would give
    text = page_text(data)
    assert "approuvé" in text and "\ufffd" not in text
    assert "Городской совет" in page_text(PAGES["news/2026/naberezhnaya.html"])
    ferry = PAGES["news/2026/ferry.html"]
    assert page_text(ferry, "text/html; charset=utf-8") == ferry.decode("utf-8")  # a right declaration is kept

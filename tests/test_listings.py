"""News sitemaps, sitemap indexes, feed dates, date consensus, back-fill (--since) and --max-pages."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from pipelines.listings import (
    ListingError,
    consensus_date,
    link_dates,
    older_than,
    pagination_stop,
    parse_feed_entries,
    parse_sitemap,
    resolve_since,
)
from schedules.definitions import ScheduleError, parse_schedule
from tests.outlet_site import OutletSite, article_page, outlet_file
from tests.sitefixtures import newsdesk_env, run_newsdesk

UTC = timezone.utc
NEWS_SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>{base}/news/2026/tram-line.html</loc>
    <news:news><news:publication><news:name>Local</news:name><news:language>en</news:language></news:publication>
      <news:publication_date>2026-11-20T08:00:00Z</news:publication_date>
      <news:title>Tram line opens</news:title><news:keywords>transport, city</news:keywords></news:news></url>
  <url><loc>{base}/news/2026/dock-wages.html</loc>
    <news:news><news:publication_date>2026-11-15T08:00:00Z</news:publication_date>
      <news:title>Dock wages</news:title></news:news></url>
  <url><loc>{base}/news/2026/undated-note.html</loc><lastmod>2026-11-12T10:00:00+00:00</lastmod></url>
  <url><loc>{base}/news/2026/october-fair.html</loc>
    <news:news><news:publication_date>2026-10-20T08:00:00Z</news:publication_date></news:news></url>
  <url><loc>https://elsewhere.example/news/2026/x.html</loc></url>
</urlset>"""
SITEMAP_INDEX = """<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>{base}/sitemaps/news.xml</loc><lastmod>2026-11-20</lastmod></sitemap>
  <sitemap><loc>{base}/sitemaps/2019-05.xml</loc><lastmod>2019-06-01</lastmod></sitemap>
</sitemapindex>"""
RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>https://x.test/</link>
<item><title>One</title><link>https://x.test/news/1.html</link><pubDate>Tue, 17 Nov 2026 09:30:00 +0100</pubDate></item>
<item><title>Two</title><link>https://x.test/news/2.html</link></item></channel></rss>"""
ATOM = """<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>A</title>
<link rel="alternate" href="https://x.test/news/a.html"/><published>2026-11-18T10:00:00Z</published></entry></feed>"""


def test_news_sitemap_entries_keep_date_title_and_keywords():
    doc = parse_sitemap(NEWS_SITEMAP.format(base="https://x.test").encode(), "https://x.test/s.xml")
    assert doc.kind == "urlset" and len(doc.entries) == 5
    tram = doc.entries[0]
    assert tram.url == "https://x.test/news/2026/tram-line.html"
    assert tram.published == datetime(2026, 11, 20, 8, tzinfo=UTC)
    assert tram.title == "Tram line opens" and tram.keywords == ["transport", "city"]
    assert doc.entries[2].published == datetime(2026, 11, 12, 10, tzinfo=UTC)  # lastmod when no news date


def test_sitemap_index_children_carry_their_lastmod():
    doc = parse_sitemap(SITEMAP_INDEX.format(base="https://x.test").encode(), "https://x.test/index.xml")
    assert doc.kind == "sitemapindex"
    assert [(e.url.rsplit("/", 1)[-1], e.published.year) for e in doc.entries] == [("news.xml", 2026),
                                                                                   ("2019-05.xml", 2019)]
    with pytest.raises(ListingError, match=r"^https://x.test/f: not a sitemap: root element <rss>"):
        parse_sitemap(RSS.encode(), "https://x.test/f")


def test_gzipped_sitemaps_are_read_and_bombs_refused():
    import gzip

    body = gzip.compress(SITEMAP_INDEX.format(base="https://x.test").encode())
    assert parse_sitemap(body, "https://x.test/index.xml.gz").kind == "sitemapindex"
    bomb = gzip.compress(b"<urlset>" + b" " * (51 * 1024 * 1024), compresslevel=9)
    with pytest.raises(ListingError, match="larger than 50 MB uncompressed"):
        parse_sitemap(bomb, "https://x.test/bomb.xml.gz")


def test_feed_entries_have_pubdate_or_published():
    rss = parse_feed_entries(RSS.encode(), "https://x.test/rss")
    assert [(e.url, e.published) for e in rss] == [
        ("https://x.test/news/1.html", datetime(2026, 11, 17, 8, 30, tzinfo=UTC)), ("https://x.test/news/2.html", None)]
    atom = parse_feed_entries(ATOM.encode(), "https://x.test/atom")
    assert atom[0].url == "https://x.test/news/a.html" and atom[0].published.day == 18


def test_dates_printed_beside_section_links():
    html = ('<ul><li><article><h3><a href="/news/a.html">A</a></h3><time datetime="2026-11-03T10:00:00Z">3 Nov</time>'
            '</article></li><li><a href="/news/b.html">B</a></li></ul>')
    dates = link_dates(html, "https://x.test/news/")
    assert dates == {"https://x.test/news/a.html": datetime(2026, 11, 3, 10, tzinfo=UTC)}


def test_pagination_stops_where_the_listing_is_older_than_since():
    since = datetime(2026, 11, 1, tzinfo=UTC)
    newer, older = datetime(2026, 11, 5, tzinfo=UTC), datetime(2026, 10, 5, tzinfo=UTC)
    assert pagination_stop(1, 3, [], None) is None and pagination_stop(3, 3, [], None) == "max_pages"
    assert pagination_stop(7, 3, [newer, older], since) is None  # back-fill goes past max_pages
    assert pagination_stop(7, 3, [older, older], since) == "backfill_reached"
    assert pagination_stop(3, 3, [], since) == "max_pages"  # no dates to stop on: the outlet's limit


def test_date_consensus_keeps_the_page_date_and_fills_gaps():
    page, listed = datetime(2026, 11, 10, tzinfo=UTC), datetime(2026, 11, 13, tzinfo=UTC)
    assert consensus_date(page, listed) == (page, "disagree")
    assert consensus_date(page, page + timedelta(hours=20)) == (page, None)
    assert consensus_date(None, listed) == (listed, "from_listing")
    assert consensus_date(page, None) == (page, None)


def test_since_is_a_date_or_a_duration():
    now = datetime(2026, 12, 1, 12, tzinfo=UTC)
    assert resolve_since("2026-11-01", now) == datetime(2026, 11, 1, tzinfo=UTC)
    assert resolve_since("7d", now) == datetime(2026, 11, 24, 12, tzinfo=UTC)
    assert resolve_since(None, now) is None
    with pytest.raises(ValueError, match="neither a date"):
        resolve_since("last week", now)
    assert older_than(datetime(2026, 10, 31, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC))
    assert not older_than(None, datetime(2026, 11, 1, tzinfo=UTC))


def test_schedule_keys_since_and_max_pages():
    sched = parse_schedule({"schedule": [{"outlet": "x", "every": "1h", "since": "2d", "max_pages": 50}]}, "s.toml")
    assert sched.entries[0].bound_settings() == {"NEWSDESK_SINCE": "2d", "NEWSDESK_MAX_PAGES": "50"}
    with pytest.raises(ScheduleError, match=r"^s.toml: schedule\[0\] \(outlet x\): since: "):
        parse_schedule({"schedule": [{"outlet": "x", "every": "1h", "since": "yesterday"}]}, "s.toml")
    with pytest.raises(ScheduleError, match=r"max_pages"):
        parse_schedule({"schedule": [{"outlet": "x", "every": "1h", "max_pages": 0}]}, "s.toml")


# -- crawls of local servers -------------------------------------------------------

def _robots(site: OutletSite) -> None:
    site.page("/robots.txt", "User-agent: *\nDisallow:\n", content_type="text/plain")


@pytest.mark.slow
def test_sitemap_index_and_news_sitemap_backfill_with_date_consensus(tmp_path, mongo_uri, db_name, mongo_db):
    site = OutletSite()
    _robots(site)
    site.page("/news/", "<html><body>no links today</body></html>")
    site.page("/news/2026/tram-line.html", article_page("tram", "Tram line opens", "2026-11-20T07:00:00Z"))
    # the page says 11-11; the sitemap says 11-15: more than a day apart, the page's date is stored
    site.page("/news/2026/dock-wages.html", article_page("dock", "Dock wages", "2026-11-11T08:00:00Z"))
    site.page("/news/2026/undated-note.html", article_page("note", "A note without a date"))
    site.page("/news/2026/october-fair.html", article_page("fair", "October fair", "2026-10-20T08:00:00Z"))
    with site.serve() as server:
        base = server.base_url
        site.page("/sitemap-index.xml", SITEMAP_INDEX.format(base=base), content_type="application/xml")
        site.page("/sitemaps/news.xml", NEWS_SITEMAP.format(base=base), content_type="application/xml")
        site.page("/sitemaps/2019-05.xml", NEWS_SITEMAP.format(base=base), content_type="application/xml")
        outlet_file(tmp_path / "outlets", "mapped", base, extra=f'sitemaps = ["{base}/sitemap-index.xml"]\n')
        env = newsdesk_env(tmp_path, mongo_uri, db_name)
        result = run_newsdesk(env, "crawl", "mapped", "--since", "2026-11-01", "-s", "DOWNLOAD_DELAY=0",
                              "--summary-json", str(tmp_path / "summary.json"))
    assert result.returncode == 0, result.stderr[-2000:]
    paths = {h.path for h in site.hits}
    assert "/sitemaps/2019-05.xml" not in paths  # a child sitemap last modified before --since
    assert "/news/2026/october-fair.html" not in paths  # listed before --since: not fetched
    docs = {d["url"].rsplit("/", 1)[-1]: d for d in mongo_db.articles.find({"outlet": "mapped"})}
    assert set(docs) == {"tram-line.html", "dock-wages.html", "undated-note.html"}
    assert docs["dock-wages.html"]["published_at"] == datetime(2026, 11, 11, 8, tzinfo=UTC)
    assert docs["undated-note.html"]["published_at"] == datetime(2026, 11, 12, 10, tzinfo=UTC)  # the listing's lastmod
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["date_disagreements"] == 1 and summary["dates_from_listing"] == 1
    assert summary["older_than_since"] == 2  # the 2019 child sitemap and the October article
    run = mongo_db.crawl_runs.find_one({"outlet": "mapped"})
    assert run["date_disagreements"] == 1


def _paginated(site: OutletSite, pages: list[list[str]]) -> None:
    """/news/?page=N listing dated articles (a <time> beside each link), rel=next to the following page."""
    for number, dates in enumerate(pages, 1):
        cards = []
        for date in dates:
            slug = f"p{number}-{date}"
            site.page(f"/news/2026/{slug}.html", article_page(slug, f"Story of {date}", f"{date}T09:00:00Z"))
            cards.append(f'<article><a href="/news/2026/{slug}.html">Story of {date}</a>'
                         f'<time datetime="{date}T09:00:00Z">{date}</time></article>')
        nxt = f'<a rel="next" href="/news/?page={number + 1}">older</a>' if number < len(pages) else ""
        html = f"<html><body>{''.join(cards)}{nxt}</body></html>"
        site.page("/news/" if number == 1 else f"/news/?page={number}", html)
    # OutletSite routes by path only: serve the query-string pages by their page parameter
    by_page = {n: site.routes["/news/" if n == 1 else f"/news/?page={n}"] for n in range(1, len(pages) + 1)}

    def section(handler):
        from urllib.parse import parse_qs, urlsplit

        number = int(parse_qs(urlsplit(handler.path).query).get("page", ["1"])[0])
        return by_page[number](handler)

    site.routes["/news/"] = section


PAGES = [["2026-11-20", "2026-11-18"], ["2026-11-12", "2026-11-09"], ["2026-11-04", "2026-10-29"],
         ["2026-10-25", "2026-10-21"], ["2026-10-10", "2026-10-02"]]


@pytest.mark.slow
def test_since_follows_pagination_back_to_the_date_then_stops(tmp_path, mongo_uri, db_name, mongo_db):
    site = OutletSite()
    _robots(site)
    _paginated(site, PAGES)
    with site.serve() as server:
        # max_pages = 2 would stop at page 2; --since follows the listing past it
        outlet_file(tmp_path / "outlets", "paged", server.base_url, extra="max_pages = 2\n")
        env = newsdesk_env(tmp_path, mongo_uri, db_name)
        result = run_newsdesk(env, "crawl", "paged", "--since", "2026-11-01", "-s", "DOWNLOAD_DELAY=0")
    assert result.returncode == 0, result.stderr[-2000:]
    sections = [h for h in site.hits if h.path == "/news/"]
    assert len(sections) == 4, "pages 1-4: page 4 is all older than --since, page 5 is never asked for"
    stored = sorted(d["url"].rsplit("/", 1)[-1] for d in mongo_db.articles.find({"outlet": "paged"}))
    assert stored == ["p1-2026-11-18.html", "p1-2026-11-20.html", "p2-2026-11-09.html", "p2-2026-11-12.html",
                      "p3-2026-11-04.html"]


@pytest.mark.slow
def test_max_pages_caps_the_pages_fetched(tmp_path, mongo_uri, db_name, mongo_db):
    site = OutletSite()
    _robots(site)
    _paginated(site, PAGES)
    with site.serve() as server:
        outlet_file(tmp_path / "outlets", "capped", server.base_url, extra="max_pages = 5\n")
        env = newsdesk_env(tmp_path, mongo_uri, db_name)
        result = run_newsdesk(env, "crawl", "capped", "--max-pages", "4", "-s", "DOWNLOAD_DELAY=0",
                              "--summary-json", str(tmp_path / "summary.json"))
    assert result.returncode == 0, result.stderr[-2000:]
    fetched = [h.path for h in site.hits if h.path != "/robots.txt"]
    assert len(fetched) == 4, fetched
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["over_page_budget"] >= 1 and not summary["errors"], summary

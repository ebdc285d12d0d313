"""End to end: a real crawl keeps every response as WARC; `newsdesk reextract` re-runs
the pipeline on those records with the site gone."""

from __future__ import annotations

from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from crawlers.offline import process_html
from pipelines.outlets import load_outlet_file
from pipelines.warc import read_response
from tests.fixture_server import FixtureServer
from tests.sitefixtures import FAST, newsdesk_env, run_newsdesk, write_outlet

CHANGED = "/world/2026/11/02/rail-strike.html"  # the one page with "shift rosters" in its body


def test_crawl_archives_every_response_and_each_article_points_at_its_record(tmp_path, mongo_uri, db_name,
                                                                             mongo_db):
    with FixtureServer() as site:
        write_outlet(tmp_path / "outlets", site.base_url)
        env = newsdesk_env(tmp_path, mongo_uri, db_name)
        crawl = run_newsdesk(env, "crawl", "fixture", *FAST)
        assert crawl.returncode == 0, crawl.stderr[-3000:]
    root = tmp_path / "home" / "archive"
    files = sorted(root.glob("fixture/*/*.warc.gz"))
    assert files, f"no WARC files under {root}"
    responses, requests = {}, 0
    for path in files:
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type == "response":
                    responses[record.rec_headers.get_header("WARC-Target-URI")] = record.content_stream().read()
                requests += record.rec_type == "request"
    assert requests == len(responses)  # every response has its request
    sections = [f"{site.base_url}/world/", f"{site.base_url}/business/", f"{site.base_url}/robots.txt"]
    assert set(sections) <= set(responses)  # section pages and robots.txt, not only articles
    docs = list(mongo_db.articles.find())
    assert len(docs) == 6
    for doc in docs:
        ref = doc["archive"]
        assert (root / ref["file"]).is_file() and ref["offset"] >= 0 and ref["length"] > 0
        got = read_response(root, ref)  # the record at the stored offset is this article's
        assert got.url == doc["url"] and got.status == 200 and got.role == "article"
        assert doc["title"].encode() in got.body and got.body == responses[doc["url"]]


def test_reextract_after_an_extraction_change_bumps_only_changed_bodies(tmp_path, mongo_uri, db_name, mongo_db):
    with FixtureServer() as site:
        outlet_file = write_outlet(tmp_path / "outlets", site.base_url)
        env = newsdesk_env(tmp_path, mongo_uri, db_name)
        crawl = run_newsdesk(env, "crawl", "fixture", *FAST)
        assert crawl.returncode == 0, crawl.stderr[-3000:]
        base = site.base_url
    # the site is gone from here on: reextract must not need it
    before = {d["canonical_url"]: d for d in mongo_db.articles.find()}
    unchanged_run = run_newsdesk(env, "reextract", "--outlet", "fixture")
    assert unchanged_run.returncode == 0, unchanged_run.stderr[-3000:]
    assert "6 re-extracted: 0 updated, 6 unchanged" in unchanged_run.stdout, unchanged_run.stdout
    assert {d["canonical_url"]: d["last_seen"] for d in mongo_db.articles.find()} == \
        {u: d["last_seen"] for u, d in before.items()}  # nothing was fetched: last_seen stays

    # the deliberate change: the outlet now drops the paragraph about shift rosters
    outlet_file.write_text(outlet_file.read_text()
                           + '\n[selectors]\nremove = [\'p:contains("shift rosters")\']\n')
    changed_run = run_newsdesk(env, "reextract", "--outlet", "fixture")
    assert changed_run.returncode == 0, changed_run.stderr[-3000:]
    assert "6 re-extracted: 1 updated, 5 unchanged" in changed_run.stdout, changed_run.stdout
    after = {d["canonical_url"]: d for d in mongo_db.articles.find()}
    assert set(after) == set(before)
    for url, doc in after.items():
        if url == base + CHANGED:
            assert doc["version"] == 2 and "shift rosters" not in doc["body"]
            assert "shift rosters" in before[url]["body"]
            # what the pipeline gives now, removed_blocks included
            expected = process_html(read_response(tmp_path / "home" / "archive", doc["archive"]).body,
                                    doc["url"], load_outlet_file(outlet_file))
            assert doc["body"] == expected["body"] and doc["removed_blocks"] == expected["removed_blocks"]
        else:
            assert doc["version"] == 1 and doc["body"] == before[url]["body"]
            assert doc["removed_blocks"] == before[url]["removed_blocks"]
    old = list(mongo_db.article_versions.find())
    assert [(v["canonical_url"], v["version"]) for v in old] == [(base + CHANGED, 1)]
    # --since/--until select by fetch time: nothing was fetched in 2001
    none = run_newsdesk(env, "reextract", "--since", "2001-01-01", "--until", "2001-02-01")
    assert none.returncode == 0 and "0 re-extracted" in none.stdout, none.stdout + none.stderr


def test_archive_switched_off_writes_nothing(tmp_path, mongo_uri, db_name, mongo_db):
    with FixtureServer() as site:
        write_outlet(tmp_path / "outlets", site.base_url)
        env = newsdesk_env(tmp_path, mongo_uri, db_name, NEWSDESK_ARCHIVE_DIR=str(tmp_path / "w"))
        crawl = run_newsdesk(env, "crawl", "fixture", *FAST, "-s", "NEWSDESK_ARCHIVE=False")
        assert crawl.returncode == 0, crawl.stderr[-3000:]
    assert not Path(tmp_path / "w").exists()
    assert mongo_db.articles.count_documents({}) == 6
    assert mongo_db.articles.count_documents({"archive": None}) == 6


def test_bad_archive_settings_exit_2_with_one_line(env):
    for pair, says in (("NEWSDESK_ARCHIVE_GZIP_LEVEL=12", "must be 0-9"),
                       ("NEWSDESK_ARCHIVE_MAX_BYTES=0", "must be positive"),
                       ("NEWSDESK_ARCHIVE_RETENTION_DAYS=-1", "must be >= 0")):
        run = run_newsdesk(env, "crawl", "fixture", "-s", pair)
        assert run.returncode == 2, run.stderr
        (line,) = [line for line in run.stderr.splitlines() if line.startswith("newsdesk:")]
        assert pair.split("=")[0] in line and says in line

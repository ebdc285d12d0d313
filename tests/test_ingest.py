"""`newsdesk ingest`: local WARC files (built here with warcio from fixture pages)
through the article pipeline: routing, resuming after kill -9, bad records."""

from __future__ import annotations

import random
import signal
import subprocess
import time
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipelines import checkpoints
from tests.fixture_server import SITE
from tests.sitefixtures import NEWSDESK, REPO, newsdesk_env, run_newsdesk

HOST = "gazette.example"
FIXTURE_ARTICLES = sorted(p.relative_to(SITE).as_posix() for p in SITE.glob("*/2026/**/*.html")
                          if p.parts[-5] in ("world", "business"))
WORDS = ["harbour", "council", "ferry", "budget", "strike", "union", "minister", "court", "river", "bridge", "school", "vote", "market", "price", "energy", "station", "hospital", "farmers", "weather", "flood", "inquiry", "report"]


def write_outlets(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "gazette.toml").write_text(
        f'name = "gazette"\ndomains = ["{HOST}"]\nsections = ["https://{HOST}/world/"]\n'
        "article_pattern = '/20\\d\\d/'\n")
    (directory / "other.toml").write_text(
        'name = "other"\ndomains = ["other.example"]\nsections = ["https://other.example/"]\n'
        "article_pattern = '/news/'\n")


def response_record(writer: WARCWriter, url: str, body: bytes, status: str = "200 OK"):
    headers = StatusAndHeaders(status, [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
    return writer.create_warc_record(url, "response", payload=BytesIO(body), length=len(body),
                                     http_headers=headers)


def write_warc(path: Path, pages: list[tuple[str, bytes]]) -> list[int]:
    """Per-record gzip WARC of (url, html) responses; returns each record's offset."""
    offsets = []
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        for url, body in pages:
            offsets.append(fh.tell())
            writer.write_record(response_record(writer, url, body))
    return offsets


def fixture_pages() -> list[tuple[str, bytes]]:
    return [(f"https://{HOST}/{p}", (SITE / p).read_bytes()) for p in FIXTURE_ARTICLES]


def generated_pages(n: int, seed: int = 7) -> list[tuple[str, bytes]]:
    rng = random.Random(seed)
    pages = []
    for i in range(n):
        paras = "".join("<p>" + " ".join(rng.choice(WORDS) for _ in range(40)) + f" (item {i}).</p>"
                        for _ in range(4))
        html = (f"<html><head><title>Report {i}</title></head><body><article><h1>Report number {i}</h1>"
                f"{paras}</article></body></html>")
        pages.append((f"https://{HOST}/2026/11/report-{i}.html", html.encode()))
    return pages


def env_for(tmp_path, mongo_uri, db_name):
    write_outlets(tmp_path / "outlets")
    return newsdesk_env(tmp_path, mongo_uri, db_name)


def test_ingest_stores_matching_articles_once_and_a_second_ingest_nothing(tmp_path, mongo_uri, db_name, mongo_db):
    env = env_for(tmp_path, mongo_uri, db_name)
    warc = tmp_path / "cc-news.warc.gz"
    foreign = [("https://elsewhere.example/2026/x.html", (SITE / FIXTURE_ARTICLES[0]).read_bytes())]
    offsets = write_warc(warc, fixture_pages() + foreign)
    first = run_newsdesk(env, "ingest", str(warc))
    assert first.returncode == 0, first.stderr[-3000:]
    assert "6 new, 0 updated, 0 unchanged" in first.stdout, first.stdout
    assert "no outlet 1" in first.stdout, first.stdout
    docs = {d["url"]: d for d in mongo_db.articles.find()}
    assert set(docs) == {url for url, _ in fixture_pages()}
    for n, (url, _body) in enumerate(fixture_pages()):
        doc = docs[url]
        assert doc["outlet"] == "gazette" and doc["version"] == 1
        assert doc["archive"]["file"] == str(warc.resolve()) and doc["archive"]["offset"] == offsets[n]
    budget = docs[f"https://{HOST}/world/2026/11/03/budget-vote.html"]  # the same stages as a crawl
    assert "Already subscribed? Log in" in " ".join(b["text"] for b in budget["removed_blocks"])

    second = run_newsdesk(env, "ingest", str(warc))
    assert second.returncode == 0 and "already ingested" in second.stdout, second.stdout + second.stderr
    assert "0 new" in second.stdout
    again = run_newsdesk(env, "ingest", "--restart", str(warc))  # read again: all unchanged
    assert "0 new, 0 updated, 6 unchanged" in again.stdout, again.stdout
    assert mongo_db.articles.count_documents({}) == 6


def test_outlet_option_takes_every_record_and_jobs_split_files(tmp_path, mongo_uri, db_name, mongo_db):
    env = env_for(tmp_path, mongo_uri, db_name)
    pages = generated_pages(8)
    files = [tmp_path / "a.warc.gz", tmp_path / "b.warc.gz"]
    write_warc(files[0], pages[:4])
    write_warc(files[1], pages[4:])
    run = run_newsdesk(env, "ingest", "--outlet", "other", "--jobs", "2", *map(str, files))
    assert run.returncode == 0, run.stderr[-3000:]
    assert "8 new" in run.stdout and "2 files" in run.stdout, run.stdout
    assert {d["outlet"] for d in mongo_db.articles.find()} == {"other"}
    assert mongo_db.articles.count_documents({}) == 8


def test_truncated_and_corrupt_records_are_counted_skipped_and_named(tmp_path, mongo_uri, db_name, mongo_db):
    env = env_for(tmp_path, mongo_uri, db_name)
    warc = tmp_path / "damaged.warc.gz"
    pages = fixture_pages()
    offsets = write_warc(warc, pages)
    data = bytearray(warc.read_bytes())
    middle = offsets[1] + 200
    data[middle:middle + 64] = bytes(64)  # record 1 corrupt
    cut = offsets[5] + (len(data) - offsets[5]) // 2  # record 5 cut in half
    warc.write_bytes(bytes(data[:cut]))
    run = run_newsdesk(env, "ingest", str(warc))
    assert run.returncode == 0, run.stderr[-3000:]
    bad_lines = [line for line in run.stderr.splitlines() if "bad record skipped" in line]
    assert len(bad_lines) == 2, run.stderr
    assert f"{warc}@{offsets[1]}:" in bad_lines[0] and f"{warc}@{offsets[5]}:" in bad_lines[1]
    assert "not a WARC record" in bad_lines[0] and "cut short" in bad_lines[1], bad_lines
    assert all(line.isascii() and line.isprintable() for line in bad_lines), bad_lines  # no raw bytes
    assert "bad records 2" in run.stdout, run.stdout
    stored = {d["url"] for d in mongo_db.articles.find()}
    assert stored == {url for i, (url, _) in enumerate(pages) if i not in (1, 5)}


def test_kill_9_mid_ingest_then_rerun_stores_every_article_exactly_once(tmp_path, mongo_uri, db_name, mongo_db):
    env = env_for(tmp_path, mongo_uri, db_name)
    pages = generated_pages(60)
    warc = tmp_path / "big.warc.gz"
    write_warc(warc, pages)
    state_dir = tmp_path / "home" / "ingest"
    proc = subprocess.Popen([NEWSDESK, "ingest", "--batch-size", "3", str(warc)], env=env, cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:  # kill once part of the file is checkpointed
            state = checkpoints.load(state_dir, warc)
            if state.offset > 0:
                break
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    killed_at = checkpoints.load(state_dir, warc)
    assert not killed_at.done and 0 < killed_at.offset < warc.stat().st_size
    part = mongo_db.articles.count_documents({})
    assert 0 < part < 60
    rerun = run_newsdesk(env, "ingest", "--batch-size", "3", str(warc), timeout=300)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    urls = [d["url"] for d in mongo_db.articles.find({}, {"url": 1})]
    assert sorted(urls) == sorted(url for url, _ in pages)  # nothing lost, nothing twice
    assert {d["version"] for d in mongo_db.articles.find()} == {1}
    assert checkpoints.load(state_dir, warc).done


def test_a_stop_request_ends_the_file_at_a_checkpoint_and_the_next_run_finishes_it(tmp_path, mongo_db):
    """What a cancelled Scrapyd ingest job does (crawlers/spiders/ingest.py): stop after a stored batch."""
    from crawlers.warc_jobs import IngestOptions, ingest_file
    from pipelines.outlets import load_outlets

    write_outlets(tmp_path / "outlets")
    outlets = load_outlets([tmp_path / "outlets"])
    pages = generated_pages(10)
    warc = tmp_path / "stop.warc.gz"
    write_warc(warc, pages)
    options = IngestOptions(state_dir=tmp_path / "state", archive_root=tmp_path / "archive", batch_size=4)
    first = ingest_file(warc, mongo_db, outlets, options, stop=lambda: True)
    assert first["files/stopped"] == 1 and first["stored/new"] == 4, first
    state = checkpoints.load(options.state_dir, warc)
    assert not state.done and 0 < state.offset < warc.stat().st_size
    assert mongo_db.articles.count_documents({}) == 4
    rest = ingest_file(warc, mongo_db, outlets, options)
    assert rest["stored/new"] == 6 and "files/stopped" not in rest, rest
    assert sorted(d["url"] for d in mongo_db.articles.find()) == sorted(url for url, _ in pages)
    assert checkpoints.load(options.state_dir, warc).done

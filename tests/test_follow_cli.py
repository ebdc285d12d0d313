"""`newsdesk articles --follow` and the exports, as real CLI processes beside real crawls."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.fixture_server import FixtureServer
from tests.sitefixtures import (
    FAST,
    NEWSDESK,
    REPO,
    fixture_paragraphs,
    newsdesk_env,
    run_newsdesk,
    write_news_outlet,
    write_news_site,
)


def _site(root: Path, count: int, changed: int | None = None) -> list[str]:
    """`count` articles with bodies of their own; article `changed` gets a new last paragraph."""
    words = sorted({w.strip(".,;:\"'()").lower() for p in fixture_paragraphs() for w in p.split()} - {""})
    articles = []
    for n in range(count):
        # sentences of their own (no line shared across articles, or boilerplate learning and
        # near-duplicate linking would change them on a re-crawl)
        pick = random.Random(n)
        paragraphs = [" ".join(pick.choice(words) for _ in range(30)).capitalize() + "." for _ in range(4)]
        if n == changed:
            paragraphs.append("Correction: an earlier version of this story gave the wrong date for the vote.")
        articles.append((f"news/2026/11/{n % 28 + 1:02d}/story-{n}.html", f"Story {n}", f"Story {n}", paragraphs))
    write_news_site(root, articles)
    return [path for path, *_ in articles]


def _crawl(env: dict) -> subprocess.CompletedProcess:
    result = run_newsdesk(env, "crawl", "gazette", *FAST, "-s", "NEWSDESK_INCREMENTAL=False",
                          "-s", "NEWSDESK_STORE_BATCH=2", timeout=180)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def _start_follower(env: dict, *args: str) -> subprocess.Popen:
    return subprocess.Popen([NEWSDESK, "articles", "--follow", *args], env=env, cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _wait_for(predicate, timeout: float = 60, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["change-stream", "poll"])
def test_follower_prints_every_write_once_across_kill_9(tmp_path, mongo_uri, db_name, mongo_db, services, mode):
    root = tmp_path / "site"
    first = _site(root, 8)
    with FixtureServer(root=root) as site:
        write_news_outlet(tmp_path / "outlets", "gazette", site.base_url)
        env = newsdesk_env(tmp_path, mongo_uri, db_name, tmp_path / "outlets")
        checkpoint, out = tmp_path / "follow.checkpoint", tmp_path / "follow.jsonl"
        follower = _start_follower(env, "--checkpoint", str(checkpoint), "--out", str(out), "--follow-mode", mode)
        services.append(type("Svc", (), {"proc": follower})())
        _wait_for(checkpoint.exists, what="the follower's first checkpoint")

        # 1. a crawl while the follower runs: every article once
        _crawl(env)
        _wait_for(lambda: len(_lines(out)) >= 8, what="8 lines")
        time.sleep(1.5)  # nothing more may come
        lines = _lines(out)
        assert sorted(line["canonical_url"].removeprefix(site.base_url + "/") for line in lines) == sorted(first)
        assert {(line["change"], line["version"]) for line in lines} == {("new", 1)}
        assert json.loads(checkpoint.read_text())["mode"] == mode.replace("-", "_")

        # 2. kill -9, then more articles and one changed body are stored while it is down
        follower.send_signal(signal.SIGKILL)
        follower.wait(timeout=10)
        everything = _site(root, 14, changed=2)
        _crawl(env)
        assert mongo_db.articles.count_documents({}) == 14

        # 3. restarted with the same checkpoint: what was stored meanwhile, once, nothing again
        again = subprocess.run([NEWSDESK, "articles", "--follow", "--checkpoint", str(checkpoint), "--out", str(out),
                                "--idle-exit", "3"], env=env, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr[-2000:]
    lines = _lines(out)
    keys = Counter((line["canonical_url"].removeprefix(site.base_url + "/"), line["version"]) for line in lines)
    assert max(keys.values()) == 1, [k for k, n in keys.items() if n > 1]  # no duplicates
    assert set(keys) == {(path, 1) for path in everything} | {(everything[2], 2)}  # no gaps
    changed = [line for line in lines if line["version"] == 2]
    assert [(c["change"], c["canonical_url"].endswith(everything[2])) for c in changed] == [("updated", True)]
    assert "Correction:" in changed[0]["body"]


@pytest.mark.slow
def test_follower_killed_mid_crawl_resumes_without_gaps_or_duplicates(tmp_path, mongo_uri, db_name, mongo_db, services):
    root = tmp_path / "site"
    everything = _site(root, 30)
    with FixtureServer(root=root) as site:
        write_news_outlet(tmp_path / "outlets", "gazette", site.base_url)
        env = newsdesk_env(tmp_path, mongo_uri, db_name, tmp_path / "outlets")
        checkpoint, out = tmp_path / "follow.checkpoint", tmp_path / "follow.jsonl"
        # stdout redirected to a file, as a shell `>>` would
        with open(out, "ab") as sink:
            follower = subprocess.Popen([NEWSDESK, "articles", "--follow", "--checkpoint", str(checkpoint)],
                                        env=env, cwd=REPO, stdout=sink, stderr=subprocess.DEVNULL)
        services.append(type("Svc", (), {"proc": follower})())
        _wait_for(checkpoint.exists, what="the follower's first checkpoint")
        crawl = subprocess.Popen([NEWSDESK, "crawl", "gazette", *FAST, "-s", "NEWSDESK_STORE_BATCH=1",
                                  "-s", "CONCURRENT_REQUESTS=2"], env=env, cwd=REPO,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        _wait_for(lambda: len(_lines(out)) >= 5, timeout=120, what="5 lines")
        follower.send_signal(signal.SIGKILL)  # while the crawl goes on storing
        follower.wait(timeout=10)
        assert crawl.wait(timeout=180) == 0, crawl.stderr.read()[-2000:]
        with open(out, "ab") as sink:
            again = subprocess.run([NEWSDESK, "articles", "--follow", "--checkpoint", str(checkpoint),
                                    "--idle-exit", "3"], env=env, cwd=REPO, stdout=sink,
                                   stderr=subprocess.PIPE, text=True, timeout=120)
    assert again.returncode == 0, again.stderr[-2000:]
    urls = Counter(line["canonical_url"].removeprefix(site.base_url + "/") for line in _lines(out))
    assert mongo_db.articles.count_documents({}) == 30
    assert set(urls) == set(everything) and max(urls.values()) == 1


@pytest.mark.slow
def test_parquet_export_has_the_documented_types_and_every_row(tmp_path, env, mongo_db):
    assert run_newsdesk(env, "crawl", "fixture", *FAST).returncode == 0
    path = tmp_path / "articles.parquet"
    result = run_newsdesk(env, "articles", "--format", "parquet", "--out", str(path))
    assert result.returncode == 0, result.stderr
    table = pq.read_table(path)
    assert table.num_rows == mongo_db.articles.count_documents({}) == 6
    types = {field.name: field.type for field in table.schema}
    assert types["published_at"] == pa.timestamp("ms", tz="UTC")
    assert types["first_seen"] == types["last_seen"] == pa.timestamp("ms", tz="UTC")
    assert types["authors"] == pa.list_(pa.string()) and types["simhash_bands"] == pa.list_(pa.string())
    assert types["removed_blocks"] == pa.list_(pa.struct([pa.field("text", pa.string(), nullable=False),
                                                          pa.field("reason", pa.string(), nullable=False),
                                                          pa.field("at", pa.int64())]))
    assert types["version"] == pa.int64() and types["paywalled"] == pa.bool_() and types["_id"] == pa.string()
    rows = {row["canonical_url"]: row for row in table.to_pylist()}
    stored = {doc["canonical_url"]: doc for doc in mongo_db.articles.find()}
    assert set(rows) == set(stored)
    for url, doc in stored.items():
        assert rows[url]["published_at"] == doc["published_at"] and rows[url]["authors"] == doc["authors"]
        assert rows[url]["_id"] == str(doc["_id"])

    picked = tmp_path / "picked.parquet"
    assert run_newsdesk(env, "articles", "--format", "parquet", "--out", str(picked), "--outlet", "fixture",
                        "--fields", "canonical_url,published_at").returncode == 0
    assert pq.read_table(picked).schema.names == ["canonical_url", "published_at"]
    jsonl = run_newsdesk(env, "articles", "--fields", "title,version")
    assert [set(json.loads(line)) for line in jsonl.stdout.splitlines()] == [{"title", "version"}] * 6
    csv_out = run_newsdesk(env, "articles", "--format", "csv", "--fields", "version,title")
    assert csv_out.stdout.splitlines()[0] == "version,title" and len(csv_out.stdout.splitlines()) == 7


@pytest.mark.parametrize("content, reason", [
    ("{ this is not json", "is not valid JSON"),
    ("", "is empty"),
    ('{"newsdesk_follow_checkpoint": 1, "database": "newsdesk", "database_id": "0", "outlet": null, '
     '"mode": "poll", "write_seq": 4}', "was written for database 'newsdesk' (id 0)"),
])
def test_bad_checkpoint_exits_2_with_one_line(tmp_path, env, content, reason):
    path = tmp_path / "bad.checkpoint"
    path.write_text(content)
    result = run_newsdesk(env, "articles", "--follow", "--checkpoint", str(path), "--idle-exit", "1")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert str(path) in result.stderr and reason in result.stderr
    assert path.read_text() == content  # never started over


def test_bad_export_arguments_exit_2(env):
    for args, words in [(["--fields", "title,colour"], "--fields: 'colour' is not an article field"),
                        (["--format", "parquet"], "--format parquet: needs --out FILE"),
                        (["--follow", "--format", "csv"], "--follow: writes JSON Lines"),
                        (["--checkpoint", "x"], "--checkpoint: only with --follow")]:
        result = run_newsdesk(env, "articles", *args)
        assert result.returncode == 2 and words in result.stderr, (args, result.stderr)


def test_follow_into_a_pipe(env, mongo_db, tmp_path):
    from tests.test_reader import _stored

    follower = subprocess.Popen([NEWSDESK, "articles", "--follow", "--checkpoint", str(tmp_path / "cp"),
                                 "--idle-exit", "2", "--fields", "canonical_url"],
                                env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _wait_for((tmp_path / "cp").exists, what="checkpoint")
    _stored(mongo_db, "https://x.test/piped")
    stdout, stderr = follower.communicate(timeout=60)
    assert follower.returncode == 0, stderr
    assert [json.loads(line) for line in stdout.splitlines()] == [{"change": "new", "canonical_url": "https://x.test/piped"}]
    assert os.path.getsize(tmp_path / "cp") > 0


def test_unwritable_checkpoint_or_output_is_one_line(env, tmp_path):
    missing = tmp_path / "no-such-dir"
    result = run_newsdesk(env, "articles", "--follow", "--checkpoint", str(missing / "cp"), "--idle-exit", "1")
    assert result.returncode == 2 and f"checkpoint {missing / 'cp'}: cannot be written" in result.stderr
    result = run_newsdesk(env, "articles", "--format", "parquet", "--out", str(missing / "a.parquet"))
    assert result.returncode == 1 and result.stderr.strip().startswith(f"newsdesk: --out {missing / 'a.parquet'}:")

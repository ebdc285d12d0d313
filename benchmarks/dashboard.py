"""Dashboard page times with 10,000 runs and 100,000 articles stored (the issue's budget: 300 ms a page).

A SecantusDB server is started here with two databases: `large` (10,000 runs
over 20 outlets, 100,000 articles, 5,000 earlier versions) and `small` (the
same outlets with 20 runs and 200 articles). `newsdesk dashboard` serves each
from its own process; every page is fetched over HTTP from this process,
alternating large and small, and the median and 95th percentile are printed
with the ratio large/small measured in the same run: the ratio says how much
the stored volume costs, the absolute figure says whether the budget holds.

Usage::

    .venv/bin/python benchmarks/dashboard.py [--runs 10000] [--articles 100000] [--repeat 15] [--data DIR]
        [--profile]

Filling 100,000 articles takes minutes on SecantusDB; with --data DIR the
server keeps its files there and a later run with the same sizes reuses them.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repo importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bson import ObjectId  # noqa: E402
from pymongo import MongoClient, monitoring  # noqa: E402

from pipelines import embedded_db  # noqa: E402
from pipelines.mongo import ensure_schema  # noqa: E402
from pipelines.outlet_summary import refresh_outlet_summary  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
NEWSDESK = str(Path(sys.executable).with_name("newsdesk"))
OUTLETS = [f"outlet-{i:02d}" for i in range(20)]
STATUSES = ["ok"] * 16 + ["degraded", "failed", "timed_out", "skipped"]
ERROR_KINDS = ["page:http_404", "page:timeout", "page:http_503", "page:too_large", "spider:ValueError"]
PARAGRAPH = ("The council met on Tuesday to discuss the budget for the coming year, and members "
             "agreed to return to the question of the bridge repairs after the summer. ")


def fill(db, runs: int, articles: int, versions: int, now: datetime, seed: int = 7) -> None:
    rng = random.Random(seed)
    ensure_schema(db)
    db.crawl_runs.create_index([("outlet", 1), ("started_at", -1)], name="outlet_started")
    docs = []
    for i in range(runs):
        outlet = OUTLETS[i % len(OUTLETS)]
        started = now - timedelta(minutes=15 * (runs - i) / len(OUTLETS) * 2)
        status = rng.choice(STATUSES)
        pages = rng.randint(20, 200)
        docs.append({
            "_id": ObjectId(), "outlet": outlet, "trigger": rng.choice(["schedule", "schedule", "manual", "cli"]),
            "job_id": f"crawl:{outlet}", "status": status, "started_at": started,
            "finished_at": started + timedelta(seconds=rng.uniform(5, 600)), "duration_s": rng.uniform(5, 600),
            "pages_fetched": pages, "articles_seen": pages - 10,
            "stored": {"new": rng.randint(0, 40), "updated": rng.randint(0, 5), "unchanged": rng.randint(0, 100)},
            "dropped": {"too_short": rng.randint(0, 5), "missing_title": rng.randint(0, 2)},
            "errors": {k: rng.randint(1, 6) for k in rng.sample(ERROR_KINDS, rng.randint(0, 3))},
            "fields": {"articles": pages - 10, "published_at": pages - 12, "authors": pages // 2, "paywalled": 3},
            "monitoring": {"error_rate": 0.05, "alerts": []}})
        if len(docs) == 2000:
            db.crawl_runs.insert_many(docs)
            docs = []
    if docs:
        db.crawl_runs.insert_many(docs)
    fill_days(db)
    fill_summaries(db)
    batch = []
    for i in range(articles):
        outlet = OUTLETS[i % len(OUTLETS)]
        body = "\n".join(PARAGRAPH + f"Paragraph {p} of story {i}." for p in range(8))
        seen = now - timedelta(minutes=articles - i)
        batch.append({
            "canonical_url": f"https://{outlet}.example/story/{i}", "url": f"https://{outlet}.example/story/{i}",
            "outlet": outlet, "title": f"Council story number {i} about the bridge", "body": body,
            "authors": ["A. Writer"] if i % 3 else [], "published_at": seen if i % 10 else None,
            "paywalled": i % 7 == 0, "removed_blocks": [{"text": "Subscribe now", "reason": "price_plan", "at": 2}],
            "syndication_note": None, "extraction": "trafilatura", "fingerprint": f"{i:016x}",
            "simhash": None, "simhash_bands": [], "duplicate_of": None, "first_seen": seen, "last_seen": seen,
            "version": 2 if i < versions else 1, "schema_version": 1})
        if len(batch) == 2000:
            db.articles.insert_many(batch)
            batch = []
    if batch:
        db.articles.insert_many(batch)
    if versions:
        db.article_versions.insert_many([
            {"canonical_url": f"https://{OUTLETS[i % len(OUTLETS)]}.example/story/{i}", "version": 1,
             "body": "An older body.\n" + PARAGRAPH, "title": "Older title", "fingerprint": "x", "replaced_at": now}
            for i in range(versions)])


def fill_days(db) -> None:
    """run_days as pipelines.runs.add_to_day leaves them after these runs, written in one go."""
    days: dict[str, dict] = {}
    for run in db.crawl_runs.find({}, {"outlet": 1, "started_at": 1, "stored": 1, "errors": 1}):
        day = run["started_at"].replace(hour=0, minute=0, second=0, microsecond=0)
        doc = days.setdefault(f"{run['outlet']}|{day:%Y-%m-%d}",
                              {"outlet": run["outlet"], "day": day, "runs": 0, "new": 0, "errors": {}})
        doc["runs"] += 1
        doc["new"] += run["stored"]["new"]
        for kind, count in run["errors"].items():
            doc["errors"][kind] = doc["errors"].get(kind, 0) + count
    db.run_days.delete_many({})
    db.run_days.insert_many([{"_id": key, **doc} for key, doc in days.items()])


def fill_summaries(db) -> None:
    """outlet_summaries as the runs' ends leave them (each refresh reads the outlet's newest runs)."""
    for outlet in OUTLETS:
        refresh_outlet_summary(db, outlet)


def start_dashboard(env: dict, database: str, port: int) -> subprocess.Popen:
    proc = subprocess.Popen([NEWSDESK, "dashboard", "--port", str(port)], cwd=REPO,
                            env={**env, "NEWSDESK_MONGO_DB": database}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/static/dashboard.css", timeout=2).read()
            return proc
        except OSError:
            if proc.poll() is not None:
                raise SystemExit(f"newsdesk dashboard exited: {proc.stderr.read().decode()[-2000:]}") from None
            time.sleep(0.2)
    raise SystemExit("newsdesk dashboard did not answer within 30s")


def fetch_ms(url: str) -> float:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as response:
        response.read()
        if response.status != 200:
            raise SystemExit(f"{url}: HTTP {response.status}")
    return (time.perf_counter() - start) * 1000


class CommandTimes(monitoring.CommandListener):
    """A pymongo command listener: each command's name, what it asked, documents returned, time."""

    def __init__(self):
        self.seen: list[tuple[float, str, str, int]] = []
        self._asked: dict[int, tuple[float, str]] = {}

    def started(self, event) -> None:
        asked = {k: event.command[k] for k in ("filter", "sort", "limit", "pipeline") if k in event.command}
        self._asked[event.request_id] = (time.perf_counter(), f"{event.command_name} {str(asked)[:110]}")

    def succeeded(self, event) -> None:
        began, what = self._asked.pop(event.request_id, (time.perf_counter(), event.command_name))
        cursor = event.reply.get("cursor") or {}
        returned = len(cursor.get("firstBatch") or cursor.get("nextBatch") or [])
        self.seen.append(((time.perf_counter() - began) * 1000, event.command_name, what, returned))

    def failed(self, event) -> None:
        self._asked.pop(event.request_id, None)


def profile(uri: str, env: dict, pages: dict[str, tuple[str, str]], repeat: int) -> None:
    """Each page of the large database once more, served in this process, with its database commands:
    how many, their total time, and the slowest (the median over `repeat` loads of the page's total)."""
    from schedules.dashboard.server import StatusServer, config_for

    listener = CommandTimes()
    client = MongoClient(uri, tz_aware=True, event_listeners=[listener])
    target = argparse.Namespace(display=uri)
    server = StatusServer("127.0.0.1", 0, config_for(client["large"], target, env, mode="standalone")).start()
    base = f"http://{server.address}"
    print("\nper page, served in this process (commands: count, their time; the slowest)")
    try:
        for name, (path, _) in pages.items():
            fetch_ms(base + path)
            runs = []
            for _ in range(max(repeat // 3, 1)):
                listener.seen.clear()
                wall = fetch_ms(base + path)
                runs.append((wall, list(listener.seen)))
            wall, seen = sorted(runs, key=lambda r: r[0])[len(runs) // 2]
            print(f"{name:<18} {wall:7.1f} ms  {len(seen):2d} commands {sum(c[0] for c in seen):7.1f} ms")
            for ms, _, what, returned in sorted(seen, reverse=True)[:3]:
                print(f"    {ms:6.1f} ms  {returned:4d} docs  {what}")
    finally:
        server.stop()
        client.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--data", metavar="DIR", help="keep the database files here and reuse them")
    parser.add_argument("--profile", action="store_true",
                        help="then load each large page in this process and list its database commands")
    args = parser.parse_args()

    now = datetime.now(timezone.utc)
    with tempfile.TemporaryDirectory() as tmp:
        port = embedded_db.free_port()
        storage = str(Path(args.data).resolve()) if args.data else ":memory:"
        server = embedded_db.spawn_server(port, storage, Path(tmp) / "secantusd.log", detach=False)
        procs = []
        try:
            uri = f"mongodb://127.0.0.1:{port}/"
            embedded_db.wait_for_ping(uri)
            client = MongoClient(uri, tz_aware=True)
            for name, runs, articles, versions in (("large", args.runs, args.articles, 5000),
                                                   ("small", len(OUTLETS), 200, 20)):
                db = client[name]
                if (db.crawl_runs.estimated_document_count() == runs
                        and db.articles.estimated_document_count() == articles
                        and db.run_days.estimated_document_count()):
                    print(f"{name}: reusing {runs} runs, {articles} articles in {args.data}")
                    ensure_schema(db)  # indexes added since the files were filled
                    fill_summaries(db)  # as this code writes them (a few reads per outlet)
                    continue
                client.drop_database(name)
                t0 = time.perf_counter()
                fill(db, runs, articles, versions=versions, now=now)
                print(f"{name}: filled {runs} runs, {articles} articles in {time.perf_counter() - t0:.0f}s")
            large = client["large"].articles.find_one({"version": 2}, {"_id": 1})["_id"]
            small = client["small"].articles.find_one({"version": 2}, {"_id": 1})["_id"]
            large_run = client["large"].crawl_runs.find_one({}, {"_id": 1})["_id"]
            small_run = client["small"].crawl_runs.find_one({}, {"_id": 1})["_id"]
            client.close()

            env = {**os.environ, "NEWSDESK_MONGO_URI": uri, "NEWSDESK_HOME": tmp}
            ports = {"large": embedded_db.free_port(), "small": embedded_db.free_port()}
            procs = [start_dashboard(env, name, p) for name, p in ports.items()]
            pages = {
                "outlets": ("/", "/"),
                "runs": ("/runs", "/runs"),
                "runs, filtered": ("/runs?outlet=outlet-03&status=failed", "/runs?outlet=outlet-03&status=failed"),
                "run": (f"/runs/{large_run}", f"/runs/{small_run}"),
                "schedules": ("/schedules", "/schedules"),
                "articles": ("/articles", "/articles"),
                "articles, outlet": ("/articles?outlet=outlet-05", "/articles?outlet=outlet-05"),
                "articles, title": ("/articles?title=number+4242", "/articles?title=number+42"),
                "article + diff": (f"/articles/{large}", f"/articles/{small}"),
                "charts": ("/charts", "/charts"),
            }
            print(f"{'page':<18} {'large median':>12} {'p95':>8} {'small median':>12} {'ratio':>6}  budget 300 ms")
            worst = 0.0
            for name, (path_large, path_small) in pages.items():
                for path, which in ((path_large, "large"), (path_small, "small")):
                    fetch_ms(f"http://127.0.0.1:{ports[which]}{path}")  # warm
                times = {"large": [], "small": []}
                for _ in range(args.repeat):
                    times["large"].append(fetch_ms(f"http://127.0.0.1:{ports['large']}{path_large}"))
                    times["small"].append(fetch_ms(f"http://127.0.0.1:{ports['small']}{path_small}"))
                med_l, med_s = statistics.median(times["large"]), statistics.median(times["small"])
                p95 = sorted(times["large"])[max(int(len(times["large"]) * 0.95) - 1, 0)]
                worst = max(worst, med_l)
                print(f"{name:<18} {med_l:>10.1f}ms {p95:>6.1f}ms {med_s:>10.1f}ms {med_l / med_s:>5.2f}x"
                      f"  {'ok' if med_l < 300 else 'OVER'}")
            print(f"slowest page median with {args.runs} runs / {args.articles} articles: {worst:.1f} ms")
            if args.profile:
                profile(uri, env, pages, args.repeat)
        finally:
            for proc in procs:
                proc.terminate()
                proc.wait(timeout=10)
            server.terminate()
            server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())

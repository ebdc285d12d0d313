"""Duplicate detection: quality on the shared corpus, lookup cost at scale.

* semeval2022-task8 sample: precision/recall of `same_story` (overall <= 1.5 is
  the same story, >= 3.5 a different one, in between ignored). These "same
  story" pairs are mostly different outlets' own reports of one event, which a
  copy detector should *not* call copies: recall here is expected to be low;
  precision is the figure that matters (boilerplate-only overlaps).
* fundus: the `de/Taz` pair (one URL, two templates).
* a syndication set generated from the fundus bodies: each story re-published
  with another headline, a wire dateline, its last paragraph trimmed and another
  outlet's boilerplate appended (positives); different stories carrying the
  same boilerplate, and copies against every other story (negatives).
* scale: near-duplicate lookup time per article with 10k / 100k (/ 1M with
  --scale 1000000) stored random sketches in a real server started here.

Usage::

    .venv/bin/python benchmarks/dedup.py [--corpus DIR] [--scale 10000 100000 ...] [--no-scale]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repo importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipelines.dedup import keys_match, similarity_keys  # noqa: E402

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"

DATELINES = ["LONDON (Reuters) - ", "BERLIN (dpa) - ", "PARIS (AFP) — ", "NEW YORK (AP) — ",
             "MADRID (EFE).- ", "WARSAW (PAP) - "]
# Another outlet's furniture: offer/sign-in/legal lines (which the filter knows) and
# house lines it does not (credits, self-promotion), in several languages.
BOILERPLATES = [
    ["Subscribe now for unlimited access to all our journalism.",
     "Sign up for our free morning newsletter and get the day's top stories in your inbox.",
     "© 2024 Example Media Group. All rights reserved.",
     "Reporting by Jane Doe in London; editing by John Smith and the international desk"],
    ["Jetzt abonnieren und alle Artikel der Zeitung ohne Werbung lesen: nur 3,99 € pro Monat.",
     "Melden Sie sich für unseren Newsletter an und erhalten Sie täglich die wichtigsten Nachrichten.",
     "Die Lokalzeitung ist seit 1946 die unabhängige Stimme der Region zwischen Rhein und Main."],
    ["Suscríbete a nuestro boletín para recibir las noticias más importantes del día.",
     "Todos los derechos reservados. Prohibida su reproducción total o parcial sin autorización.",
     "Con información de nuestros corresponsales en la Ciudad de México y en Washington DC."],
    ["We use cookies to improve your experience on our website. By continuing to browse you accept our privacy policy.",
     "The Daily Planet has been an independent voice of the city since 1901 and will remain so.",
     "Have a news tip? Contact our newsroom team on the tip line, available twenty four hours a day."],
]


def load_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def prf(tp: int, fp: int, fn: int) -> tuple[float, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return precision, recall


# ------------------------------------------------------------------ quality


def bench_semeval(corpus: Path) -> None:
    pairs = load_jsonl(corpus / "semeval2022-task8-hfl-sample" / "pairs.jsonl")
    tp = fp = fn = tn = 0
    false_pos, boiler_neg, boiler_fp = [], 0, 0
    for pair in pairs:
        score = pair["overall"]
        if 1.5 < score < 3.5:
            continue
        same, _ = keys_match(similarity_keys(pair["text1"]), similarity_keys(pair["text2"]))
        if score <= 1.5:
            tp += same
            fn += not same
        else:
            fp += same
            tn += not same
            boiler_neg += bool(pair.get("boilerplate_marker_in_both"))
            boiler_fp += same and bool(pair.get("boilerplate_marker_in_both"))
            if same:
                false_pos.append(pair["pair_id"])
    precision, recall = prf(tp, fp, fn)
    print(f"semeval sample: {tp + fn} same-story pairs, {fp + tn} different-story pairs")
    print(f"  precision {precision:.3f}  recall {recall:.3f}  (tp {tp}, fp {fp}, fn {fn}, tn {tn})")
    print(f"  different-story pairs sharing boilerplate markers: {boiler_neg}, judged same: {boiler_fp}")
    if false_pos:
        print(f"  false positives: {', '.join(false_pos)}")


def bench_taz(fundus: list[dict]) -> None:
    by_id = {r["id"]: r for r in fundus}
    a, b = by_id["de/Taz_2023_04_28"], by_id["de/Taz_2024_10_23"]
    same, distance = keys_match(similarity_keys(a["body"]), similarity_keys(b["body"]))
    print(f"fundus de/Taz pair (same URL, two templates): same_story={same}, sketch distance {distance}")


def syndicate(story: dict, other: dict, rng: random.Random) -> str:
    """The story as another outlet carries it."""
    paragraphs = [p for p in story["body"].split("\n\n") if p.strip()]
    if len(paragraphs) > 2:
        paragraphs = paragraphs[:-1]  # trimmed last paragraph
    paragraphs[0] = rng.choice(DATELINES) + paragraphs[0]
    headline = other.get("title") or "Breaking news"
    boiler = rng.choice(BOILERPLATES)
    return "\n\n".join([headline, *paragraphs, *boiler])


def bench_syndication(fundus: list[dict], seed: int = 7) -> None:
    rng = random.Random(seed)
    stories = [r for r in fundus if r.get("body") and r["id"] != "de/Taz_2024_10_23"]
    keys = [similarity_keys(r["body"]) for r in stories]
    judged = [i for i, k in enumerate(keys) if k[1]]
    copies = {i: similarity_keys(syndicate(stories[i], stories[(i + 11) % len(stories)], rng))
              for i in judged}
    boiler = rng.choice(BOILERPLATES)
    padded = {i: similarity_keys(stories[i]["body"] + "\n\n" + "\n".join(boiler)) for i in judged}

    tp = sum(keys_match(keys[i], copies[i])[0] for i in judged)
    fn = len(judged) - tp
    distances = sorted(keys_match(keys[i], copies[i])[1] for i in judged)
    fp = neg = 0
    for i in judged:
        for j in judged:
            if i == j:
                continue
            neg += 1
            fp += keys_match(copies[i], keys[j])[0]  # a copy against every other story
            if i < j:
                neg += 1
                fp += keys_match(padded[i], padded[j])[0]  # same boilerplate, different stories
    precision, recall = prf(tp, fp, fn)
    skipped = len(stories) - len(judged)
    print(f"syndication set from fundus: {len(judged)} stories ({skipped} too short to judge), "
          f"{neg} different-story pairs")
    print(f"  recall {recall:.3f}  precision {precision:.4f}  (tp {tp}, fn {fn}, fp {fp}); "
          f"copy distance median {statistics.median(distances)}, max {distances[-1]}")
    verdict = "met" if recall >= 0.95 and precision >= 0.99 else "NOT met"
    print(f"  target >= 0.95 recall at >= 0.99 precision: {verdict}")


# ------------------------------------------------------------------ scale


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _random_doc(rng: random.Random, n: int, when: datetime) -> dict:
    from pipelines.dedup import simhash_bands

    value = rng.getrandbits(64) - (1 << 63)
    bands = simhash_bands(value) + [f"m{i}:{rng.getrandbits(64):016x}" for i in range(16)]
    return {"canonical_url": f"https://sim{n % 97}.example/article/{n}", "outlet": f"sim{n % 97}",
            "fingerprint": f"{rng.getrandbits(128):032x}", "simhash": value, "simhash_bands": bands,
            "duplicate_of": None, "first_seen": when}


def _probes(coll, size: int, queries: int, rng: random.Random, when: datetime) -> list[tuple[int, list[str]]]:
    """Mostly misses (a new article), one in ten a near copy of a stored one (a hit)."""
    probes = []
    for q in range(queries):
        if q % 10 == 0:
            n = q * 7919 % size
            doc = coll.find_one({"canonical_url": f"https://sim{n % 97}.example/article/{n}"})
            if doc is not None:
                probes.append((doc["simhash"] ^ 1, doc["simhash_bands"]))
                continue
        fresh = _random_doc(rng, -1, when)
        probes.append((fresh["simhash"], fresh["simhash_bands"]))
    return probes


def bench_scale(sizes: list[int], queries: int = 300, seed: int = 3, storage: str = ":memory:",
                cache_size: str = "6G") -> None:
    from pymongo import MongoClient
    from pymongo.errors import PyMongoError

    from pipelines import embedded_db
    from pipelines.dedup_store import ensure_dedup_indexes, find_duplicate

    rng = random.Random(seed)
    port = embedded_db.free_port()
    log_file = Path(tempfile.mkdtemp(prefix="dedup-bench-")) / "secantusd.log"
    # ":memory:" by default; --storage DIR puts WiredTiger on disk. An in-memory
    # server holds everything in its WiredTiger cache (1G unless told), which ran
    # full at ~267k of these documents: hence the larger cache.
    proc = embedded_db.spawn_server(port, storage, log_file, detach=False, cache_size=cache_size)
    uri = f"mongodb://127.0.0.1:{port}/"
    client = None
    try:
        embedded_db.wait_for_ping(uri)
        client = MongoClient(uri, tz_aware=True)
        db = client["dedup_bench"]
        articles = db["articles"]
        # A 10k collection in the same server, timed alternately with the big one:
        # the baseline then sees the same machine load as each size (the ratio is the figure).
        baseline = db["articles_baseline"]
        for coll in (articles, baseline):
            coll.create_index("canonical_url", unique=True)
            ensure_dedup_indexes(coll)
        when = datetime(2026, 1, 1, tzinfo=timezone.utc)
        base_size = min(sizes)
        for start in range(0, base_size, 5000):
            baseline.insert_many([_random_doc(rng, n, when + timedelta(seconds=n))
                                  for n in range(start, min(base_size, start + 5000))], ordered=False)
        stored = 0
        print(f"scale: random sketches in a SecantusDB server (pid {proc.pid}), {queries} lookups per size, "
              f"alternating with lookups in a {base_size:,}-sketch baseline collection")
        print(f"  {'stored':>9} {'insert s':>9} {'lookup ms':>10} {'p95 ms':>7} {'base ms':>8} {'ratio':>6} "
              f"{'server RSS MB':>14} {'data MB':>8} {'index MB':>9}")
        for size in sorted(sizes):
            t0 = time.perf_counter()
            failed = None
            while stored < size and failed is None:
                batch = [_random_doc(rng, n, when + timedelta(seconds=n))
                         for n in range(stored, min(size, stored + 5000))]
                try:
                    articles.insert_many(batch, ordered=False)
                except PyMongoError as exc:  # report what was reached instead of nothing
                    failed = f"{type(exc).__name__}: {str(exc)[:120]}"
                stored = articles.estimated_document_count()
            insert_s = time.perf_counter() - t0
            if failed:
                print(f"  insert failed at {stored:,} documents ({failed}); timing what is stored")
                size = stored
            times, base_times, hits = [], [], 0
            probes = {"big": _probes(articles, size, queries, rng, when),
                      "base": _probes(baseline, base_size, queries, rng, when)}
            for q in range(queries):  # alternate: big, baseline, big, baseline, ...
                for name, coll, out in (("big", articles, times), ("base", baseline, base_times)):
                    value, bands = probes[name][q]
                    t = time.perf_counter()
                    match = find_duplicate(coll, canonical_url="https://probe.example/x",
                                           fingerprint=f"{rng.getrandbits(128):032x}", simhash=value,
                                           bands=bands)
                    out.append(time.perf_counter() - t)
                    hits += coll is articles and match is not None
            mean_ms = statistics.fmean(times) * 1000
            base_ms = statistics.fmean(base_times) * 1000
            p95_ms = sorted(times)[int(0.95 * len(times))] * 1000
            stats = db.command("collStats", "articles")
            print(f"  {size:>9,} {insert_s:>9.1f} {mean_ms:>10.2f} {p95_ms:>7.2f} {base_ms:>8.2f} "
                  f"{mean_ms / base_ms:>6.2f} {_rss_kb(proc.pid) / 1024:>14.0f} "
                  f"{stats.get('size', 0) / 2**20:>8.1f} {stats.get('totalIndexSize', 0) / 2**20:>9.1f}"
                  f"   (hits {hits}/{queries // 10} expected)", flush=True)
            if failed:
                break
        print(f"  benchmark process RSS {_rss_kb(os.getpid()) / 1024:.0f} MB")
    finally:
        if client is not None:
            client.close()
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except Exception:  # noqa: BLE001
            proc.kill()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path,
                        default=Path(os.environ.get("NEWSDESK_CORPUS") or DEFAULT_CORPUS))
    parser.add_argument("--scale", type=int, nargs="*", default=[10_000, 100_000],
                        help="stored-sketch counts to time (the first is the baseline); add 1000000 for 1M")
    parser.add_argument("--no-scale", action="store_true", help="quality figures only")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--cache-size", default="6G",
                        help="server WiredTiger cache (in :memory: mode the data must fit in it)")
    parser.add_argument("--storage", default=":memory:", help="server storage: :memory: or a directory")
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    fundus = load_jsonl(args.corpus / "fundus" / "ground_truth.jsonl")
    bench_semeval(args.corpus)
    bench_taz(fundus)
    bench_syndication(fundus)
    print(f"quality figures in {time.perf_counter() - t0:.0f}s")
    if not args.no_scale and args.scale:
        bench_scale(args.scale, queries=args.queries, storage=args.storage,
                    cache_size=args.cache_size)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

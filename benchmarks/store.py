"""Storage: the pipeline's batched upserts against per-item `insert_one`, same server.

N article-shaped documents (bodies from the corpus ground truth, unique URLs
and fingerprints) are written twice into a throwaway SecantusDB server
(`:memory:`), each time into a fresh database with the pipeline's schema and
indexes (`pipelines.mongo.ensure_schema`):

* batched: `pipelines.store.write_batch` on batches of NEWSDESK_STORE_BATCH
  (100) items, as `crawlers.runtime.ArticleWriter` does: one `find` for the
  batch's URLs and one unordered `bulk_write` of upserts;
* per item: one `insert_one` per document, the same documents.

Prints both rates, the ratio, and this process's CPU time per document of
the batched path: the storage stage's own cost in a crawl (pymongo's BSON
encoding and the write plan), which issue 16 bounds at 10% of the crawl's CPU
per article (benchmarks/throughput.py prints that; its `--profile x.spy`
gives the stage's share of a crawl's samples).

On SecantusDB the server's per-document work dominates both paths, so the
ratio says little about MongoDB. Against a real MongoDB (none can be
installed on the development machine), run it with --uri; it writes into two
throwaway databases, `nd_store_batched` and `nd_store_per_item`, and drops
them at the end:

    .venv/bin/python benchmarks/store.py [--docs 2000] [--batch 100] [--uri mongodb://host:27017/]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._site import CORPUS, DatabaseServer  # noqa: E402


def make_items(n: int) -> list[dict]:
    from pipelines.article import SCHEMA_VERSION  # noqa: F401  (the schema the store writes)
    from pipelines.dedup_store import dedup_fields

    lines = (CORPUS / "ground_truth.jsonl").read_text(encoding="utf-8").splitlines()
    bodies = [json.loads(line)["body"] for line in lines if line.strip()]
    keys = [dedup_fields(b) for b in bodies]
    now = datetime.now(timezone.utc).replace(microsecond=0)
    items = []
    for i in range(n):
        body = f"{bodies[i % len(bodies)]}\n\nItem {i}."
        fields = dict(keys[i % len(keys)])
        fields["fingerprint"] = f"{i:032x}"  # unique, as distinct articles have
        url = f"http://127.0.0.1:8765/news/2026/01/01/a{i:06d}.html"
        items.append({"url": url, "canonical_url": url, "outlet": "bench", "section": "http://127.0.0.1:8765/s/",
                      "title": f"Story {i}", "body": body, "description": None, "authors": ["A. Writer"],
                      "published_at": now, "modified_at": None, "language": "en", "paywalled": False,
                      "removed_blocks": [], "syndication_note": None, "extraction": "trafilatura",
                      "duplicate_of": None, **fields})
    return items


def per_item_doc(item: dict, now: datetime) -> dict:
    """What the upsert would store for a new URL, as one plain document."""
    from pipelines.article import SCHEMA_VERSION
    from pipelines.store import content_of

    return {**content_of(item), "canonical_url": item["canonical_url"], "first_seen": now, "last_seen": now,
            "version": 1, "duplicate_of": item.get("duplicate_of"), "schema_version": SCHEMA_VERSION}


def run(uri: str, n: int, batch: int) -> tuple[float, float, float]:
    from pymongo import MongoClient

    from pipelines.mongo import ensure_schema
    from pipelines.store import write_batch

    items = make_items(n)
    client = MongoClient(uri, tz_aware=True)
    try:
        db_b, db_i = client["nd_store_batched"], client["nd_store_per_item"]
        for db in (db_b, db_i):
            client.drop_database(db.name)
            ensure_schema(db)
        start, cpu = time.perf_counter(), time.process_time()
        outcomes = {}
        for k in range(0, n, batch):
            for key, v in write_batch(db_b, items[k:k + batch]).items():
                outcomes[key] = outcomes.get(key, 0) + v
        batched, batched_cpu = time.perf_counter() - start, time.process_time() - cpu
        assert outcomes.get("new") == n and db_b.articles.count_documents({}) == n, outcomes

        now = datetime.now(timezone.utc).replace(microsecond=0)
        start = time.perf_counter()
        for item in items:
            db_i.articles.insert_one(per_item_doc(item, now))
        per_item = time.perf_counter() - start
        assert db_i.articles.count_documents({}) == n
        for db in (db_b, db_i):
            client.drop_database(db.name)
    finally:
        client.close()
    return batched, per_item, batched_cpu


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=100, help="items per write_batch (the pipeline's default)")
    parser.add_argument("--uri", help="an existing server (default: start a throwaway SecantusDB)")
    args = parser.parse_args(argv)
    if args.uri:
        batched, per_item, cpu = run(args.uri, args.docs, args.batch)
    else:
        with tempfile.TemporaryDirectory(prefix="nd-store-") as tmp, DatabaseServer(Path(tmp)) as db:
            batched, per_item, cpu = run(db.uri, args.docs, args.batch)
    n = args.docs
    print(f"{n} documents, batches of {args.batch}")
    print(f"batched upserts (write_batch): {batched:8.2f}s  {n / batched:8.0f} docs/s")
    print(f"per-item insert_one:           {per_item:8.2f}s  {n / per_item:8.0f} docs/s")
    print(f"client CPU of the batched path: {cpu / n * 1000:.2f} ms/doc (this process: BSON encoding, write plan)")
    print(f"ratio batched/per-item: {per_item / batched:.1f}x")


if __name__ == "__main__":
    main()

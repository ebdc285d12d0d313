from datetime import datetime, timezone

from pipelines.article import Article
from pipelines.mongo import ensure_schema
from pipelines.store import plan_writes, replay_spool, spool_write, write_batch

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)
BODY = "Body text of a real article, long enough to pass validation and be stored. " * 4


def item(n, body=BODY, fp=None):
    return Article(canonical_url=f"https://x.test/a/{n}", url=f"https://x.test/a/{n}", outlet="x",
                   title=f"T{n}", body=body, fingerprint=fp or f"fp{n}").model_dump()


def test_plan_new_unchanged_updated():
    existing = {"https://x.test/a/2": {"fingerprint": "fp2", "version": 1},
                "https://x.test/a/3": {"fingerprint": "old", "version": 4, "body": "old body"}}
    plan = plan_writes([item(1), item(2), item(3)], existing, NOW)
    assert plan.outcomes == {"new": 1, "unchanged": 1, "updated": 1}
    assert len(plan.version_ops) == 1
    assert plan.version_ops[0]._doc["version"] == 4


def test_write_batch_is_idempotent_and_versions(mongo_db):
    ensure_schema(mongo_db)
    assert write_batch(mongo_db, [item(1), item(2)], NOW) == {"new": 2}
    assert write_batch(mongo_db, [item(1), item(2)], NOW) == {"unchanged": 2}
    assert mongo_db.articles.count_documents({}) == 2
    changed = item(1, body=BODY + "Correction appended.", fp="fp1b")
    assert write_batch(mongo_db, [changed], NOW) == {"updated": 1}
    doc = mongo_db.articles.find_one({"canonical_url": "https://x.test/a/1"})
    assert doc["version"] == 2 and doc["body"].endswith("Correction appended.")
    assert doc["first_seen"] == NOW
    old = mongo_db.article_versions.find_one({"canonical_url": "https://x.test/a/1"})
    assert old["version"] == 1 and old["body"] == BODY
    # the same change again changes nothing
    assert write_batch(mongo_db, [changed], NOW) == {"unchanged": 1}
    assert mongo_db.articles.find_one({"canonical_url": "https://x.test/a/1"})["version"] == 2


def test_spool_round_trip(mongo_db, tmp_path):
    ensure_schema(mongo_db)
    it = {**item(7), "published_at": NOW}
    spool_write(tmp_path, "x", [it])
    totals = replay_spool(mongo_db, tmp_path)
    assert totals["new"] == 1 and totals["files"] == 1
    assert not list(tmp_path.glob("*.jsonl"))
    assert mongo_db.articles.find_one({"canonical_url": it["canonical_url"]})["published_at"] == NOW

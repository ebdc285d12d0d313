"""Duplicate and seen-state lookups against a real database server."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from bson import ObjectId

from pipelines.dedup_store import (
    DuplicateMatch,
    RecheckPolicy,
    dedup_fields,
    ensure_dedup_indexes,
    find_duplicate,
    urls_to_skip,
)
from tests.test_dedup import OTHER_STORY, PAYWALL, STORY

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)
SYNDICATED = ("Bridge reopens after long closure\n\nBERLIN (dpa) - "
              + "\n\n".join(STORY.strip().split("\n\n")[:-1]) + "\n\n" + PAYWALL)


@pytest.fixture
def articles(mongo_db):
    coll = mongo_db["articles"]
    ensure_dedup_indexes(coll)
    return coll


def store(articles, url, body, *, first_seen=NOW, duplicate_of=None, **extra):
    doc = {"_id": ObjectId(), "canonical_url": url, "outlet": url.split("/")[2], "body": body,
           "duplicate_of": duplicate_of, "first_seen": first_seen, **dedup_fields(body), **extra}
    articles.insert_one(doc)
    return doc["_id"]


def lookup(articles, url, body, *, with_bands=True):
    fields = dedup_fields(body)
    return find_duplicate(articles, canonical_url=url, fingerprint=fields["fingerprint"],
                          simhash=fields["simhash"],
                          bands=fields["simhash_bands"] if with_bands else None)


def test_indexes(articles):
    ensure_dedup_indexes(articles)  # idempotent
    keys = {tuple(ix["key"].keys()) for ix in articles.list_indexes()}
    assert ("fingerprint",) in keys and ("simhash_bands",) in keys


def test_dedup_fields_are_bson_friendly():
    fields = dedup_fields(STORY)
    assert isinstance(fields["fingerprint"], str)
    assert -(2**63) <= fields["simhash"] < 2**63
    assert all(isinstance(k, str) for k in fields["simhash_bands"])
    assert len(fields["simhash_bands"]) == 20  # 4 sketch slices + 16 MinHash LSH bands


def test_exact_duplicate(articles):
    original = store(articles, "https://a.example/story", STORY)
    match = lookup(articles, "https://b.example/copy", "  " + STORY.upper() + "\n")
    assert match == DuplicateMatch(original, "https://a.example/story", "exact", 0)


def test_near_duplicate_syndicated_copy(articles):
    original = store(articles, "https://a.example/story", STORY)
    match = lookup(articles, "https://b.example/copy", SYNDICATED)
    assert match is not None
    assert (match.original_id, match.kind) == (original, "near")
    assert 0 < match.distance <= 20


def test_near_without_bands_needs_near_identical_sketch(articles):
    original = store(articles, "https://a.example/story", STORY)
    # one word changed: the sketch barely moves, the 4 sketch slices find it
    edited = STORY.replace("Tuesday", "Wednesday")
    match = lookup(articles, "https://b.example/copy", edited, with_bands=False)
    assert match is not None and match.original_id == original and match.distance <= 3


def test_no_duplicate(articles):
    store(articles, "https://a.example/story", STORY)
    assert lookup(articles, "https://b.example/frost", OTHER_STORY) is None


def test_shared_paywall_links_nothing(articles):
    store(articles, "https://a.example/frost", OTHER_STORY + PAYWALL)
    assert lookup(articles, "https://b.example/bridge", STORY + PAYWALL) is None


def test_same_url_is_an_update_not_a_duplicate(articles):
    store(articles, "https://a.example/story", STORY)
    assert lookup(articles, "https://a.example/story", STORY) is None
    assert lookup(articles, "https://a.example/story", SYNDICATED) is None


def test_contentless_bodies_are_never_linked(articles):
    store(articles, "https://a.example/teaser1", PAYWALL)
    assert lookup(articles, "https://a.example/teaser2", PAYWALL) is None


def test_follows_chain_to_root_and_prefers_earliest(articles):
    root = store(articles, "https://a.example/story", STORY, first_seen=NOW - timedelta(hours=5))
    # a copy stored with an intermediate id (a broken writer): the chain is followed
    middle = store(articles, "https://b.example/copy", STORY + "\n\nExtra line from b outlet here.",
                   first_seen=NOW - timedelta(hours=3), duplicate_of=root)
    store(articles, "https://c.example/copy", SYNDICATED, first_seen=NOW - timedelta(hours=1),
          duplicate_of=middle)
    match = lookup(articles, "https://d.example/copy", SYNDICATED)
    assert match is not None
    assert (match.original_id, match.original_url) == (root, "https://a.example/story")


def test_earliest_root_wins_among_unlinked_candidates(articles):
    later = store(articles, "https://b.example/copy", STORY, first_seen=NOW)
    earlier = store(articles, "https://a.example/story", STORY, first_seen=NOW - timedelta(days=1))
    match = lookup(articles, "https://c.example/copy", STORY)
    assert match.original_id == earlier != later


def test_copy_of_ourselves_is_not_a_duplicate(articles):
    # we are the original; a copy already links to us; our URL changed body again
    root = store(articles, "https://a.example/story", OTHER_STORY)
    store(articles, "https://b.example/copy", STORY, duplicate_of=root)
    assert lookup(articles, "https://a.example/story", STORY) is None


# ---------------------------------------------------------------- seen state

POLICY = RecheckPolicy(fresh_for=timedelta(hours=48), every=timedelta(hours=3))


def test_urls_to_skip(articles):
    def seen(url, **dates):
        articles.insert_one({"canonical_url": url, "first_seen": NOW - timedelta(days=30), **dates})

    seen("https://a.example/old", published_at=NOW - timedelta(days=10), last_seen=NOW - timedelta(days=9))
    seen("https://a.example/fresh-recent", published_at=NOW - timedelta(hours=5),
         last_seen=NOW - timedelta(hours=1))
    seen("https://a.example/fresh-stale", published_at=NOW - timedelta(hours=5),
         last_seen=NOW - timedelta(hours=4))
    # no published_at: first_seen decides freshness
    articles.insert_one({"canonical_url": "https://a.example/undated-new",
                         "first_seen": NOW - timedelta(hours=2), "last_seen": NOW - timedelta(hours=2)})
    articles.insert_one({"canonical_url": "https://a.example/undated-old",
                         "first_seen": NOW - timedelta(days=3), "last_seen": NOW - timedelta(hours=10)})
    asked = ["https://a.example/old", "https://a.example/fresh-recent", "https://a.example/fresh-stale",
             "https://a.example/undated-new", "https://a.example/undated-old", "https://a.example/never"]
    assert urls_to_skip(articles, asked, now=NOW, policy=POLICY) == {
        "https://a.example/old", "https://a.example/fresh-recent",
        "https://a.example/undated-new", "https://a.example/undated-old"}
    assert urls_to_skip(articles, [], now=NOW, policy=POLICY) == set()
    # a looser policy re-checks less
    assert "https://a.example/fresh-stale" in urls_to_skip(
        articles, asked, now=NOW, policy=RecheckPolicy(every=timedelta(hours=6)))


def test_urls_to_skip_with_naive_datetimes(mongo_client, db_name):
    from pymongo import MongoClient

    naive = MongoClient(mongo_client.address[0], mongo_client.address[1])  # tz_aware=False
    try:
        coll = naive[db_name]["articles"]
        coll.insert_one({"canonical_url": "https://a.example/x", "first_seen": NOW - timedelta(days=5),
                         "last_seen": NOW - timedelta(days=5)})
        assert urls_to_skip(coll, ["https://a.example/x"], now=NOW, policy=POLICY) == {"https://a.example/x"}
    finally:
        naive.close()


def test_urls_to_skip_many(articles):
    articles.insert_many([{"canonical_url": f"https://a.example/{i}", "first_seen": NOW - timedelta(days=9),
                           "last_seen": NOW - timedelta(days=9)} for i in range(2500)])
    asked = [f"https://a.example/{i}" for i in range(0, 3000, 2)]
    assert len(urls_to_skip(articles, asked, now=NOW, policy=POLICY)) == 1250


def test_any_matches_exact_and_near_but_not_unrelated():
    from pipelines.dedup_store import any_matches, dedup_fields

    story = ("The city council approved a plan on Tuesday to rebuild the harbour wall damaged in last "
             "winter's storms, with work starting in spring and lasting two years, officials said. ") * 3
    other = ("A local choir won the national competition on Saturday with a programme of folk songs, "
             "beating twenty other groups after months of rehearsals in the town hall. ") * 3
    mine = dedup_fields(story)
    assert any_matches(mine, [dedup_fields(other), dedup_fields(story)])
    assert any_matches(mine, [dedup_fields("LONDON (Wire) - " + story)])
    assert not any_matches(mine, [dedup_fields(other)])
    assert not any_matches(mine, [])

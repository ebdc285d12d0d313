"""Duplicate and seen-state lookups in MongoDB (pymongo; no globals, no Scrapy).

The decisions themselves live in `pipelines.dedup`; this module only asks the
`articles` collection the smallest questions that feed them: one indexed query
for an exact body, one for sketch/LSH band candidates, one for seen URLs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from pymongo import ASCENDING, IndexModel
from pymongo.collection import Collection

from pipelines.dedup import (
    body_fingerprint,
    hamming,
    is_near,
    keys_match,
    simhash_bands,
    similarity_keys,
)

# Same names and keys as pipelines/mongo.py creates, so either may run first.
DEDUP_INDEXES = [
    IndexModel([("fingerprint", ASCENDING)], name="fingerprint"),
    IndexModel([("simhash_bands", ASCENDING)], name="simhash_bands"),  # multikey
]
MAX_CANDIDATES = 200   # bounds one lookup whatever a pathological band key matches
MAX_CHAIN = 8          # duplicate_of hops followed before giving up on a broken chain
_IN_CHUNK = 1000       # $in list size per query for seen-state lookups
_PROJECTION = {"_id": 1, "canonical_url": 1, "simhash": 1, "simhash_bands": 1,
               "duplicate_of": 1, "first_seen": 1}


@dataclass(frozen=True)
class DuplicateMatch:
    original_id: Any       # _id of the first stored copy (root of the duplicate_of chain)
    original_url: str      # its canonical_url
    kind: str              # "exact" | "near"
    distance: int          # sketch Hamming distance (0 for exact)


def ensure_dedup_indexes(articles: Collection) -> None:
    articles.create_indexes(DEDUP_INDEXES)


def dedup_fields(body: str) -> dict:
    """What the article document stores for duplicate lookups.

    `simhash` is 0 and `simhash_bands` empty when the body has too little story
    after furniture removal (a paywall teaser, a block page): such bodies are
    never linked to anything, not even by an equal fingerprint."""
    value, keys = similarity_keys(body)
    return {"fingerprint": body_fingerprint(body), "simhash": value, "simhash_bands": keys}


def any_matches(fields: dict, others: Iterable[dict]) -> bool:
    """Is any of `others` (documents or items carrying dedup_fields) an exact or near copy?"""
    keys = (fields["simhash"], fields["simhash_bands"])
    return any(other.get("fingerprint") == fields["fingerprint"]
               or keys_match(keys, (other.get("simhash") or 0, other.get("simhash_bands") or []))[0]
               for other in others)


def find_duplicate(articles: Collection, *, canonical_url: str, fingerprint: str, simhash: int,
                   bands: Sequence[str] | None = None) -> DuplicateMatch | None:
    """The first stored copy of this body under another canonical URL, if any.

    Pass `bands=dedup_fields(body)["simhash_bands"]` for the MinHash LSH lookup
    (syndicated copies); without it only the 4 sketch slices derived from
    `simhash` are searched, which finds near-identical bodies (distance <= 3)."""
    if not simhash:  # too little content to judge: see dedup_fields
        return None
    not_self = {"$ne": canonical_url}
    exact = list(articles.find({"fingerprint": fingerprint, "canonical_url": not_self},
                               _PROJECTION).limit(MAX_CANDIDATES))
    if exact:
        return _pick_root(articles, {doc["_id"]: 0 for doc in exact}, exact, canonical_url, "exact")
    # With the MinHash bands, only they are searched: near-identical bodies share them
    # too, and the 16-bit sketch slices would add ~N/16k random candidates per lookup.
    keys = simhash_bands(simhash) if bands is None else ([k for k in bands if k.startswith("m")] or list(bands))
    if not keys:
        return None
    near: dict[Any, int] = {}
    docs = []
    for doc in articles.find({"simhash_bands": {"$in": keys}, "canonical_url": not_self},
                             _PROJECTION).limit(MAX_CANDIDATES):
        shared = set(doc.get("simhash_bands") or ()) & set(keys)
        distance = hamming(simhash, int(doc.get("simhash") or 0))
        if is_near(distance, any(k.startswith("m") for k in shared)):
            near[doc["_id"]] = distance
            docs.append(doc)
    return _pick_root(articles, near, docs, canonical_url, "near") if docs else None


def _pick_root(articles: Collection, distance_of: dict[Any, int], docs: list[dict],
               canonical_url: str, kind: str) -> DuplicateMatch | None:
    """Follow each matching copy to its root and keep the root seen first."""
    roots: dict[Any, dict] = {}
    best_distance: dict[Any, int] = {}
    for doc in docs:
        root = _root_of(articles, doc)
        if root.get("canonical_url") == canonical_url:
            continue  # our own URL is the original: this is an update, not a copy
        roots[root["_id"]] = root
        d = distance_of[doc["_id"]]
        best_distance[root["_id"]] = min(d, best_distance.get(root["_id"], d))
    if not roots:
        return None
    far_future = datetime.max.replace(tzinfo=timezone.utc)
    first = min(roots.values(), key=lambda r: (_aware(r.get("first_seen")) or far_future, str(r["_id"])))
    return DuplicateMatch(first["_id"], first.get("canonical_url", ""), kind, best_distance[first["_id"]])


def _root_of(articles: Collection, doc: dict) -> dict:
    # duplicate_of should already hold the root; follow it anyway in case an
    # original was itself linked later (or a writer stored an intermediate id).
    seen = {doc["_id"]}
    for _ in range(MAX_CHAIN):
        parent_id = doc.get("duplicate_of")
        if parent_id is None or parent_id in seen:
            return doc
        parent = articles.find_one({"_id": parent_id}, _PROJECTION)
        if parent is None:  # original deleted: the oldest copy we can see stands in
            return doc
        seen.add(parent_id)
        doc = parent
    return doc


# --------------------------------------------------------------------------- seen state

@dataclass(frozen=True)
class RecheckPolicy:
    fresh_for: timedelta = timedelta(hours=48)   # younger articles are re-checked for updates
    every: timedelta = timedelta(hours=3)        # ... but at most this often (by last_seen)


def _aware(value: datetime | None) -> datetime | None:
    # A client without tz_aware=True returns naive datetimes; MongoDB stores UTC.
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=timezone.utc)


def needs_fetch(doc: dict, *, now: datetime, policy: RecheckPolicy) -> bool:
    """A stored article is fetched again only while fresh and not seen recently."""
    now = _aware(now)
    born = _aware(doc.get("published_at")) or _aware(doc.get("first_seen"))
    if born is None or now - born >= policy.fresh_for:
        return False  # old (or undated) and stored: known
    last = _aware(doc.get("last_seen"))
    return last is None or now - last >= policy.every


def urls_to_skip(articles: Collection, canonical_urls: Iterable[str], *, now: datetime,
                 policy: RecheckPolicy) -> set[str]:
    """Canonical URLs already stored that need no fetch now."""
    urls = list(dict.fromkeys(u for u in canonical_urls if u))
    projection = {"_id": 0, "canonical_url": 1, "published_at": 1, "first_seen": 1, "last_seen": 1}
    skip: set[str] = set()
    for start in range(0, len(urls), _IN_CHUNK):
        chunk = urls[start : start + _IN_CHUNK]
        for doc in articles.find({"canonical_url": {"$in": chunk}}, projection):
            if not needs_fetch(doc, now=now, policy=policy):
                skip.add(doc["canonical_url"])
    return skip

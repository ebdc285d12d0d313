"""Build the offer development set's labelled lines from the shared corpus.

    .venv/bin/python -m benchmarks.offer_devset.build [--corpus DIR]

Writes benchmarks/offer_devset/lines.jsonl.gz: one offer block a line (its
lines labelled by kind, the source page id, site and language) and one hard
negative a line. Samples are composed from it at evaluation time
(compose.py), with the corpus's fundus pages as hosts.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import os  # noqa: E402

from benchmarks.offer_devset import harvest  # noqa: E402
from benchmarks.offer_devset.compose import LINES_FILE  # noqa: E402

# ../shared/corpus next to the repository, as benchmarks/quality.py; env NEWSDESK_CORPUS overrides.
DEFAULT_CORPUS = Path(os.environ.get("NEWSDESK_CORPUS") or Path(__file__).resolve().parents[3] / "shared" / "corpus")


def _dedupe(blocks: list[dict]) -> list[dict]:
    """Drop blocks whose lines a kept block of the same site already holds
    (the same box repeated for mobile and desktop, or on two crawls)."""
    kept, seen = [], collections.defaultdict(set)
    for block in sorted(blocks, key=lambda b: -len(b["lines"])):
        texts = {harvest.norm(x["text"]) for x in block["lines"]}
        if texts <= seen[block["site"]]:
            continue
        seen[block["site"]] |= texts
        kept.append(block)
    return sorted(kept, key=lambda b: (b["source"], b["page_id"]))


def build(corpus: Path) -> tuple[list[dict], list[dict]]:
    blocks = (harvest.fundus_blocks(corpus) + harvest.treval_blocks(corpus) + harvest.postlight_blocks(corpus)
              + harvest.treval_dom_blocks(corpus))
    blocks = _dedupe(blocks)
    counts: dict[str, int] = collections.Counter()
    for block in blocks:
        block["lang"] = block["lang"] or "other"
        counts[block["page_id"]] += 1
        block["block_id"] = f"{block['source']}:{block['page_id']}:{counts[block['page_id']]}"
    negatives = harvest.hard_negatives(corpus)
    for n in negatives:
        n["lang"] = n["lang"] or "other"
    return blocks, negatives, harvest.postlight_articles(corpus)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    args = ap.parse_args(argv)
    blocks, negatives, articles = build(Path(args.corpus))
    with gzip.open(LINES_FILE, "wt", encoding="utf-8", compresslevel=9) as fh:
        for b in blocks:
            fh.write(json.dumps({"type": "block", **b}, ensure_ascii=False, sort_keys=True) + "\n")
        for n in negatives:
            fh.write(json.dumps({"type": "hard_negative", **n}, ensure_ascii=False, sort_keys=True) + "\n")
        for a in articles:
            fh.write(json.dumps({"type": "article", **a}, ensure_ascii=False, sort_keys=True) + "\n")
    by_lang = collections.Counter(b["lang"] for b in blocks)
    by_kind = collections.Counter(x["kind"] for b in blocks for x in b["lines"])
    print(f"{len(blocks)} blocks ({sum(len(b['lines']) for b in blocks)} lines), {len(negatives)} hard negatives, "
          f"{len(articles)} articles without a block ({sum(len(a['lines']) for a in articles)} lines)")
    print("blocks by language:", dict(by_lang))
    print("lines by kind:", dict(by_kind))
    print("blocks by source:", dict(collections.Counter(b["source"] for b in blocks)))
    print("sites:", len({b["site"] for b in blocks}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Write the CI gate's fixture subset of the offer development set.

    .venv/bin/python -m benchmarks.offer_devset.fixtures [--corpus DIR]

tests/fixtures/offer_devset/samples.jsonl.gz: composed text samples (block
inserted into a host body, with its hard negative) spread over kinds of
block, languages and positions, on the shortest hosts, plus a few hosts with
no block. Small on purpose: a handful of corpus paragraphs per sample.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.offer_devset import train  # noqa: E402

OUT = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "offer_devset" / "samples.jsonl.gz"
PER_GROUP = 3  # samples per (kind, language) pair
MAX_HOST_LINES = 14


def choose(samples: list[dict], plain: list[dict]) -> list[dict]:
    short = [s for s in samples if len(s["lines"]) - len(s["inserted"]) <= MAX_HOST_LINES]
    chosen, count = [], {}
    for s in sorted(short, key=lambda s: s["id"]):
        key = (s["kind"], s["lang"])
        if count.get(key, 0) < PER_GROUP and all(c["block_id"] != s["block_id"] for c in chosen):
            count[key] = count.get(key, 0) + 1
            chosen.append(s)
    small = sorted((p for p in plain if len(p["lines"]) <= MAX_HOST_LINES), key=lambda p: p["id"])
    # Fundus hosts and other sources' articles (lists, code, captions) alike.
    hosts = [p for p in small if p["id"].startswith("plain:")][:6] + \
        [p for p in small if p["id"].startswith("article:")][:6]
    return chosen + hosts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(train.DEFAULT_CORPUS))
    args = ap.parse_args(argv)
    samples, plain = train.all_samples(Path(args.corpus))
    chosen = choose(samples, plain)
    keep = ("id", "fold", "site", "lang", "kind", "position", "inserted", "lines")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(OUT, "wt", encoding="utf-8", compresslevel=9) as fh:
        for s in chosen:
            fh.write(json.dumps({k: s.get(k) for k in keep}, ensure_ascii=False) + "\n")
    print(f"{OUT}: {len(chosen)} samples, {OUT.stat().st_size / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

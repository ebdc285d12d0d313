"""Build the offer development set's labelled lines from the shared corpus.

    .venv/bin/python -m benchmarks.offer_devset.build [--corpus DIR]

Writes benchmarks/offer_devset/lines.jsonl.gz: one offer block a line (its
lines labelled by kind, the source page id, site and language) and one hard
negative a line. The harvested blocks are corrected by the hand audit in
audit.jsonl (lines that are no offer removed, wrong kinds mended) before writing. Samples are composed from it at evaluation time
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

AUDIT_FILE = Path(__file__).resolve().parent / "audit.jsonl"

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


def load_audit(path: Path = AUDIT_FILE) -> list[dict]:
    """The hand audit's verdicts: {block_id, text, verdict 'exclude' or 'kind', kind (the new one), reason}."""
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def apply_audit(blocks: list[dict], audit: list[dict]) -> tuple[list[dict], dict[str, int]]:
    """Blocks with the audit's verdicts applied: an excluded line (every line of
    its block with that exact text) is removed, a kind verdict relabels it, a
    block left without lines is dropped; each block records `audit_removed`.

    An entry that matches no line raises: a harvest change must not silently
    drop a correction (the audit names blocks by id and lines by text)."""
    by_id = {b["block_id"]: b for b in blocks}
    verdicts: dict[tuple[str, str], dict] = {}
    for entry in audit:
        if entry["verdict"] not in ("exclude", "kind"):
            raise ValueError(f"audit entry with an unknown verdict: {entry}")
        block = by_id.get(entry["block_id"])
        if block is None or not any(x["text"] == entry["text"] for x in block["lines"]):
            raise ValueError(f"audit entry matches no harvested line: {entry}")
        verdicts[(entry["block_id"], entry["text"])] = entry
    changed = {"lines_removed": 0, "lines_relabelled": 0, "blocks_changed": 0, "blocks_dropped": 0}
    kept = []
    for block in blocks:
        lines = []
        for line in block["lines"]:
            entry = verdicts.get((block["block_id"], line["text"]))
            if entry is None:
                lines.append(line)
            elif entry["verdict"] == "exclude":
                changed["lines_removed"] += 1
            else:
                lines.append({**line, "kind": entry["kind"]})
                changed["lines_relabelled"] += 1
        removed = len(block["lines"]) - len(lines)
        changed["blocks_changed"] += lines != block["lines"]
        if not lines:
            changed["blocks_dropped"] += 1
            continue
        kept.append({**block, "lines": lines, "audit_removed": removed})
    return kept, changed


def build(corpus: Path, audit: list[dict] | None = None) -> tuple[list[dict], list[dict], list[dict], dict[str, int]]:
    blocks = (harvest.fundus_blocks(corpus) + harvest.treval_blocks(corpus) + harvest.postlight_blocks(corpus)
              + harvest.treval_dom_blocks(corpus))
    blocks = _dedupe(blocks)
    counts: dict[str, int] = collections.Counter()
    for block in blocks:
        block["lang"] = block["lang"] or "other"
        counts[block["page_id"]] += 1
        block["block_id"] = f"{block['source']}:{block['page_id']}:{counts[block['page_id']]}"
    blocks, audit_changes = apply_audit(blocks, load_audit() if audit is None else audit)
    negatives = harvest.hard_negatives(corpus)
    for n in negatives:
        n["lang"] = n["lang"] or "other"
    return blocks, negatives, harvest.postlight_articles(corpus), audit_changes


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    args = ap.parse_args(argv)
    blocks, negatives, articles, audit_changes = build(Path(args.corpus))
    with gzip.open(LINES_FILE, "wt", encoding="utf-8", compresslevel=9) as fh:
        for b in blocks:
            fh.write(json.dumps({"type": "block", **b}, ensure_ascii=False, sort_keys=True) + "\n")
        for n in negatives:
            fh.write(json.dumps({"type": "hard_negative", **n}, ensure_ascii=False, sort_keys=True) + "\n")
        for a in articles:
            fh.write(json.dumps({"type": "article", **a}, ensure_ascii=False, sort_keys=True) + "\n")
    print("audit ({}): {lines_removed} lines removed, {lines_relabelled} relabelled, {blocks_changed} blocks changed, "
          "{blocks_dropped} blocks dropped".format(AUDIT_FILE.name, **audit_changes))
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

"""Speed changes must not change output: snapshot `process_html` on the corpus, compare.

Runs `crawlers.offline.process_html` (the crawl's own stages, as the quality
benchmark does) on every page of `../shared/corpus/fundus` and
`../shared/corpus/trafilatura-eval`, and writes one JSON line per page
(every field, dates as ISO strings) plus the dedup keys of the body. With
--compare it reads an earlier snapshot and lists the pages whose output
differs; exit status 1 if any does.

    .venv/bin/python benchmarks/same_output.py --out /tmp/before.jsonl
    ... change the code ...
    .venv/bin/python benchmarks/same_output.py --out /tmp/after.jsonl --compare /tmp/before.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._site import CORPUS  # noqa: E402

FOLDERS = ("fundus", "trafilatura-eval")


def _plain(value):
    return value.isoformat() if isinstance(value, datetime) else str(value)


def snapshot(out: Path, limit: int | None) -> float:
    from crawlers.offline import iter_manifest, process_html, read_html
    from pipelines.dedup_store import dedup_fields

    cpu = 0.0
    with open(out, "w", encoding="utf-8") as fh:
        for folder in FOLDERS:
            manifest = CORPUS.parent / folder / "ground_truth.jsonl"
            for n, (page_id, path, url) in enumerate(iter_manifest(manifest)):
                if limit is not None and n >= limit:
                    break
                html = read_html(path)
                start = time.process_time()
                try:
                    result = process_html(html, url)
                except Exception as exc:  # an error is an output too
                    result = {"error": f"{type(exc).__name__}: {exc}"}
                if result.get("body"):
                    result["dedup"] = dedup_fields(result["body"])
                cpu += time.process_time() - start
                fh.write(json.dumps({"page": f"{folder}/{page_id}", **result}, sort_keys=True,
                                    ensure_ascii=False, default=_plain) + "\n")
    return cpu


def compare(before: Path, after: Path) -> list[str]:
    def read(path):
        return {(r := json.loads(line))["page"]: r for line in path.read_text(encoding="utf-8").splitlines()}

    old, new = read(before), read(after)
    differ = []
    for page in sorted(old.keys() | new.keys()):
        a, b = old.get(page), new.get(page)
        if a != b:
            fields = sorted(k for k in (a or {}).keys() | (b or {}).keys() if (a or {}).get(k) != (b or {}).get(k))
            differ.append(f"{page}: {', '.join(fields)}")
    return differ


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True, help="snapshot to write (JSON lines)")
    parser.add_argument("--compare", type=Path, help="an earlier snapshot: list the pages that differ")
    parser.add_argument("--limit", type=int, help="pages per corpus folder (default: all)")
    args = parser.parse_args(argv)
    cpu = snapshot(args.out, args.limit)
    print(f"snapshot: {args.out} ({cpu:.1f} s of CPU in process_html + dedup keys)")
    if args.compare is None:
        return 0
    differ = compare(args.compare, args.out)
    for line in differ:
        print(f"differs: {line}")
    print(f"pages that differ: {len(differ)}")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Where `process_html`'s CPU goes, stage by stage, without a profiler's overhead.

Each stage function of extraction and of the offline runner is wrapped with a
`time.process_time` timer, then `crawlers.offline.process_html` runs over
corpus pages (after a few warm-up pages, so dateparser's and justext's
first-call loading is left out) and prints the CPU ms per page of each.
cProfile inflates call-heavy code (several times for trafilatura's XPath
callbacks); these figures add up to the B line of benchmarks/throughput.py.
Nested stages are included in their callers (all of them are part of
extract_article or of the offline stages).

    .venv/bin/python benchmarks/extract_stages.py [--pages 100] [--folder fundus]
"""

from __future__ import annotations

import argparse
import collections
import functools
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._site import CORPUS  # noqa: E402

EXTRACT_STAGES = ("parse_html", "jsonld_objects", "page_metadata", "drop_offer_containers",
                  "_drop_page_chrome", "_page_lead", "_declared_canonical", "checked_language",
                  "_longer_structured_body", "_meta")
OFFLINE_STAGES = ("extract_article", "offers_stage", "normalize_stage", "outlet_lines_stage",
                  "validate_stage", "page_text")


def timed(spent: collections.Counter, owner, name: str, label: str | None = None) -> None:
    """Replace owner.name with a wrapper adding its CPU time to spent[label or name]."""
    fn = getattr(owner, name)

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        start = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[label or name] += time.process_time() - start

    setattr(owner, name, wrapper)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=100, help="pages measured (default 100)")
    parser.add_argument("--warmup", type=int, default=20, help="pages run first, not measured (default 20)")
    parser.add_argument("--folder", default="fundus", help="corpus folder (default fundus)")
    args = parser.parse_args(argv)

    import lxml.html
    import trafilatura

    import crawlers.offline as offline
    import pipelines.extract as extract

    spent: collections.Counter = collections.Counter()
    for name in EXTRACT_STAGES:
        timed(spent, extract, name)
    timed(spent, extract._TrafilaturaMetadata, "get", "trafilatura metadata (when a field is missing)")
    timed(spent, trafilatura, "bare_extraction", "trafilatura bare_extraction")
    timed(spent, trafilatura, "load_html", "trafilatura load_html")
    timed(spent, lxml.html, "tostring", "lxml tostring")
    for name in OFFLINE_STAGES:
        timed(spent, offline, name)

    manifest = CORPUS.parent / args.folder / "ground_truth.jsonl"
    pages = [(offline.read_html(path), url) for _, path, url in offline.iter_manifest(manifest)]
    for html, url in pages[-args.warmup:] if args.warmup else ():
        offline.process_html(html, url)
    spent.clear()
    measured = pages[:args.pages]
    start = time.process_time()
    for html, url in measured:
        offline.process_html(html, url)
    total = (time.process_time() - start) / len(measured) * 1000
    print(f"process_html: {total:.1f} ms CPU a page over {len(measured)} {args.folder} pages")
    for label, seconds in spent.most_common():
        print(f"  {seconds / len(measured) * 1000:6.1f} ms  {label}")


if __name__ == "__main__":
    main()

"""Extraction cost of the learned offer stripper, against the lexicon alone, in one run.

    .venv/bin/python benchmarks/offer_cost.py [--pages 60] [--rounds 3]

`process_html` (the B line of benchmarks/throughput.py: extraction,
normalisation, offer stripping, validation) over the same fundus pages, the
two variants alternating page by page so that both see the same machine load:
with the shipped model (pipelines/offer_model.npz) and with no model (the
lexicon rules only, the code before the classifier). Prints CPU ms per page
of each and the difference, which the issue caps at 10 ms.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crawlers.offline import process_html  # noqa: E402
from pipelines import offer_classifier as oc  # noqa: E402
from pipelines.offers_text import classify_line  # noqa: E402

DEFAULT_CORPUS = Path(os.environ.get("NEWSDESK_CORPUS") or Path(__file__).resolve().parents[1].parent / "shared" / "corpus")


def _clear_line_caches(model) -> None:
    classify_line.cache_clear()
    oc.line_shape.cache_clear()
    oc.line_words.cache_clear()
    oc._latin_script.cache_clear()
    model.clear_caches()  # per-line text logits and per-container verdicts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    ap.add_argument("--pages", type=int, default=60)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args(argv)
    folder = Path(args.corpus) / "fundus"
    pages = []
    with open(folder / "ground_truth.jsonl", encoding="utf-8") as fh:
        for raw in fh:
            rec = json.loads(raw)
            with gzip.open(folder / rec["html_file"]) as page:
                pages.append((page.read().decode("utf-8", "replace"), rec["url"]))
            if len(pages) >= args.pages:
                break
    model = oc.default_model()
    if model is None:
        print("no shipped model (pipelines/offer_model.npz)")
        return 1
    process_html(*pages[0])  # imports and caches warm
    cost = {"model": [], "lexicon": []}
    variants = [("model", model), ("lexicon", None)]
    for r in range(args.rounds):
        for k, (html, url) in enumerate(pages):
            # Both orders equally often, and every call with cold per-line caches
            # (a crawl meets each page once; the variant run second would find
            # the lines the first one classified).
            for name, m in variants if (k + r) % 2 == 0 else variants[::-1]:
                _clear_line_caches(model)
                with oc.use_model(m):
                    t = time.process_time()
                    process_html(html, url)
                    cost[name].append(time.process_time() - t)
    per = {k: 1000 * statistics.mean(v) for k, v in cost.items()}
    print(f"pages: {len(pages)} x {args.rounds} rounds, CPU ms/page")
    print(f"process_html, lexicon only: {per['lexicon']:.1f}")
    print(f"process_html, with model:   {per['model']:.1f}")
    print(f"difference: {per['model'] - per['lexicon']:+.1f} ms/page, ratio {per['model'] / per['lexicon']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

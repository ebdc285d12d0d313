"""Extraction + offer-stripping quality on the shared evaluation corpus.

Scores newsdesk's body text next to plain trafilatura (default settings, same
script, same pages):

* ``fundus/``: 4-word-shingle precision and recall per page, averaged over
  pages; F1 from the two means (the article-extraction-benchmark convention).
  Also counts pages whose newsdesk body holds offer text the ground truth lacks.
* ``trafilatura-eval/``: share of ``with`` snippets found, of ``without``
  snippets absent, and of the offer/newsletter ``without`` snippets absent.

Usage::

    .venv/bin/python benchmarks/quality.py [--corpus DIR] [--limit N] [--jobs N] [--worst N]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from multiprocessing import Pool
from pathlib import Path

import lxml.html
import trafilatura

if __package__ in (None, ""):  # run as a script: make the repo importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipelines.offers_dom import drop_offer_containers, is_paywall_pointer  # noqa: E402
from pipelines.offers_text import STRONG, classify_line, strip_offers  # noqa: E402

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"

# Ground-truth pages that themselves hold promotional text (the annotator kept
# a newsletter/shop plug in the body). They are scored like every other page
# (the ground truth is taken as given); the offer-leak count skips offer lines
# the ground truth itself contains, so they cannot count as leaks either way.
PROMO_IN_GROUND_TRUTH = ("us/Wired_2024_04_28", "de/DieWelt_2023_04_28")


def corpus_dir(arg: str | None = None) -> Path:
    return Path(arg or os.environ.get("NEWSDESK_CORPUS") or DEFAULT_CORPUS)


# --------------------------------------------------------------------------
# Extractors
# --------------------------------------------------------------------------

_JSONLD_XPATH = '//script[@type="application/ld+json"]'


def _jsonld(root) -> list:
    out = []
    for s in root.xpath(_JSONLD_XPATH):
        try:
            out.append(json.loads(s.text or ""))
        except ValueError:
            continue
    return out


def parse_html(html: str):
    """lxml tree of a page, or None; bytes with a UTF-8 parser so that pages
    declaring their encoding in the markup parse too."""
    try:
        parser = lxml.html.HTMLParser(encoding="utf-8")
        return lxml.html.document_fromstring(html.encode("utf-8", "replace"), parser=parser)
    except (ValueError, lxml.etree.ParserError):
        return None


def _newsdesk_body(html: str, url: str) -> str:
    """Stand-in for the pipeline's extraction: DOM offer pruning, trafilatura,
    then text-level stripping."""
    root = parse_html(html)
    if root is None:
        return ""
    _, selectors = is_paywall_pointer(_jsonld(root))
    drop_offer_containers(root, selectors)
    text = trafilatura.extract(
        lxml.html.tostring(root, encoding="unicode"),
        url=url,
        favor_precision=False,
        include_comments=False,
        include_tables=True,
    )
    return strip_offers(text or "").body


def _trafilatura_default(html: str, url: str) -> str:
    return trafilatura.extract(html, url=url) or ""


def newsdesk_extractor(kind: str | None = None) -> tuple[str, Callable[[str, str], str]]:
    """The pipeline's own entry point (`crawlers.offline.process_html`, the
    very code the crawl runs). `kind` (or env NEWSDESK_EXTRACTOR) = "standin"
    asks for the stand-in instead. A pipeline that cannot be imported stops the
    benchmark: falling back quietly would report the stand-in's figures as
    newsdesk's (seen when a venv lacked a newly declared package)."""
    if (kind or os.environ.get("NEWSDESK_EXTRACTOR")) == "standin":
        return "newsdesk stand-in", _newsdesk_body
    try:
        from crawlers.offline import process_html
    except ImportError as exc:
        raise SystemExit(f"benchmarks/quality.py: cannot import the pipeline ({exc}); "
                         "run `make install` (or NEWSDESK_EXTRACTOR=standin for the stand-in)") from None

    def run(html: str, url: str) -> str:
        return (process_html(html, url) or {}).get("body") or ""

    return "newsdesk process_html", run


# --------------------------------------------------------------------------
# Metrics
# --------------------------------------------------------------------------

_TOKEN = re.compile(r"\w+", re.UNICODE)


def _shingles(text: str, n: int = 4) -> Counter:
    toks = _TOKEN.findall((text or "").lower())
    if len(toks) < n:
        return Counter([tuple(toks)]) if toks else Counter()
    return Counter(tuple(toks[i : i + n]) for i in range(len(toks) - n + 1))


def shingle_pr(expected: str, predicted: str) -> tuple[float, float]:
    """Precision and recall of 4-word shingles (multisets) for one page."""
    e, p = _shingles(expected), _shingles(predicted)
    tp = sum((e & p).values())
    fp = sum((p - e).values())
    fn = sum((e - p).values())
    precision = 1.0 if fp == 0 and fn == 0 else (tp / (tp + fp) if tp + fp else 0.0)
    recall = 1.0 if fp == 0 and fn == 0 else (tp / (tp + fn) if tp + fn else 0.0)
    return precision, recall


def _norm(s: str) -> str:
    return " ".join((s or "").split()).lower()


def offer_leaks(body: str, truth: str) -> list[str]:
    """Lines of `body` the offer classifier calls strong offers and the ground
    truth does not contain."""
    t = _norm(truth)
    return [
        line.strip()
        for line in (body or "").splitlines()
        if line.strip()
        and classify_line(line)[0] == STRONG
        and _norm(line) not in t
    ]


@dataclass
class Score:
    pages: int = 0
    precision: float = 0.0
    recall: float = 0.0
    leak_pages: list[str] = field(default_factory=list)
    with_found: int = 0
    with_total: int = 0
    without_absent: int = 0
    without_total: int = 0
    offer_absent: int = 0
    offer_total: int = 0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


# --------------------------------------------------------------------------
# Corpus
# --------------------------------------------------------------------------


def load_pages(folder: Path, limit: int | None = None, ids: Iterable[str] | None = None) -> list[dict]:
    wanted = set(ids) if ids else None
    pages = []
    with open(folder / "ground_truth.jsonl", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            if wanted is None or d["id"] in wanted:
                d["_folder"] = str(folder)
                pages.append(d)
    return pages[:limit] if limit else pages


def read_html(page: dict) -> str:
    with gzip.open(Path(page["_folder"]) / page["html_file"]) as fh:
        return fh.read().decode("utf-8", errors="replace")


def _run_page(args) -> dict:
    page, name = args
    html = read_html(page)
    _, newsdesk = newsdesk_extractor()
    out = {"id": page["id"]}
    for key, fn in (("newsdesk", newsdesk), ("trafilatura", _trafilatura_default)):
        try:
            out[key] = fn(html, page["url"]) or ""
        except Exception as exc:  # one bad page must not stop the benchmark
            out[key] = ""
            out[key + "_error"] = repr(exc)
    return out


def extract_all(pages: list[dict], jobs: int = 1) -> list[dict]:
    work = [(p, p["id"]) for p in pages]
    if jobs > 1:
        with Pool(jobs) as pool:
            return pool.map(_run_page, work, chunksize=4)
    return [_run_page(w) for w in work]


def score_fundus(pages: list[dict], outputs: list[dict], key: str) -> Score:
    s = Score()
    for page, out in zip(pages, outputs, strict=True):
        p, r = shingle_pr(page["body"], out[key])
        s.pages += 1
        s.precision += p
        s.recall += r
        if offer_leaks(out[key], page["body"]):
            s.leak_pages.append(page["id"])
    if s.pages:
        s.precision /= s.pages
        s.recall /= s.pages
    return s


def score_snippets(pages: list[dict], outputs: list[dict], key: str) -> Score:
    s = Score()
    for page, out in zip(pages, outputs, strict=True):
        body = _norm(out[key])
        s.pages += 1
        for snip in page.get("with") or []:
            s.with_total += 1
            s.with_found += _norm(snip) in body
        offers = set(page.get("offer_or_newsletter_snippets_in_without") or [])
        for snip in page.get("without") or []:
            absent = _norm(snip) not in body
            s.without_total += 1
            s.without_absent += absent
            if snip in offers:
                s.offer_total += 1
                s.offer_absent += absent
    return s


def extra_lines(body: str, truth: str, share: float = 0.5) -> list[str]:
    """Lines of `body` most of whose 4-word shingles the ground truth lacks."""
    t = _shingles(truth)
    out = []
    for line in (body or "").splitlines():
        sh = _shingles(line)
        if sh and sum((sh - t).values()) > share * sum(sh.values()):
            out.append(line.strip())
    return out


def worst_pages(pages: list[dict], outputs: list[dict], key: str, n: int) -> list[str]:
    """Report of the `n` fundus pages with the lowest precision: scores and
    the body lines the ground truth lacks (where precision is lost)."""
    rows = []
    for page, out in zip(pages, outputs, strict=True):
        p, r = shingle_pr(page["body"], out[key])
        rows.append((p, r, page["id"], extra_lines(out[key], page["body"])))
    rows.sort()
    report = []
    for p, r, pid, extra in rows[:n]:
        report.append(f"  {pid}: P {p:.3f} R {r:.3f}")
        report.extend(f"    + {line[:140]}" for line in extra)
    return report


def _ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def evaluate(corpus: Path, limit: int | None = None, jobs: int = 1) -> dict:
    """Score both extractors on both folders; returns a dict of Scores."""
    fundus = load_pages(corpus / "fundus", limit)
    treval = load_pages(corpus / "trafilatura-eval", limit)
    f_out = extract_all(fundus, jobs)
    t_out = extract_all(treval, jobs)
    res = {}
    for key in ("newsdesk", "trafilatura"):
        res[key] = (score_fundus(fundus, f_out, key), score_snippets(treval, t_out, key))
    res["_outputs"] = (fundus, f_out, treval, t_out)
    return res


def format_table(res: dict, name: str) -> str:
    rows = [
        "| extractor | fundus P | fundus R | fundus F1 | offer-leak pages | with found | without absent | offer snippets absent |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for key, label in (("trafilatura", "trafilatura 2.3.1 default"), ("newsdesk", name)):
        f, t = res[key]
        rows.append(
            f"| {label} | {f.precision:.3f} | {f.recall:.3f} | {f.f1:.3f} | {len(f.leak_pages)}/{f.pages} "
            f"| {_ratio(t.with_found, t.with_total):.3f} ({t.with_found}/{t.with_total}) "
            f"| {_ratio(t.without_absent, t.without_total):.3f} ({t.without_absent}/{t.without_total}) "
            f"| {_ratio(t.offer_absent, t.offer_total):.3f} ({t.offer_absent}/{t.offer_total}) |"
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=None, help="corpus folder (default: ../shared/corpus, env NEWSDESK_CORPUS)")
    ap.add_argument("--limit", type=int, default=None, help="first N pages of each folder")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--verbose", action="store_true", help="list offer-leak pages and missed offer snippets")
    ap.add_argument("--worst", type=int, default=0, metavar="N",
                    help="list the N fundus pages with the lowest newsdesk precision and their extra lines")
    ap.add_argument(
        "--extractor",
        choices=("auto", "standin"),
        default="auto",
        help="auto: crawlers.offline.process_html; standin: the local stand-in",
    )
    args = ap.parse_args(argv)
    # Workers read the choice from the environment (it survives the fork).
    os.environ["NEWSDESK_EXTRACTOR"] = args.extractor
    name, _ = newsdesk_extractor()
    res = evaluate(corpus_dir(args.corpus), args.limit, args.jobs)
    print(format_table(res, name))
    f, t = res["newsdesk"]
    print(f"\nfundus pages with offer text the ground truth lacks (newsdesk): {len(f.leak_pages)}")
    print(f"fundus pages with offer text the ground truth lacks (trafilatura): {len(res['trafilatura'][0].leak_pages)}")
    if args.worst:
        fundus, f_out, _, _ = res["_outputs"]
        print(f"\n{args.worst} fundus pages with the lowest precision (newsdesk), lines the ground truth lacks:")
        print("\n".join(worst_pages(fundus, f_out, "newsdesk", args.worst)))
    if args.verbose:
        fundus, f_out, treval, t_out = res["_outputs"]
        for page, out in zip(fundus, f_out, strict=True):
            for line in offer_leaks(out["newsdesk"], page["body"]):
                print(f"  leak {page['id']}: {line[:120]}")
        for page, out in zip(treval, t_out, strict=True):
            body = _norm(out["newsdesk"])
            for snip in page.get("offer_or_newsletter_snippets_in_without") or []:
                if _norm(snip) in body:
                    print(f"  offer snippet kept {page['id']}: {snip}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

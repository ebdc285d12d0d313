"""Metadata quality (title, authors, date) on the shared corpus' ground truth.

Three columns from the same run, on the same pages:

* ``trafilatura``: plain ``trafilatura.extract_metadata(html, default_url=url)``;
* ``newsdesk before``: the field precedence extraction had before
  `pipelines/metadata.py` (JSON-LD ``headline``/``author``/``datePublished``,
  Open Graph dates, then trafilatura's metadata, then ``og:title``/``<title>``),
  kept here as the baseline;
* ``newsdesk``: the pipeline itself (`crawlers.offline.process_html`, the code the crawl runs),
  with the outlet's learned title affixes taken from the outlet's *other*
  pages in the corpus (a crawl learns from the pages it stored before).

Measures: title exact (NFC, spaces collapsed), author names exact (the set
of case-folded names; no author in the ground truth means none expected),
published date within a day (calendar days when the ground truth is a day).
Folders: ``fundus/`` (title, authors, publishing_date) and
``trafilatura-eval/`` (title, author, date; pages with a title).

Usage::

    .venv/bin/python benchmarks/metadata.py [--corpus DIR] [--limit N] [--jobs N] [--misses FIELD] [--languages]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import sys
import unicodedata
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from multiprocessing import Pool
from pathlib import Path
from urllib.parse import urlsplit

if __package__ in (None, ""):  # run as a script: make the repo importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import trafilatura  # noqa: E402
from trafilatura.metadata import extract_metadata  # noqa: E402
from w3lib.encoding import html_to_unicode  # noqa: E402

from pipelines.metadata import (  # noqa: E402
    TITLE_POLICIES,
    OutletTitles,
    TitlePolicy,
    choose_title,
    clean_authors,
    is_desk,
    language_code,
    matches_site,
    page_site_names,
    title_candidates,
)
from pipelines.normalize import parse_date, tidy_text  # noqa: E402

# ../shared/corpus next to the checkout (/work/main), or next to the worktrees' folder (/work/wt/<name>)
DEFAULT_CORPUS = next((p / "shared" / "corpus" for p in Path(__file__).resolve().parents[2:4]
                       if (p / "shared" / "corpus").is_dir()), Path("../shared/corpus"))
FOLDERS = ("fundus", "trafilatura-eval")
SYSTEMS = ("trafilatura", "before", "newsdesk")
FIELDS = ("title", "authors", "people", "date")


def _extract_module():
    import pipelines.extract as mod

    return mod


# -- ground truth -------------------------------------------------------------

def outlet_of(page: dict) -> str:
    return page.get("publisher") or (urlsplit(page["url"]).hostname or "").removeprefix("www.")


def _truth_authors(value) -> set[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = [v for v in re.split(r"\s*(?:;|,|&|\band\b|\bund\b)\s*", value) if v.strip()]
    return {_name(v) for v in value if _name(v)}


def people_only(names: set[str] | None, sites: set[str]) -> set[str] | None:
    """The ground-truth names that are people: wire agencies, desks ('BR24
    Redaktion') and the outlet's own name ('bbc news', 'ndr.de') set apart,
    judged with newsdesk's own lists and the page's site names."""
    if names is None:
        return None
    def wire(name: str) -> bool:  # "dpa/lno": an agency and its desk code, nobody else
        people, agency = clean_authors([name])
        return bool(agency) and not people

    return {n for n in names if not (wire(n) or is_desk(n) or matches_site(n, sites))}


def _truth_date(value) -> tuple[datetime, bool] | None:
    """(datetime, day_only) of the ground-truth date."""
    if not value:
        return None
    text = str(value).strip()
    day_only = len(text) <= 10
    parsed = parse_date(text)
    return (parsed, day_only) if parsed else None


def load_pages(corpus: Path, limit: int | None = None) -> list[dict]:
    pages = []
    for folder in FOLDERS:
        rows = []
        with open(corpus / folder / "ground_truth.jsonl", encoding="utf-8") as fh:
            for line in fh:
                d = json.loads(line)
                if folder == "trafilatura-eval" and d.get("title") is None:
                    continue  # no metadata annotated for this page
                d["_folder"], d["_path"] = folder, str(corpus / folder / d["html_file"])
                d["_outlet"] = f"{folder}:{outlet_of(d)}"
                rows.append(d)
        pages.extend(rows[:limit] if limit else rows)
    return pages


# -- comparison ---------------------------------------------------------------

def _title(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def _name(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").casefold().split())


def _byline(got: dict) -> set[str]:
    """Everyone the output credits: its authors and, for newsdesk, the agency."""
    agency = [got["agency"]] if got.get("agency") else []
    return {_name(a) for a in [*got["authors"], *agency]}


def date_ok(predicted: datetime | None, truth: tuple[datetime, bool]) -> bool:
    if predicted is None:
        return False
    value, day_only = truth
    if day_only:
        return abs((predicted.date() - value.date()).days) <= 1
    return abs(predicted - value) <= timedelta(days=1)


# -- systems ------------------------------------------------------------------

def _split_traf_authors(author: str | None) -> list[str]:
    return [a.strip() for a in (author or "").split(";") if a.strip()]


def run_trafilatura(html: str, url: str) -> dict:
    doc = extract_metadata(html, default_url=url)
    return {"title": doc.title, "authors": _split_traf_authors(doc.author), "date": parse_date(doc.date)}


def run_before(html: str, url: str) -> dict:
    """The precedence `extract_article` had before pipelines/metadata.py."""
    mod = _extract_module()
    root = mod.parse_html(html, url)
    objects = mod.jsonld_objects(root, url)
    jsonld = mod._article_object(objects) or {}

    def text(key):
        value = jsonld.get(key)
        return mod._clean(value) if isinstance(value, str) else None

    def names(value):
        out = []
        for v in value if isinstance(value, list) else [value]:
            name = v.get("name") if isinstance(v, dict) else v
            name = mod._clean(name if isinstance(name, str) else None)
            if name and name not in out and not name.startswith("http"):
                out.append(name)
        return out

    def meta(*keys):
        for key in keys:
            for el in root.xpath(f'//meta[@property="{key}" or @name="{key}" or @itemprop="{key}"]'):
                if value := mod._clean(el.get("content")):
                    return value
        return None

    title, date, authors = text("headline"), text("datePublished"), names(jsonld.get("author", []))
    date = date or meta("article:published_time", "datePublished", "pubdate")
    doc = extract_metadata(html, default_url=url)
    title = title or mod._clean(doc.title)
    authors = authors or names(_split_traf_authors(doc.author))
    date = date or mod._clean(doc.date)
    title = title or meta("og:title") or mod._clean(root.findtext(".//title"))
    return {"title": tidy_text(title), "authors": [a for a in (tidy_text(a) for a in authors) if a],
            "date": parse_date(date)}


def run_newsdesk(html: str, url: str, learned: OutletTitles | None) -> dict:
    """The pipeline's own output (crawlers.offline.process_html: extract, normalize,
    offers, validate), plus the title each TITLE_POLICIES variant would choose."""
    from crawlers.offline import process_html
    from pipelines.metadata import page_metadata

    item = process_html(html, url, learned_titles=learned)
    mod = _extract_module()
    root = mod.parse_html(html, url)
    objects = mod.jsonld_objects(root, url)
    meta = page_metadata(root, objects, mod._article_object(objects), url)
    return {"title": item.get("title"), "authors": item.get("authors") or [], "agency": item.get("agency"),
            "date": item.get("published_at"), "language": item.get("language"),
            "title_by_policy": [tidy_text(choose_title(meta.title_candidates, meta.site_names, learned, policy))
                                for policy in TITLE_POLICIES]}


def raw_titles(html: str, url: str) -> list[str]:
    """The page's <title> and og:title, as an outlet's title learning sees them."""
    mod = _extract_module()
    cands = title_candidates(mod.parse_html(html, url), None)
    return [t for t in (cands.html_title, cands.og_title) if t]


def read_html(page: dict) -> str:
    """The page's text as a crawl decodes it: UTF-8, else the charset the page
    declares (w3lib, as Scrapy), unless that reads worse than UTF-8 with
    replacements (17 pages are windows-1252 or GB18030: read as UTF-8 they
    showed "Aufsichtsr\ufffdten" to every system)."""
    with gzip.open(page["_path"]) as fh:
        raw = fh.read()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    fallback = raw.decode("utf-8", errors="replace")
    declared = html_to_unicode(None, raw)[1]
    return declared if declared.count("\ufffd") < fallback.count("\ufffd") else fallback


def _titles_of(page: dict) -> list[str]:
    try:
        return raw_titles(read_html(page), page["url"])
    except Exception:  # noqa: BLE001 - an unreadable page teaches nothing
        return []


def _run_page(args) -> dict:
    page, sibling_titles = args
    html = read_html(page)
    learned = None
    if sibling_titles:
        learned = OutletTitles()
        for titles in sibling_titles:
            learned.learn(titles)
    out = {"id": page["id"]}
    try:
        mod = _extract_module()
        root = mod.parse_html(html, page["url"])
        out["sites"] = page_site_names(root, mod.jsonld_objects(root, page["url"]), page["url"])
        out["declared_language"] = language_code(root.get("lang"))
    except Exception:  # noqa: BLE001 - scored without site names then
        out["sites"] = set()
    for name, fn in (("trafilatura", lambda: run_trafilatura(html, page["url"])),
                     ("before", lambda: run_before(html, page["url"])),
                     ("newsdesk", lambda: run_newsdesk(html, page["url"], learned))):
        try:
            out[name] = fn()
        except Exception as exc:  # noqa: BLE001 - one bad page must not stop the benchmark
            out[name] = {"title": None, "authors": [], "date": None, "error": repr(exc)}
    return out


def run_all(pages: list[dict], jobs: int = 1, learn: bool = True) -> list[dict]:
    pool = Pool(jobs) if jobs > 1 else None
    mapper = pool.map if pool else map
    try:
        titles = list(mapper(_titles_of, pages))
        by_outlet = defaultdict(list)
        for i, page in enumerate(pages):
            by_outlet[page["_outlet"]].append(i)
        # each page learns from its outlet's other pages only, never from itself
        work = [(page, [titles[j] for j in by_outlet[page["_outlet"]] if j != i and learn])
                for i, page in enumerate(pages)]
        return list(mapper(_run_page, work)) if not pool else pool.map(_run_page, work, chunksize=4)
    finally:
        if pool:
            pool.close()
            pool.join()


def score(pages: list[dict], outputs: list[dict]) -> dict:
    """{folder: {system: {field: (hits, total)}}}, and the misses per system and field."""
    table: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(lambda: [0, 0])))
    misses: dict = defaultdict(list)
    for page, out in zip(pages, outputs, strict=True):
        folder = page["_folder"]
        truth_authors = _truth_authors(page.get("authors", page.get("author")))
        truth_people = people_only(truth_authors, out["sites"])
        truth_date = _truth_date(page.get("publishing_date", page.get("date")))
        for system in SYSTEMS:
            got = out[system]
            checks = {"title": (_title(got["title"]) == _title(page["title"])) if page.get("title") else None,
                      "authors": (_byline(got) == truth_authors)
                      if truth_authors is not None else None,
                      "people": ({_name(a) for a in got["authors"]} == truth_people)
                      if truth_people is not None else None,
                      "date": date_ok(got["date"], truth_date) if truth_date else None}
            for fld, ok in checks.items():
                if ok is None:
                    continue
                cell = table[folder][system][fld]
                cell[0] += ok
                cell[1] += 1
                if not ok:
                    truth = {"title": page.get("title"), "authors": sorted(truth_authors or []),
                             "people": sorted(truth_people or []),
                             "date": page.get("publishing_date", page.get("date"))}[fld]
                    value = {"title": got["title"], "authors": got["authors"], "people": got["authors"],
                             "date": got["date"]}[fld]
                    misses[(system, fld)].append(f"{page['id']}: got {value!r} want {truth!r}")
    return {"table": table, "misses": misses}


def loso_titles(pages: list[dict], outputs: list[dict]) -> dict[str, tuple[int, int, int]]:
    """Title exact when the title policy (pipelines.metadata.TITLE_POLICIES) is
    chosen leaving the page's site out: per folder (LOSO hits, default-policy
    hits, pages). The policy is the one tuned thing in the title choice."""
    default = TITLE_POLICIES.index(TitlePolicy())
    hits = []  # per page, per policy
    for page, out in zip(pages, outputs, strict=True):
        got = out["newsdesk"].get("title_by_policy") or [None] * len(TITLE_POLICIES)
        hits.append([_title(t) == _title(page["title"]) if page.get("title") else None for t in got])
    totals = [sum(bool(h[k]) for h in hits) for k in range(len(TITLE_POLICIES))]
    by_site = defaultdict(list)
    for i, page in enumerate(pages):
        by_site[page["_outlet"]].append(i)
    result: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for idx in by_site.values():
        held = [sum(bool(hits[i][k]) for i in idx) for k in range(len(TITLE_POLICIES))]
        best = max(range(len(TITLE_POLICIES)), key=lambda k: (totals[k] - held[k], k == default))
        for i in idx:
            if hits[i][0] is None:
                continue
            cell = result[pages[i]["_folder"]]
            cell[0] += bool(hits[i][best])
            cell[1] += bool(hits[i][default])
            cell[2] += 1
    return {k: tuple(v) for k, v in result.items()}


def language_changes(outputs: list[dict]) -> list[tuple[str, str | None, str | None]]:
    """(page, declared <html lang>, newsdesk's language) where the text changed it
    (no ground truth for language in the corpus: these are for reading)."""
    out = []
    for o in outputs:
        declared, got = o.get("declared_language"), o["newsdesk"].get("language")
        if got and language_code(got) != declared:
            out.append((o["id"], declared, got))
    return out


def format_table(result: dict) -> str:
    table = result["table"]
    head = "| folder | field | trafilatura | newsdesk before | newsdesk | newsdesk / trafilatura |"
    rows = [head, "|---|---|---|---|---|---|"]
    for folder in FOLDERS:
        for fld in FIELDS:
            cells = [table[folder][s][fld] for s in SYSTEMS]
            shares = [h / n if n else 0.0 for h, n in cells]
            ratio = shares[2] / shares[0] if shares[0] else float("inf")
            rows.append(f"| {folder} | {fld} | " + " | ".join(
                f"{sh:.3f} ({h}/{n})" for sh, (h, n) in zip(shares, cells, strict=True)) + f" | {ratio:.2f} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=None, help="corpus folder (default ../shared/corpus, env NEWSDESK_CORPUS)")
    ap.add_argument("--limit", type=int, default=None, help="first N pages of each folder")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--no-learning", action="store_true",
                    help="newsdesk without the outlets' learned title affixes (to show what learning adds)")
    ap.add_argument("--languages", action="store_true", help="list the pages whose language the text decided")
    ap.add_argument("--misses", choices=FIELDS, action="append", default=[],
                    help="list newsdesk's misses on this field (repeatable)")
    args = ap.parse_args(argv)
    corpus = Path(args.corpus or os.environ.get("NEWSDESK_CORPUS") or DEFAULT_CORPUS)
    pages = load_pages(corpus, args.limit)
    outputs = run_all(pages, args.jobs, learn=not args.no_learning)
    result = score(pages, outputs)
    print(f"trafilatura {trafilatura.__version__}, {len(pages)} pages, run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC")
    print(format_table(result))
    for folder, (loso, default, n) in sorted(loso_titles(pages, outputs).items()):
        print(f"{folder}: title exact with the title policy chosen leave-one-site-out {loso / n:.3f} "
              f"({loso}/{n}); default policy {default / n:.3f}")
    errors = [(o["id"], s, o[s]["error"]) for o in outputs for s in SYSTEMS if "error" in o[s]]
    for pid, system, err in errors[:10]:
        print(f"  error {system} {pid}: {err}")
    changed = language_changes(outputs)
    print(f"language: <html lang> on {sum(1 for o in outputs if o.get('declared_language'))} pages; "
          f"replaced or filled from the text on {len(changed)} (--languages lists them)")
    if args.languages:
        for pid, declared, got in changed:
            print(f"  {pid}: declared {declared!r}, newsdesk {got!r}")
    for fld in args.misses:
        print(f"\nnewsdesk misses, {fld}:")
        for line in result["misses"][("newsdesk", fld)]:
            print("  " + line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

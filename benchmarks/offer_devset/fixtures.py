"""Write the CI gates' fixture subsets of the offer development set.

    .venv/bin/python -m benchmarks.offer_devset.fixtures [--corpus DIR] [--markup]

tests/fixtures/offer_devset/samples.jsonl.gz: composed text samples (block
inserted into a host body, with its hard negative) spread over kinds of
block, languages and positions, on the shortest hosts, plus a few hosts with
no block. Small on purpose: a handful of corpus paragraphs per sample.

With `--markup`, instead: tests/fixtures/offer_devset_markup/, the markup
path's pages (tests/test_offer_gate_markup.py): per page `<id>.html.gz`, a
fundus host page with a block rendered into its article markup (as `<p>`, or
as the block's own site marked it up) or with none, and `<id>.json`, its url
and labelled lines: the lines `process_html` extracts from the host page
without the block, labelled article when the host's ground-truth body holds
them (else other_article), as evaluate.py's markup path counts them, then
the inserted offer and hard-negative lines. One page per kind and language as
`<p>`, two in original markup (PER_GROUP_MARKUP), on small hosts (gzipped page in the corpus at most
MAX_HOST_BYTES), no block or host used twice; scripts (JSON-LD kept),
styles and comments are taken out of the host page, and a page is taken
only when that leaves `process_html`'s result on it, with and without the
block, unchanged.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import zlib
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import lxml.html  # noqa: E402

from benchmarks.offer_devset import compose, evaluate, train  # noqa: E402
from benchmarks.offer_devset.harvest import parse, read_gz  # noqa: E402
from pipelines import offer_classifier as oc  # noqa: E402

OUT = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "offer_devset" / "samples.jsonl.gz"
MARKUP_OUT = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "offer_devset_markup"
MAX_HOST_BYTES = 25_000  # a host page's gzipped size in the corpus
HOST_PAGES = 2  # pages with a block per host
# Pages per (kind, language), by rendering: fewer blocks have their own markup.
PER_GROUP_MARKUP = {"p": 1, "original": 2}
PLAIN_PAGES = 8  # hosts without a block
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


def small_page(html: str) -> str:
    """The page without scripts (JSON-LD kept), styles, stylesheet links and comments."""
    root = parse(html)  # drops comments
    for el in root.xpath("//script|//style|//link[@rel='stylesheet']"):
        if el.tag == "script" and (el.get("type") or "").strip().lower() == "application/ld+json":
            continue
        el.drop_tree()
    return lxml.html.tostring(root, encoding="unicode")


def _result(html: str, url: str) -> dict:
    from crawlers.offline import process_html

    return process_html(html, url)


def _body_lines(result: dict) -> list[str]:
    return [x.strip() for x in (result.get("body") or "").split("\n") if x.strip()]


def _page(sample: dict, host: dict, corpus: Path, render: str | None) -> tuple[str, dict] | None:
    """(the page's html, its labelled lines and facts), or None when the page
    cannot be rendered or taking scripts and styles out changes its result."""
    raw = read_gz(corpus / "fundus" / host["html_file"])
    small = small_page(raw)
    base = _result(small, host["url"])
    if base != _result(raw, host["url"]):
        return None
    html = small
    if render is not None:
        full = compose.render_markup(sample, corpus, render == "original")
        mine = compose.render_markup(sample, corpus, render == "original", small)
        if full is None or mine is None or _result(full[1], host["url"]) != _result(mine[1], host["url"]):
            return None
        html = mine[1]
    raw_lines = _body_lines(base)
    labelled = evaluate.markup_sample(sample, [compose.markup_key(x) for x in raw_lines])["lines"]
    n = len(raw_lines)
    lines = [{**x, "text": text} for x, text in zip(labelled[:n], raw_lines, strict=True)] + labelled[n:]
    if not any(x["label"] == "article" for x in lines):
        return None
    facts = {"sample": sample["id"], "url": host["url"], "host": host["id"], "render": render,
             "source": sample.get("source"), "site": sample["site"], "lang": sample["lang"],
             "kind": sample["kind"], "position": sample["position"], "inserted": sample["inserted"],
             "lines": lines}
    return html, facts


def choose_markup(samples: list[dict], corpus: Path) -> list[tuple[str, dict]]:
    """Pages: one per (rendering, kind, language) on small hosts, then plain hosts."""
    hosts = {h["id"]: h for h in compose.load_hosts(corpus)}
    small = {h for h, x in hosts.items() if (corpus / "fundus" / x["html_file"]).stat().st_size <= MAX_HOST_BYTES}
    order = sorted((s for s in samples if s["host"] in small), key=lambda s: (zlib.crc32(s["id"].encode()), s["id"]))
    pages, groups, blocks, per_host = [], {}, set(), {}
    for render in ("p", "original"):
        for s in order:
            key = (render, s["kind"], s["lang"])
            if groups.get(key, 0) >= PER_GROUP_MARKUP[render] or s["block_id"] in blocks or per_host.get(s["host"], 0) >= HOST_PAGES:
                continue
            page = _page(s, hosts[s["host"]], corpus, render)
            if page is None:
                continue
            groups[key] = groups.get(key, 0) + 1
            blocks.add(s["block_id"])
            per_host[s["host"]] = per_host.get(s["host"], 0) + 1
            pages.append(page)
    plain = 0
    for h in sorted(small - set(per_host), key=lambda h: (zlib.crc32(h.encode()), h)):
        host = hosts[h]
        sample = {"id": f"plain:{h}", "site": host["site"], "lang": host["lang"], "kind": None, "position": None,
                  "inserted": [], "lines": [{"text": p, "label": "article", "kind": "article"} for p in host["paras"]]}
        page = _page(sample, host, corpus, None)
        if page is not None and plain < PLAIN_PAGES:
            plain += 1
            pages.append(page)
    return pages


def write_markup(corpus: Path) -> int:
    samples, _plain = train.all_samples(corpus)
    with oc.use_model(oc.default_model()):
        pages = choose_markup(samples, corpus)
    MARKUP_OUT.mkdir(parents=True, exist_ok=True)
    for old in MARKUP_OUT.iterdir():
        if old.name.endswith((".html.gz", ".json")):
            old.unlink()
    for n, (html, facts) in enumerate(pages):
        name = f"{n:02d}_{facts['render'] or 'none'}_{facts['kind'] or 'noblock'}_{facts['lang']}"
        (MARKUP_OUT / f"{name}.html.gz").write_bytes(gzip.compress(html.encode("utf-8"), 9, mtime=0))
        (MARKUP_OUT / f"{name}.json").write_text(json.dumps({"id": name, **facts}, ensure_ascii=False, indent=1)
                                                 + "\n", encoding="utf-8")
    size = sum(f.stat().st_size for f in MARKUP_OUT.iterdir())
    print(f"{MARKUP_OUT}: {len(pages)} pages ({sum(1 for _, f in pages if f['render'] == 'p')} <p>, "
          f"{sum(1 for _, f in pages if f['render'] == 'original')} original markup, "
          f"{sum(1 for _, f in pages if f['render'] is None)} without a block), {size / 1024:.0f} KiB")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(train.DEFAULT_CORPUS))
    ap.add_argument("--markup", action="store_true", help="write the markup gate's pages instead of the text samples")
    args = ap.parse_args(argv)
    if args.markup:
        return write_markup(Path(args.corpus))
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

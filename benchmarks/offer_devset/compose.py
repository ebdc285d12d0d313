"""The offer development set's samples, composed from the labelled lines and the corpus.

Text set: an offer block inserted into another publisher's ground-truth body
(fundus), after the first paragraph, mid-body or at the end, with a hard
negative from a third page next to it. Markup set: the same insertions, as
`<p>` paragraphs at the matching place of the host page's own markup
(before the paragraph that follows the insertion point).

Folds group by site (crc32 of the site, 5 folds); a sample's host and its
inserted hard negative come from the block's own fold, so a model trained on
the other folds has seen neither the block's publisher nor the host's.
"""

from __future__ import annotations

import copy
import gzip
import json
import random
import unicodedata
import zlib
from pathlib import Path

import lxml.html

from benchmarks.offer_devset.harvest import norm, parse, read_gz, read_jsonl, site_of, text_lines

HERE = Path(__file__).resolve().parent
LINES_FILE = HERE / "lines.jsonl.gz"
FOLDS = 5
POSITIONS = ("start", "middle", "end")
PROMO_IN_GROUND_TRUTH = ("us/Wired_2024_04_28", "de/DieWelt_2023_04_28")
_COUNTRY_LANG = {"de": "de", "at": "de", "ch": "de", "fr": "fr", "es": "es", "mx": "es", "py": "es",
                 "it": "it", "pt": "pt", "us": "en", "uk": "en", "ca": "en", "au": "en", "za": "en",
                 "ind": "en"}


def fold_of(site: str) -> int:
    return zlib.crc32(site.encode()) % FOLDS


def load_records(path: Path = LINES_FILE) -> dict[str, list[dict]]:
    """The development set's records by type: block, hard_negative, article."""
    out: dict[str, list[dict]] = {"block": [], "hard_negative": [], "article": []}
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for raw in fh:
            rec = json.loads(raw)
            out.setdefault(rec["type"], []).append(rec)
    return out


def load_lines(path: Path = LINES_FILE) -> tuple[list[dict], list[dict]]:
    """(offer blocks, hard negatives)."""
    records = load_records(path)
    return records["block"], records["hard_negative"]


def load_articles(path: Path = LINES_FILE) -> list[dict]:
    """Article texts without a block (postlight-parser content minus its clean list)."""
    return load_records(path)["article"]


def load_hosts(corpus: Path) -> list[dict]:
    hosts = []
    for page in read_jsonl(corpus / "fundus" / "ground_truth.jsonl"):
        if page["id"] in PROMO_IN_GROUND_TRUTH:
            continue
        paras = [p.strip() for p in page["body"].split("\n") if p.strip()]
        if len(paras) < 3:
            continue
        site = site_of(page["url"])
        hosts.append({"id": page["id"], "site": site, "fold": fold_of(site), "paras": paras,
                      "lang": _COUNTRY_LANG.get(page["id"].split("/")[0], "other"),
                      "html_file": page["html_file"], "url": page["url"]})
    return hosts


def _pick(rng: random.Random, pool: list[dict], lang: str | None, avoid: set[str]) -> dict | None:
    ok = [h for h in pool if h["site"] not in avoid]
    same = [h for h in ok if h.get("lang") == lang]
    choice = same or ok
    return rng.choice(choice) if choice else None


def compose_text_set(blocks: list[dict], negatives: list[dict], hosts: list[dict]) -> list[dict]:
    """Every block at every position, in a host of its fold, with a hard negative beside it."""
    negative_texts = {norm(n["text"]) for n in negatives}
    samples = []
    for block in blocks:
        fold = fold_of(block["site"])
        pool = [h for h in hosts if h["fold"] == fold]
        neg_pool = [n for n in negatives if fold_of(n["site"]) == fold]
        for pos in POSITIONS:
            rng = random.Random(f"{block['block_id']}:{pos}")
            host = _pick(rng, pool, block["lang"], {block["site"]})
            if host is None:
                continue
            neg = _pick(rng, neg_pool, block["lang"], {block["site"], host["site"]})
            paras = host["paras"]
            at = {"start": 1, "middle": len(paras) // 2, "end": len(paras)}[pos]
            inserted = [{"text": x["text"], "label": "offer", "kind": x["kind"]} for x in block["lines"]]
            if neg is not None:
                hard = {"text": neg["text"], "label": "hard_negative", "kind": "hard_negative"}
                inserted = [hard, *inserted] if rng.random() < 0.5 or pos == "end" else [*inserted, hard]
            article = [{"text": p, "label": "hard_negative" if norm(p) in negative_texts else "article",
                        "kind": "article"} for p in paras]
            lines = article[:at] + inserted + article[at:]
            samples.append({"id": f"{block['block_id']}:{pos}", "fold": fold, "block_id": block["block_id"],
                            "site": block["site"], "source": block["source"], "host": host["id"],
                            "host_url": host["url"], "host_html": host["html_file"], "position": pos,
                            "lang": block["lang"], "kind": block["kind"], "at": at,
                            "inserted": inserted, "lines": lines})
    return samples


def sample_text(sample: dict) -> str:
    return "\n".join(x["text"] for x in sample["lines"])


def _paragraph_element(root, para: str):
    """The first element, in document order, whose text is the paragraph."""
    want = norm(para)
    for el in root.iter("p", "div", "h2", "h3", "li", "blockquote"):
        if norm(el.text_content()) == want:
            return el
    return None


def _insertion_point(root, paras: list[str], at: int) -> tuple | None:
    """(parent, index) for the inserted lines: before the element of the
    paragraph after the insertion point, else after the one before it.

    Before, not after: a page's first paragraph is often its standfirst, set
    in the header outside the article body, where no site puts an offer and
    no extractor looks (trafilatura left out a tenth of the hard negatives
    put there, beside the block)."""
    following = _paragraph_element(root, paras[at]) if at < len(paras) else None
    if following is not None and following.getparent() is not None:
        parent = following.getparent()
        return parent, parent.index(following)
    anchor = _paragraph_element(root, paras[at - 1]) if at > 0 else None
    if anchor is None or anchor.getparent() is None:
        return None
    parent = anchor.getparent()
    return parent, parent.index(anchor) + 1


# Where each source's pages are: manifest and folder, by the block's `source`.
_SOURCE_PAGES = {"fundus": ("fundus", "ground_truth.jsonl"),
                 "trafilatura-eval": ("trafilatura-eval", "ground_truth.jsonl"),
                 "trafilatura-eval-dom": ("trafilatura-eval", "ground_truth.jsonl"),
                 "postlight-parser": ("postlight-parser", "pages.jsonl")}
_PAGE_FILES: dict[tuple[str, str], dict[str, str]] = {}


def _source_page(corpus: Path, source: str, page_id: str):
    """The parsed page a block was harvested from, or None."""
    if source not in _SOURCE_PAGES:
        return None
    folder, manifest = _SOURCE_PAGES[source]
    key = (str(corpus), folder)
    if key not in _PAGE_FILES:
        _PAGE_FILES[key] = {p["id"]: p["html_file"] for p in read_jsonl(corpus / folder / manifest)}
    html_file = _PAGE_FILES[key].get(page_id)
    return parse(read_gz(corpus / folder / html_file)) if html_file else None


def block_element(corpus: Path, sample: dict):
    """The element of its own page that the block was harvested from, or None:
    the outermost one whose lines, as the harvester reads them, are the
    block's lines (the fundus harvester takes the outermost such container,
    so its wrappers' class names, `hidden` marks and dialog roles come with
    it); else the smallest one holding every line of the block and not many
    more (a trafilatura-eval snippet grown to its smallest block)."""
    root = _source_page(corpus, sample["source"], sample["block_id"].split(":", 1)[1].rsplit(":", 1)[0])
    if root is None or root.find("body") is None:
        return None
    want = [x["text"] for x in sample["inserted"] if x["label"] == "offer"]
    best, best_len, outer = None, None, None
    for el in root.find("body").iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style", "a", "span", "br"):
            continue
        lines = text_lines(el)
        if len(lines) < len(want) or len(lines) > len(want) + 2 or not set(want) <= set(lines):
            continue
        if outer is None and lines == want:
            outer = el  # document order: ancestors first
        size = len(lxml.html.tostring(el))
        if best is None or size < best_len:
            best, best_len = el, size
    return outer if outer is not None else best


def render_markup(sample: dict, corpus: Path, original: bool = False,
                  host_html: str | None = None) -> tuple[str, str] | None:
    """(host html, html with the inserted lines at the insertion point), or
    None when the host markup has no element for the paragraphs beside it.

    The block as `<p>` paragraphs, the way the seed's site sets it; with
    `original`, as its own site marked it up (the harvested element with its
    forms, buttons and attributes; None when it is not found), for the DOM
    signals. The hard negative is a `<p>` beside it either way. `host_html`:
    the host page to use instead of the corpus file (the markup gate's
    fixtures pass it with scripts and styles taken out)."""
    html = host_html if host_html is not None else read_gz(corpus / "fundus" / sample["host_html"])
    root = parse(html)
    if root is None:
        return None
    paras = [x["text"] for x in sample["lines"] if x not in sample["inserted"]]
    point = _insertion_point(root, paras, sample["at"])
    if point is None:
        return None
    block = None
    if original:
        found = block_element(corpus, sample)
        if found is None:
            return None
        block = copy.deepcopy(found)
        block.tail = None
    parent, index = point
    previous = parent[index - 1] if index > 0 else None
    new = []
    for line in sample["inserted"]:
        if line["label"] == "offer" and block is not None:
            if not any(x is block for x in new):
                new.append(block)
            continue
        p = lxml.html.Element("p")
        p.text = line["text"]
        new.append(p)
    # The text that followed the element before the block follows the block.
    if previous is not None and previous.tail and previous.tail.strip():
        new[-1].tail, previous.tail = previous.tail, None
    for k, p in enumerate(new):
        parent.insert(index + k, p)
    return html, lxml.html.tostring(root, encoding="unicode")


def markup_key(line: str) -> str:
    """A line as compared on the markup path: normalised (harvest.norm), NFC,
    without format characters (soft hyphens, zero-width spaces), which
    trafilatura drops: a labelled line holding one was found in no output and
    counted as removed (an offer line) or lost (a hard negative)."""
    text = unicodedata.normalize("NFC", line)
    return norm("".join(ch for ch in text if unicodedata.category(ch) != "Cf"))


def in_body(line: str, paragraph_keys: list[str]) -> bool:
    """Whether an extracted line (markup_key) is one of the host's
    ground-truth paragraphs, whole or a part of one (a list item without the
    extractor's "- ")."""
    line = line.removeprefix("- ").strip()
    return len(line) >= 2 and any(line == p or line in p or (p in line and len(line) <= len(p) + 40)
                                  for p in paragraph_keys)


def copy_sample(sample: dict) -> dict:
    return copy.deepcopy(sample)

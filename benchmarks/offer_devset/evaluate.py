"""Leave-one-source-out evaluation of offer stripping on the development set.

    .venv/bin/python -m benchmarks.offer_devset.evaluate [--paths text,markup] [--jobs 2] [--limit N]
        [--stride N] [--render p|original]

Group k-fold by site (5 folds, compose.fold_of): for each fold a model is
trained on the other folds' samples (train.train_model) and scores only this
fold's samples, whose blocks, hosts and inserted hard negatives all come from
sites it never saw. Reported per kind of block, per language and overall:

* offer lines removed, article lines kept, hard negatives kept, and the share
  of articles with every offer line gone;
* text path: `strip_offers` on the text, as `newsdesk clean` runs it;
* markup path: `process_html` on the host page with the block rendered as
  `<p>` paragraphs, as `newsdesk extract` runs it; article lines are those the
  same code extracts from the unmodified page (so extraction misses do not
  count against stripping) that are in the host's ground-truth body, as on
  the text path; the other lines it extracts there (headings, bylines, source
  lists) are counted apart; plain trafilatura is measured the same way;
  `--render original` sets the block as its own site marked it up (its
  harvested element, forms and attributes included) instead of `<p>`, where
  the DOM signals act (`--stride 5` samples every position and source);
* "before": the lexicon rules alone (no model), on the same samples.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections import defaultdict
from multiprocessing import Pool
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

# train (scikit-learn) is imported where a model is trained or the corpus read:
# the markup CI gate (tests/test_offer_gate_markup.py) imports this module
# for its line matching, and CI does not install the train extra.
from benchmarks.offer_devset import compose  # noqa: E402
from benchmarks.offer_devset.compose import in_body, markup_key  # noqa: E402
from pipelines import offer_classifier as oc  # noqa: E402
from pipelines.offers_text import strip_offers  # noqa: E402

MODEL_CACHE = Path(os.environ.get("NEWSDESK_OFFER_FOLD_CACHE") or "/tmp/newsdesk-offer-folds")


_SAMPLES: list[dict] = []


def _train_fold(fold: int) -> None:
    from benchmarks.offer_devset import train

    model = train.train_model([s for s in _SAMPLES if s["fold"] != fold], meta={"left_out_fold": fold})
    model.save(MODEL_CACHE / f"fold{fold}.npz")


def fold_models(samples: list[dict], retrain: bool = False, jobs: int = 1) -> dict[int, oc.OfferModel]:
    """One model per fold, trained without that fold's sites (cached on disk)."""
    MODEL_CACHE.mkdir(parents=True, exist_ok=True)
    todo = [f for f in range(compose.FOLDS) if retrain or not (MODEL_CACHE / f"fold{f}.npz").exists()]
    _SAMPLES[:] = samples
    if todo and jobs > 1:
        with Pool(jobs) as pool:
            pool.map(_train_fold, todo)
    else:
        for f in todo:
            _train_fold(f)
    return {f: oc.OfferModel.load(MODEL_CACHE / f"fold{f}.npz") for f in range(compose.FOLDS)}


def kept_flags(lines: list[str], body: str) -> list[bool]:
    """Which input lines are in the output, in order (stripping only removes lines)."""
    out = [x.strip() for x in body.split("\n") if x.strip()]
    flags, j = [], 0
    for line in lines:
        if j < len(out) and out[j] == line.strip():
            flags.append(True)
            j += 1
        else:
            flags.append(False)
    return flags


class Tally:
    def __init__(self):
        self.c = defaultdict(lambda: [0, 0])

    def add(self, key: str, ok: bool):
        self.c[key][0] += bool(ok)
        self.c[key][1] += 1

    def ratio(self, key: str) -> str:
        a, b = self.c.get(key, (0, 0))
        return f"{a / b:.3f}" if b else "–"

    def count(self, key: str) -> int:
        return self.c.get(key, (0, 0))[1]


def score_sample(t: Tally, sample: dict, kept: list[bool]) -> None:
    """Count one sample's lines (kept[k] for sample['lines'][k])."""
    groups = ["all", f"lang:{sample['lang']}"] + ([f"kind:{sample['kind']}"] if sample["kind"] else [])
    clean = True
    for line, k in zip(sample["lines"], kept, strict=True):
        if line["label"] == "offer":
            for g in ("all", f"lang:{sample['lang']}", f"kind:{line['kind']}"):
                t.add(f"offer|{g}", not k)
            clean = clean and not k
        elif line["label"] == "hard_negative":
            for g in groups:
                t.add(f"neg|{g}", k)
        elif line["label"] == "other_article":
            t.add("other|all", k)
        else:
            for g in groups:
                t.add(f"art|{g}", k)
    if sample["inserted"]:
        for g in groups:
            t.add(f"clean|{g}", clean)


# -- text path --------------------------------------------------------------

def run_text(samples: list[dict], models: dict[int, oc.OfferModel | None], misses: list | None = None,
             low: float | None = None) -> Tally:
    t = Tally()
    for s in samples:
        lines = [x["text"] for x in s["lines"]]
        model = models[s["fold"]]
        if model is not None and low is not None:
            model.low_threshold = low
        with oc.use_model(model):
            body = strip_offers("\n".join(lines)).body
        kept = kept_flags(lines, body)
        score_sample(t, s, kept)
        if misses is not None:
            misses.extend((s["id"], x["label"], x["kind"], x["text"]) for x, k in zip(s["lines"], kept, strict=True)
                          if (x["label"] == "offer") == k)
    return t


# -- markup path ------------------------------------------------------------

def extracted_lines(name: str, html: str, url: str) -> list[str]:
    """One extractor's output lines for a page, as the markup path compares
    them (markup_key): "newsdesk" is `process_html`, as `newsdesk extract`
    runs it; "trafilatura" is plain trafilatura."""
    if name == "newsdesk":
        from crawlers.offline import process_html

        body = (process_html(html, url) or {}).get("body") or ""
    else:
        import trafilatura

        body = trafilatura.extract(html, url=url) or ""
    return [markup_key(x) for x in body.split("\n") if x.strip()]


def _markup_job(args) -> dict | None:
    sample, corpus, model_path, original = args
    rendered = compose.render_markup(sample, Path(corpus), original)
    if rendered is None:
        return None
    host_html, html = rendered
    model = oc.OfferModel.load(Path(model_path)) if model_path else None
    out = {}
    for name in ("newsdesk", "trafilatura"):
        with oc.use_model(model):
            base = extracted_lines(name, host_html, sample["host_url"])
            got = extracted_lines(name, html, sample["host_url"])
        out[name] = {"base": base, "got": got}
    return {"id": sample["id"], **out}


def markup_sample(sample: dict, base: list[str]) -> dict:
    """The sample as one extractor sees it: article lines are what it found
    on the unmodified page (`base`, markup_key) that is in the host's
    ground-truth body (the text path's article lines); the rest it found
    there (headings, bylines, source lists, credits, teasers) counts as other
    lines; inserted lines as labelled."""
    paragraphs = [markup_key(x["text"]) for x in sample["lines"] if x["label"] != "offer" and x not in sample["inserted"]]
    lines = [{"text": b, "label": "article" if in_body(b, paragraphs) else "other_article", "kind": "article"}
             for b in base] + sample["inserted"]
    return {**sample, "lines": lines}


# A labelled line inside a longer output line counts as kept when the rest of
# that line is its neighbours' text (the extractor joined a block's fragments:
# "Sign up", "here", "." -> "Sign up here.") or, for a line of _LONG_KEY+
# characters, at most _EXTRA_CHARS more. Without the neighbour test a fragment
# (".", "o", "The") was "found" in any short output line holding it.
_NEIGHBOURS = 3
_LONG_KEY = 20
_EXTRA_CHARS = 40
_NON_WORD = re.compile(r"[\W_]+")


def _inserted(line: dict) -> bool:
    return line["label"] in ("offer", "hard_negative")


def markup_kept(lines: list[dict], got: list[str]) -> list[bool]:
    """Which labelled lines are in an extractor's output lines (`got`, markup_key).

    A line is kept when an output line is the line, or holds it and nothing
    else but its neighbours in `lines` (up to _NEIGHBOURS each side, of the
    same group: inserted or found on the host) and punctuation, or holds a
    line of _LONG_KEY+ characters with at most _EXTRA_CHARS more."""
    keys = [markup_key(x["text"]) for x in lines]
    exact = set(got)
    kept = []
    for i, key in enumerate(keys):
        if not key or key in exact:
            kept.append(bool(key))
            continue
        near = sorted((j for j in range(max(0, i - _NEIGHBOURS), min(len(keys), i + _NEIGHBOURS + 1))
                       if j != i and keys[j] and _inserted(lines[j]) == _inserted(lines[i])),
                      key=lambda j: abs(j - i))
        found = False
        for out in got:
            if key not in out:
                continue
            rest = out.replace(key, " ", 1)
            for j in near:
                if keys[j] in rest:
                    rest = rest.replace(keys[j], " ", 1)
            if not _NON_WORD.sub("", rest) or (len(key) >= _LONG_KEY and len(out) <= len(key) + _EXTRA_CHARS):
                found = True
                break
        kept.append(found)
    return kept


def markup_lines(sample: dict, result: dict, name: str) -> tuple[dict, list[bool]]:
    """markup_sample and markup_kept for one extractor's result."""
    s2 = markup_sample(sample, result[name]["base"])
    return s2, markup_kept(s2["lines"], result[name]["got"])


def run_markup(samples: list[dict], corpus: Path, model_paths: dict[int, str | None], jobs: int,
               original: bool = False):
    work = [(s, str(corpus), model_paths[s["fold"]], original) for s in samples if s["inserted"]]
    if jobs > 1:
        with Pool(jobs) as pool:
            results = pool.map(_markup_job, work, chunksize=4)
    else:
        results = [_markup_job(w) for w in work]
    tallies = {"newsdesk": Tally(), "trafilatura": Tally()}
    rendered = 0
    for (sample, *_), res in zip(work, results, strict=True):
        if res is None:
            continue
        rendered += 1
        for name, t in tallies.items():
            s2, kept = markup_lines(sample, res, name)
            score_sample(t, s2, kept)
    return tallies, rendered


def all_lines_kept(t: Tally) -> str:
    a = t.c.get("art|all", [0, 0])
    o = t.c.get("other|all", [0, 0])
    total = a[1] + o[1]
    return f"{(a[0] + o[0]) / total:.3f} ({total})" if total else "–"


# -- report -----------------------------------------------------------------

def table(rows: list[tuple[str, Tally]], groups: list[str]) -> str:
    head = "| group | system | offer lines removed | article lines kept | hard negatives kept | articles fully clean |"
    out = [head, "|---|---|---|---|---|---|"]
    for g in groups:
        for name, t in rows:
            if not t.count(f"offer|{g}") and not t.count(f"art|{g}"):
                continue
            out.append(f"| {g.split(':')[-1]} | {name} | {t.ratio(f'offer|{g}')} ({t.count(f'offer|{g}')}) "
                       f"| {t.ratio(f'art|{g}')} | {t.ratio(f'neg|{g}')} ({t.count(f'neg|{g}')}) "
                       f"| {t.ratio(f'clean|{g}')} ({t.count(f'clean|{g}')}) |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=None, help="default: ../shared/corpus (env NEWSDESK_CORPUS)")
    ap.add_argument("--paths", default="text,markup")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--limit", type=int, default=None, help="markup path: first N samples per fold")
    ap.add_argument("--stride", type=int, default=1, help="markup path: every Nth sample of a fold (before --limit)")
    ap.add_argument("--render", choices=("p", "original"), default="p",
                    help="markup path: the block as <p> paragraphs, or as its own site marked it up")
    ap.add_argument("--retrain", action="store_true", help="retrain the fold models")
    ap.add_argument("--json", help="write the tallies here")
    ap.add_argument("--low", default="", help="text path: also try these low thresholds (comma-separated)")
    ap.add_argument("--no-before", action="store_true", help="skip the lexicon-only run")
    ap.add_argument("--misses", type=int, default=0, help="text path: list N wrong decisions")
    args = ap.parse_args(argv)
    from benchmarks.offer_devset import train

    corpus = Path(args.corpus or train.DEFAULT_CORPUS)
    samples, plain = train.all_samples(corpus)
    everything = samples + plain
    models = fold_models(everything, args.retrain, args.jobs)
    for f, m in models.items():
        print(f"fold {f}: thresholds seed {m.threshold:.3f} low {m.low_threshold:.3f} guard {m.guard_threshold:.3f} block {m.block_low:.2f}/{m.block_mean:.2f} grow {m.grow_sentence:.2f} heading {m.heading_guard:.3f} sandwich {m.sandwich_words} lead {m.lead_heading:.2f} tail {m.tail_line:.2f} carry {m.continuations} agreeing {m.agreeing_seed:.2f}"
              f", inner held-out {m.meta.get('held_out_inner')}")
    kinds = sorted({s["kind"] for s in samples})
    langs = sorted({s["lang"] for s in samples})
    groups = ["all"] + [f"kind:{k}" for k in kinds] + [f"lang:{x}" for x in langs]
    report = {}
    print(f"{len(samples)} samples with a block ({len({s['block_id'] for s in samples})} blocks, "
          f"{len({s['site'] for s in samples})} sites), {len(plain)} plain hosts; folds by site: {compose.FOLDS}")
    if "text" in args.paths:
        before = run_text(everything, {f: None for f in range(compose.FOLDS)}) if not args.no_before else Tally()
        misses: list = []
        after = run_text(everything, models, misses)
        for low in [float(x) for x in args.low.split(",") if x]:
            variant = run_text(everything, models, None, low)
            print(f"low threshold {low}: " + " ".join(f"{k} {variant.ratio(k + '|all')}" for k in ("offer", "art", "neg", "clean")))
        print("\n## text path (strip_offers, as `newsdesk clean`), leave-one-source-out\n")
        print(table([("before (lexicon)", before), ("after (LOSO model)", after)], groups))
        print(f"\npostlight-parser article lines kept (lists, code, captions): before {before.ratio('other|all')}, "
              f"after {after.ratio('other|all')} ({after.count('other|all')})")
        report["text"] = {"before": before.c, "after": after.c}
        for sid, label, kind, text in misses[: args.misses]:
            print(f"  {'kept offer' if label == 'offer' else 'dropped ' + label}: {kind} | {sid} | {text[:110]}")
    if "markup" in args.paths:
        chosen = samples
        if args.limit or args.stride > 1:
            chosen = [s for f in range(compose.FOLDS)
                      for s in [x for x in samples if x["fold"] == f][:: args.stride][: args.limit]]
        original = args.render == "original"
        paths = {f: str(MODEL_CACHE / f"fold{f}.npz") for f in range(compose.FOLDS)}
        after, n_after = run_markup(chosen, corpus, paths, args.jobs, original)
        before = ({"newsdesk": Tally()} if args.no_before else
                  run_markup(chosen, corpus, {f: None for f in range(compose.FOLDS)}, args.jobs, original)[0])
        print(f"\n## markup path (process_html, as `newsdesk extract`; blocks {'as their sites marked them up' if original else 'as <p>'}),"
              f" {n_after} pages rendered, LOSO\n")
        print(table([("trafilatura", after["trafilatura"]), ("before (lexicon)", before["newsdesk"]),
                     ("after (LOSO model)", after["newsdesk"])], groups))
        print("\nother extracted lines kept (headings, bylines, source lists, credits: what each extractor finds "
              "on the unmodified page beyond the ground-truth body): "
              + ", ".join(f"{n} {t.ratio('other|all')} ({t.count('other|all')})" for n, t in
                          (("trafilatura", after["trafilatura"]), ("before", before["newsdesk"]),
                           ("after", after["newsdesk"])))
              + "; all extracted lines kept, after: "
              + all_lines_kept(after["newsdesk"]))
        report["markup"] = {"before": before["newsdesk"].c, "after": after["newsdesk"].c,
                            "trafilatura": after["trafilatura"].c}
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

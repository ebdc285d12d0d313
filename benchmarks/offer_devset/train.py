"""Train the offer-line classifier (pipelines/offer_model.npz) from the development set.

    .venv/bin/python -m benchmarks.offer_devset.train [--corpus DIR] [--out FILE]

Trains on every site (the shipped model); `evaluate.py` calls `train_model`
once per fold, leaving that fold's sites out. Needs scikit-learn (the `train`
extra); the run time needs only numpy and the stored weights.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from scipy import sparse  # noqa: E402
from sklearn.ensemble import HistGradientBoostingClassifier  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

from benchmarks.offer_devset import compose  # noqa: E402
from pipelines import offer_classifier as oc  # noqa: E402
from pipelines import offers_text as offers  # noqa: E402

DEFAULT_CORPUS = Path(os.environ.get("NEWSDESK_CORPUS") or Path(__file__).resolve().parents[3] / "shared" / "corpus")
# Site-grouped average precision of the text model alone rises with C (2: 0.828,
# 32: 0.848), but at 32 the other sources' list and menu lines score high and
# the leave-one-source-out figures drop (0.887 / 0.677 against 0.901 / 0.747).
TEXT_C = 2.0
CONTEXT_C = 1.0
INNER_FOLDS = 3
CONTEXT_LEARNER = os.environ.get("NEWSDESK_OFFER_CONTEXT", "trees")
TREE_ROUNDS = int(os.environ.get("NEWSDESK_OFFER_TREE_ROUNDS", "200"))
TREE_LEAVES = int(os.environ.get("NEWSDESK_OFFER_TREE_LEAVES", "15"))
TREE_DEPTH = 6


def plain_hosts(hosts: list[dict]) -> list[dict]:
    """Hosts without any insertion: most articles carry no offer in their text."""
    return [{"id": f"plain:{h['id']}", "fold": h["fold"], "site": h["site"], "lang": h["lang"],
             "kind": None, "position": None, "inserted": [], "host": h["id"],
             "lines": [{"text": p, "label": "article", "kind": "article"} for p in h["paras"]]} for h in hosts]


def sample_views(samples: list[dict]):
    """Per sample: lines, labels (1 = offer), lexicon kinds and rule drops, site."""
    views = []
    for s in samples:
        lines = [x["text"] for x in s["lines"]]
        kinds = [offers.classify_line(line, None) for line in lines]
        views.append((lines, np.array([x["label"] == "offer" for x in s["lines"]], dtype=np.int8),
                      [k for k, _ in kinds], offers.mark_offers(kinds), s["site"]))
    return views


# Candidate thresholds (seed, low, guard); the first pair of floors is what the
# issue asks of article lines and hard negatives, held on held-out sites.
SEEDS = (0.6, 0.75, 0.85, 0.9, 0.95, 0.97, 0.99)
LOWS = (0.5,)
# A report or a lone heading between sentences stays whatever the model says
# (1.01: never): on held-out inner sites 0.9 looked better, but the dev set has
# few short article paragraphs, and tests/test_offers.py's reports went.
GUARDS = (1.01,)
ARTICLE_FLOOR = 0.996
NEGATIVE_FLOOR = 0.99
# Lists, code and captions of other sources' articles (postlight-parser): their
# short lines hold page clutter too ("Read More"), which may go. This floor
# binds the seed at 0.99 in three of five folds; at 0.96 the dev set gained
# (0.947 offer lines removed, 0.872 clean) but trafilatura-eval lost 26 short
# content lines ("286,35 €", "The takeaway"): docs/quality.md, 2026-12-03.
OTHER_ARTICLE_FLOOR = 0.98
# About 9 of the 2,200-2,500 such lines of a fold's inner sites. At 0.002
# (4 lines) one line of one site's list decided: fold 4's inner sites
# refused every edge rule for 1 line of 2,216 (2026-12-03, evening).
OTHER_ARTICLE_SLACK = 0.004


# The block stage's candidates (oc.offer_blocks), chosen after the line thresholds.
BLOCK_LOWS = (0.4, 0.5, 0.6)
BLOCK_MEANS = (0.6, 0.65, 0.7, 0.75, 0.8)
BLOCK_LINES = 2
GROW_SENTENCES = (0.8, 0.9)
# A lone heading between sentences (the stage that keeps "Subscription
# prices" as an article's section title) goes when the model is this sure.
HEADING_GUARDS = (0.8, 0.85, 0.9, 0.95, 0.99)
# The edges of a dropped block (oc.Thresholds.sandwich_words / lead_heading).
SANDWICH_WORDS = (12, 25, 40, 60)
LEAD_HEADINGS = (0.1, 0.2, 0.3, 0.5)
# ... and the lines under it (oc.Thresholds.continuations / tail_line).
TAIL_LINES = (0.3, 0.5, 0.7)
# Last, lines both models lean towards (oc.Thresholds.agreeing_seed).
AGREEING_SEEDS = (0.85, 0.9, 0.95)


def choose_thresholds(samples: list[dict], views, shapes, probs, text_probs) -> tuple[oc.Thresholds, dict]:
    """The thresholds that remove most offer lines (and clean most articles)
    while keeping ARTICLE_FLOOR of article lines and NEGATIVE_FLOOR of hard
    negatives, judged on context and text scores from models that did not see
    the line's site (inner folds): the decisions as a new site will meet them.
    The line thresholds first (no block stage), then the block stage's on top."""
    candidates = [oc.Thresholds(seed, low, guard) for seed in SEEDS for low in LOWS if low <= seed for guard in GUARDS]
    limits, stats = _best_limits(candidates, samples, views, shapes, probs, text_probs)
    scored = (samples, views, shapes, probs, text_probs)
    # Where the line stage alone cannot keep OTHER_ARTICLE_FLOOR of the other
    # sources' lines (a site's menus among them), the later stages may not
    # lose more of them than it does, give or take OTHER_ARTICLE_SLACK.
    floors = (ARTICLE_FLOOR, NEGATIVE_FLOOR,
              min(OTHER_ARTICLE_FLOOR, stats["other_article_kept"] - OTHER_ARTICLE_SLACK))
    blocks = [replace(limits, block_low=block_low, block_mean=block_mean, block_lines=BLOCK_LINES)
              for block_low in BLOCK_LOWS for block_mean in BLOCK_MEANS]
    limits, stats = _better(limits, stats, blocks, scored, floors)
    limits, stats = _better(limits, stats, [replace(limits, grow_sentence=g) for g in GROW_SENTENCES], scored, floors)
    limits, stats = _better(limits, stats, [replace(limits, heading_guard=g) for g in HEADING_GUARDS], scored, floors)
    limits, stats = _better(limits, stats, [replace(limits, sandwich_words=w) for w in SANDWICH_WORDS], scored, floors)
    limits, stats = _better(limits, stats, [replace(limits, lead_heading=h) for h in LEAD_HEADINGS], scored, floors)
    limits, stats = _better(limits, stats, [replace(limits, continuations=True)], scored, floors)
    limits, stats = _better(limits, stats, [replace(limits, tail_line=t) for t in TAIL_LINES], scored, floors)
    return _better(limits, stats, [replace(limits, agreeing_seed=a) for a in AGREEING_SEEDS], scored, floors)


def _better(limits, stats, candidates, scored, floors) -> tuple[oc.Thresholds, dict]:
    """The best of the candidates when it keeps the floors and does better than `limits`."""
    best, best_stats = _best_limits(candidates, *scored, floors=floors)
    if best_stats["ok"] and (not stats["ok"] or best_stats["score"] > stats["score"]):
        return best, best_stats
    return limits, stats


def _tally(limits, samples, views, shapes, probs, text_probs) -> np.ndarray:
    """Counts of one candidate's decisions: offer lines dropped/all, hard negatives
    kept/all, article lines kept/all, clean samples/all, other articles' lines kept/all."""
    t = np.zeros(10)
    for s, (lines, _, kinds, rule_drop, _), sh, p, tp in zip(samples, views, shapes, probs, text_probs, strict=True):
        drop, _ = oc.decide_from_scores(p, lines, sh, kinds, rule_drop, offers.ShapePatterns, limits, tp)
        clean = True
        for x, d in zip(s["lines"], drop, strict=True):
            if x["label"] == "offer":
                t[0] += d
                t[1] += 1
                clean = clean and d
            elif x["label"] == "hard_negative":
                t[2] += not d
                t[3] += 1
            elif x["label"] == "other_article":
                t[8] += not d
                t[9] += 1
            else:
                t[4] += not d
                t[5] += 1
        if s["inserted"]:
            t[6] += clean
            t[7] += 1
    return t


def _best_limits(candidates, samples, views, shapes, probs, text_probs,
                 floors=(ARTICLE_FLOOR, NEGATIVE_FLOOR, OTHER_ARTICLE_FLOOR)) -> tuple[oc.Thresholds, dict]:
    best, best_key, best_stats = None, None, {}
    for limits in candidates:
        t = _tally(limits, samples, views, shapes, probs, text_probs)
        recall, neg, art, clean = (t[0] / max(t[1], 1), t[2] / max(t[3], 1), t[4] / max(t[5], 1),
                                   t[6] / max(t[7], 1))
        other = t[8] / max(t[9], 1)
        # Within the floors: most offer lines removed and articles clean; when
        # no candidate keeps them all, the one that misses them by least.
        shortfall = max(0.0, floors[0] - art) + max(0.0, floors[1] - neg) + max(0.0, floors[2] - other)
        ok = shortfall == 0.0
        key = (ok, recall + clean if ok else -shortfall)
        if best_key is None or key > best_key:
            best, best_key = limits, key
            best_stats = {"offer_removed": round(float(recall), 4), "article_kept": round(float(art), 4),
                          "negative_kept": round(float(neg), 4), "clean": round(float(clean), 4),
                          "other_article_kept": round(float(other), 4), "ok": bool(ok), "score": round(float(key[1]), 4)}
    return best, best_stats


def _text_matrix(lines: list[str]) -> sparse.csr_matrix:
    rows, cols, values = oc.ngram_matrix_parts(lines)
    return sparse.csr_matrix((values, (rows, cols)), shape=(len(lines), 1 << oc.HASH_BITS))


def _fit_text(lines: list[str], labels: np.ndarray) -> tuple[np.ndarray, float]:
    clf = LogisticRegression(C=TEXT_C, class_weight="balanced", max_iter=2000, solver="liblinear")
    clf.fit(_text_matrix(lines), labels)
    return clf.coef_[0].astype(np.float64), float(clf.intercept_[0])


def _unique_lines(views) -> tuple[list[str], np.ndarray, list[str]]:
    seen: dict[str, tuple[int, str]] = {}
    for lines, labels, _, _, site in views:
        for line, y in zip(lines, labels, strict=True):
            if line not in seen:
                seen[line] = (int(y), site)
    texts = list(seen)
    return texts, np.array([seen[t][0] for t in texts], dtype=np.int8), [seen[t][1] for t in texts]


def _out_of_fold_text_logits(views) -> dict[str, float]:
    """Text logits for every training line from text models that did not see
    its site (the context model must learn how far to trust them on new sites)."""
    texts, labels, sites = _unique_lines(views)
    fold = np.array([compose.fold_of(s + "#inner") % INNER_FOLDS for s in sites])
    out: dict[str, float] = {}
    known = set(texts)
    for f in range(INNER_FOLDS):
        train, test = fold != f, fold == f
        if not test.any() or len(set(labels[train])) < 2:
            continue
        w, b = _fit_text([t for t, m in zip(texts, train, strict=True) if m], labels[train])
        held = [t for t, m in zip(texts, test, strict=True) if m]
        # ... and the sentences of the held-out lines, for the clause features
        # (one that is also a line keeps the line's own held-out logit).
        held += [p for t in held for p in oc.clauses(t) if p not in known]
        out.update(zip(held, oc.linear_text_logits(held, w, b).tolist(), strict=True))
    return out


def _fit_trees(x: np.ndarray, y: np.ndarray) -> oc.TreeEnsemble:
    clf = HistGradientBoostingClassifier(max_iter=TREE_ROUNDS, learning_rate=0.1, max_leaf_nodes=TREE_LEAVES,
                                         max_depth=TREE_DEPTH, min_samples_leaf=40, l2_regularization=1.0,
                                         class_weight="balanced", early_stopping=False, random_state=0)
    clf.fit(x, y)
    trees = tree_ensemble(clf)
    # The export reads scikit-learn's private predictor arrays: check it scores as the library does.
    probe = x[:: max(1, len(x) // 2000)]
    if not np.allclose(trees.raw(probe), clf.decision_function(probe), atol=1e-6):
        raise RuntimeError("exported trees do not match scikit-learn's scores")
    return trees


def tree_ensemble(clf: HistGradientBoostingClassifier) -> oc.TreeEnsemble:
    """The fitted binary classifier's trees as flat arrays (oc.TreeEnsemble)."""
    parts, offset = [], 0
    for (predictor,) in clf._predictors:
        nodes = predictor.nodes
        m = len(nodes)
        leaf = nodes["is_leaf"].astype(bool)
        own = np.arange(m) + offset
        value = nodes["value"].astype(np.float64).copy()
        count = nodes["count"].astype(np.float64)
        # Inner nodes: the count-weighted mean of their children (children follow parents).
        for i in range(m - 1, -1, -1):
            if not leaf[i]:
                left, right = nodes["left"][i], nodes["right"][i]
                value[i] = (value[left] * count[left] + value[right] * count[right]) / max(count[i], 1.0)
        parts.append((np.where(leaf, -1, nodes["feature_idx"]).astype(np.int32),
                      nodes["num_threshold"].astype(np.float64),
                      np.where(leaf, own, nodes["left"].astype(np.int64) + offset).astype(np.int32),
                      np.where(leaf, own, nodes["right"].astype(np.int64) + offset).astype(np.int32),
                      value, int(nodes["depth"].max()), offset))
        offset += m
    return oc.TreeEnsemble(
        feature=np.concatenate([p[0] for p in parts]), threshold=np.concatenate([p[1] for p in parts]),
        left=np.concatenate([p[2] for p in parts]), right=np.concatenate([p[3] for p in parts]),
        value=np.concatenate([p[4] for p in parts]), roots=np.array([p[6] for p in parts], dtype=np.int32),
        depth=max(p[5] for p in parts), baseline=float(np.ravel(clf._baseline_prediction)[0]))


def _standardise(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    return mean, scale


def train_model(samples: list[dict], meta: dict | None = None) -> oc.OfferModel:
    views = sample_views(samples)
    texts, labels, _ = _unique_lines(views)
    text_w, text_b = _fit_text(texts, labels)
    oof = _out_of_fold_text_logits(views)
    feats, ys, all_shapes = [], [], []
    for lines, y, kinds, rule_drop, _ in views:
        logits = np.array([oof.get(line, 0.0) for line in lines])
        shapes = [oc.line_shape(line, offers.ShapePatterns) for line in lines]
        all_shapes.append(shapes)
        clause = oc.clause_logits(logits, lines, lambda parts: np.array([oof.get(p, 0.0) for p in parts]))
        feats.append(oc.context_features(logits, shapes, kinds, rule_drop, clause))
        ys.append(y)
    x, y = np.vstack(feats), np.concatenate(ys)
    mean, scale = _standardise(x)
    z = (x - mean) / scale
    ctx = LogisticRegression(C=CONTEXT_C, class_weight="balanced", max_iter=5000).fit(z, y)
    trees = _fit_trees(x, y) if CONTEXT_LEARNER == "trees" else None
    # Context scores from models that did not see the sample's site, to choose
    # the thresholds on (scores on the training lines themselves are too sure).
    sample_fold = np.array([compose.fold_of(v[4] + "#inner") % INNER_FOLDS for v in views])
    row_fold = np.repeat(sample_fold, [len(v[0]) for v in views])
    held_probs = np.zeros(len(y))
    for f in range(INNER_FOLDS):
        train, test = row_fold != f, row_fold == f
        if not test.any() or len(set(y[train])) < 2:
            continue
        if trees is not None:
            held_probs[test] = oc.sigmoid(_fit_trees(x[train], y[train]).raw(x[test]))
        else:
            inner = LogisticRegression(C=CONTEXT_C, class_weight="balanced", max_iter=5000).fit(z[train], y[train])
            held_probs[test] = inner.predict_proba(z[test])[:, 1]
    bounds = np.cumsum([0] + [len(v[0]) for v in views])
    per_sample = [held_probs[bounds[i]:bounds[i + 1]] for i in range(len(views))]
    held_text = [oc.sigmoid(np.array([oof.get(line, 0.0) for line in v[0]])) for v in views]
    limits, held_stats = choose_thresholds(samples, views, all_shapes, per_sample, held_text)
    return oc.OfferModel(
        text_weights=text_w, text_bias=text_b,
        context_weights=ctx.coef_[0].astype(np.float64), context_bias=float(ctx.intercept_[0]),
        context_mean=mean, context_scale=scale,
        threshold=limits.seed, low_threshold=limits.low, guard_threshold=limits.guard,
        block_low=limits.block_low, block_mean=limits.block_mean, block_lines=limits.block_lines,
        grow_sentence=limits.grow_sentence, heading_guard=limits.heading_guard,
        sandwich_words=limits.sandwich_words, lead_heading=limits.lead_heading, tail_line=limits.tail_line,
        continuations=limits.continuations, agreeing_seed=limits.agreeing_seed, context_trees=trees,
        meta={"hash_bits": oc.HASH_BITS, "lines": int(len(y)), "offer_lines": int(y.sum()),
              "samples": len(samples), "held_out_inner": held_stats, **(meta or {})},
    )


def plain_articles(articles: list[dict]) -> list[dict]:
    """Article texts of other sources (lists, code, captions: short lines that
    are not offers), without any insertion."""
    return [{"id": f"article:{a['source']}:{a['page_id']}", "fold": compose.fold_of(a["site"]), "site": a["site"],
             "lang": a["lang"], "kind": None, "position": None, "inserted": [], "host": a["page_id"],
             "lines": [{"text": x, "label": "other_article", "kind": "article"} for x in a["lines"]]} for a in articles]


def all_samples(corpus: Path) -> tuple[list[dict], list[dict]]:
    """(samples with an inserted block, plain hosts and articles)."""
    blocks, negatives = compose.load_lines()
    hosts = compose.load_hosts(corpus)
    return (compose.compose_text_set(blocks, negatives, hosts),
            plain_hosts(hosts) + plain_articles(compose.load_articles()))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    ap.add_argument("--out", default=str(oc.MODEL_FILE))
    args = ap.parse_args(argv)
    samples, plain = all_samples(Path(args.corpus))
    # The library versions: the same development set trains a slightly different
    # model under another scikit-learn or numpy (liblinear and the trees' binning).
    import scipy
    import sklearn

    versions = {"sklearn": sklearn.__version__, "numpy": np.__version__, "scipy": scipy.__version__}
    model = train_model(samples + plain, meta={"trained_on": "all sites", "versions": versions})
    model.save(Path(args.out))
    size = Path(args.out).stat().st_size
    print(f"{args.out}: {size / 1024:.0f} KiB, {model.meta['lines']} lines "
          f"({model.meta['offer_lines']} offer), thresholds seed {model.threshold:.3f} low "
          f"{model.low_threshold:.3f} guard {model.guard_threshold:.3f} block {model.block_low:.2f}/"
          f"{model.block_mean:.2f}/{model.block_lines} grow sentence {model.grow_sentence:.2f}; on held-out inner sites: "
          f"{model.meta['held_out_inner']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

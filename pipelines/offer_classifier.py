"""Learned offer-line classifier: pure numpy at run time, no pickle, no download.

The stored model and the decisions; the features it reads are
:mod:`pipelines.offer_features`.

Two models, trained by ``benchmarks/offer_devset/train.py`` on the offer
development set and stored in ``pipelines/offer_model.npz``:

1. **text**: a logistic regression on hashed character n-grams (2-5,
   lower-cased, spaces kept so that word starts and ends count) of the
   line's first characters, giving one logit per line; it learns what offer
   lines say in any language;
2. **context**: boosted trees (scikit-learn's HistGradientBoostingClassifier,
   exported as flat arrays: :class:`TreeEnsemble`) over that logit for the
   line and its neighbours up to four lines away, the shape of the line
   (length, sentence form, imperative start, second person, prices with a
   period, position), the run of non-sentence lines and the run of
   offer-reading lines it sits in (a block of short lines between prose, a
   heading over form-like lines), and the lexicon's verdicts
   (:mod:`pipelines.offers_text`) for it and its neighbours. Trees, not a
   second logistic regression: what a line's score should be depends on
   combinations (a long sentence whose words lean to an offer, among offer
   lines, is one; beside article prose it is not), which a linear model
   over the same features cannot express (leave-one-source-out, docs/quality.md).
   A model without trees scores with the context logistic regression.

Hashing is a vectorised polynomial over the code points (numpy), identical in
training and at run time, so the stored weights are all the model is.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, fields
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np

from pipelines.offer_features import (  # noqa: F401 - the model's features, used here and by callers as oc.*
    _TERMINAL,
    CONTEXT_NAMES,
    HASH_BITS,
    LineShape,
    _bridged_list,
    _runs_loop,
    clause_logits,
    clauses,
    context_features,
    line_shape,
    line_words,
    linear_text_logits,
    ngram_ids,
    ngram_matrix_parts,
    runs_of,
    sigmoid,
)

MODEL_FILE = Path(__file__).with_name("offer_model.npz")

# --------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class TreeEnsemble:
    """Boosted trees as flat arrays (exported by train.py from scikit-learn's
    HistGradientBoostingClassifier): the context model. A node goes left when
    its feature is at most its threshold; a leaf has feature -1 and points to
    itself, so every row walks `depth` steps."""

    feature: np.ndarray  # per node, int
    threshold: np.ndarray
    left: np.ndarray  # absolute node indexes
    right: np.ndarray
    value: np.ndarray  # a leaf's raw score; an inner node's, the count-weighted mean of its leaves
    roots: np.ndarray
    depth: int
    baseline: float

    def leaves(self, x: np.ndarray) -> np.ndarray:
        """(rows, trees) index of the leaf each row reaches in each tree."""
        node = np.repeat(self.roots[None, :], len(x), axis=0)
        rows = np.arange(len(x))[:, None]
        for _ in range(self.depth):
            f = self.feature[node]
            go_left = x[rows, np.maximum(f, 0)] <= self.threshold[node]
            node = np.where(f < 0, node, np.where(go_left, self.left[node], self.right[node]))
        return node

    @cached_property
    def _complete(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The trees laid out as complete binary trees of `depth` levels, each
        in heap order (node p's children at 2p+1 and 2p+2): per tree's inner
        slot (2**depth - 1 of them) its feature and threshold, per leaf slot
        (2**depth) its value. A leaf above the last level fills the slots
        below it with itself (both sides alike), and a slot at the last
        level takes the value of the node the walk reaches there, as
        :meth:`leaves` does. The walk then needs no child arrays."""
        depth, n_trees = self.depth, len(self.roots)
        inner, width = 2 ** depth - 1, 2 ** depth
        feature = np.zeros(n_trees * inner, dtype=np.intp)
        threshold = np.full(n_trees * inner, np.inf)
        value = np.zeros(n_trees * width)
        for t, root in enumerate(self.roots.tolist()):
            todo = [(int(root), 0)]
            while todo:
                node, slot = todo.pop()
                if slot >= inner:
                    value[t * width + slot - inner] = self.value[node]
                    continue
                f = int(self.feature[node])
                if f >= 0:
                    feature[t * inner + slot], threshold[t * inner + slot] = f, self.threshold[node]
                    todo += [(int(self.left[node]), 2 * slot + 1), (int(self.right[node]), 2 * slot + 2)]
                else:
                    todo += [(node, 2 * slot + 1), (node, 2 * slot + 2)]
        return feature, threshold, value

    def leaf_values(self, x: np.ndarray) -> np.ndarray:
        """(rows, trees) value of the leaf each row reaches in each tree:
        ``self.value[self.leaves(x)]``, walked over :attr:`_complete` (fewer
        numpy operations a level, and flat takes)."""
        feature, threshold, value = self._complete
        x = np.ascontiguousarray(x, dtype=np.float64)
        n, n_trees = len(x), len(self.roots)
        inner = 2 ** self.depth - 1
        flat = x.ravel()
        row = (np.arange(n) * x.shape[1])[:, None]
        tree = np.arange(n_trees) * inner
        slot = np.zeros((n, n_trees), dtype=np.intp)
        for _ in range(self.depth):
            node = tree + slot
            # Left (2p+1) when the feature is at most the threshold, else right (2p+2).
            slot = 2 * slot + 2 - (flat[row + feature[node]] <= threshold[node])
        return value[np.arange(n_trees) * (inner + 1) + (slot - inner)]

    def raw(self, x: np.ndarray) -> np.ndarray:
        return self.leaf_values(x).sum(axis=1) + self.baseline

    def contributions(self, row: np.ndarray) -> np.ndarray:
        """Per feature, how much the splits on it moved this row's score
        (each step down a tree credits its feature with the change of value)."""
        out = np.zeros(int(self.feature.max()) + 1 if len(self.feature) else 0)
        for node in self.roots:
            while self.feature[node] >= 0:
                f = self.feature[node]
                child = self.left[node] if row[f] <= self.threshold[node] else self.right[node]
                out[f] += self.value[child] - self.value[node]
                node = child
        return out

    _FIELDS = ("feature", "threshold", "left", "right", "value", "roots")

    def arrays(self) -> dict[str, np.ndarray]:
        return {**{f"trees_{k}": getattr(self, k) for k in self._FIELDS},
                "trees_scalars": np.array([self.depth, self.baseline], dtype=np.float64)}

    @classmethod
    def from_arrays(cls, data) -> TreeEnsemble:
        depth, baseline = (float(x) for x in data["trees_scalars"])
        return cls(**{k: data[f"trees_{k}"] for k in cls._FIELDS}, depth=int(depth), baseline=baseline)


@dataclass
class OfferModel:
    text_weights: np.ndarray  # (2**HASH_BITS,)
    text_bias: float
    context_weights: np.ndarray  # (len(CONTEXT_NAMES),)
    context_bias: float
    context_mean: np.ndarray
    context_scale: np.ndarray
    threshold: float  # a line scoring this much goes by itself
    low_threshold: float  # next to a dropped line, a non-prose line scoring this much goes with it
    meta: dict
    # A sentence that reads as a report, or a lone heading between sentences,
    # goes only with this score (or by the lexicon's block rules); above 1: never.
    guard_threshold: float = 1.01
    block_low: float = 1.01  # the block stage's limits (Thresholds); above 1: no block stage
    block_mean: float = 1.01
    block_lines: int = 2
    grow_sentence: float = 1.01
    heading_guard: float = 1.01
    sandwich_words: int = 0
    lead_heading: float = 1.01
    tail_line: float = 1.01
    continuations: bool = False
    agreeing_seed: float = 1.01
    # Boosted trees over the context features; when set they score the lines
    # instead of the context logistic regression.
    context_trees: TreeEnsemble | None = None
    _cache: dict = field(default_factory=dict, repr=False, compare=False)
    # decide()'s verdicts on a list of lines (the DOM pass judges a form, then
    # the box around it, often the same lines; see :func:`decide`). Not copied
    # by dataclasses.replace: a changed model starts empty.
    _decided: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def clear_caches(self) -> None:
        """Forget the per-line text logits and the verdicts (benchmarks/offer_cost.py: every page cold)."""
        self._cache.clear()
        self._decided.clear()

    def _logits_of(self, texts: list[str]) -> np.ndarray:
        return linear_text_logits(texts, self.text_weights, self.text_bias)

    def _scored(self, lines: list[str]) -> list[tuple[float, float]]:
        """(text logit, highest logit of its sentences) of each line; lines
        already scored in this process (the text pass repeats, the DOM pass
        overlaps) are looked up."""
        cache = self._cache
        todo = list(dict.fromkeys(line for line in lines if line not in cache))
        if todo:
            if len(cache) > 50_000:
                cache.clear()
            # The lines and their sentences in one pass of the text model (a
            # text's logit does not depend on the others scored with it).
            parts = [clauses(line) for line in todo]
            logits = self._logits_of(todo + [p for ps in parts for p in ps])
            own = logits[: len(todo)]
            best = clause_logits(own, todo, lambda _: logits[len(todo) :], parts)
            cache.update(zip(todo, zip(own.tolist(), best.tolist(), strict=True), strict=True))
        return [cache[line] for line in lines]

    def text_logits(self, lines: list[str]) -> np.ndarray:
        """The text model's logit of each line."""
        return np.array([own for own, _ in self._scored(lines)], dtype=np.float64).reshape(len(lines))

    def context_logits(self, features: np.ndarray) -> np.ndarray:
        if self.context_trees is not None:
            return self.context_trees.raw(features)
        z = (features - self.context_mean) / self.context_scale
        return z @ self.context_weights + self.context_bias

    def contributions(self, features_row: np.ndarray) -> list[tuple[str, float]]:
        """The context features that pushed one line's score most, signed."""
        if self.context_trees is not None:
            parts = np.zeros(len(CONTEXT_NAMES))
            found = self.context_trees.contributions(features_row)
            parts[: len(found)] = found
        else:
            parts = (features_row - self.context_mean) / self.context_scale * self.context_weights
        order = np.argsort(-np.abs(parts))
        return [(CONTEXT_NAMES[i], float(parts[i])) for i in order[:4] if abs(parts[i]) >= 0.3]

    def scores(self, lines: list[str], shapes, rule_kinds, rule_drop) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(probabilities, context features, text-model probabilities) of the lines."""
        scored = np.array(self._scored(lines), dtype=np.float64).reshape(len(lines), 2)
        text = scored[:, 0]
        text_probs = sigmoid(text)
        features = context_features(text, shapes, rule_kinds, rule_drop, scored[:, 1], text_probs=text_probs)
        return sigmoid(self.context_logits(features)), features, text_probs

    def limits(self, low_threshold: float | None = None) -> Thresholds:
        return Thresholds(self.threshold, self.low_threshold if low_threshold is None else low_threshold,
                          self.guard_threshold, **{f.name: getattr(self, f.name) for f in _stored_limits()})

    def save(self, path: Path) -> None:
        np.savez_compressed(
            path,
            text_weights=self.text_weights.astype(np.float16),
            text_bias=np.float64(self.text_bias),
            context_weights=self.context_weights,
            context_bias=np.float64(self.context_bias),
            context_mean=self.context_mean,
            context_scale=self.context_scale,
            threshold=np.float64(self.threshold),
            low_threshold=np.float64(self.low_threshold),
            guard_threshold=np.float64(self.guard_threshold),
            block_limits=np.array([float(getattr(self, f.name)) for f in _stored_limits()], dtype=np.float64),
            meta=np.frombuffer(json.dumps({**self.meta, "context_names": CONTEXT_NAMES}).encode(), dtype=np.uint8),
            **(self.context_trees.arrays() if self.context_trees is not None else {}),
        )

    @classmethod
    def load(cls, path: Path) -> OfferModel:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(bytes(data["meta"]).decode())
            if meta.get("context_names") != CONTEXT_NAMES or meta.get("hash_bits") != HASH_BITS:
                raise ValueError(f"{path}: model features do not match this code; retrain it")
            return cls(
                text_weights=data["text_weights"].astype(np.float64),
                text_bias=float(data["text_bias"]),
                context_weights=data["context_weights"],
                context_bias=float(data["context_bias"]),
                context_mean=data["context_mean"],
                context_scale=data["context_scale"],
                threshold=float(data["threshold"]),
                low_threshold=float(data["low_threshold"]),
                meta=meta,
                guard_threshold=float(data["guard_threshold"]) if "guard_threshold" in data else 1.01,
                **_block_limits(data),
                context_trees=TreeEnsemble.from_arrays(data) if "trees_scalars" in data else None,
            )


def _block_limits(data) -> dict:
    """The block stage's limits of a stored model (none in a model saved before it)."""
    if "block_limits" not in data:
        return {}
    # Older models stored fewer limits: the missing ones keep their default (off).
    stored = [float(x) for x in data["block_limits"]]
    return {f.name: type(f.default)(stored[i]) if i < len(stored) else f.default
            for i, f in enumerate(_stored_limits())}


def _stored_limits():
    """The Thresholds fields after seed, low and guard, in the order a model file's
    `block_limits` holds them (OfferModel has a field of each name)."""
    return fields(Thresholds)[3:]


_override: list[OfferModel | None] = []


@lru_cache(maxsize=1)
def _shipped() -> OfferModel | None:
    try:
        return OfferModel.load(MODEL_FILE)
    except (OSError, ValueError, KeyError):
        return None


def default_model() -> OfferModel | None:
    """The model in use: the one set by :func:`use_model` (evaluation), else
    the shipped file, read once per process; None when it is missing."""
    if _override:
        return _override[-1]
    return _shipped()


class use_model:  # noqa: N801 - used as a context manager, reads like a function
    """Score with `model` inside the block (leave-one-source-out evaluation)."""

    def __init__(self, model: OfferModel | None):
        self.model = model

    def __enter__(self):
        _override.append(self.model)
        return self.model

    def __exit__(self, *exc):
        _override.pop()
        return False




# --------------------------------------------------------------------------
# Decisions
# --------------------------------------------------------------------------

# A line this long that reads as a sentence is prose unless the model is sure.
_PROSE_WORDS = 20
_PROSE_CHARS = 150
_PROSE_MARGIN = 0.97
# A longer sentence never grows a block: journalism about subscriptions sits
# next to offers too, and its sentences are longer than an offer's.
_GROW_SENTENCE_WORDS = 15


# The text-model probability at which a line's own words agree with a
# context score of `Thresholds.agreeing_seed`.
_AGREEING_TEXT = 0.8

_CODE_OR_SYMBOLS = re.compile(r"^[^\w]*$|^\s*[@#$]|[(){}\[\]=;_<>]|\w\.\w")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")


_NON_LATIN = re.compile(r"[^\u0000-\u024f\u1e00-\u1eff]")


@lru_cache(maxsize=16384)
def _latin_script(line: str) -> bool:
    """Whether most of the line's letters are Latin (the scripts of the training set).
    Cached: the DOM pass and the text pass ask it of the same lines."""
    # Only letters outside the Latin ranges can make it False: most lines have
    # none (an ASCII line never), and then the letters need no count.
    if line.isascii() or not any(map(str.isalpha, _NON_LATIN.findall(line))):
        return True
    letters = [ch for ch in line if ch.isalpha()]
    latin = sum(1 for ch in letters if ord(ch) < 0x250 or 0x1E00 <= ord(ch) <= 0x1EFF)
    return latin * 2 >= len(letters)


@dataclass(frozen=True)
class LineDecision:
    drop: bool
    score: float  # probability that the line is part of an offer
    signals: tuple[str, ...]


@dataclass(frozen=True)
class Thresholds:
    """The scores the decisions need (chosen by train.py on held-out sites)."""

    seed: float  # a line scoring this much goes by itself
    low: float  # a non-prose line next to a dropped one goes with this much
    guard: float  # a report or a lone heading between sentences needs this much (above 1: never)
    # The block stage (see :func:`offer_blocks`): runs of lines whose own words
    # read as an offer (text-model probability `block_low`), at least
    # `block_lines` long, go whole when their mean probability is `block_mean`.
    block_low: float = 1.01
    block_mean: float = 1.01
    block_lines: int = 2
    grow_sentence: float = 1.01  # a sentence next to a dropped line goes with this score
    heading_guard: float = 1.01  # a lone heading between sentences goes with this score
    # A sentence of at most this many words between two dropped lines goes
    # with them (0: never): the one-line pitch of a newsletter between its
    # name and its "Sign up" button.
    sandwich_words: int = 0
    # A short heading right above a dropped run of two or more lines (or
    # above one dropped sentence, the block's pitch) opens that block, and
    # goes with it when its own words read this much as an offer
    # (text-model probability; above 1: never): "Stay in the loop".
    lead_heading: float = 1.01
    # A short line right under a dropped run of two or more lines closes that
    # block, and goes with it when its own words read this much as an offer
    # (above 1: never): a form's last button or hint, "I'm in", "Leave this
    # field blank".
    tail_line: float = 1.01
    # A line that carries on a dropped line's sentence (the dropped line does
    # not end one, and this one opens in lower case or with a comma) goes
    # with it, and the other way round: an offer's sentence split over inline
    # elements ("Subscribe now to our" / "eNATION" / "edition for the full story.").
    continuations: bool = False
    # A line the context scores this much goes by itself when its own words
    # agree (text-model probability _AGREEING_TEXT; above 1: never): a
    # one-line offer between paragraphs that neither model alone is sure of.
    agreeing_seed: float = 1.01


def decide(model: OfferModel, lines: list[str], rule_kinds: list[str], rule_drop: list[bool],
           patterns, low_threshold: float | None = None, explain: bool = False) -> list[LineDecision]:
    """Keep or drop each line, with its score and the signals that decided it
    (the weighted features only with `explain`): the model scores every line,
    then :func:`decide_from_scores` applies the shape of blocks."""
    n = len(lines)
    if n == 0:
        return []
    limits = model.limits(low_threshold)
    # The same lines with the same lexicon verdicts get the same verdicts
    # (decide is pure given the model): a third of the DOM pass's calls repeat
    # one before them (a form, then its parent box with the same text). The
    # thresholds are part of the key (evaluation sets low_threshold on a model).
    key = None if explain else (patterns, limits, tuple(lines), tuple(rule_kinds), tuple(rule_drop))
    if key is not None:
        hit = model._decided.get(key)
        if hit is not None:
            return list(hit)
    shapes = [line_shape(line, patterns) for line in lines]
    probs, features, text_probs = model.scores(lines, shapes, rule_kinds, rule_drop)
    drop, why = decide_from_scores(probs, lines, shapes, rule_kinds, rule_drop, patterns, limits, text_probs)
    out = []
    for k in range(n):
        # The weighted features that pushed the score: only when asked (--explain).
        signals = [f"{name}{value:+.1f}" for name, value in model.contributions(features[k])] if explain else []
        if why[k]:
            signals.insert(0, why[k])
        out.append(LineDecision(drop[k], float(probs[k]), tuple(signals)))
    if key is not None:
        if len(model._decided) > 4096:
            model._decided.clear()
        model._decided[key] = tuple(out)
    return out


def offer_blocks(text_probs, shapes: list[LineShape], limits: Thresholds,
                 eligible: list[bool] | None = None) -> list[tuple[int, int]]:
    """(start, end) of the runs of lines that go whole as one offer block.

    A run is consecutive lines whose own words read as an offer (text-model
    probability at least `limits.block_low`; one short non-sentence line may
    sit between two of them: a form label, a button). It goes when it has at
    least `limits.block_lines` lines and their mean probability is
    `limits.block_mean`. Why the text model's probabilities and not the
    context scores: the context scores of an offer's neighbours rise with it
    (that is what grows a block), so runs of them swallow the article's
    lines next to an offer; the words of each line alone do not. Only
    `eligible` lines (all by default) take part: a long sentence, or one that
    reads as a report, is journalism whatever words it uses."""
    n = len(shapes)
    ok = [bool(text_probs[k] >= limits.block_low) and (eligible is None or eligible[k]) for k in range(n)]
    member = _bridged_list(ok, [sh.sentence for sh in shapes])
    start, end = (x.tolist() for x in _runs_loop(member))
    out = []
    for a in range(n):
        if start[a] != a:
            continue
        b = end[a]
        if b - a + 1 >= limits.block_lines and float(np.mean(text_probs[a : b + 1])) >= limits.block_mean:
            out.append((a, b))
    return out


def _reads_as_report(line: str, shape: LineShape, rule_kind: str, patterns) -> bool:
    """A sentence with offer words that neither addresses the reader, nor
    speaks for the outlet, nor calls to act, nor asks: a report."""
    return bool(patterns.reports(line)) or (shape.words >= 8 and rule_kind == "V" and not (
        shape.second_person or shape.house_voice or shape.cta or shape.question or "!" in line))


_STEM = re.compile(r"\w{6,}")


def _shares_a_stem(heading: str, sentence: str) -> bool:
    """Whether a word of the heading (its first six letters) comes back in the
    sentence: a section title names what the paragraph next to it is about."""
    stems = {w[:6].casefold() for w in _STEM.findall(heading)}
    return bool(stems) and any(w[:6].casefold() in stems for w in _STEM.findall(sentence))


_OPENS_LOWER = re.compile(r"^\s*(?:[,;:)\]]|([^\W\d_]+))")


def _carries_on(line: str) -> bool:
    """Whether the line opens mid-sentence: with a comma or a closing bracket,
    or with a word all in lower case ("edition for the full story.", not
    "eBay said" nor "iPhone sales")."""
    m = _OPENS_LOWER.match(line)
    return m is not None and (m.group(1) is None or m.group(1).islower())


def _open_ended(line: str) -> bool:
    return _TERMINAL.search(line) is None


def _joined_to_dropped(drop, lexicon_only, lines, patterns) -> list[int]:
    """Lines that carry on a dropped line's sentence, or whose sentence a
    dropped line carries on (see `Thresholds.continuations`), to a fixed point.
    The weak test of a report (a long line with offer words that does not
    address the reader) does not hold them: it judged a fragment of the
    offer's sentence. One that reports in so many words ("said") stays."""
    n = len(lines)
    found = []
    changed = True
    while changed:
        changed = False
        for k in range(n):
            # Only a kept line next to a dropped one is asked (most are neither).
            if drop[k] or lexicon_only[k] or not ((k > 0 and drop[k - 1]) or (k + 1 < n and drop[k + 1])):
                continue
            after = k > 0 and drop[k - 1] and _carries_on(lines[k]) and _open_ended(lines[k - 1])
            before = k + 1 < n and drop[k + 1] and _carries_on(lines[k + 1]) and _open_ended(lines[k])
            if (after or before) and not patterns.reports(lines[k]):
                drop[k] = changed = True
                found.append(k)
    return found


def _close_block_edges(drop, why, locked, lines, shapes, limits, text_probs, patterns) -> None:
    """Lines the context scores miss although the block around them went: a
    short sentence between two dropped lines (`limits.sandwich_words`) and a
    short heading that opens a dropped run, or a dropped sentence
    (`limits.lead_heading`: "Tägliches Entscheider-Briefing" over the
    newsletter's one-line pitch), or its kept pitch over a dropped run. A line
    that reads as a report, or is decided by the lexicon alone (another
    script, a table row: `locked`), stays."""
    n = len(lines)
    if limits.sandwich_words > 0:
        for k in range(1, n - 1):
            if (not drop[k] and drop[k - 1] and drop[k + 1] and not locked[k]
                    and shapes[k].words <= limits.sandwich_words and not patterns.reports(lines[k])):
                drop[k], why[k] = True, "between_dropped_lines"
    if text_probs is not None and limits.lead_heading <= 1.0:
        for k in range(n - 1):
            # The block under it: two dropped lines, or one that is the
            # block's pitch (a sentence) or ends the text.
            below = drop[k + 1] and (k + 2 == n or drop[k + 2] or shapes[k + 1].sentence)
            if (below and not drop[k] and (k == 0 or not drop[k - 1]) and not locked[k]
                    and not shapes[k].sentence and shapes[k].words <= 6
                    and text_probs[k] >= limits.lead_heading):
                drop[k], why[k] = True, "opens_offer_block"
        # ... and a heading over the block's one-line pitch, over a dropped run
        # of two ("CORRECTIV im Postfach" / "Lesen Sie von Macht und ..." /
        # a form): the pitch, a sentence, is no longer than `sandwich_words`.
        for k in range(n - 3):
            if (not drop[k] and not drop[k + 1] and drop[k + 2] and drop[k + 3] and (k == 0 or not drop[k - 1])
                    and not locked[k] and not locked[k + 1] and not shapes[k].sentence and shapes[k].words <= 6
                    and text_probs[k] >= limits.lead_heading and shapes[k + 1].sentence
                    and shapes[k + 1].words <= limits.sandwich_words and not patterns.reports(lines[k + 1])):
                drop[k] = drop[k + 1] = True
                why[k] = why[k + 1] = "opens_offer_block"


def _close_block_tails(drop, why, locked, lexicon_only, lines, shapes, limits, text_probs, patterns) -> None:
    """The lines that carry on a dropped line's sentence (`limits.continuations`),
    and a short line right under a dropped run that its own words mark as an
    offer (`limits.tail_line`): a form's last button or hint."""
    if limits.continuations:
        for k in _joined_to_dropped(drop, lexicon_only, lines, patterns):
            why[k] = "continues_offer_line"
    if text_probs is None or limits.tail_line > 1.0:
        return
    n = len(shapes)
    for k in range(2, n):
        if (not drop[k] and drop[k - 1] and drop[k - 2] and (k == n - 1 or not drop[k + 1]) and not locked[k]
                and not shapes[k].sentence and shapes[k].words <= 6 and text_probs[k] >= limits.tail_line):
            drop[k], why[k] = True, "closes_offer_block"


# The text-model probability at which a sentence at the edge of a dropped
# run is the block's small print although the weak report test kept it.
_SMALL_PRINT_TEXT = 0.9


def _take_edge_small_print(drop, why, probs, text_probs, reports, lexicon_only, lines, limits, patterns) -> None:
    """A sentence right above or under a dropped run of two or more lines that
    both models score as an offer (the seed, and _SMALL_PRINT_TEXT), held only
    by the weak report test (it does not address the reader): a form's small
    print, "Fields marked * are required. You can unsubscribe at any time
    ...". One that reports in so many words ("said") stays."""
    n = len(lines)
    for k in range(n):
        if (drop[k] or not reports[k] or lexicon_only[k] or probs[k] < limits.seed
                or text_probs[k] < _SMALL_PRINT_TEXT):
            continue
        next_to = (k >= 2 and drop[k - 1] and drop[k - 2]) or (k + 2 < n and drop[k + 1] and drop[k + 2])
        if next_to and not patterns.reports(lines[k]):
            drop[k], why[k] = True, "offer_small_print"


def decide_from_scores(probs, lines: list[str], shapes: list[LineShape], rule_kinds: list[str],
                       rule_drop: list[bool], patterns, limits: Thresholds,
                       text_probs=None) -> tuple[list[bool], list[str]]:
    """(drop, why) of each line from its score, by the shape of blocks.

    Hysteresis: a line scoring above `limits.seed` goes, and the block grows
    from it over neighbouring lines that are not sentences and score above
    `limits.low` (a form label or a plan name next to a call to subscribe); a
    short line between two dropped lines goes with them; a long sentence
    needs a near-certain score, and one that reads as a report (or a lone
    heading between sentences) `limits.guard` (reporting about subscriptions
    is prose). Before the growth, the block stage (:func:`offer_blocks`, with
    `text_probs`, the text model's probabilities) drops runs of lines whose
    own words read as an offer; a short sentence joins a block only with
    `limits.grow_sentence`."""
    n = len(lines)
    prose = [sh.sentence for sh in shapes]
    why = [""] * n
    drop = [False] * n
    fixed = [False] * n
    journalism = [False] * n  # a long sentence, or one that reads as a report
    reports = [False] * n
    lexicon_only = [False] * n  # another script, or a table row: the lexicon decides alone
    for k in range(n):
        sh = shapes[k]
        long_prose = sh.sentence and (sh.words >= _PROSE_WORDS or len(lines[k]) >= _PROSE_CHARS)
        need = max(_PROSE_MARGIN, limits.seed) if long_prose else limits.seed
        # A lone token without letters or written like code ("...", "@classmethod",
        # "os.path") does not open a block by itself; it may still go with one.
        if rule_kinds[k] == "H" and sh.words <= 1 and _CODE_OR_SYMBOLS.search(lines[k]):
            need = 2.0
        # A sentence with offer words that neither addresses the reader, nor
        # speaks for the outlet, nor calls to act, nor asks, reads as a report.
        # (Only asked where it can change the verdict: the test reads the
        # whole line, and most sentences score far below the seed.)
        reporting = sh.sentence and rule_kinds[k] != "S" and (
            probs[k] >= min(need, limits.agreeing_seed) or bool(rule_drop[k])) and (
            _reads_as_report(lines[k], sh, rule_kinds[k], patterns))
        # A short heading alone between two sentences, without a call to act or
        # the lexicon's strong mark, names the next section of the article.
        heading = (not sh.sentence and sh.words <= 6 and rule_kinds[k] != "S" and not sh.cta
                   and not sh.second_person and 0 < k < n - 1 and shapes[k - 1].sentence
                   and shapes[k + 1].sentence)
        journalism[k] = long_prose or reporting
        reports[k] = bool(reporting)
        # The model learned from Latin-script pages only: on another script its
        # word counts and n-grams mean nothing, so the lexicon decides alone.
        unseen = not _latin_script(lines[k])
        # A table row as the extractor writes it ("| Alkoholgehalt: | 10 % vol. |",
        # "|---|---|"): no block of the development set is a table, so the model
        # has no evidence on them either; the lexicon knows plan tables.
        table = _TABLE_ROW.match(lines[k]) is not None
        if unseen or table:
            drop[k], fixed[k], lexicon_only[k] = bool(rule_drop[k]), True, True
        elif reporting or heading:
            # A report or a lone heading stays unless the lexicon's own block
            # rules take it or the model is as sure as the guard asks. A
            # heading next to reporting on offers ("Subscription prices" over
            # a paragraph on what Netflix charges) is that article's section
            # title: only the lexicon's rules take it.
            on_topic = heading and not reporting and any(
                _shares_a_stem(lines[k], lines[j]) and _reads_as_report(lines[j], shapes[j], "V", patterns)
                for j in (k - 1, k + 1))
            drop[k] = bool(rule_drop[k]) or (not on_topic and bool(
                probs[k] >= max(need, limits.guard if reporting else limits.heading_guard)))
            fixed[k] = True
        else:
            drop[k] = bool(probs[k] >= need or (
                not long_prose and text_probs is not None and probs[k] >= limits.agreeing_seed
                and text_probs[k] >= _AGREEING_TEXT))
        if fixed[k] and not drop[k] and probs[k] >= limits.seed:
            why[k] = ("unseen_script" if unseen else "table_row" if table else
                      "reads_as_report" if reporting else "heading_between_prose")
        if not drop[k] and probs[k] >= limits.seed and not why[k]:
            why[k] = "long_sentence_kept"
    in_block = [False] * n
    offer_words = [False] * n if text_probs is None else [bool(p >= limits.block_low) for p in text_probs]
    if text_probs is not None:
        # A sentence whose words read as an offer but that reports stays out of
        # blocks too (asked only of those: the test reads the whole line).
        eligible = [not journalism[k] and not (prose[k] and offer_words[k] and patterns.reports(lines[k]))
                    for k in range(n)]
        for start, end in offer_blocks(text_probs, shapes, limits, eligible):
            for k in range(start, end + 1):
                if not (fixed[k] and why[k] in ("unseen_script", "table_row")):
                    in_block[k] = True
                    if not drop[k]:
                        drop[k], why[k] = True, "offer_block"
    for order in (range(n), range(n - 1, -1, -1)):
        for k in order:
            # A sentence grows the block only with a higher score (`grow_sentence`):
            # "Something went wrong, please try again." under a form.
            if drop[k] or fixed[k] or probs[k] < (limits.grow_sentence if prose[k] else limits.low):
                continue
            # ... and only when its own words read as an offer and it does not
            # report: the context score of an article's short sentence next
            # to an offer rises with the offer ("The mayor said ...").
            if prose[k] and (shapes[k].words > _GROW_SENTENCE_WORDS or not offer_words[k]
                             or patterns.reports(lines[k])):
                continue
            # A heading without offer words over prose opens an article section
            # (unless its own words read as an offer: "Stern plus", "bestätigen").
            if rule_kinds[k] == "H" and k + 1 < n and prose[k + 1] and not offer_words[k]:
                continue
            if (k > 0 and drop[k - 1]) or (k + 1 < n and drop[k + 1]):
                drop[k], why[k] = True, "grows_offer_block"
    for k in range(1, n - 1):
        if not drop[k] and drop[k - 1] and drop[k + 1] and not shapes[k].sentence and shapes[k].words <= 8 \
                and not fixed[k]:
            drop[k], why[k] = True, "inside_offer_block"
    locked = [r or x for r, x in zip(reports, lexicon_only, strict=True)]
    _close_block_edges(drop, why, locked, lines, shapes, limits, text_probs, patterns)
    # A heading without offer words over a sentence that stays opens an article
    # section, whatever offer stands above it (an offer's own heading sits over
    # offer lines, which go).
    for k in range(n - 2, -1, -1):
        if drop[k] and rule_kinds[k] == "H" and not rule_drop[k] and shapes[k].words <= 8 and prose[k + 1] \
                and not drop[k + 1] and probs[k] < min(limits.guard, limits.heading_guard) and not in_block[k]:
            drop[k], why[k] = False, "heading_over_prose"
    # After the heading test: the end of an offer sits over the article's prose too.
    _close_block_tails(drop, why, locked, lexicon_only, lines, shapes, limits, text_probs, patterns)
    if text_probs is not None:
        _take_edge_small_print(drop, why, probs, text_probs, reports, lexicon_only, lines, limits, patterns)
    return drop, why

"""The offer classifier's context features and sigmoid as they were defined
before the cost work of 2026-12-03 (pipelines/offer_classifier.py at that
time, column by column), kept verbatim as the reference the faster code must
equal bit for bit (tests/test_offer_fast_paths.py)."""

# ruff: noqa: E501
from __future__ import annotations

import numpy as np

# The helpers that did not change (windows, runs, distances to a sure line):
# imported from the code, not copied.
from pipelines.offer_features import (
    CONTEXT_NAMES,
    RULE_KINDS,
    LineShape,
    _shape_vector,
    _shifted,
    _window_sum,
    bridged,
    distances_to_sure,
)
from pipelines.offer_features import runs_numpy as runs_of


def context_features(text_logits: np.ndarray, shapes: list[LineShape], rule_kinds: list[str],
                     rule_drop: list[bool], clause_max: np.ndarray | None = None) -> np.ndarray:
    """One row of context features per line (see CONTEXT_NAMES), computed a
    column at a time (the DOM pass scores many small containers a page).
    `clause_max`: see :func:`clause_logits` (the text logits where not given)."""
    n = len(shapes)
    if n == 0:
        return np.zeros((0, len(CONTEXT_NAMES)))
    t = np.asarray(text_logits, dtype=np.float64)
    c = t if clause_max is None else np.asarray(clause_max, dtype=np.float64)
    shape = np.array([_shape_vector(sh) for sh in shapes], dtype=np.float64).reshape(n, 16)
    sentence = shape[:, 4].astype(bool)
    words = np.array([sh.words for sh in shapes])
    email = shape[:, 15].astype(bool)
    idx = np.arange(n)
    ones = np.ones(n)
    # Text logits two lines each side (zeros past the ends, as five-line windows).
    near2 = np.stack([_shifted(t, 2), _shifted(t, 1), t, _shifted(t, -1), _shifted(t, -2)], axis=1)
    prev_shape, next_shape = _shifted(shape, 1), _shifted(shape, -1)
    kinds = np.array([[k == r for r in RULE_KINDS] for k in rule_kinds], dtype=np.float64).reshape(n, len(RULE_KINDS))
    drop = np.asarray(rule_drop, dtype=np.float64)
    # Runs of non-sentence lines: their extent and what surrounds them.
    start, end = runs_of(~sentence)
    in_run = ~sentence
    run_len = np.where(in_run, end - start + 1, 0)
    offerish = np.concatenate([[0.0], np.cumsum(t > 0)])
    share = np.where(in_run, (offerish[end + 1] - offerish[np.maximum(start, 0)]) / np.maximum(run_len, 1), 0.0)
    heading_form = (idx > 0) & ~_shifted(sentence, 1) & (_shifted(words, 1) <= 8) & (email | (words <= 3))
    columns = [
        t, near2[:, 1], near2[:, 3], near2[:, 0], near2[:, 4], near2.max(axis=1), near2.mean(axis=1),
        (idx > 0).astype(float), (idx + 1 < n).astype(float),
        *shape.T,
        prev_shape[:, 4], prev_shape[:, 2], prev_shape[:, 5],
        next_shape[:, 4], next_shape[:, 2], next_shape[:, 5],
        *kinds.T, *_shifted(kinds, 1).T, *_shifted(kinds, -1).T,
        drop, np.maximum(_shifted(drop, 1), _shifted(drop, -1)),
        idx / max(n - 1, 1), (idx == 0).astype(float), (idx == n - 1).astype(float), (n - 1 - idx < 3).astype(float),
        np.log1p(run_len), (in_run & (start > 0) & (end + 1 < n)).astype(float), (in_run & (end == n - 1)).astype(float),
        share, heading_form.astype(float),
        t * (words <= 8), t * sentence,
        *_neighbourhood(t, sentence, ones),
        c, c - t,
    ]
    return np.stack(columns, axis=1)


_WORDS_LOGIT = -0.405  # text probability 0.4: the line's own words lean to an offer
_SURE_LOGIT = 2.197  # text probability 0.9
_FAR = 6


def _neighbourhood(t: np.ndarray, sentence: np.ndarray, ones: np.ndarray) -> list[np.ndarray]:
    """Columns of what a line's wider neighbourhood's words say: the text
    logits three lines away, how many of the three lines on each side read as
    an offer, the mean text probability of the four lines on each side, the
    run of lines reading as an offer that the line sits in or borders (as
    offer_blocks forms them: one short non-sentence line may break it), and
    how far the nearest line that is surely an offer is, above and below."""
    n = len(t)
    probs = sigmoid(t)
    ok = t >= _WORDS_LOGIT
    near_ok = _window_sum(ok.astype(float), 3, 3) - ok
    others = _window_sum(ones, 4, 4) - 1
    mean_near = np.where(others > 0, (_window_sum(probs, 4, 4) - probs) / np.maximum(others, 1), 0.0)
    start, end = runs_of(bridged(ok, sentence))
    length = np.where(start >= 0, end - start + 1, 0)
    total = np.concatenate([[0.0], np.cumsum(probs)])
    mean = np.where(start >= 0, (total[end + 1] - total[np.maximum(start, 0)]) / np.maximum(length, 1), 0.0)
    # The longest run among the line's own and its neighbours' (the first on a tie).
    lengths = np.stack([_shifted(length, 1), length, _shifted(length, -1)], axis=1)
    means = np.stack([_shifted(mean, 1), mean, _shifted(mean, -1)], axis=1)
    pick = np.argmax(lengths, axis=1)
    best_len, best_mean = lengths[np.arange(n), pick], means[np.arange(n), pick]
    up, down = distances_to_sure(t, np.arange(n))
    return [_shifted(t, 3), _shifted(t, -3), near_ok, mean_near, np.log1p(best_len), best_mean,
            np.minimum(up, _FAR).astype(float), np.minimum(down, _FAR).astype(float)]


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -30, 30)))


"""The offer classifier's features: pure numpy, shared by training and run time.

* the text model's input: hashed character n-grams (2-5, lower-cased, spaces
  kept so that word starts and ends count) of a line's first MAX_CHARS
  characters (:func:`ngram_ids`, :func:`linear_text_logits`);
* a line's shape (:class:`LineShape`: length, sentence form, imperative
  start, second person, prices with a period, ...);
* the context model's input (:func:`context_features`): the text logits of
  the line and its neighbours, the shapes, the runs of non-sentence and of
  offer-reading lines it sits in, and the lexicon's verdicts around it.

Kept apart from :mod:`pipelines.offer_classifier` (the stored model and the
decisions) because ``benchmarks/offer_devset/train.py`` computes exactly these
features to fit the models: one definition for both sides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

import numpy as np

from pipelines.sentences import word_count

HASH_BITS = 18
NGRAM_SIZES = (2, 3, 4, 5)
MAX_CHARS = 160  # what a line is about shows in its start; long prose is prose anyway

_MASK = np.uint64((1 << HASH_BITS) - 1)
_MIX = np.uint64(0x9E3779B97F4A7C15)
_P = np.uint64(1_000_003)

# Lexicon verdicts, in the order of the one-hot columns.
RULE_KINDS = ("S", "W", "V", "H", "T")

_TERMINAL = re.compile(r"[.!?…。！？]['\"’”»)\]」』]*\s*$")
_QUOTE = re.compile(r"[\"“”«»„]")
_DIGIT = re.compile(r"\d")
_SHAPE_CHARS = 200


def ngram_ids(lines: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(line index, feature id) of every character n-gram of every line.

    All lines are hashed in one pass over their concatenation; an n-gram
    counts when it starts and ends in the same line."""
    if not lines:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    texts = [" " + " ".join(line.lower().split())[:MAX_CHARS] + " " for line in lines]
    joined = "\x00".join(texts)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    owner = np.repeat(np.arange(len(texts), dtype=np.int64), lengths + 1)[: len(codes)]
    owner[codes == 0] = -1
    rows, cols = [], []
    raw, raw_n = None, 0
    for n in NGRAM_SIZES:
        m = len(codes) - n + 1
        if m <= 0:
            continue
        if raw is not None and raw_n == n - 1:
            # The polynomial of the n-gram at i from the (n-1)-gram's (mod 2**64):
            # n*P**n + sum c[i+j] P**(n-1-j) = ((n-1)*P**(n-1) + ...) * P + c[i+n-1] + P**n.
            raw = raw[:m] * _P + codes[n - 1 : m + n - 1] + np.uint64(pow(int(_P), n, 1 << 64))
        else:
            raw = np.full(m, np.uint64(n), dtype=np.uint64)
            for j in range(n):
                raw = raw * _P + codes[j : m + j]
        raw_n = n
        h = (raw * _MIX) >> np.uint64(64 - HASH_BITS)
        start, end = owner[:m], owner[n - 1 : m + n - 1]
        keep = (start == end) & (start >= 0)
        rows.append(start[keep])
        cols.append((h[keep] & _MASK).astype(np.int64))
    return np.concatenate(rows), np.concatenate(cols)


def ngram_matrix_parts(lines: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rows, cols, values) of the text features: each n-gram occurrence
    weighted 1/sqrt(n-grams in the line), so long and short lines compare."""
    rows, cols = ngram_ids(lines)
    counts = np.bincount(rows, minlength=len(lines)).astype(np.float64)
    values = 1.0 / np.sqrt(np.maximum(counts[rows], 1.0)) if len(rows) else np.zeros(0)
    return rows, cols, values


def linear_text_logits(texts: list[str], weights: np.ndarray, bias: float) -> np.ndarray:
    """The text model's logit of each text under `weights` and `bias` (training's held-out models too)."""
    rows, cols, values = ngram_matrix_parts(texts)
    return np.bincount(rows, weights=weights[cols] * values, minlength=len(texts)) + bias


# --------------------------------------------------------------------------
# Shape and context features
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class LineShape:
    words: int
    sentence: bool
    cta: bool
    second_person: bool
    house_voice: bool
    price: bool
    price_period: bool
    quoted: bool
    digits: bool
    colon_end: bool
    question: bool
    caps: bool
    email_like: bool


@lru_cache(maxsize=16384)
def line_words(s: str) -> int:
    """word_count of a stripped line, remembered: the lexicon's verdict, its
    syndication test and the line's shape all count the words of the same lines."""
    return word_count(s)


@lru_cache(maxsize=8192)
def line_shape(line: str, patterns) -> LineShape:
    """The line's shape. Cached: a line is seen by the DOM pass, by nested
    candidate containers and by every text pass, and its shape is the costly
    part of scoring it (the lexicon's patterns)."""
    s = line.strip()
    n = line_words(s)
    # The lexicon's patterns are costly on long prose; what they look for shows
    # in a line's first words (a long line is prose whatever they say).
    head = s[:_SHAPE_CHARS]
    letters = list(filter(str.isalpha, head))
    digits = bool(_DIGIT.search(head))
    # A price is digits by a currency: a line without digits has none (the
    # costliest of the patterns, and most lines have no digit).
    price = (digits or not getattr(patterns, "price_needs_digit", False)) and bool(patterns.price.search(head))
    lowered = head.lower()
    return LineShape(
        words=n,
        sentence=n >= 6 and bool(_TERMINAL.search(s)),
        cta=bool(patterns.cta.search(head)),
        second_person=bool(patterns.second_person.search(head) or patterns.second_person_de.search(head)),
        house_voice=bool(patterns.house_voice.search(head)),
        price=price,
        price_period=price and bool(patterns.price_period.search(head)),  # a priced period holds a price
        quoted=bool(_QUOTE.search(s)),
        digits=digits,
        colon_end=s.endswith(":"),
        question=s.endswith("?"),
        caps=len(letters) >= 4 and sum(map(str.isupper, letters)) > 0.8 * len(letters),
        email_like="@" in head or "e-mail" in lowered or "email" in lowered,
    )


@lru_cache(maxsize=8192)
def _shape_vector(sh: LineShape) -> tuple[float, ...]:
    return (
        float(np.log1p(sh.words)), float(sh.words <= 3), float(sh.words <= 8), float(sh.words >= 25),
        float(sh.sentence), float(sh.cta), float(sh.second_person), float(sh.house_voice),
        float(sh.price), float(sh.price_period), float(sh.quoted), float(sh.digits),
        float(sh.colon_end), float(sh.question), float(sh.caps), float(sh.email_like),
    )


CONTEXT_NAMES: list[str] = []


def _names() -> list[str]:
    shape = ["log_words", "le3_words", "le8_words", "ge25_words", "sentence", "cta_start", "second_person",
             "house_voice", "price", "price_period", "quoted", "digits", "colon_end", "question", "caps",
             "email_like"]
    names = ["text", "text_prev", "text_next", "text_prev2", "text_next2", "text_max3", "text_mean3",
             "has_prev", "has_next"]
    names += shape + [f"prev_{x}" for x in ("sentence", "le8_words", "cta_start")]
    names += [f"next_{x}" for x in ("sentence", "le8_words", "cta_start")]
    names += [f"rule_{k}" for k in RULE_KINDS] + [f"prev_rule_{k}" for k in RULE_KINDS]
    names += [f"next_rule_{k}" for k in RULE_KINDS] + ["rule_drop", "rule_drop_neighbour"]
    names += ["position", "first_line", "last_line", "near_end", "run_log_len", "run_between_prose",
              "run_at_tail", "run_offer_share", "heading_over_form", "text_x_short", "text_x_sentence"]
    names += ["text_prev3", "text_next3", "offer_words_near3", "text_mean_near4", "words_run_log_len",
              "words_run_mean", "sure_up", "sure_down"]
    names += ["clause_max", "clause_gain"]
    return names


CONTEXT_NAMES = _names()


def _shifted(x: np.ndarray, by: int) -> np.ndarray:
    """x moved `by` lines down (positive: each line sees the one `by` above it), zeros where none."""
    out = np.zeros_like(x)
    if by > 0:
        out[by:] = x[:-by]
    elif by < 0:
        out[:by] = x[-by:]
    return out


def _window_sum(x: np.ndarray, before: int, after: int) -> np.ndarray:
    """Sum of x over each line's window from `before` lines above to `after` below, clipped at the ends."""
    n = len(x)
    total = np.concatenate([[0.0], np.cumsum(x, dtype=np.float64)])
    idx = np.arange(n)
    return total[np.minimum(idx + after + 1, n)] - total[np.maximum(idx - before, 0)]


_RUNS_LOOP = 24  # up to this many lines a Python loop is cheaper than numpy's calls


def _runs_loop(member: list[bool]) -> tuple[np.ndarray, np.ndarray]:
    """runs_of over a short list, in Python (the same integers)."""
    n = len(member)
    start, end = [-1] * n, [-1] * n
    k = 0
    while k < n:
        if not member[k]:
            k += 1
            continue
        j = k
        while j + 1 < n and member[j + 1]:
            j += 1
        start[k : j + 1], end[k : j + 1] = [k] * (j + 1 - k), [j] * (j + 1 - k)
        k = j + 1
    return np.array(start, dtype=np.int64), np.array(end, dtype=np.int64)


def runs_of(member: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(start, end) of the run of consecutive members each line sits in; -1 for non-members."""
    if len(member) <= _RUNS_LOOP:
        return _runs_loop(member.tolist())
    return runs_numpy(member)


def runs_numpy(member: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`runs_of` in numpy calls (cheaper than the loop on long lists)."""
    n = len(member)
    start, end = np.full(n, -1), np.full(n, -1)
    if n == 0:
        return start, end
    opens = member & ~np.concatenate([[False], member[:-1]])
    closes = member & ~np.concatenate([member[1:], [False]])
    run = np.cumsum(opens) - 1
    first, last = np.flatnonzero(opens), np.flatnonzero(closes)
    start[member], end[member] = first[run[member]], last[run[member]]
    return start, end


def _bridged_list(ok: list[bool], sentence: list[bool]) -> list[bool]:
    """:func:`bridged` over short lists, in Python (fewer numpy calls)."""
    n = len(ok)
    return [ok[k] or (not sentence[k] and 0 < k < n - 1 and ok[k - 1] and ok[k + 1]) for k in range(n)]


def bridged(ok: np.ndarray, sentence: np.ndarray) -> np.ndarray:
    """`ok` lines, and a non-sentence line alone between two of them (a form
    label, a button): the members of the runs offer blocks are made of."""
    before, after = _shifted(ok, 1), _shifted(ok, -1)
    return ok | (~ok & ~sentence & before & after)


# Where a line of several sentences is cut to score each by itself.
_CLAUSE_END = re.compile(r"(?<=[.!?…:])\s+(?=\S)")
_CLAUSE_MIN_CHARS = 80


def clauses(line: str) -> list[str]:
    """The sentences of a long line (none for a short or one-sentence line):
    an offer paragraph often has one sentence that is all offer ("Subscribe to
    our channel.") among others that read as news, and the text model scores
    a whole line by its start and its average n-gram."""
    if len(line) < _CLAUSE_MIN_CHARS:
        return []
    parts = [p for p in _CLAUSE_END.split(line) if len(p) >= 12]
    return parts if len(parts) >= 2 else []


def clause_logits(text_logits: np.ndarray, lines: list[str], logit_of,
                  parts: list[list[str]] | None = None) -> np.ndarray:
    """Per line, the highest text logit of its sentences (its own where it has
    none): `logit_of` scores a list of strings. `parts`: the lines' clauses
    when already cut."""
    out = np.asarray(text_logits, dtype=np.float64).copy()
    if parts is None:
        parts = [clauses(line) for line in lines]
    flat = [p for ps in parts for p in ps]
    if flat:
        scored = iter(logit_of(flat).tolist())
        for k, ps in enumerate(parts):
            if ps:
                out[k] = max(out[k], max(next(scored) for _ in ps))
    return out


_KIND_ROWS = {k: tuple(float(k == r) for r in RULE_KINDS) for k in RULE_KINDS}
_NO_KIND = (0.0,) * len(RULE_KINDS)
_PAD = 3  # lines of zeros each side of the padded text logits (the farthest neighbour read)
_NEAR2 = np.arange(_PAD - 2, _PAD + 3)  # in the padded logits: two lines above to two below
_NEIGHBOUR_SHAPE = np.array([4, 2, 5])  # sentence, le8_words, cta_start among the shape columns


def context_features(text_logits: np.ndarray, shapes: list[LineShape], rule_kinds: list[str],
                     rule_drop: list[bool], clause_max: np.ndarray | None = None, *,
                     text_probs: np.ndarray | None = None) -> np.ndarray:
    """One row of context features per line (see CONTEXT_NAMES), computed a
    column at a time (the DOM pass scores many small containers a page).
    `clause_max`: see :func:`clause_logits` (the text logits where not given);
    `text_probs`: sigmoid(text_logits) when the caller has it.

    Most calls are a few lines (the DOM pass's containers), so the cost is the
    number of numpy operations, not their size: neighbours are read as slices
    of zero-padded arrays, and columns are written into one preallocated
    matrix (the values are those of the column-by-column definition, bit for bit)."""
    n = len(shapes)
    width = len(CONTEXT_NAMES)
    if n == 0:
        return np.zeros((0, width))
    t = np.asarray(text_logits, dtype=np.float64)
    c = t if clause_max is None else np.asarray(clause_max, dtype=np.float64)
    if n <= _SMALL:
        return _small_context_features(t, c, sigmoid(t) if text_probs is None else text_probs, shapes,
                                       rule_kinds, rule_drop)
    out = np.zeros((n, width))
    shape = out[:, 9:25]
    shape[:] = np.array([_shape_vector(sh) for sh in shapes], dtype=np.float64).reshape(n, 16)
    sentence = shape[:, 4].astype(bool)
    words = np.array([sh.words for sh in shapes])
    email = shape[:, 15].astype(bool)
    idx = np.arange(n)
    # The text logits padded with zeros (as past the ends): line k's neighbour
    # `d` lines away is tp[_PAD + k + d].
    tp = np.zeros(n + 2 * _PAD)
    tp[_PAD : _PAD + n] = t
    # Text logits two lines each side (zeros past the ends, as five-line windows),
    # a C-ordered (n, 5) matrix as np.stack made it (max and mean read it so).
    near2 = tp[idx[:, None] + _NEAR2]
    out[:, 0] = t
    out[:, 1], out[:, 2], out[:, 3], out[:, 4] = near2[:, 1], near2[:, 3], near2[:, 0], near2[:, 4]
    out[:, 5] = near2.max(axis=1)
    out[:, 6] = np.add.reduce(near2, axis=1) / 5  # near2.mean(axis=1), without its Python wrapper
    out[:, 7] = idx > 0
    out[:, 8] = idx + 1 < n
    # The line above's and below's sentence, le8_words and cta_start.
    out[1:, 25:28] = shape[:-1][:, _NEIGHBOUR_SHAPE]
    out[:-1, 28:31] = shape[1:][:, _NEIGHBOUR_SHAPE]
    kinds = np.array([_KIND_ROWS.get(k, _NO_KIND) for k in rule_kinds], dtype=np.float64).reshape(n, len(RULE_KINDS))
    out[:, 31:36] = kinds
    out[1:, 36:41] = kinds[:-1]
    out[:-1, 41:46] = kinds[1:]
    dp = np.zeros(n + 2)
    dp[1 : n + 1] = rule_drop
    out[:, 46] = dp[1 : n + 1]
    out[:, 47] = np.maximum(dp[:n], dp[2:])
    out[:, 48] = idx / max(n - 1, 1)
    out[:, 49] = idx == 0
    out[:, 50] = idx == n - 1
    out[:, 51] = n - 1 - idx < 3
    # Runs of non-sentence lines: their extent and what surrounds them.
    start, end = runs_of(~sentence)
    in_run = ~sentence
    run_len = np.where(in_run, end - start + 1, 0)
    offerish = np.concatenate([[0.0], np.cumsum(t > 0)])
    out[:, 52] = np.log1p(run_len)
    out[:, 53] = in_run & (start > 0) & (end + 1 < n)
    out[:, 54] = in_run & (end == n - 1)
    out[:, 55] = np.where(in_run, (offerish[end + 1] - offerish[np.maximum(start, 0)]) / np.maximum(run_len, 1), 0.0)
    # A line under a short non-sentence line, itself an e-mail line or a few words.
    out[1:, 56] = ~sentence[:-1] & (words[:-1] <= 8) & (email[1:] | (words[1:] <= 3))
    out[:, 57] = t * (words <= 8)
    out[:, 58] = t * sentence
    _neighbourhood(out[:, 59:67], t, sigmoid(t) if text_probs is None else text_probs, tp, sentence, idx)
    out[:, 67] = c
    out[:, 68] = c - t
    return out


_SMALL = 20  # up to this many lines the features are computed row by row in Python (fewer numpy calls)


def _small_context_features(t: np.ndarray, c: np.ndarray, probs: np.ndarray, shapes: list[LineShape],
                            rule_kinds: list[str], rule_drop: list[bool]) -> np.ndarray:
    """context_features of a few lines, row by row: the same values bit for
    bit (sums, differences, products and quotients are the same IEEE
    operations in the same order as numpy's; cumulative sums are sequential
    in both; the maximum, the mean and log1p stay numpy's), checked against
    the column-by-column definition in tests/test_offer_fast_paths.py."""
    n = len(shapes)
    tl, cl, pl = t.tolist(), c.tolist(), probs.tolist()
    sv = [_shape_vector(sh) for sh in shapes]
    sentence = [sh.sentence for sh in shapes]
    words = [sh.words for sh in shapes]
    kinds = [_KIND_ROWS.get(k, _NO_KIND) for k in rule_kinds]
    drop = [float(d) for d in rule_drop]
    z3, zk = (0.0, 0.0, 0.0), _NO_KIND

    def tt(k: int) -> float:
        return tl[k] if 0 <= k < n else 0.0

    # Runs of non-sentence lines, and runs of lines reading as an offer (bridged).
    run_start, run_end = _runs_loop([not x for x in sentence])
    run_start, run_end = run_start.tolist(), run_end.tolist()
    ok = [x >= _WORDS_LOGIT for x in tl]
    member = _bridged_list(ok, sentence)
    b_start, b_end = _runs_loop(member)
    b_start, b_end = b_start.tolist(), b_end.tolist()
    # Cumulative sums, sequential as np.cumsum's (the first term is the first value).
    offerish = [0.0, *accumulate(float(x > 0) for x in tl)]
    total = [0.0, *accumulate(pl)]
    okc = [0, *accumulate(int(x) for x in ok)]
    length = [b_end[k] - b_start[k] + 1 if b_start[k] >= 0 else 0 for k in range(n)]
    mean = [(total[b_end[k] + 1] - total[b_start[k]]) / length[k] if b_start[k] >= 0 else 0.0 for k in range(n)]
    sure = [k for k in range(n) if tl[k] >= _SURE_LOGIT]
    rows, logs = [], []
    for k in range(n):
        prev_sv, next_sv = (sv[k - 1] if k > 0 else None), (sv[k + 1] if k + 1 < n else None)
        in_run = not sentence[k]
        run_len = run_end[k] - run_start[k] + 1 if in_run else 0
        share = (offerish[run_end[k] + 1] - offerish[run_start[k]]) / run_len if in_run else 0.0
        heading = k > 0 and not sentence[k - 1] and words[k - 1] <= 8 and (shapes[k].email_like or words[k] <= 3)
        near_ok = float(okc[min(k + 4, n)] - okc[max(k - 3, 0)]) - ok[k]
        others = float(min(k + 5, n) - max(k - 4, 0) - 1)
        mean_near = (total[min(k + 5, n)] - total[max(k - 4, 0)] - pl[k]) / others if others > 0 else 0.0
        # The longest run among the line's own and its neighbours' (the first on a tie).
        around = [(length[j] if 0 <= j < n else 0, mean[j] if 0 <= j < n else 0.0) for j in (k - 1, k, k + 1)]
        best_len, best_mean = max(around, key=lambda x: x[0])  # max keeps the first of equal lengths
        up = min((k - j for j in sure if j < k), default=_FAR)  # a sure line above, not itself
        down = min((j - k for j in sure if j > k), default=_FAR)
        logs.append((run_len, best_len))
        rows.append((
            tl[k], tt(k - 1), tt(k + 1), tt(k - 2), tt(k + 2), 0.0, 0.0, float(k > 0), float(k + 1 < n),
            *sv[k],
            *((prev_sv[4], prev_sv[2], prev_sv[5]) if prev_sv else z3),
            *((next_sv[4], next_sv[2], next_sv[5]) if next_sv else z3),
            *kinds[k], *(kinds[k - 1] if k > 0 else zk), *(kinds[k + 1] if k + 1 < n else zk),
            drop[k], max(drop[k - 1] if k > 0 else 0.0, drop[k + 1] if k + 1 < n else 0.0),
            k / max(n - 1, 1), float(k == 0), float(k == n - 1), float(n - 1 - k < 3),
            0.0, float(in_run and run_start[k] > 0 and run_end[k] + 1 < n), float(in_run and run_end[k] == n - 1),
            share, float(heading),
            tl[k] * float(words[k] <= 8), tl[k] * float(sentence[k]),
            tt(k - 3), tt(k + 3), near_ok, mean_near, 0.0, best_mean, float(min(up, _FAR)), float(min(down, _FAR)),
            cl[k], cl[k] - tl[k],
        ))
    out = np.array(rows, dtype=np.float64).reshape(n, len(CONTEXT_NAMES))
    tp = np.zeros(n + 2 * _PAD)
    tp[_PAD : _PAD + n] = t
    near2 = tp[np.arange(n)[:, None] + _NEAR2]
    out[:, 5] = near2.max(axis=1)
    out[:, 6] = np.add.reduce(near2, axis=1) / 5
    out[:, [52, 63]] = np.log1p(np.array(logs, dtype=np.int64).reshape(n, 2))
    return out


_WORDS_LOGIT = -0.405  # text probability 0.4: the line's own words lean to an offer
_SURE_LOGIT = 2.197  # text probability 0.9
_FAR = 6
_AROUND = np.arange(3)  # in a once-padded array: the line above, the line, the line below


def distances_to_sure(t: np.ndarray, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lines up to the nearest line above and below whose text logit is
    _SURE_LOGIT or more (_FAR where there is none)."""
    sure = np.flatnonzero(t >= _SURE_LOGIT)
    if not len(sure):
        return np.full(len(idx), _FAR), np.full(len(idx), _FAR)
    above = np.searchsorted(sure, idx, side="left")
    below = np.searchsorted(sure, idx, side="right")
    up = np.where(above > 0, idx - sure[np.maximum(above - 1, 0)], _FAR)
    down = np.where(below < len(sure), sure[np.minimum(below, len(sure) - 1)] - idx, _FAR)
    return up, down


def _neighbourhood(out: np.ndarray, t: np.ndarray, probs: np.ndarray, tp: np.ndarray, sentence: np.ndarray,
                   idx: np.ndarray) -> None:
    """Writes into `out` (n rows, 8 columns) the columns of what a line's wider neighbourhood's words say: the text
    logits three lines away, how many of the three lines on each side read as
    an offer, the mean text probability of the four lines on each side, the
    run of lines reading as an offer that the line sits in or borders (as
    offer_blocks forms them: one short non-sentence line may break it), and
    how far the nearest line that is surely an offer is, above and below.
    `tp`: the text logits padded with _PAD zeros each side; `idx`: arange(n)."""
    n = len(t)
    ok = t >= _WORDS_LOGIT
    # Window counts are small integers: exact in any order of summing.
    okc = np.concatenate([[0], np.cumsum(ok)])
    near_ok = (okc[np.minimum(idx + 4, n)] - okc[np.maximum(idx - 3, 0)]).astype(np.float64) - ok
    others = (np.minimum(idx + 5, n) - np.maximum(idx - 4, 0) - 1).astype(np.float64)
    mean_near = np.where(others > 0, (_window_sum(probs, 4, 4) - probs) / np.maximum(others, 1), 0.0)
    start, end = runs_of(bridged(ok, sentence))
    length = np.where(start >= 0, end - start + 1, 0)
    total = np.concatenate([[0.0], np.cumsum(probs)])
    mean = np.where(start >= 0, (total[end + 1] - total[np.maximum(start, 0)]) / np.maximum(length, 1), 0.0)
    # The longest run among the line's own and its neighbours' (the first on a tie):
    # windows (above, own, below) over the zero-padded lengths and means.
    lp = np.zeros(n + 2, dtype=length.dtype)
    lp[1 : n + 1] = length
    mp = np.zeros(n + 2)
    mp[1 : n + 1] = mean
    best = idx + np.argmax(lp[idx[:, None] + _AROUND], axis=1)  # in the padded arrays
    up, down = distances_to_sure(t, idx)
    out[:, 0] = tp[_PAD - 3 : _PAD - 3 + n]
    out[:, 1] = tp[_PAD + 3 : _PAD + 3 + n]
    out[:, 2] = near_ok
    out[:, 3] = mean_near
    out[:, 4] = np.log1p(lp[best])
    out[:, 5] = mp[best]
    out[:, 6] = np.minimum(up, _FAR)
    out[:, 7] = np.minimum(down, _FAR)

def sigmoid(x: np.ndarray) -> np.ndarray:
    # np.clip(x, -30, 30), without its Python wrapper (the same values, NaN kept).
    return 1.0 / (1.0 + np.exp(-np.minimum(np.maximum(x, -30.0), 30.0)))

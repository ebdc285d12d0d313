"""The offer classifier's cheaper computations give what the plain ones give.

docs/quality.md (issue 13, "Extraction cost"): the shape patterns grouped by
first letter or searched only where a match can be, runs found in a loop for
short lists, each n-gram size hashed from the one before, the Latin-script
test without a count where no letter is outside Latin. Each is checked here
against the definition it replaces, on the development set's lines and on
generated strings.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import numpy as np

from pipelines import offer_classifier as oc
from pipelines import offer_features as of
from pipelines import offer_lexicon as lex
from pipelines import offers_text as ot

DEVSET = Path(__file__).resolve().parents[1] / "benchmarks" / "offer_devset" / "lines.jsonl.gz"


def _devset_lines() -> list[str]:
    out = []
    with gzip.open(DEVSET, "rt", encoding="utf-8") as fh:
        for raw in fh:
            rec = json.loads(raw)
            if "text" in rec:
                out.append(rec["text"])
            out += [x["text"] if isinstance(x, dict) else x for x in rec.get("lines", [])]
    return out


def _generated(words: list[str], count: int = 3000) -> list[str]:
    """Strings of the patterns' own words, cased, glued and cut every which way."""
    rng = np.random.default_rng(7)
    pieces = [*words, "x", "ab", "Über", "ſ", "K", "'", "’", "-", " ", ". ", "! ", ": ", "3", "€", "$",
              "1,99", "/Monat", " per week", "\u0301", "é", "İ", "ß", "_"]
    out = []
    for _ in range(count):
        parts = [pieces[i] for i in rng.integers(0, len(pieces), size=rng.integers(1, 7))]
        text = " ".join(parts) if rng.random() < 0.5 else "".join(parts)
        mode = rng.integers(0, 4)
        out.append(text.upper() if mode == 0 else text.title() if mode == 1 else text.capitalize() if mode == 2
                   else text)
    return out


def _words(pattern: str) -> list[str]:
    return re.findall(r"[^\W\d_]+", pattern)


def test_first_letter_factored_patterns_match_where_the_lexicon_ones_do():
    for source in (lex.SECOND_PERSON, lex.HOUSE_VOICE):
        factored = ot.first_letter_factored(source)
        assert factored != source
        plain, fast = re.compile(source, re.I), re.compile(factored, re.I)
        for text in _devset_lines() + _generated(_words(source)):
            assert bool(plain.search(text)) == bool(fast.search(text)), (source[:20], text)


def test_first_letter_factoring_leaves_other_patterns_alone():
    for pattern in (lex.CTA_START, lex.ATTRIBUTION, r"\b(a?b|c)\b", r"\b(|x)\b"):
        if not pattern.startswith(r"\b("):
            assert ot.first_letter_factored(pattern) == pattern
    assert ot.first_letter_factored(r"\b(a?b|c)\b") == r"\b(a?b|c)\b"


def test_formal_german_pattern_needs_its_literals():
    # _NeedsLiteral skips the search without "Sie", "Ihnen" or "Ihr": true of this pattern.
    assert lex.SECOND_PERSON_FORMAL_DE == r"(?<!^)(?<![.!?:]\s)\b(Sie|Ihnen|Ihr|Ihre[mnrs]?)\b"
    plain = re.compile(lex.SECOND_PERSON_FORMAL_DE)
    for text in _devset_lines() + _generated(["Sie", "Ihnen", "Ihr", "Ihre", "Ihrem", "sie", "ihr"]):
        assert bool(plain.search(text)) == bool(ot._SECOND_PERSON_DE_RE.search(text)), text


def test_every_price_holds_a_digit():
    # line_shape searches the price pattern only in a line with a digit (ShapePatterns.price_needs_digit).
    found = 0
    for text in _devset_lines() + _generated(["EUR", "USD", "Rs.", "Fr.", "CHF", "€", "£", "₹", "US$", "month"]):
        for m in ot.ShapePatterns.price.finditer(text):
            found += 1
            assert re.search(r"\d", m.group()), text
    assert found > 100


def test_latin_script_fast_path_gives_the_counted_verdict():
    def counted(line: str) -> bool:
        letters = [ch for ch in line if ch.isalpha()]
        if not letters:
            return True
        latin = sum(1 for ch in letters if ord(ch) < 0x250 or 0x1E00 <= ord(ch) <= 0x1EFF)
        return latin * 2 >= len(letters)

    extra = ["Привет мир", "Hello Привет", "ab Привет", "日本語のテキスト abc", "“quoted” – dash …", "ɐɐ ab", "Ḁḁ ab",
             "١٢٣ abc", "αβγ ab", "", "123 !!", "Ǆ ǅ ǆ", "Ⅻ ab"]
    for line in _devset_lines() + extra:
        oc._latin_script.cache_clear()
        assert oc._latin_script(line) == counted(line), line


def test_short_runs_loop_finds_the_numpy_runs():
    rng = np.random.default_rng(3)
    saved = of._RUNS_LOOP
    try:
        for n in range(0, 2 * saved + 2):
            for _ in range(30):
                member = rng.random(n) < rng.random()
                fast = of.runs_of(member)
                of._RUNS_LOOP = -1
                plain = of.runs_of(member)
                of._RUNS_LOOP = saved
                for a, b in zip(fast, plain, strict=True):
                    assert a.dtype == b.dtype and a.tobytes() == b.tobytes()
    finally:
        of._RUNS_LOOP = saved


def test_ngram_hashes_from_the_size_before_equal_the_direct_polynomial():
    lines = _devset_lines()[:300] + ["", "a", "ab", "Ünïcödé ✓ 日本"]
    rows, cols = of.ngram_ids(lines)
    # The direct definition: for each size, n * P**n + sum of code * P**(n-1-j), mixed.
    texts = [" " + " ".join(line.lower().split())[: of.MAX_CHARS] + " " for line in lines]
    want_rows, want_cols = [], []
    mask = (1 << 64) - 1
    for n in of.NGRAM_SIZES:
        for k, text in enumerate(texts):
            for i in range(len(text) - n + 1):
                h = n
                for ch in text[i : i + n]:
                    h = (h * 1_000_003 + ord(ch)) & mask
                h = ((h * 0x9E3779B97F4A7C15) & mask) >> (64 - oc.HASH_BITS)
                want_rows.append((n, k, i))
                want_cols.append(h)
    # ngram_ids orders by size, then by position in the joined text (line, offset).
    order = sorted(range(len(want_rows)), key=lambda j: want_rows[j])
    assert rows.tolist() == [want_rows[j][1] for j in order]
    assert cols.tolist() == [want_cols[j] for j in order]


def test_a_text_logit_does_not_depend_on_the_texts_scored_with_it():
    # OfferModel._scored scores a call's new lines and their sentences in one batch.
    model = oc.default_model()
    lines = _devset_lines()[:200]
    together = oc.linear_text_logits(lines, model.text_weights, model.text_bias)
    for k in range(0, len(lines), 17):
        alone = oc.linear_text_logits([lines[k]], model.text_weights, model.text_bias)
        assert alone.tobytes() == together[k : k + 1].tobytes()


def test_repeated_decisions_are_the_first_ones_and_follow_the_thresholds():
    import dataclasses

    model = dataclasses.replace(oc.default_model())  # its own verdict cache
    assert not model._decided
    lines = ["Subscribe now", "Get unlimited access for 1 € a week", "Sign in", "The council met on Tuesday."]
    kinds, drops = [ot.classify_line(x)[0] for x in lines], [False] * 4
    first = oc.decide(model, lines, kinds, drops, ot.ShapePatterns)
    assert oc.decide(model, lines, kinds, drops, ot.ShapePatterns) == first and len(model._decided) == 1
    model.clear_caches()
    assert oc.decide(model, lines, kinds, drops, ot.ShapePatterns) == first
    # Another low threshold is another key (evaluate.py sets model.low_threshold).
    oc.decide(model, lines, kinds, drops, ot.ShapePatterns, low_threshold=0.01)
    model.low_threshold = 0.02
    oc.decide(model, lines, kinds, drops, ot.ShapePatterns)
    assert len(model._decided) == 3


def _devset_groups() -> list[list[str]]:
    groups = []
    with gzip.open(DEVSET, "rt", encoding="utf-8") as fh:
        for raw in fh:
            rec = json.loads(raw)
            lines = [x["text"] if isinstance(x, dict) else x for x in rec.get("lines", [])] or [rec.get("text", "")]
            groups.append([x for x in lines if x.strip()])
    return [g for g in groups if g]


def test_context_features_equal_the_column_by_column_definition():
    from tests import offer_reference as ref

    model = oc.default_model()
    groups = _devset_groups()
    # Every length from 1 up, and windows of articles and blocks side by side.
    samples = groups + [a + b for a, b in zip(groups[::7], groups[3::7], strict=False)]
    samples += [g[k : k + size] for g in groups[:60] for size in (1, 2, 3, 5, 8, 13, 20, 21, 30) for k in (0, 2)]
    for lines in samples:
        if not lines:
            continue
        shapes = [oc.line_shape(x, ot.ShapePatterns) for x in lines]
        kinds = [ot.classify_line(x)[0] for x in lines]
        drops = ot.mark_offers([ot.classify_line(x) for x in lines])
        scored = np.array(model._scored(lines), dtype=np.float64).reshape(len(lines), 2)
        text = scored[:, 0]  # a strided view, as OfferModel.scores passes it
        want = ref.context_features(text, shapes, kinds, drops, scored[:, 1])
        got = oc.context_features(text, shapes, kinds, drops, scored[:, 1], text_probs=oc.sigmoid(text))
        assert got.shape == want.shape and got.tobytes() == want.tobytes(), lines[:2]
        assert oc.context_features(text, shapes, kinds, drops).tobytes() == \
            ref.context_features(text, shapes, kinds, drops).tobytes()
        assert oc.sigmoid(text).tobytes() == ref.sigmoid(text).tobytes()
    x = np.array([-1e9, -30.5, -30.0, -0.0, 0.0, 1e-300, 2.5, 30.0, 31.0, np.inf, -np.inf, np.nan])
    assert oc.sigmoid(x).tobytes() == ref.sigmoid(x).tobytes()

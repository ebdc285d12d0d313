"""CI quality gate: extraction + offer stripping on a fixed subset of the corpus.

tests/fixtures/quality/ holds 11 fundus pages (8 of them rich in subscription
offers) and 7 trafilatura-eval pages whose `without` snippets include offer or
newsletter text, as gzipped HTML with their ground truth. The pipeline's own
code runs on them (`crawlers.offline.process_html` via benchmarks/quality.py)
and the scores must stay above floors pinned a little below what was measured,
so a quality drop fails CI. Measured and pinned figures: docs/quality.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks import quality  # noqa: E402

FIXTURES = REPO / "tests" / "fixtures" / "quality"

# Measured on the fixtures (process_html, 2026-11-28): fundus P 0.970, R 0.998,
# F1 0.984; `with` 21/21; `without` 19/21; offer snippets 12/12; no offer-leak page.
FLOOR_FUNDUS_PRECISION = 0.955
FLOOR_FUNDUS_RECALL = 0.985
FLOOR_FUNDUS_F1 = 0.97
FLOOR_WITH_FOUND = 0.95
FLOOR_WITHOUT_ABSENT = 0.85
FLOOR_OFFER_SNIPPETS_ABSENT = 0.9


@pytest.fixture(scope="module")
def scores():
    res = quality.evaluate(FIXTURES, jobs=1)
    return res["newsdesk"], res["trafilatura"]


def test_fixture_set_is_complete():
    assert len(quality.load_pages(FIXTURES / "fundus")) == 11
    assert len(quality.load_pages(FIXTURES / "trafilatura-eval")) == 7


def test_fundus_body_quality(scores):
    (fundus, _), _ = scores
    assert fundus.precision >= FLOOR_FUNDUS_PRECISION
    assert fundus.recall >= FLOOR_FUNDUS_RECALL
    assert fundus.f1 >= FLOOR_FUNDUS_F1


def test_no_offer_text_left_in_fundus_bodies(scores):
    (fundus, _), _ = scores
    assert fundus.leak_pages == []


def test_offer_snippets_removed(scores):
    (_, snippets), (_, baseline) = scores
    absent = snippets.offer_absent / snippets.offer_total
    assert absent >= FLOOR_OFFER_SNIPPETS_ABSENT
    assert snippets.offer_absent > baseline.offer_absent  # better than plain trafilatura


def test_snippets_with_and_without(scores):
    (_, snippets), _ = scores
    assert snippets.with_found / snippets.with_total >= FLOOR_WITH_FOUND
    assert snippets.without_absent / snippets.without_total >= FLOOR_WITHOUT_ABSENT

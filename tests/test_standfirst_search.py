"""The standfirst search's shortcuts (pipelines/extract.py `_holding`,
`_comparable_longer`) give what the plain definitions give."""

from __future__ import annotations

import random

import lxml.html

from pipelines.extract import _comparable, _comparable_longer, _holding

_WORDS = ["budget", "council", "the", "vote", "Straße", "ÉTÉ", "a", "x_y", "2026", "—", "...", "\n   ", "  "]


def test_comparable_longer_agrees_with_the_comparable_text():
    rng = random.Random(7)
    for _ in range(2000):
        raw = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(0, 400))).casefold()
        short = rng.randint(0, 300)
        assert _comparable_longer(raw, short) is (len(_comparable(raw)) > short)


def test_holding_finds_the_elements_whose_text_holds_the_key():
    page = lxml.html.document_fromstring(
        "<html><body><div id='top'><p id='one'>The council approved the budget</p> "
        "<div id='two'><span>approved</span> <b>the budget on Tuesday</b></div></div> "
        "<p id='three'>Budget, council, approved: words only</p></body></html>")
    key = "approved the budget"
    found = [(el.get("id") or el.tag, fits) for el, fits in _holding(page.find("body"), key, 30)]
    plain = [(el.get("id") or el.tag, len(_comparable(el.text_content())) <= 30)
             for el in page.find("body").iterdescendants() if key in _comparable(el.text_content())]
    assert sorted(found) == sorted(plain) == [("one", False), ("top", False), ("two", True)]


def test_holding_agrees_with_the_comparable_text_on_random_texts():
    rng = random.Random(11)
    vocabulary = ["budget", "council", "the", "vote", "Straße", "ÉTÉ", "x_y", "2026", "on", "ton"]
    glue = [" ", "  ", ", ", "-", "—", "\n", "", "...", "'"]
    for _ in range(1500):
        raw = "".join(rng.choice(vocabulary) + rng.choice(glue) for _ in range(rng.randint(1, 12)))
        key = " ".join(rng.choice(vocabulary).casefold() for _ in range(rng.randint(1, 3)))
        page = lxml.html.document_fromstring("<html><body><p></p></body></html>")
        page.find(".//p").text = raw
        expected = key in _comparable(raw)
        found = [fits for _, fits in _holding(page.find("body"), key, 20)]
        assert bool(found) is expected, (raw, key)
        if expected:
            assert found == [len(_comparable(raw)) <= 20]

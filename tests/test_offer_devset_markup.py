"""The offer development set's markup rendering (benchmarks/offer_devset/compose.py).

Pure helpers: where the inserted block goes in a host page's markup, and how
labelled lines are compared with an extractor's output.
"""

from __future__ import annotations

import sys
from pathlib import Path

import lxml.html

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.offer_devset import compose  # noqa: E402

PAGE = """<html><body><article>
<header><h1>Title</h1><p class="lead">The standfirst, set in the header.</p></header>
<section class="body"><p>First paragraph of the body.</p><p>Second paragraph of the body.</p></section>
</article></body></html>"""
PARAS = ["The standfirst, set in the header.", "First paragraph of the body.", "Second paragraph of the body."]


def _inserted_under(at: int) -> str:
    root = lxml.html.fromstring(PAGE)
    parent, index = compose._insertion_point(root, PARAS, at)
    return f"{parent.tag}.{parent.get('class')}:{index}"


def test_block_after_the_standfirst_goes_into_the_body_not_the_header():
    # After paragraph 0 (the standfirst) means before paragraph 1, in the body.
    assert _inserted_under(1) == "section.body:0"
    assert _inserted_under(2) == "section.body:1"


def test_block_at_the_end_goes_after_the_last_paragraph():
    assert _inserted_under(3) == "section.body:2"


def test_paragraphs_missing_from_the_markup_give_no_insertion_point():
    root = lxml.html.fromstring(PAGE)
    assert compose._insertion_point(root, ["not on the page", "nor this"], 1) is None


def test_markup_key_ignores_soft_hyphens_and_zero_width_spaces_and_case():
    assert compose.markup_key("Die Streaming\xadserie\u200b  läuft.") == compose.markup_key("die streamingserie läuft.")
    assert compose.markup_key("Cafe\u0301") == compose.markup_key("Café")
    assert compose.markup_key("one line") != compose.markup_key("another line")


def test_an_extracted_line_is_an_article_line_when_the_ground_truth_body_holds_it():
    body = [compose.markup_key(p) for p in ("A first paragraph, long enough to read.", "A list item")]
    assert compose.in_body(compose.markup_key("A first paragraph, long enough to read."), body)
    assert compose.in_body(compose.markup_key("- A list item"), body)  # the extractor's list mark
    assert compose.in_body(compose.markup_key("a first paragraph,"), body)  # a part of one
    assert not compose.in_body(compose.markup_key("Redaktion: A. Writer"), body)  # a credit line
    assert not compose.in_body(compose.markup_key("-"), body)


def _kept(texts_labels: list[tuple[str, str]], output: list[str]) -> list[bool]:
    from benchmarks.offer_devset import evaluate

    lines = [{"text": t, "label": label} for t, label in texts_labels]
    return evaluate.markup_kept(lines, [compose.markup_key(x) for x in output])


def test_a_fragment_is_kept_only_with_its_own_neighbours_not_inside_any_line():
    block = [("Sign up for the briefing", "offer"), ("Privacy Policy", "offer"), (".", "offer")]
    # The box went; an unrelated short line holding "." does not keep the fragment.
    assert _kept(block, ["Google vs. OpenAI", "The mayor spoke."]) == [False, False, False]
    # The extractor joined the box's fragments into one line: all of them are kept.
    assert _kept(block, ["Sign up for the briefing Privacy Policy."]) == [True, True, True]
    # "The" is not kept by a word that holds it.
    assert _kept([("The", "offer"), ("Intercept_", "offer")], ["Adaze inkani amaphara eThekwini"]) == [False, False]
    assert _kept([("The", "offer"), ("Intercept_", "offer")], ["The Intercept_"]) == [True, True]


def test_a_long_line_is_kept_inside_a_slightly_longer_one_and_a_list_mark_is_ignored():
    line = "A sentence of the article that is long enough to stand alone."
    assert _kept([(line, "article")], [line + " (dpa)"]) == [True]
    assert _kept([(line, "article")], [line + " And another sentence that the extractor joined to it."]) == [False]
    assert _kept([("Monatlich", "offer")], ["- Monatlich"]) == [True]
    assert _kept([("Einmalig", "offer")], ["- Anschlusspreis: einmalig 19,99 Euro"]) == [False]

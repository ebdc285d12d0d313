"""The chrome test of extraction (pipelines/extract.py `_drop_page_chrome`): which
short non-sentence lines of an extracted body the page shows as furniture."""

from __future__ import annotations

import lxml.html

from pipelines.extract import _drop_page_chrome, _shown_as_chrome, _TextMap

_PROSE = "The council approved the new budget on Tuesday after a debate that lasted well into the evening."


def _tree(body: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(f"<html><head><title>t</title></head><body>{body}</body></html>")


def test_text_map_collapses_whitespace_and_breaks_blocks():
    tree = _tree("<div><p>One  <b>two</b>\nthree</p><p>four</p><script>var x = 1;</script>five</div>")
    textmap = _TextMap(tree.find("body"))
    assert textmap.text.split() == ["One", "two", "three", "four", "five"]
    p = tree.find(".//p")
    start = textmap.text.index("One")
    assert textmap.holder(start, start + len("One two three")) is p
    assert textmap.holder(start, textmap.text.index("four") + 4).tag == "div"


def test_lines_are_found_in_order_and_list_markers_ignored():
    tree = _tree("<nav><a href='/'>Home</a></nav><article><h2>Home</h2><ul><li>First item</li></ul></article>")
    textmap = _TextMap(tree.find("body"))
    holders = textmap.holders(["Home", "Home", "- First item", "Not on the page"])
    assert [h.tag if h is not None else None for h in holders] == ["a", "h2", "li", None]


def test_furniture_link_lines_and_link_lists_are_chrome():
    tree = _tree(
        "<header><p>Site name</p></header>"
        "<article><h2>What happened</h2>"
        "<p><a href='/x'>Six things to know about the vote</a></p>"
        "<p>Read <a href='/y'>the whole plan</a> here</p>"
        "<ul><li><a href='/1'>Other story one</a></li><li><a href='/2'>Other story two</a></li></ul>"
        "<ul><li>Butter, 65 g</li><li>Flour, <a href='/f'>type 405</a></li></ul>"
        "</article><aside><p>Most read</p></aside>")
    textmap = _TextMap(tree.find("body"))
    lines = ["Site name", "What happened", "Six things to know about the vote", "Read the whole plan here",
             "- Other story one", "- Butter, 65 g", "Most read"]
    verdicts = [_shown_as_chrome(textmap, el) for el in textmap.holders(lines)]
    assert verdicts == [True, False, True, False, True, False, True]


def test_only_candidate_lines_found_as_chrome_are_dropped():
    tree = _tree(f"<article><p>{_PROSE}</p><h2>What happened</h2><p><a href='/z'>{_PROSE}</a></p></article>"
                 "<nav><a href='/'>Front page</a></nav>")
    body = "\n".join([_PROSE, "What happened", _PROSE, "Front page", "Not on the page"])
    assert _drop_page_chrome(body, tree).split("\n") == [_PROSE, "What happened", _PROSE, "Not on the page"]


def test_a_body_of_chrome_only_stays_as_it_was():
    tree = _tree("<nav><a href='/'>Front page</a> <a href='/s'>Sport</a></nav>")
    assert _drop_page_chrome("Front page\nSport", tree) == "Front page\nSport"

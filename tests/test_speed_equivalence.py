"""Issue 16's one-pass rewrites give what the code they replaced gave.

Each test keeps the replaced form as the reference and compares on pages
built to hit its edge cases (benchmarks/same_output.py checks the corpus).
"""

from __future__ import annotations

import lxml.html

from pipelines import dedup
from pipelines.extract import _clean, _meta
from pipelines.meta_text import clean_text, meta_content
from pipelines.offers_dom import _has_marker, _is_dialog, _marked_candidate, _marker_text

META_PAGE = """<html><head>
<meta property="og:title" content="  First &amp; title ">
<meta name="og:title" content="First &amp; title">
<meta itemprop="author" content="Ann">
<meta name="author" content="">
<meta name="author" content="Bob">
<meta property="author" name="author" content="Cy">
<meta name="description">
<meta name="Author" content="case differs">
</head><body><div><meta itemprop="author" content="Dee in the body"></div>
<p>text</p></body></html>"""


def _meta_content_per_key(root, *keys):
    out = []
    for key in keys:
        for el in root.xpath(f'//meta[@property="{key}" or @name="{key}" or @itemprop="{key}"]'):
            if (value := clean_text(el.get("content"))) and value not in out:
                out.append(value)
    return out


def _meta_per_key(root, *keys):
    for key in keys:
        for el in root.xpath(f'//meta[@property="{key}" or @name="{key}" or @itemprop="{key}"]'):
            if value := _clean(el.get("content")):
                return value
    return None


def test_meta_content_reads_what_an_xpath_per_key_read():
    root = lxml.html.document_fromstring(META_PAGE)
    for keys in [("og:title",), ("author",), ("description", "author", "og:title"), ("Author", "author"),
                 ("missing",), ()]:
        assert meta_content(root, *keys) == _meta_content_per_key(root, *keys)
        assert _meta(root, *keys) == _meta_per_key(root, *keys)
    # searched from an element inside the page: still the whole page's <meta>s, as //meta did
    body = root.find("body")
    assert meta_content(body, "author") == _meta_content_per_key(body, "author") == ["Ann", "Bob", "Cy", "Dee in the body"]


CANDIDATE_PAGE = """<html><body>
<div class="Paywall-Box" id="x">a</div>
<div id="NEWSLETTER">b</div>
<span aria-label="Subscribe now">c</span>
<div data-component="promo-slot" data-long="{long_offer}">d</div>
<div data-x="{long_paywall}">e</div>
<div data-offer-id="7">f</div>
<section role="Dialog">g</section>
<section role="alertdialog">h</section>
<div aria-modal="TRUE">i</div>
<div aria-modal="false" role="button">j</div>
<dialog>k</dialog>
<dialog open="">l</dialog>
<p class="story" title="piano lessons">m</p>
<a href="/offer/1">n</a>
<div class="">o</div>
<p>plain</p>
</body></html>""".format(long_offer="offer" + "x" * 90, long_paywall="paywall" + "x" * 90)


def test_marked_candidate_is_the_marker_and_dialog_test():
    root = lxml.html.document_fromstring(CANDIDATE_PAGE)
    verdicts = []
    for el in root.iter():
        if not isinstance(el.tag, str) or not el.items():
            continue
        expected = _has_marker(_marker_text(el).casefold()) or _is_dialog(el)
        assert _marked_candidate(el.tag, el.items()) is expected, lxml.html.tostring(el)
        verdicts.append(expected)
    assert True in verdicts and False in verdicts


def test_few_tokens_counts_as_findall_did():
    lines = ["", "one two three four five", "one two three four five six", "a, b; c. d! e? f",
             "東京都 の 新しい", "東京都の新しい政策について", "x" * 50, "word " * 200, "12 34 56 78 90 11"]
    for line in lines:
        assert dedup._few_tokens(line) == (len(dedup._TOKEN.findall(line)) < dedup.MIN_SEGMENT_WORDS), line

"""Properties of strip_offers: total, idempotent, never adds text."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.offers_text import StripResult, strip_offers

# Lines that mix prose, offer wording, prices and plan cells, so that the
# generated texts exercise the block logic and not only random noise.
_LINES = st.sampled_from(
    [
        "The council approved the budget on Tuesday after a long debate.",
        "Subscribe now",
        "Already a subscriber? Log in",
        "₹300/Month",
        "3 Months",
        "Smart Quarterly",
        "Cancel anytime",
        "Jetzt abonnieren",
        "Abonnez-vous",
        "Sign up for our newsletter",
        "What happens next",
        "(AP)",
        "Disclaimer: No journalist was involved in creation of this content",
        "Netflix raised its price to $15.49 a month, the company said on Tuesday.",
        "",
        "   ",
    ]
)
_TEXTS = st.one_of(
    st.text(),
    st.lists(st.one_of(_LINES, st.text(max_size=40)), max_size=25).flatmap(
        lambda lines: st.sampled_from(["\n", "\n\n", "\r\n"]).map(lambda sep: sep.join(lines))
    ),
)

_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(_TEXTS)
def test_never_raises(text):
    result = strip_offers(text)
    assert isinstance(result, StripResult)
    assert isinstance(result.body, str)


@_SETTINGS
@given(_TEXTS)
def test_idempotent(text):
    once = strip_offers(text).body
    assert strip_offers(once).body == once


@_SETTINGS
@given(_TEXTS)
def test_never_adds_text(text):
    body = strip_offers(text).body
    input_lines = set(text.splitlines())
    for line in body.splitlines():
        if line.strip():
            assert line in input_lines


@_SETTINGS
@given(_TEXTS)
def test_removed_text_comes_from_input(text):
    result = strip_offers(text)
    stripped = {line.strip() for line in text.splitlines()}
    for block in result.removed_blocks:
        for line in block.text.splitlines():
            assert line.strip() in stripped or line.strip() in text

"""Properties of the pure duplicate logic on arbitrary input."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.provisional import urls

from pipelines.dedup import hamming, simhash64, simhash_bands
from pipelines.urls import canonicalize_url

INT64 = (-(2**63), 2**63 - 1)

hosts = st.sampled_from(["example.com", "www.example.com", "m.example.com", "amp.example.co.uk",
                         "News.Example.ORG", "xn--bcher-kva.de", "bücher.de", "127.0.0.1", "[::1]"])
segments = st.lists(st.sampled_from(["a", "amp", "Story", "%7E", "%2F", "ü", "", "index.amp.html",
                                     "x y", ".", ".."]), max_size=5)
params = st.lists(st.tuples(st.sampled_from(["utm_source", "id", "amp", "outputType", "fbclid",
                                             "B", "a", "q", "", "ä"]),
                            st.sampled_from(["1", "amp", "", "x y", "%20", "ü", "a=b"])), max_size=5)


@st.composite
def messy_urls(draw):
    scheme = draw(st.sampled_from(["http", "https", "HTTPS", "ftp", ""]))
    port = draw(st.sampled_from(["", ":80", ":443", ":8080"]))
    path = "/".join(draw(segments))
    query = "&".join(f"{k}={v}" if v else k for k, v in draw(params))
    frag = draw(st.sampled_from(["", "#top", "#"]))
    slash = draw(st.sampled_from(["", "/"]))
    return f"{scheme}://{draw(hosts)}{port}/{path}{slash}{'?' + query if query else ''}{frag}"


any_url = st.one_of(messy_urls(), urls(), st.text(max_size=80))
domains = st.lists(st.sampled_from(["example.com", "www.example.com", "example.co.uk", "other.org"]),
                   max_size=2)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(any_url, st.one_of(st.none(), any_url), domains)
def test_canonicalize_never_raises_and_is_idempotent(url, declared, doms):
    once = canonicalize_url(url, declared=declared, domains=doms)
    assert isinstance(once, str)
    assert canonicalize_url(once, domains=doms) == once
    # an absolute declared canonical gives the same key when applied again; a relative
    # one is relative to the fetched URL, not to the key, so it is not re-applied
    if declared and declared.strip().lower().startswith(("http://", "https://")):
        assert canonicalize_url(once, declared=declared, domains=doms) == once


@settings(max_examples=200)
@given(st.text(max_size=2000))
def test_simhash_fits_int64(text):
    value = simhash64(text)
    assert INT64[0] <= value <= INT64[1]
    assert all(isinstance(k, str) for k in simhash_bands(value))


words = st.lists(st.sampled_from(["harbour", "bridge", "council", "vote", "the", "a", "2024",
                                  "million", "euros", "mayor", "Straße", "東京", "cyclists"]),
                 min_size=40, max_size=300)


@settings(max_examples=100)
@given(words)
def test_simhash_of_real_looking_text_fits_int64(ws):
    text = "\n".join(" ".join(ws[i : i + 12]) + "." for i in range(0, len(ws), 12))
    value = simhash64(text)
    assert INT64[0] <= value <= INT64[1]
    assert hamming(value, value) == 0

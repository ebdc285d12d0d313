"""The shipped outlet files against real pages of those outlets.

Fixtures in tests/fixtures/outlet_pages/<outlet>/ are pages copied from
/work/shared/corpus (fundus and trafilatura-eval); each `<id>.expected.json`
holds that corpus's ground truth: url, title, body snippets (fundus: body
paragraphs of the ground truth, trimmed; trafilatura-eval: its `with`
snippets), the publication date. `known_misses` lists ground-truth paragraphs
the pipeline does not currently extract (documentation, not asserted).

fundus puts a page's standfirst/teaser first in its body; the pipeline keeps
that in `description`, so body snippets start at the second paragraph.
"""

from __future__ import annotations

import gzip
import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from pipelines.outlets import BUILTIN_DIR, load_outlets

FIXTURES = Path(__file__).parent / "fixtures" / "outlet_pages"
OUTLETS = load_outlets([BUILTIN_DIR])


def norm(text: str | None) -> str:
    return " ".join((text or "").split())


def fixture_pages() -> list[tuple[str, Path]]:
    return [(d.name, p) for d in sorted(FIXTURES.iterdir()) if d.is_dir()
            for p in sorted(d.glob("*.expected.json"))]


PAGES = fixture_pages()


# -- article URL patterns ------------------------------------------------------

# Article URLs per outlet. Those from the corpus are real URLs of saved pages;
# the others follow the outlet's public URL structure (could not be checked
# live here, no network).
ARTICLE_URLS = {
    "business-standard": [
        "https://www.business-standard.com/economy/news/india-s-gdp-grows-8-2-in-fy24-124053101234_1.html",
        "https://www.business-standard.com/article/international/north-korean-delegation-visits-china-118051500987_1.html",
        "https://www.business-standard.com/markets/news/sensex-nifty-end-higher-124061200455_1.html?utm_source=rss",
    ],
    "the-guardian": [
        "https://www.theguardian.com/world/2024/feb/24/death-toll-in-valencia-fire-rises-to-10-as-remains-of-last-missing-person-found",
        "https://www.theguardian.com/education/2020/jan/20/thousands-of-uk-academics-treated-as-second-class-citizens",
        "https://www.theguardian.com/world/live/2024/oct/15/ukraine-war-live-updates",
    ],
    "bbc-news": [
        "https://www.bbc.com/news/articles/clymn8zyrp9o",
        "https://www.bbc.com/news/explainers-63159607",
        "https://www.bbc.com/news/world-us-canada-52241221",
        "https://www.bbc.co.uk/news/articles/c4gvd0ze9x1o?at_medium=RSS&at_campaign=rss",
    ],
    "spiegel": [
        "https://www.spiegel.de/wirtschaft/unternehmen/silicon-valley-bank-federal-reserve-raeumt-versaeumnisse-bei-aufsicht-ein-a-60a0111a-c2d2-46c8-9e93-b16a374e6ba8#ref=rss",
        "https://www.spiegel.de/spiegel/print/d-161500790.html",
        "https://www.spiegel.de/politik/deutschland/bundestag-debatte-a-1234567.html",
    ],
    "zeit": [
        "https://www.zeit.de/news/2023-04/28/nach-massenschlaegerei-real-star-llull-entschuldigt-sich",
        "https://www.zeit.de/2019/43/klimaschutz-banken-unternehmen-fracking-oelfoerderung-fossile-brennstoffe",
        "https://www.zeit.de/politik/ausland/2024-10/nahost-israel-libanon-krieg/komplettansicht",
    ],
    "sueddeutsche": [
        "https://www.sueddeutsche.de/muenchen/landkreismuenchen/ranking-fahrradfreundlichkeit-fleissige-bundestagsabgeordnete-kolumne-1.5827206",
        "https://www.sueddeutsche.de/sport/berlin-marathon-hendel-lux.GoPAarjxoHNezv1hVvgdhr",
        "https://www.sueddeutsche.de/wirtschaft/bahn-flixbus-flixtrain-deutschlandtakt-fernverkehr-1.4445845",
    ],
    "faz": [
        "https://www.faz.net/aktuell/politik/ausland/die-schweiz-ist-ein-grosser-tummelplatz-fuer-russische-spione-19655247.html",
        "https://www.faz.net/aktuell/wirtschaft/unternehmen/wie-gefaehrlich-billigware-aus-china-wirklich-ist-110419175.html",
        "https://www.faz.net/aktuell/rhein-main/frankfurt/49-euro-ticket-pendler-zahlen-60-prozent-weniger-18857107.html",
    ],
    "tagesschau": [
        "https://www.tagesschau.de/inland/innenpolitik/ahrtal-flut-bilanz-100.html",
        "https://www.tagesschau.de/investigativ/ndr/rheinmetall-datenleck-101.html",
    ],
    "le-monde": [
        "https://www.lemonde.fr/politique/article/2023/08/30/sophie-binet-met-en-garde-emmanuel-macron-sur-la-gravite-de-la-situation-dans-le-pays_6187099_823448.html",
        "https://www.lemonde.fr/international/live/2024/10/15/guerre-au-proche-orient-en-direct_6350000_3210.html",
    ],
    "le-figaro": [
        "https://www.lefigaro.fr/international/guerre-en-ukraine-deux-morts-dans-des-frappes-russes-dans-le-nord-est-du-pays-20241122",
        "https://www.lefigaro.fr/politique/2019/05/02/01002-20190502ARTFIG00123-europeennes-la-campagne.php",
    ],
    "el-pais": [
        "https://elpais.com/internacional/2024-10-15/bruselas-sondea-la-apertura-de-centros-de-deportacion-fuera-de-la-union-europea.html",
        "https://elpais.com/elpais/2020/02/18/ciencia/1582045946_459487.html",
    ],
    "corriere-della-sera": [
        "https://www.corriere.it/esteri/25_gennaio_05/trump-accoglie-meloni-a-mar-a-lago-ha-davvero-preso-d-assalto-l-europa-rubio-giorgia-leader-forte-incontro-anche-sul-caso-3c53a5b8-27fc-4886-a0bf-a10908331xlk.shtml",
        "https://milano.corriere.it/notizie/cronaca/24_ottobre_15/incidente-in-tangenziale-3c53a5b8-27fc-4886-a0bf-a10908331aaa.shtml",
    ],
    "la-repubblica": [
        "https://roma.repubblica.it/cronaca/2025/01/05/news/laziale_ebreo_striscione_antisemita_tangenziale-423921494/",
        "https://www.repubblica.it/esteri/2024/10/15/news/ucraina_guerra-423900000/",
    ],
    "times-of-india": [
        "https://timesofindia.indiatimes.com/world/pakistan/anti-terror-op-turns-sinister-pakistani-netizens-being-walled-off-as-army-raises-spectre-of-digital-terrorism/articleshow/112898501.cms",
        "https://timesofindia.indiatimes.com/city/bhopal/newborns-left-in-dustbins-buses-forests-madhya-pradesh-tops-india-in-infant-abandonment-cases-for-5th-straight-year/articleshow/130278578.cms",
    ],
    "ap-news": [
        "https://apnews.com/article/mexico-economy-growth-3cc842471fb9df42315d658d88c8403a",
        "https://apnews.com/article/trump-harris-presidential-election-2024-labor-day-151f82b59473d29a448ef1cea9afe471",
    ],
    "reuters": [
        "https://www.reuters.com/business/aerospace-defense/nepal-says-no-proof-flydubai-plane-suffered-bird-strike-2023-04-25/",
        "https://www.reuters.com/world/middle-east/israeli-tank-likely-scenario-fired-machine-gun-reporters-after-deadly-shelling-2024-03-07/",
        "https://www.reuters.com/article/us-awards-sag/parasite-scores-upset-at-sag-awards-boosting-oscar-chances-idUSKBN1ZI0EH",
    ],
    "washington-post": [
        "https://www.washingtonpost.com/weather/2024/04/26/storms-tornadoes-iowa-kansas-nebraska-oklahoma/",
        "https://www.washingtonpost.com/politics/budget-talks/2019/01/01/3c53a5b8-27fc-4886-a0bf-a10908331a1b_story.html",
    ],
    "new-york-times": [
        "https://www.nytimes.com/2020/08/16/business/california-blackouts.html",
        "https://www.nytimes.com/live/2024/10/15/us/election-news",
    ],
    "nzz": [
        "https://www.nzz.ch/international/israel-und-gaza-news-und-entwicklungen-im-nahostkonflikt-ld.1759794",
        "https://www.nzz.ch/international/der-nervenkrieg-um-den-brexit-geht-in-die-naechste-runde-ld.1516516",
    ],
    "der-standard": [
        "https://www.derstandard.at/story/3000000218734/nach-kalifat-rufen-in-hamburg-sind-wir-zu-sanft-zu-islamisten?ref=rss",
        "https://www.derstandard.at/jetzt/livebericht/3000000240000/nahost-liveticker",
    ],
    "japan-times": [
        "https://www.japantimes.co.jp/news/2020/02/18/national/crime-legal/6000-surgical-masks-stolen/",
        "https://www.japantimes.co.jp/business/2024/10/15/companies/toyota-earnings/",
    ],
    "asahi-shimbun": [
        "https://www.asahi.com/articles/AST1F4445T1FUTIL02SM.html",
        "https://www.asahi.com/articles/ASS9N3QX6S9NUTIL00LM.html",
    ],
    "folha-de-s-paulo": [
        "https://www1.folha.uol.com.br/mercado/2024/10/bolsa-fecha-em-alta.shtml",
        "https://www1.folha.uol.com.br/poder/2024/10/eleicoes-municipais-segundo-turno.shtml",
    ],
}

# Pages on an outlet's domains that are not articles (besides its sections and feeds).
NON_ARTICLE_URLS = {
    "the-guardian": ["https://www.theguardian.com/world/2024/feb/24/all", "https://www.theguardian.com/profile/richard-adams"],
    "bbc-news": ["https://www.bbc.com/news/topics/cx1m7zg0gzdt", "https://www.bbc.com/news/av/world-us-canada-52241221"],
    "zeit": ["https://www.zeit.de/2019/43/index", "https://www.zeit.de/news/index"],
    "tagesschau": ["https://www.tagesschau.de/multimedia/video/video-1234567.html"],
    "ap-news": ["https://apnews.com/hub/ap-top-news"],
    "times-of-india": ["https://timesofindia.indiatimes.com/city/bhopal"],
}


def test_every_outlet_has_article_examples():
    assert set(ARTICLE_URLS) == set(OUTLETS)


@pytest.mark.parametrize("name", sorted(OUTLETS))
def test_sections_and_feeds_are_not_articles(name):
    spec = OUTLETS[name]
    for url in [*spec.sections, *spec.feeds, *spec.sitemaps, *NON_ARTICLE_URLS.get(name, [])]:
        assert not spec.article_regex.search(url), url


@pytest.mark.parametrize("name", sorted(OUTLETS))
def test_known_article_urls_match(name):
    spec = OUTLETS[name]
    assert len(ARTICLE_URLS[name]) >= 2
    for url in ARTICLE_URLS[name]:
        assert spec.owns_url(url), url
        assert spec.article_regex.search(url), url


@pytest.mark.parametrize("name", sorted(OUTLETS))
def test_outlet_metadata(name):
    spec = OUTLETS[name]
    assert spec.title and spec.country and spec.language and spec.timezone
    assert len(spec.country) == 2 and spec.country.islower()
    assert len(spec.language) == 2 and spec.language.islower()
    assert spec.politeness.download_delay >= 1.0
    assert spec.politeness.obey_robots_txt
    assert not spec.allow_private_network
    assert all(spec.owns_url(u) for u in [*spec.feeds, *spec.sitemaps])


def test_seed_outlet():
    spec = OUTLETS["business-standard"]
    assert (spec.country, spec.language, spec.timezone) == ("in", "en", "Asia/Kolkata")


# -- extraction on saved pages ----------------------------------------------------

def test_fixtures_belong_to_shipped_outlets():
    assert len({name for name, _ in PAGES}) >= 10
    for name, path in PAGES:
        assert name in OUTLETS, path
        assert path.with_name(path.name.replace(".expected.json", ".html.gz")).is_file(), path


@pytest.mark.parametrize("name, expected_path", PAGES, ids=[p.name.replace(".expected.json", "") for _, p in PAGES])
def test_outlet_page_extraction(name, expected_path):
    # imported here so that the URL tests above run even if the pipeline cannot be imported
    from crawlers.offline import process_html

    spec = OUTLETS[name]
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    url = expected["url"]
    assert spec.owns_url(url)
    assert spec.article_regex.search(url)

    html = gzip.decompress(expected_path.with_name(expected_path.name.replace(".expected.json", ".html.gz")).read_bytes())
    article = process_html(html, url, spec)

    assert article["dropped"] is None
    assert article["outlet"] == name
    if expected.get("title"):
        assert norm(article["title"]) == norm(expected["title"])
    body = norm(article["body"])
    assert len(expected["body_snippets"]) >= 2
    for snippet in expected["body_snippets"]:
        assert norm(snippet) in body, snippet
    if expected.get("published_at"):
        published = article["published_at"]
        assert isinstance(published, datetime) and published.tzinfo is not None
        local = published.astimezone(ZoneInfo(spec.timezone))
        assert local.date().isoformat() == expected["published_at"]


# -- generic extraction rules (pipelines/extract.py) on small synthetic pages ----

from pipelines.extract import _chrome_candidate, extract_article  # noqa: E402

_PARAS = [
    "The council approved the new budget on Tuesday after a debate that lasted well into the evening hours.",
    "Members of the opposition said the spending plan did not do enough for the city's ageing schools and roads.",
    "The mayor defended the plan, saying it balanced the books for the first time in more than a decade.",
    "A final vote on the tax changes that come with the budget is expected at the next session in two weeks.",
]
_LEAD = "The city will spend more on transport and less on administration under a plan approved late on Tuesday."


def _page(head: str = "", before: str = "", paragraphs: list[str] = _PARAS, after: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<html><head><title>Budget approved</title>{head}</head><body>{before}"
            f"<article><h1>Budget approved</h1>{body}</article>{after}</body></html>")


def test_xml_declaration_page_is_parsed():
    art = extract_article('<?xml version="1.0" encoding="utf-8"?>\n' + _page(), "https://example.org/a")
    assert art.body and _PARAS[0] in art.body


def test_shown_standfirst_goes_first():
    head = f'<meta property="og:description" content="{_LEAD}">'
    art = extract_article(_page(head, before=f'<div class="intro"><p>{_LEAD}</p></div>'), "https://example.org/a")
    assert art.body.split("\n")[0] in (_LEAD, "Budget approved")
    assert _LEAD in art.body and art.body.count(_LEAD) == 1


def test_description_shown_only_as_photo_caption_is_not_added():
    head = f'<meta property="og:description" content="{_LEAD}">'
    caption = f"<figure><img src='x.jpg'><figcaption>{_LEAD}</figcaption></figure>"
    art = extract_article(_page(head, before=caption), "https://example.org/a")
    assert _LEAD not in (art.body or "")


def test_hydration_data_fallback_when_the_page_shows_no_text():
    html_body = "".join(f"<p>{p}</p>" for p in _PARAS * 2)  # at least 500 characters of paragraphs
    state = json.dumps({"detail": {"contentHtml": html_body}})
    page = f"<html><head><title>x</title></head><body><div id='app'></div><script>window.q.push({state})</script></body></html>"
    art = extract_article(page, "https://example.org/a")
    assert art.extraction == "embedded" and _PARAS[-1] in art.body


def test_longer_jsonld_article_body_replaces_a_cut_body():
    more = [p.replace("budget", "plan").replace("council", "assembly") + " It was the longest session this year."
            for p in _PARAS]
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Budget approved",
          "articleBody": "\n".join(_PARAS + more)}
    head = f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    art = extract_article(_page(head), "https://example.org/a")
    assert art.extraction == "jsonld" and more[-1] in art.body


@pytest.mark.parametrize("line, candidate", [
    ("Related stories", True),
    ("- Six things to know about the budget vote", True),
    ("The council approved the new budget on Tuesday after a long debate.", False),
    ("Additional reporting by Jane Doe; Editing by John Roe", False),
    ("| 65 g | Butter |", False),
])
def test_chrome_candidates(line, candidate):
    assert _chrome_candidate(line) is candidate

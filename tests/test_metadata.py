"""Unit tests of pipelines/metadata.py: titles, authors, dates, text cleaning."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone

import lxml.html
import pytest

from pipelines.metadata import (
    OutletTitles,
    TitleCandidates,
    choose_date,
    choose_title,
    clean_authors,
    clean_text,
    domain_names,
    home_link_names,
    jsonld_authors,
    page_metadata,
    resolve_dates,
    settle_disagreement,
    site_keys,
    split_byline,
    strip_site_name,
    url_date,
)

NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)


# -- text -----------------------------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    ("It&#039;s here", "It's here"),
    ("&#8216;Quoted&#8217; &quot;twice&quot;", "\u2018Quoted\u2019 \"twice\""),
    ("Double &amp;#039;escaped&amp;#039;", "Double 'escaped'"),
    ("&lt;p&gt;A <b>bold</b> claim&lt;/p&gt;", "A bold claim"),
    ("  spaced \n out\u00a0text ", "spaced out text"),
    ("   ", None),
    (None, None),
    (42, None),
])
def test_clean_text_decodes_entities_and_drops_markup(raw, expected):
    assert clean_text(raw) == expected


# -- titles ----------------------------------------------------------------

def test_domain_names():
    assert domain_names("https://www.boersen-zeitung.de/x") == ["boersen-zeitung", "boersen-zeitung.de"]
    assert domain_names("https://www.bbc.co.uk/news/1")[:2] == ["bbc", "bbc.co.uk"]


@pytest.mark.parametrize(("title", "names", "expected"), [
    ("Yoga for beginners – Brett Larkin Yoga", ["Brett Larkin Yoga"], "Yoga for beginners"),
    ("Zinsen steigen | Börsen-Zeitung", ["boersen-zeitung", "boersen-zeitung.de"], "Zinsen steigen"),
    ("Ziele, Chancen, Risiken | DW | 28.04.2023", ["DW", "dw.com"], "Ziele, Chancen, Risiken"),
    ("Lesotho Times - Court rules on land", ["Lesotho Times"], "Court rules on land"),
    # a dash inside the headline, no site name: untouched
    ("Kiew - Berlin - Paris: a route", ["example.com"], "Kiew - Berlin - Paris: a route"),
    ("No separator here", ["Site"], "No separator here"),
])
def test_strip_site_name(title, names, expected):
    assert strip_site_name(title, site_keys(names)) == expected


def test_learned_affix_is_cut_after_enough_pages_and_not_before():
    learned = OutletTitles()
    for headline in ("Markets rally", "Rates fall"):
        learned.learn([f"{headline} :: Morning Paper Online"])
    assert learned.cut("Oil slips :: Morning Paper Online") == "Oil slips :: Morning Paper Online"  # 2 pages
    learned.learn(["Gold gains :: Morning Paper Online"])
    assert learned.cut("Oil slips :: Morning Paper Online") == "Oil slips"
    # an affix with a date in it repeats too: digits do not count
    dated = OutletTitles()
    for i, headline in enumerate(("Alpha", "Beta", "Gamma")):
        dated.learn([f"{headline} story | Europe | 2{i}.04.2023"])
    assert dated.cut("Delta story | Europe | 28.04.2023") == "Delta story"
    # a headline's own part is not an affix
    assert dated.cut("Kiew | Berlin") == "Kiew | Berlin"


def test_choose_title_prefers_jsonld_then_the_candidate_the_h1_confirms():
    cands = TitleCandidates(headline="The JSON-LD headline", og_title="The real headline | Daily Site",
                            h1=["The real headline"], html_title="The real headline | Daily Site")
    assert choose_title(cands, site_keys(["Daily Site"])) == "The JSON-LD headline"
    cands.headline = None
    assert choose_title(cands, site_keys(["Daily Site"])) == "The real headline"
    cands = TitleCandidates(og_title="A social-media title", h1=["The real headline"],
                            html_title="The real headline | Daily Site")
    assert choose_title(cands, site_keys(["Daily Site"])) == "The real headline"


def test_choose_title_h1_inside_a_longer_meta_title_wins():
    cands = TitleCandidates(og_title="The real headline ~ tagline of the site", h1=["The real headline"])
    assert choose_title(cands, set()) == "The real headline"


def test_choose_title_visible_h1_before_a_different_social_title():
    cands = TitleCandidates(og_title="Run Windows on Mac - Desktop 15 Virtual Machine | Parallels",
                            h1=["Desktop 15 for Mac"], html_title="Run Windows on Mac | Parallels")
    assert choose_title(cands, site_keys(["Parallels"])) == "Desktop 15 for Mac"
    # a label, a masthead or a kicker glued to the headline is not the headline
    assert choose_title(TitleCandidates(og_title="The story itself", h1=["Leggi anche:"]), set()) == "The story itself"
    assert choose_title(TitleCandidates(html_title="The story itself | Krimiblog", h1=["Krimiblog"]),
                        site_keys(["Krimiblog"])) == "The story itself"
    assert choose_title(TitleCandidates(og_title="Große Aufgaben für die neue Regierung",
                                        h1=["Tunesien Große Aufgaben für die neue Regierung"]),
                        set()) == "Große Aufgaben für die neue Regierung"


def test_choose_title_typographic_quotes_of_the_h1_win_over_an_ascii_copy():
    cands = TitleCandidates(og_title="Warum ich \"Bauchgeburt\" sage - Jane Wayne",
                            h1=["Warum ich \u201eBauchgeburt\u201c sage"])
    assert choose_title(cands, site_keys(["Jane Wayne"])) == "Warum ich \u201eBauchgeburt\u201c sage"
    # other differences (spacing around a kicker's colon) leave the meta wording
    cands = TitleCandidates(headline="Klimaschutz: Bohren", h1=["Klimaschutz : Bohren"])
    assert choose_title(cands, set()) == "Klimaschutz: Bohren"


def test_home_link_names_cut_a_blog_name_from_the_title():
    html = """<html><head><title>Alles Neue mach der Mai | Bibliothek 2.0 und mehr</title></head><body>
      <header><a href="https://www.example-blog.de/">Bibliothek 2.0 und mehr</a>
      <a href="/"><img src="logo.png" alt="Logo of the blog"></a></header>
      <a href="https://www.example-blog.de/2014/05/other-post/">Bibliothek 2.0 und mehr: other post</a>
      <article><p>Text.</p></article></body></html>"""
    root = lxml.html.document_fromstring(html)
    url = "http://www.example-blog.de/2014/05/18/alles-neue/"
    assert home_link_names(root, url) == ["Bibliothek 2.0 und mehr", "Logo of the blog"]
    assert page_metadata(root, [], None, url, now=NOW).title == "Alles Neue mach der Mai"


def test_blog_template_label_after_the_site_name_goes():
    assert strip_site_name("Four Years » Blog Archive » Interning of integers", site_keys(["Four Years"])) \
        == "Interning of integers"


def test_choose_title_falls_back_in_order_and_decodes():
    assert choose_title(TitleCandidates(headline="It&#039;s &lt;b&gt;news&lt;/b&gt;"), set()) == "It's news"
    assert choose_title(TitleCandidates(html_title="Only the title - Site"), site_keys(["Site"])) == "Only the title"
    assert choose_title(TitleCandidates(), set()) is None


# -- authors ---------------------------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    ("Samya Kullab and Vasilisa Stepanenko", ["Samya Kullab", "Vasilisa Stepanenko"]),
    ("By Jane Doe & John Roe", ["Jane Doe", "John Roe"]),
    ("Marie Dupont et Jean Martin", ["Marie Dupont", "Jean Martin"]),
    ("Ana García y Luis Pérez", ["Ana García", "Luis Pérez"]),
    ("Von Anna Schmidt", ["Anna Schmidt"]),
    ("John E Smith", ["John E Smith"]),  # a capital initial is not the Portuguese "e"
])
def test_split_and_clean_bylines(raw, expected):
    assert clean_authors([raw])[0] == expected


def test_agency_recorded_apart_and_desk_code_kept_with_it():
    people, agency = clean_authors(["Felix Schröder und Jörg Soldwisch, dpa"])
    assert people == ["Felix Schröder", "Jörg Soldwisch"]
    assert agency == "dpa"
    assert clean_authors(["dpa/lno"]) == ([], "dpa/lno")
    assert clean_authors(["Associated Press in Valencia"]) == ([], "Associated Press")
    assert clean_authors(["Reuters"], organisations=["Reuters"]) == ([], "Reuters")
    # national wire services signing in their own name, in any case
    assert clean_authors(["JIJI"]) == ([], "JIJI")
    assert clean_authors(["Anadolu Ajansı"]) == ([], "Anadolu Ajansı")
    assert clean_authors(["Maria Muster, Kathpress"]) == (["Maria Muster"], "Kathpress")


def test_job_titles_and_trailing_words_dropped():
    assert clean_authors(["Keith Barry Senior Autos Reporter"])[0] == ["Keith Barry"]
    assert clean_authors(["Staff Reporter"])[0] == []
    assert clean_authors(["BR24 Redaktion"])[0] == []
    assert clean_authors(["신현주 기자"])[0] == ["신현주"]
    assert clean_authors(["Rebecca Head"])[0] == ["Rebecca Head"]


def test_a_dotted_user_name_is_a_name_unless_it_ends_in_a_top_level_domain():
    assert clean_authors(["robert.stitz"])[0] == ["Robert Stitz"]
    assert clean_authors(["symple.ch"])[0] == []  # a country's domain
    assert clean_authors(["kicker.com"])[0] == []
    assert clean_authors(["jo.doe"])[0] == []  # two letters: initials or a domain, not read as a name


def test_an_interviews_credit_is_split_into_both_names():
    assert clean_authors(["Richard David Precht im Gespräch mit Karin Fischer"])[0] \
        == ["Richard David Precht", "Karin Fischer"]
    assert clean_authors(["Jane Doe in conversation with John Roe"])[0] == ["Jane Doe", "John Roe"]


def test_one_word_and_a_job_noun_is_a_pen_name():
    assert clean_authors(["Rasender Reporter"])[0] == ["Rasender Reporter"]
    assert clean_authors(["신현주 기자"])[0] == ["신현주"]  # a name in a caseless script, then the role
    assert clean_authors(["Jane Doe Reporter"])[0] == ["Jane Doe"]
    assert clean_authors(["Staff Reporter"])[0] == []


def test_a_profession_before_the_name_goes():
    assert clean_authors(["Rechtsanwalt Sebastian Einbock"])[0] == ["Sebastian Einbock"]
    assert clean_authors(["Attorney Jane Doe"])[0] == ["Jane Doe"]
    assert clean_authors(["Rechtsanwältin"])[0] == []


def test_a_desk_word_before_a_publications_name_and_a_spelled_out_email_name_nobody():
    assert clean_authors(["Redaktion Gelbe Liste Pharmindex"])[0] == []
    assert clean_authors(["Staff Writer Jane Doe"])[0] == ["Jane Doe"]  # a role, then the name
    assert clean_authors(["cipha[at]cipha.net"])[0] == []
    assert clean_authors(["Jane Doe, jane.doe (at) example.org"])[0] == ["Jane Doe"]
    assert clean_authors(["Jane Doe (Atlanta)"])[0] == ["Jane Doe"]


def test_outlet_name_is_not_an_author():
    names = site_keys(["Lesotho Times", "topgear.com", "dw", "dw.com"])
    assert clean_authors(["Lesotho Times"], names)[0] == []
    assert clean_authors(["TopGear com Published"], names)[0] == []
    assert clean_authors(["Deutsche Welle"], names)[0] == []  # initials of the domain
    assert clean_authors(["hessenschau.de, Frankfurt, Germany"], site_keys(["hessenschau.de"]))[0] == []
    # an article or a region's short code before the outlet's name
    assert clean_authors(["Die FURCHE"], site_keys(["furche", "furche.at"]))[0] == []
    assert clean_authors(["OÖ Volksblatt"], site_keys(["volksblatt", "volksblatt.at"]))[0] == []
    assert clean_authors(["Ute Volksblatt"], site_keys(["volksblatt"]))[0] == ["Ute Volksblatt"]


@pytest.mark.parametrize(("raw", "expected"), [
    ("Perry Bacon Jr.", ["Perry Bacon Jr."]),  # the period of an abbreviation stays
    ("T. V. Raman", ["T. V. Raman"]),
    ("By Jane Doe.", ["Jane Doe"]),
    ("Grant Tinsley, PhD", ["Grant Tinsley"]),  # a degree is nobody
    ("Art Edwards says", ["Art Edwards"]),
    ("Sara Zinnecker Stand: 01.02.2022", ["Sara Zinnecker"]),
    ("FOCUS-Online-Experte Robin Tschöpe", ["Robin Tschöpe"]),
    ("Interview: Julia Lauter", ["Julia Lauter"]),
    ("No Author", []),
    ("Name", []),
    ("Super User", []),
    ("ZooRoyal Petcare GmbH", []),  # a company
    ("Deutscher Caritasverband e.V.", []),  # "e" of "e.V." is no Portuguese "and"
    ("Bundesverband WindEnergie e V", []),  # the same, its periods lost
    ("Olympia-Verlag GmbH; Nürnberg; Germany", []),  # a company's signature, address and all
    ("www.haufe.de", []),
    ("Unbenannt", []),
    ("Jane Doe, Acme GmbH", ["Jane Doe"]),  # a person before the company stays
])
def test_bylines_lose_periods_degrees_placeholders_and_companies_only_where_due(raw, expected):
    assert clean_authors([raw])[0] == expected


def _page(body: str, head: str = "") -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(f"<html><head>{head}</head><body>{body}</body></html>")


def test_author_links_name_the_byline_when_markup_names_nobody():
    url = "https://blog.example.org/2020/01/02/post/"
    root = _page("""<div class="entry-meta">by <a rel="author" href="/author/marc/">marc</a></div>
        <div id="comments"><a rel="author" href="/author/reader/">A Reader</a></div>
        <aside><a href="/author/jane-roe/">Jane Roe</a></aside>""")
    assert page_metadata(root, [], None, url, now=NOW).authors == ["marc"]  # a handle, as the page shows it
    # a label links to the author page: its address spells the name; a desk's page is nobody
    root = _page("""<a href="https://x.example/author/redaktion/">Redaktion</a>
        <a href="https://x.example/author/luis-holuch/">257 Artikel</a>""")
    assert page_metadata(root, [], None, url, now=NOW).authors == ["Luis Holuch"]
    root = _page('<a rel="author" href="/?author=3">Zeige alle Beiträge von Petra Ruland</a>')
    assert page_metadata(root, [], None, url, now=NOW).authors == ["Petra Ruland"]


def test_written_by_label_in_meta_tags():
    root = _page("<p>Text</p>", '<meta name="twitter:label1" content="Verfasst von">'
                                '<meta name="twitter:data1" content="Karoline Herr">')
    assert page_metadata(root, [], None, "https://example.de/a", now=NOW).authors == ["Karoline Herr"]


def test_slugs_become_names_and_variants_fold():
    assert clean_authors(["chuck-ross"])[0] == ["Chuck Ross"]
    assert clean_authors(["Sophie Foster", "Sophie-Foster", "sophie foster"])[0] == ["Sophie Foster"]
    assert clean_authors(["sophie-foster", "Sophie Foster"])[0] == ["Sophie Foster"]


def test_bounded_length():
    assert clean_authors(["This is a whole sentence that somebody put in the author field"])[0] == []
    many = ", ".join(f"Person Number{chr(65 + i)}" for i in range(20))
    assert len(clean_authors([many])[0]) == 12


def test_cjk_names_are_names():
    assert clean_authors(["大渡 美咲"])[0] == ["大渡 美咲"]
    assert clean_authors(["구현모"])[0] == ["구현모"]


def test_split_byline_drops_bracketed_credits():
    assert split_byline("Emma Mackenzie (Image: Getty Images/iStockphoto)") == ["Emma Mackenzie"]


def test_jsonld_author_shapes():
    graph = [{"@id": "https://x/#/person/1", "@type": "Person", "name": "Ann Lee"},
             {"@id": "https://x/#org", "@type": "NewsMediaOrganization", "name": "X Daily"}]
    assert jsonld_authors({"author": "Ann Lee"}, graph) == (["Ann Lee"], [])
    assert jsonld_authors({"author": [{"@type": "Person", "name": "Ann Lee"}, {"name": "Bo Wu"}]}, graph) == (
        ["Ann Lee", "Bo Wu"], [])
    assert jsonld_authors({"author": {"@id": "https://x/#/person/1"}}, graph) == (["Ann Lee"], [])
    assert jsonld_authors({"author": [{"@id": "https://x/#org"}]}, graph) == ([], ["X Daily"])
    assert jsonld_authors({"author": {"@type": "Person", "givenName": "Ann", "familyName": "Lee"}}, graph) == (
        ["Ann Lee"], [])
    assert jsonld_authors({"author": "https://x/author/chuck-ross/"}, graph) == (["chuck-ross"], [])
    assert jsonld_authors(None, graph) == ([], [])


def test_a_first_name_alone_is_completed_by_the_persons_own_description():
    graph = [{"@id": "https://x/#/person/2", "@type": "Person", "name": "Nils",
              "description": "Nils Pickert ist freier Autor und Journalist."}]
    assert jsonld_authors({"author": {"@id": "https://x/#/person/2"}}, graph) == (["Nils Pickert"], [])
    assert jsonld_authors({"author": {"@type": "Person", "name": "Stefanus",
                                      "description": "Stefanus Stahl - Maschinenbauer, Abenteurer"}}, []) \
        == (["Stefanus Stahl"], [])
    # a description about something else, or a full name already, leaves the name as it is
    assert jsonld_authors({"author": {"@type": "Person", "name": "Nils",
                                      "description": "Nilsson-Preis geht an Hamburg"}}, []) == (["Nils"], [])
    assert jsonld_authors({"author": {"@type": "Person", "name": "Nils",
                                      "description": "Nils schreibt über Mode"}}, []) == (["Nils"], [])
    assert jsonld_authors({"author": {"@type": "Person", "name": "Ann Lee",
                                      "description": "Ann Lee Smith writes"}}, []) == (["Ann Lee"], [])


# -- dates -------------------------------------------------------------------

def test_url_date():
    assert url_date("https://x/2024/05/03/story") == "2024-05-03"
    assert url_date("https://x/news/20240503-story") == "2024-05-03"
    assert url_date("https://x/story-123") is None
    assert url_date("https://x/home/2017/7/12/unter-uns") == "2017-07-12"  # no zeros, between slashes
    assert url_date("https://x/2017/7/story-12") is None  # a year and a month only


def test_future_and_pre_1990_dates_dropped():
    dates = resolve_dates([("jsonld", "2099-01-01T00:00:00Z"), ("meta", "1985-05-05"), ("time", "2024-05-03")])
    choice = choose_date(dates, NOW)
    assert choice.source == "time"
    assert choice.value == datetime(2024, 5, 3, tzinfo=timezone.utc)


def test_jsonld_kept_and_disagreement_recorded():
    dates = resolve_dates([("jsonld", "2024-05-03T10:00:00+00:00"), ("meta", "2024-05-10T10:00:00+00:00")])
    choice = choose_date(dates, NOW)
    assert choice.value == datetime(2024, 5, 3, 10, tzinfo=timezone.utc)
    assert choice.disagreement == {"jsonld": "2024-05-03T10:00:00+00:00", "meta": "2024-05-10T10:00:00+00:00"}
    close = choose_date(resolve_dates([("jsonld", "2024-05-03T10:00:00Z"), ("meta", "2024-05-03T20:00:00Z")]), NOW)
    assert close.disagreement is None


def test_the_visible_date_settles_a_disagreement_only_when_it_confirms_the_other_source():
    dates = resolve_dates([("jsonld", "2023-11-03T10:25:56+00:00"), ("meta", "2023-11-06T14:25:00+00:00")])
    choice = choose_date(dates, NOW)
    assert choice.source == "jsonld" and choice.rival[0] == "meta"
    settled = settle_disagreement(choice, date(2023, 11, 6))
    assert (settled.source, settled.value) == ("meta", datetime(2023, 11, 6, 14, 25, tzinfo=timezone.utc))
    assert settled.disagreement["kept"] == "meta" and settled.disagreement["jsonld"].startswith("2023-11-03")
    # the dateline confirming the first source, or neither: the first stays, still recorded
    assert settle_disagreement(choice, date(2023, 11, 3)).source == "jsonld"
    kept = settle_disagreement(choice, date(2023, 12, 24))
    assert kept.source == "jsonld" and kept.disagreement["kept"] == "jsonld"
    # sources a day and an hour apart, the page showing the earlier day: too close to overrule the first
    close = choose_date(resolve_dates([("jsonld", "2020-02-19T18:37:32+01:00"), ("meta", "2020-02-18T18:12:26+01:00")]))
    assert close.rival is not None and settle_disagreement(close, date(2020, 2, 18)).source == "jsonld"
    # two meta tags apart are a disagreement too
    metas = choose_date(resolve_dates([("meta", "2021-12-14T15:41:07+01:00"), ("meta", "2022-02-04T15:33:00+01:00")]))
    assert set(metas.disagreement) == {"meta", "meta2"}


def test_date_without_offset_read_in_the_pages_own_offset():
    dates = resolve_dates([("time", "2024-05-03 10:00"), ("meta", "2024-05-03T12:00:00+02:00")])
    assert dates[0][1] == datetime(2024, 5, 3, 8, tzinfo=timezone.utc)
    # none on the page: the outlet's zone
    alone = resolve_dates([("time", "2024-05-03 10:00")], "Europe/Berlin")
    assert alone[0][1] == datetime(2024, 5, 3, 8, tzinfo=timezone.utc)


def test_ambiguous_day_month_read_by_page_language():
    assert resolve_dates([("time", "01-11-2023 10:29")], language="de")[0][1].month == 11
    assert resolve_dates([("time", "01-11-2023 10:29")], language="en-US")[0][1].month == 1


# -- the whole page ------------------------------------------------------------

PAGE = """<html lang="en"><head>
<title>Markets rally on rate hopes | The Daily Example</title>
<meta property="og:title" content="Markets rally on rate hopes | The Daily Example">
<meta property="og:site_name" content="The Daily Example">
<meta property="article:published_time" content="2024-05-03T09:00:00+02:00">
<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
 {"@type": "NewsArticle", "headline": "Markets rally on rate hopes", "datePublished": "2024-05-03T09:00:00+02:00",
  "author": [{"@id": "https://example.com/#/a/1"}, {"@type": "Organization", "name": "Reuters"}],
  "publisher": {"@type": "Organization", "name": "The Daily Example"}},
 {"@id": "https://example.com/#/a/1", "@type": "Person", "name": "Ann Lee"}]}</script>
</head><body><article><h1>Markets rally on rate hopes</h1><p>Text.</p></article></body></html>"""


def test_page_metadata_end_to_end():
    root = lxml.html.document_fromstring(PAGE)
    graph = json.loads(root.xpath("string(//script[@type='application/ld+json'])"))["@graph"]
    meta = page_metadata(root, graph, graph[0], "https://example.com/2024/05/03/markets", now=NOW)
    assert meta.title == "Markets rally on rate hopes"
    assert meta.authors == ["Ann Lee"]
    assert meta.agency == "Reuters"
    assert meta.published_at == "2024-05-03T07:00:00+00:00"
    assert meta.date_disagreement is None


def test_title_affix_keys_count_once_per_page():
    from pipelines.metadata import title_affix_keys

    keys = title_affix_keys(["Oil slips | Paper", "Oil slips | Paper"])
    assert keys == title_affix_keys(["Oil slips | Paper"])
    assert all(k.startswith("title:") for k in keys)  # apart from the outlet-line keys they share storage with
    assert title_affix_keys([None, ""]) == set()


def test_process_html_cuts_the_learned_affix():
    from crawlers.offline import process_html

    learned = OutletTitles()
    for headline in ("Markets rally on rate hopes", "Rates fall again", "Gold gains"):
        learned.learn([f"{headline} ~ Morning Paper Online"])
    body = "".join(f"<p>Paragraph {i} of the article, with enough words to be read as text.</p>" for i in range(8))
    page = f"<html><head><title>Oil slips on supply ~ Morning Paper Online</title></head><body>{body}</body></html>"
    assert process_html(page, "https://example.org/a")["title"] == "Oil slips on supply ~ Morning Paper Online"
    assert process_html(page, "https://example.org/a", learned_titles=learned)["title"] == "Oil slips on supply"

"""Kickers: the <h1>'s marked kicker left out, a meta title's glued kicker cut
when the page's <h1> or og:title is the headline alone (pipelines/metadata.py)."""

from __future__ import annotations

import lxml.html

from pipelines.metadata import (
    TitleCandidates,
    TitlePolicy,
    choose_title,
    drop_kicker,
    title_candidates,
)


def _h1(html: str) -> list[str]:
    return title_candidates(lxml.html.document_fromstring(f"<html><body>{html}</body></html>"), None).h1


def test_marked_kicker_and_hidden_separator_left_out_of_the_h1():
    assert _h1("<h1><span class='article-heading__kicker'>Klimaschutz</span><span class='visually-hidden'>: </span>"
               "<span>Bohren, bis es heiß wird</span></h1>") == ["Bohren, bis es heiß wird"]
    assert _h1("<h1><span class='kicker'>Entwurf</span><span class='hide'>: </span><span>Ein Fortschritt</span></h1>") \
        == ["Ein Fortschritt"]  # the separator outside the kicker's element goes too
    assert _h1("<h1>Kein Kicker: <b>nur</b> Text</h1>") == ["Kein Kicker: nur Text"]
    # a label line opening the <h1>, text after it
    assert _h1("<h1><div class='topic-label'>100. Geburtstag</div> Margot Friedländer wird 100</h1>") \
        == ["Margot Friedländer wird 100"]
    # the same inside a link wrapping the whole heading (a forum thread's prefix label)
    assert _h1("<h1><a href='/t/1'><span class='label label--blue'>Patch Notes</span><span> </span>"
               "Patchnotes 4.47.4 - Bugfix Build</a></h1>") == ["Patchnotes 4.47.4 - Bugfix Build"]
    assert _h1("<h1><a href='/t/1'>Patch Notes <span class='label'>neu</span></a></h1>") \
        == ["Patch Notes neu"]  # text before the label: no kicker
    # a separator drawn for the eye only: the part before it is the kicker
    assert _h1("<h1><span>Coronavirus und Zoonosen</span><span aria-hidden='true'> – </span>"
               "<span>Wie Umweltzerstörung Epidemien begünstigt</span></h1>") == ["Wie Umweltzerstörung Epidemien begünstigt"]
    assert _h1("<h1><span>Teil eins</span><span aria-hidden='true'>★</span> und zwei</h1>") == ["Teil eins ★ und zwei"]  # not between two parts


def test_glued_kicker_cut_only_when_another_title_is_the_rest():
    assert drop_kicker("Chronik: Lotte Tobisch ist tot", ["Lotte Tobisch ist tot"]) == "Lotte Tobisch ist tot"
    assert drop_kicker("Kücknitz - So lief die Auktion", ["So lief die Auktion"]) == "So lief die Auktion"
    assert drop_kicker("Chronik: Lotte Tobisch ist tot", ["Ganz anders"]) == "Chronik: Lotte Tobisch ist tot"
    assert drop_kicker("Chronik: Tot", ["Tot"]) == "Chronik: Tot"  # too short a rest to be sure


def test_choose_title_drops_the_kicker_of_the_jsonld_headline():
    cands = TitleCandidates(headline="Chronik: Lotte Tobisch ist tot", og_title="Chronik: Lotte Tobisch ist tot",
                            h1=["Lotte Tobisch ist tot"])
    assert choose_title(cands, set()) == "Lotte Tobisch ist tot"
    assert choose_title(cands, set(), policy=TitlePolicy(drop_kicker=False)) == "Chronik: Lotte Tobisch ist tot"


def test_a_subhead_that_is_the_meta_titles_first_part_is_the_headline():
    from pipelines.metadata import subhead_part

    assert subhead_part("Was ist Virales Marketing? | DimidoBlog", ["Was ist Virales Marketing?"]) \
        == "Was ist Virales Marketing?"
    assert subhead_part("Was ist Virales Marketing? | DimidoBlog", ["Etwas anderes"]) \
        == "Was ist Virales Marketing? | DimidoBlog"
    # a section's heading matching the last part is no headline
    assert subhead_part("Samsung Unpacked: neue Foldables – das erwarten wir", ["das erwarten wir"]) \
        == "Samsung Unpacked: neue Foldables – das erwarten wir"
    page = "<title>Alles Neue mach der Mai | Bibliothek und mehr</title><h2>Alles Neue mach der Mai</h2>"
    root = lxml.html.document_fromstring(f"<html><head></head><body>{page}</body></html>")
    assert choose_title(title_candidates(root, None), set()) == "Alles Neue mach der Mai"
    # a trailing bracket (the magazine's issue) is a part too, when a heading is the rest
    assert subhead_part("Der historische Purzelbaum (2021/5)", ["Der historische Purzelbaum"]) \
        == "Der historische Purzelbaum"
    assert subhead_part("Der historische Purzelbaum (2021/5)", ["Anderes"]) == "Der historische Purzelbaum (2021/5)"


def test_ruby_readings_are_no_part_of_the_headline():
    import lxml.html

    from pipelines.metadata import title_candidates

    root = lxml.html.document_fromstring(
        "<html><body><article><h1><ruby>子<rt>こ</rt></ruby>どもへの<ruby>体罰<rp>(</rp><rt>たいばつ</rt><rp>)</rp>"
        "</ruby>を禁止する</h1></article></body></html>")
    assert title_candidates(root, None).h1[0] == "子どもへの体罰を禁止する"


def test_a_label_part_another_meta_title_lacks_is_cut():
    from pipelines.metadata import TitleCandidates, choose_title

    cands = TitleCandidates(headline="Bubi-Bomber wieder da: Thioune fordert Geduld | Sport",
                            og_title="Bubi-Bomber wieder da: Thioune fordert Geduld", h1=["Thioune fordert Geduld"])
    assert choose_title(cands, set()) == "Bubi-Bomber wieder da: Thioune fordert Geduld"
    # a longer rest is a subtitle, not a label
    cands = TitleCandidates(headline="Ein Titel | mit einem Untertitel in Worten", og_title="Ein Titel")
    assert choose_title(cands, set()) == "Ein Titel | mit einem Untertitel in Worten"


def test_the_site_tagline_a_rating_and_a_dangling_separator_go():
    from pipelines.metadata import site_keys, strip_site_name

    names = site_keys(["Journalistenwatch e.V.", "St. Georg"])
    assert strip_site_name("Ladensterben immer dramatischer » ☆☆☆☆☆ - Journalistenwatch e.V. - Aktuelle Geschehnisse",
                           names) == "Ladensterben immer dramatischer"
    assert strip_site_name("Pferdesport definitiv bei Olympia 2028 dabei -", names) \
        == "Pferdesport definitiv bei Olympia 2028 dabei"
    assert strip_site_name("Macron sur la « gravité de la situation »", names) == "Macron sur la « gravité de la situation »"
    assert strip_site_name("Eine Nachricht - mit Zusatz - und Ende", names) == "Eine Nachricht - mit Zusatz - und Ende"


def test_a_wayback_copy_links_home_through_the_archive_and_hidden_h1s_are_no_headline():
    import lxml.html

    from pipelines.metadata import page_metadata

    url = "https://web.archive.org/web/20140226054445/http://www.time4talks.com/2013/08/07/kinos/"
    html = ("<html><head><title>Time 4 talks » Blog Archiv » Weitere Digitalisierung der Schweizer Kinos</title>"
            "</head><body><h1><a href='https://web.archive.org/web/20140226054445/http://www.time4talks.com/'>"
            "Time 4 talks</a></h1><p>Text.</p></body></html>")
    assert page_metadata(lxml.html.document_fromstring(html), [], None, url).title \
        == "Weitere Digitalisierung der Schweizer Kinos"
    html = ("<html><body><h1 class='header pagetitle hidden'>News</h1>"
            "<h1>Auf das erste Elektron kommt es an</h1></body></html>")
    assert page_metadata(lxml.html.document_fromstring(html), [], None, "https://example.org/n").title \
        == "Auf das erste Elektron kommt es an"


def test_a_spaced_colon_separates_the_site_name_but_a_plain_colon_stays():
    from pipelines.metadata import site_keys, strip_site_name

    names = site_keys(["Muffin Rezepte"])
    assert strip_site_name("Muffin Grundrezept : Muffin Rezepte", names) == "Muffin Grundrezept"
    assert strip_site_name("Macron : la réforme passe", names) == "Macron : la réforme passe"


def test_everything_after_the_sites_name_is_its_tagline():
    from pipelines.metadata import site_keys, strip_site_name

    names = site_keys(["Krimiblog-Archiv"])
    assert strip_site_name("Das schwulste Musikvideo der Welt : Krimiblog-Archiv | Ermittlungen zum Verfall | "
                           "Gegründet 2005 | 6. Jahrgang", names) == "Das schwulste Musikvideo der Welt"
    # the site's name holding a separator itself, as its home link gives it
    assert strip_site_name("Enchufla Figuren - Salsa-Figuren - Rueda in Berlin",
                           site_keys(["Salsa-Figuren - Rueda in Berlin"])) == "Enchufla Figuren"
    # no part names the site: nothing is cut
    assert strip_site_name("Eine Nachricht - mit Zusatz - und Ende", names) == "Eine Nachricht - mit Zusatz - und Ende"


def test_a_site_name_glued_on_without_spaces_goes_with_a_short_label_before_it():
    from pipelines.metadata import site_keys, strip_site_name

    assert strip_site_name("武汉的声音：有英勇的你，才有英雄的城！-新华网", site_keys(["新华网"])) \
        == "武汉的声音：有英勇的你，才有英雄的城！"
    assert strip_site_name("장동혁, 한동훈 제명했지만… 부담 커졌다-정치ㅣ한국일보", site_keys(["한국일보"])) \
        == "장동혁, 한동훈 제명했지만… 부담 커졌다"
    # a hyphenated word at the end is no glued site name
    assert strip_site_name("Die Wahl in Sachsen-Anhalt", site_keys(["Spiegel"])) == "Die Wahl in Sachsen-Anhalt"


def test_a_subhead_may_be_a_meta_title_prefix_holding_a_separator():
    from pipelines.metadata import subhead_part

    assert subhead_part("30.11. | Buch der Woche - Nikole Hannah-Jones (Hrsg.) • 1619", ["30.11. | Buch der Woche"]) \
        == "30.11. | Buch der Woche"


def test_a_meta_title_a_heading_shows_beats_an_h1_that_agrees_with_none():
    cands = TitleCandidates(html_title="Kinder und Arbeit » ProNATs", h1=["ProNATs e.V. Verein zur Unterstützung"],
                            subheads=["Kinder und Arbeit", "Arbeitende Kinder"])
    assert choose_title(cands, {"pronats"}) == "Kinder und Arbeit"
    cands.subheads = ["Etwas anderes"]
    assert choose_title(cands, {"pronats"}) == "ProNATs e.V. Verein zur Unterstützung"


def test_without_an_h1_the_meta_title_a_heading_shows_in_its_own_wording_wins():
    cands = TitleCandidates(og_title="Senador califica a Biden de", html_title='Senador califica a Biden de "incapaz"',
                            subheads=['Senador califica a Biden de "incapaz"'])
    assert choose_title(cands, set()) == 'Senador califica a Biden de "incapaz"'
    cands = TitleCandidates(og_title="Whisky Tastings Januar - Mai", html_title="Whisky Tastings Januar – Mai",
                            subheads=["Whisky Tastings Januar – Mai"])
    assert choose_title(cands, set()) == "Whisky Tastings Januar – Mai"


def test_a_short_h1_is_the_headline_only_when_a_meta_title_shares_a_word_and_holds_no_such_part():
    assert choose_title(TitleCandidates(html_title="Trails! Ischgl", h1=["Ischgl"]), set()) == "Ischgl"
    assert choose_title(TitleCandidates(og_title="Seriöses Design für Unternehmen", h1=["Design"]), set()) == "Design"
    # a compound ending in the meta title's word
    assert choose_title(TitleCandidates(html_title="Geschichte - St. Georgs Chorknaben Ulm", h1=["Chorgeschichte"]),
                        {"chorknabenulm"}) == "Chorgeschichte"
    # a section's label: the raw <title> holds it as one of its parts
    assert choose_title(TitleCandidates(html_title="GALORE.de | Kultur | Literatur | Buch der Woche",
                                        og_title="Buch der Woche im Herbst", h1=["Literatur"]), {"galore"}) \
        == "Buch der Woche im Herbst"
    # a masthead sharing no word with the meta title
    assert choose_title(TitleCandidates(og_title="Messengerdienste sind kein rechtsfreier Raum",
                                        h1=["Bundeskriminalamt (BKA)"]), set()) \
        == "Messengerdienste sind kein rechtsfreier Raum"


def test_a_title_cut_at_an_ellipsis_gives_way_to_the_page_title_that_goes_on():
    cands = TitleCandidates(headline="Tsai's playbook should be essential reading for Hong Kong leader...",
                            html_title="Tsai's playbook should be essential reading for Hong Kong leader Carrie Lam",
                            h1=["Tsai's playbook should be essential reading for Hong Kong leader Carrie Lam"])
    assert choose_title(cands, set()) == "Tsai's playbook should be essential reading for Hong Kong leader Carrie Lam"
    # an ellipsis that is the headline's own
    cands = TitleCandidates(headline="Und dann kam alles anders …", h1=["Ganz andere Worte hier"])
    assert choose_title(cands, set()) == "Und dann kam alles anders …"


def test_a_kicker_glued_on_without_a_separator_goes_when_another_meta_title_separates_it():
    cands = TitleCandidates(headline="SARS-2/COVID-19 Heute schon an morgen denken",
                            og_title="SARS-2/COVID-19 - Heute schon an morgen denken", h1=["Heute schon an morgen denken"])
    assert choose_title(cands, set()) == "Heute schon an morgen denken"
    # no meta title separates the prefix: it may be the headline's own words
    cands = TitleCandidates(headline="Warum wir heute schon an morgen denken", h1=["heute schon an morgen denken"])
    assert choose_title(cands, set()) == "Warum wir heute schon an morgen denken"


def test_a_meta_title_cut_mid_phrase_gives_way_when_more_titles_read_on():
    long = "Sanna Marin tapasi Angela Merkelin: Saksa haluaa pitää kiinni ei ole otettu huomioon"
    cut = "Sanna Marin tapasi Angela Merkelin: Saksa haluaa pitää kiinni ei ole "
    cands = TitleCandidates(headline=cut, og_title=long, h1=[long], html_title=long + " | Uusi Suomi")
    assert choose_title(cands, {"uusisuomi"}) == long
    # a tie: the editor's short version beside the long one, as two titles each give them
    cands = TitleCandidates(headline="Sinkt der Leitzins? Klare Ansage", og_title="Sinkt der Leitzins? Klare Ansage",
                            h1=["Sinkt der Leitzins? Klare Ansage von Profis"],
                            html_title="Sinkt der Leitzins? Klare Ansage von Profis")
    assert choose_title(cands, set()) == "Sinkt der Leitzins? Klare Ansage"
    # the <h1> going on after a separator is the headline plus a subtitle, not a cut copy
    cands = TitleCandidates(headline="Der Nervenkrieg geht weiter", og_title="Der Nervenkrieg geht weiter",
                            h1=["Der Nervenkrieg geht weiter - Brüssel wartet ab"])
    assert choose_title(cands, set()) == "Der Nervenkrieg geht weiter"


def test_short_inline_part_opening_the_h1_is_a_kicker():
    # the headline is the <h1>'s loose text after a short inline part: the part is the kicker
    assert _h1("<h1><span class='h1small'>Initiative EnergieEffizienz</span>\n Kostenloser Stromcheck für "
               "private Haushalte </h1>") == ["Kostenloser Stromcheck für private Haushalte"]
    assert _h1("<h1><span class='subtitle'>Olympische Spiele in Paris</span> Getränke per Schiff ins "
               "Stadtzentrum</h1>") == ["Getränke per Schiff ins Stadtzentrum"]
    # a kicker ending in a colon reads as one line with the headline
    assert _h1("<h1><span class='teaser__subtitle'>Breakpoint:</span> Hilfe, die Fundis kommen!</h1>") \
        == ["Breakpoint: Hilfe, die Fundis kommen!"]
    # not a styled first word inside the sentence, nor a part followed by too little or by lower case
    assert _h1("<h1><em>Wie</em> wir künftig wohnen werden</h1>") == ["Wie wir künftig wohnen werden"]
    assert _h1("<h1><span>Berlin</span> bleibt</h1>") == ["Berlin bleibt"]
    assert _h1("<h1><b>Alles</b> über die neue Regel</h1>") == ["Alles über die neue Regel"]
    assert _h1("<h1><span>Eins zwei drei vier fünf sechs sieben</span> Das ist der Rest hier</h1>") \
        == ["Eins zwei drei vier fünf sechs sieben Das ist der Rest hier"]  # too long for a kicker
    assert _h1("<h1><span>Kicker</span> Headline <span>with more words</span></h1>") \
        == ["Kicker Headline with more words"]  # another part holding words: no loose headline

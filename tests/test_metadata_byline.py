"""The byline a page shows in its text (pipelines/byline.py), and where
page_metadata reads it: only when the page declares nobody."""

from __future__ import annotations

import lxml.html

from pipelines.byline import visible_bylines
from pipelines.metadata import headline_element, page_metadata


def _root(body: str):
    return lxml.html.document_fromstring(f"<html><body>{body}</body></html>")


def _bylines(body: str) -> list[str]:
    root = _root(body)
    return visible_bylines(root, headline_element(root))


def test_labelled_line_after_the_headline():
    assert _bylines("<h1>Der Titel</h1><p>Von Leonora Holling</p><p>Text.</p>") == ["Leonora Holling"]
    assert _bylines("<h1>T</h1><div><span>By</span> <a href='/a'>Cara Stiles</a> | April 13, 2020</div>") \
        == ["Cara Stiles"]
    assert _bylines("<h1>T</h1><p>Autor: Peter Maahn/SP-X</p>") == ["Peter Maahn, SP-X"]
    assert _bylines("<h1>T</h1><h5>Autor:</h5><p>Peter Maahn</p>") == ["Peter Maahn"]  # the name on the next line
    assert _bylines("<h1>T</h1><ul><li>Autorin/Autor Roman Goncharenko</li></ul>") == ["Roman Goncharenko"]
    assert _bylines("<h1>T</h1><p>(责编：牛镛、岳弘彬)</p>") == ["牛镛, 岳弘彬)"]  # full-width colon, ideographic comma


def test_teasers_before_the_headline_lose_to_the_line_after_it():
    body = "<p>Von Anna Alt</p><h1>T</h1><p>Von Berta Neu</p>"
    assert _bylines(body)[0] == "Berta Neu"


def test_author_class_and_microdata():
    assert _bylines("<h1>T</h1><div class='post-author'>Georg Quaas</div>") == ["Georg Quaas"]
    assert _bylines("<h1>T</h1><span itemprop='author'><meta itemprop='name' content='Cosima Künzel'></span>") \
        == ["Cosima Künzel"]
    # inside the element, the label may come mid-line
    assert _bylines("<h1>T</h1><div class='date-author'>Veröffentlicht am 8. Mai von <a>Eva Ost</a></div>") \
        == ["Eva Ost"]


def test_prose_credits_and_labels_are_not_bylines():
    assert _bylines("<h1>T</h1><p>Partner der Aktion sind viele.</p>") == []  # "Par" inside a word
    assert _bylines("<h1>T</h1><p>Photograph by Ed Marshall</p>") == []
    assert _bylines("<h1>T</h1><figure><figcaption>Foto: Von Jan Bild</figcaption></figure>") == []
    assert _bylines("<h1>T</h1><ul><li>By Method</li><li>By Cuisine</li></ul>") == []  # a filter's labels
    assert _bylines("<h1>T</h1><p>von der Aktivität zur Dosis</p>") == []  # lower case: prose
    assert _bylines("<h1>T</h1><div class='author'><a>Alle Beiträge</a></div>") == []
    assert _bylines("<h1>T</h1><div class='comments'><p>Von Leser Eins</p></div>") == []
    assert _bylines("<h1>T</h1><span class='byline'>Bild © ARD</span>") == []


def test_page_metadata_reads_the_shown_byline_only_when_nothing_is_declared():
    html = "<h1>Ein Titel für alle</h1><p>Von Leonora Holling</p>"
    root = _root(html)
    assert page_metadata(root, [], None, "https://example.org/a").authors == ["Leonora Holling"]
    declared = {"@type": "NewsArticle", "author": {"@type": "Person", "name": "Max Muster"}}
    assert page_metadata(_root(html), [declared], declared, "https://example.org/a").authors == ["Max Muster"]
    wire = {"@type": "NewsArticle", "author": "dpa"}
    meta = page_metadata(_root(html), [wire], wire, "https://example.org/a")
    assert meta.authors == [] and meta.agency == "dpa"  # wire copy: no person searched for


def test_outlet_name_glued_to_a_name_and_label_variants():
    from pipelines.metadata import clean_authors, site_keys

    sites = site_keys(["PhillyVoice", "unocero"])
    assert clean_authors(["Adam Aaronson PhillyVoice"], sites)[0] == ["Adam Aaronson"]
    assert clean_authors(["unocero - Alberto Ávila"], sites)[0] == ["Alberto Ávila"]
    assert clean_authors(["Konstantin @"])[0] == ["Konstantin"]
    assert clean_authors(["Auteur Anna Kubišta"])[0] == ["Anna Kubišta"]
    assert clean_authors(["Artikel von Eva Ost"])[0] == ["Eva Ost"]
    assert clean_authors(["Twitter Facebook"])[0] == []
    assert clean_authors(["牛镛, 岳弘彬)"])[0] == ["牛镛", "岳弘彬"]


def test_a_recipe_names_its_author_when_no_article_object_does():
    recipe = {"@type": "Recipe", "name": "Zitronenkuchen", "author": {"@type": "Person", "name": "Kathrin Back"}}
    meta = page_metadata(_root("<h1>Zitronenkuchen vom Blech</h1>"), [recipe], None, "https://example.org/r")
    assert meta.authors == ["Kathrin Back"]


def test_label_element_with_the_name_in_its_tail_and_other_line_shapes():
    # the label alone in its element, the name in the text after it
    assert _bylines("<h1>T</h1><div><h5>Autor: </h5>Peter Maahn/SP-X<br></div>") == ["Peter Maahn, SP-X"]
    assert _bylines("<h1>T</h1><p>Lange Rede.<br>Mehr Rede, die weiter geht und weiter und weiter geht, bis die "
                    "Zeile zu lang ist für eine Zeile.<br><strong>Text:</strong> Klausmartin Friedrich</p>") \
        == ["Klausmartin Friedrich"]
    # "Autorin", "Autoren": the label's word with its ending
    assert _bylines("<h1>T</h1><p><strong>Autorin: Uta Staschewski, Projektleiterin in Tunis.</strong></p>") \
        == ["Uta Staschewski"]
    # a date before the label; a bracketed role after the name
    assert _bylines("<h1>T</h1><div>05.02.2020 <span>- Redaktion: Eberhard Fuhr (Pressesprecher)</span></div>") \
        == ["Eberhard Fuhr"]
    # another role's credit after the name; a separator after it in an author element
    assert _bylines("<h1>T</h1><p><em>Text von Christian Seiler   Illustration von Markus Roost</em></p>") \
        == ["Christian Seiler"]
    assert _bylines("<h1>T</h1><div class='autor'><h6>Jacobo Betancur Peláez | Publicado hace 3 horas</h6></div>") \
        == ["Jacobo Betancur Peláez"]
    # one label for text and pictures; a picture's credit before a label stays out
    assert _bylines("<h1>T</h1><table><tr><td class='authorbold'>Text &amp; Fotos: Ivan Valetny</td></tr></table>") \
        == ["Ivan Valetny"]
    assert _bylines("<h1>T</h1><div class='author'>Photograph by Ed Marshall</div>") == []


def test_a_service_code_beside_a_name_is_nobody():
    from pipelines.metadata import clean_authors

    assert clean_authors(["Peter Maahn/SP-X"])[0] == ["Peter Maahn"]
    assert clean_authors(["Sylvia Grossgasteiger, IFZ"])[0] == ["Sylvia Grossgasteiger"]
    assert clean_authors(["BILL MCCARTHY"])[0] == ["BILL MCCARTHY"]  # a capitalised name stays
    assert clean_authors(["DT"])[0] == ["DT"]  # alone, initials are all the page gives


def test_organisations_and_what_follows_the_outlet_are_nobody():
    from pipelines.metadata import clean_authors, site_keys

    assert clean_authors(["Bundesverband WindEnergie"])[0] == []
    assert clean_authors(["SeglerBlog"])[0] == []
    assert clean_authors(["Feuerwehr Oldenburg, Abteilung Wasserrettung"])[0] == []  # the first part decides
    assert clean_authors(["Eidgenössisches Departement für Wirtschaft, Bildung und Forschung WBF"])[0] == []
    assert clean_authors(["FOCUS-Online-Experte Robin Tschöpe"])[0] == ["Robin Tschöpe"]  # a role's compound
    assert clean_authors(["Nada Tawfik, BBC News, New York"], site_keys(["BBC News"]))[0] == ["Nada Tawfik"]
    assert _bylines("<h1>T</h1><p>Text.</p><a href='mailto:x'><b>Von:</b> <br> <br> Götz Warnke</a>") \
        == ["Götz Warnke"]


def test_a_name_does_not_open_with_a_lower_case_word_but_a_particle():
    from pipelines.metadata import clean_authors

    assert clean_authors(["deinen Hochzeitsbloggern"])[0] == []
    assert clean_authors(["van der Berg"])[0] == ["van der Berg"]
    assert clean_authors(["bell hooks"])[0] == ["bell hooks"]  # all lower case: as the person writes it


def test_a_picture_or_template_credit_is_no_byline():
    from pipelines.metadata import clean_authors

    assert clean_authors(["Фото из Инстаграма Лукаша Подольски"])[0] == []
    assert clean_authors(["Theme Pirate Rogue von xwolf"])[0] == []
    assert clean_authors(["Videograf Hans Meier"])[0] == ["Videograf Hans Meier"]  # a word that only starts so


def test_a_date_and_a_name_alone_on_a_line_sign_the_article():
    assert _bylines("<h1>T</h1><p class='text-muted'>11.12.2019 - Amelie Loevenich</p>") == ["Amelie Loevenich"]
    assert _bylines("<div><small>04.02.2022 | 13:10 Uhr | Uta Helkenberg</small><h1>Stellungnahme</h1></div>") \
        == ["Uta Helkenberg"]
    assert _bylines("<h1>T</h1><p>Sehernur Karsu | 05.04.2025</p>") == ["Sehernur Karsu"]
    # a place or one word beside a date, a programme's line, a date inside prose: no byline
    assert _bylines("<h1>T</h1><p>Berlin - 12.03.2024</p>") == []
    assert _bylines("<h1>T</h1><p>12.01.2023 - Aymz- Grelle Forelle</p>") == []
    assert _bylines("<h1>T</h1><p>Am 12.03.2024 - so sagte Anna Alt - kam es anders</p>") == []


def test_bare_words_after_a_label_are_prose_and_the_plural_label_reads():
    assert _bylines("<h1>T</h1><p>Beliebt bei Gästen: von Einheimischen und Gästen</p>") == []
    assert _bylines("<h1>T</h1><p>Autoren Jelko Djuren und Jutta Klaukien</p>") == ["Jelko Djuren, Jutta Klaukien"]


def test_desk_codes_before_an_agency_and_a_desk_with_the_outlets_initials_are_nobody():
    from pipelines.metadata import clean_authors

    # the code goes with the agency, before it as after it ("dpa/lno"): whose copy, which desk
    assert clean_authors(["det/dpa"]) == ([], "det/dpa")
    assert clean_authors(["Det; Dpa"]) == ([], "Det/Dpa")
    assert clean_authors(["Jane Doe, det/dpa"]) == (["Jane Doe"], "det/dpa")
    assert clean_authors(["Redacción EC"]) == ([], None)
    assert clean_authors(["Redacción LR; La República"], {"larepublica"}) == ([], None)
    assert clean_authors(["Staff and news service reports"]) == ([], None)
    assert clean_authors(["Frank Bueltge - http://bueltge.de"]) == (["Frank Bueltge"], None)
    # a desk label with a colon still opens a person's byline
    assert clean_authors(["Redacción: Juan Pérez"]) == (["Juan Pérez"], None)


def test_a_cooperatives_legal_form_and_a_site_word_before_a_particle():
    from pipelines.metadata import clean_authors

    assert clean_authors(["besserwisser eG"], handles=True) == ([], None)
    assert clean_authors(["Besserwisser Eg"]) == ([], None)  # trafilatura's capitals
    # the site's name is "WalterVac": its first word is still the person's when a particle follows
    assert clean_authors(["Walter von Aachen"], {"waltervac"}) == (["Walter von Aachen"], None)
    assert clean_authors(["Spiegel Anna Alt"], {"spiegel"}) == (["Anna Alt"], None)


def test_a_signature_is_the_articles_last_paragraph_an_emphasised_name_alone():
    from pipelines.byline import signature_byline

    text = "<p>" + "Ein langer Absatz des Artikels mit vielen Worten. " * 3 + "</p>"
    assert signature_byline(_root(f"<h1>T</h1>{text}<p><b><i>Stefan Wasmer</i></b></p>")) == "Stefan Wasmer"
    # a bold subheading with the article's text after it, a plain name, a name before any text: no signature
    assert signature_byline(_root(f"<h1>T</h1>{text}<p><b>Regular Schedule</b></p>{text}")) is None
    assert signature_byline(_root(f"<h1>T</h1>{text}<p>Stefan Wasmer</p>")) is None
    assert signature_byline(_root("<h1>T</h1><p><b>Stefan Wasmer</b></p>")) is None
    # a column whose class says sidebar but holds the <h1> is the article's; a sidebar beside it is not
    assert signature_byline(_root(f"<div class='sidebar-1'><h1>T</h1>{text}<p><b>Lê Phương</b></p></div>")) \
        == "Lê Phương"
    assert signature_byline(_root(f"<h1>T</h1><div class='sidebar-1'>{text}<p><b>Lê Phương</b></p></div>")) is None
    assert signature_byline(_root(f"<div class='comment'><h1>T</h1>{text}<p><b>Lê Phương</b></p></div>")) is None
    # read only when no byline is declared or shown
    page = _root(f"<h1>T</h1><p>Von Anna Alt</p>{text}<p><strong>Stefan Wasmer</strong></p>")
    assert page_metadata(page, [], None, "https://example.org/a").authors == ["Anna Alt"]


def test_a_shown_byline_naming_an_agency_alone_records_the_agency_when_nobody_is_named():
    text = "<p>" + "A long paragraph of the article with many words in it. " * 3 + "</p>"
    meta = page_metadata(_root(f"<h1>T</h1><p><em><strong>Por Agencia EFE</strong></em></p>{text}"), [], None,
                         "https://example.org/a")
    assert (meta.authors, meta.agency) == ([], "Agencia EFE")
    # a person shown further down is still preferred to the agency
    meta = page_metadata(_root(f"<h1>T</h1><p>Von dpa</p>{text}<p>Von Anna Alt</p>"), [], None,
                         "https://example.org/a")
    assert (meta.authors, meta.agency) == (["Anna Alt"], None)


def test_a_signature_may_lead_the_article_an_emphasised_name_before_its_first_paragraph():
    from pipelines.byline import signature_byline

    text = "<p>" + "A long paragraph of the article with many words in it. " * 3 + "</p>"
    kicker = "<p><em>…as communities cry foul</em></p>"  # a short standfirst before the name is no text yet
    assert signature_byline(_root(f"<h1>T</h1><p><strong>Mohloai Mpesi</strong></p>{text}")) == "Mohloai Mpesi"
    assert signature_byline(_root(f"<h1>T</h1>{kicker}<p><strong>Mathatisi Sebusi/Mohalenyane Phakela</strong></p>"
                                  f"{text}{text}")) == "Mathatisi Sebusi/Mohalenyane Phakela"
    # not before a short line (a label, a list), not a single word, not a list holding one
    assert signature_byline(_root(f"<h1>T</h1><p><b>Mohloai Mpesi</b></p><p>Short line.</p>{text}")) is None
    assert signature_byline(_root(f"<h1>T</h1><p><b>Maseru</b></p>{text}")) is None
    assert signature_byline(_root(f"<h1>T</h1><p><b>Mohloai Mpesi/Maseru</b></p>{text}")) is None
    # the outlet as the declared author names nobody: the signature is read
    jsonld = {"@type": "NewsArticle", "headline": "T", "author": {"@type": "Person", "name": "Lesotho Times"}}
    page = _root(f"<h1>T</h1><p><strong>Mohloai Mpesi</strong></p>{text}")
    assert page_metadata(page, [jsonld], jsonld, "https://lestimes.com/a", outlet_names=["Lesotho Times"]).authors \
        == ["Mohloai Mpesi"]


def test_trafilaturas_byline_gives_back_only_a_rejected_declared_name():
    from pipelines.extract import extract_article
    from pipelines.metadata import fallback_byline

    # the declared byline was rejected: the fallback may give that name back in capitals, nothing else
    assert fallback_byline("Selbst Ist Der Mann", ["selbst ist der Mann"], {"selbst"}) == ([], None)
    assert fallback_byline("Symple Ch", ["symple.ch"], set()) == ([], None)
    assert fallback_byline("Flerche", ["flerche"], set()) == (["Flerche"], None)
    # nothing declared: one bare word is a name only as the text of a link to it
    root = lxml.html.document_fromstring("<html><body><a href='/u/1'>D-Zug</a></body></html>")
    assert fallback_byline("Zvg", [], set(), root) == ([], None)
    assert fallback_byline("D-Zug", [], set(), root) == (["D-Zug"], None)
    assert fallback_byline("Tomas Spahn", [], set(), root) == (["Tomas Spahn"], None)
    # one word of a declared list (the outlet's signature with its place) is checked the same way
    declared = ["Kirche und Leben, Münster, Germany"]
    assert fallback_byline("Kirche und Leben, Münster, Germany", declared, set(), root) == ([], None)
    linked = lxml.html.document_fromstring("<html><body><a href='/m'>Münster</a></body></html>")
    assert fallback_byline("Münster", declared, set(), linked) == (["Münster"], None)

    # end to end: the meta tag names the site, trafilatura's byline search reads it as a person
    text = "<p>" + "Ein langer Absatz über Wohnmobile und das Reisen im Sommer. " * 8 + "</p>"
    html = (f"<html><head><meta name='author' content='symple.ch'></head><body><article><h1>Camping</h1>"
            f"{text}{text}</article></body></html>")
    art = extract_article(html, "https://www.auto-wirtschaft.ch/camping")
    assert art.body and art.authors == []


def test_a_lower_case_user_name_of_three_letters_is_a_code():
    from pipelines.metadata import clean_authors

    assert clean_authors(["cpm"], handles=True) == ([], None)
    assert clean_authors(["tlow"], handles=True) == (["tlow"], None)
    assert clean_authors(["cpm"]) == ([], None)


def test_a_heading_that_is_an_author_label_alone_names_the_next_element():
    body = "<h1>T</h1><div><h4>Autor</h4><p><a href='/p/nikolai-huke'>Nikolai Huke</a><b>, </b></p></div>"
    assert _bylines(body) == ["Nikolai Huke"]
    assert _bylines("<h1>T</h1><dl><dt>Author</dt><dd>Jane Doe</dd></dl>") == ["Jane Doe"]
    # without a colon the label is a word like others outside a heading or term
    assert _bylines("<h1>T</h1><p>Autor</p><p>Jane Doe</p>") == []
    # a heading saying more than the label is no label
    assert _bylines("<h1>T</h1><h4>Autor des Monats</h4><p>Jane Doe</p>") == []


def test_a_labelled_line_between_line_breaks_of_a_longer_block():
    text = "Das Gericht entschied gegen die Klägerin und wies die Klage ab. " * 3
    body = (f"<h1>T</h1><div>{text}<br/><br/>Quelle: © www.example.de<br/><br/>"
            "Autor: <a href='/anwalt/'>Rechtsanwalt</a> Sebastian Einbock</div>")
    assert _bylines(body) == ["Rechtsanwalt Sebastian Einbock"]
    # an inline run inside a longer block (a teaser's "<span>date<br/>Par <a>…</a></span>") is not the block's line
    body = f"<h1>T</h1><div><span>18 février 2020<br/>Par <a href='/a'>Pablo Pillaud</a></span> {text}</div>"
    assert _bylines(body) == []


def test_a_dated_name_may_carry_the_dates_update_stamp():
    body = ("<h1>T</h1><div><span>Sehernur Karsu &nbsp;|</span> "
            "<span class='tarih'>05.04.2025 - Güncelleme : 05.04.2025</span></div>")
    assert _bylines(body) == ["Sehernur Karsu"]
    assert _bylines("<h1>T</h1><p>Jane Doe | 05.04.2025 | Updated 06.04.2025 10:20</p>") == ["Jane Doe"]
    # text after the date that is not a second date is no stamp
    assert _bylines("<h1>T</h1><p>Jane Doe | 05.04.2025 - Lesezeit drei Minuten</p>") == []


def test_an_interviews_credit_names_both_sides():
    body = "<h1>T</h1><p class='author'>Richard David Precht im Gespräch mit Karin Fischer</p>"
    assert _bylines(body) == ["Richard David Precht, Karin Fischer"]
    root = _root("<h1>T</h1><p class='author'>Jane Doe in conversation with John Roe</p><p>Text.</p>")
    assert page_metadata(root, [], None, "https://example.org/a").authors == ["Jane Doe", "John Roe"]


def test_a_teaser_cards_byline_is_another_articles():
    # a link wrapping another article's headline and its byline: that article's card
    card = ("<h1>Getränke per Schiff ins Stadtzentrum</h1><p>Text.</p><ul><li><a href='/38331-mediation.html'>"
            "<h4 class='item__title'>Mediation im Handel</h4><span class='item__metainfo'>"
            "<span class='item__author'>Elena Kuss</span> <span class='item__date'>12.10.2023</span></span></a></li></ul>")
    assert _bylines(card) == []
    # an author link stays one, a heading inside it that is the name too
    assert _bylines("<h1>T</h1><a rel='author' class='author' href='/Nicole-Opitz/'><h4 itemprop='name'>Nicole Opitz"
                    "</h4><h5>Redakteurin</h5></a>") != []
    assert _bylines("<h1>T</h1><p class='byline'>Von <a href='/autor/jane'>Jane Doe</a></p>") == ["Jane Doe"]
    # the same byline outside a card is read
    assert _bylines("<h1>Getränke per Schiff</h1><span class='item__author'>Elena Kuss</span>") == ["Elena Kuss"]


def test_a_commentary_is_an_article_not_a_comment_thread():
    # "commentary" (an opinion piece's class) is no comment thread: its bylines are read
    assert _bylines("<div class='news commentary article'><h1>T</h1><p>Von Ingo Arzt</p></div>") == ["Ingo Arzt"]
    assert _bylines("<div class='comment-list'><h1>T</h1><p>Von Ingo Arzt</p></div>") == []

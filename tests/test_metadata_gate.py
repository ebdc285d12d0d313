"""CI gate: title, author and date quality on a fixed subset of the corpus.

tests/fixtures/metadata/ holds 16 fundus and 33 trafilatura-eval pages with
their ground truth (gzipped HTML), chosen for the metadata cases of issue 15:
site suffixes in titles ("| DW | 28.04.2023"), bylines listing several people
("... and ...", "... und ..., dpa"), slugs and their duplicates, the outlet
standing in as the author, CJK names, agency desk codes, day-first dates; and
the cases added since: a blog whose name only its home link gives (and its
<h1>), an author only a rel=author link names, a republished page whose
JSON-LD keeps the first date, typographic quotes only the <h1> has, a Zulu
page declaring lang="en"; bylines only the page text shows, kickers in the
<h1> markup and glued to the meta title; and (2026-12-02 07:59) a label whose name
is the text after it, "Autorin:", an organisation as the author, a section
label only the JSON-LD headline carries, a site's tagline and a rating in the title;
and (2026-12-02 16:50, 11 pages) a tagline of several parts after the site's name,
a site's name glued on without spaces (Xinhua, Hankook Ilbo), a masthead <h1>
beside a meta title the page's heading shows, a one-word <h1>, bylines that are
a date and a name alone, "Autoren …" without a colon, "von Einheimischen und
Gästen" (prose), "Redacción EC" (a desk and a code); and (2026-12-03, 3 pages) a
signature leading the article, a desk code before the agency, an agency-only shown byline;
and (2026-12-04, 2 pages) a kicker as a short inline part opening the <h1>, the headline loose after it.
benchmarks/metadata.py runs the pipeline's own code (crawlers.offline.process_html)
and plain trafilatura on them; the scores must stay above floors pinned a
little below what was measured (docs/quality.md), and newsdesk must not fall
below trafilatura on the pages as a whole.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks import metadata  # noqa: E402

FIXTURES = REPO / "tests" / "fixtures" / "metadata"

# Measured on the fixtures (2026-12-02 16:51, both folders together, 44 pages): title 41/44,
# people 37/44, date 37/41; trafilatura 27/44, 17/44, 37/41. (08:00, 33 pages: 30/33, 27/33, 29/32;
# 04:45, 28 pages: 25/28, 23/28, 24/27.)
# (2026-12-03 14:45, 47 pages: 44/47, 42/47, 40/44; trafilatura 29/47, 18/47, 40/44.)
# (2026-12-04 19:12, 49 pages: 46/49, 44/49, 41/45; trafilatura 29/49, 19/49, 41/45.)
FLOORS = {"title": 0.93, "people": 0.89, "date": 0.91}


@pytest.fixture(scope="module")
def table():
    pages = metadata.load_pages(FIXTURES)
    assert len(pages) == 49
    outputs = metadata.run_all(pages, jobs=1)
    for out in outputs:
        assert "error" not in out["newsdesk"], out
    return metadata.score(pages, outputs)["table"]


def _share(table, system: str, field: str) -> float:
    hits = sum(table[folder][system][field][0] for folder in metadata.FOLDERS)
    total = sum(table[folder][system][field][1] for folder in metadata.FOLDERS)
    assert total, field
    return hits / total


@pytest.mark.parametrize("field", sorted(FLOORS))
def test_metadata_floor(table, field):
    assert _share(table, "newsdesk", field) >= FLOORS[field]


@pytest.mark.parametrize("field", sorted(FLOORS))
def test_not_below_trafilatura(table, field):
    assert _share(table, "newsdesk", field) >= _share(table, "trafilatura", field)


def test_issue_cases(table):
    """The bylines and titles the issue names, page by page."""
    pages = {p["id"]: p for p in metadata.load_pages(FIXTURES)}
    wanted = {"ca/GlobalNews_2026_05_24": (["Samya Kullab", "Vasilisa Stepanenko"], None),
              "de/BSZ_2024_05_16": (["Felix Schröder", "Jörg Soldwisch"], "dpa"),
              "us/FreeBeacon_2023_04_28": (["Chuck Ross"], None),
              "uk/DailyStar_2024_04_23": (["Sophie Foster"], None)}
    from crawlers.offline import process_html

    for page_id, (authors, agency) in wanted.items():
        item = process_html(metadata.read_html(pages[page_id]), pages[page_id]["url"])
        assert item["authors"] == authors, page_id
        assert item["agency"] == agency, page_id
    dw = pages["de/DW_2023_04_28"]
    assert process_html(metadata.read_html(dw), dw["url"])["title"] == dw["title"]  # "| DW | 28.04.2023" cut


def test_cases_added_since():
    """Blog name from the home link, rel=author byline, the dateline settling
    two dates, the <h1>'s typographic quotes, the language from the text."""
    from crawlers.offline import process_html

    pages = {p["id"]: p for p in metadata.load_pages(FIXTURES)}

    def item(page_id):
        return process_html(metadata.read_html(pages[page_id]), pages[page_id]["url"])

    assert item("der-erfolg-gibt-recht.de.rinderleber")["title"] == "Rinderleber-Geschnetzeltes mit Apfel und Zwiebel"
    assert item("grossefragen.wordpress.com.projekt")["authors"] == ["Michael Veeser-Dombrowski"]
    assert item("utopia.de-Werbung")["published_at"].date().isoformat() == "2023-11-06"
    assert item("thisisjanewayne.com.bauch")["title"] == pages["thisisjanewayne.com.bauch"]["title"]
    assert item("za/Isolezwe_2025_11_09")["language"] == "zu"


def test_shown_bylines_and_kickers():
    """Bylines only the page text shows; kickers marked in the <h1> or glued to the meta title."""
    from crawlers.offline import process_html

    pages = {p["id"]: p for p in metadata.load_pages(FIXTURES)}

    def item(page_id):
        return process_html(metadata.read_html(pages[page_id]), pages[page_id]["url"])

    assert item("energieverbraucher.de.energie")["authors"] == ["Leonora Holling"]  # "Von Leonora Holling"
    tagesschau = item("tagesschau.de.rheinmetall")
    assert tagesschau["authors"][:3] == ["Volkmar Kabisch", "Jan Lukas Strozyk", "Benedikt Strunz"]
    assert tagesschau["title"] == "Daten von Rheinmetall gehackt"  # <span class="dachzeile"> left out
    assert item("0a6291ebbce449b3b04256b43c73e39d")["title"] == "Lotte Tobisch ist tot"  # "Chronik: " cut


def test_cases_added_2026_12_02():
    """A label whose name is the text after it, "Autorin:", an organisation as
    the author; a section label only the JSON-LD headline has, a site's tagline."""
    from crawlers.offline import process_html

    pages = {p["id"]: p for p in metadata.load_pages(FIXTURES)}

    def item(page_id):
        return process_html(metadata.read_html(pages[page_id]), pages[page_id]["url"])

    assert item("autohaus.de-skode")["authors"] == ["Peter Maahn"]  # "<h5>Autor: </h5>Peter Maahn/SP-X"
    assert item("hss.de-Regierung")["authors"] == ["Uta Staschewski"]  # "Autorin: Uta Staschewski, Projektleiterin …"
    assert item("wind-energie.de.beschleunigung")["authors"] == []  # "Bundesverband WindEnergie"
    for page_id in ("de/Bild_2023_05_15", "Journalistenwatch.com-Ladensterben"):  # "| Sport"; "» ☆☆☆☆☆ - … - Aktuelle …"
        assert item(page_id)["title"] == pages[page_id]["title"], page_id


def test_cases_added_2026_12_02_afternoon():
    """Taglines after the site's name, glued site names, mastheads, short <h1>s;
    bylines that are a date and a name, a plural label, prose and a desk code as nobody."""
    from crawlers.offline import process_html

    pages = {p["id"]: p for p in metadata.load_pages(FIXTURES)}

    def item(page_id):
        return process_html(metadata.read_html(pages[page_id]), pages[page_id]["url"])

    for page_id in ("archiv.krimiblog.de.2895", "xinhuanet.com.c_1125597921", "kr/HankookIlbo_2026_01_29",
                    "pronats.de.arbeit", "trails.de.ischgl", "whiskyverkostung.com.halle"):
        assert " ".join(item(page_id)["title"].split()) == " ".join(pages[page_id]["title"].split()), page_id
    assert item("it-for-kids.org.variables")["authors"] == ["Amelie Loevenich"]  # "11.12.2019 - Amelie Loevenich"
    assert item("pferd-aktuell.de-stellungnahmen")["authors"] == ["Uta Helkenberg"]
    assert item("duengebehoerde-niedersachsen.de-Sperrfristen")["authors"] == ["Jelko Djuren", "Jutta Klaukien"]
    assert item("simmeltalzeitung.ch-Trinkwasser")["authors"] == []  # "von Einheimischen und Gästen"
    assert item("elcomercio.pe-kenjifujimori")["authors"] == []  # "Redacción EC"


def test_lead_signature_and_agency_credits():
    """A signature above the first paragraph where the outlet stands in; an
    agency's desk code before it; a shown byline naming an agency alone."""
    from crawlers.offline import process_html

    pages = {p["id"]: p for p in metadata.load_pages(FIXTURES)}

    def item(page_id):
        return process_html(metadata.read_html(pages[page_id]), pages[page_id]["url"])

    assert item("ls/LesothoTimes_2025_11_24")["authors"] == ["Mathatisi Sebusi", "Mohalenyane Phakela"]
    sportnews = item("sportnews.bz-peking")
    assert (sportnews["authors"], sportnews["agency"]) == ([], "det/dpa")
    efe = item("24horas.cl-segundo")
    assert (efe["authors"], efe["agency"]) == ([], "Agencia EFE")


def test_leading_inline_kicker_in_the_h1():
    """'<h1><span class="subtitle">Olympische Spiele in Paris</span> Getränke per Schiff …</h1>':
    the short inline part opening the <h1> is its kicker (2026-12-04)."""
    from crawlers.offline import process_html

    pages = {p["id"]: p for p in metadata.load_pages(FIXTURES)}
    for page_id in ("oekologisch-bauen.info.energieeffizienz", "Lebensmittelpraxis.de-Stadtzentrum"):
        page = pages[page_id]
        assert process_html(metadata.read_html(page), page["url"])["title"] == page["title"], page_id

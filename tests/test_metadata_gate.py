"""CI gate: title, author and date quality on a fixed subset of the corpus.

tests/fixtures/metadata/ holds 14 fundus and 19 trafilatura-eval pages with
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
label only the JSON-LD headline carries, a site's tagline and a rating in the title.
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

# Measured on the fixtures (2026-12-02 08:00, both folders together, 33 pages): title 30/33,
# people 27/33, date 29/32; trafilatura 21/33, 13/33, 29/32. (04:45, 28 pages: 25/28, 23/28, 24/27.)
FLOORS = {"title": 0.90, "people": 0.81, "date": 0.89}


@pytest.fixture(scope="module")
def table():
    pages = metadata.load_pages(FIXTURES)
    assert len(pages) == 33
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

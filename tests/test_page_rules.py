import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipelines.page_rules import page_rule_reason, strip_page_rule_lines


@pytest.mark.parametrize("line, reason", [
    ("STR/Getty images", "photo_credit"),
    ("Photo: AFP", "photo_credit"),
    ("Foto: dpa", "photo_credit"),
    ("Andrea Verdelli/Getty Images", "photo_credit"),
    ("Externer Inhalt nicht verfügbar", "embed_placeholder"),
    ("Deine Privatsphäre-Einstellungen verhindern das Laden und Anzeigen aller externen Inhalte", "embed_placeholder"),
    ("— RT (@RT_com) July 16, 2026", "social_embed"),
    ("pic.twitter.com/PbK0B7UjJM", "social_embed"),
    ("Join our commenting forum", "comments_prompt"),
    ("Comments", "comments_prompt"),
    ("Lesen Sie auch:", "comments_prompt"),
    ("Read more: Exact date far right thugs plan to plunge UK into chaos with 39 more protests", "see_also"),
    ("MORE : The Metro daily cartoon by Guy Venables", "see_also"),
    ("Lea también: Impiden ingreso a Nicaragua a reportero y camarógrafo estadounidense", "see_also"),
    ("Czytaj też: Czy grozi nam wojna atomowa?", "see_also"),
    ("Les også: Selda Ekiz åpner opp om dramatisk fødsel: – Det knekte meg", "see_also"),
])
def test_furniture_lines(line, reason):
    assert page_rule_reason(line) == reason


@pytest.mark.parametrize("line", [
    "The photo agency AFP said on Monday that its photographers had been denied access to the site.",
    "Getty Images reported record revenue in the third quarter, the company said.",
    "Readers left more than 2,000 comments under the article within an hour.",
    'The minister said the "privacy settings" of the app were confusing for many users.',
    "Reuters reported that the minister resigned after the vote",
    "Comments from the minister were not immediately available, a spokesperson said.",
    "Lea: Ich habe das Angebot damals sofort angenommen.",  # a speaker in an interview
    "More: the minister said the figures would be published on Friday, not before.",
    "MIRA-Award für den besten Kurzfilm",
])
def test_sentences_about_these_things_stay(line):
    assert page_rule_reason(line) is None


def test_strip_keeps_order_and_records_reasons():
    text = "First paragraph of the story.\nPhoto: AFP\nSecond paragraph.\nComments"
    body, removed = strip_page_rule_lines(text)
    assert body == "First paragraph of the story.\nSecond paragraph."
    assert [r["reason"] for r in removed] == ["photo_credit", "comments_prompt"]


@given(st.text())
def test_never_raises_and_is_idempotent(text):
    once, _ = strip_page_rule_lines(text)
    assert strip_page_rule_lines(once)[0] == once

"""Unit tests of pipelines/language.py: the declared language checked against the text."""

from __future__ import annotations

import pytest

from pipelines.language import checked_language, detect_language, same_language

ZULU = ("Ngabona amanxeba amathathu, egxalabeni, emqaleni kanye nasemqoleni. Amaphoyisa athi umsolwa uboshiwe "
        "ngemuva kokuthi abantu bomphakathi bebike lesi sigameko. Kulindeleke ukuthi avele enkantolo ngoMsombuluko "
        "ezobhekana necala lokubulala. Umndeni wakhe uthe usadidekile futhi ufuna ubulungiswa.")
GERMAN = ("Das alte, diskriminierende Transsexuellengesetz ist endlich vom Tisch. Die Bundesregierung hat am "
          "Mittwoch den Entwurf für ein Selbstbestimmungsgesetz beschlossen, das den Wechsel des Geschlechtseintrags "
          "erleichtern soll. Kritik kommt von mehreren Verbänden, die weitere Änderungen fordern.")
BOKMAL = ("Kvalifiseringen i stavsprang ble av det dramatiske slaget for den norske utøveren, som måtte gi seg "
          "etter tre forsøk. Hun sa etterpå at hun var skuffet, men at sesongen likevel hadde vært god, og at "
          "hun allerede gleder seg til neste mesterskap om to år.")


def test_a_template_declaration_yields_to_text_surely_in_another_language():
    assert checked_language("en", ZULU) == "zu"


@pytest.mark.parametrize(("declared", "text", "expected"), [
    ("de", GERMAN, "de"),
    ("de-AT", GERMAN, "de-AT"),  # the declaration, with its region, when the text agrees
    ("nb", BOKMAL, "nb"),  # CLD2 says "no": the same written language
    (None, GERMAN, "de"),  # nothing declared: the text's
    ("fr", "Kurz.", "fr"),  # too little text to contradict anyone
    ("en", None, "en"),
])
def test_declaration_kept_when_the_text_agrees_or_is_too_short(declared, text, expected):
    assert checked_language(declared, text) == expected


def test_detection_survives_bad_characters():
    assert detect_language("\x07\ud800 " + GERMAN) == "de"
    assert detect_language("1234 5678 " * 40) is None  # no language at all


def test_same_language():
    assert same_language("no", "nb") and same_language("de-CH", "de") and not same_language("de", "nl")

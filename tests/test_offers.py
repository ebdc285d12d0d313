"""Offer stripping: the seed, multilingual offers, hard negatives, DOM and JSON-LD."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from pipelines.offers_dom import drop_offer_containers, is_paywall_pointer
from pipelines.offers_text import RemovedBlock, StripResult, strip_offers

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED = FIXTURES / "seed" / "000_b5ac403761239903.txt"
SEED_EXPECTED = FIXTURES / "seed" / "000_b5ac403761239903.expected-body.txt"

ARTICLE = (
    "The council approved the new budget on Tuesday after a four-hour debate.\n"
    "Opposition members said the plan cut too deeply into school funding.\n"
    "The mayor said the city had no choice given falling tax revenue."
)


def _removed_text(result: StripResult) -> str:
    return "\n".join(b.text for b in result.removed_blocks)


# --------------------------------------------------------------------------
# The seed
# --------------------------------------------------------------------------


def test_seed_body_exact():
    result = strip_offers(SEED.read_text(encoding="utf-8"))
    assert result.body.strip() == SEED_EXPECTED.read_text(encoding="utf-8").strip()


def test_seed_syndication_note_and_wall():
    result = strip_offers(SEED.read_text(encoding="utf-8"))
    assert result.syndication_note == (
        "Disclaimer: No Business Standard Journalist was involved in creation of this content"
    )
    assert result.hit_wall is True


def test_seed_every_offer_line_accounted_for():
    text = SEED.read_text(encoding="utf-8")
    expected = SEED_EXPECTED.read_text(encoding="utf-8")
    result = strip_offers(text)
    kept = set(expected.splitlines())
    removed = set(_removed_text(result).splitlines())
    for line in text.splitlines():
        if not line.strip() or line in kept or line.startswith("Disclaimer:"):
            continue
        assert line.strip() in removed, line
    reasons = {b.reason for b in result.removed_blocks}
    assert {"metered_limit", "price_plan", "subscribe_cta"} <= reasons
    assert all(isinstance(b, RemovedBlock) for b in result.removed_blocks)
    assert result.removed_blocks[0].as_dict() == {
        "text": result.removed_blocks[0].text,
        "reason": result.removed_blocks[0].reason,
    }


def test_seed_idempotent():
    once = strip_offers(SEED.read_text(encoding="utf-8")).body
    assert strip_offers(once).body == once
    assert strip_offers(once).removed_blocks == []


# --------------------------------------------------------------------------
# Multilingual positives
# --------------------------------------------------------------------------

OFFERS = {
    "en": (
        "You have 2 free articles left this month.\n"
        "Subscribe now\n"
        "Digital Access\n"
        "$0.50/week\n"
        "Cancel anytime\n"
        "Already a subscriber? Sign in"
    ),
    "de": (
        "Sie haben Ihr Limit an kostenlosen Artikeln erreicht.\n"
        "Jetzt abonnieren und weiterlesen\n"
        "Digital Plus\n"
        "3,99 € pro Monat\n"
        "Jederzeit kündbar\n"
        "Sie sind bereits Abonnent? Hier einloggen"
    ),
    "fr": (
        "Il vous reste 57.09% de cet article à lire. La suite est réservée aux abonnés.\n"
        "Abonnez-vous\n"
        "9,99 €/mois\n"
        "Déjà abonné ? Se connecter"
    ),
    "es": (
        "Has alcanzado el límite de artículos gratuitos.\n"
        "Suscríbete para seguir leyendo\n"
        "Plan Digital\n"
        "4,99 €/mes\n"
        "Cancela cuando quieras\n"
        "¿Ya eres suscriptor? Inicia sesión"
    ),
    "it": (
        "Hai raggiunto il limite di articoli gratuiti.\n"
        "Abbonati ora\n"
        "1 € a settimana\n"
        "Disdici quando vuoi\n"
        "Sei già abbonato? Accedi"
    ),
    "pt": (
        "Você atingiu o limite de matérias gratuitas.\n"
        "Assine já\n"
        "R$ 1,90 por mês\n"
        "Cancele quando quiser\n"
        "Já é assinante? Entrar"
    ),
}


@pytest.mark.parametrize("language", sorted(OFFERS))
def test_offer_block_removed(language):
    text = ARTICLE + "\n" + OFFERS[language]
    for lang in (language, None):  # with and without a language hint
        result = strip_offers(text, language=lang)
        assert result.body == ARTICLE
        assert _removed_text(result).splitlines() == OFFERS[language].splitlines()
        assert result.hit_wall is True


@pytest.mark.parametrize(
    "offer, reason",
    [
        ("Sign up for our free daily newsletter", "newsletter"),
        ("Abonniere unseren Newsletter", "newsletter"),
        ("Inscrivez-vous à notre newsletter", "newsletter"),
        ("Suscríbete a nuestro newsletter", "newsletter"),
        ("Support independent journalism\nDonate now", "donation_appeal"),
        ("Register for free to continue reading", "registration_wall"),
        ("Kostenlos registrieren und weiterlesen\nSchon registriert? Hier einloggen", "continue_reading"),
    ],
)
def test_tail_offers_by_reason(offer, reason):
    result = strip_offers(ARTICLE + "\n\n" + offer)
    assert result.body == ARTICLE
    assert result.removed_blocks[0].reason == reason


def test_plan_table_between_offer_lines_goes_with_them():
    offer = "Subscribe today\nBasic\n$4.99/month\nPremium\n$9.99/month\nCancel anytime"
    result = strip_offers(ARTICLE + "\n" + offer)
    assert result.body == ARTICLE
    assert {"Basic", "Premium"} <= set(_removed_text(result).splitlines())


def test_mid_body_cta_removed_but_neighbouring_headings_stay():
    text = (
        "The storm reached the coast early on Monday morning.\n\n"
        "Sign up for our breaking news newsletter\n\n"
        "What happens next\n\n"
        "Officials said power would be restored within two days."
    )
    result = strip_offers(text)
    assert result.body == (
        "The storm reached the coast early on Monday morning.\n\n"
        "What happens next\n\n"
        "Officials said power would be restored within two days."
    )
    assert result.hit_wall is False


def test_paragraph_separators_preserved():
    text = ARTICLE.replace("\n", "\n\n") + "\n\nSubscribe now\n\nAlready a subscriber? Log in\n"
    assert strip_offers(text).body == ARTICLE.replace("\n", "\n\n")


@pytest.mark.parametrize(
    "note",
    [
        "(AP)",
        "(This story has not been edited by Business Standard staff and is auto-generated from a syndicated feed.)",
        "Disclaimer: This article was published from a wire agency feed.",
    ],
)
def test_syndication_note_kept_apart(note):
    result = strip_offers(ARTICLE + "\n" + note)
    assert result.body == ARTICLE
    assert result.syndication_note == note
    assert result.removed_blocks == []


# --------------------------------------------------------------------------
# Hard negatives: journalism about subscriptions stays
# --------------------------------------------------------------------------


def test_hard_negatives_fixture_untouched():
    text = (FIXTURES / "offers" / "hard_negatives.txt").read_text(encoding="utf-8").strip()
    result = strip_offers(text)
    assert result.body == text
    assert result.removed_blocks == []
    assert result.hit_wall is False


@pytest.mark.parametrize(
    "paragraph",
    [
        'Disney+ will cost $13.99 a month from October, the company said, as it cracks down on password sharing.',
        '"Subscribe, like and share," the influencer told her followers in the video, which has since been deleted.',
        "Der Verlag will bis 2026 eine Million Digital-Abonnenten gewinnen und setzt dabei auf seinen Newsletter.",
        "Le Monde compte désormais plus de 500 000 abonnés numériques, selon le rapport annuel du groupe.",
        "El diario afirma que sus suscriptores digitales crecieron un 20% en el último año.",
    ],
)
def test_single_paragraph_about_subscriptions_stays(paragraph):
    text = ARTICLE + "\n" + paragraph
    assert strip_offers(text).body == text


def test_prose_about_subscriptions_next_to_offer_stays():
    prose = "Readers who already pay for the print edition get digital access at no extra cost, the company said."
    result = strip_offers(ARTICLE + "\n" + prose + "\nSubscribe now\nCancel anytime")
    assert result.body == ARTICLE + "\n" + prose


# Reporting about subscriptions at the end of a story, followed by an app plug:
# the plug's run must not absorb the reporting paragraphs before it.
REPORTING_BEFORE_APP_PLUG = [
    (
        "Story 3",
        [
            "Analysts said subscribers had so far accepted the increases, but that cancellations tend to "
            "rise in the months after a price change.",
            "Consumer groups advised households to review which subscriptions they actually use and to "
            "look for annual plans that cost less per month.",
        ],
        "Get the Gazette app for breaking news alerts on your phone",
    ),
    (
        "Bericht 3",
        [
            "Branchenkenner sagten, die Abonnenten hätten die Preiserhöhungen bisher hingenommen, "
            "Kündigungen nähmen aber in den Monaten nach einer Preisänderung zu.",
            "Die Verbraucherzentrale riet den Haushalten, ihre Abos zu prüfen und auf Jahrestarife zu "
            "achten, die pro Monat weniger kosten.",
        ],
        "Laden Sie die App der Zeitung für Eilmeldungen auf Ihr Handy",
    ),
    (
        "Article 3",
        [
            "Selon les analystes, les abonnés ont jusqu'ici accepté les hausses, mais les résiliations "
            "augmentent dans les mois qui suivent un changement de prix.",
            "Les associations de consommateurs ont conseillé aux abonnés de faire le point sur les services "
            "qu'ils utilisent vraiment et de privilégier les formules annuelles, moins chères par mois.",
        ],
        "Téléchargez l'application du Journal pour les alertes info",
    ),
    (
        "Streaming",
        [
            "Subscriptions to streaming services rose 12 percent last year, while the number of households "
            "cancelling at least one plan within a month doubled.",
            "The premium tier now accounts for a third of new subscribers, the survey found.",
        ],
        "Download the app for push alerts",
    ),
]


@pytest.mark.parametrize(
    "heading, reporting, plug", REPORTING_BEFORE_APP_PLUG, ids=[case[0] for case in REPORTING_BEFORE_APP_PLUG]
)
def test_reporting_about_subscriptions_before_app_plug_stays(heading, reporting, plug):
    text = "\n".join([heading, *reporting, plug]) + "\n"
    for language in (None, "en", "de", "fr"):
        result = strip_offers(text, language=language)
        for paragraph in reporting:
            assert paragraph in result.body.splitlines(), (language, paragraph)
            assert paragraph not in _removed_text(result)
        assert result.body.startswith(heading + "\n" + "\n".join(reporting))
        assert result.hit_wall is False


def test_reporting_between_offer_lines_stays_and_offer_lines_go():
    reporting = REPORTING_BEFORE_APP_PLUG[0][1][0]
    result = strip_offers(ARTICLE + "\nSubscribe now\n" + reporting + "\nAlready a subscriber? Log in")
    assert result.body == ARTICLE + "\n" + reporting
    assert _removed_text(result).splitlines() == ["Subscribe now", "Already a subscriber? Log in"]


# --------------------------------------------------------------------------
# DOM level
# --------------------------------------------------------------------------

_P = "<p>{}</p>".format
PARAS = "".join(
    _P(s)
    for s in (
        "The council approved the new budget on Tuesday after a four-hour debate in the chamber.",
        "Opposition members said the plan cut too deeply into school funding and library hours.",
        "The mayor said the city had no choice given falling tax revenue and rising energy costs.",
        "A final vote on the remaining items is expected next month, officials said on Wednesday.",
    )
)


def _page(body: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(f"<html><head><title>t</title></head><body>{body}</body></html>")


def test_paywall_div_holding_article_stays():
    root = _page(f'<article><div class="paywall article-body">{PARAS}</div></article>')
    removed = drop_offer_containers(root)
    assert removed == []
    assert "four-hour debate" in root.text_content()


def test_piano_offer_container_goes():
    offer = (
        '<div class="tp-container-inner piano-offer" id="piano-inline">'
        "<h3>You've reached your limit of free articles</h3>"
        "<p>Subscribe now for unlimited access</p><ul><li>$1 for 6 months</li></ul>"
        "<button>Subscribe</button><a href='/login'>Already a subscriber? Log in</a></div>"
    )
    root = _page(f'<article><div class="paywall">{PARAS}</div>{offer}</article>')
    removed = drop_offer_containers(root)
    assert len(removed) == 1
    assert "unlimited access" in removed[0].text
    text = root.text_content()
    assert "limit of free articles" not in text and "four-hour debate" in text


def test_newsletter_box_goes():
    box = (
        '<aside class="newsletter-signup"><h4>Get our morning briefing</h4>'
        "<p>Sign up for our newsletter, delivered to your inbox every morning.</p>"
        '<form><input type="email" name="email"><button>Sign up</button></form></aside>'
    )
    root = _page(f"<article>{PARAS}{box}</article>")
    removed = drop_offer_containers(root)
    assert [b.reason for b in removed] == ["newsletter"]
    assert "morning briefing" not in root.text_content()


def test_comment_form_with_email_stays():
    form = (
        '<form id="commentform"><p>Your email address will not be published.</p>'
        '<textarea name="comment"></textarea><input type="email" name="email"></form>'
    )
    root = _page(f"<article>{PARAS}</article>{form}")
    assert drop_offer_containers(root) == []
    assert "will not be published" in root.text_content()


def test_paywall_selector_part_is_protected():
    # Marked as a subscription container, but the JSON-LD says it is the
    # paywalled article part: keep it.
    root = _page(f'<div class="subscriber-content">{PARAS}<p>Subscribe now</p></div>')
    assert drop_offer_containers(root, [".subscriber-content"]) == []
    assert "four-hour debate" in root.text_content()


def test_bad_selector_is_ignored():
    root = _page(f"<article>{PARAS}</article>")
    assert drop_offer_containers(root, ["::nonsense((", ""]) == []


# --------------------------------------------------------------------------
# JSON-LD pointer
# --------------------------------------------------------------------------


def test_is_paywall_pointer_has_part():
    obj = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "isAccessibleForFree": "False",
        "hasPart": {"@type": "WebPageElement", "isAccessibleForFree": "False", "cssSelector": ".paywall"},
    }
    assert is_paywall_pointer([obj]) == (True, [".paywall"])


def test_is_paywall_pointer_graph_and_lists():
    obj = {
        "@graph": [
            {"@type": "WebSite"},
            {
                "@type": "NewsArticle",
                "isAccessibleForFree": False,
                "hasPart": [
                    {"isAccessibleForFree": False, "cssSelector": [".a", ".b"]},
                    {"isAccessibleForFree": True, "cssSelector": ".free"},
                ],
            },
        ]
    }
    assert is_paywall_pointer([obj]) == (True, [".a", ".b"])


def test_is_paywall_pointer_free_or_junk():
    assert is_paywall_pointer([{"@type": "NewsArticle", "isAccessibleForFree": True}]) == (False, [])
    assert is_paywall_pointer([{"isAccessibleForFree": "false"}]) == (True, [])
    assert is_paywall_pointer([]) == (False, [])
    assert is_paywall_pointer([None, "x", {"hasPart": "y"}]) == (False, [])  # type: ignore[list-item]


def test_lines_in_a_script_the_model_never_saw_are_left_to_the_lexicon():
    # An earthquake report's list of towns (short, not sentences, at the tail)
    # has the shape of an offer block, but the model learned from Latin-script
    # pages only and must not decide on Japanese.
    text = ("気象庁は13日、日向灘で震度5弱の地震があったと発表した。震源の深さは約30キロと推定される。\n\n"
            "各地の震度は次のとおり。\n\n＜震度5弱＞\n\n＜震度4＞\n\n"
            "宮崎県：延岡市、西都市、木城町、川南町、都農町、門川町、日南市、串間市\n\n"
            "熊本県：熊本市北区、八代市、菊池市、宇土市、宇城市、合志市、美里町")
    result = strip_offers(text)
    assert result.body == text.strip()
    assert not result.removed_blocks

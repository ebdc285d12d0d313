"""Multilingual lexicon of subscription-offer acts, used by :mod:`pipelines.offers_text` and :mod:`pipelines.offers_dom`.

Patterns describe what an offer line *does* (asks the reader to subscribe, sign
in, register, donate, sign up for a newsletter; tells them they hit a meter or a
wall; prices a plan), not one outlet's wording. Each entry is
``(reason, pattern)``; patterns are matched case-insensitively against a single
line. ``STRONG`` patterns are specific enough to mark a short line as an offer
by themselves; ``WEAK`` ones only mark an offer when neighbours agree (see
``offers.py``).

Languages: en, de, fr, es, it, pt. English CTAs appear on sites in every
language, so English is always active.
"""

from __future__ import annotations

# Reasons a line can be removed for (kept short and machine-readable).
METERED = "metered_limit"
SUBSCRIBE = "subscribe_cta"
PRICE = "price_plan"
LOGIN = "login_prompt"
REGISTER = "registration_wall"
NEWSLETTER = "newsletter"
DONATION = "donation_appeal"
CONTAINER = "paywall_container"
CONTINUE = "continue_reading"

# Reasons that mean the body stops at a wall (a teaser).
WALL_REASONS = frozenset({METERED, REGISTER, CONTINUE})

_APOS = "['’]"

STRONG: dict[str, list[tuple[str, str]]] = {
    "en": [
        (METERED, rf"\byou{_APOS}?ve (reached|hit|used( up)?|read) (your|the|all( of)? your)\b.*\b(limit|free|articles?|stories)\b"),
        (METERED, r"\byou have (reached|hit) (your|the) (limit|maximum)"),
        (METERED, r"\b(you have|you've got|there are) (\d+|one|two|three|no) (more )?free (articles?|stories|reads)\b"),
        (METERED, r"\b(\d+|one|no) free (articles?|stories) (left|remaining)\b"),
        (METERED, r"\bthis is your (last|final) free (article|story)\b"),
        (CONTINUE, r"^(to )?(continue|keep|start) reading\b"),
        (CONTINUE, r"\bsubscribe (now )?to (continue|keep) reading\b"),
        (CONTINUE, r"\b(subscribe|log ?in|sign ?in|register) (now )?to (read|view|access|unlock) (the|this) (full|whole|rest|entire)?\s*(story|article|piece)\b"),
        (CONTINUE, r"\bto (read|view) the (full|whole|rest of the) (story|article)\b.*\b(subscribe|subscriber|log ?in|sign ?in|register)"),
        (CONTINUE, r"\b(for|read) the full story\b.*\bsubscri"),
        (CONTINUE, r"\bsubscri\w*\b.*\bfor the full story\b"),
        (CONTINUE, r"\b(this|the rest of this) (article|story|content|piece) is (only )?(available|reserved|exclusive(ly)?) (to|for) (paying |digital |premium )?(subscribers|members)\b"),
        (CONTINUE, r"^(exclusive|only) (to|for) (subscribers|members)\b"),
        (CONTINUE, r"^(premium|subscriber|members?)[- ](only|exclusive) (content|article|story)\b"),
        (SUBSCRIBE, r"^(subscribe|subscribe now|subscribe today|subscribe here)\b"),
        (SUBSCRIBE, r"^(become|be) a (subscriber|member|supporter|premium member)\b"),
        (SUBSCRIBE, r"^(join|renew) (now|today)\b"),
        (SUBSCRIBE, r"\bfor unlimited (digital )?access\b"),
        (SUBSCRIBE, r"^(get|unlock|enjoy|gain) (unlimited|full|digital|premium|instant|complete|exclusive) (digital )?access\b"),
        (SUBSCRIBE, r"\b(renews|renewed) automatically\b"),
        (SUBSCRIBE, r"\bcancel (at )?any ?time\b"),
        (SUBSCRIBE, r"\b(start|try|begin) (your|a|our) (free|\d+[- ]day|risk[- ]free) trial\b"),
        (SUBSCRIBE, r"^(free|\d+[- ]day) trial\b"),
        (SUBSCRIBE, r"\b(already (a |an )?(subscriber|subscribed|member|registered|have an account))\b"),
        (SUBSCRIBE, r"^(not a (subscriber|member)|don['’]t have an account)\b"),
        (SUBSCRIBE, r"\bsubscribe (now )?(and|to) (save|support|get)\b"),
        (SUBSCRIBE, r"\b(digital|print|premium) subscription plans?\b"),
        (SUBSCRIBE, r"^(view|see|choose|compare) (all )?(subscription )?(plans|offers|packages)\b"),
        (SUBSCRIBE, r"^(limited[- ]time|special|introductory|exclusive) offer\b"),
        (LOGIN, r"^(log ?in|sign ?in)( now| here| or (register|sign up|subscribe)| to (continue|comment|read|your account))?[\s.!:→>»]*$"),
        (LOGIN, r"^(please )?(log ?in|sign ?in) (to|for) (continue|read|access|view|comment|unlock|stop seeing)\b"),
        (LOGIN, r"\b(log ?in|sign ?in) (to|for) (stop seeing|immediate access|unlimited access)\b"),
        (LOGIN, r"^(forgot|reset) (your )?password\b"),
        (REGISTER, r"^(register|sign up) (now |today |here )?(for free|free|to (continue|read|unlock|keep reading|get access))\b"),
        (REGISTER, r"\bcreate (a |your )?free account\b"),
        (REGISTER, r"\bby (registering|signing up|subscribing),? you agree\b"),
        (REGISTER, r"\b(free registration|register for free)\b"),
        (NEWSLETTER, r"\b(sign ?up|subscribe|register|join)\b.{0,40}\bnewsletters?\b"),
        (NEWSLETTER, r"\bnewsletters?\b.{0,40}\b(sign ?up|subscribe|inbox)\b"),
        (NEWSLETTER, r"\b(delivered|straight|direct(ly)?) (straight |directly )?to your inbox\b"),
        (NEWSLETTER, r"^(enter|type) (your )?e-?mail( address)?\b"),
        (NEWSLETTER, r"\bwe (won['’]t|will not|never) (share|sell|spam)\b.*\b(e-?mail|address|you)\b"),
        (NEWSLETTER, r"\bunsubscribe (at any time|anytime)\b"),
        (NEWSLETTER, r"^get (the|our) .{0,40}\b(newsletter|in your inbox)\b"),
        (DONATION, r"^(please )?(support|fund) (our|independent|quality|local|nonprofit|non-profit) (journalism|reporting|newsroom)\b"),
        (DONATION, r"^(donate|give|contribute) (now|today|here)\b"),
        (DONATION, r"^(make|give) a (one-time |monthly )?(donation|contribution|gift)\b"),
        (DONATION, r"^(support|subscribe) and support\b"),
    ],
    "de": [
        (METERED, r"\bsie haben (ihr|das|ihre) .{0,40}(limit|kontingent|freiartikel)\b"),
        (METERED, r"\b(\d+|alle) (von \d+ )?(kostenlosen?|freien|gratis)[- ]artikel\b"),
        (CONTINUE, r"^(jetzt |hier |zum |direkt )?weiter ?lesen\b"),
        (CONTINUE, r"\bmöchten sie weiterlesen\b"),
        (CONTINUE, r"\b(kostenlos registrieren|jetzt abonnieren|abo abschließen) und weiterlesen\b"),
        (CONTINUE, r"\b(dieser|der) (artikel|beitrag|inhalt) ist (nur |exklusiv )?(für|unseren) (abonnent|plus|digital|premium)"),
        (CONTINUE, r"^(exklusiv )?für (abonnent(inn)?en|digital-?abonnent|plus-?abonnent|abonnierende)"),
        (CONTINUE, r"\bum (diesen|den) (artikel|beitrag) (vollständig |ganz |weiter )?(zu lesen|weiterzulesen|lesen zu können)\b"),
        (SUBSCRIBE, r"^(jetzt |hier )?(abonnieren|abo (abschließen|wählen|sichern|testen|holen))\b"),
        (SUBSCRIBE, r"\b(jederzeit|monatlich) kündbar\b"),
        (SUBSCRIBE, r"\b(sie sind |schon |bereits )(abonnent|registriert|kunde)\b"),
        (SUBSCRIBE, r"^ja[.,]? ich (bin abonnent|benötige ein abo|möchte)\b"),
        (SUBSCRIBE, r"\b(zugang|zugriff) (zu|auf) allen? (artikeln|inhalten|plus)"),
        (SUBSCRIBE, r"^(jetzt |hier )?(testen|freischalten|gratis testen|kostenlos testen)\b"),
        (SUBSCRIBE, r"\b(probeabo|testabo|digitalabo|abo-angebot|abo-service)\b"),
        (SUBSCRIBE, r"\bmehr lesen mit dem .{0,20}abo\b"),
        (SUBSCRIBE, r"\b(im ersten monat|erster monat|\d+ (monate?|wochen)) (gratis|kostenlos|für)\b"),
        (LOGIN, r"^(jetzt |hier )?(anmelden|einloggen|login)[\s.!:→>»]*$"),
        (LOGIN, r"\b(schon|bereits) registriert\b"),
        (LOGIN, r"\bhier einloggen\b"),
        (LOGIN, r"^passwort vergessen\b"),
        (REGISTER, r"^(jetzt |kostenlos |gratis )+registrieren\b"),
        (REGISTER, r"\bbitte registrieren sie sich\b"),
        (REGISTER, r"^registrieren sie sich\b"),
        (NEWSLETTER, r"\bnewsletter\b.{0,40}\b(abonnieren|bestellen|anmelden|erhalten|gutschein)\b"),
        (NEWSLETTER, r"\b(abonniere|abonnieren sie|bestellen sie|melden sie sich|melde dich)\b.{0,40}\bnewsletter"),
        (NEWSLETTER, r"\b(zum|für den|für unseren) (kostenlosen )?newsletter (an|anmelden)\b"),
        (NEWSLETTER, r"\bmit (unserem|meinem|dem) (kostenlosen )?newsletter\b"),
        (NEWSLETTER, r"^(unser|der|ihr|dein|persönlicher) .{0,30}newsletter\b"),
        (NEWSLETTER, r"^newsletter-?anmeldung\b"),
        (NEWSLETTER, r"\bmöchten sie unseren newsletter\b"),
        (NEWSLETTER, r"\bin ihr (e-mail-)?postfach\b"),
        (DONATION, r"^(jetzt )?(spenden|unterstützen)[\s.!:→>»]*$"),
        (DONATION, r"\bunterstützen sie (uns|unabhängigen|unseren|guten) .{0,20}journalismus\b"),
    ],
    "fr": [
        (METERED, r"\bvous avez atteint (votre|la) limite\b"),
        (METERED, r"\bil vous reste \d+ (articles?|contenus?) gratuits?\b"),
        (CONTINUE, r"\bil vous reste [\d.,]+ ?% de (cet|l['’]) ?article à lire\b"),
        (CONTINUE, r"\bla suite est réservée aux (abonnés|abonnées|membres)\b"),
        (CONTINUE, r"\b(cet )?article (est )?réservé aux abonnés\b"),
        (CONTINUE, r"^(lire la suite|pour lire la suite)\b"),
        (SUBSCRIBE, r"^(abonnez-vous|je m['’]abonne|s['’]abonner)\b"),
        (SUBSCRIBE, r"\bdéjà (abonné|inscrit|client)\b"),
        (SUBSCRIBE, r"\b(sans engagement|résiliable à tout moment)\b"),
        (SUBSCRIBE, r"\b(offre (spéciale|d['’]abonnement|découverte)|premier mois offert|essai gratuit)\b"),
        (SUBSCRIBE, r"^abonnements? (institutionnels?|numériques?)\b"),
        (LOGIN, r"^(se connecter|connectez-vous|connexion)[\s.!:→>»]*$"),
        (LOGIN, r"^mot de passe oublié\b"),
        (REGISTER, r"\binscrivez-vous gratuitement\b"),
        (REGISTER, r"^(créer|créez) (un|votre) compte\b"),
        (NEWSLETTER, r"\b(inscrivez-vous|abonnez-vous|recevez|inscription)\b.{0,30}\b(la|notre|nos|à la|aux) newsletters?\b"),
        (NEWSLETTER, r"\bdans votre boîte (mail|e-mail|aux lettres)\b"),
        (DONATION, r"\b(soutenez|soutenir) (notre|le|un) journalisme\b"),
        (DONATION, r"^faites un don\b"),
    ],
    "es": [
        (METERED, r"\b(has|ha) alcanzado (el|tu|su) l[ií]mite\b"),
        (METERED, r"\b(te|le) quedan? \d+ (art[ií]culos|notas|noticias)\b"),
        (CONTINUE, r"^(sigue|seguir|continúa|continuar) leyendo\b"),
        (CONTINUE, r"\b(solo|sólo|exclusivo|contenido exclusivo) para (suscriptores|socios|abonados)\b"),
        (SUBSCRIBE, r"^(suscr[ií]bete|suscr[ií]base|suscribite|hazte (socio|suscriptor|miembro))\b"),
        (SUBSCRIBE, r"\b¿?ya (eres|es|sos) (suscriptor|socio|abonado)\b"),
        (SUBSCRIBE, r"\bcancela cuando quieras\b"),
        (SUBSCRIBE, r"\b(prueba gratis|primer mes gratis)\b"),
        (SUBSCRIBE, r"\bacceso digital ilimitado\b"),
        (LOGIN, r"^(inicia(r)? sesi[oó]n|ingresa|ingresar)[\s.!:→>»]*$"),
        (REGISTER, r"\b(debes|deberás) registrarte\b"),
        (REGISTER, r"^(reg[ií]strate|reg[ií]strese)\b"),
        (NEWSLETTER, r"\b(suscr[ií]bete|suscribite|suscr[ií]base|recibe|reciba)\b.{0,30}\b(newsletter|bolet[ií]n)\b"),
        (DONATION, r"\b(apoya|apoye) (nuestro|el) periodismo\b"),
    ],
    "it": [
        (METERED, r"\bhai raggiunto il limite\b"),
        (CONTINUE, r"^continua a leggere\b"),
        (CONTINUE, r"\b(riservato|riservata|dedicato) (agli|ai) (abbonati|utenti registrati)\b"),
        (SUBSCRIBE, r"^(abbonati|abbonati ora|abbonati subito)\b"),
        (SUBSCRIBE, r"\b(sei |già )abbonato\b"),
        (SUBSCRIBE, r"\bdisdici (quando vuoi|in qualsiasi momento)\b"),
        (SUBSCRIBE, r"\b(prova gratis|primo mese (gratis|a))\b"),
        (LOGIN, r"^(accedi|login)[\s.!:→>»]*$"),
        (REGISTER, r"^registrati\b"),
        (NEWSLETTER, r"\biscriviti\b.{0,30}\bnewsletter\b"),
        (DONATION, r"\bsostieni (il nostro|l['’]informazione|il giornalismo)\b"),
    ],
    "pt": [
        (METERED, r"\b(você|voce) atingiu o limite\b"),
        (CONTINUE, r"^(continue|continuar) lendo\b"),
        (CONTINUE, r"\b(conteúdo )?exclusivo para assinantes\b"),
        (SUBSCRIBE, r"^(assine|assine já|assine agora|seja assinante)\b"),
        (SUBSCRIBE, r"\bjá é assinante\b"),
        (SUBSCRIBE, r"\bcancele quando quiser\b"),
        (LOGIN, r"^(entrar|faça login)[\s.!:→>»]*$"),
        (REGISTER, r"^(cadastre-se|registre-se)\b"),
        (NEWSLETTER, r"\b(assine|receba|cadastre-se)\b.{0,30}\bnewsletter\b"),
        (DONATION, r"\bapoie (o|nosso) jornalismo\b"),
    ],
}

# Vocabulary that hints at an offer but also appears in journalism. A weak line
# joins an offer block only next to a strong one (or at the tail with others).
WEAK: dict[str, list[tuple[str, str]]] = {
    "en": [
        (SUBSCRIBE, r"\b(subscribe[sd]?|subscriptions?|subscribers?|premium|unlimited (digital )?access|ad-free|epaper|e-paper|digital edition)\b"),
        (SUBSCRIBE, r"\b(best value|most popular|save \d+ ?%|billed (monthly|annually|yearly))\b"),
        (NEWSLETTER, r"\b(newsletters?|inbox)\b"),
        (LOGIN, r"\b(log ?in|sign ?in|sign ?up|register)\b"),
        (DONATION, r"\b(donate|donation|support us)\b"),
    ],
    "de": [
        (SUBSCRIBE, r"\b(abo|abos|abonnement|abonnent\w*|abonnieren|e-paper|werbefrei|plus-artikel)\b"),
        (NEWSLETTER, r"\bnewsletter\b"),
        (LOGIN, r"\b(anmelden|einloggen|registrieren)\b"),
    ],
    "fr": [
        (SUBSCRIBE, r"\b(abonnement|abonné|abonnés|abonnez)\b"),
        (NEWSLETTER, r"\bnewsletter\b"),
    ],
    "es": [(SUBSCRIBE, r"\b(suscripci[oó]n|suscriptor(es)?)\b")],
    "it": [(SUBSCRIBE, r"\b(abbonamento|abbonati)\b")],
    "pt": [(SUBSCRIBE, r"\b(assinatura|assinante)\b")],
}

# Words for a billing period, in all six languages.
PERIOD_WORDS = (
    r"month|months|mo|mth|week|weeks|wk|year|years|yr|day|days|quarter|annum|"
    r"monat|monate|monaten|woche|wochen|jahr|jahre|tag|"
    r"mois|semaine|semaines|an|ans|année|"
    r"mes|meses|semana|semanas|año|años|"
    r"mese|mesi|settimana|settimane|anno|anni|"
    r"mês|ano|anos"
)

# Lines that credit a wire feed or disclaim authorship: kept apart from the body.
SYNDICATION = [
    r"^\W*disclaimer\s*:",
    r"\bhas not been edited by .{0,60}\b(staff|team|desk)\b",
    r"\b(auto-generated|published) from an? (syndicated|wire|agency|wire agency)\b.{0,20}\bfeed\b",
    r"\b(syndicated|wire agency) feed\b",
    r"^\W*(with inputs from|inputs from) (pti|ians|ani|agencies|reuters|ap|afp)\b",
    r"^\(?\s*(ap|afp|reuters|pti|ians|ani|dpa|apa|sda|ansa|efe|bloomberg)\s*\)?\W*$",
]

# --------------------------------------------------------------------------
# Reporting: what makes a sentence that mentions subscriptions journalism.
# --------------------------------------------------------------------------

# Attribution: the sentence reports what someone said, found or advised
# (third person, mostly past tense), in all six languages.
ATTRIBUTION = (
    r"\b(said|says|told|according to|reported|added|explained|estimated|warned|advised|"
    r"announced|noted|argued|stated|wrote|claimed|insisted|confirmed|recommended|predicted|"
    r"sagte|sagten|sagt|erklärte|erklärten|teilte|teilten|berichtete\w*|laut|zufolge|betonte|"
    r"betonten|warnte|warnten|riet|rieten|empfahl|empfahlen|schätzt\w*|kündigte|"
    r"selon|d['’]après|a déclaré|ont déclaré|a indiqué|ont indiqué|a expliqué|ont expliqué|"
    r"affirme|affirment|estime|estiment|a annoncé|a conseillé|ont conseillé|recommandent|"
    r"a précisé|souligne|dijo|dijeron|según|afirmó|señaló|explicó|aseguró|indicó|informó|"
    r"aconsejaron|recomendaron|añadió|ha detto|hanno detto|secondo|ha spiegato|ha dichiarato|"
    r"ha affermato|riferisce|sottolinea|hanno consigliato|disse|disseram|segundo|afirmou|"
    r"de acordo com|explicou|informou|declarou|recomendaram)\b"
)

# Addressing the reader: offers speak to "you". German formal "Sie/Ihr" only
# counts capitalised and not at the start of the line ("sie" is "they").
SECOND_PERSON = (
    r"\b(you|your|yours|yourself|you['’](re|ll|ve|d)|dich|dir|dein\w*|euch|eure\w*|"
    r"vous|votre|vos|tu|toi|ton|tes|tú|tus|te|ti|usted|ustedes|vosotros|"
    r"tuo|tua|tuoi|voi|vostr[oaie]|você|vocês|voce|teu)\b"
)
SECOND_PERSON_FORMAL_DE = r"(?<!^)(?<![.!?:]\s)\b(Sie|Ihnen|Ihr|Ihre[mnrs]?)\b"

# The outlet speaking for itself ("our journalism", "unser Angebot"): the
# voice of a pitch, not of a report.
HOUSE_VOICE = (
    r"\b(we|our|ours|wir|uns|unser\w*|nous|notre|nos|nosotros|nuestr[oa]s?|noi|nostr[oaie]|"
    r"nós|noss[oa]s?)\b"
)

# A call to action opens with a verb addressed to the reader (or "now/here").
CTA_START = (
    r"^\W*(get|download|subscribe|join|read|try|sign|start|discover|enjoy|support|become|"
    r"unlock|follow|listen|watch|install|claim|save|grab|don['’]t|find|learn|click|tap|"
    r"register|give|donate|jetzt|hier|lesen|lies|testen|sichern|holen|entdecken|laden|"
    r"abonnieren|registrieren|folgen|hören|erleben|genießen|unterstützen|profitieren|"
    r"découvrez|profitez|lisez|téléchargez|abonnez|inscrivez|rejoignez|suivez|essayez|"
    r"soutenez|recevez|retrouvez|descubre|disfruta|lee|descarga|suscr[ií]bete|únete|sigue|"
    r"prueba|apoya|recibe|scopri|leggi|scarica|abbonati|iscriviti|segui|prova|sostieni|"
    r"ricevi|descubra|aproveite|leia|baixe|assine|siga|experimente|apoie|receba)\b"
)

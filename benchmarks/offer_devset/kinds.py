"""Labels of the offer development set: what kind of offer a harvested line is.

Used only by the builder (never at run time): it names the kind of each line of
a block already known to be an offer (absent from a page's ground truth, or
marked by a publisher's `clean` selectors, or listed as an offer snippet), and
says whether a harvested block is an offer at all. The words are the generic
vocabulary of each act in the six languages, not any one site's wording.
"""

from __future__ import annotations

import re

NEWSLETTER = "newsletter"
MEMBERSHIP = "membership_donation"
PLAN = "plan_price"
SUBSCRIPTION = "subscription_call"
PAYWALL = "paywall_notice"
REGISTRATION = "registration_login"
KINDS = (NEWSLETTER, MEMBERSHIP, PLAN, SUBSCRIPTION, PAYWALL, REGISTRATION)

_CUR = r"(?:[$€£¥₹]|\bUSD\b|\bEUR\b|\bGBP\b|\bCHF\b|R\$|\bFr\.)"
_PRICE = rf"(?:{_CUR}\s?\d|\d[\d.,]*\s?{_CUR})"

# Ordered: the first kind whose words a line holds names it.
_KIND_WORDS: list[tuple[str, str]] = [
    (PAYWALL, r"free (articles?|stories)|articles? (left|remaining)|reached (your|the) limit|"
              r"continue reading|keep reading|read the (full|whole|rest)|full (story|article)|"
              r"subscribers? only|for subscribers|exclusive (to|for) (subscribers|members)|premium (content|article)|"
              r"weiterlesen|weiter lesen|kostenlose[nr]? artikel|für abonnenten|abonnenten vorbehalten|plus-artikel|"
              r"lire la suite|réservée? aux abonnés|il vous reste|"
              r"sigue leyendo|seguir leyendo|continuar leyendo|para suscriptores|exclusivo para|"
              r"continua a leggere|riservat[oa] agli abbonati|"
              r"continue lendo|continuar lendo|exclusivo para assinantes|conteúdo exclusivo"),
    (NEWSLETTER, r"newsletter|inbox|e-?mail|boletín|bolet[ií]n|infolettre|courriel|postfach|posteingang|"
                 r"unsubscribe|abmelden|désinscri|no spam|kein spam|privacy|datenschutz|confidentialité|"
                 r"privacidad|privacy policy|política de privacidad|informativa|daily (briefing|digest)"),
    (MEMBERSHIP, r"donat|donation|donate|contribut|support (us|our|independent|quality|journalism)|become a member|"
                 r"membership|member\b|patron|spende|spenden|unterstütz|mitglied|fördermitglied|"
                 r"faites un don|soutenez|soutenir|don\b|adhérent|donar|donación|apoya|hazte socio|"
                 r"dona ora|sostieni|sostienici|donazione|doe|doação|apoie"),
    (PLAN, rf"{_PRICE}|per (month|week|year)|/\s?(month|mo|week|year|yr)\b|\bpro (monat|woche|jahr)|"
           r"par mois|par an|al mes|al año|por mes|al mese|all'anno|por mês|monatlich|jährlich|"
           r"billed|annual|yearly|monthly|plan\b|plans\b|tarif|abo-modell|mensual|anual|mensile|annuale|mensal"),
    (REGISTRATION, r"log ?in|sign ?in|log ?out|register|registration|create (an |a free |your )?account|password|"
                   r"anmelden|einloggen|registrier|konto|passwort|"
                   r"connecte|connexion|inscri|créer un compte|mot de passe|"
                   r"inicia(r)? sesi[oó]n|ingresa|regístr|registr|cuenta|contraseña|accedi|accesso|"
                   r"entrar|cadastr|faça login|senha"),
    (SUBSCRIPTION, r"subscri|abonn|abo\b|abos\b|\babo-|digital ?abo|suscri|abbona|assin|premium|unlimited|"
                   r"digital access|trial|offer|angebot|offre|oferta|offerta|testen|gratis|free|kostenlos|"
                   r"gratuit|gratuito|e-paper|epaper|app\b"),
]
_KIND_RE = [(k, re.compile(p, re.I)) for k, p in _KIND_WORDS]

# A block is an offer when one of its lines asks for, or tells of, one of the
# acts above in the voice of a pitch (strong anchors, all six languages).
ANCHOR = re.compile(
    r"subscri|newsletter|abonn|\babo\b|\babo-|\babos\b|suscr|abbona|\bassin[ae]|\bdonat|\bdonate|\bspende[nt]?\b|"
    r"faites un don|sostieni|apoie|apoya|support (us|our|independent|quality)|unterstützen sie|soutenez|"
    r"become a member|membership|hazte socio|free (articles?|trial)|continue reading|keep reading|"
    r"weiterlesen|lire la suite|sigue leyendo|seguir leyendo|continua a leggere|continue lendo|"
    # Register in the imperative or as a noun: "registered trademark", "wurden
    # registriert" (recorded), "registros" (records) report, they do not invite.
    r"\blog ?in\b|\bsign ?in\b|\bsign ?up\b|\bregister\b|\bregistration|\bregistrier(en|ung)\b|\beinloggen|"
    r"connectez|\binscri|\bregístr|\bregistra(rse|rte|te|ti|zione|rme)\b|\baccedi\b|cadastr|\bregistering\b|"
    r"(bereits|schon) registriert|already registered|registrado\?|(hier|jetzt) anmelden|"
    r"inbox|postfach|infolettre|bolet[ií]n|"
    r"für abonnenten|réservé aux abonnés|para suscriptores|riservat[oa] agli abbonati|exclusivo para assinantes",
    re.I,
)


# A line that reports rather than pitches: quoted speech, an attributed
# statement or a photo credit. An offer word in it ("NATO membership", "the
# donations they accepted") does not make its container an offer.
_REPORTED = re.compile(
    r"\b(said|says|told|according to|sagte|sagt|erklärte|laut|zufolge|selon|a déclaré|"
    r"a indiqué|dijo|según|afirmó|ha detto|secondo|disse|segundo|afirmou)\b",
    re.I,
)
# A date or a time of day on a line of its own: a comment's or a teaser's
# stamp ("le 22/11/2024 à 09:24", "27. Januar 2026"); offer boxes carry none.
_MONTHS = (r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|januar|februar|märz|mai|juni|juli|oktober|"
           r"dezember|janv|févr|mars|avr|juin|juil|août|sept|déc|enero|febrero|marzo|abril|mayo|junio|julio|"
           r"agosto|septiembre|octubre|noviembre|diciembre|gennaio|febbraio|aprile|maggio|giugno|luglio|"
           r"settembre|ottobre|dicembre|janeiro|fevereiro|março|maio|junho|julho|setembro|outubro|novembro|"
           r"dezembro")
STAMP = re.compile(
    rf"^\W*(?:\w+\s+){{0,3}}(?:\d{{1,2}}[./-]\d{{1,2}}[./-]\d{{2,4}}|\d{{1,2}}\.?\s+(?:{_MONTHS})\w*\.?\s+\d{{4}}|"
    rf"(?:{_MONTHS})\w*\.?\s+\d{{1,2}},?\s+\d{{4}})(?:\W+(?:\w+\W+){{0,3}}\d{{1,2}}[:.h]\d{{2}}\w*)?\W*$",
    re.I,
)


_QUOTES = "\"“”‘’«»„"


def _quoted(line: str) -> bool:
    """Most of the line stands inside quotation marks (quoted speech; a quoted
    newsletter name at the start is not)."""
    s = line.strip()
    if len(s) < 40 or s[0] not in _QUOTES:
        return False
    close = max((s.find(q, 1) for q in _QUOTES if s.find(q, 1) > 0), default=len(s))
    return close >= 0.6 * len(s)


def is_anchor(line: str) -> bool:
    """Whether a line asks for, or tells of, an offer act in a pitch's voice:
    an anchor word in a line of 2+ words that is not reported speech."""
    return bool(ANCHOR.search(line)) and len(line.split()) >= 2 and not _REPORTED.search(line) \
        and not _quoted(line)


def line_kind(line: str, block_kind: str | None = None) -> str:
    """The kind of one offer line: the first kind whose words it holds, else
    the kind of its block (a heading or a feature line takes its block's)."""
    for kind, pat in _KIND_RE:
        if pat.search(line):
            return kind
    return block_kind or SUBSCRIPTION


def has_kind_words(line: str) -> bool:
    return any(pat.search(line) for _, pat in _KIND_RE)


def block_kind(lines: list[str]) -> str:
    """The block's kind: the most frequent line kind among lines that have one."""
    counts: dict[str, int] = {}
    for line in lines:
        for kind, pat in _KIND_RE:
            if pat.search(line):
                counts[kind] = counts.get(kind, 0) + 1
                break
    if not counts:
        return SUBSCRIPTION
    return max(KINDS, key=lambda k: (counts.get(k, 0), -KINDS.index(k)))


# Hard negatives: journalism that talks about what offers sell.
TOPIC = re.compile(
    r"subscri|newsletter|paywall|\bdonat|\bdonors?\b|membership|\bsign(ed)? up\b|\bregist(er|ration)|"
    r"\blog(ged)? ?in\b|free trial|per month|a month\b|per year|a year\b|per week|streaming|"
    r"abonn|\babos?\b|\bspende|mitglied|pro monat|im monat|jährlich|registrier|anmeld|"
    r"\bdons?\b|donateur|par mois|par an\b|inscri|"
    r"suscri|donaci|socios|al mes\b|al año|"
    r"abbonament|abbonati|donazion|iscritt|al mese|"
    r"assinatura|assinante|doaç|por mês|cadastr",
    re.I,
)

"""Subscription-offer stripping in extracted text: pure logic, no Scrapy.

:func:`strip_offers` removes offer lines and blocks (meter notices, calls to
subscribe, plan tables, log-in prompts, newsletter and donation appeals) from
article text, keeping syndication disclaimers apart; :func:`explain_lines`
says why each line stays or goes. The DOM half (containers that are offers,
JSON-LD paywall pointers) is :mod:`pipelines.offers_dom`; the learned
classifier is :mod:`pipelines.offer_classifier`.

The lexicon (:mod:`pipelines.offer_lexicon`) gives each line a kind: a line
is an offer for it when marked *strongly* (a call to action, a meter notice, a
priced plan in a short line), or when it is weak or has no sentence structure
and sits inside a block anchored by strong lines, or in the run of such lines
at the tail of the body. With the shipped model present, the classifier takes
those verdicts as features beside the line's words, shape and neighbours, and
decides; without it the lexicon's block rules decide alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipelines import offer_classifier
from pipelines import offer_lexicon as lex
from pipelines.sentences import ENDS_SENTENCE as _TERMINAL

__all__ = [
    "RemovedBlock",
    "StripResult",
    "classify_line",
    "explain_lines",
    "strip_offers",
]


@dataclass(frozen=True)
class RemovedBlock:
    text: str
    reason: str

    def as_dict(self) -> dict:
        return {"text": self.text, "reason": self.reason}


@dataclass(frozen=True)
class StripResult:
    body: str
    removed_blocks: list[RemovedBlock]
    syndication_note: str | None
    hit_wall: bool


# --------------------------------------------------------------------------
# Line classification
# --------------------------------------------------------------------------

# STRONG: an offer by itself. WEAK: offer vocabulary in a line that is not
# prose. WEAK_PROSE: offer vocabulary in a sentence (goes only when offer
# lines stand on both sides of it). SHORT: no sentence structure. TEXT: prose.
STRONG, WEAK, WEAK_PROSE, SHORT, TEXT = "S", "W", "V", "H", "T"

_line_words = offer_classifier.line_words  # word_count, remembered per stripped line
_LANGS = tuple(lex.STRONG)
# Any double quotation mark: a line quoting someone is reported speech.
_QUOTE = re.compile(r"[\"“”«»„]")
# A colon ends list intros ("Join now to get:"), not sentences.

_CUR = r"(?:US\$|CA\$|C\$|A\$|R\$|[$€£¥₹]|USD|EUR|GBP|CHF|INR|Rs\.?|Fr\.)"
_NUM = r"(?:\d{1,3}(?:[.,\u00a0 ]\d{3})*(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?)(?:[.,]-)?"
_PRICE = rf"(?:{_CUR}\s?{_NUM}|{_NUM}\s?{_CUR})"
_PRICE_RE = re.compile(_PRICE, re.I)
# A price with a billing period: "₹300/Month", "$0.50/week", "3,99 € pro Monat".
_PRICE_PERIOD_RE = re.compile(
    rf"{_PRICE}\s*(?:/|per|a|an|pro|par|por|al|each|every|je|im|au|à la|la|le|the|first)?\s*"
    rf"(?:{lex.PERIOD_WORDS})\b",
    re.I,
)
# A plan-table cell: a bare price ("₹900") or a bare term ("3 Months", "1 Year").
_PLAN_CELL_RE = re.compile(
    rf"^\W*(?:{_PRICE}|\d+\s*(?:{lex.PERIOD_WORDS}))\W*$|^\W*(?:{_PRICE}\s*)+\W*$", re.I
)
_SYNDICATION_RE = [re.compile(p, re.I) for p in lex.SYNDICATION]
_ATTRIBUTION_RE = re.compile(lex.ATTRIBUTION, re.I)


def _top_level_alternatives(body: str) -> list[str]:
    """`body` split at the `|` outside parentheses and character classes."""
    out, cur, depth, escaped, in_class = [], "", 0, False, False
    for ch in body:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch in "()":
            depth += 1 if ch == "(" else -1
        elif ch == "|" and depth == 0:
            out.append(cur)
            cur = ""
            continue
        cur += ch
    return [*out, cur]


def first_letter_factored(pattern: str) -> str:
    """A word-list pattern ``\\b(w1|w2|...)\\b`` with its words grouped by
    their first letter (``\\b(?:y(?:ou|our)|d(?:ich|ir))\\b``): the same
    strings match (an alternation's matches are the union of its
    alternatives'; only the groups captured differ, and these patterns are
    only asked whether they match), and `re` tries a dozen branches at a word
    start instead of forty. Any other pattern is returned as it is."""
    m = re.fullmatch(r"\\b\((.*)\)\\b", pattern, re.S)
    if m is None:
        return pattern
    groups: dict[str, list[str]] = {}
    for alt in _top_level_alternatives(m.group(1)):
        if not alt or not alt[0].isalpha() or (len(alt) > 1 and alt[1] in "?*+{"):
            return pattern
        groups.setdefault(alt[0], []).append(alt[1:])
    return r"\b(?:" + "|".join(c + (f"(?:{'|'.join(rest)})" if rest != [""] else "") for c, rest in groups.items()) + r")\b"


class _NeedsLiteral:
    """A case-sensitive pattern searched only in a text holding one of the
    literals every match contains (a substring test is far cheaper)."""

    def __init__(self, pattern: str, literals: tuple[str, ...]):
        self.pattern = re.compile(pattern)
        self.literals = literals

    def search(self, text: str):
        return any(x in text for x in self.literals) and self.pattern.search(text)


_SECOND_PERSON_RE = re.compile(first_letter_factored(lex.SECOND_PERSON), re.I)
# Every match holds "Sie", "Ihnen" or "Ihr" (tests/test_offer_fast_paths.py pins the pattern).
_SECOND_PERSON_DE_RE = _NeedsLiteral(lex.SECOND_PERSON_FORMAL_DE, ("Sie", "Ihnen", "Ihr"))
_HOUSE_VOICE_RE = re.compile(first_letter_factored(lex.HOUSE_VOICE), re.I)
_CTA_START_RE = re.compile(lex.CTA_START, re.I)
# A declarative sentence this long that neither addresses the reader nor
# speaks for the outlet is a report, attributed or not.
_REPORT_MIN_WORDS = 20


@lru_cache(maxsize=16)
def _patterns(language: str | None) -> tuple[tuple, tuple]:
    """Compiled (strong, weak) patterns for a language; English always applies."""
    lang = (language or "").lower().split("-")[0].split("_")[0]
    langs = _LANGS if lang not in _LANGS else tuple(dict.fromkeys(("en", lang)))
    strong = tuple(
        (reason, re.compile(p, re.I)) for code in langs for reason, p in lex.STRONG[code]
    )
    weak = tuple(
        (reason, re.compile(p, re.I)) for code in langs for reason, p in lex.WEAK.get(code, [])
    )
    return strong, weak


@lru_cache(maxsize=16)
def _wall_only(strong: tuple) -> tuple:
    """The strong patterns whose reason is a wall notice (metered, register, continue)."""
    return tuple((reason, pat) for reason, pat in strong if reason in lex.WALL_REASONS)


# When a line says several things, the most specific reason names it.
_REASON_RANK = [
    lex.METERED,
    lex.CONTINUE,
    lex.REGISTER,
    lex.NEWSLETTER,
    lex.DONATION,
    lex.LOGIN,
    lex.SUBSCRIBE,
    lex.PRICE,
]


# 。！？ end the sentences of scripts written without spaces (else a Japanese
# paragraph is a short line, and the tail rule sweeps it with an offer above it).
_CJK_TERMINAL = re.compile(r"[。！？]['\"’”»)\]」』]*\s*$")


def _is_sentence(line: str, n_words: int) -> bool:
    """Running prose: several words ending like a sentence.

    Plan tables, feature lists and buttons have no closing punctuation.
    """
    return n_words >= 6 and bool(_TERMINAL.search(line) or _CJK_TERMINAL.search(line))


def _reads_as_reporting(s: str, n_words: int) -> bool:
    """A sentence that reports rather than pitches: it neither addresses the
    reader ("you", "Sie", "vous") nor speaks for the outlet ("our", "unser"),
    does not open with a call to action, and is attributed ("analysts said",
    "selon", "laut") or long. Such a line is prose whatever words it uses, so
    offer lines around it cannot sweep it into their block.
    """
    if "!" in s or _CTA_START_RE.search(s):
        return False
    if _SECOND_PERSON_RE.search(s) or _SECOND_PERSON_DE_RE.search(s) or _HOUSE_VOICE_RE.search(s):
        return False
    return n_words >= _REPORT_MIN_WORDS or (n_words >= 8 and bool(_ATTRIBUTION_RE.search(s)))


@lru_cache(maxsize=8192)  # pure; every text pass and nested DOM container re-reads the same lines
def classify_line(line: str, language: str | None = None) -> tuple[str, str | None]:
    """(kind, reason) of one line: kind is STRONG, WEAK, SHORT or TEXT.

    Why the guards: a long sentence, or one quoting someone, is journalism even
    when it mentions subscribing; only the meter/wall wording survives length.
    A sentence with offer vocabulary that reads as reporting (see
    :func:`_reads_as_reporting`) is TEXT, so it breaks runs of offer lines
    instead of joining them.
    """
    s = line.strip()
    n = _line_words(s)
    if n == 0:
        return (SHORT, None) if s else (TEXT, None)
    strong, weak = _patterns(language)
    sentence = _is_sentence(s, n)
    quoted = bool(_QUOTE.search(s)) and n > 12
    if not quoted and n <= 45:
        # In a long line only a wall notice is telling (so only those are looked for).
        hits = {reason for reason, pat in (strong if n <= 25 else _wall_only(strong)) if pat.search(s)}
        if hits:
            return STRONG, min(hits, key=_REASON_RANK.index)
    # A priced plan ("₹300/Month") is weak on its own: rentals, tariffs and
    # tickets are priced per period too. It is an offer inside a block that a
    # call to action or a meter notice anchors.
    if _PLAN_CELL_RE.match(s) or (
        not quoted and _PRICE_PERIOD_RE.search(s) and (n <= 8 or not sentence)
    ):
        return WEAK, lex.PRICE
    if n <= 80 and not quoted:
        for reason, pat in weak:
            if pat.search(s):
                if n <= 25 and not sentence:
                    return WEAK, reason
                if sentence and _reads_as_reporting(s, n):
                    return TEXT, None
                return WEAK_PROSE, reason
    if not sentence and n <= 25:
        return SHORT, None
    return TEXT, None


def _is_syndication(line: str) -> bool:
    s = line.strip()
    return 0 < _line_words(s) <= 60 and any(p.search(s) for p in _SYNDICATION_RE)


# --------------------------------------------------------------------------
# Text-level stripping
# --------------------------------------------------------------------------

# Offer lines further apart than this many other lines are separate blocks.
_MAX_GAP = 3

_UNIT_RE = re.compile(r"[^\n]*\S[^\n]*")


def _units(text: str) -> list[tuple[str, str]]:
    """Non-blank lines with the separator that preceded each in the input."""
    out, pos = [], 0
    for m in _UNIT_RE.finditer(text):
        out.append((text[pos : m.start()], m.group()))
        pos = m.end()
    return out


def mark_offers(kinds: list[tuple[str, str | None]]) -> list[bool]:
    """Which units are offers, from their kinds and positions.

    Runs of non-prose lines (strong, weak, short) are scanned; within a run,
    offer lines (strong or weak) closer than _MAX_GAP form clusters, and a
    cluster holding a strong line goes whole, including the short lines it
    sandwiches (plan names, "3 Months"). A run that reaches the end of the
    body is the tail: after its last strong cluster everything goes (feature
    lists of a plan table), since the article has ended.
    """
    n = len(kinds)
    drop = [False] * n
    i = 0
    while i < n:
        if kinds[i][0] == TEXT:
            i += 1
            continue
        j = i
        while j < n and kinds[j][0] != TEXT:
            j += 1
        _mark_run(kinds, i, j, j == n, drop)
        i = j
    # A strong line standing alone among prose is still an offer (a CTA line
    # dropped into the article); it was handled above since it forms a run.
    return drop


def _mark_run(kinds, start: int, end: int, is_tail: bool, drop: list[bool]) -> None:
    offers = [k for k in range(start, end) if kinds[k][0] in (STRONG, WEAK, WEAK_PROSE)]
    clusters: list[list[int]] = []
    for k in offers:
        if clusters and k - clusters[-1][-1] <= _MAX_GAP + 1:
            clusters[-1].append(k)
        else:
            clusters.append([k])
    # Prose that merely mentions subscribing is never the edge of a block: it
    # goes only when sandwiched between offer lines. Between the first and the
    # last anchored cluster of one run (no prose in between) everything goes:
    # a feature list between two calls to action is part of the offer.
    edges = [
        k
        for cl in clusters
        if any(kinds[k][0] == STRONG for k in cl)
        for k in cl
        if kinds[k][0] != WEAK_PROSE
    ]
    last_strong_end = edges[-1] if edges else None
    if edges:
        for k in range(edges[0], edges[-1] + 1):
            drop[k] = True
    if is_tail and last_strong_end is not None:
        for k in range(last_strong_end + 1, end):
            drop[k] = True
    elif is_tail and _weak_tail(kinds, start, end, offers):
        for k in range(offers[0], end):
            drop[k] = True


def _weak_tail(kinds, start: int, end: int, offers: list[int]) -> bool:
    """A tail run with no strong line: drop it only when offer vocabulary
    dominates (e.g. an app/e-paper promo list), never on one word."""
    if not offers:
        return False
    span = end - offers[0]
    return len(offers) >= 2 and len(offers) * 2 >= span


def _reason_blocks(units, kinds, drop) -> list[RemovedBlock]:
    """Group removed lines: each strong line opens a block with its reason;
    weak and short lines join the block before them (or the next one)."""
    blocks: list[tuple[list[str], str | None]] = []
    prev_dropped = False
    for (_, line), (kind, reason), d in zip(units, kinds, drop, strict=True):
        if not d:
            prev_dropped = False
            continue
        text = line.strip()
        # A priced plan line opens its own block, so the audit shows plans apart.
        opener = kind == STRONG or (reason == lex.PRICE and _PRICE_PERIOD_RE.search(text))
        if opener:
            kind = STRONG
        if kind == STRONG or not prev_dropped or not blocks:
            if blocks and blocks[-1][1] is None and prev_dropped:
                blocks[-1][0].append(text)
                blocks[-1] = (blocks[-1][0], reason if kind == STRONG else None)
            else:
                blocks.append(([text], reason if kind == STRONG else None))
        else:
            blocks[-1][0].append(text)
        prev_dropped = True
    out = []
    for lines, reason in blocks:
        out.append(RemovedBlock("\n".join(lines), reason or lex.SUBSCRIBE))
    return out


class ShapePatterns:
    """The lexicon's patterns the classifier's shape features use."""

    cta = _CTA_START_RE
    second_person = _SECOND_PERSON_RE
    second_person_de = _SECOND_PERSON_DE_RE
    house_voice = _HOUSE_VOICE_RE
    price = _PRICE_RE
    price_needs_digit = True  # every match of `price` holds a digit (_NUM): no digit, no search
    price_period = _PRICE_PERIOD_RE

    @staticmethod
    def reports(line: str) -> bool:
        """The lexicon's test for reporting (attributed, or long, and not a pitch)."""
        s = line.strip()
        return _reads_as_reporting(s, _line_words(s))


def explain_lines(text: str, language: str | None = None) -> list[dict]:
    """Every non-blank line with its verdict, as :func:`strip_offers` reaches
    it: keep, drop or note (syndication), the model's score, the lexicon's
    kind and reason, and the signals that decided it. Passes repeat as in
    stripping; a dropped line shows the pass that dropped it."""
    rows: list[dict | None] = []
    rest: list[int] = []
    for k, (_, line) in enumerate(_units(text if isinstance(text, str) else "")):
        if _is_syndication(line):
            rows.append({"line": line.strip(), "action": "note", "score": None, "rule": None,
                         "reason": "syndication", "signals": ["syndication_note"]})
        else:
            rows.append({"line": line.strip()})
            rest.append(k)
    while rest:
        lines = [rows[k]["line"] for k in rest]
        kinds = [classify_line(line, language) for line in lines]
        drop, decisions = _decide(lines, kinds, explain=True)
        for j, k in enumerate(rest):
            dec = decisions[j] if decisions else None
            signals = list(dec.signals) if dec else (["lexicon_block"] if drop[j] else [])
            rows[k].update(action="drop" if drop[j] else "keep", rule=kinds[j][0], reason=kinds[j][1],
                           score=None if dec is None else round(dec.score, 3), signals=signals)
        if not any(drop):
            break
        rest = [k for j, k in enumerate(rest) if not drop[j]]
    return rows


def _decide(lines: list[str], kinds, explain: bool = False) -> tuple[list[bool], list | None]:
    """Which lines are offers: the learned classifier when its model is
    present (it weighs the lexicon's verdicts with the line's words, shape and
    neighbours), else the lexicon's block rules alone."""
    rule_drop = mark_offers(kinds)
    model = offer_classifier.default_model()
    if model is None or not lines:
        return rule_drop, None
    decisions = offer_classifier.decide(model, lines, [k for k, _ in kinds], rule_drop, ShapePatterns,
                                        explain=explain)
    return [d.drop for d in decisions], decisions


def _strip_once(text: str, language: str | None):
    units = _units(text)
    synd = [_is_syndication(line) for _, line in units]
    rest = [u for u, s in zip(units, synd, strict=True) if not s]
    notes = [line.strip() for (_, line), s in zip(units, synd, strict=True) if s]
    kinds = [classify_line(line, language) for _, line in rest]
    drop, _ = _decide([line for _, line in rest], kinds)
    blocks = _reason_blocks(rest, kinds, drop)
    kept = [u for u, d in zip(rest, drop, strict=True) if not d]
    # hit_wall: a wall notice removed after the last prose line that stays.
    last_text = max((k for k, (kind, _) in enumerate(kinds) if kind == TEXT and not drop[k]), default=-1)
    hit_wall = any(
        d and kinds[k][1] in lex.WALL_REASONS and k > last_text for k, d in enumerate(drop)
    )
    body = "".join(sep + line if idx else line for idx, (sep, line) in enumerate(kept))
    return body, blocks, notes, hit_wall


def strip_offers(text: str, *, language: str | None = None) -> StripResult:
    """Remove offer lines/blocks from extracted article text.

    Pure and total: never raises, and is idempotent because the single pass is
    repeated until nothing more goes (each pass removes at least one line or
    stops, so it ends).
    """
    try:
        body = text if isinstance(text, str) else ""
        blocks: list[RemovedBlock] = []
        notes: list[str] = []
        hit_wall = False
        for _ in range(10_000):
            new_body, b, n, w = _strip_once(body, language)
            blocks += b
            notes += n
            hit_wall = hit_wall or w
            if new_body == body:
                break
            body = new_body
        note = "\n".join(dict.fromkeys(notes)) or None
        return StripResult(body, blocks, note, hit_wall)
    except Exception:  # pragma: no cover - defensive: stripping must never break a crawl
        return StripResult(text if isinstance(text, str) else "", [], None, False)

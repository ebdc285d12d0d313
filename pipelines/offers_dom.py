"""Subscription-offer containers in a page's DOM, and JSON-LD paywall pointers.

:func:`drop_offer_containers` works on the page's DOM before extraction and
removes containers that *are* offers (paywall vendor boxes, newsletter
sign-up forms, dialogs and form boxes the classifier calls offers), judging
each by its text, because the article itself often sits inside a
``.paywall`` element. :func:`is_paywall_pointer` reads JSON-LD
``isAccessibleForFree``/``hasPart``. The text half is :mod:`pipelines.offers_text`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from pipelines import offer_classifier
from pipelines import offer_lexicon as lex
from pipelines.offers_text import (
    STRONG,
    TEXT,
    RemovedBlock,
    ShapePatterns,
    classify_line,
    mark_offers,
)

__all__ = ["drop_offer_containers", "is_paywall_pointer"]


# --------------------------------------------------------------------------
# DOM level
# --------------------------------------------------------------------------

# Attribute values that mark a container as a *candidate* offer; the text then
# decides. Vendor names first (piano/tinypass, poool, pelcro, laterpay, zephr).
_MARKER_RE = re.compile(
    r"piano|tinypass|\btp-|poool|pelcro|laterpay|zephr|paywall|pay-wall|regwall|reg-wall|"
    r"registration|meter|subscri|\babo\b|abo-|abonn|offer|newsletter|signup|sign-up|optin|"
    r"opt-in|promo|membership|donat|support-us|premium|upsell|conversion|login-wall|"
    r"piano-|inline-cta|\bcta\b|"
    # In-article clutter the postlight-parser `clean` lists name across publishers.
    r"callout|pitch|interstitial|donate|partner-box|alert-message",
    # Matched against casefolded text: a lowercase pattern without IGNORECASE is
    # several times faster, and it runs on every element of every page.
)


@functools.lru_cache(maxsize=4096)
def _has_marker(marker_text: str) -> bool:
    """_MARKER_RE on an element's casefolded marker text, remembered: a page's
    ~1,000 elements with attributes carry ~330 distinct ones (class lists repeat,
    within a page and across a site's pages), and the regex was ~9 ms a page."""
    return _MARKER_RE.search(marker_text) is not None


# Vendors whose boxes are offers whatever they hold (possibly empty shells).
_VENDOR_RE = re.compile(r"piano|tinypass|\btp-(modal|container|backdrop)|poool|pelcro|laterpay|zephr", re.I)
_NEWSLETTER_WORDS = re.compile(
    r"newsletter|inbox|sign ?up|subscri|abonn|inscri|suscr|iscriviti|cadastr|anmelden", re.I
)
BLOCK_TAGS = frozenset(
    ["p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "section", "aside", "article", "header",
     "footer", "form", "button", "a", "label", "br", "table", "tr", "td", "th", "dt", "dd", "figure",
     "figcaption", "blockquote", "nav", "span"]
)
# Never read: code, and what a reader does not see as text (icons, frames, the
# options of a drop-down).
SKIP_TAGS = frozenset(["script", "style", "noscript", "template", "svg", "iframe", "select", "option"])


def _marker_parts(items: list[tuple[str, str]]) -> tuple[str, str, str]:
    """(marker text, role, aria-modal) from an element's attribute list (`el.items()`),
    read once: the marker text is the attribute values that can carry an offer marker
    (class, id, aria-label, then each data- attribute's name and short value)."""
    cls = ident = aria = role = modal = ""
    data: list[str] = []
    for name, value in items:
        if name == "class":
            cls = value
        elif name == "id":
            ident = value
        elif name == "aria-label":
            aria = value
        elif name == "role":
            role = value
        elif name == "aria-modal":
            modal = value
        elif name.startswith("data-"):
            data.append(name)
            if len(value) < 80:
                data.append(value)
    return " ".join([cls, ident, aria, *data]), role, modal


def _marker_text(el) -> str:
    """Attribute values that can carry an offer marker."""
    return _marker_parts(el.items())[0]


_NOT_CANDIDATES = frozenset(["html", "body", "head", "script", "style", "meta", "link"])
_DIALOG_ROLES = ("dialog", "alertdialog")


def _marked_candidate(tag: str, items: list[tuple[str, str]]) -> bool:
    """`_has_marker(_marker_text(el).casefold()) or _is_dialog(el)` from the element's
    attribute list (`el.items()`), read once: the candidate scan runs on every element
    of the page, and each `el.get` builds a proxy call (~1 ms a page saved)."""
    text, role, modal = _marker_parts(items)
    return _has_marker(text.casefold()) or _dialog(tag, role, modal)


def text_lines(el, blocks: frozenset = BLOCK_TAGS, placeholders: bool = False) -> list[str]:
    """The element's text split at block boundaries (buttons and links too,
    since offers are made of buttons); with `placeholders`, an input's
    placeholder is a line of its own. The one walker of the DOM pass and of
    the development set's harvester (benchmarks/offer_devset/harvest.py)."""
    chunks: list[str] = []

    def walk(node):
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in SKIP_TAGS:
            if node is not el and node.tail:
                chunks.append(node.tail)
            return
        block = tag in blocks
        if block:
            chunks.append("\n")
        if placeholders and tag == "input" and (node.get("placeholder") or "").strip():
            chunks.append(node.get("placeholder"))
        if node.text:
            chunks.append(node.text)
        for child in node:
            walk(child)
        if block:
            chunks.append("\n")
        if node is not el and node.tail:
            chunks.append(node.tail)

    walk(el)
    return [" ".join(line.split()) for line in "".join(chunks).split("\n") if line.strip()]


def _dialog(tag: str, role: str, modal: str) -> bool:
    """A modal or dialog: what pops over an article is never the article."""
    return tag == "dialog" or role.lower() in _DIALOG_ROLES or modal.lower() == "true"


def _is_dialog(el) -> bool:
    return _dialog(el.tag, el.get("role") or "", el.get("aria-modal") or "")


def _has_controls(el) -> bool:
    """Form controls (inputs, buttons, selects) inside the container."""
    return any(True for _ in el.iter("input", "button", "select"))


_NO_OFFER_WORDS_LOGIT = -0.847  # text probability 0.3


def _learned_offer_share(lines: list[str], kinds, language: str | None) -> float | None:
    """Share of the container's text (by characters) that the classifier would
    drop, or None without a model."""
    model = offer_classifier.default_model()
    if model is None:
        return None
    # No line whose own words lean to an offer (text model, cached per line):
    # the context model never took half of such a box (4,431 candidates on the
    # corpus's 1,248 pages: those below this dropped 0% of their text), and it
    # is the costly part.
    if float(model.text_logits(lines).max()) < _NO_OFFER_WORDS_LOGIT:
        return 0.0
    rule_drop = mark_offers(kinds)
    decisions = offer_classifier.decide(model, lines, [k for k, _ in kinds], rule_drop, ShapePatterns)
    total = sum(len(x) for x in lines) or 1
    return sum(len(x) for x, d in zip(lines, decisions, strict=True) if d.drop) / total


def _has_email_input(el) -> bool:
    return any(
        (i.get("type") or "").lower() == "email" or "mail" in (i.get("name") or "").lower()
        for i in el.iter("input")
    )


def _judge_container(el, language: str | None = None) -> tuple[bool, str, str]:
    """(is_offer, reason, text) for a candidate container, by what it says.

    An offer box is short and made of offer lines; a container holding the
    article has prose that no offer line explains.
    """
    lines = text_lines(el)
    text = "\n".join(lines)
    if not lines:
        return bool(_VENDOR_RE.search(_marker_text(el))), lex.CONTAINER, ""
    kinds = [classify_line(line, language) for line in lines]
    strong = [r for k, r in kinds if k == STRONG]
    prose = sum(len(line) for line, (k, _) in zip(lines, kinds, strict=True) if k == TEXT)
    total = sum(len(line) for line in lines)
    # A message box makes a comment or contact form, never an offer.
    if any(True for _ in el.iter("textarea")):
        return False, "", text
    # A sign-up form: an e-mail field and newsletter wording.
    if _has_email_input(el) and _NEWSLETTER_WORDS.search(text):
        return prose <= 400, lex.NEWSLETTER, text
    if not strong:
        # No lexicon anchor: the classifier decides, for a short box whose
        # lines it calls offers (most of them; half in a dialog or a box of
        # form controls, the shapes offers take).
        if total > 1500 or prose > 400:
            return False, "", text
        share = _learned_offer_share(lines, kinds, language)
        need = 0.5 if (_is_dialog(el) or _has_controls(el)) else 0.8
        if share is not None and share >= need:
            return True, lex.CONTAINER, text
        return False, "", text
    is_offer = prose <= max(150, 0.25 * total) and total <= 3000
    return is_offer, strong[0], text


# A box around a form: what a sign-up, log-in or donation form sits in with
# its heading and pitch ("Independent journalism needs your support" over the
# amounts), the block shape "a heading followed by form-like lines". Bounded
# like the development set's blocks, and never the page's article or main.
_BOX_MAX_LINES = 14
_BOX_MAX_CHARS = 1400
_BOX_RAW_CHARS = 4 * _BOX_MAX_CHARS
_BOX_MAX_LEVELS = 8
_BOX_STOP_TAGS = frozenset(["html", "body", "main", "article"])
# Inputs a reader fills in; hidden ones and buttons alone make no form.
_FILLED_INPUTS = frozenset(["email", "text", "tel", "password", "radio", "checkbox", "number", ""])
_BOX_SHORT_WORDS = 3  # a logo, a close button, a lone label may stay unjudged
_BOX_PITCH_WORDS = 40  # a pitch is a few sentences; longer is an article's paragraph


_SEARCH_NAMES = frozenset(["q", "s", "query", "search", "keys", "keyword", "keywords", "suche", "term"])


def _filled_input(el) -> bool:
    """An input a reader fills in, other than a site search field."""
    if (el.get("type") or "").lower() not in _FILLED_INPUTS:
        return False
    return (el.get("name") or "").lower() not in _SEARCH_NAMES and "search" not in (el.get("role") or "")


def _control_seeds(root) -> list:
    """Each form with a field to fill in (not a site search), and each such
    field outside any form (script-driven sign-up boxes)."""
    seeds: list = []
    for el in root.iter("input"):
        if not _filled_input(el):
            continue
        form = next((a for a in el.iterancestors() if a.tag == "form"), None)
        if form is None or (form.get("role") or "").lower() != "search":
            seeds.append(form if form is not None else el)
    return list(dict.fromkeys(seeds))


def _may_stay_in_box(lines: list[str], decisions, k: int, low: float) -> bool:
    """A line the classifier keeps that does not stop a box: a few words (a
    logo, a close button), a heading over a line it drops (the box's own
    heading, which alone reads like an article's first line), or a pitch it
    leans to call an offer (score `low`, the block growth's) without taking
    it: a sentence the context model lifts beside the form's lines ("Lesen
    Sie ... Täglich im Postfach." over a sign-up form)."""
    words = len(lines[k].split())
    if words <= _BOX_SHORT_WORDS:
        return True
    if words <= _BOX_PITCH_WORDS and decisions[k].score >= low:
        return True
    return words <= 8 and k + 1 < len(lines) and decisions[k + 1].drop and \
        not offer_classifier.line_shape(lines[k], ShapePatterns).sentence


def _offer_box(parent, protected: set, language: str | None = None):
    """The largest of `parent` (a form's or a lone input's) and its ancestors
    that is an offer box around the form, or None: small (_BOX_MAX_LINES, _BOX_MAX_CHARS), at least
    half its text dropped by the classifier and every line it keeps one that
    may stay in a box (`_may_stay_in_box`), so that no sentence of an article
    goes with a form set among its paragraphs. Without a model, no box."""
    model = offer_classifier.default_model()
    if model is None:
        return None
    best, last_lines, last_size = None, None, -1
    for level, box in enumerate((parent, *parent.iterancestors())):
        if level >= _BOX_MAX_LEVELS or not isinstance(box.tag, str) or box.tag in _BOX_STOP_TAGS \
                or box in protected:
            break
        # A cheap bound first (text_content runs in C; it counts scripts and
        # white space too, hence the margin): most forms sit in large pages.
        size = len(box.text_content())
        if size > _BOX_RAW_CHARS:
            break
        if size == last_size:  # a wrapper around the same text: the same verdict
            best = box if best is not None else None
            continue
        last_size = size
        lines = text_lines(box)
        if len(lines) > _BOX_MAX_LINES or sum(len(x) for x in lines) > _BOX_MAX_CHARS:
            break
        if not lines or any(True for _ in box.iter("textarea")):
            if lines:
                break
            continue
        if lines == last_lines:  # a wrapper around the same text: the same verdict
            best = box if best is not None else None
            continue
        last_lines = lines
        kinds = [classify_line(line, language) for line in lines]
        decisions = offer_classifier.decide(model, lines, [k for k, _ in kinds], mark_offers(kinds), ShapePatterns)
        if not all(d.drop or _may_stay_in_box(lines, decisions, k, model.low_threshold)
                   for k, d in enumerate(decisions)):
            break
        # Most of it goes by the classifier: half its text, or half its lines
        # (a box of buttons and labels around two long pitches).
        dropped = [x for x, d in zip(lines, decisions, strict=True) if d.drop]
        if sum(map(len, dropped)) * 2 >= sum(map(len, lines)) or len(dropped) * 2 >= len(lines):
            best = box
    return best


def _safe_select(root, selector: str) -> list:
    try:
        return root.cssselect(selector)
    except Exception:  # an outlet's odd selector must not break extraction
        return []


def drop_offer_containers(root, paywall_selectors: Iterable[str] = ()) -> list[RemovedBlock]:
    """Remove, in place, containers of `root` that are offers; return them.

    Elements matched by `paywall_selectors` (JSON-LD hasPart cssSelector) are
    the paywalled article part: neither they nor their ancestors are removed.
    """
    removed: list[RemovedBlock] = []
    try:
        protected: set = set()
        for sel in paywall_selectors or ():
            for el in _safe_select(root, sel):
                protected.add(el)
                protected.update(el.iterancestors())
        candidates = []
        for el in root.iter():
            tag = el.tag
            if not isinstance(tag, str) or tag in _NOT_CANDIDATES or el in protected:
                continue
            if ((items := el.items()) and _marked_candidate(tag, items)) or tag in ("form", "dialog"):
                candidates.append(el)
        seeds = _control_seeds(root)
        gone: set = set()

        def drop(el, reason: str, text: str) -> None:
            gone.add(el)
            el.drop_tree()
            if text:
                removed.append(RemovedBlock(text, reason))

        for el in candidates:
            if any(a in gone for a in el.iterancestors()):
                continue
            ok, reason, text = _judge_container(el)
            if not ok or el.getparent() is None:
                continue
            # An offer form goes with the box it sits in (its heading and
            # pitch), judged while the form's lines are still there.
            box = _offer_box(el.getparent(), protected) if el.tag == "form" or any(
                s is el or el in s.iterancestors() for s in seeds) else None
            if box is not None:
                drop(box, reason, "\n".join(text_lines(box)))
            else:
                drop(el, reason, text)
        # The boxes of the forms left (no marker, or not judged an offer alone).
        for seed in seeds:
            if seed in gone or any(a in gone for a in seed.iterancestors()) or seed.getparent() is None:
                continue
            box = _offer_box(seed.getparent(), protected)
            if box is not None and box.getparent() is not None:
                drop(box, lex.CONTAINER, "\n".join(text_lines(box)))
    except Exception:  # pragma: no cover - DOM cleanup is best effort
        pass
    return removed


# --------------------------------------------------------------------------
# JSON-LD paywall pointer
# --------------------------------------------------------------------------


def _is_false(value) -> bool:
    return value is False or (isinstance(value, str) and value.strip().lower() == "false")


def _walk_jsonld(obj):
    if isinstance(obj, dict):
        yield obj
        for v in obj.values():
            yield from _walk_jsonld(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _walk_jsonld(v)


def is_paywall_pointer(jsonld_objects: list[dict]) -> tuple[bool, list[str]]:
    """(paywalled?, cssSelectors of the paywalled parts) from JSON-LD objects."""
    paywalled = False
    selectors: list[str] = []
    try:
        for obj in _walk_jsonld(jsonld_objects or []):
            if _is_false(obj.get("isAccessibleForFree")):
                paywalled = True
            parts = obj.get("hasPart")
            for part in parts if isinstance(parts, list) else [parts]:
                if not isinstance(part, dict) or not _is_false(part.get("isAccessibleForFree")):
                    continue
                paywalled = True
                sel = part.get("cssSelector")
                for s in sel if isinstance(sel, list) else [sel]:
                    if isinstance(s, str) and s.strip() and s.strip() not in selectors:
                        selectors.append(s.strip())
    except Exception:  # pragma: no cover - malformed JSON-LD is common
        pass
    return paywalled, selectors

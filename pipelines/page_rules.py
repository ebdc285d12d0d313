"""Page furniture that extractors leave in article text: not offers, not journalism.

Photo-credit lines, placeholders for blocked embeds ("enable external
content in your privacy settings"), the signature lines of embedded social
posts, comment-section prompts, and inline cross-links to other articles
("Read more: <headline>"). Each rule needs a short line without
sentence structure, so a sentence that merely mentions these things stays.
Pure functions; the offers stage applies them after offer stripping.
"""

from __future__ import annotations

import re

_MAX_WORDS = 14

# "STR/Getty Images", "Photo: AFP", "Foto: dpa", "(Reuters)", "Bild: Imago/Sven Simon"
_CREDIT = re.compile(
    r"^(?:(?:photo|foto|bild|image|imagen|immagine|crédit|credit|fotografía|quelle)s?\s*[:©]|©|\(?\s*"
    r"(?:[\w.\- ]{0,40}/\s*)?(?:getty images|afp|reuters|ap photo|associated press|dpa|imago|shutterstock|"
    r"epa|anadolu|picture alliance|picture-alliance|keystone|ansa|efe|xinhua|istock)\b)",
    re.I)
_CREDIT_TAIL = re.compile(r"(?:/|\bvia\s)(?:getty images|afp|reuters|ap|dpa|imago|shutterstock|epa)\)?\s*$", re.I)

# placeholders shown instead of a blocked embed, in the languages the offer lexicon covers
_PLACEHOLDER = re.compile(
    r"(externer inhalt|externe inhalte|privatsphäre-einstellungen|datenschutz-einstellungen|"
    r"zur anzeige aktiviere|inhalte von drittanbietern|"
    r"external content|enable (?:javascript|cookies)|privacy settings|cookie settings|this content is blocked|"
    r"contenu externe|paramètres de confidentialité|contenido externo|contenuto esterno|conteúdo externo)", re.I)

# "— Name (@handle) July 18, 2026", "pic.twitter.com/abc"
_SOCIAL_SIG = re.compile(r"^[—–-]\s*.{0,80}\(@\w{1,30}\)\s*\w+\.? \d{1,2},? \d{4}\s*$")
_SOCIAL_LINK = re.compile(r"pic\.twitter\.com/\w+|https?://t\.co/\w+", re.I)

_COMMENTS = re.compile(
    r"^(comments?|kommentare?|commentaires?|comentarios?|commenti|comentários|"
    r"join (?:our commenting forum|the conversation|the discussion)|show comments|view comments|"
    r"leave a comment|add a comment|kommentar schreiben|zu den kommentaren|read more:?|mehr zum thema:?|"
    r"lesen sie auch:?|lire aussi:?|leer más:?|leggi anche:?|leia também:?)\s*[:.]?$", re.I)


# "Read more: <headline>", "Lea también: <headline>": a cross-link to another
# article, set inline between paragraphs. The label names it; the rest must
# read as a headline (no full stop at the end: a speaker's "Lea: ..." line in
# an interview is a sentence).
_SEE_ALSO = re.compile(
    r"^(?:read more|read also|also read|see also|related|more|more on this|recommended|"
    r"lesen sie auch|lesen sie mehr|lies auch|mehr zum thema|auch interessant|das könnte sie auch interessieren|"
    r"lire aussi|à lire aussi|a lire aussi|voir aussi|"
    r"lea también|lee también|lea más|lea|le puede interesar|te puede interesar|puedes ver|vea también|"
    r"ver también|mira|mire|leggi anche|leia também|veja também|les også|läs också|læs også|lees ook|"
    r"lue myös|czytaj też|czytaj także|czytaj więcej)"
    r"(?:\s*[:»|]|\s+[–-])\s*(?P<rest>\S.*)$", re.I)
_SEE_ALSO_MAX_WORDS = 25


def _short(line: str) -> bool:
    return len(line.split()) <= _MAX_WORDS and not line.rstrip().endswith((".", "!", "?", "»", "”", '"'))


def page_rule_reason(line: str) -> str | None:
    """Why a line is furniture, or None."""
    text = line.strip()
    if not text:
        return None
    if _COMMENTS.match(text):
        return "comments_prompt"
    if (m := _SEE_ALSO.match(text)) and len(m["rest"].split()) <= _SEE_ALSO_MAX_WORDS \
            and not m["rest"].rstrip().endswith((".", ":")):
        return "see_also"
    if _SOCIAL_SIG.match(text) or (_SOCIAL_LINK.search(text) and len(text.split()) <= 3):
        return "social_embed"
    if len(text.split()) <= 25 and _PLACEHOLDER.search(text) and not _quoted(text):
        return "embed_placeholder"
    # a credit is a few words: "Reuters reported that ..." without a full stop is a headline, not a credit
    if _short(text) and len(text.split()) <= 6 and (_CREDIT.match(text) or _CREDIT_TAIL.search(text)):
        return "photo_credit"
    return None


def _quoted(text: str) -> bool:
    return any(q in text for q in ('"', "“", "«", "„"))


def strip_page_rule_lines(text: str) -> tuple[str, list[dict]]:
    """The text without furniture lines, and what was removed (text, reason)."""
    kept, removed = [], []
    for line in text.split("\n"):
        reason = page_rule_reason(line)
        if reason is None:
            kept.append(line)
        else:
            removed.append({"text": line.strip(), "reason": reason})
    if not removed:
        return text, []
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip("\n"), removed

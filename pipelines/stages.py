"""Item-level stage functions, shared by the item pipelines and the offline runner.

Each takes an item dict and returns the new item (or a drop reason); the
text-level logic lives in normalize.py, offers.py, validate.py.
"""

from __future__ import annotations

from pipelines.metadata import OutletTitles
from pipelines.normalize import normalize_item
from pipelines.offers_text import strip_offers
from pipelines.outlet_lines import OutletLines, strip_outlet_lines
from pipelines.outlets import OutletSpec
from pipelines.page_rules import strip_page_rule_lines
from pipelines.removed_at import place_removed
from pipelines.validate import validate_item


def normalize_stage(item: dict, outlet: OutletSpec | None) -> dict:
    return normalize_item(
        item,
        domains=tuple(outlet.domains) if outlet else (),
        timezone_name=outlet.timezone if outlet else None,
        default_language=outlet.language if outlet else None,
    )


def offers_stage(item: dict) -> dict:
    """Strip offers, then page furniture, from the body; merge with DOM-level
    removals; set the paywall flag."""
    before = item.get("body") or ""
    result = strip_offers(before, language=item.get("language"))
    body, furniture = strip_page_rule_lines(result.body)
    item = dict(item)
    item["body"] = body or None
    item["removed_blocks"] = place_removed(before, body, item.get("removed_blocks") or [],
                                           [*(b.as_dict() for b in result.removed_blocks), *furniture])
    item["syndication_note"] = result.syndication_note
    item["paywalled"] = bool(item.get("paywalled") or result.hit_wall)
    return item


def outlet_lines_stage(item: dict, known: OutletLines,
                       titles: OutletTitles | None = None) -> tuple[dict, int, bool]:
    """What the outlet repeats, cut: the title affix its pages share (`titles`, by default
    the affixes counted with `known`) and the lines `known` holds.
    (item, lines removed, whether the title was cut)."""
    if not item.get("body"):
        return item, 0, False
    titles = titles if titles is not None else OutletTitles(articles=known.articles, counts=known.counts)
    item = dict(item)
    title_cut = False
    if (title := titles.cut(item.get("title"))) != item.get("title"):
        item["title"], title_cut = title, True
    body, removed = strip_outlet_lines(item["body"], known)
    if removed:
        item["removed_blocks"] = place_removed(item["body"], body, item.get("removed_blocks") or [], removed)
        item["body"] = body
    return item, len(removed), title_cut


def validate_stage(item: dict) -> tuple[dict | None, str | None]:
    """(canonical item with every field, None) or (None, drop reason)."""
    article, reason = validate_item(item)
    return (article.model_dump(), None) if article is not None else (None, reason)

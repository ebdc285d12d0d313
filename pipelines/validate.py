"""Validate stage: the item must be an `Article`; else it is dropped with a reason."""

from __future__ import annotations

from pydantic import ValidationError

from pipelines.article import MIN_BODY_CHARS, Article


def drop_reason(exc: ValidationError) -> str:
    """A short stats-friendly reason: `missing_title`, `short_body`, `invalid_published_at`..."""
    err = exc.errors()[0]
    field = str(err["loc"][0]) if err["loc"] else "item"
    if err["type"] in ("missing", "string_type") or (err["type"] == "value_error" and "blank" in err["msg"]):
        return f"missing_{field}"
    if err["type"] == "string_too_short":
        return f"short_{field}"
    return f"invalid_{field}"


def validate_item(item: dict) -> tuple[Article | None, str | None]:
    """(Article, None) when valid, else (None, reason). `article.model_dump()` is
    the item's canonical form: every field present, defaults filled in."""
    body = item.get("body") or ""
    if body and len(body.strip()) < MIN_BODY_CHARS:
        return None, "short_body"
    try:
        return Article.model_validate(item), None
    except ValidationError as exc:
        return None, drop_reason(exc)

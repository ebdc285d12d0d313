"""The Article schema, in one place.

Validation (the `validate` pipeline stage), the MongoDB `$jsonSchema`
validator on the `articles` collection and `docs/schema.md` are all derived
from the `Article` model below: change a field here and all three follow.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, field_validator

SCHEMA_VERSION = 1
MIN_BODY_CHARS = 200  # shorter bodies are teasers, captions or error pages, not articles


class RemovedBlockDoc(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(description="The text offer stripping removed.")
    reason: str = Field(description="Why it was removed, e.g. `metered_limit`, `price_plan`.")
    at: int | None = Field(None, ge=0, description="Index of the body paragraph it stood before "
                           "(the paragraph count: after the last); none when removed from the HTML.")


class ArchiveRefDoc(BaseModel):
    model_config = ConfigDict(extra="forbid")
    file: str = Field(description="WARC file, relative to the archive root (absolute for an ingested file).")
    offset: int = Field(ge=0, description="Byte offset of the response record in the file.")
    length: int = Field(ge=0, description="Length in bytes of the (compressed) record.")
    fetched_at: datetime = Field(description="When the response was fetched (WARC-Date), UTC.")


class Article(BaseModel):
    """One news article as stored in the `articles` collection."""

    model_config = ConfigDict(extra="ignore")

    canonical_url: str = Field(description="Canonical URL; unique key of the collection.")
    url: str = Field(description="The URL the page was fetched from.")
    outlet: str = Field(min_length=1, description="Outlet name, as in `pipelines/outlets/*.toml`.")
    section: str | None = Field(None, description="Section page URL the article was found on.")
    title: str = Field(min_length=1, description="Headline.")
    body: str = Field(min_length=MIN_BODY_CHARS, description="Clean article text, paragraphs separated by newlines; offers removed.")
    description: str | None = Field(None, description="Standfirst / meta description, when the page has one.")
    authors: list[str] = Field(default_factory=list, description="The people who wrote it: names only (no \"By\", job titles, agencies or the outlet's name), at most 12.")
    agency: str | None = Field(None, description="Wire agency the byline names (`dpa`, `AP`, `Reuters`; several joined with `/`), kept apart from `authors`.")
    published_at: datetime | None = Field(None, description="Publication time, UTC.")
    modified_at: datetime | None = Field(None, description="Last modification time given by the page, UTC.")
    language: str | None = Field(None, description="ISO 639-1 language code.")
    paywalled: bool = Field(False, description="True when the page marks the article as not free or the body stops at a wall.")
    removed_blocks: list[RemovedBlockDoc] = Field(default_factory=list, description="What offer stripping removed, for audit.")
    syndication_note: str | None = Field(None, description="Syndication / wire disclaimer, kept apart from the body.")
    extraction: str = Field("trafilatura", description="Which extractor produced the body: `selectors`, `jsonld` or `trafilatura`.")
    fingerprint: str | None = Field(None, description="Hash of the normalised body: exact-duplicate key.")
    simhash: int | None = Field(None, description="64-bit sketch of the body's MinHash signature (signed int64): Hamming distance estimates overlap.")
    simhash_bands: list[str] = Field(default_factory=list, description="Near-duplicate lookup keys: MinHash LSH bands and sketch slices (see docs/dedup.md).")
    archive: ArchiveRefDoc | None = Field(None, description="Where the fetched response is kept as WARC (docs/archive.md): file, offset, length, fetched_at; null when the archive is off.")
    duplicate_of: Any | None = Field(None, description="`_id` of the first stored copy when this is a duplicate, else null.")
    first_seen: datetime | None = Field(None, description="When newsdesk first stored this URL (set once).")
    last_seen: datetime | None = Field(None, description="When a crawl last saw this URL.")
    version: int = Field(1, ge=1, description="1 on insert, +1 each time the body changes.")
    schema_version: int = Field(SCHEMA_VERSION, description="Version of this schema the document was written with.")
    write_seq: int | None = Field(None, description="Write sequence number of the batch that last inserted or changed it; polling readers follow it (see Reading incrementally). Null on documents stored before it existed.")

    @field_validator("title", "body")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("is blank")
        return value


def _bson_types(annotation: Any) -> tuple[list[str], dict[str, Any]]:
    """Map a Python annotation to ($jsonSchema bsonType list, extra keywords)."""
    origin = get_origin(annotation)
    if origin is Union or (origin is not None and type(None) in get_args(annotation)):
        types: list[str] = []
        extra: dict[str, Any] = {}
        for arg in get_args(annotation):
            if arg is type(None):
                types.append("null")
            else:
                sub, extra = _bson_types(arg)
                if not sub:  # Any: no type constraint at all
                    return [], {}
                types.extend(sub)
        return types, extra
    if origin is list:
        (item,) = get_args(annotation)
        return ["array"], {"items": _property_schema(item)}
    if annotation is Any:
        return [], {}
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return ["object"], _object_schema(annotation)
    if get_origin(annotation) is Literal:
        return ["string"], {"enum": list(get_args(annotation))}
    mapping = {str: "string", bool: "bool", int: "long", float: "double", datetime: "date"}
    return [mapping[annotation]], {}


def _property_schema(annotation: Any) -> dict[str, Any]:
    types, extra = _bson_types(annotation)
    if types == ["long"]:
        types = ["int", "long"]
    elif "long" in types:
        types = [*types, "int"]
    schema: dict[str, Any] = dict(extra)
    if types:
        schema["bsonType"] = types[0] if len(types) == 1 else types
    return schema


def _object_schema(model: type[BaseModel]) -> dict[str, Any]:
    props = {}
    required = []
    for name, field in model.model_fields.items():
        props[name] = _property_schema(field.annotation)
        if field.is_required():
            required.append(name)
    return {"required": required, "properties": props}


def mongo_json_schema() -> dict[str, Any]:
    """The `$jsonSchema` validator for `articles`, derived from `Article`."""
    schema = {"bsonType": "object", **_object_schema(Article)}
    schema["required"] = [*schema["required"], "first_seen", "last_seen", "version"]
    return schema


def schema_markdown() -> str:
    """The field table of docs/schema.md, derived from `Article`."""
    lines = ["| field | type | required | meaning |", "|---|---|---|---|"]
    required = set(mongo_json_schema()["required"])
    for name, field in Article.model_fields.items():
        bson = _property_schema(field.annotation).get("bsonType", "any")
        bson = " or ".join(bson) if isinstance(bson, list) else bson
        lines.append(f"| `{name}` | {bson} | {'yes' if name in required else 'no'} | {field.description} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # python -m pipelines.article > table, pasted into docs/schema.md
    print(schema_markdown(), end="")

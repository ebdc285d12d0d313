"""Article rows as JSON Lines, CSV and Parquet; the Parquet schema is derived from `Article`.

pyarrow is imported only when Parquet is asked for: JSON and CSV exports
start without it.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any, Union, get_args, get_origin

from pydantic import BaseModel

from pipelines.article import Article

# CSV without --fields: the columns a spreadsheet reader wants (no bands, no blocks)
CSV_FIELDS = ["_id", "canonical_url", "url", "outlet", "section", "title", "authors", "agency",
              "published_at", "language", "paywalled", "duplicate_of", "version", "first_seen", "last_seen",
              "syndication_note", "body"]
PARQUET_ROW_GROUP = 2000


def iso_utc(value: datetime, *, seconds: bool = False) -> str:
    """A BSON date as ISO 8601 UTC with Z. pymongo hands back naive datetimes that
    are UTC, so a naive value is read as UTC, never as the machine's local time."""
    value = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    value = value.astimezone(timezone.utc)
    if seconds:
        value = value.replace(microsecond=0)
    return value.isoformat().replace("+00:00", "Z")


def jsonable(value: Any, *, seconds: bool = False) -> Any:
    """BSON values as JSON: dates as ISO 8601 UTC with Z (to the second with
    `seconds`, as run listings show them), ObjectIds as hex strings."""
    if isinstance(value, datetime):
        return iso_utc(value, seconds=seconds)
    if isinstance(value, (list, tuple)):
        return [jsonable(v, seconds=seconds) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v, seconds=seconds) for k, v in value.items()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)  # ObjectId


def json_line(doc: dict) -> str:
    return json.dumps(jsonable(doc), ensure_ascii=False)


def write_csv(docs: Iterable[dict], out: IO[str], fields: list[str] | None = None) -> int:
    writer = csv.DictWriter(out, fieldnames=fields or CSV_FIELDS, extrasaction="ignore")
    writer.writeheader()
    rows = 0
    for doc in docs:
        row = jsonable(doc)
        for name, value in row.items():
            if isinstance(value, list):  # authors, bands: one cell, "; "-separated; blocks as JSON
                row[name] = "; ".join(v if isinstance(v, str) else json.dumps(v, ensure_ascii=False) for v in value)
        writer.writerow(row)
        rows += 1
    return rows


# -- Parquet -------------------------------------------------------------------

def _arrow_type(annotation: Any):
    import pyarrow as pa

    origin = get_origin(annotation)
    if origin is Union or (origin is not None and type(None) in get_args(annotation)):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return _arrow_type(args[0]) if len(args) == 1 else pa.string()
    if origin is list:
        return pa.list_(_arrow_type(get_args(annotation)[0]))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return pa.struct([pa.field(n, _arrow_type(f.annotation), nullable=not f.is_required())
                          for n, f in annotation.model_fields.items()])
    mapping = {str: pa.string(), bool: pa.bool_(), int: pa.int64(), float: pa.float64(),
               # BSON dates are milliseconds since the epoch, UTC
               datetime: pa.timestamp("ms", tz="UTC")}
    return mapping.get(annotation, pa.string())  # Any (duplicate_of: an ObjectId) as its hex string


def arrow_schema(fields: list[str] | None = None):
    """The Parquet schema of an export: `_id` (ObjectId hex) plus the Article fields asked for."""
    import pyarrow as pa

    columns = {"_id": pa.field("_id", pa.string(), nullable=False)}
    for name, info in Article.model_fields.items():
        columns[name] = pa.field(name, _arrow_type(info.annotation), nullable=True)
    chosen = fields or list(columns)
    return pa.schema([columns[name] for name in chosen])


def _arrow_value(value: Any, arrow_type) -> Any:
    import pyarrow as pa

    if value is None:
        return None
    if pa.types.is_string(arrow_type):
        return value if isinstance(value, str) else str(value)
    if pa.types.is_list(arrow_type):
        return [_arrow_value(v, arrow_type.value_type) for v in value] if isinstance(value, list) else None
    if pa.types.is_struct(arrow_type):
        return {f.name: _arrow_value(value.get(f.name), f.type) for f in arrow_type} if isinstance(value, dict) else None
    return value


def write_parquet(docs: Iterable[dict], path: str | Path, fields: list[str] | None = None) -> int:
    """Write `docs` to a Parquet file in row groups; returns the number of rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = arrow_schema(fields)
    rows = 0
    batch: list[dict] = []
    with pq.ParquetWriter(str(path), schema, compression="zstd") as writer:
        def flush() -> None:
            table = pa.Table.from_pylist(
                [{f.name: _arrow_value(doc.get(f.name), f.type) for f in schema} for doc in batch], schema=schema)
            writer.write_table(table)
            batch.clear()

        for doc in docs:
            batch.append(doc)
            rows += 1
            if len(batch) >= PARQUET_ROW_GROUP:
                flush()
        if batch or rows == 0:
            flush()
    return rows


def parquet_types_markdown() -> str:
    """The column table of docs/schema.md's Parquet section, derived from arrow_schema()."""
    lines = ["| column | Arrow type |", "|---|---|"]
    lines += [f"| `{f.name}` | `{f.type}` |" for f in arrow_schema()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # python -m pipelines.export > table, pasted into docs/schema.md
    print(parquet_types_markdown(), end="")

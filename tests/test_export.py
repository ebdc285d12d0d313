"""Exports: the Parquet schema follows the Article model, CSV/JSON rows keep their types."""

from __future__ import annotations

import io
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from bson import ObjectId

from pipelines.article import Article
from pipelines.export import (
    arrow_schema,
    json_line,
    parquet_types_markdown,
    write_csv,
    write_parquet,
)

DOCS = Path(__file__).resolve().parents[1] / "docs" / "schema.md"
WHEN = datetime(2026, 11, 30, 8, 15, 42, 123000, tzinfo=timezone.utc)


def _doc(**extra) -> dict:
    return {"_id": ObjectId(), "canonical_url": "https://x.test/a", "url": "https://x.test/a?x=1",
            "outlet": "o", "title": "T", "body": "b" * 300, "authors": ["A. One", "B. Two"],
            "published_at": WHEN, "removed_blocks": [{"text": "Subscribe", "reason": "upsell"}],
            "simhash": -5, "duplicate_of": ObjectId(), "first_seen": WHEN, "last_seen": WHEN,
            "version": 2, "paywalled": False, **extra}


def test_arrow_schema_follows_the_model():
    schema = arrow_schema()
    assert schema.names == ["_id", *Article.model_fields]
    assert schema.field("published_at").type == pa.timestamp("ms", tz="UTC")
    assert schema.field("authors").type == pa.list_(pa.string())
    assert pa.types.is_struct(schema.field("removed_blocks").type.value_type)
    assert schema.field("version").type == pa.int64()
    assert schema.field("paywalled").type == pa.bool_()
    assert schema.field("duplicate_of").type == pa.string()


def test_docs_list_the_parquet_types():
    assert parquet_types_markdown() in DOCS.read_text()


def test_parquet_round_trip_keeps_values(tmp_path):
    doc = _doc()
    path = tmp_path / "a.parquet"
    assert write_parquet([doc, _doc(published_at=None, authors=[])], path) == 2
    table = pq.read_table(path)
    assert table.schema.equals(arrow_schema())
    row = table.to_pylist()[0]
    assert row["_id"] == str(doc["_id"]) and row["duplicate_of"] == str(doc["duplicate_of"])
    assert row["published_at"] == WHEN and row["authors"] == ["A. One", "B. Two"]
    assert row["removed_blocks"] == [{"text": "Subscribe", "reason": "upsell", "at": None}]  # no position stored
    assert table.to_pylist()[1]["published_at"] is None


def test_parquet_fields_and_empty_export(tmp_path):
    path = tmp_path / "f.parquet"
    assert write_parquet([_doc()], path, ["title", "version"]) == 1
    assert pq.read_table(path).schema.names == ["title", "version"]
    assert write_parquet([], tmp_path / "empty.parquet") == 0
    assert pq.read_table(tmp_path / "empty.parquet").num_rows == 0


def test_csv_and_json_rows():
    out = io.StringIO()
    write_csv([_doc()], out, ["title", "authors", "published_at"])
    assert out.getvalue().splitlines() == ["title,authors,published_at", "T,A. One; B. Two,2026-11-30T08:15:42.123000Z"]
    assert '"published_at": "2026-11-30T08:15:42.123000Z"' in json_line(_doc())


def test_naive_bson_dates_are_utc_whatever_the_local_zone(monkeypatch):
    # pymongo returns naive datetimes that are UTC; on a machine set to another zone
    # they must not shift by its offset
    import time

    from pipelines.export import jsonable

    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        naive = datetime(2026, 1, 1, 12, 0, 0, 123000)
        assert jsonable({"at": [naive]}) == {"at": ["2026-01-01T12:00:00.123000Z"]}
        assert jsonable(naive, seconds=True) == "2026-01-01T12:00:00Z"
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()

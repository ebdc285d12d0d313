from pathlib import Path

from pipelines.article import Article, mongo_json_schema, schema_markdown

DOCS = Path(__file__).resolve().parents[1] / "docs" / "schema.md"


def test_json_schema_follows_the_model():
    schema = mongo_json_schema()
    assert set(schema["properties"]) == set(Article.model_fields)
    assert {"canonical_url", "title", "body", "first_seen", "version"} <= set(schema["required"])
    assert schema["properties"]["published_at"]["bsonType"] == ["date", "null"]


def test_docs_schema_table_is_generated_from_the_model():
    # docs/schema.md must carry the table exactly as derived from Article
    assert schema_markdown() in DOCS.read_text()


def test_validator_rejects_documents_missing_required_fields(mongo_db):
    from pymongo.errors import WriteError

    from pipelines.mongo import ensure_schema

    ensure_schema(mongo_db)
    try:
        mongo_db.articles.insert_one({"canonical_url": "https://x.test/a"})
    except WriteError as exc:
        assert exc.code == 121
    else:
        raise AssertionError("validator accepted a document without title/body")
    index_names = {ix["name"] for ix in mongo_db.articles.list_indexes()}
    assert {"canonical_url_unique", "outlet_published", "last_seen", "fingerprint"} <= index_names

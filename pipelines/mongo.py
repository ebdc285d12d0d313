"""MongoDB connection: URI resolution, redaction, collections and indexes.

newsdesk talks to the database only through pymongo. With no URI given, a
local SecantusDB server is started or reused (see pipelines/embedded_db.py).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from pymongo import ASCENDING, DESCENDING, IndexModel, MongoClient
from pymongo.database import Database
from pymongo.errors import CollectionInvalid, ConfigurationError, InvalidURI, OperationFailure

from crawlers.items import mongo_json_schema

DEFAULT_DB = "newsdesk"
_CREDENTIALS = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)(?P<user>[^:@/]*)(:[^@/]*)?@", re.I)


class MongoConfigError(ValueError):
    """The MongoDB URI or database settings are invalid (one line: key: reason)."""


def redact_uri(uri: str) -> str:
    """The URI with any password replaced by '***', safe for logs and documents."""
    return _CREDENTIALS.sub(lambda m: f"{m['scheme']}{m['user']}:***@" if m.group(3) else m.group(0), uri)


def redact_text(text: str) -> str:
    """Redact every URI in a free-form message (e.g. a driver exception), first sentence only."""
    text = text.split(" (configured timeouts", 1)[0].split(", Timeout:", 1)[0]
    return _CREDENTIALS.sub(lambda m: f"{m['scheme']}{m['user']}:***@" if m.group(3) else m.group(0), text)


@dataclass(frozen=True)
class MongoTarget:
    uri: str
    database: str
    source: str  # "NEWSDESK_MONGO_URI", "setting", or "embedded (data in DIR)"

    @property
    def display(self) -> str:
        return f"{redact_uri(self.uri)} database {self.database!r} ({self.source})"


def check_uri(uri: str) -> str:
    parts = urlsplit(uri)
    if parts.scheme not in ("mongodb", "mongodb+srv") or not parts.netloc:
        raise MongoConfigError(f"NEWSDESK_MONGO_URI: {redact_uri(uri)!r} is not a mongodb:// or mongodb+srv:// URI")
    return uri


def resolve_target(uri: str | None = None, database: str | None = None,
                   env: Mapping[str, str] | None = None) -> MongoTarget:
    """Pick the database: explicit URI, else NEWSDESK_MONGO_URI, else the embedded server."""
    env = os.environ if env is None else env
    database = database or env.get("NEWSDESK_MONGO_DB") or DEFAULT_DB
    if uri:
        return MongoTarget(check_uri(uri), database, "setting")
    if env.get("NEWSDESK_MONGO_URI"):
        return MongoTarget(check_uri(env["NEWSDESK_MONGO_URI"]), database, "NEWSDESK_MONGO_URI")
    from pipelines.embedded_db import ensure_local_server

    server = ensure_local_server(env)
    how = "started" if server.started else "reused"
    return MongoTarget(server.uri, database, f"embedded SecantusDB, {how}, data in {server.data_dir}")


def connect(target: MongoTarget, timeout_ms: int = 5000) -> MongoClient:
    try:
        return MongoClient(target.uri, tz_aware=True, serverSelectionTimeoutMS=timeout_ms,
                           connectTimeoutMS=timeout_ms, appname="newsdesk")
    except (ConfigurationError, InvalidURI, ValueError) as exc:
        raise MongoConfigError(f"NEWSDESK_MONGO_URI: {redact_text(str(exc))}") from None


ARTICLE_INDEXES = [
    IndexModel([("canonical_url", ASCENDING)], unique=True, name="canonical_url_unique"),
    IndexModel([("outlet", ASCENDING), ("published_at", DESCENDING)], name="outlet_published"),
    IndexModel([("last_seen", ASCENDING)], name="last_seen"),
    IndexModel([("fingerprint", ASCENDING)], name="fingerprint"),
    IndexModel([("simhash_bands", ASCENDING)], name="simhash_bands"),
]


def ensure_schema(db: Database) -> None:
    """Create collections, the `$jsonSchema` validator and indexes (idempotent)."""
    validator = {"$jsonSchema": mongo_json_schema()}
    try:
        db.create_collection("articles", validator=validator, validationLevel="moderate")
    except CollectionInvalid:
        try:
            db.command("collMod", "articles", validator=validator, validationLevel="moderate")
        except OperationFailure:
            pass  # a managed service may forbid collMod; the existing validator stays
    db.articles.create_indexes(ARTICLE_INDEXES)
    db.article_versions.create_index([("canonical_url", ASCENDING), ("version", ASCENDING)],
                                     unique=True, name="url_version_unique")
    db.crawl_runs.create_index([("outlet", ASCENDING), ("started_at", DESCENDING)], name="outlet_started")
    db.crawl_runs.create_index([("started_at", DESCENDING)], name="started")
    from pipelines.boilerplate_store import ensure_boilerplate_indexes

    ensure_boilerplate_indexes(db)

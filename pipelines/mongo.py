"""MongoDB connection: URI resolution, redaction, collections and indexes.

newsdesk talks to the database only through pymongo. With no URI given, a
local SecantusDB server is started or reused (see pipelines/embedded_db.py).
"""

from __future__ import annotations

import os
import re
import uuid
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import unquote, urlsplit

from pymongo import ASCENDING, DESCENDING, IndexModel, MongoClient, ReturnDocument
from pymongo.database import Database
from pymongo.errors import CollectionInvalid, ConfigurationError, InvalidURI, OperationFailure

from pipelines.article import mongo_json_schema
from pipelines.embedded_db import ensure_local_server
from pipelines.outlet_lines_store import ensure_outlet_lines_indexes
from pipelines.runs import ensure_run_indexes

DEFAULT_DB = "newsdesk"
_URI_IN_TEXT = re.compile(r"[a-z][a-z0-9+.-]*://[^\s'\"<>]+", re.I)


class MongoConfigError(ValueError):
    """The MongoDB URI or database settings are invalid (one line: key: reason)."""


def redact_uri(uri: str) -> str:
    """The URI with everything after the user name up to the host replaced by '***'.

    The credentials end at the LAST '@' before the query: a password with an
    unescaped '@', ':' or '/' must not leak its tail (`alice:p@ss@host` ->
    `alice:***@host`)."""
    scheme, sep, rest = uri.partition("://")
    if not sep:
        return uri
    head, qmark, query = rest.partition("?")
    at = head.rfind("@")
    if at < 0:
        return uri
    userinfo = head[:at]
    user = re.split(r"[:/]", userinfo, maxsplit=1)[0]
    if user == userinfo:
        return uri  # a user name and no password: nothing secret
    return f"{scheme}://{user}:***@{head[at + 1:]}{qmark}{query}"


def redact_text(text: str) -> str:
    """Redact every URI in a free-form message (e.g. a driver exception), first sentence only."""
    text = text.split(" (configured timeouts", 1)[0].split(", Timeout:", 1)[0]
    return _URI_IN_TEXT.sub(lambda m: redact_uri(m.group(0)), text)


def _password(uri: str) -> str:
    head = uri.partition("://")[2].partition("?")[0]
    at = head.rfind("@")
    return head[:at].partition(":")[2] if at >= 0 else ""


def check_uri(uri: str, key: str = "NEWSDESK_MONGO_URI") -> str:
    """The URI if the driver would accept it, else MongoConfigError naming it (redacted) and why.

    Parsed by pymongo's own parser, so "valid" means what the driver means;
    an SRV URI is checked in its mongodb:// form (no DNS lookup here)."""
    shown = redact_uri(uri)
    parts = urlsplit(uri)
    if parts.scheme not in ("mongodb", "mongodb+srv") or not parts.netloc:
        raise MongoConfigError(f"{key}: {shown!r} is not a mongodb:// or mongodb+srv:// URI")
    from pymongo import uri_parser

    try:
        with warnings.catch_warnings():  # unknown options: the driver warns and ignores them too
            warnings.simplefilter("ignore")
            uri_parser.parse_uri("mongodb://" + uri.partition("://")[2], warn=True)
    except (ConfigurationError, InvalidURI, ValueError) as exc:
        message = str(exc)
        secret = _password(uri)
        if message.startswith("Username and password must be escaped") or any(c in secret for c in "@:/"):
            reason = "percent-encode the password (an '@', ':' or '/' in it is written %40, %3A, %2F)"
        elif message.startswith("Port"):
            reason = "the port must be a number from 1 to 65535"
        elif "empty string is not valid username" in message:
            reason = "an '@' with no user name before it"
        elif secret and secret in message:
            reason = "the driver refuses it"  # its message would show the password
        else:
            reason = message.split(". Hint:", 1)[0].rstrip(".")
        raise MongoConfigError(f"{key}: {shown!r} is invalid: {reason}") from None
    return uri


def describe_failure(exc: BaseException, timeout_ms: int | None = None) -> str:
    """Why a database call failed, in a few words and without any secret."""
    from pymongo.errors import ConnectionFailure, OperationFailure, ServerSelectionTimeoutError

    message = str(exc)
    if isinstance(exc, OperationFailure) and (exc.code in (18, 11) or "uthentication failed" in message):
        return "refused the credentials (authentication failed)"
    if isinstance(exc, OperationFailure) and exc.code == 13:
        return f"refused the request (not authorized: {redact_text(message)[:120]})"
    if isinstance(exc, (ServerSelectionTimeoutError, ConnectionFailure)):
        lowered = message.lower()
        if "uthentication failed" in message:
            return "refused the credentials (authentication failed)"
        if "connection refused" in lowered:
            return "unreachable (connection refused)"
        if "name or service not known" in lowered or "nodename nor servname" in lowered \
                or "name resolution" in lowered or "no address associated" in lowered:
            return "unreachable (host name not found)"
        if "timed out" in lowered:
            wait = f" within {timeout_ms / 1000:g}s" if timeout_ms else ""
            return f"unreachable (no answer{wait})"
        return f"unreachable ({redact_text(message)[:160]})"
    if isinstance(exc, (ConfigurationError, InvalidURI)):
        return f"not usable ({redact_text(message)[:160]})"
    return f"failed ({type(exc).__name__}: {redact_text(message)[:160]})"


# Why the database is the one it is; said by `newsdesk check`, `db where` and every run summary.
FROM_SETTING = "from NEWSDESK_MONGO_DB"
FROM_URI = "named in the URI"
BY_DEFAULT = "by default (no NEWSDESK_MONGO_DB, none in the URI)"
DATABASE_REASONS = (FROM_SETTING, FROM_URI, BY_DEFAULT)
# Passed on with NEWSDESK_MONGO_DB to child crawls and Scrapyd jobs, so their summaries keep the reason.
DB_REASON_KEY = "NEWSDESK_MONGO_DB_REASON"


@dataclass(frozen=True)
class MongoTarget:
    uri: str
    database: str
    source: str  # where the server came from: "NEWSDESK_MONGO_URI", "setting", or "embedded ..."
    database_reason: str = BY_DEFAULT  # one of DATABASE_REASONS

    @property
    def display(self) -> str:
        return f"{redact_uri(self.uri)} database {self.database!r} {self.database_reason} ({self.source})"


def uri_database(uri: str) -> str | None:
    """The database in the URI's path (mongodb://host/NAME?options), as pymongo and Atlas write it."""
    return unquote(urlsplit(uri).path.lstrip("/")) or None


def pick_database(uri: str, database: str | None, reason: str | None = None) -> tuple[str, str]:
    """(database, why): NEWSDESK_MONGO_DB, then the URI's database, then "newsdesk"."""
    if database:
        return database, reason if reason in DATABASE_REASONS else FROM_SETTING
    if named := uri_database(uri):
        return named, FROM_URI
    return DEFAULT_DB, BY_DEFAULT


def resolve_target(uri: str | None = None, database: str | None = None,
                   env: Mapping[str, str] | None = None, database_reason: str | None = None) -> MongoTarget:
    """Pick the server (explicit URI, else NEWSDESK_MONGO_URI, else the embedded server) and
    the database on it (`pick_database`)."""
    env = os.environ if env is None else env
    if not database and env.get("NEWSDESK_MONGO_DB"):
        database, database_reason = env["NEWSDESK_MONGO_DB"], env.get(DB_REASON_KEY)
    if uri:
        server_uri, source = check_uri(uri, "NEWSDESK_MONGO_URI setting"), "setting"
    elif env.get("NEWSDESK_MONGO_URI"):
        server_uri, source = check_uri(env["NEWSDESK_MONGO_URI"]), "NEWSDESK_MONGO_URI"
    else:
        server = ensure_local_server(env)
        how = "started" if server.started else "reused"
        server_uri, source = server.uri, f"embedded SecantusDB, {how}, data in {server.data_dir}"
    name, why = pick_database(server_uri, database, database_reason)
    return MongoTarget(server_uri, name, source, why)


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
    IndexModel([("published_at", DESCENDING)], name="published"),  # the dashboard's date search
    IndexModel([("fingerprint", ASCENDING)], name="fingerprint"),
    IndexModel([("simhash_bands", ASCENDING)], name="simhash_bands"),
    IndexModel([("write_seq", ASCENDING), ("_id", ASCENDING)], name="write_seq"),
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
    ensure_run_indexes(db)
    database_id(db)
    ensure_outlet_lines_indexes(db)


def database_id(db: Database) -> str:
    """A random id the database keeps for life (`database_info`), so a reader's checkpoint
    can tell it from another database of the same name (a new server, a restored copy)."""
    doc = db.database_info.find_one({"_id": "database"})
    if doc is None:  # first use; later readers need only read access
        doc = db.database_info.find_one_and_update(
            {"_id": "database"},
            {"$setOnInsert": {"database_id": uuid.uuid4().hex, "created_at": datetime.now(timezone.utc)}},
            upsert=True, return_document=ReturnDocument.AFTER)
    return str(doc["database_id"])

"""Reading `articles`: the public API for Python jobs, and what `newsdesk articles` runs.

    from pipelines.reader import connect_db, follow, iter_articles

    db = connect_db()                      # NEWSDESK_MONGO_URI / _DB, as the CLI
    for article in iter_articles(db, outlet="bbc-news", fields=["title", "published_at"]):
        ...
    for change in follow(db, checkpoint="job.checkpoint"):
        handle(change.kind, change.article)  # "new" or "updated"; the checkpoint moves
                                             # past it when the loop asks for the next

`follow` uses MongoDB change streams where the server has them (the resume
token is the checkpoint) and otherwise polls the write sequence stamped by the
store (pipelines/write_seq.py), which no concurrent writer can fall behind.
See docs/schema.md, "Reading incrementally".
"""

from __future__ import annotations

import json
import logging
import os
import stat
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bson import json_util
from pymongo.database import Database
from pymongo.errors import OperationFailure

from pipelines import write_seq
from pipelines.article import Article
from pipelines.mongo import database_id

logger = logging.getLogger(__name__)

ARTICLE_FIELDS = ("_id", *Article.model_fields)
CHECKPOINT_FORMAT = 1
MODES = ("change_stream", "poll")

# Inserts, and updates that changed content (the store bumps `version` with
# every content change); a re-crawl that only moves `last_seen` is no news.
CHANGE_FILTER = [{"$match": {"$or": [
    {"operationType": {"$in": ["insert", "replace"]}},
    {"updateDescription.updatedFields.version": {"$exists": True}},
]}}]


class CheckpointError(ValueError):
    """A checkpoint file that cannot be used: one line, naming the file and the reason."""


def check_fields(fields: Iterable[str] | None) -> list[str] | None:
    """The requested fields in order, or ValueError naming the first unknown one."""
    if fields is None:
        return None
    chosen = [f.strip() for f in fields if f.strip()]
    for name in chosen:
        if name not in ARTICLE_FIELDS:
            raise ValueError(f"{name!r} is not an article field (fields: {', '.join(ARTICLE_FIELDS)})")
    if not chosen:
        raise ValueError("no field named")
    return chosen


def select_fields(doc: dict, fields: list[str] | None) -> dict:
    return dict(doc) if fields is None else {name: doc.get(name) for name in fields}


def connect_db(uri: str | None = None, database: str | None = None) -> Database:
    """The newsdesk database, resolved as the CLI does (NEWSDESK_MONGO_URI, NEWSDESK_MONGO_DB)."""
    from pipelines.mongo import connect, resolve_target  # embedded-server start-up only when called

    target = resolve_target(uri, database)
    return connect(target)[target.database]


def iter_articles(db: Database, *, outlet: str | None = None, since: datetime | None = None,
                  fields: Iterable[str] | None = None, limit: int | None = None) -> Iterator[dict]:
    """Stored articles, most recently seen first; `since` bounds `last_seen` (indexed)."""
    chosen = check_fields(fields)
    query: dict[str, Any] = {}
    if outlet:
        query["outlet"] = outlet
    if since is not None:
        query["last_seen"] = {"$gte": since}
    projection = None if chosen is None else {"_id": "_id" in chosen, **{f: 1 for f in chosen if f != "_id"}}
    cursor = db.articles.find(query, projection).sort([("last_seen", -1), ("_id", -1)])
    if limit:
        cursor = cursor.limit(limit)
    for doc in cursor:
        yield doc if chosen is None else select_fields(doc, chosen)


# -- checkpoints -------------------------------------------------------------

@dataclass
class Checkpoint:
    """Where a follower is: a change-stream resume token, or a (write_seq, _id) pair."""

    path: Path | None
    database: str
    database_id: str
    outlet: str | None
    mode: str
    resume_token: dict | None = None
    write_seq: int | None = None
    after_id: Any = None
    output: dict | None = None  # the CLI's output file and byte offset (see FollowOutput)
    extra: dict = field(default_factory=dict)

    def as_json(self) -> str:
        doc = {"newsdesk_follow_checkpoint": CHECKPOINT_FORMAT, "database": self.database,
               "database_id": self.database_id, "outlet": self.outlet, "mode": self.mode,
               "resume_token": self.resume_token, "write_seq": self.write_seq,
               "after_id": self.after_id, "output": self.output,
               "saved_at": datetime.now(timezone.utc)}
        return json_util.dumps(doc, json_options=json_util.RELAXED_JSON_OPTIONS, indent=1) + "\n"

    def save(self) -> None:
        """Write-then-rename: a kill at any moment leaves the old or the new file, whole."""
        if self.path is None:
            return
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            tmp.write_text(self.as_json(), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError as exc:
            raise _bad(self.path, f"cannot be written: {exc.strerror or exc}") from None


def _bad(path: Path, reason: str) -> CheckpointError:
    return CheckpointError(f"checkpoint {path}: {reason}")


def parse_checkpoint(path: Path, text: str) -> Checkpoint:
    """The checkpoint in `text`, or CheckpointError saying what is wrong with it."""
    if not text.strip():
        raise _bad(path, "is empty (truncated?); a follower never writes an empty checkpoint")
    try:
        doc = json_util.loads(text)
    except (ValueError, TypeError) as exc:
        raise _bad(path, f"is not valid JSON ({exc})") from None
    if not isinstance(doc, dict) or "newsdesk_follow_checkpoint" not in doc:
        raise _bad(path, "is not a newsdesk follow checkpoint (no 'newsdesk_follow_checkpoint' key)")
    if doc["newsdesk_follow_checkpoint"] != CHECKPOINT_FORMAT:
        raise _bad(path, f"has format {doc['newsdesk_follow_checkpoint']!r}; this newsdesk reads {CHECKPOINT_FORMAT}")
    for key in ("database", "database_id"):
        if not isinstance(doc.get(key), str) or not doc[key]:
            raise _bad(path, f"'{key}' is missing or not a string")
    if doc.get("outlet") is not None and not isinstance(doc["outlet"], str):
        raise _bad(path, "'outlet' is not a string")
    mode = doc.get("mode")
    if mode not in MODES:
        raise _bad(path, f"'mode' is {mode!r}, not one of {', '.join(MODES)}")
    token = doc.get("resume_token")
    if mode == "change_stream" and not (isinstance(token, dict) and isinstance(token.get("_data"), str)):
        raise _bad(path, "'resume_token' is missing or not a change-stream resume token")
    seq = doc.get("write_seq")
    if mode == "poll" and (not isinstance(seq, int) or isinstance(seq, bool) or seq < 0):
        raise _bad(path, f"'write_seq' is {seq!r}, not a non-negative integer")
    output = doc.get("output")
    if output is not None and not (isinstance(output, dict) and isinstance(output.get("offset"), int)):
        raise _bad(path, "'output' is not an object with an integer 'offset'")
    return Checkpoint(path, doc["database"], doc["database_id"], doc.get("outlet"), mode,
                      resume_token=token, write_seq=seq, after_id=doc.get("after_id"), output=output)


def open_checkpoint(path: str | Path | None, db: Database, outlet: str | None = None) -> Checkpoint | None:
    """The checkpoint at `path` checked against this database and outlet; None when the file
    does not exist yet (a first run). Never starts over silently: CheckpointError instead."""
    if path is None:
        return None
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise _bad(path, f"cannot be read: {getattr(exc, 'strerror', None) or exc}") from None
    checkpoint = parse_checkpoint(path, text)
    this_id = database_id(db)
    if (checkpoint.database, checkpoint.database_id) != (db.name, this_id):
        raise _bad(path, f"was written for database {checkpoint.database!r} (id {checkpoint.database_id}), "
                         f"this is {db.name!r} (id {this_id})")
    if checkpoint.outlet != outlet:
        raise _bad(path, f"follows {_outlet_words(checkpoint.outlet)}, not {_outlet_words(outlet)}")
    return checkpoint


def _outlet_words(outlet: str | None) -> str:
    return f"outlet {outlet!r}" if outlet else "all outlets"


# -- following ----------------------------------------------------------------

@dataclass
class Change:
    kind: str  # "new" (version 1) or "updated" (a later version)
    article: dict


def _kind(doc: dict) -> str:
    return "new" if int(doc.get("version") or 1) == 1 else "updated"


def _open_stream(db: Database, checkpoint: Checkpoint, await_ms: int):
    kwargs = {"resume_after": checkpoint.resume_token} if checkpoint.resume_token else {}
    try:
        return db.articles.watch(CHANGE_FILTER, full_document="updateLookup", max_await_time_ms=await_ms, **kwargs)
    except OperationFailure as exc:
        if checkpoint.resume_token and checkpoint.path is not None:
            reason = (exc.details or {}).get("errmsg") or str(exc)
            raise _bad(checkpoint.path, f"the server refused its resume token: {reason}") from None
        raise


def _stream_changes(db: Database, checkpoint: Checkpoint, outlet: str | None,
                    idle_wait: float) -> Iterator[Change | None]:
    """Changes from a change stream; None when it has nothing for now (the token still moves)."""
    with _open_stream(db, checkpoint, int(idle_wait * 1000)) as stream:
        while True:
            started = time.monotonic()
            event = stream.try_next()
            if event is None:
                if stream.resume_token:
                    checkpoint.resume_token = dict(stream.resume_token)
                if time.monotonic() - started < idle_wait / 2:
                    time.sleep(idle_wait)  # a server that does not wait on getMore
                yield None
                continue
            checkpoint.resume_token = dict(event["_id"])
            doc = event.get("fullDocument")
            if doc is None:
                continue  # deleted since
            if event["operationType"] == "update":
                changed_to = event.get("updateDescription", {}).get("updatedFields", {}).get("version")
                if changed_to is not None and doc.get("version") != changed_to:
                    continue  # changed again since: its own, later event carries the newest version
            if outlet and doc.get("outlet") != outlet:
                continue
            yield Change(_kind(doc), doc)


def _poll_changes(db: Database, checkpoint: Checkpoint, outlet: str | None,
                  idle_wait: float, batch: int = 500) -> Iterator[Change | None]:
    """Changes in (write_seq, _id) order, never past write_seq.safe_seq()."""
    while True:
        safe = write_seq.safe_seq(db)
        seq, after = int(checkpoint.write_seq or 0), checkpoint.after_id
        if after is None:
            query: dict[str, Any] = {"write_seq": {"$gt": seq, "$lte": safe}}
        else:
            query = {"write_seq": {"$lte": safe},
                     "$or": [{"write_seq": {"$gt": seq}}, {"write_seq": seq, "_id": {"$gt": after}}]}
        if outlet:
            query["outlet"] = outlet
        docs = list(db.articles.find(query).sort([("write_seq", 1), ("_id", 1)]).limit(batch))
        for doc in docs:
            checkpoint.write_seq, checkpoint.after_id = int(doc["write_seq"]), doc["_id"]
            yield Change(_kind(doc), doc)
        if len(docs) < batch:
            # everything up to `safe` is read: the position can stand there
            if safe > int(checkpoint.write_seq or 0):
                checkpoint.write_seq, checkpoint.after_id = safe, None
            time.sleep(idle_wait)
            yield None


def change_streams_available(db: Database) -> bool:
    try:
        db.articles.watch(CHANGE_FILTER).close()
        return True
    except OperationFailure as exc:
        logger.info("no change streams on this server (%s): following by write sequence", exc)
        return False


def start_checkpoint(db: Database, path: str | Path | None, outlet: str | None, mode: str = "auto") -> Checkpoint:
    """A position at the present moment: what is stored from now on will be followed."""
    if mode == "auto":
        mode = "change_stream" if change_streams_available(db) else "poll"
    if mode not in MODES:
        raise ValueError(f"mode {mode!r} is not auto, {', '.join(MODES)}")
    checkpoint = Checkpoint(Path(path) if path is not None else None, db.name, database_id(db), outlet, mode)
    if mode == "change_stream":
        with db.articles.watch(CHANGE_FILTER, max_await_time_ms=1) as stream:
            stream.try_next()  # an empty first batch still hands out a token for "now"
            checkpoint.resume_token = dict(stream.resume_token)
    else:
        checkpoint.write_seq = write_seq.safe_seq(db)
    return checkpoint


def follow(db: Database, checkpoint: str | Path | Checkpoint | None = None, *, outlet: str | None = None,
           fields: Iterable[str] | None = None, mode: str = "auto", idle_wait: float = 1.0,
           idle_exit: float | None = None) -> Iterator[Change]:
    """New and updated articles as they are stored, each stored version at most once.

    `checkpoint` is a file path (created on the first run, resumed after) or a
    Checkpoint from open_checkpoint/start_checkpoint. The checkpoint is saved
    past a change when the caller asks for the next one, so a job killed while
    handling a change gets that change again, and nothing twice that it had
    finished. A version changed again before it was read is skipped for the
    newer one. `idle_exit`: stop after that many seconds without a change.
    """
    chosen = check_fields(fields)
    if not isinstance(checkpoint, Checkpoint):
        checkpoint = (open_checkpoint(checkpoint, db, outlet)
                      or start_checkpoint(db, checkpoint, outlet, mode))
        checkpoint.save()
    if checkpoint.mode == "change_stream":
        source = _stream_changes(db, checkpoint, outlet, idle_wait)
    else:
        source = _poll_changes(db, checkpoint, outlet, idle_wait)
    last_change = time.monotonic()
    saved = checkpoint.as_json()
    for change in source:
        if change is None:
            now_json = checkpoint.as_json()
            if _position(now_json) != _position(saved):
                checkpoint.save()
                saved = now_json
            if idle_exit is not None and time.monotonic() - last_change >= idle_exit:
                return
            continue
        yield Change(change.kind, select_fields(change.article, chosen))
        checkpoint.save()
        saved = checkpoint.as_json()
        last_change = time.monotonic()


def _position(checkpoint_json: str) -> str:
    doc = json.loads(checkpoint_json)
    doc.pop("saved_at", None)
    return json.dumps(doc, sort_keys=True)


# -- output that is exactly once across kill -9 ---------------------------------

class FollowOutput:
    """Where `newsdesk articles --follow` writes lines.

    When it is a regular file (`--out FILE`, or stdout redirected to a file),
    the checkpoint records its device, inode and size after each line; a
    restart with that checkpoint first cuts the file back to that size, so a
    line written just before a kill -9 and not yet in the checkpoint is
    written once, not twice. A pipe cannot be cut back: the checkpoint is
    saved after every line, so at most that one line repeats.
    """

    def __init__(self, fh):
        self.fh = fh  # binary, unbuffered enough: flushed after each line
        mode = os.fstat(fh.fileno()).st_mode
        self.regular = stat.S_ISREG(mode)

    def state(self) -> dict | None:
        if not self.regular:
            return None
        info = os.fstat(self.fh.fileno())
        return {"dev": info.st_dev, "ino": info.st_ino, "offset": info.st_size}

    def resume(self, recorded: dict | None) -> int:
        """Cut back what was written after the checkpoint; returns the bytes removed."""
        if not (self.regular and recorded):
            return 0
        info = os.fstat(self.fh.fileno())
        if (info.st_dev, info.st_ino) != (recorded.get("dev"), recorded.get("ino")):
            return 0  # another file than last time: nothing of ours to cut
        extra = info.st_size - int(recorded["offset"])
        if extra > 0:
            os.ftruncate(self.fh.fileno(), int(recorded["offset"]))
            self.fh.seek(0, os.SEEK_END)
        return max(extra, 0)

    def write_line(self, text: str) -> None:
        self.fh.write(text.encode("utf-8") + b"\n")
        self.fh.flush()

"""The reader API (pipelines/reader.py) and the write sequence, against a real server."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timezone

import pytest

from pipelines import reader, write_seq
from pipelines.reader import (
    CheckpointError,
    FollowOutput,
    follow,
    open_checkpoint,
    parse_checkpoint,
)


def _doc(url: str, version: int = 1, **extra) -> dict:
    return {"canonical_url": url, "url": url, "outlet": extra.pop("outlet", "o"), "title": "t",
            "body": "b" * 300, "version": version, "last_seen": datetime.now(timezone.utc), **extra}


def _stored(db, url: str, **extra) -> None:
    """Insert as the store does: under a write sequence number."""
    seq = write_seq.begin(db)
    try:
        db.articles.insert_one(_doc(url, write_seq=seq, **extra))
    finally:
        write_seq.end(db, seq)


# -- checkpoint files ------------------------------------------------------------

@pytest.mark.parametrize("text, reason", [
    ("", "is empty"),
    ("{not json", "is not valid JSON"),
    ('{"a": 1}', "is not a newsdesk follow checkpoint"),
    ('[1, 2]', "is not a newsdesk follow checkpoint"),
    ('{"newsdesk_follow_checkpoint": 9}', "has format 9"),
    ('{"newsdesk_follow_checkpoint": 1, "database": "d", "database_id": "x", "mode": "rewind"}', "'mode' is 'rewind'"),
    ('{"newsdesk_follow_checkpoint": 1, "database": "d", "database_id": "x", "mode": "change_stream"}', "'resume_token'"),
    ('{"newsdesk_follow_checkpoint": 1, "database": "d", "database_id": "x", "mode": "poll", "write_seq": -3}', "'write_seq' is -3"),
    ('{"newsdesk_follow_checkpoint": 1, "database": "d", "mode": "poll", "write_seq": 3}', "'database_id' is missing"),
])
def test_bad_checkpoint_text_is_refused_with_the_file_and_reason(tmp_path, text, reason):
    path = tmp_path / "cp.json"
    with pytest.raises(CheckpointError) as err:
        parse_checkpoint(path, text)
    message = str(err.value)
    assert str(path) in message and reason in message and "\n" not in message


def test_checkpoint_round_trips(mongo_db, tmp_path):
    checkpoint = reader.start_checkpoint(mongo_db, tmp_path / "cp.json", "o", mode="poll")
    checkpoint.after_id = "x"
    checkpoint.save()
    again = open_checkpoint(tmp_path / "cp.json", mongo_db, "o")
    assert (again.mode, again.write_seq, again.after_id, again.outlet) == ("poll", 0, "x", "o")


def test_checkpoint_from_another_database_or_outlet_is_refused(mongo_client, mongo_db, tmp_path):
    path = tmp_path / "cp.json"
    reader.start_checkpoint(mongo_db, path, None).save()
    other = mongo_client[mongo_db.name + "_b"]
    try:
        with pytest.raises(CheckpointError, match="was written for database"):
            open_checkpoint(path, other)
    finally:
        mongo_client.drop_database(other.name)
    with pytest.raises(CheckpointError, match="follows all outlets, not outlet 'x'"):
        open_checkpoint(path, mongo_db, "x")
    # same name, other database (a new server, a restored dump): the id differs
    mongo_db.database_info.update_one({"_id": "database"}, {"$set": {"database_id": "another"}})
    with pytest.raises(CheckpointError, match=r"\(id another\)"):
        open_checkpoint(path, mongo_db)


def test_resume_token_the_server_refuses_is_a_checkpoint_error(mongo_db, tmp_path):
    path = tmp_path / "cp.json"
    checkpoint = reader.start_checkpoint(mongo_db, path, None, mode="change_stream")
    checkpoint.resume_token = {"_data": "00ff"}
    checkpoint.save()
    with pytest.raises(CheckpointError, match="refused its resume token"):
        next(follow(mongo_db, path, idle_exit=0.1))


# -- write sequence ----------------------------------------------------------------

def test_safe_seq_stops_below_a_batch_still_being_written(mongo_db):
    first = write_seq.begin(mongo_db)
    second = write_seq.begin(mongo_db)
    assert second == first + 1
    write_seq.end(mongo_db, second)
    assert write_seq.safe_seq(mongo_db) == first - 1  # `first` may still commit
    write_seq.end(mongo_db, first)
    assert write_seq.safe_seq(mongo_db) == second


def test_first_numbers_taken_at_once_by_several_writers_are_distinct(mongo_client, mongo_db):
    # `ingest --jobs 2`: each worker's first batch meets a database with no
    # counter yet; racing to create it must still give every writer a number.
    for attempt in range(5):
        db = mongo_client[f"{mongo_db.name}_race{attempt}"]
        taken, errors = [], []
        start = threading.Barrier(4)

        def writer(db=db, taken=taken, errors=errors, start=start):
            start.wait()
            try:
                taken.append(write_seq.begin(db))
            except Exception as exc:  # noqa: BLE001 - the test reports any failure
                errors.append(exc)

        threads = [threading.Thread(target=writer) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        mongo_client.drop_database(db.name)
        assert errors == []
        assert sorted(taken) == [1, 2, 3, 4]


def test_pending_entry_of_a_dead_writer_expires(mongo_db):
    dead = write_seq.begin(mongo_db, at_ms=write_seq.now_ms() - write_seq.PENDING_EXPIRY_MS - 1)
    assert write_seq.safe_seq(mongo_db) == dead  # ignored by readers
    later = write_seq.begin(mongo_db)
    pending = mongo_db[write_seq.COLLECTION].find_one()["pending"]
    assert [p["seq"] for p in pending] == [later]  # and dropped by the next writer


def test_restamp_moves_documents_past_the_readers(mongo_db):
    seq = write_seq.begin(mongo_db)
    mongo_db.articles.insert_one(_doc("https://x.test/slow", write_seq=seq))
    fresh = write_seq.restamp(mongo_db, seq)
    write_seq.end(mongo_db, seq)
    assert fresh > seq
    assert mongo_db.articles.find_one()["write_seq"] == fresh


def test_poll_follower_does_not_skip_a_batch_that_commits_late(mongo_db, tmp_path):
    path = tmp_path / "cp.json"
    reader.start_checkpoint(mongo_db, path, None, mode="poll").save()
    early = write_seq.begin(mongo_db)  # writer A takes its number first ...
    late = write_seq.begin(mongo_db)
    mongo_db.articles.insert_one(_doc("https://x.test/b", write_seq=late))  # ... B commits first
    write_seq.end(mongo_db, late)
    seen = [c.article["canonical_url"] for c in follow(mongo_db, path, idle_exit=0.3, idle_wait=0.05)]
    assert seen == []  # B is held back while A is pending
    mongo_db.articles.insert_one(_doc("https://x.test/a", write_seq=early))
    write_seq.end(mongo_db, early)
    seen = [c.article["canonical_url"] for c in follow(mongo_db, path, idle_exit=0.3, idle_wait=0.05)]
    assert seen == ["https://x.test/a", "https://x.test/b"]
    assert [c for c in follow(mongo_db, path, idle_exit=0.3, idle_wait=0.05)] == []


# -- following ---------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["change_stream", "poll"])
def test_follow_sees_new_and_changed_articles_once(mongo_db, tmp_path, mode):
    path = tmp_path / "cp.json"
    reader.start_checkpoint(mongo_db, path, None, mode=mode).save()
    _stored(mongo_db, "https://x.test/1")
    _stored(mongo_db, "https://x.test/2", outlet="other")
    # a re-crawl that only moves last_seen is not news
    mongo_db.articles.update_one({"canonical_url": "https://x.test/1"}, {"$set": {"last_seen": datetime.now(timezone.utc)}})
    seq = write_seq.begin(mongo_db)
    mongo_db.articles.update_one({"canonical_url": "https://x.test/1"},
                                 {"$set": {"body": "c" * 300, "write_seq": seq}, "$inc": {"version": 1}})
    write_seq.end(mongo_db, seq)
    got = [(c.kind, c.article["canonical_url"], c.article["version"])
           for c in follow(mongo_db, path, idle_exit=0.5, idle_wait=0.05)]
    if mode == "change_stream":  # every stored version, in order
        assert got == [("new", "https://x.test/1", 1), ("new", "https://x.test/2", 1),
                       ("updated", "https://x.test/1", 2)]
    else:  # the newest of each, in write order
        assert got == [("new", "https://x.test/2", 1), ("updated", "https://x.test/1", 2)]
    assert list(follow(mongo_db, path, idle_exit=0.3, idle_wait=0.05)) == []


def test_follow_filters_outlet_and_fields(mongo_db, tmp_path):
    path = tmp_path / "cp.json"
    reader.start_checkpoint(mongo_db, path, "keep").save()
    _stored(mongo_db, "https://x.test/k", outlet="keep")
    _stored(mongo_db, "https://x.test/d", outlet="drop")
    got = [c.article for c in follow(mongo_db, path, outlet="keep", fields=["canonical_url", "version"],
                                     idle_exit=0.5, idle_wait=0.05)]
    assert got == [{"canonical_url": "https://x.test/k", "version": 1}]


def test_follow_checkpoint_moves_only_past_what_the_caller_finished(mongo_db, tmp_path):
    path = tmp_path / "cp.json"
    reader.start_checkpoint(mongo_db, path, None).save()
    for n in range(3):
        _stored(mongo_db, f"https://x.test/{n}")
    changes = follow(mongo_db, path, idle_exit=0.5, idle_wait=0.05)
    assert next(changes).article["canonical_url"] == "https://x.test/0"
    assert next(changes).article["canonical_url"] == "https://x.test/1"
    changes.close()  # "crashed" while handling /1
    rest = [c.article["canonical_url"] for c in follow(mongo_db, path, idle_exit=0.5, idle_wait=0.05)]
    assert rest == ["https://x.test/1", "https://x.test/2"]


def test_follow_while_a_writer_stores(mongo_db, tmp_path):
    path = tmp_path / "cp.json"
    reader.start_checkpoint(mongo_db, path, None).save()
    urls = [f"https://x.test/w{n}" for n in range(40)]

    def store_slowly():
        for url in urls:
            _stored(mongo_db, url)
            time.sleep(0.01)

    writer = threading.Thread(target=store_slowly)
    writer.start()
    seen = [c.article["canonical_url"] for c in follow(mongo_db, path, idle_exit=1.0, idle_wait=0.05)]
    writer.join()
    assert seen == urls


def test_iter_articles_fields_and_outlet(mongo_db):
    _stored(mongo_db, "https://x.test/a", outlet="a")
    _stored(mongo_db, "https://x.test/b", outlet="b")
    assert list(reader.iter_articles(mongo_db, outlet="a", fields=["canonical_url"])) == [
        {"canonical_url": "https://x.test/a"}]
    with pytest.raises(ValueError, match="'nope' is not an article field"):
        list(reader.iter_articles(mongo_db, fields=["title", "nope"]))


# -- exactly-once output -------------------------------------------------------------

def test_follow_output_cuts_back_lines_after_the_checkpoint(tmp_path):
    path = tmp_path / "out.jsonl"
    with open(path, "ab") as fh:
        out = FollowOutput(fh)
        out.write_line("one")
        recorded = out.state()
        out.write_line("two (written, then killed before the checkpoint)")
    with open(path, "ab") as fh:
        out = FollowOutput(fh)
        assert out.resume(recorded) > 0
        out.write_line("two")
    assert path.read_text() == "one\ntwo\n"
    other = tmp_path / "other.jsonl"
    other.write_text("someone else's\n")
    with open(other, "ab") as fh:
        assert FollowOutput(fh).resume(recorded) == 0  # another file: left alone
    assert other.read_text() == "someone else's\n"


def test_store_stamps_inserts_and_changes_not_recrawls(mongo_db):
    from pipelines.store import write_batch

    def item(n: int, body: str = "b") -> dict:
        url = f"https://x.test/s{n}"
        return {"canonical_url": url, "url": url, "outlet": "o", "title": "t", "body": body * 300,
                "fingerprint": f"{body}{n}"}

    write_batch(mongo_db, [item(1), item(2)])
    first = {d["canonical_url"]: d["write_seq"] for d in mongo_db.articles.find()}
    assert len(set(first.values())) == 1 and None not in first.values()
    assert write_batch(mongo_db, [item(1), item(2)]) == {"unchanged": 2}
    assert {d["canonical_url"]: d["write_seq"] for d in mongo_db.articles.find()} == first
    assert write_batch(mongo_db, [item(1, "c"), item(2)]) == {"updated": 1, "unchanged": 1}
    now = {d["canonical_url"]: d["write_seq"] for d in mongo_db.articles.find()}
    assert now["https://x.test/s1"] > first["https://x.test/s1"]
    assert now["https://x.test/s2"] == first["https://x.test/s2"]
    assert mongo_db[write_seq.COLLECTION].find_one()["pending"] == []
    assert write_seq.safe_seq(mongo_db) == now["https://x.test/s1"]


def test_auto_mode_polls_a_server_without_change_streams(tmp_path):
    from pymongo import MongoClient

    from pipelines import embedded_db

    port = embedded_db.free_port()
    server = embedded_db.spawn_server(port, ":memory:", tmp_path / "log", detach=False, extra_args=["--standalone"])
    try:
        uri = f"mongodb://127.0.0.1:{port}/"
        embedded_db.wait_for_ping(uri)
        db = MongoClient(uri, tz_aware=True).standalone
        assert not reader.change_streams_available(db)
        path = tmp_path / "cp.json"
        reader.start_checkpoint(db, path, None).save()
        _stored(db, "https://x.test/standalone")
        got = [c.article["canonical_url"] for c in follow(db, path, idle_exit=0.5, idle_wait=0.05)]
        assert got == ["https://x.test/standalone"]
        assert open_checkpoint(path, db).mode == "poll"
    finally:
        server.terminate()
        server.wait(timeout=10)

from datetime import datetime, timedelta, timezone

from pipelines import leases


def test_second_owner_is_refused_until_expiry(mongo_db):
    locks = mongo_db.locks
    assert leases.acquire(locks, "o", "a", timedelta(seconds=30))
    assert not leases.acquire(locks, "o", "b", timedelta(seconds=30))
    assert leases.acquire(locks, "o", "a", timedelta(seconds=30))  # renewal by the holder
    later = datetime.now(timezone.utc) + timedelta(seconds=31)
    assert leases.acquire(locks, "o", "b", timedelta(seconds=30), now=later)


def test_release_only_by_owner(mongo_db):
    locks = mongo_db.locks
    assert leases.acquire(locks, "o", "a")
    assert not leases.release(locks, "o", "b")
    assert leases.holder(locks, "o").owner == "a"
    assert leases.release(locks, "o", "a")
    assert leases.holder(locks, "o") is None

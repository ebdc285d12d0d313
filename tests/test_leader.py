"""The standby scheduler: several `newsdesk serve` on one database, only the leader schedules."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import timedelta

from pipelines import leases
from schedules import leader
from schedules.service import SERVICE_LOCK, SERVICE_LOCK_TTL
from tests.test_scheduler import REPO, Service, entry, schedule_file, wait_for

# Stated in schedules/leader.py and docs/scaling.md: lease TTL + one poll, plus ~1 s start-up.
TAKEOVER_S = leader.takeover_bound(SERVICE_LOCK_TTL) + 1.5




def leader_pid(db):
    doc = db.service_status.find_one({"_id": "scheduler"})
    return doc["pid"] if doc and doc["status"] == "running" else None


def standby(db, svc):
    return db.service_status.find_one({"status": "standby", "pid": svc.proc.pid})


def test_try_lead_takes_free_expired_or_dead_leases_only(mongo_db):
    ttl = timedelta(seconds=10)
    assert leader.try_lead(mongo_db, "scheduler:x", "a", ttl)
    assert not leader.try_lead(mongo_db, "scheduler:x", "b", ttl)
    assert not leader.try_lead(mongo_db, "scheduler:x", "b", ttl, dead_here=lambda owner: False)
    assert leader.try_lead(mongo_db, "scheduler:x", "b", ttl, dead_here=lambda owner: owner == "a")
    assert leases.holder(mongo_db.locks, "scheduler:x").owner == "b"
    assert leader.takeover_bound(ttl) == 10.5


def test_standby_waits_then_takes_over_on_stop_and_on_kill9(env, tmp_path, mongo_db, services):
    sched = schedule_file(tmp_path, entry("fixture", "2s"))

    def serve(name: str, **extra) -> Service:
        svc = Service({**env, **extra}, sched, tmp_path / f"{name}.log")
        services.append(svc)
        return svc

    a = serve("a")
    a.wait_ready(mongo_db)
    b = serve("b")
    wait_for(lambda: standby(mongo_db, b), 20, what="b waiting as standby")
    wait_for(lambda: mongo_db.crawl_runs.count_documents({"status": "ok"}) >= 2, 30, what="runs by the leader")
    a_instance = mongo_db.service_status.find_one({"_id": "scheduler"})["instance"]
    assert leader_pid(mongo_db) == a.proc.pid and b.proc.poll() is None
    assert set(mongo_db.crawl_runs.distinct("service")) == {a_instance}  # the standby never scheduled

    # A clean stop releases the lease: the standby leads at once.
    assert a.stop() == 0
    stopped = time.monotonic()
    b.wait_ready(mongo_db)
    assert time.monotonic() - stopped < 4, "takeover after a clean stop"

    # kill -9, with the same-host pid shortcut off: the cross-host path, lease expiry.
    c = serve("c", NEWSDESK_LEADER_PID_CHECK="0")
    wait_for(lambda: standby(mongo_db, c), 20, what="c waiting as standby")
    b.kill9()
    killed = time.monotonic()
    c.wait_ready(mongo_db, timeout=TAKEOVER_S + 10)
    takeover = time.monotonic() - killed
    print(f"takeover after kill -9: {takeover:.1f}s (bound {TAKEOVER_S:.1f}s)")
    assert takeover <= TAKEOVER_S
    c_instance = mongo_db.service_status.find_one({"_id": "scheduler"})["instance"]
    wait_for(lambda: mongo_db.crawl_runs.find_one({"service": c_instance, "status": "ok"}), 20,
             what="a run scheduled by the new leader")
    assert mongo_db.locks.find_one({"_id": SERVICE_LOCK})["owner"] == c_instance
    assert c.stop() == 0


def test_no_standby_exits_3_when_another_leads(env, tmp_path, mongo_db, services):
    sched = schedule_file(tmp_path, entry("fixture", "1h"))
    a = Service(env, sched, tmp_path / "a.log")
    services.append(a)
    a.wait_ready(mongo_db)
    second = subprocess.run([sys.executable, "-m", "schedules.commands", "serve", "--no-standby", "--schedules",
                             str(sched)], env=env, cwd=REPO, capture_output=True, text=True, timeout=60)
    assert second.returncode == 3 and "another scheduler service" in second.stderr
    assert a.stop() == 0

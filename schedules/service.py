"""The scheduler service (`newsdesk serve`): one long-lived APScheduler 3.x process.

- Jobs live in MongoDB (`scheduler_jobs`, APScheduler's MongoDBJobStore) so a
  restart, even after kill -9, finds them with their next run time; missed
  fire times collapse into one run (coalesce=True plus a misfire grace of one
  period, see definitions.ScheduleEntry.misfire_grace_s).
- APScheduler 3 cannot share a job store between processes, so one service
  per database: it holds the `scheduler:service` lease in `locks` and the CLI
  never writes the job store; it asks the service through `service_commands`
  (polled every second) and reads `service_status` (a heartbeat).
- Every crawl is a child process (schedules.child) started after taking the
  outlet's lease, so a one-off `newsdesk crawl` and a scheduled crawl of one
  outlet never run side by side.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING
from pymongo.database import Database

from pipelines import leases
from pipelines.mongo import DB_REASON_KEY, connect
from pipelines.outlet_summary import backfill_outlet_summaries, refresh_outlet_summary
from pipelines.outlets import load_outlets
from pipelines.runs import ensure_run_indexes, start_run
from schedules import leader, monitoring
from schedules.child import crawl_argv, log_path, record_outcome, run_child
from schedules.control import JOBS_COLLECTION, STATUS_ID
from schedules.definitions import ScheduleEntry, ScheduleError, ScheduleFile, load_schedule

logger = logging.getLogger("newsdesk.scheduler")

SERVICE_LOCK = "scheduler:service"  # outlet names cannot contain ':'
HEARTBEAT_S = 2.0
COMMAND_POLL_S = 0.5  # cheap: one indexed find_one_and_update
SERVICE_LOCK_TTL = timedelta(seconds=10)
COMMAND_MAX_AGE_S = 60.0  # commands nobody took within this are dropped, not replayed much later

_ACTIVE: SchedulerService | None = None


def refresh_summary(db: Database, outlet: str) -> None:
    """The outlet's line on the dashboard (pipelines.outlet_summary); a failure never fails a run."""
    try:
        refresh_outlet_summary(db, outlet)
    except Exception as exc:
        logger.warning("outlet summary of %s not refreshed: %s", outlet, exc)


class ServiceBusy(RuntimeError):
    """Another scheduler service holds this database."""


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def scheduled_crawl(entry: dict) -> None:
    """The job function, stored in the job store by reference ('schedules.service:scheduled_crawl')."""
    if _ACTIVE is None:
        raise RuntimeError("no scheduler service is active in this process")
    _ACTIVE.runner.run(ScheduleEntry.model_validate(entry), trigger="schedule")


def outlet_of(job_id: str) -> str:
    return job_id.split(":")[1] if job_id.count(":") >= 1 else job_id


# -- one run ------------------------------------------------------------------

class CrawlRunner:
    """Runs one schedule entry: lease, child process, outcome, monitoring, lease release."""

    def __init__(self, db: Database, target, schedule: ScheduleFile, *, env: Mapping[str, str] | None = None,
                 metrics: monitoring.Metrics | None = None, instance: str | None = None):
        self.db = db
        self.target = target
        self.schedule = schedule
        self.env = dict(os.environ if env is None else env)
        self.metrics = metrics
        self.instance = instance
        self.stop_event = threading.Event()
        self.stop_deadline: float | None = None
        self.running: dict[str, dict] = {}  # run id -> what /healthz and the heartbeat show
        self._lock = threading.Lock()

    # shutdown: no new runs; running ones get until stop_deadline
    def begin_stop(self, grace: float) -> None:
        deadline = time.monotonic() + max(grace, 0)
        self.stop_deadline = deadline if self.stop_deadline is None else min(self.stop_deadline, deadline)
        self.stop_event.set()

    def _stop_grace_left(self) -> float:
        return max((self.stop_deadline or time.monotonic()) - time.monotonic(), 0.0)

    def active(self) -> list[dict]:
        with self._lock:
            return [dict(v) for v in self.running.values()]

    def record_not_run(self, *, outlet: str, status: str, reason: str, job_id: str | None = None,
                       section: str | None = None, trigger: str = "schedule",
                       scheduled_for: datetime | None = None) -> ObjectId:
        """A trigger that did not become a crawl (skipped, missed, error): still one crawl_runs doc."""
        now = utcnow()
        doc = {"_id": ObjectId(), "outlet": outlet, "trigger": trigger, "status": status, "error": reason,
               "started_at": now, "finished_at": now, "duration_s": 0.0, "job_id": job_id,
               "section": section, "scheduled_for": scheduled_for, "service": self.instance}
        self.db.crawl_runs.insert_one(doc)
        self._refresh_summary(outlet)
        logger.warning("%s %s: %s", job_id or outlet, status, reason)
        if self.metrics is not None:
            self.metrics.observe(doc)
        return doc["_id"]

    def run(self, entry: ScheduleEntry, *, trigger: str = "schedule", run_id: ObjectId | None = None) -> dict:
        outlet, job_id = entry.outlet, entry.job_id
        if self.stop_event.is_set():
            self.record_not_run(outlet=outlet, job_id=job_id, section=entry.section, trigger=trigger,
                                status="skipped", reason="skipped: the service is stopping")
            return {}
        opts = self.schedule.service
        ttl = timedelta(seconds=opts.lease_ttl)
        owner = leases.new_owner("scheduler")
        locks = self.db.locks
        taken = leases.take(locks, outlet, owner, ttl)
        if not taken:
            who = taken.holder.owner if taken.holder else "another crawl"
            self.record_not_run(outlet=outlet, job_id=job_id, section=entry.section, trigger=trigger,
                                status="skipped", reason=f"skipped: lease held by {who}")
            return {}
        run_id = run_id or ObjectId()
        try:
            return self._run_leased(entry, trigger, run_id, owner, ttl)
        finally:
            try:
                self.release_lease(outlet, owner, run_id)
            except Exception as exc:  # it expires by itself
                logger.warning("could not release the lease on %s: %s", outlet, type(exc).__name__)
            with self._lock:
                self.running.pop(str(run_id), None)

    def release_lease(self, outlet: str, owner: str, run_id: ObjectId) -> None:
        # A hook: the Scrapyd runner leaves the lease of a run on a lost node to expire.
        leases.release(self.db.locks, outlet, owner)

    def _run_leased(self, entry: ScheduleEntry, trigger: str, run_id: ObjectId, owner: str,
                    ttl: timedelta) -> dict:
        outlet = entry.outlet
        log_file = log_path(outlet, str(run_id), self.env)
        start_run(self.db, outlet=outlet, trigger=trigger, run_id=run_id, extra={
            "job_id": entry.job_id, "section": entry.section, "lease_owner": owner,
            "log_file": str(log_file), "service": self.instance, "time_limit_s": entry.time_limit})
        settings = {"NEWSDESK_LEASE_TTL": f"{ttl.total_seconds():g}", **entry.settings, **entry.bound_settings()}
        if entry.section:
            settings["NEWSDESK_SECTIONS"] = entry.section
        argv = crawl_argv(outlet, run_id=str(run_id), lease_owner=owner, trigger=trigger, settings=settings)
        child_env = {**self.env, "NEWSDESK_MONGO_URI": self.target.uri,
                     "NEWSDESK_MONGO_DB": self.target.database, DB_REASON_KEY: self.target.database_reason}
        info = {"run_id": str(run_id), "outlet": outlet, "job_id": entry.job_id, "trigger": trigger,
                "started_at": utcnow(), "log_file": str(log_file)}
        with self._lock:
            self.running[str(run_id)] = info
        # The child renews too (OutletLease with our token); this covers its
        # start-up and shutdown, when no reactor is running.
        renewal = leases.Renewal(self.db.locks, outlet, owner, ttl, context=f" during run {run_id}")

        logger.info("run %s of %s (%s) started; log %s", run_id, entry.job_id, trigger, log_file)
        result = run_child(argv, log_file=log_file, time_limit=entry.time_limit,
                           kill_grace=self.schedule.service.kill_grace, env=child_env,
                           stop_event=self.stop_event, stop_grace=self._stop_grace_left, on_tick=renewal.tick,
                           started=lambda proc: info.__setitem__("pid", proc.pid))
        doc = record_outcome(self.db, run_id, result, outlet=outlet, time_limit=entry.time_limit)
        logger.info("run %s of %s: %s in %.1fs (exit %s)", run_id, entry.job_id, doc.get("status"),
                    result.duration_s, result.returncode)
        return self.after_run(entry, doc)

    def after_run(self, entry: ScheduleEntry, doc: dict) -> dict:
        """Monitoring and metrics for a finished run, whichever runner ran it."""
        try:
            doc["monitoring"] = self._monitor(entry, doc)
        except Exception as exc:  # monitoring must never turn a good run into a failure
            logger.warning("after-run checks failed for %s: %s", doc.get("_id"), exc)
        self._refresh_summary(entry.outlet)  # the outcome and monitoring result the runner just wrote
        if self.metrics is not None:
            self.metrics.observe(doc)
        return doc

    def _refresh_summary(self, outlet: str) -> None:
        refresh_summary(self.db, outlet)

    def _monitor(self, entry: ScheduleEntry, doc: dict) -> dict:
        opts = self.schedule.monitoring
        previous = list(self.db.crawl_runs.find(
            {"outlet": entry.outlet, "section": entry.section, "_id": {"$ne": doc["_id"]},
             "status": {"$nin": list(monitoring.NOT_CRAWLS)}},
            sort=[("started_at", DESCENDING)], limit=10))
        coverage = None
        if doc.get("status") in monitoring.GOOD_STATUSES and doc.get("started_at"):
            coverage = monitoring.coverage_counts(self.db, entry.outlet, doc["started_at"])
        result = monitoring.evaluate(doc, previous, opts, coverage)
        self.db.crawl_runs.update_one({"_id": doc["_id"]}, {"$set": {"monitoring": result}})
        webhook = self.env.get("NEWSDESK_ALERT_WEBHOOK") or opts.webhook_url
        monitoring.send_alerts(result["alerts"], webhook)
        return result


def entry_for(schedule: ScheduleFile, outlet_or_job: str, outlets: Mapping[str, Any] | None = None
              ) -> ScheduleEntry | None:
    """The entry `schedule run` uses: the job with that id, the outlet's first entry, or defaults."""
    matches = schedule.for_outlet(outlet_or_job)
    exact = [e for e in matches if e.job_id == outlet_or_job]
    if exact:
        return exact[0]
    if matches:  # an outlet with section entries: crawl the whole outlet with its first entry's options
        return matches[0].model_copy(update={"section": None})
    if outlets is not None and outlet_or_job in outlets:
        return ScheduleEntry.model_validate({"outlet": outlet_or_job, "every": 3600, "jitter": 0,
                                             "time_limit": 1800, "enabled": True, "timezone": "UTC"})
    return None


# -- the service ------------------------------------------------------------------

class SchedulerService:
    def __init__(self, schedule_path: str | Path | None = None, *, env: Mapping[str, str] | None = None,
                 http: str | None = None, standby: bool = True, runner_class: type[CrawlRunner] = CrawlRunner):
        self.schedule_path = schedule_path
        self.runner_class = runner_class
        self.standby = standby  # wait for the leader lease instead of refusing (schedules/leader.py)
        self.env = dict(os.environ if env is None else env)
        self.http_override = http
        self.instance = leases.new_owner("service")
        self.stop_requests = 0
        self.reload_requested = False
        self.last_reload: dict = {}
        self.manual_threads: list[threading.Thread] = []
        self.scheduler = None
        self.http_server = None  # schedules.dashboard.server.StatusServer: dashboard, /healthz, /metrics
        self.started_at = utcnow()

    # -- setup ------------------------------------------------------------
    def load(self) -> ScheduleFile:
        self.outlets = load_outlets()
        return load_schedule(self.schedule_path, self.outlets)

    def open(self, target, client) -> None:
        """Everything before the first job can fire. Raises ScheduleError / ServiceBusy."""
        from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED
        from apscheduler.executors.pool import ThreadPoolExecutor
        from apscheduler.jobstores.mongodb import MongoDBJobStore
        from apscheduler.schedulers.background import BackgroundScheduler

        global _ACTIVE
        self.target = target
        self.client = client
        self.db = client[target.database]
        self.schedule = self.load()  # an invalid file stops here, before anything is touched
        if not self._become_leader():
            return  # asked to stop while waiting as standby: no scheduler was created
        ensure_run_indexes(self.db)
        backfill_outlet_summaries(self.db)  # runs an older newsdesk recorded
        self.db.service_commands.create_index([("status", ASCENDING), ("created_at", ASCENDING)])
        self.metrics = monitoring.Metrics()
        monitoring.load_last_good(self.db, self.metrics)
        self.runner = self.runner_class(self.db, target, self.schedule, env=self.env,
                                        metrics=self.metrics, instance=self.instance)
        self._sweep_abandoned_runs()
        _ACTIVE = self
        class _JobStore(MongoDBJobStore):
            # MongoDBJobStore.shutdown closes the client while the scheduler
            # thread may still poll it once; the service closes it after the join.
            def shutdown(self):
                pass

        # A client of its own, closed after the scheduler thread has exited.
        self.store_client = connect(target)
        self.scheduler = BackgroundScheduler(
            jobstores={"default": _JobStore(database=target.database, collection=JOBS_COLLECTION,
                                            client=self.store_client)},
            executors={"default": ThreadPoolExecutor(self.schedule.service.max_parallel)},
            job_defaults={"coalesce": True, "max_instances": 1},
            timezone=timezone.utc,
        )
        self.scheduler.add_listener(self._on_missed, EVENT_JOB_MISSED)
        self.scheduler.add_listener(self._on_max_instances, EVENT_JOB_MAX_INSTANCES)
        self.scheduler.add_listener(self._on_error, EVENT_JOB_ERROR)
        # Start paused: stored jobs are loaded but nothing fires until the store
        # matches the file; resuming then runs each overdue job once.
        self.scheduler.start(paused=True)
        summary = self._apply(self.schedule)
        self.last_reload = {"at": utcnow(), "ok": True, "message": summary}
        logger.info("schedule %s: %s", self.schedule.path, summary)
        self._start_http()
        self.heartbeat("running")
        self.scheduler.resume()

    def _become_leader(self) -> bool:
        if not self.standby:
            self._take_service_lock()
            return True
        return leader.wait_for_leadership(
            self.db, SERVICE_LOCK, self.instance, ttl=SERVICE_LOCK_TTL,
            should_stop=lambda: self.stop_requests > 0,
            dead_here=leases.owner_is_dead_here if leader.pid_check_enabled(self.env) else None)

    def _take_service_lock(self) -> None:
        locks = self.db.locks
        # A predecessor on this machine that was killed: no need to wait for its lease to expire.
        taken = leases.take(locks, SERVICE_LOCK, self.instance, SERVICE_LOCK_TTL,
                            wait=SERVICE_LOCK_TTL.total_seconds() + 2, poll=0.5,
                            dead_here=leases.owner_is_dead_here)
        if not taken:
            who = taken.holder.owner if taken.holder else "another process"
            raise ServiceBusy(f"another scheduler service is running on database "
                              f"{self.target.database!r} ({who}); APScheduler cannot share a job store")

    def _sweep_abandoned_runs(self) -> None:
        """Runs left 'running' by a service that died with its crawl: close them as abandoned."""
        for doc in self.db.crawl_runs.find({"status": "running", "lease_owner": {"$exists": True},
                                            "service": {"$ne": self.instance}}):
            held = leases.holder(self.db.locks, doc["outlet"])
            if held is None or held.owner != doc["lease_owner"]:
                self.db.crawl_runs.update_one({"_id": doc["_id"], "status": "running"}, {"$set": {
                    "status": "abandoned", "finished_at": utcnow(),
                    "error": "the service stopped while this crawl ran (killed?); no summary was written"}})
                refresh_summary(self.db, doc["outlet"])

    def _start_http(self) -> None:
        addr = self.http_override if self.http_override is not None else self.schedule.service.http
        if not addr:
            return
        from schedules.dashboard.server import StatusServer, config_for, status_routes

        host, _, port = addr.rpartition(":")
        config = config_for(self.db, self.target, self.env, mode="service", schedule=lambda: self.schedule)
        config.extra_routes = status_routes(self.metrics, self.health)
        try:
            self.http_server = StatusServer(host or "127.0.0.1", int(port), config).start()
            logger.info("dashboard on http://%s/, health and metrics on /healthz and /metrics",
                        self.http_server.address)
        except OSError as exc:  # the scheduler matters more than its metrics
            logger.error("could not serve the dashboard, /healthz and /metrics on %s: %s", addr, exc)

    # -- the job store follows the file ------------------------------------------
    def _apply(self, schedule: ScheduleFile) -> str:
        """Make the job store match the schedule; unchanged jobs keep their next run time."""
        wanted = {e.job_id: e for e in schedule.entries if e.enabled}
        existing = {job.id: job for job in self.scheduler.get_jobs() if job.id.startswith("crawl:")}
        added = replaced = kept = removed = 0
        for job_id, entry in wanted.items():
            spec = entry.model_dump(mode="json")
            job = existing.get(job_id)
            if job is not None and job.kwargs.get("entry") == spec:
                kept += 1
                continue
            extra = {"next_run_time": None} if job is not None and job.next_run_time is None else {}
            self.scheduler.add_job(
                scheduled_crawl, trigger=entry.trigger(), id=job_id, name=job_id, kwargs={"entry": spec},
                replace_existing=True, coalesce=True, max_instances=1,
                misfire_grace_time=entry.misfire_grace_s, **extra)
            added, replaced = (added + 1, replaced) if job is None else (added, replaced + 1)
        for job_id in existing.keys() - wanted.keys():
            self.scheduler.remove_job(job_id)
            removed += 1
        self.schedule = schedule
        self.runner.schedule = schedule
        return f"{len(wanted)} jobs ({added} added, {replaced} changed, {kept} unchanged, {removed} removed)"

    def reload(self) -> tuple[bool, str]:
        try:
            schedule = self.load()
        except (ScheduleError, Exception) as exc:
            message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            logger.error("reload refused, the running schedule stays: %s", message)
            self.last_reload = {"at": utcnow(), "ok": False, "message": message}
            return False, message
        summary = self._apply(schedule)
        logger.info("schedule reloaded from %s: %s", schedule.path, summary)
        self.last_reload = {"at": utcnow(), "ok": True, "message": summary}
        return True, summary

    # -- listeners (scheduler thread) -------------------------------------------------
    def _section(self, job_id: str) -> str | None:
        entry = self.schedule.by_job_id().get(job_id)
        return entry.section if entry else None

    def _on_missed(self, event) -> None:
        grace = getattr(self.scheduler.get_job(event.job_id), "misfire_grace_time", None)
        self._safe_record(event.job_id, "missed",
                          f"missed: fire time {event.scheduled_run_time:%H:%M:%S} UTC was more than "
                          f"{grace}s ago when the service could run it", event.scheduled_run_time)

    def _on_max_instances(self, event) -> None:
        when = event.scheduled_run_times[-1] if event.scheduled_run_times else None
        self._safe_record(event.job_id, "skipped", "skipped: the previous run is still going "
                          "(coalesced into it, max_instances=1)", when)

    def _on_error(self, event) -> None:
        self._safe_record(event.job_id, "error", f"error: {type(event.exception).__name__}: {event.exception}",
                          event.scheduled_run_time)

    def _safe_record(self, job_id, status, reason, when) -> None:
        try:
            self.runner.record_not_run(outlet=outlet_of(job_id), job_id=job_id, section=self._section(job_id),
                                       status=status, reason=reason, scheduled_for=when)
        except Exception as exc:
            logger.error("could not record %s of %s: %s", status, job_id, exc)

    # -- commands from the CLI -------------------------------------------------
    def _matching_jobs(self, target: str) -> list:
        return [j for j in self.scheduler.get_jobs()
                if j.id == target or outlet_of(j.id) == target]

    def handle(self, command: str, target: str | None) -> tuple[bool, str]:
        if command == "reload":
            return self.reload()
        if command in ("pause", "resume"):
            jobs = self._matching_jobs(target or "")
            if not jobs:
                return False, f"no scheduled job for {target!r}"
            for job in jobs:
                (self.scheduler.pause_job if command == "pause" else self.scheduler.resume_job)(job.id)
            return True, f"{command}d {', '.join(j.id for j in jobs)}"
        if command == "run":
            entry = entry_for(self.schedule, target or "", self.outlets)
            if entry is None:
                return False, f"{target!r} is neither a scheduled job nor a defined outlet"
            held = leases.holder(self.db.locks, entry.outlet)
            if held is not None:
                return False, f"outlet {entry.outlet} is already being crawled by {held.owner}"
            run_id = ObjectId()
            thread = threading.Thread(target=self._manual_run, args=(entry, run_id),
                                      name=f"manual-{entry.outlet}", daemon=True)
            thread.start()
            self.manual_threads = [t for t in self.manual_threads if t.is_alive()] + [thread]
            return True, f"started run {run_id} of {entry.job_id} (trigger manual)"
        return False, f"unknown command {command!r}"

    def _manual_run(self, entry: ScheduleEntry, run_id: ObjectId) -> None:
        try:
            self.runner.run(entry, trigger="manual", run_id=run_id)
        except Exception as exc:
            logger.exception("manual run of %s failed: %s", entry.job_id, exc)

    def poll_commands(self) -> None:
        coll = self.db.service_commands
        cutoff = utcnow() - timedelta(seconds=COMMAND_MAX_AGE_S)
        coll.update_many({"status": "pending", "created_at": {"$lt": cutoff}},
                         {"$set": {"status": "expired", "done_at": utcnow()}})
        while True:
            doc = coll.find_one_and_update({"status": "pending"},
                                           {"$set": {"status": "working", "taken_by": self.instance}},
                                           sort=[("created_at", ASCENDING)])
            if doc is None:
                return
            try:
                ok, message = self.handle(doc.get("command"), doc.get("target"))
            except Exception as exc:
                ok, message = False, f"{type(exc).__name__}: {exc}"
            logger.info("command %s %s: %s", doc.get("command"), doc.get("target") or "", message)
            coll.update_one({"_id": doc["_id"]}, {"$set": {"status": "done" if ok else "error",
                                                            "result": message, "done_at": utcnow()}})

    # -- status -------------------------------------------------------------------
    def jobs_view(self) -> list[dict]:
        running = {r["job_id"] for r in self.runner.active()}
        out = []
        for job in self.scheduler.get_jobs():
            entry = job.kwargs.get("entry") or {}
            out.append({"id": job.id, "next_run_time": job.next_run_time, "paused": job.next_run_time is None,
                        "running": job.id in running, "trigger": str(job.trigger),
                        "time_limit_s": entry.get("time_limit"), "misfire_grace_s": job.misfire_grace_time})
        return out

    def health(self) -> dict:
        alive = self.scheduler is not None and self.scheduler.running and self.stop_requests == 0
        return {"ok": bool(alive), "instance": self.instance, "started_at": self.started_at,
                "jobs": len(self.schedule.entries), "running": self.runner.active(),
                "last_reload": self.last_reload}

    def heartbeat(self, status: str) -> None:
        if status != "stopped" and not leases.renew(self.db.locks, SERVICE_LOCK, self.instance,
                                                     SERVICE_LOCK_TTL):
            # Another process took the lease: two schedulers on one job store is the trap.
            logger.critical("lost the scheduler service lease to another process; stopping")
            self.stop_requests = max(self.stop_requests, 1)
        self.db.service_status.replace_one({"_id": STATUS_ID}, {
            "_id": STATUS_ID, "instance": self.instance, "status": status, "host": socket.gethostname(),
            "pid": os.getpid(), "started_at": self.started_at, "heartbeat_at": utcnow(),
            "schedule_file": str(self.schedule.path), "http": self.http_server.address if self.http_server else None,
            "jobs": self.jobs_view() if status != "stopped" else [], "running": self.runner.active(),
            "last_reload": self.last_reload}, upsert=True)

    # -- main loop ----------------------------------------------------------------------
    def install_signal_handlers(self) -> None:
        def on_stop(signum, frame):
            self.stop_requests += 1
            if self.stop_requests > 1 and getattr(self, "runner", None):  # a second signal: stop now
                self.runner.begin_stop(0)

        def on_hup(signum, frame):
            self.reload_requested = True

        signal.signal(signal.SIGTERM, on_stop)
        signal.signal(signal.SIGINT, on_stop)
        signal.signal(signal.SIGHUP, on_hup)

    def serve_forever(self) -> None:
        next_beat = next_poll = 0.0
        while self.stop_requests == 0:
            now = time.monotonic()
            if self.reload_requested:
                self.reload_requested = False
                self.reload()
            try:
                if now >= next_poll:
                    next_poll = now + COMMAND_POLL_S
                    self.poll_commands()
                if now >= next_beat:
                    next_beat = now + HEARTBEAT_S
                    self.heartbeat("running")
            except Exception as exc:  # a database blip: keep scheduling, try again
                logger.warning("service loop: %s: %s", type(exc).__name__, exc)
            time.sleep(0.1)
        self.shutdown()

    def shutdown(self) -> None:
        grace = self.schedule.service.stop_grace
        logger.info("stopping: no new runs; %d running crawl(s) get %gs to finish",
                    len(self.runner.active()), grace)
        self.scheduler.pause()
        self.runner.begin_stop(grace)
        next_beat = 0.0
        while self.runner.active() or any(t.is_alive() for t in self.manual_threads):
            if time.monotonic() >= next_beat:
                next_beat = time.monotonic() + HEARTBEAT_S
                try:
                    self.heartbeat("stopping")
                except Exception:
                    pass
            time.sleep(0.1)
        self.scheduler.shutdown(wait=True)  # joins the scheduler thread and the job threads
        self.store_client.close()
        if self.http_server is not None:
            self.http_server.stop()
        try:
            self.heartbeat("stopped")
            leases.release(self.db.locks, SERVICE_LOCK, self.instance)
        except Exception as exc:
            logger.warning("could not mark the service stopped: %s", exc)
        logger.info("stopped")


def serve(schedule_path: str | Path | None, target, *, http: str | None = None, standby: bool = True,
          runner_class: type[CrawlRunner] = CrawlRunner) -> int:
    """`newsdesk serve`: blocks until SIGTERM/SIGINT. Raises ScheduleError, ServiceBusy.

    `runner_class` runs each crawl: CrawlRunner here, or schedules.scrapyd's on
    Scrapyd nodes (chosen by the caller, so this module does not import that one)."""
    global _ACTIVE
    service = SchedulerService(schedule_path, http=http, standby=standby, runner_class=runner_class)
    client = connect(target)
    service.install_signal_handlers()
    try:
        service.open(target, client)
        if service.scheduler is not None:  # None: stopped while standby
            service.serve_forever()
    finally:
        _ACTIVE = None
        client.close()
    return 0

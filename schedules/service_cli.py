"""CLI for the scheduler: `serve`, `schedule list|run|pause|resume|reload|check`, `runs`.

Registered by schedules/cli.py. The CLI never writes the job store (APScheduler
3 cannot share one between processes): it reads it, reads the service's
heartbeat, and sends commands through the `service_commands` collection.
Handlers print their own one-line errors and return the exit code, so this
module does not import schedules.cli (which may be running as __main__).
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import time
from datetime import datetime, timezone

EXIT_OK, EXIT_FAILED, EXIT_CONFIG, EXIT_BUSY = 0, 1, 2, 3
COMMAND_TIMEOUT_S = 15.0


class _Fail(Exception):
    def __init__(self, message: str, code: int):
        super().__init__(message)
        self.code = code


def _say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _guarded(func):
    def wrapper(args) -> int:
        try:
            return func(args)
        except _Fail as exc:
            _say(f"newsdesk: {exc}")
            return exc.code
    return wrapper


def _outlets():
    from pipelines.outlets import OutletConfigError, load_outlets

    try:
        return load_outlets()
    except OutletConfigError as exc:
        raise _Fail(str(exc), EXIT_CONFIG) from None


def _schedule(path, outlets=None):
    from schedules.definitions import ScheduleError, default_schedule_path, load_schedule

    try:
        return load_schedule(path or default_schedule_path(), outlets)
    except ScheduleError as exc:
        raise _Fail(str(exc), EXIT_CONFIG) from None


def _target(announce: bool = False):
    from pipelines.embedded_db import EmbeddedDBError
    from pipelines.mongo import MongoConfigError, resolve_target

    try:
        target = resolve_target()
    except (MongoConfigError, EmbeddedDBError) as exc:
        raise _Fail(str(exc), EXIT_CONFIG) from None
    if announce:
        _say(f"database: {target.display}")
    return target


def _connect(target):
    from pipelines.mongo import connect

    client = connect(target)
    return client, client[target.database]


def _fmt_time(value) -> str:
    if not isinstance(value, datetime):
        return "-"
    value = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def _ago(value) -> str:
    if not isinstance(value, datetime):
        return "never"
    return f"{(datetime.now(timezone.utc) - value).total_seconds():.0f}s ago"


# -- serve ----------------------------------------------------------------------

@_guarded
def cmd_serve(args) -> int:
    from schedules.definitions import ScheduleError, default_schedule_path
    from schedules.service import ServiceBusy, serve

    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("pymongo").setLevel(logging.WARNING)
    path = args.schedules or default_schedule_path()
    _schedule(path, _outlets())  # refuse an invalid file before touching the database
    target = _target(announce=True)
    try:
        return serve(path, target, http=args.http, standby=not args.no_standby)
    except ScheduleError as exc:
        raise _Fail(str(exc), EXIT_CONFIG) from None
    except ServiceBusy as exc:
        raise _Fail(str(exc), EXIT_BUSY) from None


# -- schedule ---------------------------------------------------------------------

def send_command(db, command: str, target: str | None, timeout: float = COMMAND_TIMEOUT_S) -> tuple[str, str]:
    """Queue a command for the running service and wait for its answer: (status, message)."""
    from bson import ObjectId

    cid = ObjectId()
    db.service_commands.insert_one({"_id": cid, "command": command, "target": target, "status": "pending",
                                    "created_at": datetime.now(timezone.utc)})
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        doc = db.service_commands.find_one({"_id": cid})
        if doc and doc["status"] in ("done", "error", "expired"):
            return doc["status"], doc.get("result") or doc["status"]
        time.sleep(0.2)
    db.service_commands.update_one({"_id": cid, "status": "pending"}, {"$set": {"status": "cancelled"}})
    return "timeout", f"the service did not answer within {timeout:g}s"


def _trigger_text(entry) -> str:
    return f"cron '{entry.cron}' {entry.timezone}" if entry.cron else f"every {entry.every:g}s"


@_guarded
def cmd_schedule_list(args) -> int:
    from schedules.service import JOBS_COLLECTION, live_service

    outlets = _outlets()
    schedule = _schedule(args.schedules, outlets)
    client, db = _connect(_target())
    with client:
        service = live_service(db)
        if service is not None:
            print(f"service: {service['status']} on {service['host']} pid {service['pid']} "
                  f"(heartbeat {_ago(service['heartbeat_at'])}), schedule {service['schedule_file']}")
            rows = [(j["id"], j["trigger"], "running" if j["running"] else "paused" if j["paused"] else "scheduled",
                     _fmt_time(j["next_run_time"])) for j in service.get("jobs", [])]
        else:
            stored = {d["_id"]: d.get("next_run_time") for d in db[JOBS_COLLECTION].find({}, {"next_run_time": 1})}
            beat = db.service_status.find_one({"_id": "scheduler"}) or {}
            print(f"service: not running (last heartbeat {_ago(beat.get('heartbeat_at'))}); "
                  f"jobs from {schedule.path}, next runs as last stored")
            rows = []
            for entry in schedule.entries:
                if not entry.enabled:
                    state, nxt = "disabled", "-"
                elif entry.job_id not in stored:
                    state, nxt = "not in store", "-"
                elif stored[entry.job_id] is None:
                    state, nxt = "paused", "-"
                else:
                    state = "scheduled"
                    nxt = _fmt_time(datetime.fromtimestamp(stored[entry.job_id], timezone.utc))
                rows.append((entry.job_id, _trigger_text(entry), state, nxt))
        if args.json:
            for job_id, trig, state, nxt in rows:
                print(json.dumps({"id": job_id, "trigger": trig, "state": state, "next_run_utc": nxt}))
            return EXIT_OK
        width = max([len(r[0]) for r in rows] + [6])
        print(f"{'JOB':<{width}}  {'STATE':<12}  {'NEXT RUN (UTC)':<19}  TRIGGER")
        for job_id, trig, state, nxt in rows:
            print(f"{job_id:<{width}}  {state:<12}  {nxt:<19}  {trig}")
    return EXIT_OK


def _require_service(db, what: str):
    from schedules.service import live_service

    service = live_service(db)
    if service is None:
        raise _Fail(f"no scheduler service is running on this database; `{what}` needs one "
                    "(start `newsdesk serve`, or edit the schedule file)", EXIT_FAILED)
    return service


def _answer(status: str, message: str, fail_code: int = EXIT_FAILED) -> int:
    if status == "done":
        print(message)
        return EXIT_OK
    raise _Fail(message, fail_code)


@_guarded
def cmd_schedule_control(args) -> int:
    client, db = _connect(_target())
    with client:
        _require_service(db, f"schedule {args.action}")
        target = getattr(args, "outlet", None)
        status, message = send_command(db, args.action, target)
        return _answer(status, message, EXIT_CONFIG if args.action == "reload" else EXIT_FAILED)


@_guarded
def cmd_schedule_check(args) -> int:
    schedule = _schedule(args.schedules, _outlets())
    enabled = sum(e.enabled for e in schedule.entries)
    print(f"{schedule.path}: {len(schedule.entries)} entries, {enabled} enabled")
    for entry in schedule.entries:
        flag = "" if entry.enabled else "  (disabled)"
        print(f"  {entry.job_id}: {_trigger_text(entry)}, jitter {entry.jitter:g}s, time limit "
              f"{entry.time_limit:g}s, misfire grace {entry.misfire_grace_s}s{flag}")
    return EXIT_OK


@_guarded
def cmd_schedule_run(args) -> int:
    from schedules.scrapyd import runner_class
    from schedules.service import entry_for, live_service

    target = _target()
    client, db = _connect(target)
    with client:
        if live_service(db) is not None:
            status, message = send_command(db, "run", args.outlet)
            code = EXIT_BUSY if "already being crawled" in message else EXIT_FAILED
            return _answer(status, message, code)
        # No service: run it here, the same way the service would (lease, child, time limit).
        outlets = _outlets()
        schedule = _schedule(args.schedules, outlets)
        entry = entry_for(schedule, args.outlet, outlets)
        if entry is None:
            raise _Fail(f"{args.outlet!r} is neither a scheduled job nor a defined outlet", EXIT_CONFIG)
        runner = runner_class()(db, target, schedule)
        stop = lambda signum, frame: runner.begin_stop(schedule.service.kill_grace)  # noqa: E731
        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        _say(f"no scheduler service running: crawling {entry.job_id} here "
             f"(time limit {entry.time_limit:g}s)")
        doc = runner.run(entry, trigger="manual")
        if not doc:
            last = db.crawl_runs.find_one({"outlet": entry.outlet}, sort=[("started_at", -1)]) or {}
            raise _Fail(f"outlet {entry.outlet}: {last.get('error', 'not run')}", EXIT_BUSY)
        print(_run_line(doc))
        return EXIT_OK if doc.get("status") in ("ok", "degraded") else EXIT_FAILED


# -- runs -------------------------------------------------------------------------------

def _counts(counts) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted((counts or {}).items())) or "none"


def _run_line(doc: dict) -> str:
    stored = doc.get("stored") or {}
    duration = doc.get("duration_s")
    parts = [
        _fmt_time(doc.get("started_at")), doc.get("outlet", "?") + (f" [{doc['job_id']}]" if doc.get("job_id")
                                                                   and doc["job_id"] != f"crawl:{doc.get('outlet')}"
                                                                   else ""),
        doc.get("trigger", "?"), f"{duration:.1f}s" if isinstance(duration, (int, float)) else "-",
        doc.get("status", "?"),
    ]
    line = "  ".join(parts)
    if doc.get("status") not in ("skipped", "missed"):
        line += (f"  stored {stored.get('new', 0)} new / {stored.get('updated', 0)} updated / "
                 f"{stored.get('unchanged', 0)} unchanged  dropped: {_counts(doc.get('dropped'))}  "
                 f"errors: {_counts(doc.get('errors'))}")
    if doc.get("error"):
        line += f"  ({doc['error']})"
    alerts = (doc.get("monitoring") or {}).get("alerts") or []
    if alerts:
        line += "  ALERTS: " + "; ".join(a["message"] for a in alerts)
    return line


def _jsonable(value):
    if isinstance(value, datetime):
        return _fmt_time(value).replace(" ", "T") + "Z"
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)  # ObjectId


@_guarded
def cmd_runs(args) -> int:
    query = {"outlet": args.outlet} if args.outlet else {}
    client, db = _connect(_target())
    with client:
        docs = list(db.crawl_runs.find(query, sort=[("started_at", -1), ("_id", -1)], limit=args.last))
    docs.reverse()  # oldest first, newest at the bottom, like a log
    for doc in docs:
        print(json.dumps(_jsonable(doc), ensure_ascii=False) if args.json else _run_line(doc))
    if not docs and not args.json:
        _say("no runs recorded" + (f" for outlet {args.outlet}" if args.outlet else ""))
    return EXIT_OK


# -- registration -------------------------------------------------------------------------

def register(sub) -> None:
    p = sub.add_parser("serve", help="run the scheduler service (crawls on schedule, until SIGTERM)")
    p.add_argument("--schedules", metavar="FILE", help="schedule file (default: $NEWSDESK_SCHEDULES or "
                   "schedules/schedules.toml)")
    p.add_argument("--http", metavar="HOST:PORT", default=None,
                   help="serve /healthz and /metrics here (default: the file's [service] http; '' disables)")
    p.add_argument("--no-standby", action="store_true",
                   help="exit 3 when another service leads this database, instead of waiting as its standby")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("schedule", help="inspect and steer the scheduler service")
    actions = p.add_subparsers(dest="action", required=True)
    a = actions.add_parser("list", help="jobs and their next run")
    a.add_argument("--schedules", metavar="FILE")
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=cmd_schedule_list)
    a = actions.add_parser("run", help="run a job now (through the service, or here when none runs)")
    a.add_argument("outlet", help="outlet name or job id (crawl:OUTLET[:SECTION])")
    a.add_argument("--schedules", metavar="FILE")
    a.set_defaults(func=cmd_schedule_run)
    for action, text in (("pause", "pause an outlet's jobs in the running service"),
                         ("resume", "resume an outlet's jobs in the running service")):
        a = actions.add_parser(action, help=text)
        a.add_argument("outlet", help="outlet name or job id")
        a.set_defaults(func=cmd_schedule_control)
    a = actions.add_parser("reload", help="make the running service re-read its schedule file")
    a.set_defaults(func=cmd_schedule_control)
    a = actions.add_parser("check", help="validate a schedule file")
    a.add_argument("--schedules", metavar="FILE")
    a.set_defaults(func=cmd_schedule_check)

    p = sub.add_parser("runs", help="crawl history from crawl_runs")
    p.add_argument("--outlet")
    p.add_argument("--last", type=int, default=20, metavar="N")
    p.add_argument("--json", action="store_true", help="one JSON object per run")
    p.set_defaults(func=cmd_runs)


if __name__ == "__main__":  # pragma: no cover
    parser = argparse.ArgumentParser(prog="newsdesk")
    register(parser.add_subparsers(dest="command", required=True))
    ns = parser.parse_args()
    sys.exit(ns.func(ns))

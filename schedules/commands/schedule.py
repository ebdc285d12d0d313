"""`newsdesk schedule list|run|pause|resume|reload|check`: inspect and steer the scheduler service.

The CLI never writes the job store (APScheduler 3 cannot share one between
processes): it reads it, reads the service's heartbeat, and sends commands
through the `service_commands` collection.
"""

from __future__ import annotations

import json
import signal
from datetime import datetime, timezone

from schedules.commands import _common as c
from schedules.control import JOBS_COLLECTION, live_service, send_command
from schedules.scrapyd import runner_class
from schedules.service import entry_for

HELP = "inspect and steer the scheduler service"


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("schedule", help=HELP)
    actions = p.add_subparsers(dest="action", required=True)
    a = actions.add_parser("list", help="jobs and their next run")
    a.add_argument("--schedules", metavar="FILE", help="schedule file (default: $NEWSDESK_SCHEDULES or schedules/schedules.toml)")
    a.add_argument("--json", action="store_true",
                   help="one JSON object per job on stdout (next_run_utc null when none); status on stderr")
    a.set_defaults(run=run_list)
    a = actions.add_parser("run", help="run a job now (through the service, or here when none runs)")
    a.add_argument("outlet", help="outlet name or job id (crawl:OUTLET[:SECTION])")
    a.add_argument("--schedules", metavar="FILE", help="schedule file (default: $NEWSDESK_SCHEDULES or schedules/schedules.toml)")
    a.set_defaults(run=run_now)
    for action, text in (("pause", "pause an outlet's jobs in the running service"),
                         ("resume", "resume an outlet's jobs in the running service")):
        a = actions.add_parser(action, help=text)
        a.add_argument("outlet", help="outlet name or job id")
        a.set_defaults(run=run_control)
    a = actions.add_parser("reload", help="make the running service re-read its schedule file")
    a.set_defaults(run=run_control)
    a = actions.add_parser("check", help="validate a schedule file")
    a.add_argument("--schedules", metavar="FILE", help="schedule file (default: $NEWSDESK_SCHEDULES or schedules/schedules.toml)")
    a.set_defaults(run=run_check)


def _trigger_text(entry) -> str:
    return f"cron '{entry.cron}' {entry.timezone}" if entry.cron else f"every {entry.every:g}s"


def _stored_rows(db, schedule) -> list[tuple[str, str, str, str]]:
    """(job, trigger, state, next run) from the job store, when no service is running."""
    stored = {d["_id"]: d.get("next_run_time") for d in db[JOBS_COLLECTION].find({}, {"next_run_time": 1})}
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
            nxt = c.fmt_time(datetime.fromtimestamp(stored[entry.job_id], timezone.utc))
        rows.append((entry.job_id, _trigger_text(entry), state, nxt))
    return rows


def run_list(args) -> int:
    schedule = c.schedule(args.schedules, c.outlets())
    client, db = c.connect_db(c.target())
    status = c.say if args.json else print  # with --json, stdout is JSON Lines only
    with client:
        service = live_service(db)
        if service is not None:
            status(f"service: {service['status']} on {service['host']} pid {service['pid']} "
                  f"(heartbeat {c.ago(service['heartbeat_at'])}), schedule {service['schedule_file']}")
            rows = [(j["id"], j["trigger"], "running" if j["running"] else "paused" if j["paused"] else "scheduled",
                     c.fmt_time(j["next_run_time"])) for j in service.get("jobs", [])]
        else:
            beat = db.service_status.find_one({"_id": "scheduler"}) or {}
            status(f"service: not running (last heartbeat {c.ago(beat.get('heartbeat_at'))}); "
                  f"jobs from {schedule.path}, next runs as last stored")
            rows = _stored_rows(db, schedule)
        if args.json:
            for job_id, trig, state, nxt in rows:
                print(json.dumps({"id": job_id, "trigger": trig, "state": state,
                                  "next_run_utc": None if nxt == "-" else nxt}))
            return c.EXIT_OK
        width = max([len(r[0]) for r in rows] + [6])
        print(f"{'JOB':<{width}}  {'STATE':<12}  {'NEXT RUN (UTC)':<19}  TRIGGER")
        for job_id, trig, state, nxt in rows:
            print(f"{job_id:<{width}}  {state:<12}  {nxt:<19}  {trig}")
    return c.EXIT_OK


def _answer(status: str, message: str, fail_code: int = c.EXIT_FAILED) -> int:
    if status == "done":
        print(message)
        return c.EXIT_OK
    raise c.CLIError(message, fail_code)


def run_control(args) -> int:
    client, db = c.connect_db(c.target())
    with client:
        if live_service(db) is None:
            raise c.CLIError(f"no scheduler service is running on this database; `schedule {args.action}` needs one "
                             "(start `newsdesk serve`, or edit the schedule file)", c.EXIT_FAILED)
        status, message = send_command(db, args.action, getattr(args, "outlet", None))
        return _answer(status, message, c.EXIT_CONFIG if args.action == "reload" else c.EXIT_FAILED)


def run_check(args) -> int:
    schedule = c.schedule(args.schedules, c.outlets())
    enabled = sum(e.enabled for e in schedule.entries)
    print(f"{schedule.path}: {len(schedule.entries)} entries, {enabled} enabled")
    for entry in schedule.entries:
        flag = "" if entry.enabled else "  (disabled)"
        jitter = f"jitter {entry.jitter_s:g}s"
        if entry.jitter_s < entry.jitter:  # what the scheduler applies, and why it is not what was asked
            jitter += f" (capped from {entry.jitter:g}s: at most a tenth of the period)"
        print(f"  {entry.job_id}: {_trigger_text(entry)}, {jitter}, time limit "
              f"{entry.time_limit:g}s, misfire grace {entry.misfire_grace_s}s{flag}")
    return c.EXIT_OK


def run_now(args) -> int:
    target = c.target()
    client, db = c.connect_db(target)
    with client:
        if live_service(db) is not None:
            status, message = send_command(db, "run", args.outlet)
            code = c.EXIT_BUSY if "already being crawled" in message else c.EXIT_FAILED
            return _answer(status, message, code)
        # No service: run it here, the same way the service would (lease, child, time limit).
        outlets = c.outlets()
        schedule = c.schedule(args.schedules, outlets)
        entry = entry_for(schedule, args.outlet, outlets)
        if entry is None:
            raise c.CLIError(f"{args.outlet!r} is neither a scheduled job nor a defined outlet")
        runner = runner_class()(db, target, schedule)
        stop = lambda signum, frame: runner.begin_stop(schedule.service.kill_grace)  # noqa: E731
        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        c.say(f"no scheduler service running: crawling {entry.job_id} here "
              f"(time limit {entry.time_limit:g}s)")
        doc = runner.run(entry, trigger="manual")
        if not doc:
            raise c.CLIError(c.last_run_error(db, entry.outlet), c.EXIT_BUSY)
        print(c.run_line(doc))
        return c.EXIT_OK if doc.get("status") in ("ok", "degraded") else c.EXIT_FAILED


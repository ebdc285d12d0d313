"""`newsdesk spool list|replay`: articles kept on disk while the database was unreachable."""

from __future__ import annotations

from pathlib import Path

from pymongo.errors import PyMongoError

from crawlers.runtime import default_spool_dir
from pipelines.mongo import describe_failure, ensure_schema
from pipelines.runs import replay_runs, spooled_runs
from pipelines.store import replay_spool, spool_files
from schedules.commands import _common as c

HELP = "articles kept on disk while the database was unreachable"


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("spool", help=HELP)
    p.add_argument("action", choices=["list", "replay"],
                   help="list: spooled articles and run summaries; replay: write them to the database")
    p.add_argument("--dir", help="spool directory (default: $NEWSDESK_HOME/spool)")
    p.set_defaults(run=run)


def _run_summary_line(record: dict) -> str:
    if "error" in record:
        return f"run summary: unreadable ({record['error'][:120]})"
    summary = record.get("summary") or {}
    stored = summary.get("stored") or {}
    return (f"run summary: {record.get('outlet') or '?'} {record.get('status')} ({summary.get('finish_reason')}), "
            f"stored {stored.get('new', 0)} new / {stored.get('updated', 0)} updated, "
            f"spooled {summary.get('spooled', 0)}, run {record.get('run_id')}")


def run(args) -> int:
    spool_dir = Path(args.dir) if args.dir else default_spool_dir()
    files = spool_files(spool_dir)
    if args.action == "list":
        for path in files:
            with open(path, "rb") as fh:
                print(f"{path}\t{sum(1 for line in fh if line.strip())} articles")
        runs = spooled_runs(spool_dir)
        for path, record in runs:
            print(f"{path}\t{_run_summary_line(record)}")
        if not files and not runs:
            print(f"spool {spool_dir} is empty")
        return c.EXIT_OK
    target = c.target(announce=True)
    _client, db = c.connect_db(target)
    try:
        ensure_schema(db)
        runs = replay_runs(db, spool_dir)
        totals = replay_spool(db, spool_dir)
    except PyMongoError as exc:
        raise c.CLIError(f"database {target.display}: {describe_failure(exc)}; spool kept", c.EXIT_FAILED) from None
    print(f"replayed {totals.get('files', 0)} spool files from {spool_dir}: "
          f"{totals.get('new', 0)} new, {totals.get('updated', 0)} updated, {totals.get('unchanged', 0)} unchanged, "
          f"{totals.get('invalid', 0)} invalid; {runs} run summaries")
    return c.EXIT_OK

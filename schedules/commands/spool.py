"""`newsdesk spool list|replay`: articles kept on disk while the database was unreachable."""

from __future__ import annotations

from pathlib import Path

from pymongo.errors import PyMongoError

from crawlers.runtime import default_spool_dir
from pipelines.mongo import ensure_schema, redact_text
from pipelines.runs import replay_runs
from pipelines.store import replay_spool, spool_files
from schedules.commands import _common as c

HELP = "articles kept on disk while the database was unreachable"


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("spool", help=HELP)
    p.add_argument("action", choices=["list", "replay"])
    p.add_argument("--dir", help="spool directory (default: $NEWSDESK_HOME/spool)")
    p.set_defaults(run=run)


def run(args) -> int:
    spool_dir = Path(args.dir) if args.dir else default_spool_dir()
    files = spool_files(spool_dir)
    if args.action == "list":
        for path in files:
            with open(path, encoding="utf-8") as fh:
                print(f"{path}\t{sum(1 for line in fh if line.strip())} articles")
        if not files:
            print(f"spool {spool_dir} is empty")
        return c.EXIT_OK
    target = c.target(announce=True)
    _client, db = c.connect_db(target)
    try:
        ensure_schema(db)
        runs = replay_runs(db, spool_dir)
        totals = replay_spool(db, spool_dir)
    except PyMongoError as exc:
        raise c.CLIError(f"database {target.display}: unreachable, spool kept: {redact_text(str(exc))[:200]}",
                         c.EXIT_FAILED) from None
    print(f"replayed {totals.get('files', 0)} spool files from {spool_dir}: "
          f"{totals.get('new', 0)} new, {totals.get('updated', 0)} updated, {totals.get('unchanged', 0)} unchanged, "
          f"{totals.get('invalid', 0)} invalid; {runs} run summaries")
    return c.EXIT_OK

"""`newsdesk db init|where`: database housekeeping."""

from __future__ import annotations

from pipelines.mongo import ensure_schema
from schedules.commands import _common as c

HELP = "database housekeeping"


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("db", help=HELP)
    p.add_argument("action", choices=["init", "where"],
                   help="init: create collections, validator and indexes; where: which database, and why")
    p.set_defaults(run=run)


def run(args) -> int:
    if args.action == "where":  # where the data is, reachable or not
        print(c.target().display)
        return c.EXIT_OK
    target = c.target(announce=True)
    _client, db = c.connect_db(target)
    ensure_schema(db)
    print(f"schema ready in {target.display}")
    return c.EXIT_OK

"""`newsdesk runs`: crawl history from `crawl_runs`."""

from __future__ import annotations

import json

from pipelines.export import jsonable
from schedules.commands import _common as c

HELP = "crawl history from crawl_runs"


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("runs", help=HELP)
    p.add_argument("--outlet", help="only this outlet's runs")
    p.add_argument("--last", type=int, default=20, metavar="N", help="the last N runs (default: 20)")
    p.add_argument("--json", action="store_true", help="one JSON object per run")
    p.set_defaults(run=run)


def run(args) -> int:
    query = {"outlet": args.outlet} if args.outlet else {}
    client, db = c.connect_db(c.target())
    with client:
        docs = list(db.crawl_runs.find(query, sort=[("started_at", -1), ("_id", -1)], limit=args.last))
    docs.reverse()  # oldest first, newest at the bottom, like a log
    for doc in docs:
        print(json.dumps(jsonable(doc, seconds=True), ensure_ascii=False) if args.json else c.run_line(doc))
    if not docs and not args.json:
        c.say("no runs recorded" + (f" for outlet {args.outlet}" if args.outlet else ""))
    return c.EXIT_OK

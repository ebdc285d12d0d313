"""`newsdesk dashboard`: the dashboard alone, reading the database; no service needs to run."""

from __future__ import annotations

import os

from pipelines.outlet_summary import backfill_outlet_summaries
from schedules.commands import _common as c

HELP = "serve the dashboard on its own, reading the database (http://127.0.0.1:9411/)"


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("dashboard", help=HELP)
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=9411, help="port (default 9411; 0 picks a free one)")
    p.set_defaults(run=run)


def run(args) -> int:
    from schedules.dashboard.server import config_for, serve_standalone

    if not 0 <= args.port <= 65535:
        raise c.CLIError(f"--port: {args.port} is not a port number (0-65535)")
    target = c.target()
    client, db = c.connect_db(target)
    with client:
        backfill_outlet_summaries(db)  # runs an older newsdesk recorded: their outlets' lines
        try:
            serve_standalone(args.host, args.port, config_for(db, target, os.environ, mode="standalone"),
                             announce=c.say)
        except OSError as exc:
            raise c.CLIError(f"--host/--port: cannot listen on {args.host}:{args.port}: "
                             f"{exc.strerror or exc}") from None
    return c.EXIT_OK

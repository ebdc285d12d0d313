"""`newsdesk serve`: the scheduler service, crawling on schedule until SIGTERM."""

from __future__ import annotations

import logging
import sys

from schedules.commands import _common as c
from schedules.definitions import ScheduleError, default_schedule_path
from schedules.runner import project_settings
from schedules.scrapyd import runner_class
from schedules.service import ServiceBusy, serve

HELP = "run the scheduler service (crawls on schedule, until SIGTERM)"


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("serve", help=HELP)
    p.add_argument("--schedules", metavar="FILE", help="schedule file (default: $NEWSDESK_SCHEDULES or "
                   "schedules/schedules.toml)")
    p.add_argument("--http", metavar="HOST:PORT", default=None,
                   help="serve the dashboard, /healthz and /metrics here (default: the file's [service] http; '' disables)")
    p.add_argument("--no-standby", action="store_true",
                   help="exit 3 when another service leads this database, instead of waiting as its standby")
    p.set_defaults(run=run)


def run(args) -> int:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("pymongo").setLevel(logging.WARNING)
    path = args.schedules or default_schedule_path()
    c.schedule(path, c.outlets())  # refuse an invalid file (entry settings too) before touching the database
    c.validate_settings(project_settings(), "crawlers/settings.py")  # what every child crawl starts from
    target = c.target(announce=True)
    client, _db = c.connect_db(target)  # unreachable or refused: one line, exit 1 (systemd retries)
    client.close()
    try:
        return serve(path, target, http=args.http, standby=not args.no_standby, runner_class=runner_class())
    except ScheduleError as exc:
        raise c.CLIError(str(exc)) from None
    except ServiceBusy as exc:
        raise c.CLIError(str(exc), c.EXIT_BUSY) from None

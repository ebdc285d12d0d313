"""`newsdesk check`: validate every configuration source and reach the database."""

from __future__ import annotations

from pymongo.errors import PyMongoError

from pipelines.mongo import redact_text
from schedules.commands import _common as c
from schedules.definitions import default_schedule_path
from schedules.runner import project_settings

HELP = "validate outlets, schedules, settings and the database connection"


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("check", help=HELP)
    p.add_argument("--schedules", help="schedule file (default: schedules/schedules.toml)")
    p.set_defaults(run=run)


def run(args) -> int:
    """Exit 2 on the first bad configuration source, 1 when the database is unreachable."""
    outlets = c.outlets()
    print(f"outlets: {len(outlets)} valid ({', '.join(sorted(outlets))})")
    path = args.schedules or default_schedule_path()
    schedule = c.schedule(path, outlets)
    print(f"schedules: {len(schedule.entries)} entries valid in {path}")
    c.validate_settings(project_settings(), "crawlers/settings.py")
    print("settings: valid")
    target = c.target()
    _client, db = c.connect_db(target)
    try:
        db.command("ping")
    except PyMongoError as exc:
        raise c.CLIError(f"database {target.display}: unreachable: {redact_text(str(exc))[:200]}",
                         c.EXIT_FAILED) from None
    print(f"database: reachable, {target.display}")
    return c.EXIT_OK

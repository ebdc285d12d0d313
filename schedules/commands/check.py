"""`newsdesk check`: validate every configuration source and reach the database."""

from __future__ import annotations

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
    c.connect_db(target)  # pings: unreachable or refused is one line from run_command, exit 1
    print(f"database: reachable, {target.display}")
    return c.EXIT_OK

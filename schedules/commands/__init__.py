"""The `newsdesk` command line: one module per command.

Adding a command: write `schedules/commands/NAME.py` with

    HELP = "one line for `newsdesk --help`"

    def add_parser(subparsers) -> None:   # subparsers.add_parser(NAME, help=HELP), its arguments,
        ...                               # and set_defaults(run=run) (or one run per sub-action)

    def run(args) -> int:                 # the exit code; raise CLIError for a one-line error
        ...

and add NAME to COMMANDS below. Shared helpers (exit codes, CLIError, outlet,
schedule and database loading, time and count formatting) live in
`_common.py`; a command module never copies one.

Only the command being run is imported, so `newsdesk clean` does not pay for
Scrapy or APScheduler; `newsdesk --help` imports them all.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from schedules.commands._common import EXIT_CODES_HELP, run_command

# In the order `newsdesk --help` lists them.
COMMANDS = ("outlets", "crawl", "articles", "extract", "clean", "reextract", "ingest", "spool", "check",
            "db", "serve", "schedule", "runs", "dashboard", "nodes")


def _command_in(argv: list[str]) -> str | None:
    """The subcommand named in argv, if it is a known one (options before it are top-level)."""
    for arg in argv:
        if not arg.startswith("-"):
            return arg if arg in COMMANDS else None
    return None


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsdesk", description="Scheduled news crawling into MongoDB.",
                                     epilog=EXIT_CODES_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name in (only,) if only else COMMANDS:
        importlib.import_module(f"schedules.commands.{name}").add_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(_command_in(argv)).parse_args(argv)
    return run_command(args.run, args)

"""Helpers every command module shares, written once.

Failures too: the exit codes (EXIT_CODES_HELP, shown by `newsdesk --help`),
CLIError, and `run_command`, the one place where a CLIError, a pymongo error,
a closed pipe or Ctrl-C becomes one line and an exit code.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

from pipelines.config import NewsdeskSettings, SettingsError, check_settings
from pipelines.embedded_db import EmbeddedDBConfigError, EmbeddedDBError
from pipelines.mongo import MongoConfigError, connect, describe_failure, resolve_target
from pipelines.outlets import OutletConfigError, load_outlets
from schedules.definitions import ScheduleError, default_schedule_path, load_schedule

EXIT_OK, EXIT_FAILED, EXIT_CONFIG, EXIT_BUSY, EXIT_INTERRUPTED = 0, 1, 2, 3, 130

EXIT_CODES_HELP = """\
exit codes (every command; `scrapy crawl` too):
  0    done (a crawl that spooled articles during an outage is 'degraded', still 0)
  1    failed: the crawl read nothing, failed or was blocked; the database is
       unreachable or refused the credentials; an input file could not be read
  2    bad configuration or usage: an outlet, schedule or settings file, a malformed
       NEWSDESK_MONGO_URI, a bad NEWSDESK_* value, an unknown outlet, a bad argument
  3    busy: the outlet is being crawled by someone else, or another service leads
  130  interrupted (Ctrl-C); a crawl is recorded as 'interrupted'
errors are one line on stderr: "newsdesk: WHAT: REASON"; passwords are never shown
"""


class CLIError(Exception):
    """A one-line error for the user, with an exit code."""

    def __init__(self, message: str, code: int = EXIT_CONFIG):
        super().__init__(message)
        self.code = code


def say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# -- configuration and database ------------------------------------------------

def outlets():
    try:
        return load_outlets()
    except OutletConfigError as exc:
        raise CLIError(str(exc)) from None


def schedule(path: str | Path | None, known_outlets=None):
    try:
        return load_schedule(Path(path) if path else default_schedule_path(), known_outlets)
    except ScheduleError as exc:
        raise CLIError(str(exc)) from None


# This process's resolved database and the announcement it waits to make: one
# command runs per process, so the error handler can name the database it used.
_RESOLVED: list = []
_ANNOUNCE: list = []


def target(announce: bool = False):
    """The database to use (exit 2 when the URI is bad); `announce` prints it on stderr
    once the server answered (connect_db), so a dead server is one line, not two."""
    try:
        resolved = resolve_target()
    except (MongoConfigError, EmbeddedDBConfigError) as exc:
        raise CLIError(str(exc)) from None
    except EmbeddedDBError as exc:  # could not start, or the port holds a server that is not ours
        raise CLIError(str(exc), EXIT_FAILED) from None
    _RESOLVED.append(resolved)
    if announce:
        _ANNOUNCE.append(resolved)
    return resolved


def db_timeout_ms() -> int:
    """NEWSDESK_MONGO_TIMEOUT_MS for the CLI's own connections (a crawl reads the setting)."""
    raw = os.environ.get("NEWSDESK_MONGO_TIMEOUT_MS", "").strip()
    if not raw:
        return 5000
    if not raw.isdigit() or int(raw) == 0:
        raise CLIError(f"NEWSDESK_MONGO_TIMEOUT_MS: {raw[:40]!r} is not a positive number of milliseconds")
    return int(raw)


def connect_db(resolved):
    """(client, database) for a resolved target, the server proven reachable first (one
    ping); close the client (a context manager) when done."""
    client = connect(resolved, timeout_ms=db_timeout_ms())
    client[resolved.database].command("ping")
    while _ANNOUNCE:
        say(f"database: {_ANNOUNCE.pop().display}")
    return client, client[resolved.database]


def database_failure(exc: BaseException) -> str:
    """The one line for a driver error: which database (redacted), and why."""
    where = f"database {_RESOLVED[-1].display}" if _RESOLVED else "database"
    try:
        timeout = db_timeout_ms()
    except CLIError:
        timeout = None
    return f"{where}: {describe_failure(exc, timeout)}"


def run_command(func, args) -> int:
    """Run one command: its exit code, or the one line and the code of what went wrong."""
    from pymongo.errors import PyMongoError

    try:
        code = func(args) or EXIT_OK
        sys.stdout.flush()  # a closed pipe shows here, inside the handler, not at exit
        return code
    except CLIError as exc:
        say(f"newsdesk: {exc}")
        return exc.code
    except PyMongoError as exc:
        say(f"newsdesk: {database_failure(exc)}")
        return EXIT_FAILED
    except BrokenPipeError:
        # the reader went away (`| head`): later writes and the final flush go to /dev/null
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED


def limit_arg(value: str) -> int:
    """--limit: 0 (no limit) or a positive count the database accepts."""
    try:
        limit = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value[:40]!r} is not a whole number") from None
    if limit < 0:
        raise argparse.ArgumentTypeError(f"must be 0 (no limit) or more, got {limit}")
    if limit >= 2**31:
        raise argparse.ArgumentTypeError(f"at most {2**31 - 1}, got {value[:40]}")
    return limit


# -- reading and printing ----------------------------------------------------------

def parse_since(value: str, now: datetime | None = None) -> datetime:
    """'2d', '6h', '30m' or an ISO date/time -> aware UTC datetime."""
    now = now or datetime.now(timezone.utc)
    match = re.fullmatch(r"(\d+)\s*([smhdw])", value.strip())
    if match:
        unit = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}[match[2]]
        try:
            return now - timedelta(**{unit: int(match[1])})
        except OverflowError:
            raise CLIError(f"--since: {value!r} reaches before year 1") from None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise CLIError(f"--since: {value!r} is neither a duration like 2d/6h nor an ISO date") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def scrapyd_nodes(option: str = "") -> list:
    """The Scrapyd nodes $NEWSDESK_SCRAPYD_NODES names, or a one-line error (exit 2)
    that says which option needed them. Imported late: most commands never use Scrapyd."""
    from schedules.scrapyd import NODES_ENV, nodes_from_env

    try:
        nodes = nodes_from_env()
    except ValueError as exc:
        raise CLIError(str(exc)) from None
    if not nodes:
        lead = f"{option}: " if option else ""
        raise CLIError(f"{lead}{NODES_ENV} is not set (comma-separated Scrapyd base URLs)")
    return nodes


def fmt_time(value) -> str:
    """UTC to the second, or '-'."""
    if not isinstance(value, datetime):
        return "-"
    value = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def ago(value) -> str:
    if not isinstance(value, datetime):
        return "never"
    return f"{(datetime.now(timezone.utc) - value).total_seconds():.0f}s ago"


def fmt_counts(counts: dict | None) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted((counts or {}).items())) or "none"


def run_line(doc: dict) -> str:
    """One `crawl_runs` document as the line `newsdesk runs` prints."""
    stored = doc.get("stored") or {}
    duration = doc.get("duration_s")
    job_id = doc.get("job_id")
    outlet = doc.get("outlet", "?") + (f" [{job_id}]" if job_id and job_id != f"crawl:{doc.get('outlet')}" else "")
    parts = [fmt_time(doc.get("started_at")), outlet, doc.get("trigger", "?"),
             f"{duration:.1f}s" if isinstance(duration, (int, float)) else "-", doc.get("status", "?")]
    line = "  ".join(parts)
    if doc.get("status") not in ("skipped", "missed"):
        line += (f"  stored {stored.get('new', 0)} new / {stored.get('updated', 0)} updated / "
                 f"{stored.get('unchanged', 0)} unchanged  dropped: {fmt_counts(doc.get('dropped'))}  "
                 f"errors: {fmt_counts(doc.get('errors'))}")
    if doc.get("error"):
        line += f"  ({doc['error']})"
    alerts = (doc.get("monitoring") or {}).get("alerts") or []
    if alerts:
        line += "  ALERTS: " + "; ".join(a["message"] for a in alerts)
    return line


def last_run_error(db, outlet: str) -> str:
    """Why the newest run of `outlet` did not happen (a runner returned no document)."""
    last = db.crawl_runs.find_one({"outlet": outlet}, sort=[("started_at", -1)]) or {}
    return f"outlet {outlet}: {last.get('error', 'not run')}"


# -- settings ---------------------------------------------------------------------

def validate_settings(settings, source: str) -> NewsdeskSettings:
    """The crawl's settings checked by the one settings model; CLIError (exit 2) naming
    the source, the setting and the reason."""
    try:
        return check_settings(settings, source)
    except SettingsError as exc:
        raise CLIError(str(exc)) from None


# -- progress of long commands (reextract, ingest) ----------------------------------

def progress_bar(**kwargs):
    """A tqdm bar on stderr; none when stderr is not a terminal (logs, CI): the summary still prints."""
    from tqdm import tqdm

    return tqdm(file=sys.stderr, disable=None, dynamic_ncols=True, **kwargs)


def _keys_line(counts: Counter, prefix: str) -> str:
    parts = [(k.removeprefix(prefix).replace("_", " "), v) for k, v in sorted(counts.items()) if k.startswith(prefix)]
    return ", ".join(f"{k} {v}" for k, v in parts) or "none"


def print_pipeline_counts(title: str, counts: Counter) -> None:
    """The summary of an archive command: stored, linked, skipped, dropped (crawlers/replay.py keys)."""
    print("\n".join([
        title,
        f"  articles stored: {counts['stored/new']} new, {counts['stored/updated']} updated, "
        f"{counts['stored/unchanged']} unchanged, {counts['stored/invalid']} invalid",
        f"  duplicates linked: {counts['duplicates/linked']}",
        f"  skipped: {_keys_line(counts, 'skipped/')}",
        f"  dropped: {_keys_line(counts, 'dropped/')}",
    ]))


def say_over_bar(line: str) -> None:
    """One line on stderr without breaking a progress bar that is running."""
    from tqdm import tqdm

    tqdm.write(line, file=sys.stderr)

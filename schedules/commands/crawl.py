"""`newsdesk crawl OUTLET`: crawl one outlet now, here (or on a Scrapyd node with --remote)."""

from __future__ import annotations

import argparse
import json
import os
from datetime import timedelta
from pathlib import Path

from crawlers.rendering import missing_browser
from pipelines import leases
from schedules.commands import _common as c
from schedules.commands.nodes import crawl_remote
from schedules.runner import crawl_overrides, project_settings, run_crawl_in_process

HELP = "crawl one outlet now"


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("crawl", help=HELP)
    p.add_argument("outlet", help="outlet name (see `newsdesk outlets`)")
    p.add_argument("--wait", type=float, default=0, metavar="SECONDS",
                   help="wait this long for a running crawl of the outlet to finish (default: refuse)")
    p.add_argument("--trigger", default="cli", help=argparse.SUPPRESS)
    p.add_argument("--run-id", default=None, help=argparse.SUPPRESS)
    p.add_argument("--lease-owner", default=None, help=argparse.SUPPRESS)
    p.add_argument("--summary-json", default=None, metavar="FILE",
                   help="also write the run summary to this file (its directory is checked before crawling)")
    p.add_argument("--since", metavar="DATE",
                   help="back-fill: follow pagination and sitemaps back to this date (2026-11-01, or 7d)")
    p.add_argument("--max-pages", type=int, metavar="N", help="fetch at most N pages in this crawl")
    p.add_argument("-s", "--set", action="append", metavar="NAME=VALUE", help="override a Scrapy setting")
    p.add_argument("-v", "--verbose", action="store_true", help="Scrapy's INFO log instead of progress lines")
    p.add_argument("--remote", action="store_true",
                   help="run it on the least busy Scrapyd node of $NEWSDESK_SCRAPYD_NODES and wait")
    p.set_defaults(run=run)


def run(args) -> int:
    if args.remote:  # on a Scrapyd node (schedules/scrapyd.py), waiting for it
        return crawl_remote(args)
    summary_path = _writable(args.summary_json) if args.summary_json else None
    outlets = c.outlets()
    if args.outlet not in outlets:
        raise c.CLIError(f"outlet {args.outlet!r}: not defined (known: {', '.join(sorted(outlets))})")
    target = c.target(announce=True)
    _client, db = c.connect_db(target)
    locks = db.locks
    owner = args.lease_owner or leases.new_owner("cli")
    ttl = timedelta(seconds=float(os.environ.get("NEWSDESK_LEASE_TTL", leases.DEFAULT_TTL.total_seconds())))
    taken = leases.take(locks, args.outlet, owner, ttl, wait=args.wait)
    if not taken:
        current = taken.holder
        who = f"{current.owner}, lease until {current.expires_at:%Y-%m-%d %H:%M:%S} UTC" if current else "another process"
        raise c.CLIError(f"outlet {args.outlet}: already being crawled by {who}; "
                         "not starting a second crawl (use --wait SECONDS to wait for it)", c.EXIT_BUSY)
    try:
        settings = project_settings(crawl_overrides(
            target, trigger=args.trigger, lease_owner=owner, run_id=args.run_id, verbose=args.verbose))
        settings.set("NEWSDESK_LEASE_TTL", ttl.total_seconds(), priority="cmdline")
        if args.since:
            settings.set("NEWSDESK_SINCE", args.since, priority="cmdline")
        if args.max_pages:
            settings.set("NEWSDESK_MAX_PAGES", args.max_pages, priority="cmdline")
        for pair in args.set or []:
            key, sep, value = pair.partition("=")
            if not sep or not key:
                raise c.CLIError(f"-s {pair!r}: expected NAME=VALUE")
            settings.set(key, value, priority="cmdline")
        c.validate_settings(settings, "-s/crawlers/settings.py")
        if message := missing_browser(outlets[args.outlet], settings.get("NEWSDESK_BROWSER_PATH")):
            raise c.CLIError(message)
        summary = run_crawl_in_process(args.outlet, settings)
    finally:
        leases.release_quietly(locks, args.outlet, owner)
    print_summary(args.outlet, summary, target)
    if summary_path is not None:
        summary_path.write_text(json.dumps(summary, default=str, indent=2))
    if summary.get("status") == "interrupted":
        return c.EXIT_INTERRUPTED
    return c.EXIT_OK if summary.get("status") in ("ok", "degraded") else c.EXIT_FAILED


def _writable(value: str) -> Path:
    """The summary file is written after the crawl: its path is checked before it."""
    path = Path(value)
    if not path.parent.is_dir():
        raise c.CLIError(f"--summary-json: {value}: directory {path.parent} does not exist")
    if path.is_dir():
        raise c.CLIError(f"--summary-json: {value}: is a directory")
    if not os.access(path if path.exists() else path.parent, os.W_OK):
        raise c.CLIError(f"--summary-json: {value}: not writable")
    return path


def print_summary(outlet: str, summary: dict, target) -> None:
    stored = summary.get("stored", {})
    lines = [
        f"crawl of {outlet}: {summary.get('status')} ({summary.get('finish_reason')})",
        f"  pages fetched: {summary.get('pages_fetched', 0)}",
        f"  articles stored: {stored.get('new', 0)} new, {stored.get('updated', 0)} updated, "
        f"{stored.get('unchanged', 0)} unchanged",
        f"  duplicates linked: {summary.get('linked_duplicates', 0)}; known URLs skipped: {summary.get('skipped_known', 0)}",
        f"  dropped: {c.fmt_counts(summary.get('dropped'))}",
        f"  errors: {c.fmt_counts(summary.get('errors'))}",
    ]
    if summary.get("spooled"):
        lines.append(f"  spooled (database unreachable): {summary['spooled']}; replayed on the next start")
    lines.append(f"  data: {target.display}, collection 'articles'; run {summary.get('run_id', '-')} in 'crawl_runs'")
    print("\n".join(lines))

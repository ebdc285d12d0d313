"""The `newsdesk` command line."""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_CONFIG, EXIT_BUSY = 0, 1, 2, 3


class CLIError(Exception):
    """A one-line error for the user, with an exit code."""

    def __init__(self, message: str, code: int = EXIT_CONFIG):
        super().__init__(message)
        self.code = code


def _say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# -- shared helpers ---------------------------------------------------------

def _outlets():
    from pipelines.outlets import OutletConfigError, load_outlets

    try:
        return load_outlets()
    except OutletConfigError as exc:
        raise CLIError(str(exc)) from None


def _target(announce: bool = True):
    from pipelines.embedded_db import EmbeddedDBError
    from pipelines.mongo import MongoConfigError, resolve_target

    try:
        target = resolve_target()
    except (MongoConfigError, EmbeddedDBError) as exc:
        raise CLIError(str(exc)) from None
    if announce:
        _say(f"database: {target.display}")
    return target


def _db(target):
    from pipelines.mongo import connect

    return connect(target)[target.database]


def parse_since(value: str, now: datetime | None = None) -> datetime:
    """'2d', '6h', '30m' or an ISO date/time -> aware UTC datetime."""
    now = now or datetime.now(timezone.utc)
    match = re.fullmatch(r"(\d+)\s*([smhdw])", value.strip())
    if match:
        unit = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}[match[2]]
        return now - timedelta(**{unit: int(match[1])})
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise CLIError(f"--since: {value!r} is neither a duration like 2d/6h nor an ISO date") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


# -- commands ---------------------------------------------------------------

def cmd_outlets(args) -> int:
    outlets = _outlets()
    if args.json:
        for spec in outlets.values():
            print(json.dumps(spec.model_dump(mode="json"), ensure_ascii=False))
        return EXIT_OK
    for name, spec in sorted(outlets.items()):
        print(f"{name}\t{spec.title or ''}\t{spec.language or '-'}\t{', '.join(spec.domains)}")
        for section in spec.sections:
            print(f"    {section}")
    return EXIT_OK


def cmd_crawl(args) -> int:
    from pipelines import leases
    from schedules.runner import crawl_overrides, project_settings, run_crawl_in_process

    if args.remote:  # on a Scrapyd node (schedules/scrapyd.py), waiting for it
        from schedules.nodes_cli import crawl_remote

        return crawl_remote(args)
    outlets = _outlets()
    if args.outlet not in outlets:
        raise CLIError(f"outlet {args.outlet!r}: not defined (known: {', '.join(sorted(outlets))})")
    target = _target()
    locks = _db(target).locks
    owner = args.lease_owner or leases.new_owner("cli")
    ttl = timedelta(seconds=float(os.environ.get("NEWSDESK_LEASE_TTL", leases.DEFAULT_TTL.total_seconds())))
    deadline = time.monotonic() + args.wait
    while not leases.acquire(locks, args.outlet, owner, ttl):
        current = leases.holder(locks, args.outlet)
        if time.monotonic() >= deadline:
            who = f"{current.owner}, lease until {current.expires_at:%Y-%m-%d %H:%M:%S} UTC" if current else "another process"
            raise CLIError(f"outlet {args.outlet}: already being crawled by {who}; "
                           "not starting a second crawl (use --wait SECONDS to wait for it)", EXIT_BUSY)
        time.sleep(1)
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
                raise CLIError(f"-s {pair!r}: expected NAME=VALUE")
            settings.set(key, value, priority="cmdline")
        validate_settings(settings, "-s/crawlers/settings.py")
        from crawlers.rendering import missing_browser

        if message := missing_browser(outlets[args.outlet], settings.get("NEWSDESK_BROWSER_PATH")):
            raise CLIError(message)
        summary = run_crawl_in_process(args.outlet, settings)
    finally:
        try:
            leases.release(locks, args.outlet, owner)
        except Exception:
            pass  # the lease expires by itself
    print_summary(args.outlet, summary, target)
    if args.summary_json:
        Path(args.summary_json).write_text(json.dumps(summary, default=str, indent=2))
    return EXIT_OK if summary.get("status") in ("ok", "degraded") else EXIT_FAILED


def print_summary(outlet: str, summary: dict, target) -> None:
    stored = summary.get("stored", {})
    lines = [
        f"crawl of {outlet}: {summary.get('status')} ({summary.get('finish_reason')})",
        f"  pages fetched: {summary.get('pages_fetched', 0)}",
        f"  articles stored: {stored.get('new', 0)} new, {stored.get('updated', 0)} updated, "
        f"{stored.get('unchanged', 0)} unchanged",
        f"  duplicates linked: {summary.get('linked_duplicates', 0)}; known URLs skipped: {summary.get('skipped_known', 0)}",
        f"  dropped: {_fmt_counts(summary.get('dropped'))}",
        f"  errors: {_fmt_counts(summary.get('errors'))}",
    ]
    if summary.get("spooled"):
        lines.append(f"  spooled (database unreachable): {summary['spooled']}; replayed on the next start")
    lines.append(f"  data: {target.display}, collection 'articles'; run {summary.get('run_id', '-')} in 'crawl_runs'")
    print("\n".join(lines))


def _fmt_counts(counts: dict | None) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted((counts or {}).items())) or "none"


EXPORT_FIELDS = ["canonical_url", "url", "outlet", "section", "title", "authors", "published_at",
                 "language", "paywalled", "duplicate_of", "version", "first_seen", "last_seen",
                 "syndication_note", "body"]


def _jsonable(value):
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)  # ObjectId


def cmd_articles(args) -> int:
    query: dict = {}
    if args.outlet:
        query["outlet"] = args.outlet
    if args.since:
        query["last_seen"] = {"$gte": parse_since(args.since)}
    target = _target(announce=False)
    cursor = _db(target).articles.find(query).sort([("last_seen", -1), ("_id", -1)])
    if args.limit:
        cursor = cursor.limit(args.limit)
    out = sys.stdout
    if args.format == "csv":
        writer = csv.DictWriter(out, fieldnames=["_id", *EXPORT_FIELDS], extrasaction="ignore")
        writer.writeheader()
        for doc in cursor:
            row = _jsonable(doc)
            row["authors"] = "; ".join(row.get("authors") or [])
            writer.writerow(row)
    else:
        for doc in cursor:
            out.write(json.dumps(_jsonable(doc), ensure_ascii=False) + "\n")
    return EXIT_OK


def cmd_extract(args) -> int:
    from crawlers.offline import iter_manifest, process_html

    outlet = None
    if args.outlet:
        outlets = _outlets()
        if args.outlet not in outlets:
            raise CLIError(f"--outlet: {args.outlet!r} is not defined")
        outlet = outlets[args.outlet]
    failures = 0
    if args.manifest:
        jobs = iter_manifest(Path(args.manifest))
    else:
        jobs = ((None, Path(f), args.url or Path(f).resolve().as_uri()) for f in args.files)
    for job_id, path, url in jobs:
        try:
            from crawlers.offline import read_html

            article = process_html(read_html(path), url, outlet)
        except (OSError, ValueError) as exc:
            failures += 1
            _say(f"{path}: {exc}")
            article = {"error": str(exc)}
        if job_id is not None:
            article = {"id": job_id, **article}
        print(json.dumps(_jsonable(article), ensure_ascii=False))
    return EXIT_FAILED if failures else EXIT_OK


def cmd_clean(args) -> int:
    from pipelines.offers import strip_offers

    if args.jsonl:
        for line_no, line in enumerate(sys.stdin, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                text = record["text"]
            except (ValueError, KeyError, TypeError) as exc:
                raise CLIError(f"stdin:{line_no}: expected a JSON object with 'text': {exc}") from None
            res = strip_offers(text)
            print(json.dumps({"id": record.get("id"), "body": res.body,
                              "removed_blocks": [b.as_dict() for b in res.removed_blocks],
                              "syndication_note": res.syndication_note}, ensure_ascii=False))
        return EXIT_OK
    sources = [(f, Path(f).read_text(encoding="utf-8")) for f in args.files] if args.files else [("-", sys.stdin.read())]
    for _name, text in sources:
        res = strip_offers(text)
        if args.json:
            print(json.dumps({"body": res.body, "removed_blocks": [b.as_dict() for b in res.removed_blocks],
                              "syndication_note": res.syndication_note, "hit_wall": res.hit_wall},
                             ensure_ascii=False))
        else:
            sys.stdout.write(res.body + ("\n" if not res.body.endswith("\n") else ""))
    return EXIT_OK


def cmd_spool(args) -> int:
    from crawlers.runtime import default_spool_dir
    from pipelines.mongo import ensure_schema
    from pipelines.runs import replay_runs
    from pipelines.store import replay_spool, spool_files

    spool_dir = Path(args.dir) if args.dir else default_spool_dir()
    files = spool_files(spool_dir)
    if args.action == "list":
        for path in files:
            with open(path, encoding="utf-8") as fh:
                print(f"{path}\t{sum(1 for line in fh if line.strip())} articles")
        if not files:
            print(f"spool {spool_dir} is empty")
        return EXIT_OK
    target = _target()
    db = _db(target)
    from pymongo.errors import PyMongoError

    try:
        ensure_schema(db)
        runs = replay_runs(db, spool_dir)
        totals = replay_spool(db, spool_dir)
    except PyMongoError as exc:
        from pipelines.mongo import redact_text

        raise CLIError(f"database {target.display}: unreachable, spool kept: {redact_text(str(exc))[:200]}",
                       EXIT_FAILED) from None
    print(f"replayed {totals.get('files', 0)} spool files from {spool_dir}: "
          f"{totals.get('new', 0)} new, {totals.get('updated', 0)} updated, {totals.get('unchanged', 0)} unchanged, "
          f"{totals.get('invalid', 0)} invalid; {runs} run summaries")
    return EXIT_OK


POSITIVE_NUMBER_SETTINGS = (
    "NEWSDESK_STORE_BATCH", "NEWSDESK_LEASE_TTL", "NEWSDESK_MONGO_TIMEOUT_MS", "NEWSDESK_DB_RETRY_AFTER",
    "NEWSDESK_STOP_AFTER_KNOWN", "NEWSDESK_RECHECK_FRESH_HOURS", "DOWNLOAD_TIMEOUT", "DOWNLOAD_MAXSIZE",
    "CONCURRENT_REQUESTS", "NEWSDESK_MAX_PAGES",
)
NON_NEGATIVE_NUMBER_SETTINGS = ("DOWNLOAD_DELAY", "NEWSDESK_RECHECK_EVERY_HOURS", "RETRY_TIMES",
                                "NEWSDESK_PROGRESS_INTERVAL", "NEWSDESK_MMAP_THRESHOLD", "NEWSDESK_CPU_WORKERS_AFTER")


def validate_settings(settings, source: str) -> None:
    """One line naming the source, the setting and the reason, before a crawl starts."""
    for key in POSITIVE_NUMBER_SETTINGS + NON_NEGATIVE_NUMBER_SETTINGS:
        if settings.get(key) is None:
            continue  # unset: the component's own default applies
        try:
            value = settings.getfloat(key)
        except (TypeError, ValueError):
            raise CLIError(f"{source}: {key}: {settings.get(key)!r} is not a number") from None
        if value < 0 or (value == 0 and key in POSITIVE_NUMBER_SETTINGS):
            raise CLIError(f"{source}: {key}: must be {'positive' if key in POSITIVE_NUMBER_SETTINGS else '>= 0'}, "
                           f"got {settings.get(key)}")
    from pipelines.listings import resolve_since

    try:
        resolve_since(settings.get("NEWSDESK_SINCE"), datetime.now(timezone.utc))
    except ValueError as exc:
        raise CLIError(f"{source}: NEWSDESK_SINCE (--since): {exc}") from None
    if settings.get("NEWSDESK_DUPLICATE_POLICY") not in ("link", "drop"):
        raise CLIError(f"{source}: NEWSDESK_DUPLICATE_POLICY: {settings.get('NEWSDESK_DUPLICATE_POLICY')!r} "
                       "is not 'link' or 'drop'")


def cmd_check(args) -> int:
    """Validate every configuration source and reach the database; exit 2 on the first bad one."""
    outlets = _outlets()
    print(f"outlets: {len(outlets)} valid ({', '.join(sorted(outlets))})")
    from schedules.definitions import ScheduleError, default_schedule_path, load_schedule

    path = Path(args.schedules) if args.schedules else default_schedule_path()
    try:
        schedule = load_schedule(path, outlets)
    except ScheduleError as exc:
        raise CLIError(str(exc)) from None
    print(f"schedules: {len(schedule.entries)} entries valid in {path}")
    from schedules.runner import project_settings

    validate_settings(project_settings(), "crawlers/settings.py")
    print("settings: valid")
    target = _target(announce=False)
    from pymongo.errors import PyMongoError

    from pipelines.mongo import redact_text

    try:
        _db(target).command("ping")
    except PyMongoError as exc:
        raise CLIError(f"database {target.display}: unreachable: {redact_text(str(exc))[:200]}",
                       EXIT_FAILED) from None
    print(f"database: reachable, {target.display}")
    return EXIT_OK


def cmd_db(args) -> int:
    target = _target()
    from pipelines.mongo import ensure_schema

    db = _db(target)
    if args.action == "init":
        ensure_schema(db)
        print(f"schema ready in {target.display}")
    elif args.action == "where":
        print(target.display)
    return EXIT_OK


# -- parser -----------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsdesk", description="Scheduled news crawling into MongoDB.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("outlets", help="list outlets and their sections")
    p.add_argument("--json", action="store_true", help="one JSON object per outlet")
    p.set_defaults(func=cmd_outlets)

    p = sub.add_parser("crawl", help="crawl one outlet now")
    p.add_argument("outlet")
    p.add_argument("--wait", type=float, default=0, metavar="SECONDS",
                   help="wait this long for a running crawl of the outlet to finish (default: refuse)")
    p.add_argument("--trigger", default="cli", help=argparse.SUPPRESS)
    p.add_argument("--run-id", default=None, help=argparse.SUPPRESS)
    p.add_argument("--lease-owner", default=None, help=argparse.SUPPRESS)
    p.add_argument("--summary-json", default=None, help="also write the run summary to this file")
    p.add_argument("--since", metavar="DATE",
                   help="back-fill: follow pagination and sitemaps back to this date (2026-11-01, or 7d)")
    p.add_argument("--max-pages", type=int, metavar="N", help="fetch at most N pages in this crawl")
    p.add_argument("-s", "--set", action="append", metavar="NAME=VALUE", help="override a Scrapy setting")
    p.add_argument("-v", "--verbose", action="store_true", help="Scrapy's INFO log instead of progress lines")
    p.add_argument("--remote", action="store_true",
                   help="run it on the least busy Scrapyd node of $NEWSDESK_SCRAPYD_NODES and wait")
    p.set_defaults(func=cmd_crawl)

    p = sub.add_parser("articles", help="export stored articles (JSON Lines or CSV)")
    p.add_argument("--outlet")
    p.add_argument("--since", help="last seen within a duration (2d, 6h) or since an ISO date")
    p.add_argument("--limit", type=int)
    p.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    p.set_defaults(func=cmd_articles)

    p = sub.add_parser("extract", help="print articles extracted from saved HTML, as the pipeline would store them")
    p.add_argument("files", nargs="*")
    p.add_argument("--url", help="the page's URL (default: the file's file:// URL)")
    p.add_argument("--outlet", help="use this outlet's selectors and settings")
    p.add_argument("--manifest", help="JSON Lines with html_file (relative, .gz allowed), optional id and url")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("clean", help="strip subscription offers from article text")
    p.add_argument("files", nargs="*")
    p.add_argument("--json", action="store_true", help="print body, removed_blocks and syndication_note")
    p.add_argument("--jsonl", action="store_true", help='read {"id", "text"} lines on stdin')
    p.set_defaults(func=cmd_clean)

    p = sub.add_parser("spool", help="articles kept on disk while the database was unreachable")
    p.add_argument("action", choices=["list", "replay"])
    p.add_argument("--dir", help="spool directory (default: $NEWSDESK_HOME/spool)")
    p.set_defaults(func=cmd_spool)

    p = sub.add_parser("check", help="validate outlets, schedules, settings and the database connection")
    p.add_argument("--schedules", help="schedule file (default: schedules/schedules.toml)")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("db", help="database housekeeping")
    p.add_argument("action", choices=["init", "where"])
    p.set_defaults(func=cmd_db)

    try:
        from schedules import service_cli
    except ImportError:
        service_cli = None
    if service_cli is not None:
        service_cli.register(sub)
        from schedules import nodes_cli

        nodes_cli.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args) or EXIT_OK
    except CLIError as exc:
        _say(f"newsdesk: {exc}")
        return exc.code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())

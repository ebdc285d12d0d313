"""`newsdesk reextract`: the article pipeline again over archived responses, no network."""

from __future__ import annotations

from pathlib import Path

from pymongo.errors import PyMongoError

from crawlers.warc_jobs import reextract_query, reextract_stored
from pipelines.mongo import ensure_schema, redact_text
from pipelines.warc import default_archive_dir
from schedules.commands import _common as c

HELP = "run the article pipeline again over archived responses (no network)"


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("reextract", help=HELP)
    p.add_argument("--outlet", help="only this outlet's articles")
    p.add_argument("--since", help="fetched since a duration (2d, 6h) or an ISO date")
    p.add_argument("--until", help="fetched before a duration ago or an ISO date")
    p.add_argument("--archive-dir", help="archive root (default: $NEWSDESK_ARCHIVE_DIR or $NEWSDESK_HOME/archive)")
    p.set_defaults(run=run)


def run(args) -> int:
    outlets = c.outlets()
    if args.outlet and args.outlet not in outlets:
        raise c.CLIError(f"--outlet: {args.outlet!r} is not defined (known: {', '.join(sorted(outlets))})")
    since = c.parse_since(args.since) if args.since else None
    until = c.parse_since(args.until) if args.until else None
    root = Path(args.archive_dir) if args.archive_dir else default_archive_dir()
    resolved = c.target(announce=True)
    client, db = c.connect_db(resolved)
    with client:
        try:
            ensure_schema(db)
            query = reextract_query(args.outlet, since, until)
            with c.progress_bar(total=db.articles.count_documents(query), unit="article", desc="reextract") as bar:
                counts = reextract_stored(db, outlets, root, query, say=c.say_over_bar, progress=bar.update)
        except PyMongoError as exc:
            raise c.CLIError(f"database {resolved.display}: {redact_text(str(exc))[:200]}", c.EXIT_FAILED) from None
    c.print_pipeline_counts(f"reextract from {root}: {counts['records']} re-extracted: "
                            f"{counts['stored/updated']} updated, {counts['stored/unchanged']} unchanged", counts)
    if counts["missing_record"]:
        print(f"  archived responses missing or unreadable: {counts['missing_record']} (lines above)")
    return c.EXIT_OK

"""`newsdesk reextract` and `newsdesk ingest`: the archive commands (crawlers/warc_jobs.py does the work)."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from schedules.cli import EXIT_FAILED, EXIT_OK, CLIError, _db, _outlets, _target, parse_since


def _bar(**kwargs):
    from tqdm import tqdm

    # disable=None: no bar when stderr is not a terminal (logs, CI); the summary still prints
    return tqdm(file=sys.stderr, disable=None, dynamic_ncols=True, **kwargs)


def _counts_line(counts: Counter, prefix: str) -> str:
    parts = [(k.removeprefix(prefix).replace("_", " "), v) for k, v in sorted(counts.items()) if k.startswith(prefix)]
    return ", ".join(f"{k} {v}" for k, v in parts) or "none"


def print_summary(title: str, counts: Counter) -> None:
    print("\n".join([
        title,
        f"  articles stored: {counts['stored/new']} new, {counts['stored/updated']} updated, "
        f"{counts['stored/unchanged']} unchanged, {counts['stored/invalid']} invalid",
        f"  duplicates linked: {counts['duplicates/linked']}",
        f"  skipped: {_counts_line(counts, 'skipped/')}",
        f"  dropped: {_counts_line(counts, 'dropped/')}",
    ]))


def _ready_db():
    from pymongo.errors import PyMongoError

    from pipelines.mongo import ensure_schema, redact_text

    target = _target()
    db = _db(target)
    try:
        ensure_schema(db)
    except PyMongoError as exc:
        raise CLIError(f"database {target.display}: unreachable: {redact_text(str(exc))[:200]}", EXIT_FAILED) from None
    return target, db


# -- reextract ------------------------------------------------------------------

def cmd_reextract(args) -> int:
    from tqdm import tqdm

    from crawlers.warc_jobs import reextract_query, reextract_stored
    from pipelines.warc import default_archive_dir

    outlets = _outlets()
    if args.outlet and args.outlet not in outlets:
        raise CLIError(f"--outlet: {args.outlet!r} is not defined (known: {', '.join(sorted(outlets))})")
    since = parse_since(args.since) if args.since else None
    until = parse_since(args.until) if args.until else None
    root = Path(args.archive_dir) if args.archive_dir else default_archive_dir()
    _target_, db = _ready_db()
    query = reextract_query(args.outlet, since, until)
    with _bar(total=db.articles.count_documents(query), unit="article", desc="reextract") as bar:
        counts = reextract_stored(db, outlets, root, query, say=lambda line: tqdm.write(line, file=sys.stderr),
                                  progress=bar.update)
    print_summary(f"reextract from {root}: {counts['records']} re-extracted: {counts['stored/updated']} updated, "
                  f"{counts['stored/unchanged']} unchanged", counts)
    if counts["missing_record"]:
        print(f"  archived responses missing or unreadable: {counts['missing_record']} (lines above)")
    return EXIT_OK


# -- ingest -----------------------------------------------------------------------

def _shard(files: list[Path], shard: str | None) -> list[Path]:
    """--shard K/N: this node's share of the files (the K-th of every N, in sorted order)."""
    if not shard:
        return files
    try:
        k, n = (int(x) for x in shard.split("/"))
        assert 1 <= k <= n
    except (ValueError, AssertionError):
        raise CLIError(f"--shard: {shard!r} is not K/N with 1 <= K <= N") from None
    return [f for i, f in enumerate(sorted(files)) if i % n == k - 1]


def cmd_ingest(args) -> int:
    from pymongo.errors import PyMongoError
    from tqdm import tqdm

    from crawlers.warc_jobs import IngestOptions, ingest_file, ingest_files_parallel
    from pipelines.checkpoints import default_state_dir
    from pipelines.mongo import redact_text
    from pipelines.warc import default_archive_dir

    outlets = _outlets()
    if args.outlet and args.outlet not in outlets:
        raise CLIError(f"--outlet: {args.outlet!r} is not defined (known: {', '.join(sorted(outlets))})")
    files = [Path(f) for f in args.files]
    for f in files:
        if not f.is_file():
            raise CLIError(f"{f}: not a file")
    files = _shard(files, args.shard)
    if args.jobs < 1 or args.batch_size < 1:
        raise CLIError("--jobs and --batch-size must be at least 1")
    target, db = _ready_db()
    options = IngestOptions(state_dir=Path(args.state_dir) if args.state_dir else default_state_dir(),
                            archive_root=default_archive_dir(), outlet=args.outlet,
                            batch_size=args.batch_size, restart=args.restart)

    def say(line: str) -> None:
        tqdm.write(line, file=sys.stderr)

    counts: Counter = Counter()
    try:
        with _bar(total=sum(f.stat().st_size for f in files), unit="B", unit_scale=True, desc="ingest") as bar:
            if args.jobs == 1 or len(files) == 1:
                for f in files:
                    counts += ingest_file(f, db, outlets, options, say=say, progress=bar.update)
            else:
                counts = ingest_files_parallel(files, target, options, args.jobs, say=say, progress=bar.update)
    except PyMongoError as exc:
        raise CLIError(f"database {target.display}: {redact_text(str(exc))[:200]}; checkpoints kept, "
                       "run the same command again to resume", EXIT_FAILED) from None
    done_before = counts.pop("files/already_done", 0)
    print_summary(f"ingest of {len(files)} files ({done_before} already ingested, skipped): "
                  f"{counts['records']} article records", counts)
    print(f"  bad records {counts['bad_records']}" + (" (one line each above)" if counts["bad_records"] else ""))
    return EXIT_OK


def register(sub) -> None:
    p = sub.add_parser("reextract", help="run the article pipeline again over archived responses (no network)")
    p.add_argument("--outlet", help="only this outlet's articles")
    p.add_argument("--since", help="fetched since a duration (2d, 6h) or an ISO date")
    p.add_argument("--until", help="fetched before a duration ago or an ISO date")
    p.add_argument("--archive-dir", help="archive root (default: $NEWSDESK_ARCHIVE_DIR or $NEWSDESK_HOME/archive)")
    p.set_defaults(func=cmd_reextract)

    p = sub.add_parser("ingest", help="store the articles in local WARC files (e.g. CC-NEWS), resumably")
    p.add_argument("files", nargs="+", metavar="FILE.warc[.gz]")
    p.add_argument("--outlet", help="take every record as this outlet's (default: by host and outlet domains)")
    p.add_argument("--jobs", type=int, default=1, help="worker processes, one file each at a time (default 1)")
    p.add_argument("--shard", metavar="K/N", help="only the K-th of every N files (one share per machine)")
    p.add_argument("--batch-size", type=int, default=100, help="articles per write and checkpoint (default 100)")
    p.add_argument("--restart", action="store_true", help="read the files from the start, ignoring checkpoints")
    p.add_argument("--state-dir", help="checkpoint directory (default: $NEWSDESK_HOME/ingest)")
    p.set_defaults(func=cmd_ingest)

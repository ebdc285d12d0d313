"""`newsdesk ingest FILE.warc[.gz] ...`: the articles of local WARC files (CC-NEWS), resumably."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

from pymongo.errors import PyMongoError

from crawlers.warc_jobs import IngestOptions, ingest_file, ingest_files_parallel
from pipelines.checkpoints import default_state_dir
from pipelines.mongo import ensure_schema, redact_text
from pipelines.warc import default_archive_dir
from schedules.commands import _common as c

HELP = "store the articles in local WARC files (e.g. CC-NEWS); resumable"


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("ingest", help=HELP)
    p.add_argument("files", nargs="+", metavar="FILE.warc[.gz]", help="WARC files (gzipped or not) to ingest")
    p.add_argument("--outlet", help="take every record as this outlet's (default: by host and outlet domains)")
    p.add_argument("--jobs", type=int, default=1, help="worker processes, one file each at a time (default 1); "
                   "with --scrapyd: jobs in flight per node")
    p.add_argument("--scrapyd", action="store_true",
                   help="spread the files over the Scrapyd nodes of $NEWSDESK_SCRAPYD_NODES, one job per file "
                        "(the paths must be readable on the nodes)")
    p.add_argument("--shard", metavar="K/N", help="only the K-th of every N files (one share per machine)")
    p.add_argument("--batch-size", type=int, default=100, help="articles per write and checkpoint (default 100)")
    p.add_argument("--restart", action="store_true", help="read the files from the start, ignoring checkpoints")
    p.add_argument("--state-dir", help="checkpoint directory (default: $NEWSDESK_HOME/ingest)")
    p.set_defaults(run=run)


def shard(files: list[Path], spec: str | None) -> list[Path]:
    """--shard K/N: this machine's share of the files (the K-th of every N, in sorted order)."""
    if not spec:
        return files
    try:
        k, n = (int(x) for x in spec.split("/"))
        if not 1 <= k <= n:
            raise ValueError
    except ValueError:
        raise c.CLIError(f"--shard: {spec!r} is not K/N with 1 <= K <= N") from None
    return [f for i, f in enumerate(sorted(files)) if i % n == k - 1]


def run(args) -> int:
    outlets = c.outlets()
    if args.outlet and args.outlet not in outlets:
        raise c.CLIError(f"--outlet: {args.outlet!r} is not defined (known: {', '.join(sorted(outlets))})")
    if args.jobs < 1 or args.batch_size < 1:
        raise c.CLIError("--jobs and --batch-size must be at least 1")
    files = [Path(f) for f in args.files]
    for f in files:
        if not f.is_file():
            raise c.CLIError(f"{f}: not a file")
    files = shard(files, args.shard)
    if args.scrapyd:
        return run_on_nodes(args, files)
    options = IngestOptions(state_dir=Path(args.state_dir) if args.state_dir else default_state_dir(),
                            archive_root=default_archive_dir(), outlet=args.outlet,
                            batch_size=args.batch_size, restart=args.restart)
    resolved = c.target(announce=True)
    client, db = c.connect_db(resolved)
    counts: Counter = Counter()
    with client:
        try:
            ensure_schema(db)
            with c.progress_bar(total=sum(f.stat().st_size for f in files), unit="B", unit_scale=True,
                                desc="ingest") as bar:
                if args.jobs == 1 or len(files) == 1:
                    for f in files:
                        counts += ingest_file(f, db, outlets, options, say=c.say_over_bar, progress=bar.update)
                else:
                    counts = ingest_files_parallel(files, resolved, options, args.jobs, say=c.say_over_bar,
                                                   progress=bar.update)
        except PyMongoError as exc:
            raise c.CLIError(f"database {resolved.display}: {redact_text(str(exc))[:200]}; checkpoints kept, "
                             "run the same command again to resume", c.EXIT_FAILED) from None
    done_before = counts.pop("files/already_done", 0)
    c.print_pipeline_counts(f"ingest of {len(files)} files ({done_before} already ingested, skipped): "
                            f"{counts['records']} article records", counts)
    print(f"  bad records {counts['bad_records']}" + (" (one line each above)" if counts["bad_records"] else ""))
    return c.EXIT_OK


def run_on_nodes(args, files: list[Path]) -> int:
    """--scrapyd: each file a job on a node (schedules/scrapyd.py IngestDispatcher); waits for all."""
    from schedules.scrapyd import DEFAULT_PROJECT, IngestDispatcher

    nodes = c.scrapyd_nodes("--scrapyd")
    job_args = {"batch_size": str(args.batch_size), "restart": "1" if args.restart else "0"}
    if args.outlet:
        job_args["outlet"] = args.outlet
    if args.state_dir:
        job_args["state_dir"] = str(Path(args.state_dir).resolve())
    env = os.environ
    resolved = c.target(announce=True)
    client, db = c.connect_db(resolved)
    with client:
        try:
            ensure_schema(db)
            dispatcher = IngestDispatcher(
                db, resolved, nodes, per_node=args.jobs, project=env.get("NEWSDESK_SCRAPYD_PROJECT", DEFAULT_PROJECT),
                poll_s=float(env.get("NEWSDESK_SCRAPYD_POLL", 1.0)),
                dead_after=float(env.get("NEWSDESK_SCRAPYD_DEAD_AFTER", 15.0)), job_args=job_args)
            with c.progress_bar(total=sum(f.stat().st_size for f in files), unit="B", unit_scale=True,
                                desc="ingest") as bar:
                report = dispatcher.run(files, say=c.say_over_bar, progress=bar.update)
        except PyMongoError as exc:
            raise c.CLIError(f"database {resolved.display}: {redact_text(str(exc))[:200]}", c.EXIT_FAILED) from None
    counts = report.counts
    done_before = counts.pop("files/already_done", 0)
    c.print_pipeline_counts(f"ingest of {len(files)} files on {len(nodes)} Scrapyd nodes ({done_before} already "
                            f"ingested, skipped; {len(report.failed)} failed): {counts['records']} article records",
                            counts)
    print(f"  bad records {counts['bad_records']}" + (" (one line each above)" if counts["bad_records"] else ""))
    for line in report.failed:
        c.say_over_bar(line)
    if report.failed:
        c.say_over_bar(f"{len(report.failed)} files not ingested: run the same command again to resume them")
        return c.EXIT_FAILED
    return c.EXIT_OK

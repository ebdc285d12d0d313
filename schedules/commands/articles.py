"""`newsdesk articles`: export stored articles (JSON Lines, CSV, Parquet) or follow new ones.

The reading is pipelines/reader.py and the formats pipelines/export.py, the
same code Python jobs call; this module only maps flags to them.
"""

from __future__ import annotations

import contextlib
import os
import sys

from pymongo.errors import PyMongoError

from pipelines import export, reader
from pipelines.mongo import redact_text
from pipelines.reader import check_fields, iter_articles
from schedules.commands import _common as c

HELP = "export stored articles (JSON Lines, CSV, Parquet) or follow new and changed ones"


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("articles", help=HELP)
    p.add_argument("--outlet", help="only this outlet's articles (exit 2 if no such outlet)")
    p.add_argument("--since", help="last seen within a duration (2d, 6h) or since an ISO date")
    p.add_argument("--limit", type=c.limit_arg, metavar="N", help="at most N articles, newest first (0: all)")
    p.add_argument("--format", choices=["jsonl", "csv", "parquet"], default="jsonl",
                   help="output format (default: jsonl)")
    p.add_argument("--fields", help="comma-separated fields, in this order (default: all; CSV: the readable ones)")
    p.add_argument("--out", help="write to this file (Parquet: required; --follow: appended, exactly once)")
    p.add_argument("--follow", action="store_true", help="print new and changed articles as they are stored")
    p.add_argument("--checkpoint", help="--follow: resume from and keep the position in this file")
    p.add_argument("--follow-mode", choices=["auto", "change-stream", "poll"], default="auto",
                   help="--follow on a first run: change streams, or polling the write sequence (default: auto)")
    p.add_argument("--idle-exit", type=float, metavar="SECONDS",
                   help="--follow: exit after this long without a new or changed article")
    p.set_defaults(run=run)


def _check_outlet(db, name: str) -> None:
    """A typo in --outlet is said, not exported as nothing: it must be defined or stored."""
    if db.articles.find_one({"outlet": name}, {"_id": 1}) is not None:
        return
    from pipelines.outlets import OutletConfigError, load_outlets

    try:
        defined = sorted(load_outlets())
    except OutletConfigError:
        defined = []  # reading articles does not need valid outlet files
    if name not in defined:
        raise c.CLIError(f"--outlet: no such outlet {name[:80]!r} "
                         f"(defined: {', '.join(defined) or 'none'}; none stored under that name)")


def run(args) -> int:
    fields = _fields(args.fields)
    if args.follow:
        return _follow(args, fields)
    if args.format == "parquet" and not args.out:
        raise c.CLIError("--format parquet: needs --out FILE (Parquet is not written to a terminal)")
    for flag in ("checkpoint", "idle_exit"):
        if getattr(args, flag) is not None:
            raise c.CLIError(f"--{flag.replace('_', '-')}: only with --follow")
    since = c.parse_since(args.since) if args.since else None
    client, db = c.connect_db(c.target())
    with client:
        if args.outlet:
            _check_outlet(db, args.outlet)
        docs = iter_articles(db, outlet=args.outlet, since=since, fields=fields, limit=args.limit)
        try:
            if args.format == "parquet":
                rows = export.write_parquet(docs, args.out, fields)
                c.say(f"{rows} articles written to {args.out}")
                return c.EXIT_OK
            with _output(args.out, "w") as out:
                if args.format == "csv":
                    export.write_csv(docs, out, fields)
                else:
                    for doc in docs:
                        out.write(export.json_line(doc) + "\n")
        except BrokenPipeError:
            raise  # the reader went away (`| head`): run_command ends quietly
        except OSError as exc:
            raise c.CLIError(f"--out {args.out or 'stdout'}: {exc.strerror or exc}", c.EXIT_FAILED) from None
    return c.EXIT_OK


def _fields(value: str | None) -> list[str] | None:
    try:
        return check_fields(value.split(",")) if value is not None else None
    except ValueError as exc:
        raise c.CLIError(f"--fields: {exc}") from None


def _output(path: str | None, mode: str):
    """The file named by --out, or stdout (left open)."""
    if path:
        return open(path, mode, **({} if "b" in mode else {"encoding": "utf-8", "newline": ""}))
    return contextlib.nullcontext(sys.stdout.buffer if "b" in mode else sys.stdout)


def _follow(args, fields: list[str] | None) -> int:
    """New and changed articles as JSON Lines, resumable from --checkpoint (docs/schema.md)."""
    if args.format != "jsonl":
        raise c.CLIError(f"--follow: writes JSON Lines; --format {args.format} is for exports")
    if args.since or args.limit:
        raise c.CLIError("--follow: --since and --limit are for exports (a follower starts at its checkpoint)")
    resolved = c.target()
    client, db = c.connect_db(resolved)
    try:
        with client, _output(args.out, "ab") as out_file:
            _follow_into(args, db, resolved, out_file, fields)
    except BrokenPipeError:
        raise  # the reader went away: run_command ends quietly
    except OSError as exc:
        raise c.CLIError(f"--out {args.out or 'stdout'}: {exc.strerror or exc}", c.EXIT_FAILED) from None
    return c.EXIT_OK


def _follow_into(args, db, resolved, out_file, fields) -> None:
    try:
        checkpoint = reader.open_checkpoint(args.checkpoint, db, args.outlet)
        output = reader.FollowOutput(out_file)
        mode = args.follow_mode.replace("-", "_")
        if checkpoint is None:
            checkpoint = reader.start_checkpoint(db, args.checkpoint, args.outlet, mode)
        elif mode not in ("auto", checkpoint.mode):
            raise c.CLIError(f"--follow-mode {args.follow_mode}: checkpoint {args.checkpoint} follows by "
                             f"{checkpoint.mode.replace('_', '-')} (delete it to start over another way)")
        else:
            cut = output.resume(checkpoint.output)
            if cut:
                c.say(f"{args.out or 'stdout'}: {cut} bytes written after the checkpoint cut off; "
                      "they follow again")
        checkpoint.output = output.state()
        checkpoint.save()
        c.say(f"following {resolved.display}, {args.outlet or 'all outlets'}, by "
              f"{checkpoint.mode.replace('_', ' ')}" + (f"; checkpoint {args.checkpoint}" if args.checkpoint else ""))
        for change in reader.follow(db, checkpoint, outlet=args.outlet, fields=fields,
                                    idle_exit=args.idle_exit):
            output.write_line(export.json_line({"change": change.kind, **change.article}))
            checkpoint.output = output.state()  # saved with the position when the next one is asked for
    except reader.CheckpointError as exc:
        raise c.CLIError(str(exc)) from None
    except PyMongoError as exc:
        raise c.CLIError(f"database {resolved.display}: {redact_text(str(exc))[:200]}; the checkpoint "
                         "stands at the last line written", c.EXIT_FAILED) from None
    except BrokenPipeError:  # the reader went away (| head); the checkpoint is in step
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit

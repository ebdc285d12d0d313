"""`newsdesk extract`: articles from saved HTML, as the crawl would store them."""

from __future__ import annotations

import json
from pathlib import Path

from crawlers.offline import iter_manifest, process_html, read_html
from pipelines.export import jsonable
from pipelines.outlet_lines_store import load_outlet_lines
from schedules.commands import _common as c

HELP = "print articles extracted from saved HTML, as the pipeline would store them"


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("extract", help=HELP)
    p.add_argument("files", nargs="*", metavar="FILE",
                   help="saved HTML pages (.gz allowed; over the crawl's DOWNLOAD_MAXSIZE refused)")
    p.add_argument("--url", help="the page's URL (default: the file's file:// URL)")
    p.add_argument("--outlet", help="use this outlet's selectors and settings")
    p.add_argument("--manifest", help="JSON Lines with html_file (relative, .gz allowed), optional id and url")
    p.add_argument("--outlet-lines", action="store_true",
                   help="also strip the lines the database has learned for --outlet, as a crawl would")
    p.set_defaults(run=run)


def run(args) -> int:
    outlet = None
    if args.outlet:
        outlets = c.outlets()
        if args.outlet not in outlets:
            raise c.CLIError(f"--outlet: {args.outlet!r} is not defined")
        outlet = outlets[args.outlet]
    known = None
    if args.outlet_lines:
        if outlet is None:
            raise c.CLIError("--outlet-lines: needs --outlet")
        _client, db = c.connect_db(c.target())
        known = load_outlet_lines(db, outlet.name)
    failures = 0
    if args.manifest:
        jobs = iter_manifest(Path(args.manifest))
    else:
        jobs = ((None, Path(f), args.url or Path(f).resolve().as_uri()) for f in args.files)
    from schedules.runner import project_settings

    max_bytes = project_settings().getint("DOWNLOAD_MAXSIZE") or None  # the crawl's own cap
    for job_id, path, url in jobs:
        try:
            article = process_html(read_html(path, max_bytes), url, outlet, known_lines=known)
        except (OSError, ValueError) as exc:
            failures += 1
            c.say(f"{path}: {getattr(exc, 'strerror', None) or exc}")
            article = {"error": str(exc)}
        if job_id is not None:
            article = {"id": job_id, **article}
        print(json.dumps(jsonable(article), ensure_ascii=False))
    return c.EXIT_FAILED if failures else c.EXIT_OK

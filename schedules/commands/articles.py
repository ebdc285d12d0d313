"""`newsdesk articles`: export stored articles as JSON Lines or CSV."""

from __future__ import annotations

import csv
import json
import sys

from schedules.commands import _common as c

HELP = "export stored articles (JSON Lines or CSV)"
EXPORT_FIELDS = ["canonical_url", "url", "outlet", "section", "title", "authors", "published_at",
                 "language", "paywalled", "duplicate_of", "version", "first_seen", "last_seen",
                 "syndication_note", "body"]


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("articles", help=HELP)
    p.add_argument("--outlet")
    p.add_argument("--since", help="last seen within a duration (2d, 6h) or since an ISO date")
    p.add_argument("--limit", type=int)
    p.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    p.set_defaults(run=run)


def run(args) -> int:
    query: dict = {}
    if args.outlet:
        query["outlet"] = args.outlet
    if args.since:
        query["last_seen"] = {"$gte": c.parse_since(args.since)}
    _client, db = c.connect_db(c.target())
    cursor = db.articles.find(query).sort([("last_seen", -1), ("_id", -1)])
    if args.limit:
        cursor = cursor.limit(args.limit)
    out = sys.stdout
    if args.format == "csv":
        writer = csv.DictWriter(out, fieldnames=["_id", *EXPORT_FIELDS], extrasaction="ignore")
        writer.writeheader()
        for doc in cursor:
            row = c.jsonable(doc)
            row["authors"] = "; ".join(row.get("authors") or [])
            writer.writerow(row)
    else:
        for doc in cursor:
            out.write(json.dumps(c.jsonable(doc), ensure_ascii=False) + "\n")
    return c.EXIT_OK

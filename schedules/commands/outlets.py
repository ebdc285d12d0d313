"""`newsdesk outlets`: list outlets and their sections."""

from __future__ import annotations

import json

from schedules.commands import _common as c

HELP = "list outlets and their sections"


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("outlets", help=HELP)
    p.add_argument("--json", action="store_true", help="one JSON object per outlet")
    p.set_defaults(run=run)


def run(args) -> int:
    outlets = c.outlets()
    if args.json:
        for spec in outlets.values():
            print(json.dumps(spec.model_dump(mode="json"), ensure_ascii=False))
        return c.EXIT_OK
    for name, spec in sorted(outlets.items()):
        print(f"{name}\t{spec.title or ''}\t{spec.language or '-'}\t{', '.join(spec.domains)}")
        for section in spec.sections:
            print(f"    {section}")
    return c.EXIT_OK

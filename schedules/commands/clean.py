"""`newsdesk clean`: strip subscription offers from article text."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pipelines.offers_text import explain_lines, strip_offers
from schedules.commands import _common as c

HELP = "strip subscription offers from article text"


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("clean", help=HELP)
    p.add_argument("files", nargs="*", metavar="FILE",
                   help="text files, decoded as the crawl decodes pages (default: stdin)")
    p.add_argument("--json", action="store_true", help="print body, removed_blocks and syndication_note")
    p.add_argument("--jsonl", action="store_true", help='read {"id", "text"} lines on stdin')
    p.add_argument("--explain", action="store_true",
                   help="print every line with keep/drop, its score and the signals that decided it")
    p.set_defaults(run=run)


def explanation(text: str) -> str:
    """One row per line: keep/drop/note, the classifier's score, the lexicon's
    kind and reason, the signals that decided it, then the line."""
    rows = []
    for row in explain_lines(text):
        score = "  -  " if row["score"] is None else f"{row['score']:.3f}"
        rule = f"{row['rule'] or '-'}:{row['reason'] or '-'}"
        rows.append(f"{row['action'].upper():4} {score} {rule:20} {','.join(row['signals']) or '-':58} | {row['line']}")
    return "\n".join(rows)


def _decode_text(name: str, data: bytes) -> str:
    """Text as the crawl decodes a page (UTF-8, else detected: cp1252, cp1251...); binary refused."""
    from pipelines.decode import decode_html

    if b"\x00" in data[:4096]:
        raise c.CLIError(f"{name}: binary data, not text", c.EXIT_FAILED)
    return decode_html(data, None, data.decode("utf-8", errors="replace"))


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise c.CLIError(f"{path}: cannot be read: {exc.strerror or exc}", c.EXIT_FAILED) from None
    return _decode_text(str(path), data)


def run(args) -> int:
    if args.jsonl:
        for line_no, line in enumerate(sys.stdin.buffer, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                text = record["text"]
                if not isinstance(text, str):
                    raise TypeError("'text' is not a string")
            except (ValueError, KeyError, TypeError) as exc:
                raise c.CLIError(f"stdin:{line_no}: expected a JSON object with 'text': {exc}") from None
            res = strip_offers(text)
            print(json.dumps({"id": record.get("id"), "body": res.body,
                              "removed_blocks": [b.as_dict() for b in res.removed_blocks],
                              "syndication_note": res.syndication_note}, ensure_ascii=False))
        return c.EXIT_OK
    sources = ([(f, _read_text(Path(f))) for f in args.files] if args.files
               else [("-", _decode_text("stdin", sys.stdin.buffer.read()))])
    for _name, text in sources:
        if args.explain:
            print(explanation(text))
            continue
        res = strip_offers(text)
        if args.json:
            print(json.dumps({"body": res.body, "removed_blocks": [b.as_dict() for b in res.removed_blocks],
                              "syndication_note": res.syndication_note, "hit_wall": res.hit_wall},
                             ensure_ascii=False))
        else:
            sys.stdout.write(res.body + ("\n" if not res.body.endswith("\n") else ""))
    return c.EXIT_OK

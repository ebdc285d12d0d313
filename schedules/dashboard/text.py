"""An article's body for reading: removed blocks put back where they stood, versions diffed.

Pure functions over strings and lists; the templates escape whatever they print.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping

from pipelines.removed_at import paragraphs


def body_segments(body: str | None, removed_blocks: Iterable[Mapping] | None) -> tuple[list[dict], list[dict]]:
    """(segments in reading order, blocks with no recorded position).

    A block's `at` is the index of the body paragraph it stood before (len(paragraphs) = after the
    last). Segments are {"text": paragraph} or {"removed": [blocks]} for a run of blocks at one place.
    Blocks removed from the page's HTML before the text was extracted, and blocks stored before
    positions were recorded, carry no `at`: they come back in the second list.
    """
    lines = paragraphs(body)
    at: dict[int, list[dict]] = {}
    unplaced = []
    for block in removed_blocks or []:
        position = block.get("at")
        if isinstance(position, int) and not isinstance(position, bool) and 0 <= position <= len(lines):
            at.setdefault(position, []).append(dict(block))
        else:
            unplaced.append(dict(block))
    segments: list[dict] = []
    for index, line in enumerate(lines):
        if index in at:
            segments.append({"removed": at[index]})
        segments.append({"text": line})
    if len(lines) in at:
        segments.append({"removed": at[len(lines)]})
    return segments, unplaced


def version_diff(old: str | None, new: str | None) -> list[dict]:
    """Paragraph-level diff from an older body to a newer one: {"op": equal|delete|insert, "text"}.

    Unchanged runs longer than a few paragraphs are folded into one {"op": "skip", "count": n}.
    """
    a, b = paragraphs(old), paragraphs(new)
    out: list[dict] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            same = a[i1:i2]
            if len(same) > 4:
                out.append({"op": "equal", "text": same[0]})
                out.append({"op": "skip", "count": len(same) - 2})
                out.append({"op": "equal", "text": same[-1]})
            else:
                out.extend({"op": "equal", "text": t} for t in same)
            continue
        out.extend({"op": "delete", "text": t} for t in a[i1:i2])
        out.extend({"op": "insert", "text": t} for t in b[j1:j2])
    return out


def version_diffs(versions: list[Mapping], current: Mapping) -> list[dict]:
    """Each earlier version against the one that replaced it, newest change first."""
    chain = [*versions, current]
    changes = []
    for older, newer in zip(chain, chain[1:], strict=False):
        changes.append({"from_version": older.get("version"), "to_version": newer.get("version"),
                        "replaced_at": older.get("replaced_at"), "title_before": older.get("title"),
                        "title_after": newer.get("title"),
                        "diff": version_diff(older.get("body"), newer.get("body"))})
    return list(reversed(changes))

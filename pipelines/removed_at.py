"""Where each removed block stood in the body: the `at` of `removed_blocks`, for audit and the dashboard.

A block's `at` is the index of the body paragraph (non-blank line) it stood
before; the paragraph count means after the last one. The strippers only
drop lines, so comparing the body before and after a stage (difflib) says
where each dropped line was, and moves the positions of blocks removed by an
earlier stage along with the lines still there. Blocks removed from the
page's HTML before the text was extracted have no position and keep none.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping


def paragraphs(body: str | None) -> list[str]:
    return [line for line in (body or "").split("\n") if line.strip()]


def _positions(before: list[str], after: list[str]) -> tuple[list[int], set[int]]:
    """(for each index of `before` and one past its end: the index in `after` it maps to, deleted indexes)."""
    pos = [0] * (len(before) + 1)
    deleted: set[int] = set()
    for tag, i1, i2, j1, _j2 in difflib.SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes():
        for k in range(i1, i2):
            if tag == "equal":
                pos[k] = j1 + (k - i1)
            else:  # a dropped (or rewritten) line stood before the next line still there
                pos[k] = j1
                deleted.add(k)
    pos[len(before)] = len(after)
    return pos, deleted


def place_removed(before: str | None, after: str | None, earlier: Iterable[Mapping],
                  removed: Iterable[Mapping]) -> list[dict]:
    """`earlier` blocks (positions in `before`) moved to `after`, then `removed` ones placed where they stood."""
    old, new = paragraphs(before), paragraphs(after)
    pos, deleted = _positions(old, new)
    out = []
    for block in earlier:
        block = dict(block)
        at = block.get("at")
        if isinstance(at, int) and 0 <= at <= len(old):
            block["at"] = pos[at]
        out.append(block)
    unclaimed = sorted(deleted)
    for block in removed:
        block = dict(block)
        first = next((line.strip() for line in str(block.get("text") or "").split("\n") if line.strip()), "")
        index = next((k for k in unclaimed if first and (old[k].strip() == first or first in old[k])), None)
        if index is not None:
            unclaimed.remove(index)
            block["at"] = pos[index]
        out.append(block)
    return out

"""The offer development set's hand audit (benchmarks/offer_devset/audit.jsonl,
applied by build.apply_audit): listed lines leave their blocks, kinds are
mended, and an entry that matches no harvested line is an error."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.offer_devset import build  # noqa: E402
from benchmarks.offer_devset.compose import LINES_FILE  # noqa: E402


def _block(block_id: str, *texts: str, kind: str = "newsletter") -> dict:
    return {"block_id": block_id, "kind": kind, "lines": [{"text": t, "kind": kind} for t in texts]}


def test_excluded_line_leaves_its_block_and_the_rest_stays():
    blocks = [_block("s:p:1", "Sign up for our newsletter", "Other story's headline", "Email")]
    audit = [{"block_id": "s:p:1", "text": "Other story's headline", "verdict": "exclude", "reason": "headline"}]
    kept, changed = build.apply_audit(blocks, audit)
    assert [x["text"] for x in kept[0]["lines"]] == ["Sign up for our newsletter", "Email"]
    assert kept[0]["audit_removed"] == 1
    assert changed["lines_removed"] == 1 and changed["blocks_changed"] == 1


def test_block_left_empty_is_dropped_and_other_blocks_untouched():
    blocks = [_block("s:p:1", "An author bio"), _block("s:p:2", "Subscribe now", kind="subscription_call")]
    audit = [{"block_id": "s:p:1", "text": "An author bio", "verdict": "exclude", "reason": "author bio"}]
    kept, changed = build.apply_audit(blocks, audit)
    assert [b["block_id"] for b in kept] == ["s:p:2"]
    assert kept[0]["audit_removed"] == 0 and changed["blocks_dropped"] == 1


def test_kind_verdict_relabels_only_that_line():
    blocks = [_block("s:p:1", "Log in", "Email", kind="registration_login")]
    blocks[0]["lines"][1]["kind"] = "newsletter"
    audit = [{"block_id": "s:p:1", "text": "Email", "verdict": "kind", "kind": "registration_login",
              "reason": "log-in field"}]
    kept, changed = build.apply_audit(blocks, audit)
    assert [x["kind"] for x in kept[0]["lines"]] == ["registration_login", "registration_login"]
    assert changed["lines_relabelled"] == 1 and changed["lines_removed"] == 0


@pytest.mark.parametrize("entry", [
    {"block_id": "s:p:9", "text": "Email", "verdict": "exclude", "reason": "no such block"},
    {"block_id": "s:p:1", "text": "Not in the block", "verdict": "exclude", "reason": "no such line"},
])
def test_unmatched_entry_raises_naming_it(entry):
    with pytest.raises(ValueError, match=entry["reason"]):
        build.apply_audit([_block("s:p:1", "Email")], [entry])


def test_committed_lines_hold_no_excluded_line():
    """The committed lines.jsonl.gz was built with the committed audit: no excluded
    line is left in its block, every relabelled line carries its new kind."""
    with gzip.open(LINES_FILE, "rt", encoding="utf-8") as fh:
        blocks = {r["block_id"]: r for r in map(json.loads, fh) if r["type"] == "block"}
    audit = build.load_audit()
    assert audit
    for entry in audit:
        lines = blocks.get(entry["block_id"], {"lines": []})["lines"]
        if entry["verdict"] == "exclude":
            assert entry["text"] not in [x["text"] for x in lines], entry
        else:
            assert {x["kind"] for x in lines if x["text"] == entry["text"]} == {entry["kind"]}, entry

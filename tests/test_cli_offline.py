"""The debugging commands run the pipeline's own code on files: clean and extract."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
NEWSDESK = str(Path(sys.executable).with_name("newsdesk"))
SEED = FIXTURES / "seed" / "000_b5ac403761239903.txt"
SEED_BODY = FIXTURES / "seed" / "000_b5ac403761239903.expected-body.txt"


def run(*args, stdin=None):
    return subprocess.run([NEWSDESK, *args], input=stdin, capture_output=True, text=True, timeout=120)


def test_clean_prints_exactly_the_expected_seed_body():
    result = run("clean", str(SEED))
    assert result.returncode == 0, result.stderr
    assert result.stdout == SEED_BODY.read_text().rstrip("\n") + "\n"


def test_clean_json_keeps_disclaimer_apart_and_records_every_offer_line():
    out = json.loads(run("clean", "--json", str(SEED)).stdout)
    assert out["syndication_note"].startswith("Disclaimer: No Business Standard Journalist")
    removed = "\n".join(b["text"] for b in out["removed_blocks"])
    body_lines = set(SEED_BODY.read_text().splitlines())
    for line in SEED.read_text().splitlines():
        if line.strip() and line not in body_lines and not line.startswith("Disclaimer:"):
            assert line.strip() in removed, line


def test_clean_reads_stdin_and_jsonl():
    plain = run("clean", stdin=SEED.read_text())
    assert plain.stdout == SEED_BODY.read_text().rstrip("\n") + "\n"
    lines = json.dumps({"id": "a", "text": SEED.read_text()}) + "\n" + json.dumps({"id": "b", "text": "Plain story."})
    rows = [json.loads(x) for x in run("clean", "--jsonl", stdin=lines).stdout.splitlines()]
    assert [r["id"] for r in rows] == ["a", "b"]
    assert rows[1]["body"] == "Plain story." and rows[1]["removed_blocks"] == []


def test_extract_manifest_keeps_ids_and_reads_gzip(tmp_path):
    page = FIXTURES / "site" / "world" / "2026" / "11" / "03" / "budget-vote.html"
    (tmp_path / "p.html.gz").write_bytes(gzip.compress(page.read_bytes()))
    (tmp_path / "m.jsonl").write_text(json.dumps({"id": "x1", "html_file": "p.html.gz",
                                                  "url": "https://news.example/world/2026/11/03/budget-vote.html"}) + "\n")
    result = run("extract", "--manifest", str(tmp_path / "m.jsonl"))
    assert result.returncode == 0, result.stderr
    article = json.loads(result.stdout)
    assert article["id"] == "x1"
    assert article["title"] == "Parliament passes budget after all-night session"
    assert "free articles" not in article["body"] and article["removed_blocks"]
    assert article["published_at"] == "2026-11-03T06:45:00Z"


def test_extract_missing_file_names_it():
    result = run("extract", "/nonexistent/page.html")
    assert result.returncode == 1
    assert "/nonexistent/page.html" in result.stderr

"""Faults: the database dies mid-crawl; a crawl is killed mid-run. Nothing lost, nothing doubled.

The scenarios live in tests/fault_scenarios.py; benchmarks/faults.py prints the same figures.
"""

from __future__ import annotations

from tests.fault_scenarios import EXPECTED_ARTICLES, crawl_killed, database_outage


def test_database_outage_mid_crawl_spools_and_replays(tmp_path):
    result = database_outage(tmp_path)
    assert "crawl exit 0" in result.notes
    assert any(note.startswith("spooled (database unreachable)") for note in result.notes), result.notes
    assert int(next(n for n in result.notes if n.startswith("stored before replay")).split()[-1]) < EXPECTED_ARTICLES
    assert "replay exit 0" in result.notes and "spool left 0 files" in result.notes
    assert (result.stored, result.duplicated, result.lost) == (EXPECTED_ARTICLES, 0, 0)
    assert result.statuses == ["degraded"]


def test_crawl_killed_mid_run_next_run_completes(tmp_path, mongo_uri, db_name):
    result = crawl_killed(tmp_path, mongo_uri, db_name)
    partial = int(next(n for n in result.notes if n.startswith("stored when killed")).split()[-1])
    assert partial < EXPECTED_ARTICLES
    assert "rerun exit 0" in result.notes
    assert f"{EXPECTED_ARTICLES - partial} new" in " ".join(result.notes)
    assert (result.stored, result.duplicated, result.lost) == (EXPECTED_ARTICLES, 0, 0)
    assert sorted(result.statuses) == ["interrupted", "ok"]

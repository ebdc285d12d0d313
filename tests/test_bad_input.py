"""A crawl of a site full of bad pages completes, counts each by kind, stores the good ones."""

from __future__ import annotations

from tests.bad_site import EXPECTED_BAD_KINDS, EXPECTED_STORED
from tests.fault_scenarios import bad_input


def test_bad_pages_are_counted_and_good_ones_stored(tmp_path, mongo_uri, db_name, mongo_db):
    result, crawl = bad_input(tmp_path, mongo_uri, db_name)
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    assert "Traceback" not in crawl.stderr, crawl.stderr[-3000:]
    assert (result.stored, result.duplicated, result.lost) == (len(EXPECTED_STORED), 0, 0)

    stored = {d["url"].rsplit("/", 1)[-1].removesuffix(".html"): d for d in mongo_db.articles.find()}
    assert set(stored) == EXPECTED_STORED
    assert "Городской совет" in stored["cp1251"]["body"]
    assert "市議会" in stored["shift-jis"]["body"]
    assert "approuvé" in stored["latin1-as-utf8"]["body"] and "\ufffd" not in stored["latin1-as-utf8"]["body"]

    run = mongo_db.crawl_runs.find_one({"outlet": "bad"})
    counted = {k.removeprefix("page:"): v for k, v in run["errors"].items() if k.startswith("page:")}
    for kind, count in EXPECTED_BAD_KINDS.items():
        assert counted.get(kind) == count, (kind, counted)
    assert run["dropped"] == {"short_body": 1}
    assert run["status"] == "ok"

"""The one settings model (pipelines/config.py): defaults written once, one-line errors, every entry point."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import crawlers.settings
from pipelines.config import DEFAULTS, FIELDS, SettingsError, check_settings
from pipelines.mongo import BY_DEFAULT, FROM_SETTING, FROM_URI, resolve_target
from tests.sitefixtures import REPO, newsdesk_env, run_newsdesk, write_outlet


def test_crawlers_settings_lists_the_models_defaults():
    listed = {name: getattr(crawlers.settings, name) for name in FIELDS if hasattr(crawlers.settings, name)}
    env_dependent = {"NEWSDESK_MONGO_URI", "NEWSDESK_MONGO_DB"}
    assert {k: v for k, v in listed.items() if k not in env_dependent} == \
        {k: DEFAULTS[k] for k in listed if k not in env_dependent}
    assert len(listed) >= 20


@pytest.mark.parametrize(("values", "line"), [
    ({"NEWSDESK_STORE_BATCH": "lots"}, "src: NEWSDESK_STORE_BATCH: 'lots' is not a number"),
    ({"NEWSDESK_STORE_BATCH": "0"}, "src: NEWSDESK_STORE_BATCH: must be positive, got 0"),
    ({"DOWNLOAD_DELAY": "-1"}, "src: DOWNLOAD_DELAY: must be >= 0, got -1"),
    ({"NEWSDESK_DUPLICATE_POLICY": "keep"}, "src: NEWSDESK_DUPLICATE_POLICY: 'keep' is not 'link' or 'drop'"),
    ({"NEWSDESK_MONGO_DB": "a/b"}, "src: NEWSDESK_MONGO_DB: 'a/b' is not a MongoDB database name"),
    ({"NEWSDESK_INCREMENTAL": "maybe"}, "src: NEWSDESK_INCREMENTAL: 'maybe' is not true or false"),
])
def test_bad_values_are_one_line(values, line):
    with pytest.raises(SettingsError) as caught:
        check_settings(values, "src")
    assert str(caught.value) == line


def test_good_values_are_converted():
    config = check_settings({"NEWSDESK_STORE_BATCH": "7", "NEWSDESK_INCREMENTAL": "False",
                             "NEWSDESK_CPU_WORKERS": "auto"}, "src")
    assert (config.NEWSDESK_STORE_BATCH, config.NEWSDESK_INCREMENTAL, config.NEWSDESK_CPU_WORKERS) == (7, False, "auto")
    assert config.NEWSDESK_MMAP_THRESHOLD == 131072


def test_scrapy_crawl_refuses_a_bad_value_with_exit_2(tmp_path, mongo_uri, db_name):
    # scrapy crawl (and so a Scrapyd job, which runs it) goes through the same check as newsdesk crawl
    write_outlet(tmp_path / "outlets", "http://127.0.0.1:9")
    env = newsdesk_env(tmp_path, mongo_uri, db_name)
    scrapy = str(Path(sys.executable).with_name("scrapy"))
    result = subprocess.run([scrapy, "crawl", "fixture", "-s", "NEWSDESK_STORE_BATCH=lots"], env=env, cwd=REPO,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, result.stderr[-2000:]
    assert "newsdesk: -s/crawlers/settings.py: NEWSDESK_STORE_BATCH: 'lots' is not a number" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_schedule_entry_with_a_bad_setting_is_refused_at_load(tmp_path, mongo_uri, db_name):
    write_outlet(tmp_path / "outlets", "http://127.0.0.1:9")
    sched = tmp_path / "schedules.toml"
    sched.write_text('[[schedule]]\noutlet = "fixture"\nevery = "1h"\n[schedule.settings]\nNEWSDESK_LEASE_TTL = -5\n')
    result = run_newsdesk(newsdesk_env(tmp_path, mongo_uri, db_name), "serve", "--schedules", str(sched))
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("newsdesk:")]
    assert len(errors) == 1 and "NEWSDESK_LEASE_TTL: must be positive, got -5" in errors[0], result.stderr


# -- which database, and why -----------------------------------------------------------

def test_database_order_setting_then_uri_then_default():
    env = {"NEWSDESK_MONGO_URI": "mongodb://db.example:27017/fromuri?authSource=admin"}
    target = resolve_target(env=env)
    assert (target.database, target.database_reason) == ("fromuri", FROM_URI)
    assert "database 'fromuri' named in the URI" in target.display
    target = resolve_target(env={**env, "NEWSDESK_MONGO_DB": "explicit"})
    assert (target.database, target.database_reason) == ("explicit", FROM_SETTING)
    target = resolve_target(env={"NEWSDESK_MONGO_URI": "mongodb://db.example:27017/"})
    assert (target.database, target.database_reason) == ("newsdesk", BY_DEFAULT)


def test_crawl_and_its_summary_use_the_uris_database(tmp_path, mongo_uri, db_name, mongo_client):
    from tests.fixture_server import FixtureServer

    uri = mongo_uri.rstrip("/") + f"/{db_name}"
    env = newsdesk_env(tmp_path, uri, db_name)
    del env["NEWSDESK_MONGO_DB"]
    with FixtureServer() as server:
        write_outlet(tmp_path / "outlets", server.base_url)
        where = run_newsdesk(env, "db", "where")
        assert f"database '{db_name}' named in the URI" in where.stdout
        crawl = run_newsdesk(env, "crawl", "fixture", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
                             timeout=300)
    assert crawl.returncode == 0, crawl.stderr[-2000:]
    assert f"database '{db_name}' named in the URI" in crawl.stdout
    assert mongo_client[db_name].articles.count_documents({}) > 0
    assert mongo_client["newsdesk"].articles.count_documents({"outlet": "fixture"}) == 0
    run = mongo_client[db_name].crawl_runs.find_one({"outlet": "fixture"})
    assert f"database '{db_name}' named in the URI" in run["database"]

"""The schedule file: parsing, defaults, one-line errors, triggers, misfire grace (pure, no database)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from schedules.definitions import (
    DEFAULT_FILE,
    ScheduleError,
    load_schedule,
    parse_duration,
    parse_schedule,
)

OUTLETS = {
    "fixture": SimpleNamespace(sections=["http://127.0.0.1:1/world/", "http://127.0.0.1:1/business/"]),
    "other": SimpleNamespace(sections=["https://example.org/news/"]),
}


def parse(text: str, outlets=OUTLETS):
    import tomllib

    return parse_schedule(tomllib.loads(text), "sched.toml", outlets)


def error_of(text: str, outlets=OUTLETS) -> str:
    with pytest.raises(ScheduleError) as info:
        parse(text, outlets)
    message = str(info.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize("value,seconds", [("30s", 30), ("15m", 900), ("2h", 7200), ("1d", 86400),
                                           (45, 45), ("1.5h", 5400), ("90", 90), ("250ms", 0.25)])
def test_parse_duration(value, seconds):
    assert parse_duration(value) == seconds


@pytest.mark.parametrize("value", ["soon", "5 minutes", "", "-3s", True, [1]])
def test_parse_duration_rejects(value):
    with pytest.raises(ValueError):
        parse_duration(value)


def test_outlet_and_every_are_enough():
    sched = parse('[[schedule]]\noutlet = "fixture"\nevery = "15m"\n')
    (entry,) = sched.entries
    assert entry.job_id == "crawl:fixture"
    assert entry.every == 900 and entry.cron is None
    assert entry.enabled and entry.time_limit == 1800 and entry.timezone == "UTC"
    assert entry.misfire_grace_s == 900  # one period: after an outage exactly one catch-up run
    trigger = entry.trigger()
    assert isinstance(trigger, IntervalTrigger) and trigger.interval == timedelta(minutes=15)
    assert trigger.jitter == 30  # the default jitter, under a tenth of the period


def test_outlet_and_cron_are_enough():
    (entry,) = parse('[[schedule]]\noutlet = "fixture"\ncron = "*/20 6-22 * * *"\n').entries
    trigger = entry.trigger()
    assert isinstance(trigger, CronTrigger)
    start = datetime(2026, 1, 5, 6, 1, tzinfo=timezone.utc)
    assert trigger.get_next_fire_time(None, start).replace(second=0, microsecond=0) == start.replace(minute=20)
    assert entry.misfire_grace_s == 1200


def test_jitter_is_capped_for_short_intervals():
    (entry,) = parse('[[schedule]]\noutlet = "fixture"\nevery = "5s"\njitter = "10m"\n').entries
    assert entry.trigger().jitter is None  # a tenth of 5 s rounds to no jitter


def test_defaults_table_and_per_entry_overrides():
    sched = parse('''
[defaults]
time_limit = "5m"
jitter = 0
settings = {DOWNLOAD_DELAY = 1}
[service]
stop_grace = "5s"
http = ""
[monitoring]
zero_new_runs = 5
[[schedule]]
outlet = "fixture"
every = "1h"
[[schedule]]
outlet = "fixture"
section = "business"
every = "10m"
time_limit = "2m"
misfire_grace = "30s"
enabled = false
settings = {AUTOTHROTTLE_ENABLED = false}
''')
    whole, business = sched.entries
    assert whole.time_limit == 300 and whole.jitter == 0 and whole.settings == {"DOWNLOAD_DELAY": "1"}
    assert business.job_id == "crawl:fixture:business"
    assert business.section == "http://127.0.0.1:1/business/"  # resolved to the outlet's section URL
    assert business.time_limit == 120 and business.misfire_grace_s == 30 and not business.enabled
    assert business.settings == {"DOWNLOAD_DELAY": "1", "AUTOTHROTTLE_ENABLED": "false"}
    assert sched.service.stop_grace == 5 and sched.service.http == ""
    assert sched.monitoring.zero_new_runs == 5
    assert [e.job_id for e in sched.for_outlet("fixture")] == ["crawl:fixture", "crawl:fixture:business"]


@pytest.mark.parametrize("text,expected", [
    ('[[schedule]]\noutlet = "fixture"\n',
     "sched.toml: schedule[0] (outlet fixture): (entry): give exactly one of 'cron' or 'every'"),
    ('[[schedule]]\noutlet = "fixture"\nevery = "1h"\ncron = "* * * * *"\n',
     "sched.toml: schedule[0] (outlet fixture): (entry): give exactly one of 'cron' or 'every'"),
    ('[[schedule]]\noutlet = "fixture"\nevery = "often"\n',
     "sched.toml: schedule[0] (outlet fixture): every: 'often' is not a duration like '30s', '15m', '2h'"),
    ('[[schedule]]\noutlet = "fixture"\nevery = "1h"\n[[schedule]]\noutlet = "other"\ncron = "61 * * * *"\n',
     "sched.toml: schedule[1] (outlet other): cron: '61 * * * *' is not a crontab expression"),
    ('[[schedule]]\noutlet = "fixture"\ncron = "* * *"\n',
     "sched.toml: schedule[0] (outlet fixture): cron: '* * *' is not a crontab expression: Wrong number"),
    ('[[schedule]]\noutlet = "nope"\nevery = "1h"\n',
     "sched.toml: schedule[0] (outlet nope): outlet: not defined (known: fixture, other)"),
    ('[[schedule]]\nevery = "1h"\n', "sched.toml: schedule[0] (outlet ?): outlet: required key is missing"),
    ('[[schedule]]\noutlet = "fixture"\nevery = "1h"\nevry = "2h"\n',
     "sched.toml: schedule[0] (outlet fixture): evry: unknown key"),
    ('[[schedule]]\noutlet = "fixture"\nevery = "1h"\nsection = "sport"\n',
     "sched.toml: schedule[0] (outlet fixture): section: 'sport' is not one of the outlet's sections"),
    ('[[schedule]]\noutlet = "fixture"\nevery = "1h"\ntimezone = "Mars/Base"\n',
     "sched.toml: schedule[0] (outlet fixture): timezone: 'Mars/Base' is not an IANA time zone"),
    ('[[schedule]]\noutlet = "fixture"\nevery = "1h"\n[[schedule]]\noutlet = "fixture"\ncron = "0 * * * *"\n',
     "sched.toml: schedule[1] (outlet fixture): outlet: same job id 'crawl:fixture' as schedule[0]"),
    ('[[schedule]]\noutlet = "fixture"\nevery = "0s"\n',
     "sched.toml: schedule[0] (outlet fixture): every: must be at least 1s"),
    ('[defaults]\njitter = "lots"\n', "sched.toml: defaults.jitter: 'lots' is not a duration"),
    ('[service]\nmax_parallel = 0\n', "sched.toml: service.max_parallel: Input should be greater than"),
    ('[schedules]\noutlet = "fixture"\n', "sched.toml: schedules: unknown key"),
])
def test_errors_are_one_line_naming_file_entry_and_key(text, expected):
    assert error_of(text).startswith(expected)


def test_without_outlets_only_the_shape_is_checked():
    sched = parse('[[schedule]]\noutlet = "anything"\nevery = "1h"\nsection = "world"\n', outlets=None)
    assert sched.entries[0].job_id == "crawl:anything:world"


def test_load_schedule_reads_file_and_reports_toml_errors(tmp_path):
    good = tmp_path / "s.toml"
    good.write_text('[[schedule]]\noutlet = "fixture"\nevery = "30s"\n')
    assert load_schedule(good, OUTLETS).entries[0].every == 30
    bad = tmp_path / "bad.toml"
    bad.write_text('[[schedule]\noutlet = "fixture"\n')
    with pytest.raises(ScheduleError, match=rf"^{bad}: \(file\): not valid TOML"):
        load_schedule(bad)
    with pytest.raises(ScheduleError, match=r"missing.toml: \(file\): cannot be read"):
        load_schedule(tmp_path / "missing.toml")


def test_fingerprint_changes_with_the_definition():
    a = parse('[[schedule]]\noutlet = "fixture"\nevery = "30s"\n').entries[0]
    b = parse('[[schedule]]\noutlet = "fixture"\nevery = "30s"\n').entries[0]
    c = parse('[[schedule]]\noutlet = "fixture"\nevery = "31s"\n').entries[0]
    assert a.fingerprint() == b.fingerprint() != c.fingerprint()


def test_shipped_schedule_is_valid_for_the_shipped_outlets():
    from pipelines.outlets import BUILTIN_DIR, load_outlets

    outlets = load_outlets([BUILTIN_DIR])
    sched = load_schedule(DEFAULT_FILE, outlets)
    assert {e.outlet for e in sched.entries} == set(outlets)  # every shipped outlet has an entry
    assert [e.outlet for e in sched.entries if e.enabled] == ["business-standard"]
    assert len({e.job_id for e in sched.entries}) == len(sched.entries)


def test_cron_period_does_not_depend_on_the_time_of_day():
    (entry,) = parse('[[schedule]]\noutlet = "fixture"\ncron = "*/20 6-22 * * *"\n').entries
    evening = datetime(2026, 1, 5, 22, 50, tzinfo=timezone.utc)  # next gap is 7 h 20 min
    morning = datetime(2026, 1, 5, 7, 1, tzinfo=timezone.utc)
    assert entry.period_s(evening) == entry.period_s(morning) == 1200

"""The schedule file: when each outlet (or one section of it) is crawled.

`schedules/schedules.toml` (or `--schedules FILE`, or $NEWSDESK_SCHEDULES)
holds `[[schedule]]` entries. `outlet` and one of `cron` (a crontab string)
or `every` ("30s", "15m", "2h") are enough; everything else has a default,
taken from an optional `[defaults]` table first. Loading is pure: no
database, no scheduler. A bad file raises `ScheduleError` whose message is
one line: `FILE: schedule[N] (outlet X): key: reason`.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from pipelines.config import SettingsError, check_settings
from pipelines.outlets import check_timezone

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DEFAULT_FILE = Path(__file__).resolve().parent / "schedules.toml"
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, None: 1}


# The crontab nicknames of cron(8), as the five fields they stand for (@reboot has no meaning here).
CRON_NICKNAMES = {"@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
                  "@weekly": "0 0 * * sun", "@daily": "0 0 * * *", "@midnight": "0 0 * * *",
                  "@hourly": "0 * * * *"}


def cron_fields(expression: str) -> str:
    """The five crontab fields of an expression or nickname ('@daily' -> '0 0 * * *')."""
    return CRON_NICKNAMES.get(expression.strip().lower(), expression)


def cron_trigger(expression: str, tz: str = "UTC", jitter: int | None = None):
    """APScheduler's trigger for a crontab expression (from_crontab takes no jitter: field by field)."""
    from apscheduler.triggers.cron import CronTrigger

    fields = cron_fields(expression).split()
    if len(fields) != 5:
        raise ValueError(f"Wrong number of fields; got {len(fields)}, expected 5")
    minute, hour, day, month, dow = fields
    return CronTrigger(minute=minute, hour=hour, day=day, month=month, day_of_week=dow,
                       jitter=jitter, timezone=tz)


class ScheduleError(ValueError):
    """The schedule file is invalid; str() is one line naming the file, the entry and the reason."""


def parse_duration(value: Any) -> float:
    """'30s', '15m', '2h', '1d' or a number of seconds -> seconds (float)."""
    if isinstance(value, bool):
        raise ValueError("must be a duration like '30s', '15m', '2h'")
    if isinstance(value, (int, float)):
        seconds = float(value)
    elif isinstance(value, str) and (m := _DURATION.match(value)):
        seconds = float(m[1]) * _UNIT_SECONDS[m[2]]
    else:
        raise ValueError(f"{value!r} is not a duration like '30s', '15m', '2h'")
    if seconds < 0:
        raise ValueError("must not be negative")
    return seconds


def _duration_field(value: Any) -> float:
    return parse_duration(value)


class Defaults(BaseModel):
    """Values every entry inherits unless it sets its own."""

    model_config = ConfigDict(extra="forbid")
    # Spread the start of jobs that share a trigger (several outlets at :00)
    # so they do not hit the network and the database in the same second.
    jitter: float = 30
    # A crawl past this is stopped (SIGTERM, then SIGKILL) and recorded as
    # timed out; without it a hung crawl plus max_instances=1 blocks its
    # schedule forever.
    time_limit: float = 30 * 60
    # None: one period of the entry's own trigger (see ScheduleEntry.misfire_grace_s).
    misfire_grace: float | None = None
    enabled: bool = True
    timezone: str = "UTC"
    settings: dict[str, str] = Field(default_factory=dict)

    @field_validator("jitter", "time_limit", "misfire_grace", mode="before")
    @classmethod
    def _durations(cls, v: Any) -> Any:
        return None if v is None else _duration_field(v)

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        return check_timezone(value)

    @field_validator("settings", mode="before")
    @classmethod
    def _settings(cls, value: Any) -> Any:
        return _scrapy_settings(value)


def _scrapy_settings(value: Any) -> Any:
    # Scrapy settings go to the child as `-s NAME=VALUE`: plain scalars only.
    if isinstance(value, Mapping):
        out = {}
        for key, val in value.items():
            if isinstance(val, (dict, list)):
                raise ValueError(f"{key}: must be a string, number or boolean")
            out[str(key)] = str(val).lower() if isinstance(val, bool) else str(val)
        try:  # the crawl would refuse them: say so when the file loads
            check_settings(out, "settings")
        except SettingsError as exc:
            raise ValueError(exc.detail) from None
        return out
    return value


class ScheduleEntry(BaseModel):
    """One `[[schedule]]` entry, defaults already applied."""

    model_config = ConfigDict(extra="forbid")
    outlet: str
    section: str | None = None  # a section URL of the outlet, or the last part of its path
    cron: str | None = None
    every: float | None = None
    jitter: float
    time_limit: float
    misfire_grace: float | None = None
    enabled: bool
    timezone: str
    settings: dict[str, str] = Field(default_factory=dict)
    # back-fill and bounds, as `newsdesk crawl --since/--max-pages`; a duration ("2d") is from each run's start
    since: str | None = None
    max_pages: int | None = Field(None, ge=1)

    @field_validator("since")
    @classmethod
    def _since(cls, value: str | None) -> str | None:
        from pipelines.listings import resolve_since

        resolve_since(value, datetime.now(timezone.utc))  # ValueError names the problem
        return value

    def bound_settings(self) -> dict[str, str]:
        """The crawl settings for `since` and `max_pages`."""
        out = {}
        if self.since:
            out["NEWSDESK_SINCE"] = self.since
        if self.max_pages:
            out["NEWSDESK_MAX_PAGES"] = str(self.max_pages)
        return out

    @field_validator("every", "jitter", "time_limit", "misfire_grace", mode="before")
    @classmethod
    def _durations(cls, v: Any) -> Any:
        return None if v is None else _duration_field(v)

    @field_validator("settings", mode="before")
    @classmethod
    def _settings(cls, value: Any) -> Any:
        return _scrapy_settings(value)

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        return check_timezone(value)

    @field_validator("every")
    @classmethod
    def _every(cls, value: float | None) -> float | None:
        if value is not None and value < 1:
            raise ValueError("must be at least 1s")
        return value

    @field_validator("time_limit")
    @classmethod
    def _limit(cls, value: float) -> float:
        if value < 1:
            raise ValueError("must be at least 1s")
        return value

    @field_validator("cron")
    @classmethod
    def _cron(cls, value: str | None) -> str | None:
        if value is not None:
            if value.strip().startswith("@") and value.strip().lower() not in CRON_NICKNAMES:
                raise ValueError(f"{value!r} is not a crontab expression: nicknames are "
                                 f"{', '.join(CRON_NICKNAMES)}")
            try:
                trigger = cron_trigger(value)
            except ValueError as exc:
                raise ValueError(f"{value!r} is not a crontab expression: {exc}") from None
            # '0 0 31 2 *' parses but has no next time: APScheduler would fail on it later
            # (a TypeError in serve, a restart loop under systemd), so refuse it here.
            if trigger.get_next_fire_time(None, datetime.now(timezone.utc)) is None:
                raise ValueError(f"{value!r} never fires (no such date)")
        return value

    @model_validator(mode="after")
    def _one_trigger(self) -> ScheduleEntry:
        if (self.cron is None) == (self.every is None):
            raise ValueError("give exactly one of 'cron' or 'every'")
        return self

    # -- derived -------------------------------------------------------
    @property
    def section_slug(self) -> str | None:
        if self.section is None:
            return None
        path = re.sub(r"^[a-z]+://[^/]+", "", self.section).strip("/")
        return re.sub(r"[^A-Za-z0-9_.-]+", "-", path) or "root"

    @property
    def job_id(self) -> str:
        return f"crawl:{self.outlet}" + (f":{self.section_slug}" if self.section else "")

    def trigger(self):
        """The APScheduler trigger for this entry (jitter included)."""
        from apscheduler.triggers.interval import IntervalTrigger

        jitter = int(self.jitter_s) or None
        if self.every is not None:
            return IntervalTrigger(seconds=self.every, jitter=jitter, timezone=self.timezone)
        return cron_trigger(self.cron, self.timezone, jitter)

    @property
    def jitter_s(self) -> float:
        """The jitter applied: the configured one, but never more than a tenth of the
        period (a 2-minute jitter on a 30 s interval would reorder runs)."""
        return float(int(min(self.jitter, self.period_s() / 10)))

    def period_s(self, now: datetime | None = None) -> float:
        """The time between two fires; for cron, the shortest gap in the week ahead.

        Not the next gap alone: for "*/20 6-22 * * *" that is 20 minutes by day
        but 7 hours after the last evening fire, so the jitter cap and the
        misfire grace would change with the time of day the service started."""
        if self.every is not None:
            return self.every
        trig = cron_trigger(self.cron, self.timezone)
        now = now or datetime.now(timezone.utc)
        horizon = now + timedelta(days=8)
        gaps: list[float] = []
        prev = trig.get_next_fire_time(None, now)
        while prev is not None and prev < horizon and len(gaps) < 500:
            nxt = trig.get_next_fire_time(prev, prev + timedelta(seconds=1))
            if nxt is None:
                break
            gaps.append((nxt - prev).total_seconds())
            prev = nxt
        return min(gaps) if gaps else 3600.0

    @property
    def misfire_grace_s(self) -> int:
        """How late a run may still start.

        Default: one period of the trigger. With coalesce=True APScheduler only
        considers the latest missed fire time, and that one is always less
        than a period in the past, so after any outage (restart, kill -9,
        a database blip, a busy executor) exactly one catch-up run starts;
        never zero (APScheduler's 1 s default silently drops it) and never a
        burst. A run later than a period is superseded by the next one.
        """
        grace = self.misfire_grace if self.misfire_grace is not None else self.period_s()
        return max(int(grace), 1)

    def fingerprint(self) -> str:
        """Stable hash of everything that defines the job (to keep an unchanged stored job)."""
        return hashlib.sha1(json.dumps(self.model_dump(mode="json"), sort_keys=True).encode()).hexdigest()[:16]


class ServiceOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # 127.0.0.1:PORT for /healthz and /metrics; "" disables; port 0 picks a free one.
    http: str = "127.0.0.1:9410"
    stop_grace: float = 30  # on SIGTERM, how long running crawls may finish before being stopped
    kill_grace: float = 10  # after SIGTERM to a crawl, how long before SIGKILL
    max_parallel: int = Field(8, ge=1, le=256)  # crawls at the same time (one per outlet at most)
    lease_ttl: float = 60

    @field_validator("stop_grace", "kill_grace", "lease_ttl", mode="before")
    @classmethod
    def _durations(cls, v: Any) -> Any:
        return _duration_field(v)


class MonitoringOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    zero_new_runs: int = Field(3, ge=1)  # alert after this many ok runs in a row with no new article
    min_published_coverage: float = Field(0.8, ge=0, le=1)
    min_coverage_sample: int = Field(5, ge=1)
    error_rate_alert: float = Field(0.2, ge=0, le=1)  # errors per fetched page
    failed_runs: int = Field(2, ge=1)  # alert after this many failed/timed-out runs in a row
    webhook_url: str | None = None  # Slack-compatible; env NEWSDESK_ALERT_WEBHOOK overrides


class ScheduleFile(BaseModel):
    path: str
    entries: list[ScheduleEntry]
    service: ServiceOptions
    monitoring: MonitoringOptions

    def by_job_id(self) -> dict[str, ScheduleEntry]:
        return {e.job_id: e for e in self.entries}

    def for_outlet(self, outlet_or_job: str) -> list[ScheduleEntry]:
        return [e for e in self.entries if outlet_or_job in (e.outlet, e.job_id)]


def _one_line(exc: ValidationError) -> tuple[str, str]:
    err = exc.errors()[0]
    key = ".".join(str(p) for p in err["loc"]) or "(entry)"
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "missing":
        msg = "required key is missing"
    elif err["type"] == "extra_forbidden":
        msg = "unknown key"
    return key, msg


def _resolve_section(entry: ScheduleEntry, sections: list[str]) -> str:
    """A section given as a URL or as the tail of its path ('world') -> the outlet's section URL."""
    if entry.section in sections:
        return entry.section
    wanted = entry.section.strip("/")
    matches = [s for s in sections if s.rstrip("/").endswith("/" + wanted)]
    if len(matches) == 1:
        return matches[0]
    raise ValueError(f"{entry.section!r} is not one of the outlet's sections ({', '.join(sections)})")


def parse_schedule(data: Mapping[str, Any], source: str | Path,
                   outlets: Mapping[str, Any] | None = None) -> ScheduleFile:
    """Validate parsed TOML. With `outlets` (name -> OutletSpec), outlets and sections are checked too."""
    src = str(source)
    allowed = {"schedule", "defaults", "service", "monitoring"}
    for key in data:
        if key not in allowed:
            raise ScheduleError(f"{src}: {key}: unknown key (expected {', '.join(sorted(allowed))})")
    tables = {}
    for name, model in (("defaults", Defaults), ("service", ServiceOptions), ("monitoring", MonitoringOptions)):
        try:
            tables[name] = model.model_validate(dict(data.get(name) or {}))
        except ValidationError as exc:
            key, msg = _one_line(exc)
            raise ScheduleError(f"{src}: {name}.{key}: {msg}") from None
        except TypeError:
            raise ScheduleError(f"{src}: {name}: must be a table") from None
    raw_entries = data.get("schedule", [])
    if not isinstance(raw_entries, list):
        raise ScheduleError(f"{src}: schedule: must be an array of tables ([[schedule]])")
    defaults = tables["defaults"].model_dump()
    entries: list[ScheduleEntry] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(raw_entries):
        outlet = raw.get("outlet", "?") if isinstance(raw, Mapping) else "?"
        where = f"{src}: schedule[{index}] (outlet {outlet})"
        if not isinstance(raw, Mapping):
            raise ScheduleError(f"{where}: (entry): must be a table")
        merged = {**defaults, **raw}
        own = raw.get("settings") or {}
        merged["settings"] = {**defaults["settings"], **own} if isinstance(own, Mapping) else own
        try:
            entry = ScheduleEntry.model_validate(merged)
        except ValidationError as exc:
            key, msg = _one_line(exc)
            raise ScheduleError(f"{where}: {key}: {msg}") from None
        if outlets is not None:
            if entry.outlet not in outlets:
                known = ", ".join(sorted(outlets)) or "none"
                raise ScheduleError(f"{where}: outlet: not defined (known: {known})")
            if entry.section is not None:
                try:
                    entry.section = _resolve_section(entry, list(outlets[entry.outlet].sections))
                except ValueError as exc:
                    raise ScheduleError(f"{where}: section: {exc}") from None
        if entry.job_id in seen:
            raise ScheduleError(f"{where}: outlet: same job id {entry.job_id!r} as schedule[{seen[entry.job_id]}]")
        seen[entry.job_id] = index
        entries.append(entry)
    return ScheduleFile(path=src, entries=entries, **tables)


def load_schedule(path: str | Path | None = None, outlets: Mapping[str, Any] | None = None) -> ScheduleFile:
    """Read and validate a schedule file (default: the shipped schedules.toml)."""
    path = Path(path) if path else DEFAULT_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ScheduleError(f"{path}: (file): not valid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScheduleError(f"{path}: (file): cannot be read: {exc.strerror or exc}") from None
    return parse_schedule(data, path, outlets)


def default_schedule_path(env: Mapping[str, str] | None = None) -> Path:
    import os

    env = os.environ if env is None else env
    return Path(env["NEWSDESK_SCHEDULES"]) if env.get("NEWSDESK_SCHEDULES") else DEFAULT_FILE

"""The one settings model: every NEWSDESK_* setting (and the Scrapy numbers newsdesk
relies on), validated once, whichever way a crawl starts.

`newsdesk crawl`, `newsdesk check`, `newsdesk serve` (each schedule entry's
settings), `scrapy crawl` and Scrapyd runs (crawlers/commands/crawl.py) all
call `check_settings`; a bad value is one line naming where it came from, the
setting and the reason, and the command exits 2. Components read their
values through the validated model (crawlers/runtime.py `newsdesk_config`),
so a default is written once, here; crawlers/settings.py lists the same
defaults for `scrapy settings --get` and a test keeps the two equal.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    NonNegativeFloat,
    NonNegativeInt,
    PositiveFloat,
    PositiveInt,
    ValidationError,
    field_validator,
)

from pipelines.listings import resolve_since


class SettingsError(ValueError):
    """A setting is invalid; str() is one line: source: NAME: reason (`detail` without the source)."""

    def __init__(self, source: str, detail: str):
        super().__init__(f"{source}: {detail}")
        self.detail = detail


_BAD_DB_CHARS = set('/\\. "$\x00')


class NewsdeskSettings(BaseModel):
    """Values as Scrapy settings or the environment give them (strings are converted)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    # database
    NEWSDESK_MONGO_URI: str | None = None  # None: the embedded SecantusDB server
    NEWSDESK_MONGO_DB: str | None = None  # None: the URI's database, else "newsdesk"
    NEWSDESK_MONGO_TIMEOUT_MS: PositiveInt = 5000
    NEWSDESK_DB_RETRY_AFTER: PositiveFloat = 30.0
    NEWSDESK_STORE_BATCH: PositiveInt = 100
    NEWSDESK_SPOOL_DIR: str | None = None
    # the crawl
    NEWSDESK_DUPLICATE_POLICY: Literal["link", "drop"] = "link"
    NEWSDESK_LEASE_TTL: PositiveFloat = 60.0
    NEWSDESK_PROGRESS_INTERVAL: NonNegativeFloat = 10.0
    NEWSDESK_LEARN_BOILERPLATE: bool = True
    NEWSDESK_INCREMENTAL: bool = True
    NEWSDESK_STOP_AFTER_KNOWN: PositiveInt = 20
    NEWSDESK_RECHECK_FRESH_HOURS: PositiveFloat = 48.0
    NEWSDESK_RECHECK_EVERY_HOURS: NonNegativeFloat = 3.0
    NEWSDESK_CPU_WORKERS: NonNegativeInt | Literal["auto"] | None = None  # None/"auto": one per spare core
    NEWSDESK_CPU_WORKERS_AFTER: NonNegativeInt = 20
    # tasks a CPU worker runs before it is replaced (its caches grow with the pages it sees); 0: never.
    # Why 250: 5k pages peaked at 490 MB with the worker (515 without, 507 with 1000): docs/performance.md.
    NEWSDESK_CPU_WORKER_MAX_TASKS: NonNegativeInt = 250
    # Why 131072: measured 300 -> 234 MB peak RSS on 1,000 pages (crawlers/workers.py); 0: libc default.
    NEWSDESK_MMAP_THRESHOLD: NonNegativeInt = 131072
    NEWSDESK_OBEY_CRAWL_DELAY: bool = True
    NEWSDESK_CRAWL_DELAY_MAX: NonNegativeFloat = 60.0
    NEWSDESK_RETRY_AFTER_MAX: NonNegativeFloat = 120.0
    NEWSDESK_BROWSER_TIMEOUT: PositiveFloat = 30.0
    NEWSDESK_BROWSER_MAX_PAGES: PositiveInt = 4
    NEWSDESK_ARCHIVE: bool = True
    NEWSDESK_ARCHIVE_DIR: str | None = None
    NEWSDESK_ARCHIVE_MAX_BYTES: PositiveInt = 1024**3
    NEWSDESK_ARCHIVE_GZIP_LEVEL: int = Field(3, ge=0, le=9)
    NEWSDESK_ARCHIVE_RETENTION_DAYS: NonNegativeInt = 0
    NEWSDESK_SINCE: str | None = None  # back-fill bound (pipelines/listings.py resolve_since)
    NEWSDESK_MAX_PAGES: PositiveInt | None = None
    # Scrapy's own numbers that a typo would quietly break
    CONCURRENT_REQUESTS: PositiveInt = 16
    DOWNLOAD_TIMEOUT: PositiveFloat = 30.0
    DOWNLOAD_MAXSIZE: PositiveInt = 10 * 1024 * 1024
    DOWNLOAD_DELAY: NonNegativeFloat = 0.5
    RETRY_TIMES: NonNegativeInt = 2

    @field_validator("NEWSDESK_MONGO_DB")
    @classmethod
    def _database_name(cls, value: str | None) -> str | None:
        if value is not None and (not value or _BAD_DB_CHARS & set(value) or len(value) > 63):
            raise ValueError("is not a MongoDB database name")
        return value

    @field_validator("NEWSDESK_SINCE")
    @classmethod
    def _since(cls, value: str | None) -> str | None:
        try:
            resolve_since(value, datetime.now(timezone.utc))
        except ValueError as exc:
            raise ValueError(str(exc).removeprefix(f"{value!r} ")) from None
        return value

    @field_validator("NEWSDESK_CPU_WORKERS", mode="before")
    @classmethod
    def _workers(cls, value: Any) -> Any:
        return None if value == "" else value


FIELDS = tuple(NewsdeskSettings.model_fields)
DEFAULTS: dict[str, Any] = {name: f.default for name, f in NewsdeskSettings.model_fields.items()}


def _detail(exc: ValidationError, given: Mapping[str, Any]) -> str:
    err = exc.errors()[0]
    name = str(err["loc"][0]) if err["loc"] else "?"
    value, kind = given.get(name), err["type"]
    if kind == "less_than_equal":  # the one bounded range: NEWSDESK_ARCHIVE_GZIP_LEVEL
        return f"{name}: must be 0-{err['ctx']['le']}, got {value}"
    if kind in ("greater_than", "greater_than_equal"):
        return f"{name}: must be {'positive' if kind == 'greater_than' else '>= 0'}, got {value}"
    reason = {
        "float_parsing": "is not a number", "int_parsing": "is not a number",
        "int_from_float": "is not a whole number", "bool_parsing": "is not true or false",
    }.get(kind) or err["msg"].removeprefix("Value error, ").replace("Input should be", "is not")
    return f"{name}: {value!r} {reason}"


def check_settings(values: Mapping[str, Any] | Any, source: str) -> NewsdeskSettings:
    """The validated settings from a mapping or Scrapy `Settings` (unset keys take the
    defaults above); SettingsError with one line on the first bad value."""
    present = {name: values.get(name) for name in FIELDS if values.get(name) is not None}
    try:
        return NewsdeskSettings(**present)
    except ValidationError as exc:
        raise SettingsError(source, _detail(exc, present)) from None


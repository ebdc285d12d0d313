"""Outlet definitions: one TOML file per outlet, validated on load.

Outlets live in `pipelines/outlets/*.toml` plus every directory listed in
NEWSDESK_OUTLETS_PATH (os.pathsep-separated); a later directory's file
overrides a built-in outlet of the same name. A bad file raises
`OutletConfigError`, whose message is one line naming the file, the key and
the reason.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

BUILTIN_DIR = Path(__file__).resolve().parent / "outlets"
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


class OutletConfigError(ValueError):
    """An outlet file is invalid; str() is one line: file: key: reason."""


def _check_http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{value!r} is not an http(s) URL")
    return value


def check_timezone(value: str) -> str:
    """An IANA time zone name, or ValueError (shared by outlet and schedule files)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{value!r} is not an IANA time zone") from None
    return value


def check_css_selector(value: str) -> str:
    """A selector lxml can run (the extractor's own translator), or ValueError."""
    from cssselect import SelectorError
    from lxml.cssselect import CSSSelector

    try:
        CSSSelector(value)
    except SelectorError:
        # found at load time, not as one traceback per article during the crawl
        raise ValueError("not a valid CSS selector") from None
    return value


class Selectors(BaseModel):
    """Optional CSS selectors that override generic extraction for one outlet."""

    model_config = ConfigDict(extra="forbid")
    title: str | None = None
    body: str | None = None  # paragraphs are the text of the matched elements' block children
    authors: str | None = None
    published_at: str | None = None  # an element whose datetime/content attribute or text is the date
    # containers dropped before extraction
    remove: list[Annotated[str, AfterValidator(check_css_selector)]] = Field(default_factory=list)

    @field_validator("title", "body", "authors", "published_at")
    @classmethod
    def _selector(cls, value: str | None) -> str | None:
        return None if value is None else check_css_selector(value)


class Politeness(BaseModel):
    model_config = ConfigDict(extra="forbid")
    download_delay: float = Field(0.5, ge=0, le=60)
    concurrent_requests: int = Field(4, ge=1, le=64)
    autothrottle: bool = True
    obey_robots_txt: bool = True
    user_agent: str | None = None


class OutletSpec(BaseModel):
    """One outlet. Only `name`, `domains`, `sections` and `article_pattern` are required."""

    model_config = ConfigDict(extra="forbid")

    name: str
    domains: list[str] = Field(min_length=1)
    sections: list[str] = Field(min_length=1)
    article_pattern: str
    title: str | None = None  # human-readable name
    country: str | None = None
    language: str | None = None
    timezone: str | None = None  # for dates printed without an offset
    feeds: list[str] = Field(default_factory=list)
    sitemaps: list[str] = Field(default_factory=list)
    pagination_pattern: str | None = None  # regex for "next page" links; rel=next is always followed
    max_pages: int = Field(3, ge=1, le=1000)  # section pages per section, pagination included
    max_articles: int | None = Field(None, ge=1)
    selectors: Selectors = Field(default_factory=Selectors)
    politeness: Politeness = Field(default_factory=Politeness)
    allow_private_network: bool = False  # loopback/private/link-local targets are refused without it
    # JavaScript-rendered outlets: "browser" fetches pages through headless Chromium (crawlers/rendering.py)
    render: Literal["http", "browser"] = "http"
    render_pages: Literal["all", "articles"] = "all"  # which pages go through the browser
    render_wait_for: str | None = None  # CSS selector to wait for; default: network idle after load
    source_file: str | None = Field(None, exclude=True)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not NAME_RE.match(value):
            raise ValueError("must be lowercase letters, digits, '-' or '_' (max 64)")
        return value

    @field_validator("domains")
    @classmethod
    def _domains(cls, values: list[str]) -> list[str]:
        cleaned = []
        for value in values:
            value = value.strip().lower()
            if not value or "/" in value or " " in value:
                raise ValueError(f"{value!r} is not a host name")
            cleaned.append(value)
        return cleaned

    @field_validator("sections", "feeds", "sitemaps")
    @classmethod
    def _urls(cls, values: list[str]) -> list[str]:
        return [_check_http_url(v) for v in values]

    @field_validator("article_pattern", "pagination_pattern")
    @classmethod
    def _regex(cls, value: str | None) -> str | None:
        if value is not None:
            if not value.strip():
                raise ValueError("must not be empty (an empty pattern matches every link)")
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"is not a valid regular expression: {exc}") from None
        return value

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str | None) -> str | None:
        return check_timezone(value) if value is not None else None

    @model_validator(mode="after")
    def _sections_on_domains(self) -> OutletSpec:
        for url in self.sections:
            if not self.owns_url(url):
                raise ValueError(f"section {url!r} is not on the outlet's domains")
        return self

    def owns_url(self, url: str) -> bool:
        """True when the URL's host is one of the outlet's domains or a subdomain of one."""
        host = (urlsplit(url).hostname or "").lower()
        return any(host == d or host.endswith("." + d) for d in self.domains)

    @property
    def article_regex(self) -> re.Pattern[str]:
        return re.compile(self.article_pattern)


def _format_error(path: Path | str, exc: ValidationError) -> str:
    err = exc.errors()[0]
    key = ".".join(str(p) for p in err["loc"]) or "(file)"
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "missing":
        msg = "required key is missing"
    elif err["type"] == "extra_forbidden":
        msg = "unknown key"
    return f"{path}: {key}: {msg}"


def parse_outlet(data: Mapping, source: Path | str) -> OutletSpec:
    try:
        spec = OutletSpec.model_validate(dict(data))
    except ValidationError as exc:
        raise OutletConfigError(_format_error(source, exc)) from None
    spec.source_file = str(source)
    return spec


def load_outlet_file(path: Path) -> OutletSpec:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise OutletConfigError(f"{path}: (file): not valid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise OutletConfigError(f"{path}: (file): cannot be read: {exc}") from None
    return parse_outlet(data, path)


def outlet_dirs(env: Mapping[str, str] | None = None) -> list[Path]:
    env = os.environ if env is None else env
    extra = [Path(p) for p in env.get("NEWSDESK_OUTLETS_PATH", "").split(os.pathsep) if p]
    return [BUILTIN_DIR, *extra]


def load_outlets(dirs: Iterable[Path] | None = None) -> dict[str, OutletSpec]:
    """All outlets by name, every file validated; raises on the first bad one.

    A file of NEWSDESK_OUTLETS_PATH may override a built-in outlet of the same
    name; two files of those directories with one name are refused (which one
    was meant cannot be guessed)."""
    outlets: dict[str, OutletSpec] = {}
    for directory in outlet_dirs() if dirs is None else dirs:
        for path in _toml_files(directory):
            spec = load_outlet_file(path)
            earlier = outlets.get(spec.name)
            if earlier is not None and Path(str(earlier.source_file)).parent != BUILTIN_DIR:
                raise OutletConfigError(f"{path}: name: {spec.name!r} is already defined in {earlier.source_file}")
            outlets[spec.name] = spec
    return outlets


def _toml_files(directory: Path) -> list:
    if directory == BUILTIN_DIR and not directory.is_dir():
        # Inside a zipped egg (a Scrapyd node): read the packaged files through importlib.resources.
        from importlib.resources import files

        packaged = files("pipelines") / "outlets"
        return sorted((p for p in packaged.iterdir() if p.name.endswith(".toml")), key=lambda p: p.name)
    if not directory.is_dir():
        raise OutletConfigError(f"{directory}: NEWSDESK_OUTLETS_PATH: not a directory")
    return sorted(directory.glob("*.toml"))


def get_outlet(name: str, dirs: Iterable[Path] | None = None) -> OutletSpec:
    outlets = load_outlets(dirs)
    if name not in outlets:
        known = ", ".join(sorted(outlets)) or "none"
        raise OutletConfigError(f"outlet {name!r}: name: not defined (known: {known})")
    return outlets[name]

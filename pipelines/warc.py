"""WARC files: fetched pages kept as they came, and read back (warcio; no Scrapy).

Layout of the archive (`$NEWSDESK_ARCHIVE_DIR`, else `$NEWSDESK_HOME/archive`)::

    <outlet>/<YYYY-MM-DD>/<outlet>-<YYYYmmddHHMMSS>-<pid>-<serial>.warc.gz

Every exchange is a `response` record followed by its `request` record
(WARC-Concurrent-To), each its own gzip member, so a record can be read at
its offset without reading what comes before it. A file is closed and a new
one started when it passes `max_bytes` or the UTC day changes. The
`response` record carries two extension headers, `WARC-Newsdesk-Role`
(article, section, ...) and `WARC-Newsdesk-Section`, so a re-extraction
rebuilds the item the crawl built.

Reading tolerates damage: `iter_responses` yields a `BadRecord` (with a
one-line reason) for a record it cannot parse, skips to the next gzip member
when there is one, and stops at a truncated tail.
"""

from __future__ import annotations

import os
import shutil
import zlib
from collections.abc import Iterator
from contextlib import redirect_stderr
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from http import HTTPStatus
from io import BytesIO, StringIO
from pathlib import Path
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

SUFFIX = ".warc.gz"
ROLE_HEADER = "WARC-Newsdesk-Role"
SECTION_HEADER = "WARC-Newsdesk-Section"
DEFAULT_MAX_BYTES = 1024**3  # 1 GiB, the size Heritrix and Common Crawl use
DEFAULT_GZIP_LEVEL = 3
MAX_BODY = 10 * 1024 * 1024  # as DOWNLOAD_MAXSIZE: larger payloads are not pages
_GZIP_MAGIC = b"\x1f\x8b\x08"
_SCAN_CHUNK = 1 << 20
# hop-by-hop framing the body no longer has (Scrapy hands it over de-chunked);
# kept under Common Crawl's X-Crawler- prefix so a reader does not de-chunk again
_FRAMING = {"transfer-encoding"}


def default_archive_dir(env=None) -> Path:
    """$NEWSDESK_ARCHIVE_DIR, else $NEWSDESK_HOME/archive, else ~/.local/share/newsdesk/archive."""
    from pipelines.embedded_db import default_data_dir

    env = os.environ if env is None else env
    if env.get("NEWSDESK_ARCHIVE_DIR"):
        return Path(env["NEWSDESK_ARCHIVE_DIR"]).expanduser()
    return default_data_dir(env).parent / "archive"


@dataclass(frozen=True)
class ArchiveRef:
    """Where one response record lives: `file` relative to the archive root
    (absolute for files outside it, e.g. an ingested CC-NEWS file)."""

    file: str
    offset: int
    length: int
    fetched_at: datetime

    def as_dict(self) -> dict:
        return {"file": self.file, "offset": self.offset, "length": self.length, "fetched_at": self.fetched_at}


@dataclass
class ArchivedResponse:
    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes  # payload with chunking and Content-Encoding undone
    fetched_at: datetime
    offset: int
    length: int
    role: str | None = None
    section: str | None = None

    @property
    def end(self) -> int:
        return self.offset + self.length

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)


@dataclass(frozen=True)
class BadRecord:
    offset: int
    reason: str  # one line
    resume_at: int | None  # where reading goes on; None: nothing readable after it


# -- writing -----------------------------------------------------------------

def _file_stamp(now: datetime) -> str:
    return now.strftime("%Y%m%d%H%M%S")


class _GzipMembers:
    """Each record its own gzip member, at a chosen level.

    warcio's own wrapper always compresses at level 9: on news pages
    (~330 KB of HTML) that is ~16 ms a page for 1% less than level 6 and
    ~12% less than level 3 (4.4 ms); the crawl thread pays it. warcio calls
    `flush` once at the end of each record."""

    def __init__(self, out, level: int):
        self.out, self.level = out, level
        self._compressor = None

    def write(self, data: bytes) -> None:
        if self._compressor is None:
            self._compressor = zlib.compressobj(self.level, zlib.DEFLATED, zlib.MAX_WBITS + 16)
        self.out.write(self._compressor.compress(data))

    def flush(self) -> None:
        if self._compressor is not None:
            self.out.write(self._compressor.flush())
            self._compressor = None
        self.out.flush()


@dataclass
class WarcFileWriter:
    """One outlet's current archive file: rotated by size and by UTC day."""

    root: Path
    outlet: str
    max_bytes: int = DEFAULT_MAX_BYTES
    gzip_level: int = DEFAULT_GZIP_LEVEL
    software: str = "newsdesk"
    _fh: object = field(default=None, repr=False)
    _writer: WARCWriter | None = field(default=None, repr=False)
    _day: date | None = None
    _path: Path | None = None
    _serial: int = 0
    files_written: list[Path] = field(default_factory=list)

    def _open(self, now: datetime) -> None:
        self.close()
        day_dir = self.root / self.outlet / now.date().isoformat()
        day_dir.mkdir(parents=True, exist_ok=True)
        self._serial += 1
        self._path = day_dir / f"{self.outlet}-{_file_stamp(now)}-{os.getpid()}-{self._serial:05d}{SUFFIX}"
        self._fh = open(self._path, "ab")  # noqa: SIM115 - kept open across records
        self._writer = WARCWriter(_GzipMembers(self._fh, self.gzip_level), gzip=False, warc_version="1.0")
        self._day = now.date()
        self.files_written.append(self._path)
        info = self._writer.create_warcinfo_record(self._path.name, {
            "software": self.software, "format": "WARC File Format 1.0",
            "isPartOf": self.outlet, "description": "pages fetched by a newsdesk crawl"})
        self._writer.write_record(info)

    def _current(self, now: datetime):
        if self._writer is None or self._day != now.date() or self._fh.tell() >= self.max_bytes:
            self._open(now)
        return self._writer

    def write_exchange(self, *, url: str, method: str, request_headers: list[tuple[str, str]],
                       request_body: bytes, status: int, response_headers: list[tuple[str, str]],
                       body: bytes, fetched_at: datetime, protocol: str = "HTTP/1.1",
                       role: str | None = None, section: str | None = None) -> ArchiveRef:
        """Append the response record, then its request record; returns where the response is."""
        fetched_at = fetched_at.astimezone(timezone.utc).replace(microsecond=0)
        writer = self._current(fetched_at)
        warc_date = fetched_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        extra = {"WARC-Date": warc_date}
        if role:
            extra[ROLE_HEADER] = role
        if section:
            extra[SECTION_HEADER] = section
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = "Unknown"
        headers = [(f"X-Crawler-{k}" if k.lower() in _FRAMING else k, v) for k, v in response_headers]
        response = writer.create_warc_record(
            url, "response", payload=BytesIO(body), length=len(body), warc_headers_dict=extra,
            http_headers=StatusAndHeaders(f"{status} {reason}", headers, protocol=protocol))
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        req_headers = [("Host", parts.netloc), *((k, v) for k, v in request_headers if k.lower() != "host")]
        request = writer.create_warc_record(
            url, "request", payload=BytesIO(request_body), length=len(request_body),
            warc_headers_dict={"WARC-Date": warc_date},
            http_headers=StatusAndHeaders(f"{method} {target} {protocol}", req_headers, is_http_request=True))
        # the response first, then its request, as warcio's write_request_response_pair
        # does; written one by one to know where the response record ends
        request.rec_headers.add_header("WARC-Concurrent-To", response.rec_headers.get_header("WARC-Record-ID"))
        offset = self._fh.tell()
        writer.write_record(response)
        length = self._fh.tell() - offset
        writer.write_record(request)
        return ArchiveRef(str(self._path.relative_to(self.root)), offset, length, fetched_at)

    @property
    def path(self) -> Path | None:
        return self._path

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
        self._fh = self._writer = None


# -- reading -----------------------------------------------------------------

def _parse_date(value: str | None) -> datetime:
    if not value:
        return datetime.now(timezone.utc).replace(microsecond=0)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return datetime.now(timezone.utc).replace(microsecond=0)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _response_of(record, offset: int, max_body: int) -> ArchivedResponse | str:
    """The response, or a reason it cannot be used."""
    http = record.http_headers
    if http is None:
        return "response record without HTTP headers"
    try:
        status = int(http.get_statuscode())
    except (TypeError, ValueError):
        return f"bad HTTP status line {http.statusline!r:.60}"
    body = record.content_stream().read(max_body + 1)
    if len(body) > max_body:
        return f"payload larger than {max_body} bytes"
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    return ArchivedResponse(
        url=url.strip("<>"), status=status, headers=list(http.headers), body=body,
        fetched_at=_parse_date(record.rec_headers.get_header("WARC-Date")), offset=offset, length=0,
        role=record.rec_headers.get_header(ROLE_HEADER), section=record.rec_headers.get_header(SECTION_HEADER))


class _Damaged(Exception):
    """A record whose bytes end before its Content-Length (truncated or corrupt)."""


def _check_complete(record) -> None:
    # warcio reads a cut or corrupt gzip member as a short record without raising:
    # what is left of its declared Content-Length tells
    missing = getattr(record.raw_stream, "limit", 0)
    if missing:
        raise _Damaged(f"record cut short: {missing} bytes of its Content-Length missing")


def _printable(text: str, limit: int) -> str:
    """One line of printable text: other characters (binary read as text) as escapes."""
    text = " ".join(text.split())
    shown = "".join(ch if ch.isprintable() and ord(ch) < 0x7f else ascii(ch)[1:-1] for ch in text[:limit])
    return shown + ("..." if len(text) > limit else "")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, _Damaged):
        return str(exc)
    text = str(exc)
    if isinstance(exc, ArchiveLoadFailed) and "first line:" in text:
        # warcio quotes the bytes it found, binary of a corrupt gzip member included
        found = text.split("first line:", 1)[1].strip()
        return f"not a WARC record (corrupt or not WARC data; it starts {_printable(found, 12)})"
    text = _printable(text, 160)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _next_member(path: Path, after: int) -> int | None:
    """Offset of the next gzip member header after `after`, or None."""
    with open(path, "rb") as fh:
        fh.seek(after + 1)
        pos = after + 1
        tail = b""
        while chunk := fh.read(_SCAN_CHUNK):
            data = tail + chunk
            hit = data.find(_GZIP_MAGIC)
            if hit >= 0:
                return pos - len(tail) + hit
            tail = data[-(len(_GZIP_MAGIC) - 1):]
            pos += len(chunk)
    return None


def _read_next(records, max_body: int):
    """(offset, end, response | reason | None) of the next record; None at the end.

    warcio reports some damage on stderr besides what it returns: silenced
    here, so each bad record makes one line, ours."""
    with redirect_stderr(StringIO()):
        try:
            record = next(records)
        except StopIteration:
            return None
        offset = records.offset
        item = _response_of(record, offset, max_body) if record.rec_type == "response" else None
        records.read_to_end(record)
        _check_complete(record)
        return offset, offset + records.get_record_length(), item


def iter_responses(path: Path, start: int = 0, max_body: int = MAX_BODY
                   ) -> Iterator[ArchivedResponse | BadRecord]:
    """Response records of one WARC file (.warc or .warc.gz) from byte `start`, streaming.

    Other record types are passed over. A record that cannot be read is
    yielded as a `BadRecord`; in a per-record gzip file reading goes on at the
    next gzip member, otherwise (or at a truncated tail) it stops there."""
    path = Path(path)
    compressed = _is_gzip(path)
    size = path.stat().st_size
    pos: int | None = start
    while pos is not None:
        with open(path, "rb") as fh:
            fh.seek(pos)
            records = ArchiveIterator(fh)
            end = pos  # end of the last complete record
            pos = None
            while True:
                try:
                    got = _read_next(records, max_body)
                except (_Damaged, ArchiveLoadFailed, zlib.error, EOFError, OSError, ValueError) as exc:
                    pos = _next_member(path, end) if compressed else None
                    yield BadRecord(end, _reason(exc), pos)
                    break
                if got is None:
                    if size - end > 4:  # no record boundary at the end: a cut file
                        yield BadRecord(end, f"truncated: the last {size - end} bytes are not a complete record", None)
                    break
                offset, end, item = got
                if isinstance(item, str):
                    yield BadRecord(offset, item, end)
                elif item is not None:
                    item.length = end - offset
                    yield item


def _is_gzip(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(2) == b"\x1f\x8b"


def read_response(root: Path, ref: dict | ArchiveRef, max_body: int = MAX_BODY) -> ArchivedResponse:
    """The response record at `ref` (a stored article's `archive` field); ValueError when it is not one."""
    if isinstance(ref, ArchiveRef):
        ref = ref.as_dict()
    path = Path(ref["file"])
    path = path if path.is_absolute() else Path(root) / path
    offset = int(ref["offset"])
    with open(path, "rb") as fh:
        fh.seek(offset)
        records = ArchiveIterator(fh)
        try:
            record = next(records)
        except StopIteration:
            raise ValueError(f"{path}@{offset}: no record there") from None
        except (ArchiveLoadFailed, zlib.error, EOFError) as exc:
            raise ValueError(f"{path}@{offset}: {_reason(exc)}") from None
        if record.rec_type != "response":
            raise ValueError(f"{path}@{offset}: a {record.rec_type} record, not a response")
        item = _response_of(record, offset, max_body)
        if isinstance(item, str):
            raise ValueError(f"{path}@{offset}: {item}")
        records.read_to_end(record)
        item.length = records.get_record_length()
        return item


# -- files and retention -----------------------------------------------------------

def _day_of(name: str) -> date | None:
    try:
        return date.fromisoformat(name)
    except ValueError:
        return None


def archive_days(root: Path, outlet: str | None = None) -> Iterator[tuple[str, date, Path]]:
    """(outlet, day, directory) for every day directory, oldest first per outlet."""
    root = Path(root)
    if not root.is_dir():
        return
    outlets = [root / outlet] if outlet else sorted(p for p in root.iterdir() if p.is_dir())
    for outlet_dir in outlets:
        if not outlet_dir.is_dir():
            continue
        for day_dir in sorted(outlet_dir.iterdir()):
            day = _day_of(day_dir.name)
            if day is not None and day_dir.is_dir():
                yield outlet_dir.name, day, day_dir


def prune(root: Path, outlet: str, keep_days: int, today: date) -> list[Path]:
    """Delete the outlet's day directories older than `keep_days` days; 0 keeps everything."""
    if keep_days <= 0:
        return []
    removed = []
    for _name, day, day_dir in archive_days(root, outlet):
        if (today - day).days >= keep_days:
            shutil.rmtree(day_dir, ignore_errors=True)
            removed.append(day_dir)
    return removed

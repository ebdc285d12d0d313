"""pipelines/warc.py: archive files written, rotated, read back, damaged, pruned."""

from __future__ import annotations

import gzip
from datetime import date, datetime, timedelta, timezone

from warcio.archiveiterator import ArchiveIterator

from pipelines.warc import (
    ArchivedResponse,
    BadRecord,
    WarcFileWriter,
    archive_days,
    default_archive_dir,
    iter_responses,
    prune,
    read_response,
)

T0 = datetime(2026, 11, 30, 23, 59, 0, tzinfo=timezone.utc)


def page(n: int, size: int = 2000) -> bytes:
    return (f"<html><body><h1>Story {n}</h1>" + f"<p>paragraph {n} " * (size // 16) + "</body></html>").encode()


def write(writer: WarcFileWriter, n: int, when: datetime = T0, **kw):
    return writer.write_exchange(
        url=f"https://news.test/a/{n}.html", method="GET", request_headers=[("User-Agent", "newsdesk")],
        request_body=b"", status=200, response_headers=[("Content-Type", "text/html; charset=utf-8")],
        body=page(n), fetched_at=when, **kw)


def test_each_ref_points_at_its_own_response_record_readable_by_warcio(tmp_path):
    writer = WarcFileWriter(tmp_path, "news")
    refs = [write(writer, n, role="article", section="https://news.test/world/") for n in range(5)]
    writer.close()
    (path,) = writer.files_written
    assert path.parent == tmp_path / "news" / "2026-11-30" and path.name.endswith(".warc.gz")
    types = []
    with open(path, "rb") as fh:
        for record in ArchiveIterator(fh):
            types.append(record.rec_type)
    assert types == ["warcinfo"] + ["response", "request"] * 5
    for n, ref in enumerate(refs):
        got = read_response(tmp_path, ref)
        assert got.url == f"https://news.test/a/{n}.html" and got.body == page(n)
        assert got.status == 200 and got.role == "article" and got.section == "https://news.test/world/"
        assert got.length == ref.length and got.fetched_at == T0
        # the stored offset is exactly one gzip member: it decompresses alone
        raw = path.read_bytes()[ref.offset:ref.offset + ref.length]
        head = gzip.decompress(raw).split(b"\r\n\r\n", 1)[0]
        assert head.startswith(b"WARC/1.0\r\n") and b"\r\nWARC-Type: response\r\n" in head


def test_rotates_by_size_and_by_utc_day(tmp_path):
    writer = WarcFileWriter(tmp_path, "news", max_bytes=1200)
    refs = [write(writer, n) for n in range(6)]
    write(writer, 99, when=T0 + timedelta(minutes=2))  # past midnight UTC
    writer.close()
    assert len({r.file for r in refs}) >= 3  # ~750 bytes compressed per exchange
    assert all(f.stat().st_size < 1200 + 1000 for f in writer.files_written)
    days = [(o, d) for o, d, _ in archive_days(tmp_path)]
    assert days == [("news", date(2026, 11, 30)), ("news", date(2026, 12, 1))]
    seen = [r.url for f in writer.files_written for r in iter_responses(f)]
    assert seen == [f"https://news.test/a/{n}.html" for n in [*range(6), 99]]


def test_truncated_tail_yields_good_records_then_one_bad(tmp_path):
    writer = WarcFileWriter(tmp_path, "news")
    refs = [write(writer, n) for n in range(4)]
    writer.close()
    path = writer.files_written[0]
    data = path.read_bytes()
    path.write_bytes(data[:refs[3].offset + refs[3].length // 2])
    out = list(iter_responses(path))
    assert [r.url[-6:] for r in out if isinstance(r, ArchivedResponse)] == ["0.html", "1.html", "2.html"]
    bad = [r for r in out if isinstance(r, BadRecord)]
    assert len(bad) == 1 and bad[0].offset == refs[3].offset and bad[0].resume_at is None
    assert "\n" not in bad[0].reason and bad[0].reason


def test_corrupt_record_in_the_middle_is_skipped_and_reading_goes_on(tmp_path):
    writer = WarcFileWriter(tmp_path, "news")
    refs = [write(writer, n) for n in range(4)]
    writer.close()
    path = writer.files_written[0]
    data = bytearray(path.read_bytes())
    mid = refs[1].offset + refs[1].length // 2
    data[mid:mid + 40] = b"\x00" * 40  # garbage inside record 1's deflate stream
    path.write_bytes(bytes(data))
    out = list(iter_responses(path))
    assert [r.url[-6:] for r in out if isinstance(r, ArchivedResponse)] == ["0.html", "2.html", "3.html"]
    (bad,) = [r for r in out if isinstance(r, BadRecord)]
    assert bad.offset == refs[1].offset and bad.resume_at is not None


def test_reading_resumes_from_an_offset(tmp_path):
    writer = WarcFileWriter(tmp_path, "news")
    refs = [write(writer, n) for n in range(4)]
    writer.close()
    out = list(iter_responses(writer.files_written[0], start=refs[1].offset + refs[1].length))
    # the request record of 1 comes first and is passed over
    assert [r.url[-6:] for r in out] == ["2.html", "3.html"]
    assert [r.offset for r in out] == [refs[2].offset, refs[3].offset]


def test_prune_keeps_the_last_days_only(tmp_path):
    for day in ("2026-11-01", "2026-11-25", "2026-11-30"):
        (tmp_path / "news" / day).mkdir(parents=True)
    (tmp_path / "other" / "2026-11-01").mkdir(parents=True)
    removed = prune(tmp_path, "news", keep_days=7, today=date(2026, 11, 30))
    assert [p.name for p in removed] == ["2026-11-01"]
    assert sorted(p.name for p in (tmp_path / "news").iterdir()) == ["2026-11-25", "2026-11-30"]
    assert (tmp_path / "other" / "2026-11-01").is_dir()  # another outlet's files are its own
    assert prune(tmp_path, "news", keep_days=0, today=date(2030, 1, 1)) == []


def test_archive_dir_from_environment(tmp_path):
    assert default_archive_dir({"NEWSDESK_ARCHIVE_DIR": str(tmp_path / "w")}) == tmp_path / "w"
    assert default_archive_dir({"NEWSDESK_HOME": str(tmp_path)}) == tmp_path / "archive"


def test_a_body_kept_as_sent_compressed_is_read_back_decoded_and_made_a_page(tmp_path):
    """The crawl archives a gzip-encoded body as received (the middleware sits before
    HttpCompression); reading it back gives the HTML, as the spider got it."""
    from crawlers.pages import response_from, response_html

    html = page(7, size=5000)
    writer = WarcFileWriter(tmp_path, "news")
    ref = writer.write_exchange(
        url="https://news.test/a/7.html", method="GET", request_headers=[], request_body=b"", status=200,
        response_headers=[("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip"),
                          ("Transfer-Encoding", "chunked")],
        body=gzip.compress(html), fetched_at=T0, role="article")
    writer.close()
    raw = gzip.decompress((tmp_path / ref.file).read_bytes()[ref.offset:ref.offset + ref.length])
    assert b"\r\nContent-Encoding: gzip\r\n" in raw and b"\r\nX-Crawler-Transfer-Encoding: chunked\r\n" in raw
    assert html not in raw  # stored compressed, as sent
    got = read_response(tmp_path, ref)
    assert got.body == html
    assert [r.body for r in iter_responses(tmp_path / ref.file)] == [html]
    text = response_html(response_from(got.url, got.status, got.headers, got.body))
    assert text == html.decode()

from datetime import datetime, timezone

from pipelines.normalize import normalize_item, parse_date, tidy_text
from pipelines.validate import validate_item

BODY = "A paragraph long enough to count as an article body. " * 6


def test_parse_date_iso_with_offset_to_utc():
    assert parse_date("2026-11-01T08:30:00+01:00") == datetime(2026, 11, 1, 7, 30, tzinfo=timezone.utc)


def test_parse_date_naive_uses_outlet_timezone():
    assert parse_date("2026-07-01 12:00", "Europe/Berlin") == datetime(2026, 7, 1, 10, 0, tzinfo=timezone.utc)


def test_parse_date_keeps_offsets_and_zones_outside_iso():
    # RSS pubDate (RFC 822) and printed zones: the offset is kept, whatever the outlet's zone
    assert parse_date("Tue, 17 Nov 2026 09:30:00 +0100", "Asia/Kolkata") == datetime(2026, 11, 17, 8, 30,
                                                                                       tzinfo=timezone.utc)
    assert parse_date("17 November 2026 09:30 CET") == datetime(2026, 11, 17, 8, 30, tzinfo=timezone.utc)
    assert parse_date("17.11.2026 09:30", "Europe/Berlin") == datetime(2026, 11, 17, 8, 30, tzinfo=timezone.utc)


def test_parse_date_localised_text():
    assert parse_date("3 novembre 2026") == datetime(2026, 11, 3, tzinfo=timezone.utc)


def test_parse_date_garbage_is_none():
    assert parse_date("not a date at all") is None
    assert parse_date("") is None


def test_tidy_text_collapses_spaces_and_blank_runs():
    assert tidy_text("  a \u00a0 b \r\n\n\n\nc  ") == "a b\n\nc"


def test_normalize_item_canonicalises_and_keeps_input():
    item = {"url": "https://www.example.com/a/1?utm_source=x#top", "title": " T ", "body": BODY,
            "authors": ["A", " A ", "B"], "published_at": "2026-11-01T08:30:00Z"}
    out = normalize_item(item, domains=("example.com",))
    assert out["canonical_url"] == "https://www.example.com/a/1"
    assert out["authors"] == ["A", "B"]
    assert out["title"] == "T"
    assert item["title"] == " T "


def test_validate_drops_with_reason():
    base = {"canonical_url": "u", "url": "u", "outlet": "o", "title": "T", "body": BODY}
    assert validate_item(base)[1] is None
    assert validate_item({**base, "body": "too short"})[1] == "short_body"
    assert validate_item({**base, "body": None})[1] == "missing_body"
    assert validate_item({**base, "title": "  "})[1] == "missing_title"


def test_leading_title_line_is_dropped_only_when_it_repeats_the_headline():
    from pipelines.normalize import drop_leading_title

    assert drop_leading_title("Big News!\nThe story.", "big news") == "The story."
    assert drop_leading_title("Big news arrives\nThe story.", "Big news") == "Big news arrives\nThe story."
    assert drop_leading_title("Big news", "Big news") == "Big news"  # nothing else left: keep

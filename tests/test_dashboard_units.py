"""The dashboard's pure parts: SVG charts, the body with its removed blocks, version diffs, the token checks."""

from __future__ import annotations

import xml.etree.ElementTree as ET  # noqa: N817 - parses our own SVG, not untrusted input

from schedules.dashboard import security, svg, text

SVG_NS = "{http://www.w3.org/2000/svg}"


def parse(markup) -> ET.Element:
    return ET.fromstring(str(markup))  # well-formed XML, or this raises


def test_sparkline_draws_one_bar_per_run_scaled_to_the_largest():
    root = parse(svg.sparkline([0, 5, 10], width=30, height=22))
    bars = root.findall(f"{SVG_NS}rect")
    assert len(bars) == 3
    heights = [float(b.get("height")) for b in bars]
    assert heights[2] == 20 and heights[1] == 10  # height - 2 is the tallest bar
    assert 0 < heights[0] < 1 and "zero" in bars[0].get("class")  # nothing new: a thin mark, not nothing
    assert [b.find(f"{SVG_NS}title").text for b in bars] == ["run 1: 0 new", "run 2: 5 new", "run 3: 10 new"]
    assert parse(svg.sparkline([])).findall(f"{SVG_NS}rect") == []


def test_chart_text_is_escaped():
    hostile = '<script>alert(1)</script>"&'
    for markup in (svg.hbars([(hostile, 3)]), svg.stacked_bars(["2026-11-20"], {hostile: [2]}),
                   svg.duration_bars([{"id": '"><x', "outlet": hostile, "started_at": None, "duration_s": 1.0,
                                       "status": hostile}])):
        assert "<script>" not in str(markup)
        root = parse(markup)
        texts = "".join(root.itertext())
        assert hostile in texts  # shown as text


def test_stacked_bars_stack_series_and_axis_is_a_round_number():
    root = parse(svg.stacked_bars(["2026-11-20", "2026-11-21"], {"a": [3, 0], "b": [4, 1]}, height=200))
    rects = [r for r in root.iter(f"{SVG_NS}rect") if r.find(f"{SVG_NS}title") is not None]
    assert sorted(r.find(f"{SVG_NS}title").text for r in rects) == [
        "2026-11-20 a: 3", "2026-11-20 b: 4", "2026-11-21 b: 1"]  # zero values draw nothing
    day1 = [r for r in rects if r.find(f"{SVG_NS}title").text.startswith("2026-11-20")]
    a, b = sorted(day1, key=lambda r: r.find(f"{SVG_NS}title").text)
    # b sits on top of a (coordinates are rounded to a tenth)
    assert abs(float(b.get("y")) + float(b.get("height")) - float(a.get("y"))) <= 0.15
    assert svg.nice_max(7) == 10 and svg.nice_max(13) == 20 and svg.nice_max(0) == 1 and svg.nice_max(250) == 500


def test_duration_bars_link_to_runs_and_colour_by_status():
    runs = [{"id": "abc", "outlet": "x", "started_at": None, "duration_s": 10.0, "status": "ok"},
            {"id": "def", "outlet": "x", "started_at": None, "duration_s": 20.0, "status": "timed_out"}]
    root = parse(svg.duration_bars(runs))
    links = root.findall(f"{SVG_NS}a")
    assert [a.get("href") for a in links] == ["/runs/abc", "/runs/def"]
    fills = [a.find(f"{SVG_NS}rect").get("fill") for a in links]
    assert fills == [svg.STATUS_COLOURS["ok"], svg.BAD_COLOUR]


def test_body_segments_put_blocks_back_where_they_stood():
    body = "First.\nSecond.\n\nThird."
    blocks = [{"text": "Subscribe for $1", "reason": "price_plan", "at": 1},
              {"text": "Already a subscriber? Log in", "reason": "login", "at": 1},
              {"text": "Newsletter", "reason": "newsletter", "at": 3},
              {"text": "from the DOM", "reason": "container"},
              {"text": "bad position", "reason": "x", "at": 99}]
    segments, unplaced = text.body_segments(body, blocks)
    assert segments == [
        {"text": "First."},
        {"removed": [blocks[0], blocks[1]]},
        {"text": "Second."},
        {"text": "Third."},
        {"removed": [blocks[2]]},
    ]
    assert [b["text"] for b in unplaced] == ["from the DOM", "bad position"]
    assert text.body_segments(None, None) == ([], [])


def test_version_diff_marks_changed_paragraphs_and_folds_long_unchanged_runs():
    old = "\n".join(["intro", "a", "b", "c", "d", "e", "old ending"])
    new = "\n".join(["intro", "a", "b", "c", "d", "e", "new ending", "added"])
    diff = text.version_diff(old, new)
    assert diff[0] == {"op": "equal", "text": "intro"}
    assert {"op": "skip", "count": 4} in diff
    assert diff[-3:] == [{"op": "delete", "text": "old ending"}, {"op": "insert", "text": "new ending"},
                         {"op": "insert", "text": "added"}]
    changes = text.version_diffs([{"version": 1, "body": "x"}, {"version": 2, "body": "y"}],
                                 {"version": 3, "body": "z"})
    assert [(c["from_version"], c["to_version"]) for c in changes] == [(2, 3), (1, 2)]


def test_actions_need_the_token_and_a_same_origin_request():
    token = "s3cret-token"
    host, scheme = "127.0.0.1:9410", "http"
    assert security.refuse_action(None, {}, {}, {}, scheme, host).startswith("actions are disabled")
    assert security.refuse_action(token, {}, {}, {}, scheme, host) == "log in with the dashboard token first"
    assert security.refuse_action(token, {"authorization": "Bearer nope"}, {}, {}, scheme, host) == "wrong token"
    assert security.refuse_action(token, {"authorization": f"Bearer {token}"}, {}, {}, scheme, host) is None

    cookie = security.new_session(token)
    nonce = security.session_nonce(token, cookie)
    good_form = {"csrf": security.csrf_for(token, nonce)}
    cookies = {security.SESSION_COOKIE: cookie}
    assert security.refuse_action(token, {}, cookies, good_form, scheme, host) is None
    assert "CSRF" in security.refuse_action(token, {}, cookies, {"csrf": "x"}, scheme, host)
    # a cookie signed under another token is no session
    assert security.session_nonce("other", cookie) is None
    assert security.session_nonce(token, cookie[:-1] + ("0" if cookie[-1] != "0" else "1")) is None
    # from another site: refused even with the cookie, the CSRF field or the bearer token
    for headers in ({"origin": "http://evil.example"}, {"sec-fetch-site": "cross-site"},
                    {"sec-fetch-site": "same-site"}, {"origin": "null"}):
        assert "cross-site" in security.refuse_action(token, headers, cookies, good_form, scheme, host)
        assert "cross-site" in security.refuse_action(token, {**headers, "authorization": f"Bearer {token}"},
                                                      {}, {}, scheme, host)
    assert security.refuse_action(token, {"origin": "http://127.0.0.1:9410", "sec-fetch-site": "same-origin"},
                                  cookies, good_form, scheme, host) is None


def test_run_summary_keeps_the_first_urls_of_each_error_kind():
    from scrapy.utils.test import get_crawler

    from pipelines.runs import EXAMPLES_PER_KIND, note_bad_page, note_fields, summarize_stats

    stats = get_crawler().stats
    for i in range(5):
        note_bad_page(stats, "http_404", f"https://a.example/gone/{i}")
    note_bad_page(stats, "timeout", "https://a.example/slow")
    note_bad_page(stats, "timeout", "https://a.example/slow")  # the same URL again: counted, not listed twice
    for item in ({"published_at": "2026", "authors": ["A"]}, {"paywalled": True, "authors": []}, {}):
        note_fields(stats, item)
    summary = summarize_stats(stats.get_stats())
    assert summary["fields"] == {"articles": 3, "published_at": 1, "authors": 1, "paywalled": 1}
    assert summary["errors"] == {"page:http_404": 5, "page:timeout": 2}
    assert summary["error_examples"] == {
        "page:http_404": [f"https://a.example/gone/{i}" for i in range(EXAMPLES_PER_KIND)],
        "page:timeout": ["https://a.example/slow"]}


def test_removed_blocks_get_the_position_they_stood_at_through_two_stages():
    from pipelines.removed_at import place_removed
    from pipelines.stages import offers_stage

    before = "Intro.\nSubscribe now for $1 a week\nMiddle.\nPhoto: Agency\nEnd."
    after_offers = "Intro.\nMiddle.\nEnd."
    blocks = place_removed(before, after_offers, [{"text": "dom", "reason": "container"}],
                           [{"text": "Subscribe now for $1 a week", "reason": "price_plan"},
                            {"text": "Photo: Agency", "reason": "photo_credit"}])
    assert blocks == [{"text": "dom", "reason": "container"},  # no position: removed from the HTML
                      {"text": "Subscribe now for $1 a week", "reason": "price_plan", "at": 1},
                      {"text": "Photo: Agency", "reason": "photo_credit", "at": 2}]
    # a later stage drops "Intro.": the earlier blocks move with the paragraphs still there
    later = place_removed(after_offers, "Middle.\nEnd.", blocks, [{"text": "Intro.", "reason": "outlet_boilerplate"}])
    assert [(b["reason"], b.get("at")) for b in later] == [
        ("container", None), ("price_plan", 0), ("photo_credit", 1), ("outlet_boilerplate", 0)]
    segments, _ = text.body_segments("Middle.\nEnd.", later)
    assert [s.get("text") or [b["reason"] for b in s["removed"]] for s in segments] == [
        ["price_plan", "outlet_boilerplate"], "Middle.", ["photo_credit"], "End."]

    # the real offer stage records where the offer was
    body = ("The council approved the harbour plan on Tuesday after two years of debate among its members.\n"
            "You have reached your limit of free articles this month. Subscribe to continue reading.\n"
            "Work starts in spring and runs to the end of next year, the mayor's office said in a statement.")
    item = offers_stage({"body": body, "language": "en", "removed_blocks": []})
    assert item["removed_blocks"] and all(b.get("at") == 1 for b in item["removed_blocks"])


def test_the_next_window_is_sized_from_the_rate_seen_so_far():
    from datetime import datetime, timedelta, timezone

    from schedules.dashboard.queries import next_lower

    top = datetime(2026, 11, 20, 12, tzinfo=timezone.utc)
    hour_ago = top - timedelta(hours=1)
    assert next_lower(top, hour_ago, 0, 51) is None  # nothing seen yet: the fixed schedule decides
    assert next_lower(top, None, 10, 51) is None
    # 40 an hour, 11 missing: about 17 minutes more, with a quarter to spare
    assert next_lower(top, hour_ago, 40, 51) == hour_ago - timedelta(hours=1) * (11 / 40) * 1.25
    # almost all found: still at least a quarter of the span read so far, so a thin history ends soon
    assert next_lower(top, hour_ago, 50, 51) == hour_ago - timedelta(minutes=15)


def test_a_slice_costs_what_the_previous_one_did_per_hour_covered():
    from datetime import datetime, timedelta, timezone

    from schedules.dashboard.queries import slice_cost

    upper = datetime(2026, 11, 20, 12, tzinfo=timezone.utc)
    last = (0.02, timedelta(hours=6))  # 20 ms for six hours
    assert abs(slice_cost(last, upper, upper - timedelta(days=3)) - 0.24) < 1e-9  # twelve times as long
    assert slice_cost(last, upper, None) == 0.08  # everything older: counted as four slices

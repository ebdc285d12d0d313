"""What `render = "browser"` costs: article pages per minute through Chromium vs plain HTTP.

    .venv/bin/python benchmarks/rendering.py [--pages 40] [--repeat 2]

One local outlet (127.0.0.1) of N article pages behind one section page is
crawled alternately as a plain outlet and as `render = "browser"` (article
pages through Chromium), politeness off, into a throwaway database; the
same pages both ways, so the ratio is the browser's cost alone.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._site import DatabaseServer  # noqa: E402
from tests.outlet_site import OutletSite, article_page, outlet_file  # noqa: E402
from tests.sitefixtures import newsdesk_env, run_newsdesk  # noqa: E402

MODES = {"http": "", "browser": 'render = "browser"\nrender_pages = "articles"\n'}


def build(n_pages: int) -> OutletSite:
    site = OutletSite()
    site.page("/robots.txt", "User-agent: *\nDisallow:\n", content_type="text/plain")
    links = []
    for i in range(n_pages):
        site.page(f"/news/2026/a{i}.html", article_page(f"bench-{i}", f"Story number {i}"))
        links.append(f'<a href="/news/2026/a{i}.html">{i}</a>')
    site.page("/news/", "<html><body>" + "".join(links) + "</body></html>")
    return site


def crawl(tmp: Path, db_uri: str, base_url: str, mode: str, run: int) -> dict:
    name = f"{mode}{run}"
    outlet_file(tmp / "outlets", name, base_url, extra=MODES[mode])
    env = newsdesk_env(tmp, db_uri, f"bench_{name}")
    summary_file = tmp / f"{name}.json"
    result = run_newsdesk(env, "crawl", name, "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
                          "-s", "NEWSDESK_STOP_AFTER_KNOWN=100000", "--summary-json", str(summary_file),
                          timeout=900)
    if result.returncode != 0:
        raise SystemExit(f"{mode} crawl failed: {result.stderr[-2000:]}")
    from pymongo import MongoClient

    client = MongoClient(db_uri)
    doc = client[f"bench_{name}"].crawl_runs.find_one()
    client.close()
    stored = json.loads(summary_file.read_text())["stored"]["new"]
    return {"mode": mode, "stored": stored, "seconds": doc["duration_s"],
            "per_min": stored / doc["duration_s"] * 60}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args(argv)
    site = build(args.pages)
    with tempfile.TemporaryDirectory(prefix="nd-render-") as tmpdir, site.serve() as server, \
            DatabaseServer(Path(tmpdir)) as db:
        tmp = Path(tmpdir)
        results: dict[str, list[dict]] = {"http": [], "browser": []}
        for run in range(args.repeat):  # alternated, so both modes see the same machine load
            for mode in MODES:
                r = crawl(tmp, db.uri, server.base_url, mode, run)
                print(f"{mode:8s} run {run}: {r['stored']} articles in {r['seconds']:.1f} s = "
                      f"{r['per_min']:.0f}/min", flush=True)
                results[mode].append(r)
    http = statistics.median(r["per_min"] for r in results["http"])
    browser = statistics.median(r["per_min"] for r in results["browser"])
    print(f"articles per minute (median of {args.repeat}): http {http:.0f}, browser {browser:.0f}; "
          f"browser/http = {browser / http:.2f}")


if __name__ == "__main__":
    main()

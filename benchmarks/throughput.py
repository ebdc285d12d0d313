"""Crawl throughput against the limit of fetching plus extraction.

On one fixture site of N real article pages (benchmarks/_site.py: corpus
pages behind paginated section pages, served by a separate process on
127.0.0.1), in one run:

* A: fetch only: a plain Scrapy spider fetching every section and article page;
* B: extract only: `crawlers.offline.process_html` (extraction, normalisation,
  offer stripping, validation: the pipeline's own functions) over the same
  HTML, in this process, no network;
* C: `newsdesk crawl` of an outlet file pointing at the site, into a throwaway
  SecantusDB server started here (the real CLI, pipeline and store);

* C1: the same crawl with NEWSDESK_CPU_WORKERS=0 (everything on one core);
* P: the plain pipeline a user would write instead (issue 16): a plain Scrapy
  spider, `trafilatura.extract` with default options, pymongo `insert_many`
  batches of 100 into the same database server; one process, so one core.

A, P and C use the same Scrapy settings (FAST below). Rates are article pages
per minute of crawl time (spider open to close: Scrapy's own start-up and
imports are left out; for C it is `crawl_runs.duration_s`). L = 1/(1/A + 1/B)
is what one core could do if the crawl were nothing but fetching and
extracting. CPU ms per article is each crawl's own process CPU time (for C
its worker processes too): steadier than rates on a shared machine. The last
line is `ratio newsdesk/plain: x.xx` (C/P; the line before it is C1/P).

Usage::

    .venv/bin/python benchmarks/throughput.py [--pages 100] [--repeat 1]
    .venv/bin/python benchmarks/throughput.py --memory-curve   # 1k, 5k, 10k pages: peak RSS of C
    .venv/bin/python benchmarks/throughput.py --profile prof.html [--one-core]  # C (C1) under pyinstrument
    .venv/bin/python benchmarks/throughput.py --profile prof.spy --one-core    # py-spy, all threads: CPU share by stage
    .venv/bin/python benchmarks/throughput.py --archive-cost [--repeat 4]

--archive-cost measures only what the WARC archive costs: the crawl C with
the archive on and C0 with NEWSDESK_ARCHIVE=False, alternating (C0 C C C0
...) on one site and database; it prints archive bytes per article, the
ratio of crawl rates C/C0 (the throughput cost) and of CPU per article
(all processes of the crawl; steadier than rates when the machine is shared).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repo importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._site import REPO, DatabaseServer, SiteServer, build_site, write_outlet  # noqa: E402

NEWSDESK = str(Path(sys.executable).with_name("newsdesk"))
FAST = {
    "CONCURRENT_REQUESTS": 32,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 32,
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "ROBOTSTXT_OBEY": False,
}


# -- A: fetch only, and P: the plain pipeline ---------------------------------

def plain_spider_child(start_urls: list[str], out: Path, db_uri: str | None, db_name: str | None) -> None:
    """Runs in a child process: a plain Scrapy spider, same settings as the crawl.

    Without a database it only fetches (A). With one it is the plain pipeline
    a user would write in an afternoon (P): `trafilatura.extract` with its
    default options on each article page, and pymongo `insert_many` batches of
    BATCH documents into the same database server the crawl writes to."""
    import re

    import scrapy
    from scrapy import signals
    from scrapy.crawler import CrawlerProcess

    from benchmarks._site import ARTICLE_PATTERN

    article_re = re.compile(ARTICLE_PATTERN)
    times: dict[str, float] = {}
    plain = db_uri is not None
    if plain:
        import trafilatura
        from pymongo import MongoClient

        client = MongoClient(db_uri)
        collection = client[db_name].articles
    batch: list[dict] = []

    def flush():
        if batch:
            collection.insert_many(batch)
            batch.clear()

    class PlainSpider(scrapy.Spider):
        name = "plain" if plain else "fetch_only"
        articles = 0
        stored = 0

        async def start(self):
            for url in start_urls:
                yield scrapy.Request(url, callback=self.parse_section, priority=10)

        def parse_section(self, response):
            for href in response.xpath("//a/@href").getall():
                url = response.urljoin(href)
                if article_re.search(url):
                    yield scrapy.Request(url, callback=self.parse_article)
            for href in response.xpath('//link[@rel="next"]/@href').getall():
                yield scrapy.Request(response.urljoin(href), callback=self.parse_section, priority=5)

        def parse_article(self, response):
            PlainSpider.articles += 1
            if not plain:
                _ = response.body  # fetched; nothing else
                return
            text = trafilatura.extract(response.text, url=response.url)
            if text:
                batch.append({"url": response.url, "body": text})
                PlainSpider.stored += 1
                if len(batch) >= BATCH:
                    flush()

    process = CrawlerProcess({**FAST, "LOG_LEVEL": "WARNING", "TELNETCONSOLE_ENABLED": False,
                              "USER_AGENT": "newsdesk/0.1 (+https://example.invalid/newsdesk)",
                              "COOKIES_ENABLED": False})
    crawler = process.create_crawler(PlainSpider)
    def opened(spider):
        times["open"], times["cpu_open"] = time.perf_counter(), time.process_time()

    def closed(spider, reason):
        if plain:
            flush()
        times["close"], times["cpu_close"] = time.perf_counter(), time.process_time()

    # (signal receivers are held weakly: named functions that live until the end)
    crawler.signals.connect(opened, signals.spider_opened)
    crawler.signals.connect(closed, signals.spider_closed)
    process.crawl(crawler)
    process.start()
    if plain:
        client.close()
    out.write_text(json.dumps({"articles": PlainSpider.articles, "seconds": times["close"] - times["open"],
                               "cpu": times["cpu_close"] - times["cpu_open"], "stored": PlainSpider.stored,
                               "pages": crawler.stats.get_value("response_received_count", 0)}))


BATCH = 100  # documents per insert_many in the plain pipeline (the crawl's NEWSDESK_STORE_BATCH)


def run_plain_spider(site, base_url: str, workdir: Path, db_uri: str | None = None,
                     db_name: str | None = None) -> dict:
    """A (no database) or P (with one), in a child process of its own."""
    kind = "plain" if db_uri else "fetch_only"
    out = workdir / f"{kind}.json"
    urls = [base_url + p for p in site.section_paths]
    (workdir / "spider_urls.json").write_text(json.dumps(urls))
    db_args = ["--_db", db_uri, db_name] if db_uri else []
    subprocess.run([sys.executable, __file__, "--_spider", str(workdir / "spider_urls.json"), str(out), *db_args],
                   cwd=REPO, check=True)
    return json.loads(out.read_text())


# -- B: extract only ---------------------------------------------------------

def run_extract_only(site, base_url: str, outlet_file: Path) -> dict:
    from crawlers.offline import process_html
    from pipelines.outlets import load_outlet_file

    outlet = load_outlet_file(outlet_file)
    jobs = [(f.read_bytes(), base_url + p) for f, p in zip(site.article_files(), site.article_paths, strict=True)]
    for html, url in jobs[:3]:  # warm-up (lazy imports, caches), as a crawl's first pages do
        process_html(html, url, outlet)
    dropped = 0
    start, cpu = time.perf_counter(), time.process_time()
    for html, url in jobs:
        dropped += process_html(html, url, outlet)["dropped"] is not None
    return {"articles": len(jobs), "seconds": time.perf_counter() - start, "dropped": dropped,
            "cpu": time.process_time() - cpu}


# -- C: the full crawl -------------------------------------------------------

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def proc_rss_cpu(pid: int) -> tuple[int, float]:
    """RSS bytes and CPU seconds (user + system) of a process, from /proc (Linux;
    what psutil reads too, so the figures need no package)."""
    with open(f"/proc/{pid}/statm") as f:
        rss = int(f.read().split()[1]) * _PAGE
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
    return rss, (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime: fields 14 and 15


def proc_peak_rss(pid: int) -> int:
    """The process's own peak RSS in bytes since it exec'd (VmHWM). Not wait4's
    ru_maxrss: with vfork, that also holds this benchmark's peak from before
    the child's exec (the B line grows this process to ~570 MB at 1,000 pages)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def proc_children(pid: int) -> list[int]:
    """Every descendant of a process (its workers and their resource tracker)."""
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{parent}/task/{task}/children") as f:
                    kids = [int(x) for x in f.read().split()]
            except OSError:
                continue
            found += kids
            todo += kids
    return found


class RssSampler(threading.Thread):
    """RSS of one process and of its descendants every `interval` seconds (/proc)."""

    def __init__(self, pid: int, interval: float = 0.25):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.samples: list[tuple[float, int, int]] = []  # (seconds, RSS, RSS with children)
        self.peak_rss = 0  # the process's own VmHWM at the last reading
        self.cpu: list[tuple[float, float]] = []  # (epoch, CPU seconds of the process and its children)
        self.peak_child: dict[int, int] = {}  # pid -> its largest RSS (each worker, the tracker)
        self.child_cpu: dict[int, float] = {}  # pid -> its CPU seconds when last seen (a replaced worker's stay)
        self.stop = threading.Event()

    def cpu_between(self, start: float, end: float) -> float | None:
        before = [c for t, c in self.cpu if t <= start]
        after = [c for t, c in self.cpu if t >= end]
        if not self.cpu:
            return None
        return (after[0] if after else self.cpu[-1][1]) - (before[-1] if before else 0.0)

    def run(self):
        start = time.monotonic()
        while not self.stop.is_set():
            try:
                rss, cpu = proc_rss_cpu(self.pid)
                self.peak_rss = max(self.peak_rss, proc_peak_rss(self.pid))
            except (OSError, IndexError, ValueError):
                return  # the crawl has exited
            workers = 0
            for child in proc_children(self.pid):
                try:
                    child_rss, child_cpu = proc_rss_cpu(child)
                except (OSError, IndexError, ValueError):
                    continue  # exited between the listing and the reading
                workers += child_rss
                self.child_cpu[child] = child_cpu
                self.peak_child[child] = max(self.peak_child.get(child, 0), child_rss)
            self.samples.append((time.monotonic() - start, rss, rss + workers))
            self.cpu.append((time.time(), cpu + sum(self.child_cpu.values())))
            self.stop.wait(self.interval)


def run_crawl(base_url: str, outlet_dir: Path, db_uri: str, db_name: str, home: Path,
              extra: dict | None = None, profile: Path | None = None) -> dict:
    env = {**os.environ, "NEWSDESK_OUTLETS_PATH": str(outlet_dir), "NEWSDESK_MONGO_URI": db_uri,
           "NEWSDESK_MONGO_DB": db_name, "NEWSDESK_HOME": str(home)}
    home.mkdir(parents=True, exist_ok=True)
    settings = {**FAST, **(extra or {})}
    cmd = [NEWSDESK, "crawl", "bench", "--summary-json", str(home / "summary.json")]
    for key, value in settings.items():
        cmd += ["-s", f"{key}={value}"]
    if profile is not None and profile.suffix == ".spy":  # every thread and worker, on-CPU samples only
        cmd = [str(Path(sys.executable).with_name("py-spy")), "record", "--threads", "--subprocesses",
               "--rate", "200", "--format", "raw", "--output", str(profile), "--", *cmd]
    elif profile is not None:
        fmt = "html" if profile.suffix == ".html" else "text"
        cmd = [sys.executable, "-m", "pyinstrument", "-r", fmt, "-o", str(profile), *cmd]
    wall = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    sampler = RssSampler(proc.pid)
    sampler.start()
    out_err: dict[str, bytes] = {}
    readers = [threading.Thread(target=lambda s=s, n=n: out_err.__setitem__(n, s.read()), daemon=True)
               for s, n in ((proc.stdout, "out"), (proc.stderr, "err"))]
    for t in readers:
        t.start()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - wall
    sampler.stop.set()
    for t in readers:
        t.join()
    if proc.returncode != 0:
        sys.stderr.write(out_err.get("err", b"").decode(errors="replace")[-4000:])
        raise SystemExit(f"crawl failed with exit code {proc.returncode}")
    from pymongo import MongoClient

    client = MongoClient(db_uri)
    run = client[db_name].crawl_runs.find_one(sort=[("started_at", -1)])
    client.close()
    # The sampler's last VmHWM (the final quarter second unseen); ru_maxrss where /proc had none.
    peak_kb = sampler.peak_rss / 1024 or usage.ru_maxrss  # Linux: kilobytes
    from datetime import timezone

    def epoch(dt):
        return (dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)).timestamp()

    cpu = sampler.cpu_between(epoch(run["started_at"]), epoch(run["finished_at"]))
    return {"articles": run["articles_seen"],  # article pages that reached the pipeline (stored or dropped)
            "stored": run["stored"], "dropped": run.get("dropped"), "pages": run["pages_fetched"],
            "seconds": run["duration_s"], "wall": wall, "peak_rss_mb": peak_kb / 1024, "cpu": cpu,
            "peak_total_mb": max((t for _, _, t in sampler.samples), default=0) / 2**20,
            "rss_samples": sampler.samples, "errors": run.get("errors"),
            "peak_children_mb": [rss / 2**20 for rss in sampler.peak_child.values()]}


# -- report ------------------------------------------------------------------

def per_min(result: dict) -> float:
    return result["articles"] / result["seconds"] * 60


def throughput(n_pages: int, repeat: int, profile: Path | None, keep: bool, one_core: bool,
               extra: dict | None = None) -> None:
    with tempfile.TemporaryDirectory(prefix="nd-bench-") as tmp:
        tmp = Path(tmp)
        t = time.perf_counter()
        site = build_site(tmp / "site", n_pages)
        print(f"site: {n_pages} article pages, {len(site.section_paths)} sections x {site.max_pages} pages "
              f"({time.perf_counter() - t:.1f}s to build)", flush=True)
        with SiteServer(site.root) as server, DatabaseServer(tmp) as db:
            outlet_file = write_outlet(tmp / "outlets", site, server.base_url)
            runs: dict[str, list[dict]] = {"A": [], "B": [], "C1": [], "C": [], "P": []}
            for r in range(repeat):  # interleaved, so load from elsewhere hits all alike
                runs["A"].append(run_plain_spider(site, server.base_url, tmp))
                runs["P"].append(run_plain_spider(site, server.base_url, tmp, db.uri, f"plain{r}"))
                runs["B"].append(run_extract_only(site, server.base_url, outlet_file))
                # --profile profiles C1's first run with --one-core (the overhead to find), else C's
                runs["C1"].append(run_crawl(server.base_url, outlet_file.parent, db.uri, f"one{r}",
                                            tmp / f"one{r}", extra={**(extra or {}), "NEWSDESK_CPU_WORKERS": 0},
                                            profile=profile if r == 0 and one_core else None))
                runs["C"].append(run_crawl(server.base_url, outlet_file.parent, db.uri, f"bench{r}", tmp / f"home{r}",
                                           extra=extra, profile=profile if r == 0 and not one_core else None))
                print(f"  run {r + 1}: " + ", ".join(f"{k} {per_min(v[-1]):.0f}/min" for k, v in runs.items() if v),
                      f"(load average {os.getloadavg()[0]:.1f})", flush=True)
            if keep:
                print(f"kept: {tmp}")
                input("press Enter to clean up")
    rate = {k: statistics.median(per_min(x) for x in v) for k, v in runs.items() if v}
    a, b, c, plain = rate["A"], rate["B"], rate["C"], rate["P"]
    last = runs["C"][-1]
    limit = 1 / (1 / a + 1 / b)
    if last["articles"] != n_pages:
        print(f"WARNING: crawl processed {last['articles']} of {n_pages} articles "
              f"(dropped {last['dropped']}, errors {last['errors']})")
    print(f"pages: {n_pages} articles (+{len(site.section_paths) * site.max_pages} section pages); "
          f"nproc {os.cpu_count()}; median of {repeat} run(s)")
    print(f"A fetch only:        {a:9.0f} pages/min  ({runs['A'][-1]['pages']} responses)")
    print(f"B extract only:      {b:9.0f} pages/min  (process_html, one process; {runs['B'][-1]['dropped']} dropped)")
    print(f"C1 crawl, one core:  {rate['C1']:9.0f} pages/min  (NEWSDESK_CPU_WORKERS=0; "
          f"peak RSS {max(x['peak_rss_mb'] for x in runs['C1']):.0f} MB)")
    print(f"C newsdesk crawl:    {c:9.0f} pages/min  (default settings; stored {last['stored']}; "
          f"wall {last['wall']:.1f}s incl. start-up)")
    print(f"P plain pipeline:    {plain:9.0f} pages/min  (Scrapy + trafilatura.extract defaults + insert_many "
          f"of {BATCH}; stored {runs['P'][-1]['stored']})")
    print(f"L = 1/(1/A + 1/B):   {limit:9.0f} pages/min")
    print(f"peak RSS of C:       {max(x['peak_rss_mb'] for x in runs['C']):9.0f} MB crawl process, "
          f"{max(x['peak_total_mb'] for x in runs['C']):.0f} MB with its worker processes")
    # CPU view: CPU seconds per article (crawl process + workers for C); robust to load from elsewhere
    cost = {k: statistics.median(x["cpu"] / x["articles"] * 1000 for x in v) for k, v in runs.items()
            if v and all(x.get("cpu") for x in v)}
    if {"A", "B", "C1", "C", "P"} <= set(cost):
        print(f"CPU ms/article:      A {cost['A']:.1f}, B {cost['B']:.1f}, C1 {cost['C1']:.1f}, "
              f"C {cost['C']:.1f} (all processes of the crawl), plain {cost['P']:.1f}; "
              f"(A+B)/C1 = {(cost['A'] + cost['B']) / cost['C1']:.2f}, "
              f"plain/C1 = {cost['P'] / cost['C1']:.2f} (CPU view of the one-core ratio)")
    if profile is not None:
        print(f"profile of {'C1' if one_core else 'C'} (first run): {profile}")
        if profile.suffix == ".spy":
            print("CPU samples by stage: " + ", ".join(f"{k} {v:.1%}" for k, v in stage_shares(profile).items()))
    print(f"ratio C1/L (one core): {rate['C1'] / limit:.2f}")
    print(f"ratio C/L: {c / limit:.2f}")
    print(f"ratio newsdesk/plain, one core (C1/P): {rate['C1'] / plain:.2f}")
    print(f"ratio newsdesk/plain: {c / plain:.2f}")


# (stage, frame substrings) for stage_shares: the first stage with a frame in the stack wins
STAGES = (
    ("storage", ("write_batch (", "_write (crawlers/runtime.py", "add (crawlers/runtime.py",
                 "flush (crawlers/runtime.py")),
    ("dedup lookup", ("find_duplicate (",)),
    ("dedup keys", ("dedup_fields (",)),
    ("extraction", ("extract_article (",)),
    ("other stages", ("normalize_stage (", "offers_stage (", "outlet_lines_stage (", "validate_stage (")),
)


def stage_shares(collapsed: Path) -> dict[str, float]:
    """Share of the on-CPU samples (py-spy raw output: 'frame;frame;... count' lines)
    in each pipeline stage; the rest is Scrapy, Twisted, the archive and start-up."""
    counts: dict[str, int] = {name: 0 for name, _ in STAGES} | {"rest": 0}
    for line in collapsed.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, n = line.rpartition(" ")
        if not n.isdigit():
            continue
        stage = next((name for name, frames in STAGES if any(f in stack for f in frames)), "rest")
        counts[stage] += int(n)
    total = sum(counts.values()) or 1
    return {k: v / total for k, v in counts.items()}


def dir_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.is_dir() else 0


def archive_cost(n_pages: int, repeat: int) -> None:
    """C (archive on) against C0 (archive off), alternating; the ratio C/C0."""
    with tempfile.TemporaryDirectory(prefix="nd-archive-") as tmp:
        tmp = Path(tmp)
        site = build_site(tmp / "site", n_pages)
        html_bytes = sum(f.stat().st_size for f in site.article_files())
        runs: dict[str, list[dict]] = {"C0": [], "C": []}
        with SiteServer(site.root) as server, DatabaseServer(tmp) as db:
            outlet_file = write_outlet(tmp / "outlets", site, server.base_url)
            for r in range(repeat):
                for kind in (("C0", "C") if r % 2 == 0 else ("C", "C0")):
                    home = tmp / f"{kind}{r}"
                    res = run_crawl(server.base_url, outlet_file.parent, db.uri, f"{kind}{r}", home,
                                    extra={"NEWSDESK_ARCHIVE": kind == "C"})
                    res["archive_bytes"] = dir_bytes(home / "archive")
                    runs[kind].append(res)
                print(f"  run {r + 1}: C0 {per_min(runs['C0'][-1]):.0f}/min, C {per_min(runs['C'][-1]):.0f}/min "
                      f"(load average {os.getloadavg()[0]:.1f})", flush=True)
    rate = {k: statistics.median(per_min(x) for x in v) for k, v in runs.items()}
    cpu = {k: statistics.median(x["cpu"] / x["articles"] * 1000 for x in v) for k, v in runs.items()
           if all(x.get("cpu") for x in v)}
    on = runs["C"][-1]
    archived = statistics.median(x["archive_bytes"] for x in runs["C"])
    print(f"pages: {n_pages} articles ({html_bytes / n_pages / 1024:.0f} KB of HTML each on average), "
          f"{on['pages']} responses a crawl; nproc {os.cpu_count()}; median of {repeat} run(s)")
    print(f"C0 archive off:      {rate['C0']:9.0f} pages/min" + (f"  ({cpu['C0']:.1f} CPU ms/article)" if cpu else ""))
    print(f"C  archive on:       {rate['C']:9.0f} pages/min" + (f"  ({cpu['C']:.1f} CPU ms/article)" if cpu else ""))
    print(f"archive:             {archived / on['articles']:9.0f} bytes per article "
          f"({archived / 2**20:.1f} MB of WARC.gz for {on['pages']} responses, section pages included; "
          f"{archived / html_bytes:.2f} of the article HTML)")
    if len(cpu) == 2:
        print(f"ratio CPU per article C/C0: {cpu['C'] / cpu['C0']:.3f}")
    print(f"ratio archive on/off (C/C0): {rate['C'] / rate['C0']:.3f} "
          f"(throughput cost {(1 - rate['C'] / rate['C0']) * 100:.1f}%)")


def memory_curve(sizes: list[int], extra: dict | None = None) -> None:
    """Peak RSS of the crawl process at several sizes (one crawl each, fresh database)."""
    rows = []
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix="nd-mem-") as tmp:
            tmp = Path(tmp)
            site = build_site(tmp / "site", n)
            with SiteServer(site.root) as server, DatabaseServer(tmp) as db:
                outlet_file = write_outlet(tmp / "outlets", site, server.base_url)
                res = run_crawl(server.base_url, outlet_file.parent, db.uri, "mem", tmp / "home", extra=extra)
        samples = res["rss_samples"]
        rows.append((n, res))
        quarters = [max((s[2] for s in samples if q * samples[-1][0] / 4 <= s[0] <= (q + 1) * samples[-1][0] / 4),
                        default=0) / 2**20 for q in range(4)] if samples else []
        print(f"{n:6d} pages: {res['articles']} articles, {per_min(res):.0f}/min; peak RSS {res['peak_rss_mb']:.0f} MB "
              f"crawl process, {res['peak_total_mb']:.0f} MB with workers; by quarter of the crawl: "
              + " / ".join(f"{q:.0f}" for q in quarters) + " MB; children's peaks "
              + ", ".join(f"{c:.0f}" for c in res["peak_children_mb"]) + " MB", flush=True)
    print("memory curve (peak RSS, crawl process / with workers): "
          + ", ".join(f"{n}: {r['peak_rss_mb']:.0f} / {r['peak_total_mb']:.0f} MB" for n, r in rows))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=100, help="article pages on the fixture site (default 100)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of A, B, C; medians reported")
    parser.add_argument("--profile", type=Path,
                        help="profile the first run of C (of C1 with --one-core): pyinstrument (.html or .txt), "
                             "or py-spy over every thread and worker (.spy: collapsed stacks, and the share of "
                             "CPU samples by stage is printed)")
    parser.add_argument("--memory-curve", nargs="?", const="1000,5000,10000", metavar="SIZES",
                        help="peak RSS of C at these sizes (default 1000,5000,10000)")
    parser.add_argument("--one-core", action="store_true",
                        help="--profile profiles C1 (NEWSDESK_CPU_WORKERS=0) instead of C")
    parser.add_argument("--archive-cost", action="store_true",
                        help="only C with the WARC archive on vs C0 off: bytes per article, ratio C/C0")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="a Scrapy setting for the C and C1 crawls, and the memory-curve crawls (repeatable)")
    parser.add_argument("--keep", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--_spider", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--_db", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args._spider:
        urls_file, out = args._spider
        db_uri, db_name = args._db or (None, None)
        plain_spider_child(json.loads(Path(urls_file).read_text()), Path(out), db_uri, db_name)
        return
    if args.archive_cost:
        archive_cost(args.pages, args.repeat)
        return
    if args.memory_curve:
        memory_curve([int(x) for x in args.memory_curve.split(",")],
                     extra=dict(item.split("=", 1) for item in args.set))
        return
    throughput(args.pages, args.repeat, args.profile, args.keep, args.one_core,
               extra=dict(item.split("=", 1) for item in args.set))


if __name__ == "__main__":
    main()

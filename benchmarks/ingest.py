"""`newsdesk ingest`: memory stays flat as WARC files grow, and the rate.

Builds per-record gzip WARC files of the same `--pages` corpus pages
(benchmarks/_site.py: real pages; every further copy made distinct) at 1x,
5x and 10x that many records (`--factors`): file k holds k copies of the
same pages, so every file has the same page sizes and only its length
differs (with ever new corpus pages, the peak follows the largest page
seen, not the file's length; `--distinct` measures that way). It ingests
each into a throwaway SecantusDB server with the real CLI (one process,
`--jobs 1`), and prints, per file: peak RSS of the ingest process (`ru_maxrss` from wait4), its RSS
sampled from /proc while it runs (at a quarter, half and the end of its
records, so growth inside one run shows), and articles per minute; then the
ratios against the 1x file. Flat memory: the peak RSS ratio stays near 1
while the file ratio goes to 10.

    .venv/bin/python benchmarks/ingest.py [--pages 40] [--factors 1,5,10]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._site import CORPUS, REPO, DatabaseServer, build_site  # noqa: E402

NEWSDESK = str(Path(sys.executable).with_name("newsdesk"))
HOST = "bench.example"
SAMPLE_S = 0.25


def write_warc(path: Path, site, count: int) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for rel, file in list(zip(site.article_paths, site.article_files(), strict=True))[:count]:
            body = file.read_bytes()
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                       protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(f"https://{HOST}{rel}", "response",
                                                          payload=BytesIO(body), length=len(body),
                                                          http_headers=headers))


def corpus_subset(directory: Path, pages: int) -> Path:
    """A corpus manifest of the first `pages` corpus pages (their files where they are)."""
    directory.mkdir(parents=True)
    lines = (CORPUS / "ground_truth.jsonl").read_text(encoding="utf-8").splitlines()[:pages]
    with open(directory / "ground_truth.jsonl", "w", encoding="utf-8") as fh:
        for line in lines:
            record = json.loads(line)
            record["html_file"] = str(CORPUS / record["html_file"])
            fh.write(json.dumps(record) + "\n")
    return directory


def rss_mb(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def rss_at(samples: list[float], fraction: float) -> float:
    """RSS at a fraction of the samples (the last sample for 1.0)."""
    return samples[min(len(samples) - 1, int(fraction * len(samples)))] if samples else float("nan")


def ingest(path: Path, env: dict) -> dict:
    start = time.perf_counter()
    proc = subprocess.Popen([NEWSDESK, "ingest", str(path)], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    samples: list[float] = []
    while True:  # sample RSS while it runs; wait4 below gives the exact peak
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if (mb := rss_mb(proc.pid)) is not None:
            samples.append(mb)
        time.sleep(SAMPLE_S)
    seconds = time.perf_counter() - start
    out = proc.stdout.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"ingest of {path} failed:\n{out[-3000:]}")
    stored = int(out.split("articles stored: ")[1].split(" new")[0])
    return {"seconds": seconds, "peak_mb": usage.ru_maxrss / 1024, "stored": stored,
            "mb": path.stat().st_size / 2**20, "samples": samples}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=40, help="records in the 1x file")
    parser.add_argument("--factors", default="1,5,10", help="file sizes in multiples of --pages")
    parser.add_argument("--distinct", action="store_true",
                        help="bigger files take further corpus pages instead of copies of the same ones")
    args = parser.parse_args(argv)
    factors = sorted({int(f) for f in args.factors.split(",")})
    with tempfile.TemporaryDirectory(prefix="nd-ingest-") as tmp:
        tmp = Path(tmp)
        corpus = CORPUS if args.distinct else corpus_subset(tmp / "corpus", args.pages)
        site = build_site(tmp / "site", args.pages * factors[-1], corpus=corpus)
        (tmp / "outlets").mkdir()
        (tmp / "outlets" / "bench.toml").write_text(
            f'name = "bench"\ndomains = ["{HOST}"]\nsections = ["https://{HOST}/"]\narticle_pattern = "/news/"\n')
        results = {}
        with DatabaseServer(tmp) as db:
            for factor in factors:
                path = tmp / f"x{factor}.warc.gz"
                write_warc(path, site, args.pages * factor)
                env = {**os.environ, "NEWSDESK_OUTLETS_PATH": str(tmp / "outlets"), "NEWSDESK_MONGO_URI": db.uri,
                       "NEWSDESK_MONGO_DB": f"x{factor}", "NEWSDESK_HOME": str(tmp / f"x{factor}")}
                r = results[factor] = ingest(path, env)
                curve = "/".join(f"{rss_at(r['samples'], f):.0f}" for f in (0.25, 0.5, 1.0))
                print(f"{factor:>3}x: {r['mb']:6.1f} MB WARC, {r['stored']:5d} stored in {r['seconds']:6.1f}s "
                      f"({r['stored'] / r['seconds'] * 60:.0f}/min, start-up included); peak RSS "
                      f"{r['peak_mb']:.0f} MB; RSS at 1/4, 1/2, end {curve} MB", flush=True)
    base = results[factors[0]]
    for factor in factors[1:]:
        r = results[factor]
        print(f"ratio {factor}x/{factors[0]}x: peak RSS {r['peak_mb'] / base['peak_mb']:.2f} for a "
              f"{r['mb'] / base['mb']:.1f}x file; rate {(r['stored'] / r['seconds']) / (base['stored'] / base['seconds']):.2f}")


if __name__ == "__main__":
    main()

"""`newsdesk ingest`: memory stays flat as WARC files grow, and the rate.

Builds two per-record gzip WARC files from the fixture site's pages
(benchmarks/_site.py: real corpus pages, copies made distinct), a small one
(N) and one K times as big, ingests each into a throwaway SecantusDB server
with the real CLI, and prints peak RSS and articles per minute of both and
their ratios (big/small). Flat memory: the RSS ratio stays near 1.

    .venv/bin/python benchmarks/ingest.py [--pages 200] [--factor 5]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._site import REPO, DatabaseServer, build_site  # noqa: E402

NEWSDESK = str(Path(sys.executable).with_name("newsdesk"))
HOST = "bench.example"


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


def ingest(path: Path, env: dict) -> dict:
    start = time.perf_counter()
    proc = subprocess.Popen([NEWSDESK, "ingest", str(path)], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    out = proc.stdout.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.stderr.write(proc.stderr.read().decode()[-3000:])
        raise SystemExit("ingest failed")
    stored = int(out.split("articles stored: ")[1].split(" new")[0])
    return {"seconds": seconds, "peak_mb": usage.ru_maxrss / 1024, "stored": stored,
            "mb": path.stat().st_size / 2**20}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=200, help="records in the small file")
    parser.add_argument("--factor", type=int, default=5, help="the big file has this many times more")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="nd-ingest-") as tmp:
        tmp = Path(tmp)
        site = build_site(tmp / "site", args.pages * args.factor)
        (tmp / "outlets").mkdir()
        (tmp / "outlets" / "bench.toml").write_text(
            f'name = "bench"\ndomains = ["{HOST}"]\nsections = ["https://{HOST}/"]\narticle_pattern = "/news/"\n')
        small, big = tmp / "small.warc.gz", tmp / "big.warc.gz"
        write_warc(small, site, args.pages)
        write_warc(big, site, args.pages * args.factor)
        with DatabaseServer(tmp) as db:
            results = {}
            for name, path in (("small", small), ("big", big)):
                env = {**os.environ, "NEWSDESK_OUTLETS_PATH": str(tmp / "outlets"), "NEWSDESK_MONGO_URI": db.uri,
                       "NEWSDESK_MONGO_DB": name, "NEWSDESK_HOME": str(tmp / name)}
                results[name] = ingest(path, env)
                r = results[name]
                print(f"{name}: {r['mb']:.1f} MB WARC, {r['stored']} stored in {r['seconds']:.1f}s "
                      f"({r['stored'] / r['seconds'] * 60:.0f}/min, start-up included); peak RSS {r['peak_mb']:.0f} MB",
                      flush=True)
    s, b = results["small"], results["big"]
    print(f"ratio peak RSS big/small: {b['peak_mb'] / s['peak_mb']:.2f} for a {b['mb'] / s['mb']:.1f}x file")
    print(f"ratio rate big/small: {(b['stored'] / b['seconds']) / (s['stored'] / s['seconds']):.2f}")


if __name__ == "__main__":
    main()

"""Fault suite: per fault, articles expected, stored, duplicated, lost, and the failures recorded.

    .venv/bin/python benchmarks/faults.py

Runs the scenarios of tests/fault_scenarios.py (database unreachable
mid-crawl, crawl killed mid-run, a site of bad pages), each against
a real database server and a fixture site on 127.0.0.1. Target: stored =
expected, duplicated 0, lost 0, for every fault.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipelines import embedded_db  # noqa: E402
from tests.fault_scenarios import bad_input, crawl_killed, database_outage  # noqa: E402


def main() -> int:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        rows.append(database_outage(tmp / "outage"))
        port = embedded_db.free_port()
        server = embedded_db.spawn_server(port, ":memory:", tmp / "mem.log", detach=False)
        try:
            uri = f"mongodb://127.0.0.1:{port}/"
            embedded_db.wait_for_ping(uri)
            rows.append(crawl_killed(tmp / "killed", uri, "killed"))
            rows.append(bad_input(tmp / "bad", uri, "bad")[0])
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(f"{'fault':36} {'expected':>8} {'stored':>7} {'duplicated':>10} {'lost':>5}  runs / failures recorded")
    for r in rows:
        failures = ", ".join(f"{k} {v}" for k, v in sorted(r.failures.items())) or "none"
        print(f"{r.fault:36} {r.expected:8d} {r.stored:7d} {r.duplicated:10d} {r.lost:5d}  "
              f"{'/'.join(r.statuses)}; {failures}")
        for note in r.notes:
            print(f"{'':38}{note}")
    ok = all(r.stored == r.expected and r.duplicated == 0 for r in rows)
    print(f"faults: {sum(r.stored == r.expected and not r.duplicated for r in rows)} passed, "
          f"{sum(not (r.stored == r.expected and not r.duplicated) for r in rows)} failed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""`newsdesk nodes [status|deploy|build-egg]`, and `newsdesk crawl OUTLET --remote`: Scrapyd nodes.

Node URLs come from NEWSDESK_SCRAPYD_NODES and are only ever shown redacted.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from schedules.commands import _common as c
from schedules.definitions import default_schedule_path
from schedules.scrapyd import (
    DEFAULT_PROJECT,
    ScrapydError,
    ScrapydRunner,
    build_egg,
    call,
    default_version,
    deploy,
    node_load,
)
from schedules.service import entry_for

HELP = "Scrapyd nodes ($NEWSDESK_SCRAPYD_NODES): state, jobs, deploy"


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("nodes", help=HELP)
    p.add_argument("action", nargs="?", default="status", choices=["status", "deploy", "build-egg"],
                   help="status (default); deploy: build the egg and upload it to every node; "
                        "build-egg: only build it")
    p.add_argument("--version", help="version to deploy (default: the Unix time, so the latest sorts last)")
    p.add_argument("--egg", help="deploy this egg instead of building one")
    p.add_argument("--out", help="build-egg: directory for the egg (default: .)")
    p.add_argument("--project", help="Scrapyd project name (default: newsdesk)")
    p.add_argument("--json", action="store_true", help="status: one JSON object per node")
    p.set_defaults(run=run)


def node_report(node, project: str) -> dict:
    """What `nodes` shows for one node; never raises (a dead node is a row too)."""
    row: dict = {"node": node.display}
    try:
        load = node_load(node)
    except ScrapydError as exc:
        return row | {"state": "down", "error": str(exc)}
    row |= {"state": "up", "node_name": load.get("node_name"), "running": load.get("running", 0),
            "pending": load.get("pending", 0), "finished": load.get("finished", 0)}
    try:
        row["versions"] = call(node, "listversions.json", {"project": project}).get("versions", [])
        jobs = call(node, "listjobs.json", {"project": project})
        # Pending jobs carry their settings (the database URI): show ids and spiders only.
        row["jobs"] = {state: [f"{j['spider']}:{j['id']}" for j in jobs.get(state, [])]
                       for state in ("running", "pending")}
    except ScrapydError as exc:  # project never deployed there
        row |= {"versions": [], "jobs": {}, "error": str(exc)}
    return row


def run(args) -> int:
    nodes = c.scrapyd_nodes()
    if args.action == "deploy":
        return _deploy(nodes, args)
    if args.action == "build-egg":
        return _build(args)
    rows = [node_report(node, args.project or DEFAULT_PROJECT) for node in nodes]
    for row in rows:
        if args.json:
            print(json.dumps(row))
            continue
        if row["state"] == "down":
            print(f"{row['node']}  DOWN  {row['error']}")
            continue
        latest = row["versions"][-1] if row.get("versions") else "not deployed"
        print(f"{row['node']}  up ({row['node_name']})  running {row['running']}  pending {row['pending']}  "
              f"finished {row['finished']}  version {latest} ({len(row.get('versions', []))} kept)")
        for state, jobs in (row.get("jobs") or {}).items():
            for job in jobs:
                print(f"    {state}: {job}")
    return c.EXIT_OK if all(r["state"] == "up" for r in rows) else c.EXIT_FAILED


def _build(args) -> int:
    try:
        egg = build_egg(Path(args.out or "."), args.version)
    except ScrapydError as exc:
        raise c.CLIError(str(exc), c.EXIT_FAILED) from None
    print(egg)
    return c.EXIT_OK


def _deploy(nodes, args) -> int:
    version = args.version or default_version()
    with tempfile.TemporaryDirectory(prefix="newsdesk-deploy-") as tmp:
        try:
            egg = Path(args.egg) if args.egg else build_egg(Path(tmp), version)
        except ScrapydError as exc:
            raise c.CLIError(str(exc), c.EXIT_FAILED) from None
        failed = 0
        for node in nodes:
            try:
                answer = deploy(node, egg, version, args.project or DEFAULT_PROJECT)
                print(f"{node.display}: version {version} deployed, {answer.get('spiders')} spiders")
            except ScrapydError as exc:
                failed += 1
                print(f"{node.display}: FAILED: {exc}")
    return c.EXIT_FAILED if failed else c.EXIT_OK


def crawl_remote(args) -> int:
    """`newsdesk crawl OUTLET --remote`: the Scrapyd runner for one run, waiting for it."""
    nodes = c.scrapyd_nodes()
    outlets = c.outlets()
    schedule = c.schedule(default_schedule_path(), outlets)
    target = c.target()
    entry = entry_for(schedule, args.outlet, outlets)
    if entry is None:
        raise c.CLIError(f"outlet {args.outlet!r}: not defined")
    if args.set:
        extra = dict(pair.partition("=")[::2] for pair in args.set)
        entry = entry.model_copy(update={"settings": {**entry.settings, **extra}})
    client, db = c.connect_db(target)
    with client:
        doc = ScrapydRunner(db, target, schedule, nodes=nodes).run(entry, trigger=args.trigger)
        if not doc:
            raise c.CLIError(c.last_run_error(db, entry.outlet), c.EXIT_BUSY)
    print(c.run_line(doc))
    print(f"  node {doc.get('node', '-')}, scrapyd job {doc.get('scrapyd_job', '-')}, run {doc['_id']}")
    return c.EXIT_OK if doc.get("status") in ("ok", "degraded") else c.EXIT_FAILED

"""CLI for Scrapyd nodes: `newsdesk nodes [status|deploy|build-egg]` and `newsdesk crawl OUTLET --remote`.

Registered by schedules/cli.py. Node URLs come from NEWSDESK_SCRAPYD_NODES and
are only ever shown redacted.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_CONFIG, EXIT_BUSY = 0, 1, 2, 3


def _say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _nodes():
    from schedules.scrapyd import NODES_ENV, nodes_from_env

    try:
        nodes = nodes_from_env()
    except ValueError as exc:
        _say(f"newsdesk: {exc}")
        return None
    if not nodes:
        _say(f"newsdesk: {NODES_ENV} is not set (comma-separated Scrapyd base URLs)")
    return nodes or None


def node_report(node, project: str) -> dict:
    """What `nodes` shows for one node; never raises (a dead node is a row too)."""
    from schedules.scrapyd import ScrapydError, call, node_load

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


def cmd_nodes(args) -> int:
    from schedules.scrapyd import DEFAULT_PROJECT

    nodes = _nodes()
    if nodes is None:
        return EXIT_CONFIG
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
    return EXIT_OK if all(r["state"] == "up" for r in rows) else EXIT_FAILED


def _build(args) -> int:
    from schedules.scrapyd import ScrapydError, build_egg

    try:
        egg = build_egg(Path(args.out or "."), args.version)
    except ScrapydError as exc:
        _say(f"newsdesk: {exc}")
        return EXIT_FAILED
    print(egg)
    return EXIT_OK


def _deploy(nodes, args) -> int:
    from schedules.scrapyd import DEFAULT_PROJECT, ScrapydError, build_egg, default_version, deploy

    version = args.version or default_version()
    with tempfile.TemporaryDirectory(prefix="newsdesk-deploy-") as tmp:
        try:
            egg = Path(args.egg) if args.egg else build_egg(Path(tmp), version)
        except ScrapydError as exc:
            _say(f"newsdesk: {exc}")
            return EXIT_FAILED
        failed = 0
        for node in nodes:
            try:
                answer = deploy(node, egg, version, args.project or DEFAULT_PROJECT)
                print(f"{node.display}: version {version} deployed, {answer.get('spiders')} spiders")
            except ScrapydError as exc:
                failed += 1
                print(f"{node.display}: FAILED: {exc}")
    return EXIT_FAILED if failed else EXIT_OK


def crawl_remote(args) -> int:
    """`newsdesk crawl OUTLET --remote`: the Scrapyd runner for one run, waiting for it."""
    from schedules.definitions import ScheduleError, default_schedule_path, load_schedule
    from schedules.scrapyd import ScrapydRunner
    from schedules.service import entry_for
    from schedules.service_cli import _run_line

    nodes = _nodes()
    if nodes is None:
        return EXIT_CONFIG
    from pipelines.embedded_db import EmbeddedDBError
    from pipelines.mongo import MongoConfigError, connect, resolve_target
    from pipelines.outlets import OutletConfigError, load_outlets

    try:
        outlets = load_outlets()
        schedule = load_schedule(default_schedule_path(), outlets)
        target = resolve_target()
    except (OutletConfigError, ScheduleError, MongoConfigError, EmbeddedDBError) as exc:
        _say(f"newsdesk: {exc}")
        return EXIT_CONFIG
    entry = entry_for(schedule, args.outlet, outlets)
    if entry is None:
        _say(f"newsdesk: outlet {args.outlet!r}: not defined")
        return EXIT_CONFIG
    if args.set:
        extra = dict(pair.partition("=")[::2] for pair in args.set)
        entry = entry.model_copy(update={"settings": {**entry.settings, **extra}})
    with connect(target) as client:
        db = client[target.database]
        doc = ScrapydRunner(db, target, schedule, nodes=nodes).run(entry, trigger=args.trigger)
        if not doc:
            last = db.crawl_runs.find_one({"outlet": entry.outlet}, sort=[("started_at", -1)]) or {}
            _say(f"newsdesk: outlet {entry.outlet}: {last.get('error', 'not run')}")
            return EXIT_BUSY
    print(_run_line(doc))
    print(f"  node {doc.get('node', '-')}, scrapyd job {doc.get('scrapyd_job', '-')}, run {doc['_id']}")
    return EXIT_OK if doc.get("status") in ("ok", "degraded") else EXIT_FAILED


def register(sub) -> None:
    p = sub.add_parser("nodes", help="Scrapyd nodes ($NEWSDESK_SCRAPYD_NODES): state, jobs, deploy")
    p.add_argument("action", nargs="?", default="status", choices=["status", "deploy", "build-egg"],
                   help="status (default); deploy: build the egg and upload it to every node; "
                        "build-egg: only build it")
    p.add_argument("--version", help="version to deploy (default: the Unix time, so the latest sorts last)")
    p.add_argument("--egg", help="deploy this egg instead of building one")
    p.add_argument("--out", help="build-egg: directory for the egg (default: .)")
    p.add_argument("--project", help="Scrapyd project name (default: newsdesk)")
    p.add_argument("--json", action="store_true", help="status: one JSON object per node")
    p.set_defaults(func=cmd_nodes)

"""Interim entry until `newsdesk dashboard` is wired: python -m schedules.dashboard [--host H] [--port P]."""

from __future__ import annotations

import argparse
import os
import sys

from pipelines.mongo import connect, resolve_target
from schedules.dashboard.server import config_for, serve_standalone

parser = argparse.ArgumentParser(prog="newsdesk dashboard")
parser.add_argument("--host", default="127.0.0.1")
parser.add_argument("--port", type=int, default=9411)
args = parser.parse_args()
target = resolve_target()
client = connect(target)
serve_standalone(args.host, args.port, config_for(client[target.database], target, os.environ, mode="standalone"),
                 announce=lambda line: print(line, file=sys.stderr, flush=True))

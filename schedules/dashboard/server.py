"""Serving the dashboard with uvicorn: in a thread of `newsdesk serve`, or on its own.

The socket is bound before uvicorn starts, so a port in use fails at once
with OSError in the caller and port 0 tells its real port straight away
(the service writes it into its heartbeat).
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Callable

import uvicorn
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from schedules.dashboard.app import DashboardConfig, allowed_hosts_for, create_app


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(False)
    return sock


def status_routes(metrics, health: Callable[[], dict]) -> list[Route]:
    """GET /healthz (JSON, 503 when unhealthy) and GET /metrics (Prometheus text)."""
    from prometheus_client import CONTENT_TYPE_LATEST

    def healthz(request: Request) -> Response:
        state = health()
        return Response(json.dumps(state, default=str), status_code=200 if state.get("ok") else 503,
                        media_type="application/json")

    def metrics_text(request: Request) -> Response:
        return Response(metrics.render(), headers={"Content-Type": CONTENT_TYPE_LATEST})

    return [Route("/healthz", healthz), Route("/metrics", metrics_text)]


class _QuietServer(uvicorn.Server):
    # The service handles SIGTERM/SIGINT itself; uvicorn must not take them over.
    def install_signal_handlers(self) -> None:  # uvicorn < 0.29
        pass


def _uvicorn(app, log_level: str = "warning") -> _QuietServer:
    config = uvicorn.Config(app, log_level=log_level, access_log=False, lifespan="off",
                            server_header=False, date_header=False, timeout_graceful_shutdown=2)
    return _QuietServer(config)


class StatusServer:
    """/healthz, /metrics and the dashboard on one port, served from a background thread."""

    def __init__(self, host: str, port: int, config: DashboardConfig):
        self.sock = bind(host, port)
        bound_host, bound_port = self.sock.getsockname()[:2]
        self.address = f"{bound_host}:{bound_port}"  # port 0 resolved; still known after stop()
        config.allowed_hosts = allowed_hosts_for(host)
        self.server = _uvicorn(create_app(config))
        self.thread = threading.Thread(target=self._run, name="status-http", daemon=True)

    def _run(self) -> None:
        asyncio.run(self.server.serve(sockets=[self.sock]))

    def start(self) -> StatusServer:
        self.thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self.server.should_exit = True
        self.thread.join(timeout)
        self.sock.close()


def serve_standalone(host: str, port: int, config: DashboardConfig, *, announce: Callable[[str], None]) -> None:
    """`newsdesk dashboard` (schedules/commands/dashboard.py): blocks until SIGINT/SIGTERM (uvicorn's own handlers)."""
    sock = bind(host, port)
    config.allowed_hosts = allowed_hosts_for(host)
    server = uvicorn.Server(uvicorn.Config(create_app(config), log_level="warning", access_log=False,
                                           lifespan="off", server_header=False, timeout_graceful_shutdown=2))
    host_shown, port_shown = sock.getsockname()[:2]
    announce(f"dashboard on http://{host_shown}:{port_shown}/ (database {config.database_display})")
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()


def cached(load: Callable, ttl_s: float = 10.0) -> Callable:
    """`load()` at most every ttl_s seconds: outlet and schedule files are read and validated once
    per ttl, not once per page (edits show within the ttl). A failure is raised, never cached."""
    state: dict = {}
    lock = threading.Lock()

    def get():
        with lock:
            if "value" in state and time.monotonic() - state["at"] < ttl_s:
                return state["value"]
        value = load()
        with lock:
            state.update(value=value, at=time.monotonic())
        return value

    return get


def config_for(db, target, env, *, mode: str, schedule: Callable | None = None) -> DashboardConfig:
    """The dashboard over this database, with the outlet files, the schedule file and the command path."""
    from pipelines.outlets import load_outlets
    from schedules.control import live_service, send_command
    from schedules.definitions import default_schedule_path, load_schedule

    outlets = cached(load_outlets)

    def outlet_names():
        try:
            return list(outlets())
        except Exception:  # a broken outlet file: the runs still show
            return []

    schedule_file = cached(lambda: load_schedule(default_schedule_path(env), outlets()))
    return DashboardConfig(db=db, database_display=target.display, token=env.get("NEWSDESK_DASHBOARD_TOKEN") or None,
                           outlet_names=outlet_names, schedule=schedule or schedule_file, send_command=send_command,
                           live_service=live_service, mode=mode)

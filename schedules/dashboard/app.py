"""The dashboard as a Starlette application: pages over `queries`, actions over the command path.

Pages are plain (sync) endpoints, which Starlette runs in its thread pool, so
the blocking pymongo calls never stall the event loop. Actions insert a
command in `service_commands` and wait for the running service's answer,
exactly as `newsdesk schedule pause|resume|run` does: the dashboard never
touches the job store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape
from pymongo.database import Database
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from schedules.dashboard import queries, security, svg, text

HERE = Path(__file__).resolve().parent
ACTIONS = ("run", "pause", "resume")
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1", "[::1]")


@dataclass
class DashboardConfig:
    """What the dashboard reads and how it acts; built by `newsdesk serve` or `newsdesk dashboard`."""

    db: Database
    database_display: str  # the URI with its password redacted (pipelines.mongo.MongoTarget.display)
    token: str | None = None  # NEWSDESK_DASHBOARD_TOKEN; None: every action is refused
    outlet_names: Callable[[], Iterable[str]] = tuple  # the outlets defined in files
    schedule: Callable[[], Any] = lambda: None  # the schedule file (ScheduleFile) or None
    send_command: Callable[[Database, str, str | None], tuple[str, str]] | None = None
    live_service: Callable[[Database], dict | None] = lambda db: None
    allowed_hosts: Sequence[str] = ("*",)
    mode: str = "standalone"  # or "service": served by `newsdesk serve` beside /healthz and /metrics
    extra_routes: list[BaseRoute] = field(default_factory=list)


def allowed_hosts_for(bind_host: str) -> list[str]:
    """Host headers to accept: bound to loopback, only loopback names (no DNS rebinding)."""
    if bind_host in LOOPBACK_NAMES or bind_host.startswith("127."):
        return ["127.0.0.1", "localhost", "::1", bind_host]
    return ["*"]


# -- template helpers ------------------------------------------------------------------

def fmt_time(value: Any) -> str:
    value = queries.utc(value)
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else "-"


def fmt_ago(value: Any) -> str:
    value = queries.utc(value)
    if value is None:
        return "never"
    seconds = (datetime.now(timezone.utc) - value).total_seconds()
    future = seconds < 0
    seconds = abs(seconds)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            amount = f"{seconds / size:.0f}{unit}"
            break
    else:
        amount = f"{seconds:.0f}s"
    return f"in {amount}" if future else f"{amount} ago"


def fmt_share(value: Any) -> str:
    return f"{value:.0%}" if isinstance(value, (int, float)) and not isinstance(value, bool) else "-"


def fmt_duration(value: Any) -> str:
    if not isinstance(value, (int, float)):
        return "-"
    return f"{value:.1f}s" if value < 120 else f"{value / 60:.1f}m"


def safe_url(value: Any) -> str | None:
    """Only http(s) URLs become links: a stored `javascript:` URL stays text."""
    if isinstance(value, str) and urlsplit(value).scheme in ("http", "https"):
        return value
    return None


def templates() -> Jinja2Templates:
    env = Environment(loader=FileSystemLoader(HERE / "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(time=fmt_time, ago=fmt_ago, share=fmt_share, duration=fmt_duration, url=safe_url)
    return Jinja2Templates(env=env)


def _parse_day(value: str | None, field_name: str) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=timezone.utc)
    except ValueError:
        raise HTTPException(400, f"{field_name}: {value!r} is not a date like 2026-11-20") from None


def _parse_time(value: str | None, field_name: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise HTTPException(400, f"{field_name}: {value!r} is not an ISO date and time") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _page(request: Request) -> int:
    try:
        return max(int(request.query_params.get("page", "1")), 1)
    except ValueError:
        raise HTTPException(400, "page: not a number") from None


# -- the application -------------------------------------------------------------------

def create_app(config: DashboardConfig) -> Starlette:
    views = templates()
    db = config.db

    def render(request: Request, name: str, status_code: int = 200, **context) -> HTMLResponse:
        token = config.token
        nonce = security.session_nonce(token, request.cookies.get(security.SESSION_COOKIE))
        context.update(request=request, database=config.database_display, mode=config.mode,
                       can_act=nonce is not None, actions_configured=bool(token),
                       csrf=security.csrf_for(token, nonce) if token and nonce else "",
                       service=config.live_service(db))
        return views.TemplateResponse(request, name, context, status_code=status_code)

    def outlets_page(request: Request):
        rows = queries.outlets_overview(db, config.outlet_names())
        for row in rows:
            row["spark"] = svg.sparkline(row["new_per_run"], label=f"{row['outlet']}: new articles per run")
        return render(request, "outlets.html", rows=rows)

    def runs_page(request: Request):
        params = request.query_params
        chosen = {k: params.get(k) or None for k in ("outlet", "status", "trigger")}
        page = _page(request)
        runs = queries.list_runs(db, **chosen, page=page)
        more = len(runs) > queries.PAGE_SIZE
        keep = {k: v for k, v in chosen.items() if v}
        return render(request, "runs.html", runs=runs[:queries.PAGE_SIZE], chosen=chosen,
                      choices=queries.run_filter_choices(db, config.outlet_names()), page=page,
                      next_url=f"?{urlencode({**keep, 'page': page + 1})}" if more else None,
                      prev_url=f"?{urlencode({**keep, 'page': page - 1})}" if page > 1 else None)

    def run_page(request: Request):
        run = queries.run_detail(db, request.path_params["run_id"])
        if run is None:
            raise HTTPException(404, "no such run")
        return render(request, "run.html", run=run)

    def schedules_page(request: Request):
        schedule, problem = None, None
        try:
            schedule = config.schedule()
        except Exception as exc:  # a bad schedule file is shown, not a 500
            problem = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        service = config.live_service(db)
        rows = queries.schedule_rows(db, schedule, service)
        return render(request, "schedules.html", rows=rows, problem=problem,
                      message=request.query_params.get("message"),
                      message_ok=request.query_params.get("ok") == "1")

    async def schedule_action(request: Request):
        form = await request.form()
        why = security.refuse_action(config.token, request.headers, request.cookies, form,
                                     request.url.scheme, request.headers.get("host", ""))
        if why:
            return await run_in_threadpool(render, request, "error.html", status_code=403, title="Forbidden",
                                           message=why)
        action, job = str(form.get("action") or ""), str(form.get("job") or "").strip()
        if action not in ACTIONS or not job:
            raise HTTPException(400, f"action must be one of {', '.join(ACTIONS)}, with a job")
        ok, message = await run_in_threadpool(_act, action, job)
        if "application/json" in request.headers.get("accept", ""):
            return JSONResponse({"ok": ok, "message": message}, status_code=200 if ok else 409)
        return RedirectResponse(f"/schedules?{urlencode({'message': message, 'ok': int(ok)})}", status_code=303)

    def _act(action: str, job: str) -> tuple[bool, str]:
        if config.send_command is None or config.live_service(db) is None:
            return False, (f"no scheduler service is running on this database; `{action}` goes through one "
                           "(start `newsdesk serve`)")
        status, message = config.send_command(db, action, job)
        return status == "done", message

    def articles_page(request: Request):
        params = request.query_params
        outlet, title = params.get("outlet") or None, params.get("title") or None
        since, until = _parse_day(params.get("since"), "since"), _parse_day(params.get("until"), "until")
        before = _parse_time(params.get("before"), "before")
        page = _page(request)
        rows, field, stopped = queries.search_articles(db, outlet=outlet, title=title, since=since, until=until,
                                                       before=before, page=page)
        more = len(rows) > queries.PAGE_SIZE
        keep = {k: v for k, v in params.items() if k != "page" and v}
        older = {k: v for k, v in keep.items() if k != "before"}
        return render(request, "articles.html", rows=rows[:queries.PAGE_SIZE], outlets=queries.outlet_names(
            db, config.outlet_names()), chosen={k: params.get(k, "") for k in ("outlet", "title", "since", "until")},
            page=page, order=field, stopped=stopped, before=before,
            older_url=f"?{urlencode({**older, 'before': stopped.isoformat()})}" if stopped else None,
            next_url=f"?{urlencode({**keep, 'page': page + 1})}" if more else None,
            prev_url=f"?{urlencode({**keep, 'page': page - 1})}" if page > 1 else None)

    def article_page(request: Request):
        article = queries.article_detail(db, request.path_params["article_id"])
        if article is None:
            raise HTTPException(404, "no such article")
        segments, unplaced = text.body_segments(article.get("body"), article.get("removed_blocks"))
        return render(request, "article.html", article=article, segments=segments, unplaced=unplaced,
                      changes=text.version_diffs(article["versions"], article))

    def charts_page(request: Request):
        read = queries.read_days(db, 14)
        days, series = queries.stored_per_day(db, days=14, read=read)
        durations = queries.run_durations(db)
        errors = queries.errors_by_kind(db, days=14, read=read)
        return render(request, "charts.html",
                      stored=svg.stacked_bars(days, series, label="new articles stored per day, by outlet"),
                      durations=svg.duration_bars(durations, label="run durations, newest 200 runs"),
                      errors=svg.hbars(errors[:20], label="errors by kind, last 14 days"),
                      durations_count=len(durations))

    def login_page(request: Request):
        return render(request, "login.html", next=_local_path(request.query_params.get("next")))

    async def login(request: Request):
        form = await request.form()
        why = security.cross_site(request.headers, request.url.scheme, request.headers.get("host", ""))
        if why or not security.token_matches(config.token, str(form.get("token") or "")):
            reason = why or ("actions are disabled: NEWSDESK_DASHBOARD_TOKEN is not set" if not config.token
                             else "wrong token")
            return await run_in_threadpool(render, request, "login.html", status_code=403,
                                           next=_local_path(form.get("next")), problem=reason)
        response = RedirectResponse(_local_path(form.get("next")), status_code=303)
        response.set_cookie(security.SESSION_COOKIE, security.new_session(config.token),
                            max_age=security.SESSION_MAX_AGE_S, httponly=True, samesite="strict",
                            secure=request.url.scheme == "https")
        return response

    async def logout(request: Request):
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(security.SESSION_COOKIE)
        return response

    async def http_error(request: Request, exc: HTTPException):
        return await run_in_threadpool(render, request, "error.html", status_code=exc.status_code, title=str(exc.status_code),
                      message=exc.detail)

    routes: list[BaseRoute] = [
        *config.extra_routes,
        Route("/", outlets_page, name="outlets"),
        Route("/runs", runs_page, name="runs"),
        Route("/runs/{run_id}", run_page, name="run"),
        Route("/schedules", schedules_page, name="schedules"),
        Route("/schedules/action", schedule_action, methods=["POST"], name="schedule_action"),
        Route("/articles", articles_page, name="articles"),
        Route("/articles/{article_id}", article_page, name="article"),
        Route("/charts", charts_page, name="charts"),
        Route("/login", login_page, name="login_page"),
        Route("/login", login, methods=["POST"], name="login"),
        Route("/logout", logout, methods=["POST"], name="logout"),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    middleware = [Middleware(TrustedHostMiddleware, allowed_hosts=list(config.allowed_hosts)),
                  Middleware(security.SecurityHeaders)]
    return Starlette(routes=routes, middleware=middleware, exception_handlers={HTTPException: http_error})


def _local_path(value: Any) -> str:
    """A redirect target on this site only (no //other.host, no scheme)."""
    value = str(value or "/")
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not value.startswith("/") or value.startswith("//"):
        return "/"
    return value

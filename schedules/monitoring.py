"""After-run checks, alerts, and the metrics behind the service's /metrics (served by schedules/dashboard/server.py).

The checks are pure functions of the run document and the runs before it
(plus a field-coverage count from the database), so they are unit-tested
without a scheduler. Alerts go to the log and, when configured, to a
Slack-compatible webhook (`{"text": ...}` POSTed as JSON).
"""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.request
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import Any

from prometheus_client import CollectorRegistry, Counter, generate_latest
from prometheus_client.core import GaugeMetricFamily

# the statuses the outlets summary counts by, defined beside it (pipelines cannot import schedules)
from pipelines.outlet_summary import GOOD_STATUSES, NOT_CRAWLS, error_count

logger = logging.getLogger("newsdesk.monitoring")

BAD_STATUSES = ("failed", "timed_out", "killed", "error", "interrupted")


@dataclass(frozen=True)
class Alert:
    check: str
    outlet: str
    message: str
    section: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def _crawls(runs: Iterable[Mapping]) -> list[Mapping]:
    return [r for r in runs if r.get("status") not in NOT_CRAWLS]


def error_rate(run: Mapping) -> float:
    return error_count(run) / max(int(run.get("pages_fetched") or 0), 1)


def check_zero_new(run: Mapping, previous: Sequence[Mapping], in_a_row: int) -> Alert | None:
    """No new article in `in_a_row` completed crawls in a row (a layout change or a block)."""
    good = [r for r in [run, *previous] if r.get("status") in GOOD_STATUSES][:in_a_row]
    if len(good) < in_a_row or run.get("status") not in GOOD_STATUSES:
        return None
    if any((r.get("stored") or {}).get("new", 0) for r in good):
        return None
    return Alert("zero_new", run["outlet"],
                 f"{run['outlet']}: no new articles in {in_a_row} runs in a row "
                 "(layout change, block or an idle outlet?)", run.get("section"))


def check_blocked(run: Mapping) -> Alert | None:
    """The outlet answered most fetches with challenge or denial pages (not a layout change, not idle)."""
    if run.get("status") != "blocked":
        return None
    blocked = run.get("blocked") or {}
    if blocked.get("article_fetches"):
        what = f"{blocked.get('articles', 0)} of {blocked['article_fetches']} article fetches"
    else:
        what = f"{blocked.get('pages', 0)} of {blocked.get('page_fetches', 0)} pages"
    return Alert("blocked", run["outlet"],
                 f"{run['outlet']}: blocked: {what} got challenge or denial pages "
                 "(slow down, check robots.txt, or render = \"browser\")", run.get("section"))


def check_coverage(outlet: str, total: int, with_value: int, *, field: str = "published_at",
                   minimum: float = 0.8, min_sample: int = 5) -> Alert | None:
    """A field missing in too many of the articles this run touched."""
    if total < min_sample:
        return None
    share = with_value / total
    if share >= minimum:
        return None
    return Alert(f"coverage:{field}", outlet,
                 f"{outlet}: {field} present in {share:.0%} of {total} articles "
                 f"(below {minimum:.0%}; extraction may have broken)")


def check_errors(run: Mapping, previous: Sequence[Mapping], *, threshold: float = 0.2,
                 failed_in_a_row: int = 2) -> Alert | None:
    """Error rate above the threshold and up on the previous crawls, or crawls failing in a row."""
    outlet = run["outlet"]
    crawls = [r for r in [run, *previous]][:failed_in_a_row]
    if len(crawls) >= failed_in_a_row and all(r.get("status") in BAD_STATUSES for r in crawls):
        return Alert("failing", outlet, f"{outlet}: last {failed_in_a_row} runs failed "
                     f"(latest: {run.get('status')}: {run.get('error') or run.get('finish_reason')})",
                     run.get("section"))
    rate = error_rate(run)
    if rate < threshold or not run.get("pages_fetched"):
        return None
    before = [error_rate(r) for r in previous[:5] if r.get("pages_fetched")]
    baseline = sum(before) / len(before) if before else 0.0
    if rate <= baseline * 1.5:
        return None  # high, but not up: it was already this bad and already alerted on
    return Alert("error_rate", outlet, f"{outlet}: {error_count(run)} errors on {run.get('pages_fetched')} "
                 f"pages ({rate:.0%}, was {baseline:.0%})", run.get("section"))


def evaluate(run: Mapping, previous: Sequence[Mapping], options: Any,
             coverage: tuple[int, int] | None = None) -> dict:
    """All checks for one finished run; `previous` newest first, same job. Returns what is stored."""
    previous = _crawls(previous)
    blocked = check_blocked(run)
    alerts = [
        blocked,
        check_zero_new(run, previous, options.zero_new_runs),
        # a blocked run's errors are the block itself: one alert, not two
        None if blocked else check_errors(run, previous, threshold=options.error_rate_alert,
                                          failed_in_a_row=options.failed_runs),
    ]
    result: dict[str, Any] = {"error_rate": round(error_rate(run), 4)}
    if coverage is not None:
        total, with_date = coverage
        result["published_at_coverage"] = round(with_date / total, 4) if total else None
        alerts.append(check_coverage(run["outlet"], total, with_date,
                                     minimum=options.min_published_coverage,
                                     min_sample=options.min_coverage_sample))
    result["alerts"] = [a.as_dict() for a in alerts if a is not None]
    return result


def coverage_counts(db, outlet: str, since: datetime) -> tuple[int, int]:
    """(articles of the outlet seen since `since`, of which with published_at)."""
    query = {"outlet": outlet, "last_seen": {"$gte": since}}
    total = db.articles.count_documents(query)
    dated = db.articles.count_documents({**query, "published_at": {"$ne": None}}) if total else 0
    return total, dated


def post_webhook(url: str, text: str, timeout: float = 5.0) -> bool:
    """POST a Slack-compatible message; failures are logged, never raised."""
    body = json.dumps({"text": text}).encode()
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - configured URL
            return 200 <= response.status < 300
    except Exception as exc:
        logger.warning("alert webhook failed: %s", type(exc).__name__)
        return False


def send_alerts(alerts: Iterable[Mapping], webhook_url: str | None) -> None:
    for alert in alerts:
        logger.warning("ALERT %s: %s", alert["check"], alert["message"])
        if webhook_url:
            post_webhook(webhook_url, f":warning: newsdesk {alert['check']}: {alert['message']}")


# -- metrics ---------------------------------------------------------------

class Metrics:
    """Prometheus metrics in a registry of their own (not the process-global one)."""

    def __init__(self, now: Callable[[], float] = time.time):
        self.registry = CollectorRegistry()
        self.now = now
        self.runs = Counter("newsdesk_runs", "Crawl runs finished, by outlet and status",
                            ["outlet", "status"], registry=self.registry)
        self.articles = Counter("newsdesk_articles", "Articles stored, by outlet and outcome",
                                ["outlet", "outcome"], registry=self.registry)
        self.failures = Counter("newsdesk_failures", "Runs that failed, timed out or were killed",
                                ["outlet"], registry=self.registry)
        self.alerts = Counter("newsdesk_alerts", "Alerts raised by the after-run checks",
                              ["outlet", "check"], registry=self.registry)
        self.last_good: dict[str, float] = {}
        self._lock = threading.Lock()
        self.registry.register(_SinceLastGood(self))

    def observe(self, run: Mapping) -> None:
        outlet, status = run.get("outlet", "?"), run.get("status", "?")
        self.runs.labels(outlet, status).inc()
        for outcome in ("new", "updated", "unchanged"):
            n = int((run.get("stored") or {}).get(outcome, 0))
            if n:
                self.articles.labels(outlet, outcome).inc(n)
        if status in BAD_STATUSES:
            self.failures.labels(outlet).inc()
        if status in GOOD_STATUSES:
            ended = run.get("finished_at")
            self.mark_good(outlet, ended.timestamp() if isinstance(ended, datetime) else self.now())
        for alert in (run.get("monitoring") or {}).get("alerts", []):
            self.alerts.labels(outlet, alert["check"]).inc()

    def mark_good(self, outlet: str, when: float) -> None:
        with self._lock:
            self.last_good[outlet] = max(when, self.last_good.get(outlet, 0))

    def render(self) -> bytes:
        return generate_latest(self.registry)


class _SinceLastGood:
    def __init__(self, metrics: Metrics):
        self.metrics = metrics

    def collect(self):
        family = GaugeMetricFamily("newsdesk_seconds_since_last_good_run",
                                   "Seconds since the outlet's last ok/degraded run", labels=["outlet"])
        with self.metrics._lock:
            items = sorted(self.metrics.last_good.items())
        now = self.metrics.now()
        for outlet, when in items:
            family.add_metric([outlet], max(now - when, 0.0))
        yield family


def load_last_good(db, metrics: Metrics) -> None:
    """Seed seconds-since-last-good from history so a restart does not reset it."""
    pipeline = [{"$match": {"status": {"$in": list(GOOD_STATUSES)}}},
                {"$group": {"_id": "$outlet", "last": {"$max": "$finished_at"}}}]
    for row in db.crawl_runs.aggregate(pipeline):
        if isinstance(row.get("last"), datetime):
            last = row["last"] if row["last"].tzinfo else row["last"].replace(tzinfo=timezone.utc)
            metrics.mark_good(row["_id"], last.timestamp())

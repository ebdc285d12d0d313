"""One crawl as a child process, with its own log file and a time limit.

Twisted's reactor cannot be restarted inside one process, so the service
runs every crawl as `python -m schedules.commands crawl OUTLET ...` (an argument
list, never a shell string). The child writes its own `crawl_runs` document
(RunRecorder); this module adds what only the parent can know: that the
crawl ran past its time limit and was stopped, that it was killed, or that
it died before it could record anything.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from bson import ObjectId
from pymongo.database import Database

from pipelines import embedded_db

logger = logging.getLogger(__name__)


def home_dir(env: Mapping[str, str] | None = None) -> Path:
    """$NEWSDESK_HOME (or its XDG default): the parent of the embedded database directory."""
    return embedded_db.default_data_dir(dict(os.environ if env is None else env)).parent


def log_path(outlet: str, run_id: str, env: Mapping[str, str] | None = None,
             now: datetime | None = None) -> Path:
    now = now or datetime.now(timezone.utc)
    return home_dir(env) / "logs" / outlet / f"{now:%Y%m%dT%H%M%SZ}-{run_id}.log"


def crawl_argv(outlet: str, *, run_id: str, lease_owner: str, trigger: str = "schedule",
               settings: Mapping[str, str] | None = None, python: str | None = None) -> list[str]:
    argv = [python or sys.executable, "-m", "schedules.commands", "crawl", outlet,
            "--trigger", trigger, "--run-id", run_id, "--lease-owner", lease_owner]
    for key, value in (settings or {}).items():
        argv += ["-s", f"{key}={value}"]
    return argv


@dataclass
class ChildResult:
    returncode: int | None
    started_at: datetime
    ended_at: datetime
    log_file: Path
    timed_out: bool = False  # ran past its time limit
    interrupted: bool = False  # stopped because the service is shutting down
    signals_sent: list[str] = field(default_factory=list)

    @property
    def killed(self) -> bool:
        return "SIGKILL" in self.signals_sent

    @property
    def duration_s(self) -> float:
        return round((self.ended_at - self.started_at).total_seconds(), 3)


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    # The child leads its own process group (start_new_session), so this also
    # reaches anything it spawned.
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        pass


def run_child(argv: Sequence[str], *, log_file: Path, time_limit: float, kill_grace: float = 10,
              env: Mapping[str, str] | None = None, stop_event: threading.Event | None = None,
              stop_grace: Callable[[], float] | None = None, on_tick: Callable[[], None] | None = None,
              tick: float = 0.25, started: Callable[[subprocess.Popen], None] | None = None) -> ChildResult:
    """Run argv to completion or until its time limit; SIGTERM, then SIGKILL after kill_grace.

    `stop_event` (service shutdown) ends the run early, after `stop_grace()` seconds.
    `on_tick` is called about every `tick` seconds while the child lives (lease renewal).
    """
    log_file.parent.mkdir(parents=True, exist_ok=True)
    started_at = datetime.now(timezone.utc)
    t0 = time.monotonic()
    with open(log_file, "ab", buffering=0) as log:
        log.write(f"# {started_at.isoformat()} argv: {list(argv)}\n".encode())
        # start_new_session: a Ctrl-C in the service's terminal must not hit the
        # crawls directly; the service decides when they stop (with a grace).
        proc = subprocess.Popen(list(argv), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env=dict(env) if env is not None else None, start_new_session=True)
    if started is not None:
        started(proc)
    result = ChildResult(None, started_at, started_at, log_file)
    deadline = t0 + time_limit
    term_at: float | None = None
    while True:
        try:
            result.returncode = proc.wait(timeout=tick)
            break
        except subprocess.TimeoutExpired:
            pass
        now = time.monotonic()
        if on_tick is not None:
            try:
                on_tick()
            except Exception as exc:  # a renewal blip must not orphan the child
                logger.warning("run tick failed: %s", exc)
        if stop_event is not None and stop_event.is_set() and not result.timed_out and term_at is None:
            # Re-read every tick: a second SIGTERM to the service shortens the grace to zero.
            result.interrupted = True
            deadline = min(deadline, now + (stop_grace() if stop_grace else 0))
        if term_at is None and now >= deadline:
            if not result.interrupted:
                result.timed_out = True
            _signal_group(proc, signal.SIGTERM)
            result.signals_sent.append("SIGTERM")
            term_at = now
        elif term_at is not None and "SIGKILL" not in result.signals_sent and now >= term_at + kill_grace:
            _signal_group(proc, signal.SIGKILL)
            result.signals_sent.append("SIGKILL")
    if result.signals_sent:
        _signal_group(proc, signal.SIGKILL)  # leave no grandchild behind
    result.ended_at = datetime.now(timezone.utc)
    return result


def log_tail(path: Path, lines: int = 15, max_chars: int = 4000) -> str:
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(fh.tell() - max_chars, 0))
            text = fh.read().decode("utf-8", "replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def outcome_status(result: ChildResult, recorded_status: str | None) -> str:
    """The run's final status given what the child recorded itself (pure)."""
    if result.timed_out:
        return "timed_out"
    if result.interrupted and result.signals_sent:
        return "interrupted"
    if recorded_status in (None, "running"):
        # The child died before it could write its summary.
        if result.returncode == 3:
            return "skipped"  # the crawl CLI refused: lease held
        return "killed" if (result.returncode or 0) < 0 else "failed"
    return recorded_status


def record_outcome(db: Database, run_id: ObjectId, result: ChildResult, *, outlet: str,
                   time_limit: float) -> dict:
    """Complete the run document with what the parent saw; returns the final document."""
    doc = db.crawl_runs.find_one({"_id": run_id}) or {}
    status = outcome_status(result, doc.get("status"))
    update: dict = {
        "status": status, "exit_code": result.returncode, "log_file": str(result.log_file),
        "time_limit_s": time_limit, "process_started_at": result.started_at,
        "process_ended_at": result.ended_at,
    }
    if result.signals_sent:
        update["stopped_with"] = result.signals_sent
    if status != doc.get("status") or "finished_at" not in doc:
        update.setdefault("finished_at", doc.get("finished_at") or result.ended_at)
        started = doc.get("started_at") or result.started_at
        update["duration_s"] = round((update["finished_at"] - started).total_seconds(), 3)
    if status == "timed_out":
        update["error"] = (f"stopped after its time limit of {time_limit:g}s "
                           f"({' then '.join(result.signals_sent)})")
    elif status == "interrupted":
        update["error"] = f"stopped because the service was shutting down ({' then '.join(result.signals_sent)})"
    elif status in ("failed", "killed") and doc.get("status") in (None, "running"):
        update["error"] = f"crawl process exited with {result.returncode} before recording a summary"
        update["log_tail"] = log_tail(result.log_file)
    db.crawl_runs.update_one({"_id": run_id},
                             {"$set": update,
                              "$setOnInsert": {"outlet": outlet, "started_at": result.started_at}},
                             upsert=True)
    return db.crawl_runs.find_one({"_id": run_id}) or {}

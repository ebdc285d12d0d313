"""The Scrapyd runner: crawls on Scrapyd nodes instead of child processes on this machine.

`NEWSDESK_SCRAPYD_NODES` (comma-separated base URLs, optionally with
user:password@ for Scrapyd's basic auth) switches `newsdesk serve`,
`newsdesk schedule run` and `newsdesk crawl OUTLET --remote` to this runner.
For each run it:

- takes the outlet's lease here, as the local runner does, and passes its
  owner token to the crawl (NEWSDESK_LEASE_OWNER), so the crawl on the node
  renews the same lease instead of taking its own;
- asks every node for `daemonstatus.json` and schedules on the least busy one
  (`schedule.json`), with the shared database, the run id and the trigger as
  `setting=` parameters: the crawl's RunRecorder fills the run document the
  service created here;
- follows the job with `listjobs.json`, cancels it (`cancel.json`, TERM then
  KILL) at its time limit, and writes the node, the Scrapyd job id, the log
  URL and the outcome into `crawl_runs`;
- a node that stops answering for NEWSDESK_SCRAPYD_DEAD_AFTER seconds: the run
  is recorded as failed with the reason and the lease is *not* released but
  left to expire, because the crawl may still be alive behind a network
  partition and renewing it; the next run goes to a node that answers.

Credentials in node URLs are never printed or stored: everything shown goes
through pipelines.mongo.redact_uri.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode, urlsplit, urlunsplit
from urllib.request import Request, urlopen

from bson import ObjectId

from pipelines import leases
from pipelines.mongo import DB_REASON_KEY, redact_uri
from pipelines.runs import start_run
from schedules.service import CrawlRunner

logger = logging.getLogger("newsdesk.scrapyd")

NODES_ENV = "NEWSDESK_SCRAPYD_NODES"
DEFAULT_PROJECT = "newsdesk"
HTTP_TIMEOUT_S = 5.0
POLL_S = 1.0
DEAD_AFTER_S = 15.0  # a node silent this long is dead; a restart of Scrapyd itself takes ~2 s
MISSING_POLLS = 3  # a job absent from listjobs this many polls in a row was lost by the node
PACKAGES = ("crawlers", "pipelines", "schedules")


class ScrapydError(RuntimeError):
    """A node answered, but refused (status "error") or answered nonsense."""


class NodeDown(ScrapydError):
    """A node did not answer at all (refused, timed out, HTTP error)."""


# -- nodes and their API -----------------------------------------------------------

@dataclass(frozen=True)
class Node:
    url: str  # base URL without credentials, no trailing slash
    auth: str | None  # an Authorization header value, or None
    display: str  # the URL as shown and stored: password replaced by ***

    def __str__(self) -> str:
        return self.display


def parse_node(text: str) -> Node:
    raw = text.strip().rstrip("/")
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{NODES_ENV}: {redact_uri(raw)!r} is not an http(s) URL")
    auth = None
    if parts.username is not None:
        token = f"{parts.username}:{parts.password or ''}".encode()
        auth = "Basic " + base64.b64encode(token).decode()
    netloc = parts.hostname + (f":{parts.port}" if parts.port else "")
    bare = urlunsplit((parts.scheme, netloc, parts.path, "", ""))
    return Node(bare, auth, redact_uri(raw))


def parse_nodes(value: str | None) -> list[Node]:
    """NEWSDESK_SCRAPYD_NODES -> nodes, in the order given (ties in load go to the first)."""
    return [parse_node(part) for part in (value or "").split(",") if part.strip()]


def nodes_from_env(env: Mapping[str, str] | None = None) -> list[Node]:
    return parse_nodes((os.environ if env is None else env).get(NODES_ENV))


def _multipart(fields: Mapping[str, str], files: Mapping[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    out = bytearray()
    for name, value in fields.items():
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n"
                f"{value}\r\n").encode()
    for name, (filename, data) in files.items():
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; "
                f"filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n").encode()
        out += data + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return bytes(out), f"multipart/form-data; boundary={boundary}"


def call(node: Node, endpoint: str, params: Mapping | list | None = None, *, post: bool = False,
         files: Mapping[str, tuple[str, bytes]] | None = None, timeout: float = HTTP_TIMEOUT_S) -> dict:
    """One Scrapyd API call. Raises NodeDown (no answer) or ScrapydError (refused)."""
    url = f"{node.url}/{endpoint}"
    data = None
    headers = {"Authorization": node.auth} if node.auth else {}
    if files:
        data, headers["Content-Type"] = _multipart(dict(params or {}), files)
    elif post:
        data = urlencode(params or {}, doseq=True).encode()
    elif params:
        url += "?" + urlencode(params, doseq=True)
    try:
        with urlopen(Request(url, data=data, headers=headers), timeout=timeout) as resp:  # noqa: S310
            body = resp.read()
    except HTTPError as exc:  # 401 (bad credentials), 5xx: the node is not usable
        raise NodeDown(f"{node.display}: HTTP {exc.code} on {endpoint}") from None
    except (URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise NodeDown(f"{node.display}: {type(reason).__name__}: {reason}") from None
    try:
        answer = json.loads(body)
    except ValueError:
        raise ScrapydError(f"{node.display}: {endpoint} answered with something that is not JSON") from None
    if answer.get("status") != "ok":
        raise ScrapydError(f"{node.display}: {endpoint}: {answer.get('message', answer)}")
    return answer


def node_load(node: Node) -> dict:
    """daemonstatus.json: running, pending, finished, node_name. Raises NodeDown."""
    return call(node, "daemonstatus.json")


def rank_nodes(loads: Mapping[Node, dict], dispatched: Mapping[Node, int], order: list[Node]) -> list[Node]:
    """Live nodes, least busy first (pure): running+pending, then fewest of our dispatches, then list order.

    The second key spreads consecutive runs over idle nodes, so a node that
    only dies under load is found before every crawl depends on it.
    """
    return sorted(loads, key=lambda n: (loads[n].get("running", 0) + loads[n].get("pending", 0),
                                        dispatched.get(n, 0), order.index(n)))


# -- the egg ---------------------------------------------------------------------------

SETUP_PY = """\
from setuptools import find_packages, setup

setup(
    name="newsdesk",
    version={version!r},
    packages=find_packages(include=["crawlers*", "pipelines*", "schedules*"]),
    package_data={{"pipelines": ["outlets/*.toml"], "schedules": ["*.toml"]}},
    zip_safe=False,
    # What Scrapyd's runner reads to find the settings module (the scrapy.cfg [settings] entry).
    entry_points={{"scrapy": ["settings = crawlers.settings"]}},
)
"""


def source_root() -> Path:
    """The directory holding the crawlers/pipelines/schedules packages (repo or site-packages)."""
    return Path(__file__).resolve().parent.parent


def default_version() -> str:
    """A Unix time, as scrapyd-deploy does: Scrapyd keeps [A-Za-z0-9_-] of a version (dots become
    underscores) and runs the highest by default, so versions must sort as numbers."""
    return str(int(time.time()))


def build_egg(out_dir: Path, version: str | None = None) -> Path:
    """Build the project egg with setuptools in a staging copy; returns its path.

    `setup.py bdist_egg` is what scrapyd-deploy runs too. A staging copy keeps
    build/ and *.egg-info out of the working tree, and gives the egg the
    `scrapy` entry point, which pyproject.toml cannot carry for this purpose.
    """
    version = version or default_version()
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as package_version

    try:
        egg_version = f"{package_version('newsdesk')}.post{version}" if version.isdigit() else "0"
    except PackageNotFoundError:
        egg_version = "0"
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="newsdesk-egg-") as tmp:
        stage = Path(tmp)
        for package in PACKAGES:
            shutil.copytree(source_root() / package, stage / package,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        (stage / "setup.py").write_text(SETUP_PY.format(version=egg_version))
        (stage / "scrapy.cfg").write_text("[settings]\ndefault = crawlers.settings\n")
        proc = subprocess.run([sys.executable, "setup.py", "-q", "bdist_egg", "-d", str(stage / "dist")],
                              cwd=stage, capture_output=True, text=True)
        eggs = sorted((stage / "dist").glob("*.egg"))
        if proc.returncode != 0 or not eggs:
            raise ScrapydError(f"building the egg failed: {(proc.stderr or proc.stdout)[-1500:]}")
        target = out_dir / f"newsdesk-{version}.egg"
        shutil.copyfile(eggs[0], target)
    return target


def deploy(node: Node, egg: Path, version: str, project: str = DEFAULT_PROJECT) -> dict:
    """addversion.json: returns the node's answer (spiders: how many it found in the egg)."""
    return call(node, "addversion.json", {"project": project, "version": version},
                files={"egg": (egg.name, egg.read_bytes())}, timeout=120)


# -- one remote run -----------------------------------------------------------------------

@dataclass
class RemoteJob:
    node: Node
    job_id: str
    dispatched_at: float = field(default_factory=time.monotonic)
    state: str = "pending"  # pending, running, finished, lost
    log_url: str | None = None
    timed_out: bool = False
    interrupted: bool = False
    signals_sent: list[str] = field(default_factory=list)
    error: str | None = None


def remote_status(job: RemoteJob, recorded_status: str | None) -> str:
    """The run's final status from what the service saw and what the crawl recorded (pure)."""
    if job.state == "lost":
        return "failed"
    if job.timed_out:
        return "timed_out"
    if job.interrupted and job.signals_sent:
        return "interrupted"
    if recorded_status in (None, "running"):
        return "failed"  # the crawl ended without writing its summary
    return recorded_status


def find_job(listing: Mapping, job_id: str) -> tuple[str, dict] | None:
    for state in ("finished", "running", "pending"):
        for job in listing.get(state, []):
            if job.get("id") == job_id:
                return state, job
    return None


class ScrapydRunner(CrawlRunner):
    """CrawlRunner whose crawls run on Scrapyd nodes (see the module docstring)."""

    def __init__(self, *args, nodes: list[Node] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.nodes = nodes if nodes is not None else nodes_from_env(self.env)
        if not self.nodes:
            raise ValueError(f"{NODES_ENV}: no Scrapyd node given")
        self.project = self.env.get("NEWSDESK_SCRAPYD_PROJECT", DEFAULT_PROJECT)
        self.poll_s = float(self.env.get("NEWSDESK_SCRAPYD_POLL", POLL_S))
        self.dead_after = float(self.env.get("NEWSDESK_SCRAPYD_DEAD_AFTER", DEAD_AFTER_S))
        self.dispatched: Counter[Node] = Counter()
        # Choosing and scheduling under one lock: two runs starting together
        # must see each other's pending job in daemonstatus.
        self._dispatch_lock = threading.Lock()
        self._keep_lease: set[str] = set()

    def release_lease(self, outlet: str, owner: str, run_id: ObjectId) -> None:
        if str(run_id) in self._keep_lease:
            self._keep_lease.discard(str(run_id))
            logger.warning("lease on %s left to expire: its crawl may still be alive on a lost node", outlet)
            return
        super().release_lease(outlet, owner, run_id)

    # -- dispatch --------------------------------------------------------------
    def crawl_settings(self, entry, run_id: ObjectId, owner: str, trigger: str, ttl: timedelta) -> dict:
        settings = {
            "NEWSDESK_MONGO_URI": self.target.uri, "NEWSDESK_MONGO_DB": self.target.database,
            DB_REASON_KEY: self.target.database_reason,
            "NEWSDESK_RUN_ID": str(run_id), "NEWSDESK_RUN_TRIGGER": trigger,
            "NEWSDESK_LEASE_OWNER": owner, "NEWSDESK_LEASE_TTL": f"{ttl.total_seconds():g}",
            **{k: str(v) for k, v in entry.settings.items()},
        }
        if entry.section:
            settings["NEWSDESK_SECTIONS"] = entry.section
        return settings

    def dispatch(self, outlet: str, settings: Mapping[str, str]) -> RemoteJob:
        """Schedule on the least busy node that accepts; raises ScrapydError naming every refusal."""
        problems: list[str] = []
        with self._dispatch_lock:
            loads: dict[Node, dict] = {}
            for node in self.nodes:
                try:
                    loads[node] = node_load(node)
                except ScrapydError as exc:
                    problems.append(str(exc))
            for node in rank_nodes(loads, self.dispatched, self.nodes):
                params = [("project", self.project), ("spider", outlet)]
                params += [("setting", f"{k}={v}") for k, v in settings.items()]
                try:
                    answer = call(node, "schedule.json", params, post=True, timeout=60)
                except ScrapydError as exc:  # project not deployed there, spider unknown, node died
                    problems.append(str(exc))
                    continue
                self.dispatched[node] += 1
                return RemoteJob(node, answer["jobid"])
        raise ScrapydError("no Scrapyd node accepted the crawl: " + "; ".join(problems or ["no nodes"]))

    def cancel(self, job: RemoteJob, signal_name: str) -> None:
        job.signals_sent.append(f"SIG{signal_name}")
        try:
            call(job.node, "cancel.json", {"project": self.project, "job": job.job_id, "signal": signal_name},
                 post=True)
        except ScrapydError as exc:
            logger.warning("cancel %s of %s: %s", signal_name, job.job_id, exc)

    # -- following it ----------------------------------------------------------
    def follow(self, job: RemoteJob, time_limit: float, kill_grace: float, on_tick,
               on_state=None) -> RemoteJob:
        """Poll listjobs.json until the job finishes, is lost, or its node stops answering."""
        deadline = job.dispatched_at + time_limit
        last_answer = time.monotonic()
        missing = 0
        term_at: float | None = None
        while True:
            now = time.monotonic()
            try:
                listing = call(job.node, "listjobs.json", {"project": self.project})
                last_answer = now
            except ScrapydError as exc:
                if now - last_answer >= self.dead_after:
                    job.state = "lost"
                    job.error = (f"node {job.node.display} stopped answering for {self.dead_after:g}s "
                                 f"during the run: {exc}")
                    return job
                listing = None  # a blip: ask again next poll
            found = find_job(listing, job.job_id) if listing is not None else None
            if listing is not None and found is None:
                missing += 1
                if missing >= MISSING_POLLS:
                    job.state = "lost"
                    job.error = f"node {job.node.display} no longer knows job {job.job_id} (restarted?)"
                    return job
            elif found is not None:
                missing = 0
                if found[0] != job.state and on_state is not None:
                    on_state(found[0])  # pending -> running shows in `newsdesk runs`
                job.state = found[0]
                job.log_url = found[1].get("log_url") or job.log_url
                if job.state == "finished":
                    return job
            on_tick()
            term_at = self._enforce_limits(job, now, deadline, term_at, kill_grace)
            time.sleep(self.poll_s)

    def _enforce_limits(self, job: RemoteJob, now: float, deadline: float, term_at: float | None,
                        kill_grace: float) -> float | None:
        if self.stop_event.is_set() and term_at is None and not job.timed_out:
            job.interrupted = True
            deadline = min(deadline, now + self._stop_grace_left())
        if term_at is None and now >= deadline:
            job.timed_out = not job.interrupted
            self.cancel(job, "TERM")  # Scrapy closes the spider and writes its summary
            return now
        if term_at is not None and "SIGKILL" not in job.signals_sent and now >= term_at + kill_grace:
            self.cancel(job, "KILL")
        return term_at

    # -- the run ---------------------------------------------------------------------
    def _run_leased(self, entry, trigger: str, run_id: ObjectId, owner: str, ttl: timedelta) -> dict:
        outlet = entry.outlet
        start_run(self.db, outlet=outlet, trigger=trigger, run_id=run_id, extra={
            "job_id": entry.job_id, "section": entry.section, "lease_owner": owner, "runner": "scrapyd",
            "service": self.instance, "time_limit_s": entry.time_limit})
        info = {"run_id": str(run_id), "outlet": outlet, "job_id": entry.job_id, "trigger": trigger,
                "started_at": datetime.now(timezone.utc)}
        with self._lock:
            self.running[str(run_id)] = info
        try:
            job = self.dispatch(outlet, self.crawl_settings(entry, run_id, owner, trigger, ttl))
        except ScrapydError as exc:
            return self._finish(entry, run_id, None, str(exc))
        info.update(node=job.node.display, scrapyd_job=job.job_id)
        self.db.crawl_runs.update_one({"_id": run_id}, {"$set": {
            "node": job.node.display, "scrapyd_job": job.job_id, "scrapyd_project": self.project}})
        logger.info("run %s of %s (%s) on %s as job %s", run_id, entry.job_id, trigger, job.node, job.job_id)
        self.follow(job, entry.time_limit, self.schedule.service.kill_grace, self._renewer(outlet, owner, ttl),
                    on_state=lambda state: self.db.crawl_runs.update_one(
                        {"_id": run_id}, {"$set": {"node_state": state}}))
        if job.state == "lost":
            self._keep_lease.add(str(run_id))
        return self._finish(entry, run_id, job, job.error)

    def _renewer(self, outlet: str, owner: str, ttl: timedelta):
        # The crawl renews too, with our token; this covers the time the job
        # waits in the node's queue and the crawl's start-up.
        return leases.Renewal(self.db.locks, outlet, owner, ttl).tick

    def _finish(self, entry, run_id: ObjectId, job: RemoteJob | None, error: str | None) -> dict:
        doc = self.db.crawl_runs.find_one({"_id": run_id}) or {}
        status = remote_status(job, doc.get("status")) if job else "failed"
        now = datetime.now(timezone.utc)
        update: dict = {"status": status}
        if job is not None:
            update["node_state"] = job.state
            if job.log_url:
                update["log_url"] = job.node.display + job.log_url
            if job.signals_sent:
                update["stopped_with"] = job.signals_sent
        if status == "timed_out":
            error = f"stopped after its time limit of {entry.time_limit:g}s ({' then '.join(job.signals_sent)})"
        elif status == "interrupted":
            error = "stopped because the service was shutting down"
        elif status == "failed" and error is None and doc.get("status") in (None, "running"):
            error = "the crawl on the node ended without recording a summary (see log_url)"
        if error:
            update["error"] = error
        if status != doc.get("status") or "finished_at" not in doc:
            update["finished_at"] = now
            update["duration_s"] = round((now - (doc.get("started_at") or now)).total_seconds(), 3)
        self.db.crawl_runs.update_one({"_id": run_id}, {"$set": update})
        doc = self.db.crawl_runs.find_one({"_id": run_id}) or {}
        logger.info("run %s of %s on %s: %s%s", run_id, entry.job_id, job.node if job else "no node",
                    status, f" ({error})" if error else "")
        return self.after_run(entry, doc)


def runner_class(env: Mapping[str, str] | None = None) -> type[CrawlRunner]:
    """The runner the environment asks for: Scrapyd nodes when NEWSDESK_SCRAPYD_NODES is set."""
    return ScrapydRunner if nodes_from_env(env) else CrawlRunner


# -- `newsdesk ingest --scrapyd`: WARC files spread over the nodes --------------------------

INGEST_JOBS_KEEP_S = 30 * 86400


@dataclass
class IngestTask:
    """One file, one Scrapyd job; its outcome is the `ingest_jobs` document `doc_id`."""

    file: Path
    doc_id: ObjectId
    job: RemoteJob | None = None
    last_answer: float = field(default_factory=time.monotonic)
    missing: int = 0
    error: str | None = None


@dataclass
class IngestReport:
    counts: Counter = field(default_factory=Counter)
    failed: list[str] = field(default_factory=list)  # one line per file that did not finish ok


class IngestDispatcher:
    """Each file a job of the `newsdesk.ingest` spider (crawlers/spiders/ingest.py) on a node.

    At most `per_node` of our jobs are in flight on a node; the next file goes
    to the least busy node with room (daemonstatus, as for crawls), so a fast
    node takes more files. Every job writes its outcome into its `ingest_jobs`
    document in the shared database; each file's checkpoint lives on the node
    that ingests it. A node that stops answering for `dead_after` seconds, or
    forgets a job, fails its files (one line each; run the command again:
    files already done are skipped where their checkpoint is, and a file read
    again elsewhere is upserts of what is stored) and gets no more."""

    def __init__(self, db, target, nodes: list[Node], *, per_node: int = 1, project: str = DEFAULT_PROJECT,
                 poll_s: float = POLL_S, dead_after: float = DEAD_AFTER_S, job_args: Mapping[str, str] | None = None):
        self.db, self.target, self.nodes = db, target, nodes
        self.per_node, self.project, self.poll_s, self.dead_after = per_node, project, poll_s, dead_after
        self.job_args = dict(job_args or {})
        self.dispatched: Counter[Node] = Counter()
        self.dead: set[Node] = set()
        self.batch = ObjectId()  # the documents of this command

    def settings(self) -> dict:
        return {"NEWSDESK_MONGO_URI": self.target.uri, "NEWSDESK_MONGO_DB": self.target.database,
                DB_REASON_KEY: self.target.database_reason}

    def run(self, files: list[Path], say=lambda line: None, progress=lambda n: None) -> IngestReport:
        from crawlers.spiders.ingest import INGEST_SPIDER
        from crawlers.warc_jobs import INGEST_JOBS

        jobs = self.db[INGEST_JOBS]
        # outcomes are read once, by this command: kept a while for looking back, then expired
        jobs.create_index("created_at", name="created_at_ttl", expireAfterSeconds=INGEST_JOBS_KEEP_S)
        report = IngestReport()
        queue = [Path(f).resolve() for f in files]
        in_flight: dict[Node, list[IngestTask]] = {n: [] for n in self.nodes}
        while queue or any(in_flight.values()):
            while queue and (node := self._node_with_room(in_flight)) is not None:
                task = IngestTask(queue[0], ObjectId())
                jobs.insert_one({"_id": task.doc_id, "batch": self.batch, "file": str(task.file), "status": "pending",
                                 "node": node.display, "created_at": datetime.now(timezone.utc)})
                params = [("project", self.project), ("spider", INGEST_SPIDER), ("file", str(task.file)),
                          ("ingest_job", str(task.doc_id)), *self.job_args.items()]
                params += [("setting", f"{k}={v}") for k, v in self.settings().items()]
                try:
                    answer = call(node, "schedule.json", params, post=True, timeout=60)
                except ScrapydError as exc:  # not deployed there, or gone: the file goes elsewhere
                    jobs.delete_one({"_id": task.doc_id})
                    self.dead.add(node)
                    say(f"{node.display}: no more files: {exc}")
                    continue
                queue.pop(0)
                task.job = RemoteJob(node, answer["jobid"])
                jobs.update_one({"_id": task.doc_id}, {"$set": {"scrapyd_job": task.job.job_id}})
                self.dispatched[node] += 1
                in_flight[node].append(task)
            if queue and not any(in_flight.values()):  # every node refused or died
                for f in queue:
                    report.failed.append(f"{f}: not ingested: no Scrapyd node took it")
                break
            time.sleep(self.poll_s)
            for node, tasks in in_flight.items():
                for task in self._poll(node, tasks):
                    tasks.remove(task)
                    self._finish(task, jobs, report, say)
                    progress(task.file.stat().st_size if task.file.exists() else 0)
        return report

    def _node_with_room(self, in_flight: Mapping[Node, list]) -> Node | None:
        candidates = [n for n in self.nodes if n not in self.dead and len(in_flight[n]) < self.per_node]
        loads: dict[Node, dict] = {}
        for node in candidates:
            try:
                loads[node] = node_load(node)
            except ScrapydError:
                continue
        ranked = rank_nodes(loads, self.dispatched, self.nodes)
        return ranked[0] if ranked else None

    def _poll(self, node: Node, tasks: list[IngestTask]) -> list[IngestTask]:
        """The tasks on `node` that are over: finished, lost, or on a node that stopped answering."""
        if not tasks:
            return []
        now = time.monotonic()
        try:
            listing = call(node, "listjobs.json", {"project": self.project})
        except ScrapydError as exc:
            over = [t for t in tasks if now - t.last_answer >= self.dead_after]
            for task in over:
                task.error = f"node {node.display} stopped answering for {self.dead_after:g}s: {exc}"
                self.dead.add(node)
            return over
        over = []
        for task in tasks:
            task.last_answer = now
            found = find_job(listing, task.job.job_id)
            if found is None:
                task.missing += 1
                if task.missing >= MISSING_POLLS:
                    task.error = f"node {node.display} no longer knows job {task.job.job_id} (restarted?)"
                    over.append(task)
                continue
            task.missing = 0
            task.job.state, task.job.log_url = found[0], found[1].get("log_url") or task.job.log_url
            if task.job.state == "finished":
                over.append(task)
        return over

    def _finish(self, task: IngestTask, jobs, report: IngestReport, say) -> None:
        doc = jobs.find_one({"_id": task.doc_id}) or {}
        for line in doc.get("lines", []):
            say(line)
        status = doc.get("status")
        if task.error is None and status == "ok":
            report.counts += Counter(doc.get("counts", {}))
            return
        log = f" (log {task.job.node.display}{task.job.log_url})" if task.job and task.job.log_url else ""
        reason = task.error or doc.get("error") or (
            "stopped before its end" if status == "stopped" else "the job ended without recording its outcome")
        jobs.update_one({"_id": task.doc_id}, {"$set": {"status": status if status == "stopped" else "failed",
                                                        "error": reason}})
        report.failed.append(f"{task.file}: not finished on {task.job.node.display}: {reason}{log}")

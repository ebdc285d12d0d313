"""`newsdesk ingest` and `newsdesk reextract`: WARC records through ArticleReplay.

`ingest_file` reads one local WARC file as a stream (memory stays flat
however big it is), routes each response to the outlet whose domains hold
its host (or to one named outlet), and checkpoints after each stored batch
(pipelines/checkpoints.py): killed and restarted, it goes on from the last
checkpoint, and the records it reads again are upserts of what is already
stored. `reextract_stored` reads, for each stored article, the record its
`archive` field points at and runs it through the pipeline again without
moving `last_seen`: the version goes up only where the body changed.

Both report through two callbacks: `say(line)` for a bad record (one line:
file, offset, reason) and `progress(n)` for units done (bytes for ingest,
articles for reextract).
"""

from __future__ import annotations

import os
import socket
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from pymongo.database import Database

from crawlers import settings as crawl_settings
from crawlers.replay import ArticleReplay
from crawlers.workers import limit_heap_growth
from pipelines import checkpoints
from pipelines.outlets import OutletSpec
from pipelines.warc import BadRecord, iter_responses, read_response


def _nothing(*_args) -> None:
    return None


@dataclass(frozen=True)
class IngestOptions:
    state_dir: Path
    archive_root: Path
    outlet: str | None = None  # every record is this outlet's
    batch_size: int = 100
    duplicate_policy: str = "link"
    restart: bool = False  # read the file from its start, whatever its checkpoint says


def outlet_for(url: str, outlets: Mapping[str, OutletSpec]) -> OutletSpec | None:
    """The outlet whose domains hold the URL's host; the longest domain wins
    (news.example.com before example.com)."""
    host = (urlsplit(url).hostname or "").lower()
    matches = [(len(d), spec) for spec in outlets.values() for d in spec.domains
               if host == d or host.endswith("." + d)]
    return max(matches, key=lambda m: m[0])[1] if matches else None


def archive_ref(path: Path, root: Path, record) -> dict:
    """An article's `archive` field: the file relative to the archive when it is inside it."""
    path = Path(path).resolve()
    try:
        name = str(path.relative_to(Path(root).resolve()))
    except ValueError:
        name = str(path)
    return {"file": name, "offset": record.offset, "length": record.length, "fetched_at": record.fetched_at}


def ingest_file(path: Path, db: Database, outlets: Mapping[str, OutletSpec], options: IngestOptions,
                say: Callable[[str], None] = _nothing, progress: Callable[[int], None] = _nothing,
                stop: Callable[[], bool] = _nothing) -> Counter:
    """Ingest one file from its checkpoint; returns this run's counts (the checkpoint
    keeps those of all runs). `stop()` true after a checkpoint: return there
    (`files/stopped`), the file not done (a Scrapyd job being cancelled)."""
    path = Path(path)
    limit_heap_growth(crawl_settings.NEWSDESK_MMAP_THRESHOLD)  # as a crawl does: RSS flat over many pages
    if options.restart:
        checkpoints.forget(options.state_dir, path)
    state = checkpoints.load(options.state_dir, path)
    size = path.stat().st_size
    if state.done:
        progress(size)
        return Counter({"files/already_done": 1})
    fixed = outlets[options.outlet] if options.outlet else None
    replay = ArticleReplay(db, batch_size=options.batch_size, duplicate_policy=options.duplicate_policy)
    base = Counter(state.counts)
    position = state.offset
    progress(position)

    def checkpoint(offset: int, done: bool = False) -> None:
        replay.flush()
        state.offset, state.done, state.counts = offset, done, base + replay.counts
        checkpoints.save(options.state_dir, state)

    for record in iter_responses(path, start=state.offset):
        if isinstance(record, BadRecord):
            replay.counts["bad_records"] += 1
            say(f"{path}@{record.offset}: bad record skipped: {record.reason}")
            end = record.resume_at if record.resume_at is not None else size
        else:
            end = record.end
            outlet = fixed or outlet_for(record.url, outlets)
            if outlet is None:
                replay.counts["skipped/no_outlet"] += 1
            elif record.role not in (None, "article"):  # newsdesk's own section pages, robots.txt
                replay.counts[f"skipped/{record.role}_page"] += 1
            else:
                replay.counts["records"] += 1
                replay.add(record, outlet, archive_ref(path, options.archive_root, record))
        if replay.full:
            checkpoint(end)
            if stop():
                progress(end - position)
                replay.counts["files/stopped"] += 1
                return replay.counts
        progress(end - position)
        position = end
    checkpoint(size, done=True)
    progress(size - position)
    return replay.counts


class _Throttled:
    """Progress from a worker process: one queue message per ~1 MB, not per record."""

    def __init__(self, queue, every: int = 1 << 20):
        self.queue, self.every, self.held = queue, every, 0

    def __call__(self, n: int) -> None:
        self.held += n
        if self.held >= self.every:
            self.flush()

    def flush(self) -> None:
        if self.held:
            self.queue.put(("progress", self.held))
            self.held = 0


def ingest_job(path: str, target, options: IngestOptions, queue) -> Counter:
    """One file in a worker process: its own client and outlets; lines and progress go to `queue`."""
    from pipelines.mongo import connect
    from pipelines.outlets import load_outlets

    client = connect(target)
    progress = _Throttled(queue)
    try:
        return ingest_file(Path(path), client[target.database], load_outlets(), options,
                           say=lambda line: queue.put(("say", line)), progress=progress)
    finally:
        progress.flush()
        client.close()


def ingest_files_parallel(files: list[Path], target, options: IngestOptions, jobs: int,
                          say: Callable[[str], None] = _nothing,
                          progress: Callable[[int], None] = _nothing) -> Counter:
    """`ingest_file` over `files` in `jobs` worker processes (spawned: no inherited
    client or threads), one file per task; each file has its own checkpoint, so
    no two workers ever read the same records."""
    import multiprocessing
    import queue as queue_module
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    context = multiprocessing.get_context("spawn")
    totals: Counter = Counter()
    with context.Manager() as manager:
        messages = manager.Queue()

        def drain() -> None:
            while True:
                try:
                    kind, value = messages.get_nowait()
                except queue_module.Empty:
                    return
                (progress if kind == "progress" else say)(value)

        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            pending = {pool.submit(ingest_job, str(f), target, options, messages) for f in files}
            while pending:
                done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                drain()
                for future in done:
                    totals += future.result()  # a worker's database error stops the ingest here
        drain()
    return totals


def reextract_query(outlet: str | None, since: datetime | None, until: datetime | None) -> dict:
    query: dict = {"archive": {"$ne": None}}
    if outlet:
        query["outlet"] = outlet
    fetched: dict = {}
    if since:
        fetched["$gte"] = since
    if until:
        fetched["$lt"] = until
    if fetched:
        query["archive.fetched_at"] = fetched
    return query


def reextract_stored(db: Database, outlets: Mapping[str, OutletSpec], archive_root: Path, query: dict,
                     batch_size: int = 100, say: Callable[[str], None] = _nothing,
                     progress: Callable[[int], None] = _nothing) -> Counter:
    """Every stored article matching `query`, extracted again from its archived response."""
    limit_heap_growth(crawl_settings.NEWSDESK_MMAP_THRESHOLD)
    replay = ArticleReplay(db, batch_size=batch_size, seen=False)
    projection = {"canonical_url": 1, "outlet": 1, "archive": 1}
    for doc in db.articles.find(query, projection).sort("_id", 1):
        progress(1)
        outlet = outlets.get(doc.get("outlet"))
        if outlet is None:
            replay.counts["skipped/unknown_outlet"] += 1
            continue
        try:
            response = read_response(archive_root, doc["archive"])
        except (OSError, ValueError) as exc:
            replay.counts["missing_record"] += 1
            say(f"{doc['canonical_url']}: archived response unreadable: {exc}")
            continue
        replay.counts["records"] += 1
        replay.add(response, outlet, doc["archive"])
        if replay.full:
            replay.flush()
    replay.flush()
    return replay.counts


# -- one file as a Scrapyd job (`newsdesk ingest --scrapyd`) ---------------------------

INGEST_JOBS = "ingest_jobs"  # one document per file dispatched to a node: its outcome
MAX_JOB_LINES = 50  # bad-record lines kept in a job's document (all are in the node's log)


def _one_line(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}"


def run_ingest_job(db: Database, job_id, path: Path, outlets: Mapping[str, OutletSpec], options: IngestOptions,
                   say: Callable[[str], None] = _nothing, stop: Callable[[], bool] = _nothing) -> Counter:
    """`ingest_file` with its outcome in the `ingest_jobs` document `job_id`, which the
    dispatching `newsdesk ingest --scrapyd` created and reads when the job is finished:
    status running, then ok / stopped / failed, counts, the first bad-record lines."""
    jobs = db[INGEST_JOBS]
    lines: list[str] = []

    def note(line: str) -> None:
        if len(lines) < MAX_JOB_LINES:
            lines.append(line)
        say(line)

    jobs.update_one({"_id": job_id}, {"$set": {"status": "running", "started_at": datetime.now(timezone.utc),
                                               "host": socket.gethostname(), "pid": os.getpid()}})
    try:
        counts = ingest_file(path, db, outlets, options, say=note, stop=stop)
    except Exception as exc:  # the database went away, a bad checkpoint: the dispatcher reports it
        try:
            jobs.update_one({"_id": job_id}, {"$set": {"status": "failed", "error": _one_line(exc), "lines": lines,
                                                       "finished_at": datetime.now(timezone.utc)}})
        except Exception:  # noqa: S110 - the database itself failed; the dispatcher sees no outcome
            pass
        raise
    status = "stopped" if counts.pop("files/stopped", 0) else "ok"
    jobs.update_one({"_id": job_id}, {"$set": {"status": status, "counts": dict(counts), "lines": lines,
                                               "finished_at": datetime.now(timezone.utc)}})
    return counts

"""The Scrapyd runner, for real: two Scrapyd servers on 127.0.0.1, the project egg deployed to both.

Each node runs `scrapyd` (the console script beside sys.executable) in its own
directory with its own scrapyd.conf; crawls it starts run the deployed egg's
code with this interpreter. The nodes get NEWSDESK_OUTLETS_PATH in their
environment (the fixture outlets); the database, run id, trigger and lease
owner reach each crawl as `setting=` parameters only.
"""

from __future__ import annotations

import functools
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipelines import embedded_db
from schedules.scrapyd import (
    Node,
    RemoteJob,
    ScrapydError,
    build_egg,
    call,
    deploy,
    find_job,
    parse_node,
    parse_nodes,
    rank_nodes,
    remote_status,
)
from tests.fixture_server import SITE, FixtureServer
from tests.sitefixtures import write_outlet
from tests.test_scheduler import (
    Service,
    SiteHandler,
    entry,
    schedule_file,
    wait_for,
    write_plain_outlet,
)

REPO = Path(__file__).resolve().parents[1]
NEWSDESK = str(Path(sys.executable).with_name("newsdesk"))
SCRAPYD = str(Path(sys.executable).with_name("scrapyd"))
PASSWORD = "s3cret-pw"


class ScrapydNode:
    """One real Scrapyd server in its own directory, in its own process group (a machine to kill)."""

    def __init__(self, root: Path, env: dict, auth: tuple[str, str] | None = None):
        self.root = root
        self.port = embedded_db.free_port()
        root.mkdir(parents=True, exist_ok=True)
        conf = [f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {self.port}\n",
                f"eggs_dir = {root / 'eggs'}\nlogs_dir = {root / 'logs'}\ndbs_dir = {root / 'dbs'}\n",
                "items_dir =\nmax_proc = 2\npoll_interval = 0.2\n"]
        if auth:
            conf.append(f"username = {auth[0]}\npassword = {auth[1]}\n")
        (root / "scrapyd.conf").write_text("".join(conf))
        creds = f"{auth[0]}:{auth[1]}@" if auth else ""
        self.url = f"http://{creds}127.0.0.1:{self.port}"
        self.log = open(root / "scrapyd.log", "ab")  # noqa: SIM115 - lives as long as the node
        # start_new_session: kill() takes the node's crawl processes with it, like a machine going down.
        self.proc = subprocess.Popen([SCRAPYD], cwd=root, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self.node = parse_node(self.url)

    def wait_ready(self, timeout: float = 20) -> None:
        def up():
            if self.proc.poll() is not None:
                raise AssertionError(f"scrapyd exited: {(self.root / 'scrapyd.log').read_text()[-2000:]}")
            try:
                return call(self.node, "daemonstatus.json", timeout=1)
            except ScrapydError:
                return None
        wait_for(up, timeout, interval=0.2, what=f"scrapyd on port {self.port}")

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        self.log.close()


def start_nodes(tmp: Path, env: dict, count: int, auth_first: bool = False) -> list[ScrapydNode]:
    nodes = [ScrapydNode(tmp / f"node{i}", env, ("newsdesk", PASSWORD) if auth_first and i == 0 else None)
             for i in range(count)]
    for node in nodes:
        node.wait_ready()
    return nodes


@pytest.fixture(scope="module")
def site():
    with FixtureServer(handler=functools.partial(SiteHandler, directory=str(SITE))) as server:
        yield server


@pytest.fixture(scope="module")
def outlets(tmp_path_factory, site):
    directory = tmp_path_factory.mktemp("outlets")
    write_outlet(directory, site.base_url)  # "fixture": the whole site
    write_outlet(directory, site.base_url, name="fixture2")
    write_plain_outlet(directory, "slowpoke", [f"{site.base_url}/slow/4/world/"])
    write_plain_outlet(directory, "hung", [f"{site.base_url}/hang/world/"])
    return directory


def node_env(outlets: Path, home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")}
    # Crawls on a node read outlet files from its environment; the database comes as a setting.
    return {**env, "NEWSDESK_OUTLETS_PATH": str(outlets), "NEWSDESK_HOME": str(home)}


@pytest.fixture(scope="module")
def egg(tmp_path_factory):
    return build_egg(tmp_path_factory.mktemp("egg"), "100")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, outlets, egg):
    """Two nodes, the first behind basic auth, with the egg deployed as version 100."""
    tmp = tmp_path_factory.mktemp("cluster")
    nodes = start_nodes(tmp, node_env(outlets, tmp / "home"), 2, auth_first=True)
    for node in nodes:
        deploy(node.node, egg, "100")
    yield nodes
    for node in nodes:
        node.kill()


@pytest.fixture
def env(tmp_path, outlets, mongo_uri, db_name, cluster):
    return {**os.environ, "NEWSDESK_OUTLETS_PATH": str(outlets), "NEWSDESK_MONGO_URI": mongo_uri,
            "NEWSDESK_MONGO_DB": db_name, "NEWSDESK_HOME": str(tmp_path / "home"),
            "NEWSDESK_SCRAPYD_NODES": ",".join(n.url for n in cluster),
            "NEWSDESK_SCRAPYD_POLL": "0.3"}



def cli(env, *args, timeout=120):
    return subprocess.run([NEWSDESK, *args], env=env, cwd=REPO, capture_output=True, text=True, timeout=timeout)


# -- pure parts -------------------------------------------------------------------------------

def test_node_urls_keep_credentials_out_of_sight():
    node = parse_node(" http://ops:hunter2@10.0.0.5:6800/ ")
    assert node.url == "http://10.0.0.5:6800" and "hunter2" not in node.display
    assert node.display == "http://ops:***@10.0.0.5:6800" and node.auth.startswith("Basic ")
    assert [n.url for n in parse_nodes("http://a:6800, http://b:6800,")] == ["http://a:6800", "http://b:6800"]
    with pytest.raises(ValueError, match="not an http"):
        parse_node("ftp://x:pw@host")


def test_least_busy_node_first_then_fewest_dispatches():
    a, b, c = (Node(f"http://{n}", None, n) for n in "abc")
    loads = {a: {"running": 1, "pending": 0}, b: {"running": 0, "pending": 0}, c: {"running": 0, "pending": 0}}
    assert rank_nodes(loads, {}, [a, b, c]) == [b, c, a]
    assert rank_nodes(loads, {b: 1}, [a, b, c]) == [c, b, a]
    assert rank_nodes({a: loads[a]}, {}, [a, b, c]) == [a]  # b and c did not answer


def test_remote_outcome_prefers_what_only_the_service_knows():
    job = RemoteJob(Node("http://a", None, "a"), "j1")
    assert remote_status(job, "ok") == "ok" and remote_status(job, "running") == "failed"
    job.state = "lost"
    assert remote_status(job, "running") == "failed"
    job.state, job.timed_out, job.signals_sent = "finished", True, ["SIGTERM"]
    assert remote_status(job, "shutdown") == "timed_out"
    listing = {"pending": [{"id": "p"}], "running": [{"id": "r"}], "finished": [{"id": "f"}]}
    assert find_job(listing, "r")[0] == "running" and find_job(listing, "x") is None


# -- real nodes ---------------------------------------------------------------------------------

def test_deploy_to_every_node_and_show_them(env, cluster):
    done = cli(env, "nodes", "deploy", "--version", "200")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("version 200 deployed, 28 spiders") == 2, done.stdout
    shown = cli(env, "nodes")
    assert shown.returncode == 0, shown.stderr
    assert PASSWORD not in shown.stdout + shown.stderr + done.stdout + done.stderr
    assert "newsdesk:***@127.0.0.1" in shown.stdout and shown.stdout.count("version 200 (2 kept)") == 2
    rows = [json.loads(line) for line in cli(env, "nodes", "--json").stdout.splitlines()]
    assert [r["state"] for r in rows] == ["up", "up"] and all(r["versions"] == ["100", "200"] for r in rows)


def test_remote_crawl_lands_articles_in_the_shared_database(env, cluster, mongo_db):
    done = cli(env, "crawl", "fixture", "--remote", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=false")
    assert done.returncode == 0, done.stdout + done.stderr
    run = mongo_db.crawl_runs.find_one({"outlet": "fixture"})
    assert run["status"] == "ok" and run["runner"] == "scrapyd" and run["trigger"] == "cli"
    assert run["node"] == cluster[0].node.display and run["scrapyd_job"] in done.stdout
    assert run["stored"]["new"] == 6 and mongo_db.articles.count_documents({"outlet": "fixture"}) == 6
    assert mongo_db.locks.find_one({"_id": "fixture"}) is None  # released after the run
    assert PASSWORD not in json.dumps(run, default=str) + done.stdout + done.stderr
    log = call(cluster[0].node, "listjobs.json", {"project": "newsdesk"})["finished"][-1]["log_url"]
    assert run["log_url"].endswith(log)


def test_a_remote_crawl_past_its_time_limit_is_cancelled(env, cluster, mongo_db, mongo_uri, db_name):
    from pipelines.mongo import MongoTarget
    from schedules.definitions import ScheduleEntry, ScheduleFile
    from schedules.scrapyd import ScrapydRunner

    schedule = ScheduleFile.model_validate({"path": "x.toml", "entries": [], "service": {"kill_grace": 2},
                                           "monitoring": {}})
    runner = ScrapydRunner(mongo_db, MongoTarget(mongo_uri, db_name, "setting"), schedule,
                           env={"NEWSDESK_SCRAPYD_POLL": "0.3"}, nodes=[n.node for n in cluster])
    hung = ScheduleEntry.model_validate({"outlet": "hung", "every": 3600, "jitter": 0, "time_limit": 5,
                                         "enabled": True, "timezone": "UTC"})
    started = time.monotonic()
    doc = runner.run(hung, trigger="manual")
    assert doc["status"] == "timed_out" and doc["stopped_with"][0] == "SIGTERM", doc
    assert "time limit of 5s" in doc["error"] and time.monotonic() - started < 20
    listing = call(cluster[0].node, "listjobs.json", {"project": "newsdesk"})
    assert find_job(listing, doc["scrapyd_job"])[0] == "finished"  # really stopped on the node
    assert mongo_db.locks.find_one({"_id": "hung"}) is None


def test_the_service_dispatches_to_both_nodes(env, cluster, mongo_db, tmp_path, services):
    sched = schedule_file(tmp_path, entry("fixture", "2s") + entry("fixture2", "2s"))
    svc = Service(env, sched, tmp_path / "serve.log")
    services.append(svc)
    svc.wait_ready(mongo_db)

    def on_both():
        runs = list(mongo_db.crawl_runs.find({"status": "ok", "trigger": "schedule"}))
        return len(runs) >= 4 and {r["node"] for r in runs} == {n.node.display for n in cluster} and runs
    runs = wait_for(on_both, 90, interval=0.5, what="ok runs on both nodes")
    assert svc.stop() == 0
    assert mongo_db.articles.count_documents({}) == 6  # one document per canonical URL, whichever node
    assert sum(r["stored"]["new"] for r in runs) == 6
    assert PASSWORD not in svc.output()


def test_a_node_killed_mid_run_fails_the_run_and_the_next_goes_to_the_other(
        egg, outlets, env, mongo_db, tmp_path, services):
    nodes = start_nodes(tmp_path / "nodes", node_env(outlets, tmp_path / "node-home"), 2)
    try:
        for node in nodes:
            deploy(node.node, egg, "100")
        run_env = {**env, "NEWSDESK_SCRAPYD_NODES": ",".join(n.url for n in nodes),
                   "NEWSDESK_SCRAPYD_DEAD_AFTER": "2"}
        sched = tmp_path / "schedules.toml"
        sched.write_text('[service]\nhttp = ""\nlease_ttl = "6s"\nkill_grace = "2s"\n[defaults]\njitter = 0\n'
                         + entry("slowpoke", "3s"))
        svc = Service(run_env, sched, tmp_path / "serve.log")
        services.append(svc)
        svc.wait_ready(mongo_db)
        # The first run goes to the first node (a tie, list order); kill it in the middle of the crawl
        # (its section page alone takes 4 s).
        first = wait_for(lambda: mongo_db.crawl_runs.find_one({"outlet": "slowpoke", "node_state": "running"}),
                         40, what="a running crawl")
        assert first["node"] == nodes[0].node.display
        time.sleep(2)
        killed_at = time.monotonic()
        nodes[0].kill()
        failed = wait_for(lambda: mongo_db.crawl_runs.find_one({"_id": first["_id"], "status": "failed"}), 20,
                          what="the run on the dead node recorded as failed")
        assert "stopped answering" in failed["error"] and nodes[0].node.display in failed["error"]
        # Not released but left to expire (6 s): the node might only have been cut off, its crawl alive.
        assert mongo_db.locks.find_one({"_id": "slowpoke"})["owner"] == first["lease_owner"]
        good = wait_for(lambda: mongo_db.crawl_runs.find_one({"outlet": "slowpoke", "status": "ok"}), 60,
                        what="an ok run on the live node")
        assert good["node"] == nodes[1].node.display and good["started_at"] > failed["finished_at"]
        assert time.monotonic() - killed_at >= 4  # not before the lease expired
        assert svc.stop() == 0
    finally:
        for node in nodes:
            node.kill()

"""`newsdesk ingest --scrapyd`: WARC files spread over two real Scrapyd nodes on 127.0.0.1,
each file a job of the `newsdesk.ingest` spider in the deployed egg, all into one database.

The two nodes share one NEWSDESK_HOME (as nodes sharing storage would), so
each file's checkpoint is seen by whichever node gets it next time; the node
killed mid-file has its own, so the rerun elsewhere reads the file again."""

from __future__ import annotations

import pytest

from schedules.scrapyd import build_egg, deploy
from tests.sitefixtures import newsdesk_env, run_newsdesk
from tests.test_ingest import fixture_pages, generated_pages, write_outlets, write_warc
from tests.test_scrapyd import node_env, start_nodes


@pytest.fixture(scope="module")
def outlets(tmp_path_factory):
    directory = tmp_path_factory.mktemp("outlets")
    write_outlets(directory)
    return directory


@pytest.fixture(scope="module")
def nodes(tmp_path_factory, outlets):
    tmp = tmp_path_factory.mktemp("ingest-nodes")
    egg = build_egg(tmp / "egg", "100")
    started = start_nodes(tmp, node_env(outlets, tmp / "home"), 2)
    try:
        for node in started:
            answer = deploy(node.node, egg, "100")
            assert answer["spiders"] >= 3  # the outlets and newsdesk.ingest
        yield started
    finally:
        for node in started:
            node.kill()


def test_files_are_split_over_the_nodes_and_stored_once(tmp_path, outlets, nodes, mongo_uri, db_name, mongo_db):
    env = newsdesk_env(tmp_path, mongo_uri, db_name, outlets=outlets,
                       NEWSDESK_SCRAPYD_NODES=",".join(n.url for n in nodes), NEWSDESK_SCRAPYD_POLL="0.3")
    pages = generated_pages(12)
    files = [tmp_path / f"part-{i}.warc.gz" for i in range(3)]
    for i, path in enumerate(files):
        write_warc(path, pages[4 * i:4 * i + 4])
    damaged = tmp_path / "damaged.warc.gz"
    offsets = write_warc(damaged, fixture_pages()[:3])
    damaged.write_bytes(damaged.read_bytes()[:offsets[2] + 300])  # the third record cut short
    run = run_newsdesk(env, "ingest", "--scrapyd", *map(str, files + [damaged]), timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr[-3000:]
    assert "4 files on 2 Scrapyd nodes (0 already ingested, skipped; 0 failed)" in run.stdout, run.stdout
    assert "14 new, 0 updated" in run.stdout and "bad records 1" in run.stdout, run.stdout
    assert f"{damaged.resolve()}@{offsets[2]}: bad record skipped" in run.stderr, run.stderr  # relayed from its node
    urls = [d["url"] for d in mongo_db.articles.find({}, {"url": 1})]
    assert sorted(urls) == sorted([u for u, _ in pages] + [u for u, _ in fixture_pages()[:2]])
    jobs = list(mongo_db.ingest_jobs.find())
    assert sorted(j["file"] for j in jobs) == sorted(str(f.resolve()) for f in files + [damaged])
    assert {j["status"] for j in jobs} == {"ok"} and {j["node"] for j in jobs} == {n.node.display for n in nodes}

    again = run_newsdesk(env, "ingest", "--scrapyd", *map(str, files + [damaged]), timeout=300)
    assert again.returncode == 0, again.stdout + again.stderr[-3000:]
    assert "(4 already ingested, skipped; 0 failed)" in again.stdout and "0 new" in again.stdout, again.stdout
    assert mongo_db.articles.count_documents({}) == 14


def test_a_node_without_the_project_is_passed_over_and_no_nodes_is_exit_2(tmp_path, outlets, nodes, mongo_uri,
                                                                           db_name, mongo_db):
    bare = start_nodes(tmp_path / "bare", node_env(outlets, tmp_path / "home"), 1)[0]  # nothing deployed
    try:
        env = newsdesk_env(tmp_path, mongo_uri, db_name, outlets=outlets, NEWSDESK_SCRAPYD_POLL="0.3",
                           NEWSDESK_SCRAPYD_NODES=f"{bare.url},{nodes[0].url}")
        path = tmp_path / "one.warc.gz"
        write_warc(path, generated_pages(3))
        run = run_newsdesk(env, "ingest", "--scrapyd", str(path), timeout=300)
        assert run.returncode == 0, run.stdout + run.stderr[-3000:]
        assert f"{bare.node.display}: no more files" in run.stderr and "3 new" in run.stdout, run.stdout + run.stderr
        assert [j["node"] for j in mongo_db.ingest_jobs.find()] == [nodes[0].node.display]
    finally:
        bare.kill()
    unset = run_newsdesk({k: v for k, v in env.items() if k != "NEWSDESK_SCRAPYD_NODES"},
                         "ingest", "--scrapyd", str(path))
    assert unset.returncode == 2 and "NEWSDESK_SCRAPYD_NODES is not set" in unset.stderr, unset.stderr


def test_a_node_killed_mid_ingest_fails_its_file_and_a_rerun_stores_every_article_once(
        tmp_path, outlets, nodes, mongo_uri, db_name, mongo_db):
    import subprocess

    from tests.sitefixtures import NEWSDESK, REPO
    from tests.test_scheduler import wait_for

    doomed = start_nodes(tmp_path / "doomed", node_env(outlets, tmp_path / "doomed-home"), 1)[0]
    deploy(doomed.node, build_egg(tmp_path / "egg", "100"), "100")
    env = newsdesk_env(tmp_path, mongo_uri, db_name, outlets=outlets, NEWSDESK_SCRAPYD_POLL="0.3",
                       NEWSDESK_SCRAPYD_DEAD_AFTER="2", NEWSDESK_SCRAPYD_NODES=doomed.url)
    pages = generated_pages(80)
    path = tmp_path / "long.warc.gz"
    write_warc(path, pages)
    try:
        proc = subprocess.Popen([NEWSDESK, "ingest", "--scrapyd", "--batch-size", "2", str(path)], env=env,
                                cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wait_for(lambda: mongo_db.articles.count_documents({}) > 0, 120, interval=0.1, what="a first batch stored")
        doomed.kill()  # the machine goes away mid-file
        out, err = proc.communicate(timeout=60)
    finally:
        doomed.kill()
    assert proc.returncode == 1, out + err
    assert f"{path.resolve()}: not finished on {doomed.node.display}: node {doomed.node.display} stopped answering" \
        in err and "1 files not ingested: run the same command again" in err, err
    part = mongo_db.articles.count_documents({})
    assert 0 < part < 80
    rerun = run_newsdesk({**env, "NEWSDESK_SCRAPYD_NODES": nodes[0].url}, "ingest", "--scrapyd", str(path),
                         timeout=300)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr[-3000:]
    urls = [d["url"] for d in mongo_db.articles.find({}, {"url": 1})]
    assert sorted(urls) == sorted(url for url, _ in pages)  # the other node read it again: nothing twice
    assert {d["version"] for d in mongo_db.articles.find()} == {1}

"""Bad days at the command line (issue 14): the database away, refusing, or named by a
malformed URI; odd input files; closed pipes; Ctrl-C. Every test runs the real
`newsdesk` process and asserts its one line and its exit code."""

from __future__ import annotations

import gzip
import json
import re
import signal
import subprocess

import pytest

from pipelines import embedded_db
from tests.fault_scenarios import slow_site, wait_until
from tests.sitefixtures import FAST, NEWSDESK, REPO, newsdesk_env, run_newsdesk, write_outlet

# (command, needs a schedule file) run against each bad database
DB_COMMANDS = [
    ["crawl", "fixture"], ["articles"], ["runs"], ["schedule", "list"], ["schedule", "pause", "fixture"],
    ["db", "init"], ["check"], ["serve", "--http", ""],
]


def one_line(result: subprocess.CompletedProcess) -> str:
    assert "Traceback" not in result.stderr + result.stdout, result.stderr[-3000:]
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    return lines[0]


@pytest.fixture
def bad_db_env(tmp_path, site):
    """Outlet "fixture" and a one-entry schedule; the database URI is set per test."""
    write_outlet(tmp_path / "outlets", site.base_url)
    schedules = tmp_path / "s.toml"
    schedules.write_text('[[schedule]]\noutlet = "fixture"\nevery = "1h"\n')

    def make(uri: str) -> dict:
        return newsdesk_env(tmp_path, uri, "baddb", NEWSDESK_SCHEDULES=str(schedules),
                            NEWSDESK_MONGO_TIMEOUT_MS="1000")
    return make


def test_unreachable_database_is_one_line_exit_1(bad_db_env):
    port = embedded_db.free_port()
    env = bad_db_env(f"mongodb://127.0.0.1:{port}/")
    for command in DB_COMMANDS:
        result = run_newsdesk(env, *command, timeout=120)
        assert result.returncode == 1, (command, result.stderr[-2000:])
        assert one_line(result) == (f"newsdesk: database mongodb://127.0.0.1:{port}/ database 'baddb' from NEWSDESK_MONGO_DB "
                                    "(NEWSDESK_MONGO_URI): unreachable (connection refused)"), command


@pytest.mark.parametrize(("uri", "reason"), [
    ("mongodb://alice:p@ss:Wd9x@127.0.0.1:28717/", "percent-encode the password"),
    ("mongodb://alice:s3cret@127.0.0.1:notaport/", "the port must be a number from 1 to 65535"),
    ("mongodb://@127.0.0.1:notaport", "an '@' with no user name before it"),
    ("postgres://alice:s3cret@db/", None),
])
def test_malformed_uri_is_one_line_exit_2_and_no_secret(bad_db_env, uri, reason):
    env = bad_db_env(uri)
    for command in DB_COMMANDS:
        result = run_newsdesk(env, *command)
        assert result.returncode == 2, (command, result.stderr[-2000:])
        line = one_line(result)
        assert line.startswith("newsdesk: NEWSDESK_MONGO_URI: '"), line
        assert line.endswith(f"is invalid: {reason}" if reason else "is not a mongodb:// or mongodb+srv:// URI") \
            or (reason and f"is invalid: {reason} (" in line), line
        for secret in ("p@ss", "Wd9x", "s3cret"):
            assert secret not in result.stderr + result.stdout, command


def test_refused_credentials_are_one_line_exit_1(bad_db_env):
    port = embedded_db.free_port()
    server = subprocess.Popen([embedded_db.find_launcher(), "--port", str(port), "--storage-path", ":memory:",
                               "--auth", "--log-level", "WARNING"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        embedded_db.wait_for_ping(f"mongodb://127.0.0.1:{port}/")
        env = bad_db_env(f"mongodb://reader:Wrong-Pass-7@127.0.0.1:{port}/")
        for command in DB_COMMANDS:
            result = run_newsdesk(env, *command)
            assert result.returncode == 1, (command, result.stderr[-2000:])
            assert one_line(result) == (f"newsdesk: database mongodb://reader:***@127.0.0.1:{port}/ database "
                                        "'baddb' from NEWSDESK_MONGO_DB (NEWSDESK_MONGO_URI): refused the credentials "
                                        "(authentication failed)"), command
            assert "Wrong-Pass-7" not in result.stdout + result.stderr
    finally:
        server.terminate()
        server.wait(timeout=10)


# -- arguments ------------------------------------------------------------------------------

def test_since_overflow_and_bad_limit_exit_2(env):
    result = run_newsdesk(env, "articles", "--since", "99999999d")
    assert result.returncode == 2
    assert one_line(result) == "newsdesk: --since: '99999999d' reaches before year 1"
    result = run_newsdesk(env, "articles", "--limit", "-3")
    assert result.returncode == 2 and "--limit: must be 0 (no limit) or more, got -3" in result.stderr


def test_articles_of_an_unknown_outlet_exit_2(env):
    result = run_newsdesk(env, "articles", "--outlet", "nosuch")
    assert result.returncode == 2
    line = one_line(result)
    assert line.startswith("newsdesk: --outlet: no such outlet 'nosuch' (defined: ") and ", fixture, " in line
    assert line.endswith("; none stored under that name)")


def test_summary_json_path_checked_before_crawling(env, mongo_db):
    result = run_newsdesk(env, "crawl", "fixture", *FAST, "--summary-json", "/nonexistent/x.json")
    assert result.returncode == 2
    assert one_line(result) == "newsdesk: --summary-json: /nonexistent/x.json: directory /nonexistent does not exist"
    assert mongo_db.crawl_runs.count_documents({}) == 0  # refused before the crawl, not after


# -- input files ----------------------------------------------------------------------------

def test_clean_file_decodes_cp1252_like_the_crawl_and_refuses_binary(tmp_path):
    text = ("Le conseil municipal a voté le budget. Le café coûte désormais 3 € de plus, "
            "a déclaré la maire à l’issue d’une séance qui a duré jusqu’à minuit.\n") * 8
    (tmp_path / "cp1252.txt").write_bytes(text.encode("cp1252"))
    result = subprocess.run([NEWSDESK, "clean", str(tmp_path / "cp1252.txt")], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Le café coûte désormais 3 € de plus, a déclaré la maire à l’issue" in result.stdout
    piped = subprocess.run([NEWSDESK, "clean"], input=text.encode("cp1252"), capture_output=True, timeout=60)
    assert piped.stdout.decode() == result.stdout  # stdin gets the same rescue
    (tmp_path / "blob.bin").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    result = subprocess.run([NEWSDESK, "clean", str(tmp_path / "blob.bin")], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 1
    assert one_line(result) == f"newsdesk: {tmp_path / 'blob.bin'}: binary data, not text"


def test_extract_has_the_crawls_size_cap(tmp_path):
    big = tmp_path / "big.html"
    big.write_bytes(b"<html><body>" + b"<p>word word word</p>" * 600_000 + b"</body></html>")  # ~12.6 MB
    bomb = tmp_path / "bomb.html.gz"
    bomb.write_bytes(gzip.compress(b"<p>" + b"a" * 40_000_000))
    for path in (big, bomb):
        result = subprocess.run([NEWSDESK, "extract", str(path)], capture_output=True, text=True, timeout=60)
        assert result.returncode == 1, result.stderr[-2000:]
        assert one_line(result) == (f"{path}: page:too_large: over the crawl's cap of 10485760 bytes "
                                    "(DOWNLOAD_MAXSIZE)")


# -- pipes and signals ----------------------------------------------------------------------

def _close_after_first_line(env, *args) -> subprocess.CompletedProcess:
    proc = subprocess.Popen([NEWSDESK, *args], env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = proc.stdout.readline()
    proc.stdout.close()  # the reader goes away, as `| head -1` does
    err = proc.stderr.read().decode()
    proc.wait(timeout=60)
    return subprocess.CompletedProcess(args, proc.returncode, first.decode(), err)


def test_closed_pipe_is_not_a_traceback(env, tmp_path, mongo_db):
    mongo_db.articles.insert_many([{"canonical_url": f"https://x.example/{i}", "outlet": "fixture",
                                    "body": "word " * 200} for i in range(3000)])
    for i in range(300):  # enough outlets that `outlets --json` outgrows the pipe
        write_outlet(tmp_path / "outlets", "http://127.0.0.1:9", name=f"extra-{i:03d}")
    for args in (["articles"], ["outlets", "--json"], ["outlets"]):
        result = _close_after_first_line(env, *args)
        assert result.stdout, args
        assert result.returncode == 0, (args, result.stderr[-2000:])
        assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr, result.stderr[-2000:]


def test_ctrl_c_crawl_is_recorded_interrupted(tmp_path, mongo_uri, db_name, mongo_db):
    with slow_site() as site:
        write_outlet(tmp_path / "outlets", site.base_url)
        env = newsdesk_env(tmp_path, mongo_uri, db_name)
        crawl = subprocess.Popen([NEWSDESK, "crawl", "fixture", *FAST, "-s", "CONCURRENT_REQUESTS=1",
                                  "-s", "NEWSDESK_STORE_BATCH=1"], env=env, cwd=REPO,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert wait_until(lambda: mongo_db.articles.count_documents({}) >= 1, timeout=60)
        crawl.send_signal(signal.SIGINT)
        out, err = crawl.communicate(timeout=120)
    assert crawl.returncode == 130, err[-2000:]
    assert "Traceback" not in err
    assert "crawl of fixture: interrupted (shutdown)" in out
    assert mongo_db.crawl_runs.find_one({"outlet": "fixture"})["status"] == "interrupted"


# -- schedule list --json, help -------------------------------------------------------------

def test_schedule_list_json_is_json_lines_only(env, tmp_path):
    schedules = tmp_path / "s.toml"
    schedules.write_text('[[schedule]]\noutlet = "fixture"\nevery = "1h"\n\n'
                         '[[schedule]]\noutlet = "fixture"\nsection = "world"\ncron = "@daily"\nenabled = false\n')
    result = run_newsdesk(env, "schedule", "list", "--json", "--schedules", str(schedules))
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in rows] == ["crawl:fixture", "crawl:fixture:world"]
    assert [r["next_run_utc"] for r in rows] == [None, None]  # not in the store yet; disabled
    assert "service: not running" in result.stderr


def test_help_lists_exit_codes_and_every_argument_has_help():
    result = subprocess.run([NEWSDESK, "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    codes = re.findall(r"^  (\d+) +(\w+)", result.stdout, re.M)
    assert codes == [("0", "done"), ("1", "failed"), ("2", "bad"), ("3", "busy"), ("130", "interrupted")], codes
    from schedules.commands import build_parser

    missing = []

    def walk(parser, prefix):
        for action in parser._actions:
            if action.dest == "help":
                continue
            if hasattr(action, "choices") and isinstance(action.choices, dict):  # subcommands
                for name, sub in action.choices.items():
                    walk(sub, f"{prefix} {name}")
            elif not action.help:
                missing.append(f"{prefix} {'/'.join(action.option_strings) or action.dest}")
    walk(build_parser(), "newsdesk")
    assert not missing, missing


def test_db_commands_work_on_a_live_database(env):
    """The error handling does not get in the way of the good day."""
    assert run_newsdesk(env, "db", "init").returncode == 0
    assert run_newsdesk(env, "articles", "--since", "2d", "--limit", "0").returncode == 0
    result = run_newsdesk(env, "check")
    assert result.returncode == 0 and "database: reachable" in result.stdout

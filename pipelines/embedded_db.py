"""Start or reuse a local SecantusDB server when no NEWSDESK_MONGO_URI is set.

SecantusDB is GPL-2.0, so it is only ever run as a separate process through
its `secantusd-py` launcher and spoken to over the MongoDB wire protocol by
pymongo; nothing here imports it.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

DEFAULT_PORT = 27717
LAUNCHER = "secantusd-py"


class EmbeddedDBError(RuntimeError):
    """The local database server could not be found or started."""


@dataclass(frozen=True)
class EmbeddedServer:
    uri: str
    data_dir: Path
    log_file: Path
    started: bool  # False when an already running server was reused


def default_data_dir(env: dict[str, str] | None = None) -> Path:
    """Where the embedded server keeps its data: $NEWSDESK_HOME/db,
    else $XDG_DATA_HOME/newsdesk/db, else ~/.local/share/newsdesk/db."""
    env = os.environ if env is None else env
    if env.get("NEWSDESK_HOME"):
        return Path(env["NEWSDESK_HOME"]).expanduser() / "db"
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base).expanduser() / "newsdesk" / "db"


def find_launcher() -> str:
    # Prefer the launcher installed beside this interpreter (the project venv).
    beside = Path(sys.executable).with_name(LAUNCHER)
    if beside.exists():
        return str(beside)
    found = shutil.which(LAUNCHER)
    if not found:
        raise EmbeddedDBError(
            f"{LAUNCHER} not found: install the embedded database with "
            "`pip install 'newsdesk[embedded-db]'` or set NEWSDESK_MONGO_URI"
        )
    return found


def port_answers(host: str, port: int, timeout: float = 0.3) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def wait_for_ping(uri: str, timeout: float = 30.0) -> None:
    from pymongo import MongoClient
    from pymongo.errors import PyMongoError

    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        client = MongoClient(uri, serverSelectionTimeoutMS=500, connectTimeoutMS=500)
        try:
            client.admin.command("ping")
            return
        except PyMongoError as exc:
            last_error = exc
            time.sleep(0.1)
        finally:
            client.close()
    raise EmbeddedDBError(f"database at {uri} did not answer within {timeout:.0f}s: {last_error}")


def spawn_server(
    port: int, storage: str, log_file: Path, host: str = "127.0.0.1", detach: bool = True,
    cache_size: str | None = None,
) -> subprocess.Popen:
    """Start secantusd-py as its own process (argument list, never a shell string).

    `cache_size` ("4G") sets the WiredTiger cache; with `:memory:` storage it is
    also the ceiling on data plus indexes (the server's default is 1G)."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    cmd = [find_launcher(), "--host", host, "--port", str(port), "--storage-path", storage,
           "--log-level", "WARNING"]
    if cache_size:
        cmd += ["--cache-size", cache_size]
    with open(log_file, "ab") as log:
        return subprocess.Popen(
            cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=detach,  # outlives the CLI call that started it
        )


def ensure_local_server(env: dict[str, str] | None = None) -> EmbeddedServer:
    """Reuse the local server on NEWSDESK_EMBEDDED_PORT or start one there."""
    env = os.environ if env is None else env
    port = int(env.get("NEWSDESK_EMBEDDED_PORT", DEFAULT_PORT))
    data_dir = default_data_dir(env)
    log_file = data_dir.parent / "secantusd.log"
    uri = f"mongodb://127.0.0.1:{port}/"
    record = data_dir.parent / "secantusd.json"
    if port_answers("127.0.0.1", port):
        wait_for_ping(uri, timeout=10)
        try:  # report where the running server keeps its data, which may not be our default
            info = json.loads(record.read_text())
            if info.get("port") == port:
                data_dir = Path(info["data_dir"])
        except (OSError, ValueError, KeyError):
            pass
        return EmbeddedServer(uri, data_dir, log_file, started=False)
    data_dir.mkdir(parents=True, exist_ok=True)
    proc = spawn_server(port, str(data_dir), log_file)
    record.write_text(json.dumps({"pid": proc.pid, "port": port, "data_dir": str(data_dir)}))
    try:
        wait_for_ping(uri)
    except EmbeddedDBError as exc:
        raise EmbeddedDBError(f"{exc} (see {log_file})") from None
    return EmbeddedServer(uri, data_dir, log_file, started=True)

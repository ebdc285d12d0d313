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
# Change-stream followers resume from a token that must still be in the oplog:
# a week of history (the entry cap, 100k, still bounds it), and a no-op entry
# a minute so an idle follower's token keeps moving inside that window.
OPLOG_ARGS = ["--oplog-retention-seconds", str(7 * 24 * 3600), "--noop-heartbeat-seconds", "60"]


OWNER_DB, OWNER_COLLECTION = "newsdesk_embedded", "owner"  # the server-side half of the proof
MARKER = "newsdesk-owner.json"  # the data-directory half


class EmbeddedDBError(RuntimeError):
    """The local database server could not be found, started or trusted."""


class EmbeddedDBConfigError(EmbeddedDBError, ValueError):
    """A setting of the embedded server is invalid (exit 2, like any bad configuration)."""


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
    cache_size: str | None = None, extra_args: list[str] | None = None,
) -> subprocess.Popen:
    """Start secantusd-py as its own process (argument list, never a shell string).

    `cache_size` ("4G") sets the WiredTiger cache; with `:memory:` storage it is
    also the ceiling on data plus indexes (the server's default is 1G)."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    cmd = [find_launcher(), "--host", host, "--port", str(port), "--storage-path", storage,
           "--log-level", "WARNING"]
    if cache_size:
        cmd += ["--cache-size", cache_size]
    cmd += extra_args or []
    with open(log_file, "ab") as log:
        return subprocess.Popen(
            cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=detach,  # outlives the CLI call that started it
        )


def embedded_port(env: dict[str, str] | None = None) -> int:
    """NEWSDESK_EMBEDDED_PORT (default 27717), checked."""
    env = os.environ if env is None else env
    raw = env.get("NEWSDESK_EMBEDDED_PORT", "").strip()
    if not raw:
        return DEFAULT_PORT
    if not raw.isdigit() or not 1 <= int(raw) <= 65535:
        raise EmbeddedDBConfigError(f"NEWSDESK_EMBEDDED_PORT: {raw[:40]!r} is not a port number (1-65535)")
    return int(raw)


def _read_json(path: Path) -> dict:
    try:
        value = json.loads(path.read_text())
        return value if isinstance(value, dict) else {}
    except (OSError, ValueError):
        return {}


def _owner_document(uri: str) -> dict | None:
    from pymongo import MongoClient

    with MongoClient(uri, serverSelectionTimeoutMS=3000, connectTimeoutMS=3000) as client:
        return client[OWNER_DB][OWNER_COLLECTION].find_one({"_id": "owner"})


def claim_server(uri: str, data_dir: Path, port: int) -> str:
    """Mark a server we started as ours: a token in its data and the same token in its data directory."""
    import uuid
    from datetime import datetime, timezone

    from pymongo import MongoClient

    # One token per data directory, created once (O_EXCL): two CLI calls that
    # race to start the server write the same token, never two different ones.
    marker = data_dir / MARKER
    try:
        fd = os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(json.dumps({"token": uuid.uuid4().hex}))
    except FileExistsError:
        pass
    token = _read_json(marker).get("token")
    if not token:
        raise EmbeddedDBError(f"{marker}: unreadable ownership marker; remove it and retry")
    with MongoClient(uri, serverSelectionTimeoutMS=5000) as client:
        client[OWNER_DB][OWNER_COLLECTION].replace_one(
            {"_id": "owner"}, {"_id": "owner", "token": token, "data_dir": str(data_dir), "port": port,
                               "claimed_at": datetime.now(timezone.utc)}, upsert=True)
    return token


def _legacy_record_matches(record: Path, port: int, data_dir: Path) -> bool:
    """A server started by an older newsdesk from this home (no owner document yet)."""
    info = _read_json(record)
    if info.get("port") != port or Path(str(info.get("data_dir"))) != data_dir:
        return False
    try:
        os.kill(int(info["pid"]), 0)
        return True
    except (KeyError, ValueError, TypeError, OSError):
        return False


def ensure_local_server(env: dict[str, str] | None = None) -> EmbeddedServer:
    """Reuse our local server on NEWSDESK_EMBEDDED_PORT or start one there.

    A server already on the port is reused only when it is provably ours: the
    owner document stored in it carries the token written in our data
    directory. Any other server is refused with a line saying whose it is,
    so `db where` never names a directory the data is not in."""
    env = os.environ if env is None else env
    port = embedded_port(env)
    data_dir = default_data_dir(env)
    log_file = data_dir.parent / "secantusd.log"
    uri = f"mongodb://127.0.0.1:{port}/"
    record = data_dir.parent / "secantusd.json"
    if port_answers("127.0.0.1", port):
        try:
            wait_for_ping(uri, timeout=10)
            owner = _owner_document(uri)
        except EmbeddedDBError:
            raise EmbeddedDBError(f"port {port} (NEWSDESK_EMBEDDED_PORT) is in use by something that is not a "
                                  "database server; set NEWSDESK_EMBEDDED_PORT to a free port") from None
        except Exception as exc:  # noqa: BLE001 - any driver error means we cannot prove it is ours
            raise EmbeddedDBError(f"port {port}: the database server there cannot be identified "
                                  f"({type(exc).__name__}); set NEWSDESK_EMBEDDED_PORT to a free port") from None
        mine = _read_json(data_dir / MARKER).get("token")
        if owner and mine and owner.get("token") == mine:
            return EmbeddedServer(uri, data_dir, log_file, started=False)
        if owner is None and _legacy_record_matches(record, port, data_dir):
            claim_server(uri, data_dir, port)
            return EmbeddedServer(uri, data_dir, log_file, started=False)
        hint = (f"; set NEWSDESK_EMBEDDED_PORT to a free port, or NEWSDESK_MONGO_URI={uri} "
                "to use that server on purpose")
        if owner:
            raise EmbeddedDBError(f"port {port}: another newsdesk's embedded server is running there "
                                  f"(data in {owner.get('data_dir', '?')}), not ours (data in {data_dir}){hint}")
        raise EmbeddedDBError(f"port {port}: a database server newsdesk did not start is running there{hint}")
    data_dir.mkdir(parents=True, exist_ok=True)
    proc = spawn_server(port, str(data_dir), log_file, extra_args=OPLOG_ARGS)
    record.write_text(json.dumps({"pid": proc.pid, "port": port, "data_dir": str(data_dir)}))
    try:
        wait_for_ping(uri)
        claim_server(uri, data_dir, port)
    except EmbeddedDBError as exc:
        raise EmbeddedDBError(f"{exc} (see {log_file})") from None
    return EmbeddedServer(uri, data_dir, log_file, started=True)

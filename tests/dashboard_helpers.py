"""The standalone dashboard as a real process, and plain HTTP against it (for the HTTP and browser tests)."""

from __future__ import annotations

import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DASHBOARD_CMD = [str(Path(sys.executable).with_name("newsdesk")), "dashboard"]
TOKEN = "test-dashboard-token-7f3a"


class DashboardProcess:
    """`newsdesk dashboard --port 0`; the address comes from its first line on stderr."""

    def __init__(self, env: dict, log: Path, *args: str):
        self.log_path = log
        self.log = open(log, "wb")  # noqa: SIM115 - lives as long as the process
        self.proc = subprocess.Popen([*DASHBOARD_CMD, "--port", "0", *args], env=env, cwd=REPO,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        self.base_url = self._wait_for_address()

    def _wait_for_address(self, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.log_path.read_text(errors="replace")
            found = re.search(r"dashboard on (http://[^/\s]+)/", text)
            if found:
                return found[1]
            if self.proc.poll() is not None:
                raise AssertionError(f"dashboard exited {self.proc.returncode}: {text[-3000:]}")
            time.sleep(0.1)
        raise AssertionError("dashboard did not start within 30s")

    def output(self) -> str:
        self.log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.log.close()


@dataclass
class Answer:
    status: int
    headers: dict
    text: str


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def http(method: str, url: str, *, form: dict | None = None, headers: dict | None = None) -> Answer:
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None:
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return Answer(response.status, {k.lower(): v for k, v in response.headers.items()},
                          response.read().decode())
    except urllib.error.HTTPError as exc:
        return Answer(exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read().decode())

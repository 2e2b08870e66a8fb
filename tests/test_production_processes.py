"""`manage.py runproduction` (what `make prod` ends with): gunicorn, a worker and beat, with production settings."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from certportal import devservers
from tests.conftest import TEST_INSTANCE, worker_database_url

ROOT = Path(__file__).resolve().parent.parent


def free_web_port() -> int:
    for port in range(8090, 8100):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("ports 8090-8099 are all taken")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def wait_for(condition, *, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return True
        except OSError:
            pass
        time.sleep(0.5)
    return False


@pytest.mark.worker
def test_production_processes_serve_a_healthy_portal(transactional_db, redis_server: str, tmp_path: Path) -> None:
    port = free_web_port()
    env = {
        "CERTPORTAL_PRODUCTION": "1",
        "SECRET_KEY": "runproduction-test-" + "k" * 60,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": worker_database_url(),
        "REDIS_URL": redis_server,
        "CERTPORTAL_INSTANCE": TEST_INSTANCE,
        "CERTPORTAL_VAR_DIR": str(tmp_path / "var"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
    }
    log = tmp_path / "production.log"
    # As `make prod` does before it starts the processes; the hashed, compressed files are what
    # production pages link to, and a vendored file that breaks this step breaks every deployment.
    collected = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--no-input", "-v", "0"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert collected.returncode == 0, collected.stderr
    command = [sys.executable, str(ROOT / "manage.py"), "runproduction", "--worker-concurrency=1"]
    process = devservers.start_process(command, log_path=log, env=env)
    health_url = f"http://127.0.0.1:{port}/health/"
    try:
        assert wait_for(lambda: fetch(health_url)[0] in {200, 503}), log.read_text()
        # No enqueued heartbeat: a worker reports itself alive as soon as it is ready.
        assert wait_for(lambda: json.loads(fetch(health_url)[2])["status"] == "ok"), log.read_text()
        status, headers, body = fetch(health_url)
        assert status == 200
        assert len(headers["X-Request-ID"]) == 32
        assert json.loads(body)["checks"]["workers"]["live_workers"] == 1
        # Production settings are in force: plain HTTP from a browser goes to HTTPS.
        status, headers, _ = fetch(f"http://127.0.0.1:{port}/")
        assert status == 301
        assert headers["Location"] == f"https://127.0.0.1:{port}/"
        # Behind the TLS proxy: a Chinese page, linking hashed static files that are cached for good.
        status, headers, page = fetch(f"http://127.0.0.1:{port}/accounts/login/", {"X-Forwarded-Proto": "https"})
        assert status == 200
        assert "登录" in page.decode()
        assert "max-age=31536000" in headers["Strict-Transport-Security"]
        stylesheet = re.search(r'href="(/static/vendor/bootstrap/bootstrap\.min\.[0-9a-f]{12}\.css)"', page.decode())
        assert stylesheet, "pages link the hashed file names"
        status, headers, _ = fetch(f"http://127.0.0.1:{port}{stylesheet.group(1)}", {"X-Forwarded-Proto": "https"})
        assert status == 200
        assert "immutable" in headers["Cache-Control"]
    finally:
        devservers.stop_process(process, timeout=60)
    assert process.returncode == 0, log.read_text()
    assert not wait_for(lambda: fetch(health_url), timeout=1), "gunicorn outlived runproduction"
    lines = log.read_text().splitlines()
    gunicorn_lines = [json.loads(line) for line in lines if line.startswith("{") and '"gunicorn.error"' in line]
    assert any("Listening at" in line["message"] for line in gunicorn_lines), "gunicorn logs JSON in production"
    assert any("stopped beat" in line for line in lines)


def test_stopping_a_process_leaves_none_of_its_children_running(tmp_path: Path) -> None:
    """A child the main process leaves behind (here: the shell dies at SIGTERM, its `sleep` does not)."""
    pid_file = tmp_path / "child.pid"
    process = devservers.start_process(["sh", "-c", f"sleep 300 & echo $! > {pid_file}; wait"])
    assert wait_for(lambda: pid_file.exists() and pid_file.read_text().strip(), timeout=10)
    child = int(pid_file.read_text())
    try:
        devservers.stop_process(process, timeout=5)
        assert wait_for(lambda: not Path(f"/proc/{child}").exists() or "Z" in _state(child), timeout=5)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(child, signal.SIGKILL)


def _state(pid: int) -> str:
    return Path(f"/proc/{pid}/stat").read_text().split()[2]

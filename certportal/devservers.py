"""Starting what a one-machine portal needs (Redis, a Celery worker, the web server) for `make run`
and for the tests: reuse a Redis that answers, start one only when none does."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import redis

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def redis_answers(url: str, timeout: float = 1.0) -> bool:
    client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


def start_redis(url: str, *, var_dir: Path) -> subprocess.Popen[bytes]:
    """Start a throw-away Redis on the URL's local port; the caller stops it."""
    parsed = urlparse(url)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or 6379
    if host not in LOCAL_HOSTS:
        raise RuntimeError(f"Redis at {host}:{port} does not answer, and it is not on this machine.")
    server = shutil.which("redis-server")
    if server is None:
        raise RuntimeError("No Redis answers and redis-server is not installed (apt-get install redis-server).")
    redis_dir = var_dir / "redis"
    redis_dir.mkdir(parents=True, exist_ok=True)
    command = [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
               "--dir", str(redis_dir)]  # fmt: skip
    process = start_process(command, log_path=var_dir / "log" / "redis.log")
    wait_until(lambda: redis_answers(url), what=f"Redis on port {port}", process=process)
    return process


def start_process(
    command: list[str], *, log_path: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """Start a child in its own session, so that stopping it is our decision, in our order."""
    output = None
    if log_path is not None:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        output = log_path.open("ab")
    return subprocess.Popen(
        command,
        stdout=output,
        stderr=subprocess.STDOUT if output else None,
        env={**os.environ, **(env or {})},
        start_new_session=True,
    )


def stop_process(process: subprocess.Popen[bytes], *, timeout: float = 15.0) -> None:
    """SIGTERM to the process; once it has exited (or after `timeout`), SIGKILL to what is left of its group.

    Like systemd's KillMode=mixed: the main process shuts down its own children in order, and a
    child it left behind (it died, or was told to stop before it had set up its signal handlers,
    as a Celery worker still starting is) is not left running.
    """
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=timeout)
    # start_process made the child a session (and process group) leader, so its id names the group.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


class StopRequest:
    """Set by the first SIGTERM or SIGINT (Ctrl-C); the ones after it change nothing.

    The signals never raise in the program, so none can cut its shutdown short and leave a worker
    running: `make` passes a SIGTERM sent to its process group on to its child, which so gets two.
    """

    def __init__(self) -> None:
        self.requested = False
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self._request)

    def _request(self, signum: int, frame: object) -> None:
        # Only a flag: a lock taken here (threading.Event.set) may be one the interrupted code holds.
        self.requested = True


def local_site_url(host: str, port: int) -> str:
    """The address that links and QR codes in e-mails and PDFs give for a portal served at host:port."""
    if host in {"", "0.0.0.0", "::"}:  # every interface: this machine's own address always works
        host = "127.0.0.1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def celery_worker_command(*, beat: bool, concurrency: int = 2, hostname: str = "portal@%h") -> list[str]:
    """A worker (with beat, if asked) of the installation its environment names.

    No `-Q`: the worker takes its installation's queue (and beat its schedule file) from its own
    settings, so that a parent configured for another installation cannot hand it the wrong one.
    """
    command = [
        sys.executable, "-m", "celery", "-A", "certportal", "worker",
        "--loglevel=INFO", f"--concurrency={concurrency}", f"--hostname={hostname}",
    ]  # fmt: skip
    if beat:
        command.append("--beat")
    return command


def wait_until(
    ready: object, *, what: str, process: subprocess.Popen[bytes] | None = None, timeout: float = 30.0
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(ready) and ready():
            return
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited with code {process.returncode} before it was ready.")
        time.sleep(0.2)
    raise RuntimeError(f"{what} was not ready after {timeout:.0f} s.")

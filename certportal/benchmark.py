"""The measurements behind `make bench` (`manage.py bench`).

Everything runs on the benchmark's own database and media folder (under var/bench/), never on the
portal's: the command starts itself again in a child process whose environment points there. Pages
are loaded with `wrk` against gunicorn (2 sync workers) on loopback; PDFs are rendered through the
real task code; the upload goes through the real view; the worker is a real Celery worker on Redis.
"""

from __future__ import annotations

import http.client
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from django.conf import settings

from certportal import devservers

if TYPE_CHECKING:
    from certportal.accounts.models import User

# The keys of var/bench/results.json; each value is a number (the median of the runs).
RESULT_KEYS = (
    "hello_rps",
    "checklist_rps",
    "checklist_p95_ms",
    "checklist_queries",
    "bare_pdf_s",
    "form_pdf_s",
    "certificate_pdf_s",
    "upload_200mb_rss_mb",
    "upload_200mb_mb_s",
    "worker_rss_after_200_pdfs_mb",
)
DASHBOARD_KEYS = ("dashboard_rps", "dashboard_p95_ms", "dashboard_queries")

# What the feature issues promise; `None` means "no target, for information".
TARGETS: dict[str, tuple[str, Callable[[dict[str, float]], bool]] | None] = {
    "checklist_p95_ms": ("< 200 ms", lambda r: r["checklist_p95_ms"] < 200),
    "dashboard_p95_ms": ("< 200 ms", lambda r: r["dashboard_p95_ms"] < 200),
    "form_pdf_s": ("< 1 s and ≤ 3 × bare", lambda r: r["form_pdf_s"] < 1 and r["form_pdf_s"] <= 3 * r["bare_pdf_s"]),
    "upload_200mb_rss_mb": ("< 64 MB", lambda r: r["upload_200mb_rss_mb"] < 64),
    "worker_rss_after_200_pdfs_mb": ("< 400 MB", lambda r: r["worker_rss_after_200_pdfs_mb"] < 400),
}

# wrk prints the 95th percentile only through a script: this one adds a line we parse.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("BENCH p50_us=%d p95_us=%d requests=%d\\n",
    latency:percentile(50), latency:percentile(95), summary.requests))
end
"""


@dataclass(frozen=True)
class LoadRun:
    rps: float
    p50_ms: float
    p95_ms: float
    requests: int
    bad_responses: int


def parse_wrk(output: str) -> LoadRun:
    """Requests per second, 95th percentile, and the count of non-2xx/3xx answers and socket errors."""
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    ours = re.search(r"^BENCH p50_us=(\d+) p95_us=(\d+) requests=(\d+)", output, re.MULTILINE)
    if rps is None or ours is None:
        raise ValueError(f"unexpected wrk output:\n{output}")
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    # Read errors are gunicorn's sync workers closing each connection after answering: not failures.
    failures = (int(bad.group(1)) if bad else 0) + (
        int(errors.group(1)) + int(errors.group(3)) + int(errors.group(4)) if errors else 0
    )
    return LoadRun(
        rps=float(rps.group(1)),
        p50_ms=int(ours.group(1)) / 1000,
        p95_ms=int(ours.group(2)) / 1000,
        requests=int(ours.group(3)),
        bad_responses=failures,
    )


def median(values: list[float]) -> float:
    return round(statistics.median(values), 3)


def timed_runs(action: Callable[[], object], runs: int) -> list[float]:
    """Seconds of each of `runs` calls, after one warm-up call (fonts, templates, imports)."""
    action()
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        seconds.append(time.perf_counter() - started)
    return seconds


def status_kib(pid: int, field: str) -> int:
    """A memory figure of a process from /proc (VmRSS, VmHWM), in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not found for {pid}")


def children_of(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def answers(port: int, path: str = "/accounts/login/") -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        connection.request("GET", path)
        ok = connection.getresponse().status == 200
        connection.close()
        return ok
    except OSError:
        return False


@contextmanager
def gunicorn(port: int, *, workers: int, log_path: Path) -> Iterator[int]:
    """gunicorn with `workers` sync workers on loopback; yields the master's pid."""
    command = [sys.executable, "-m", "gunicorn", "certportal.wsgi", "-b", f"127.0.0.1:{port}",
               "-w", str(workers), "--worker-class", "sync", "--timeout", "600"]  # fmt: skip
    server = devservers.start_process(command, log_path=log_path)
    try:
        devservers.wait_until(lambda: answers(port), what="gunicorn", process=server)
        deadline = time.monotonic() + 30
        while len(children_of(server.pid)) < workers and time.monotonic() < deadline:
            time.sleep(0.2)
        yield server.pid
    finally:
        devservers.stop_process(server)


class LoadBench:
    """Drives pages of a running gunicorn with wrk: the same load for every page measured."""

    def __init__(self, *, port: int, runs: int, seconds: int, connections: int) -> None:
        self.port, self.runs, self.seconds, self.connections = port, runs, seconds, connections
        self.script = Path(tempfile.mkdtemp(prefix="bench-wrk-")) / "p95.lua"
        self.script.write_text(WRK_SCRIPT)

    def measure_page_under_load(
        self, path: str, session_cookie: str | None, *, connections: int | None = None
    ) -> LoadRun:
        """The medians of `runs` wrk runs against `path` (logged in when a session cookie is given)."""
        self._check_page(path, session_cookie)
        connections = connections or self.connections
        # A slow answer is counted as slow, not dropped: wrk's own timeout (2 s) would hide it.
        command = ["wrk", "-t", str(min(2, connections)), "-c", str(connections), "-d", f"{self.seconds}s",
                   "--timeout", "30s", "-s", str(self.script)]  # fmt: skip
        if session_cookie:
            command += ["-H", f"Cookie: sessionid={session_cookie}"]
        runs = []
        for _ in range(self.runs):
            output = subprocess.run(
                [*command, f"http://127.0.0.1:{self.port}{path}"], capture_output=True, text=True, check=True
            ).stdout
            runs.append(parse_wrk(output))
            if runs[-1].bad_responses:
                raise RuntimeError(f"{path}: failed requests under load; the figures would mean nothing:\n{output}")
        return LoadRun(
            rps=median([run.rps for run in runs]),
            p50_ms=median([run.p50_ms for run in runs]),
            p95_ms=median([run.p95_ms for run in runs]),
            requests=sum(run.requests for run in runs),
            bad_responses=0,
        )

    def _check_page(self, path: str, session_cookie: str | None) -> None:
        """One request first: a redirect to the login page would be fast and mean nothing."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": f"sessionid={session_cookie}"} if session_cookie else {}
        connection.request("GET", path, headers=headers)
        status = connection.getresponse().status
        connection.close()
        if status != 200:
            raise RuntimeError(f"{path} answered {status}, not 200")


# --- Data ----------------------------------------------------------------------------------------


def session_for(user: User) -> str:
    """A logged-in session for `user`, as the login view would make it; returns its key."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "certportal.accounts.backends.UsernameOrEmailBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    assert session.session_key is not None
    return session.session_key


def queries_per_request(path: str, user: User) -> int:
    """SQL queries of one GET of `path` by `user` (after a first one that warms the caches)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user, backend="certportal.accounts.backends.UsernameOrEmailBackend")
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code}, not 200")
    return len(queries)


def large_pdf(target: BinaryIO, size: int) -> None:
    """Write a valid one-page PDF of about `size` bytes: a page whose content stream is mostly
    blanks, like a large scan. Written in chunks, never held in memory (the upload benchmark and the upload tests)."""
    padding = max(0, size - 600)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
    ]
    offsets = []
    position = target.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    for number, body in enumerate(objects, start=1):
        offsets.append(position)
        position += target.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    offsets.append(position)
    tail = b"\n0 0 1 rg 0 0 50 50 re f\n"
    position += target.write(b"4 0 obj\n<< /Length %d >>\nstream\n" % (padding + len(tail)))
    chunk = b" " * (1024 * 1024)
    remaining = padding
    while remaining > 0:
        position += target.write(chunk[: min(remaining, len(chunk))])
        remaining -= len(chunk)
    position += target.write(tail + b"\nendstream\nendobj\n")
    xref = position
    target.write(b"xref\n0 5\n0000000000 65535 f \n")
    for offset in offsets:
        target.write(b"%010d 00000 n \n" % offset)
    target.write(b"trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref)


def write_large_pdf(path: Path, size: int) -> None:
    with path.open("wb") as target:
        large_pdf(target, size)


def upload(port: int, path: str, file: Path, *, session: str, products: list[str]) -> tuple[int, float]:
    """POST one file as multipart/form-data, streamed from disk in 1 MB chunks; (status, seconds)."""
    boundary = uuid.uuid4().hex
    token = uuid.uuid4().hex
    fields = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in [("csrfmiddlewaretoken", token), *[("products", product) for product in products]]
    )
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{file.name}"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    length = len(fields) + len(head) + file.stat().st_size + len(tail)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    started = time.monotonic()
    connection.putrequest("POST", path)
    for name, value in [
        ("Content-Type", f"multipart/form-data; boundary={boundary}"),
        ("Content-Length", str(length)),
        ("Cookie", f"sessionid={session}; csrftoken={token}"),
        ("X-CSRFToken", token),
        ("X-Requested-With", "XMLHttpRequest"),
    ]:
        connection.putheader(name, value)
    connection.endheaders()
    connection.send(fields + head)
    with file.open("rb") as source:
        while chunk := source.read(1024 * 1024):
            connection.send(chunk)
    connection.send(tail)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status, time.monotonic() - started


def bench_directory() -> Path:
    return Path(settings.VAR_DIR) / "bench"

"""Benchmark: how much does a 200 MB evidence upload raise the web process's peak memory?

Starts gunicorn (one sync worker, as in production) on a throw-away database and media folder,
logs a demo enterprise user in through a session, warms the worker up with a small upload, resets
the worker's peak-RSS counter, streams a 200 MB PDF to the upload view in 1 MB chunks, and reads
the worker's peak RSS again (Linux /proc). Results go to var/bench/evidence-upload.json.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from certportal import devservers

SETUP = """
from django.contrib.sessions.backends.db import SessionStore
from applications.models import Application, Enterprise, Product
from applications.services.evidence import evidence_requirements_ensure
from certportal.accounts.models import User
enterprise = Enterprise.objects.create(name="基准测试电器有限公司")
user = User.objects.create_user(username="bench-enterprise", role="enterprise", enterprise=enterprise)
application = Application.objects.create(enterprise=enterprise, reference="SA-BENCH-00001")
application.scope.set([Product.objects.create(enterprise=enterprise, name="空气净化器")])
evidence_requirements_ensure(application)
requirement = application.evidence_requirements.get(item__code="4")
session = SessionStore()
session["_auth_user_id"] = str(user.pk)
session["_auth_user_backend"] = "certportal.accounts.backends.UsernameOrEmailBackend"
session["_auth_user_hash"] = user.get_session_auth_hash()
session.create()
print("BENCH", requirement.pk, session.session_key, ",".join(str(p.pk) for p in application.scope.all()))
"""


def write_large_pdf(path: Path, size: int) -> None:
    """A valid one-page PDF of `size` bytes whose content stream is mostly blanks (like a big scan)."""
    tail = b"\n0 0 1 rg 0 0 50 50 re f\n"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
    ]
    with path.open("wb") as target:
        offsets = []
        position = target.write(b"%PDF-1.4\n")
        for number, body in enumerate(objects, start=1):
            offsets.append(position)
            position += target.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
        padding = size - position - 400
        offsets.append(position)
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


def status_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not found for {pid}")


def worker_pid(master: int) -> int:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.2)
    raise RuntimeError("gunicorn started no worker")


def upload(port: int, path: str, file: Path, *, session: str, products: list[str]) -> tuple[int, str, float]:
    """POST one file as multipart/form-data, streamed from disk in 1 MB chunks."""
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
    body = response.read().decode() or response.getheader("Location", "")
    connection.close()
    return response.status, body, time.monotonic() - started


class Command(BaseCommand):
    help = "Measure the web worker's peak memory while a 200 MB evidence file is uploaded."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size-mb", type=int, default=200)
        parser.add_argument("--port", type=int, default=8041)

    def handle(self, *args: Any, **options: Any) -> None:
        workdir = Path(tempfile.mkdtemp(prefix="bench-evidence-"))
        env = {
            **os.environ,
            "CERTPORTAL_VAR_DIR": str(workdir),
            "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
            "MEDIA_ROOT": str(workdir / "media"),
            "FILE_UPLOAD_TEMP_DIR": str(workdir / "tmp"),
            "DEBUG": "0",
            # No broker: the thumbnail task is not sent anywhere (the upload answers all the same).
            "REDIS_URL": "redis://127.0.0.1:1/0",
        }
        (workdir / "tmp").mkdir()
        manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
        server = None
        try:
            subprocess.run([*manage, "migrate", "-v", "0"], env=env, check=True)
            output = subprocess.run(
                [*manage, "shell", "-c", SETUP], env=env, check=True, capture_output=True, text=True
            ).stdout
            line = next(line for line in output.splitlines() if line.startswith("BENCH "))
            _marker, requirement, session, scope = line.split()
            products = scope.split(",")
            big = workdir / "服务管理手册-扫描件.pdf"
            write_large_pdf(big, options["size_mb"] * 1000 * 1000)
            small = workdir / "warm-up.pdf"
            write_large_pdf(small, 200_000)
            command = [sys.executable, "-m", "gunicorn", "certportal.wsgi", "-b", f"127.0.0.1:{options['port']}",
                       "-w", "1", "--timeout", "600"]  # fmt: skip
            server = devservers.start_process(command, log_path=workdir / "gunicorn.log", env=env)
            devservers.wait_until(lambda: self._answers(options["port"]), what="gunicorn", process=server)
            pid = worker_pid(server.pid)
            path = f"/evidence/items/{requirement}/upload/"
            status, body, _seconds = upload(options["port"], path, small, session=session, products=products)
            if status != 201:
                raise RuntimeError(f"warm-up upload failed: {status} {body}")
            rss_before = status_kib(pid, "VmRSS")
            Path(f"/proc/{pid}/clear_refs").write_text("5")  # reset the peak (VmHWM) to the current RSS
            status, body, seconds = upload(options["port"], path, big, session=session, products=products)
            peak = status_kib(pid, "VmHWM")
            result = {
                "file_bytes": big.stat().st_size,
                "status": status,
                "response": json.loads(body),
                "seconds": round(seconds, 2),
                "worker_rss_before_mib": round(rss_before / 1024, 1),
                "worker_peak_rss_during_upload_mib": round(peak / 1024, 1),
                "peak_increase_mib": round((peak - rss_before) / 1024, 1),
                "limit_mib": 64,
            }
        finally:
            if server is not None:
                devservers.stop_process(server)
            shutil.rmtree(workdir, ignore_errors=True)
        output = Path(settings.VAR_DIR) / "bench" / "evidence-upload.json"
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
        verdict = "within" if result["status"] == 201 and result["peak_increase_mib"] < 64 else "OVER"
        self.stdout.write(f"Peak memory increase {result['peak_increase_mib']} MiB: {verdict} the 64 MiB budget.")

    @staticmethod
    def _answers(port: int) -> bool:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/accounts/login/")
            ok = connection.getresponse().status == 200
            connection.close()
            return ok
        except OSError:
            return False

"""seed_demo is idempotent; `runportal` (what `make run` starts) serves the portal and stops cleanly."""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from certportal.accounts.models import User

ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")


@pytest.mark.django_db
def test_seed_demo_creates_every_role_and_is_idempotent() -> None:
    call_command("seed_demo")
    call_command("seed_demo")
    roles = dict(
        User.objects.filter(username__startswith="demo-")
        .exclude(username__startswith="demo-stage-")
        .values_list("username", "role")
    )
    assert roles == {
        "demo-enterprise": "enterprise",
        "demo-consultant": "consultant",
        "demo-auditor": "auditor",
        "demo-certifier": "certifier",
        "demo-body-manager": "body_manager",
        "demo-admin": "",
    }
    assert User.objects.get(username="demo-admin").is_superuser


@pytest.mark.django_db
@pytest.mark.parametrize(
    "username", ["demo-enterprise", "demo-consultant", "demo-auditor", "demo-certifier", "demo-body-manager"]
)
def test_demo_users_log_in_with_the_demo_password(client: Client, username: str) -> None:
    call_command("seed_demo")
    response = client.post("/accounts/login/", {"username": username, "password": settings.DEMO_PASSWORD})
    assert response.status_code == 302


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode()


@pytest.mark.worker
def test_runportal_serves_chinese_login_and_stops_what_it_started(tmp_path: Path, redis_server: str) -> None:
    env = {
        **os.environ,
        "CERTPORTAL_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.sqlite3'}",
        "REDIS_URL": redis_server,
        "CERTPORTAL_INSTANCE": f"runportal-{os.getpid()}",
    }
    env.pop("MEDIA_ROOT", None)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run([*manage, "seed_demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    port = free_port()
    portal = subprocess.Popen(
        [*manage, "runportal", "--port", str(port)], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    page, worker_running = "", ""
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not page:
            try:
                page = fetch(f"http://127.0.0.1:{port}/accounts/login/")
            except OSError:
                time.sleep(0.5)
        worker_running = " ".join(command for command in processes_of_run(tmp_path).values() if "worker" in command)
    finally:
        portal.send_signal(signal.SIGINT)
        output = portal.communicate(timeout=60)[0].decode()
    assert '<html lang="zh-hans">' in page, output
    assert "登录" in page
    assert worker_running.strip(), f"the Celery worker should have been running: {output}"
    assert f"http://127.0.0.1:{port}/" in output
    assert "demo-enterprise" in output
    assert "stopped celery" in output
    assert processes_of_run(tmp_path) == {}
    assert redis_answers_still(redis_server), "a Redis we did not start must keep running"


@pytest.mark.worker
def test_runportal_on_another_port_puts_that_port_in_emails_and_pdfs(tmp_path: Path, redis_server: str) -> None:
    env = portal_environment(tmp_path, redis_server)
    env.pop("SITE_URL", None)
    env |= {"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(tmp_path / "sent-emails")}  # fmt: skip
    # The demo certificates' PDFs are queued now and made by the worker that runportal starts.
    subprocess.run([sys.executable, "manage.py", "seed_demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    port = free_port()
    log = tmp_path / "runportal.log"
    with log.open("wb") as output:
        portal = subprocess.Popen(
            [sys.executable, "manage.py", "runportal", "--port", str(port)],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    site = f"http://127.0.0.1:{port}"
    try:
        assert wait_for(lambda: bool(_page_or_empty(f"{site}/accounts/login/")), timeout=90), log.read_text()
        sign_up(site, email="zhao.li@example.com")
        email = wait_for_value(lambda: sent_email_to(tmp_path, "zhao.li@example.com"), timeout=60)
        pdf = wait_for_value(lambda: ready_certificate_pdf(tmp_path), timeout=120)
    finally:
        portal.send_signal(signal.SIGINT)
        portal.wait(timeout=60)
    assert email is not None, log.read_text()
    assert f"{site}/accounts/signup/confirm/" in email
    assert ":8000" not in email
    assert pdf is not None, log.read_text()
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert f"{site}/verify/" in "".join(text.split()), "the verification address printed under the QR code"
    assert f"Links in e-mails and PDFs: {site}" in log.read_text()


def sign_up(site: str, *, email: str) -> None:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with opener.open(f"{site}/accounts/signup/", timeout=10) as response:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.read().decode())
    assert token
    form = {
        "csrfmiddlewaretoken": token.group(1), "enterprise_name": "杭州测试电器有限公司", "full_name": "赵丽",
        "email": email, "mobile": "13912345678", "password1": "Zhao-li-2026-secret", "password2": "Zhao-li-2026-secret",
    }  # fmt: skip
    with opener.open(f"{site}/accounts/signup/", data=urllib.parse.urlencode(form).encode(), timeout=10) as response:
        assert response.url.endswith("/accounts/signup/sent/"), response.read().decode()[:2000]


def sent_email_to(var_dir: Path, address: str) -> str | None:
    """The text of the e-mail the worker sent to the address, once it has."""
    with sqlite3.connect(var_dir / "portal.sqlite3") as connection:
        row = connection.execute(
            "SELECT body_text FROM certportal_outgoingemail WHERE status = 'sent' AND \"to\" LIKE ?", [f"%{address}%"]
        ).fetchone()
    return row[0] if row else None


def ready_certificate_pdf(var_dir: Path) -> Path | None:
    with sqlite3.connect(var_dir / "portal.sqlite3") as connection:
        row = connection.execute(
            "SELECT pdf_file FROM audits_certificate WHERE pdf_status = 'ready' LIMIT 1"
        ).fetchone()
    return var_dir / "media" / row[0] if row else None


def wait_for_value(produce: Callable[[], T | None], timeout: float) -> T | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = produce()
        if value:
            return value
        time.sleep(0.5)
    return None


def test_make_run_gives_its_port_to_the_links_unless_site_url_is_set(tmp_path: Path) -> None:
    """The `run` target itself, with a stand-in for Python that notes each command and its SITE_URL."""
    record = tmp_path / "commands.txt"
    python = tmp_path / "python"
    python.write_text('#!/bin/sh\necho "$SITE_URL $*" >> "$RECORD"\n')
    python.chmod(0o755)
    make = ["make", "--no-print-directory", "-o", "system-run", "-o", "prepare", "-o", f"{tmp_path}/.runtime",
            "run", f"VENV={tmp_path}", f"PY={python}"]  # fmt: skip
    env = {key: value for key, value in os.environ.items() if key not in {"SITE_URL", "PORT"}}
    env["RECORD"] = str(record)

    subprocess.run([*make, "PORT=8123"], cwd=ROOT, env=env, check=True, capture_output=True)
    assert record.read_text().splitlines() == [
        "http://127.0.0.1:8123 manage.py seed_demo --with-pdfs",
        "http://127.0.0.1:8123 manage.py runportal --port 8123",
    ]
    record.unlink()
    subprocess.run(make, cwd=ROOT, env={**env, "PORT": "8124", "SITE_URL": "https://certportal.example.cn"}, check=True,
                   capture_output=True)  # fmt: skip
    assert record.read_text().splitlines() == [
        "https://certportal.example.cn manage.py seed_demo --with-pdfs",
        "https://certportal.example.cn manage.py runportal --port 8124",
    ]


def portal_environment(var_dir: Path, redis_url: str) -> dict[str, str]:
    """A portal of its own under var_dir, on the shared Redis, prepared as `make run` prepares it."""
    env = {
        **os.environ,
        "CERTPORTAL_VAR_DIR": str(var_dir),
        "DATABASE_URL": f"sqlite:///{var_dir / 'portal.sqlite3'}",
        "REDIS_URL": redis_url,
    }
    env.pop("MEDIA_ROOT", None)
    env.pop("CERTPORTAL_INSTANCE", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run([sys.executable, "manage.py", "createcachetable"], cwd=ROOT, env=env, check=True)
    return env


def wait_for(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.3)
    return False


def worker_has_reported(database: Path) -> bool:
    with sqlite3.connect(database) as connection:
        return bool(connection.execute("SELECT 1 FROM certportal_workerheartbeat").fetchall())


@pytest.mark.worker
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["sigterm-to-the-group", "ctrl-c"])
def test_make_run_stopped_through_its_process_group_leaves_nothing_running(
    tmp_path: Path, redis_server: str, signum: signal.Signals
) -> None:
    """As a supervisor or a script stops `make run` (SIGTERM to the group; make passes it on as well),
    and as Ctrl-C in a terminal does (SIGINT to the foreground group), even when the signal comes again."""
    env = portal_environment(tmp_path, redis_server)
    port = free_port()
    makefile = tmp_path / "Makefile"
    makefile.write_text(f"run:\n\t{sys.executable} {ROOT / 'manage.py'} runportal --port {port}\n")
    log = tmp_path / "make.log"
    with log.open("wb") as make_output:
        make = subprocess.Popen(
            ["make", "--no-print-directory", "-f", str(makefile), "run"],
            cwd=ROOT, env=env, stdout=make_output, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        assert wait_for(lambda: worker_has_reported(tmp_path / "portal.sqlite3"), timeout=90), log.read_text()
        assert wait_for(lambda: bool(_page_or_empty(f"http://127.0.0.1:{port}/accounts/login/")), timeout=60)
        running = " | ".join(processes_of_run(tmp_path).values())
        assert "runserver" in running
        assert "worker" in running
    finally:
        # The group that make leads holds make and runportal; the worker and the web server have their own.
        signal_until_exit(make, signum, seconds=30)
        stopped = wait_for(lambda: processes_of_run(tmp_path) == {}, timeout=30)
        leftover = kill_leftovers(tmp_path)
        make.wait(timeout=10)
    output = log.read_text()
    assert stopped, f"left running: {leftover}\n{output}"
    assert "stopped celery" in output
    assert "stopped web" in output
    assert redis_answers_still(redis_server), "a Redis we did not start must keep running"


def signal_until_exit(process: subprocess.Popen[bytes], signum: int, *, seconds: float) -> None:
    """Signal the process's group, and again and again while it stops: as a supervisor that repeats
    its SIGTERM, or a person who presses Ctrl-C once more because stopping takes a few seconds."""
    deadline = time.monotonic() + seconds
    while process.poll() is None and time.monotonic() < deadline:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signum)
        time.sleep(0.25)


def kill_leftovers(var_dir: Path) -> dict[int, str]:
    """SIGKILL what a failed run left running, so that it does not outlive the test."""
    leftover = processes_of_run(var_dir)
    for pid in leftover:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return leftover


def _page_or_empty(url: str) -> str:
    try:
        return fetch(url)
    except OSError:
        return ""


def processes_of_run(var_dir: Path) -> dict[int, str]:
    """The command lines of the living processes started for one run (they inherit its CERTPORTAL_VAR_DIR)."""
    marker = f"CERTPORTAL_VAR_DIR={var_dir}".encode()
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker not in (entry / "environ").read_bytes().split(b"\0") or "Z" in _state(entry):
                continue
            found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return found


def _state(entry: Path) -> str:
    return (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]


def redis_answers_still(url: str) -> bool:
    from certportal.devservers import redis_answers

    return redis_answers(url)


@pytest.mark.django_db
def test_seed_demo_has_an_application_in_every_workflow_state() -> None:
    from applications.models import Application
    from applications.profile import profile_problems

    call_command("seed_demo")
    call_command("seed_demo")
    statuses = set(Application.objects.values_list("status", flat=True))
    assert statuses == set(Application.Status.values)
    for application in Application.objects.select_related("enterprise"):
        assert application.consultant.username == "demo-consultant"
        assert application.scope.exists()
        assert application.events.count() >= 1
        if application.status != "draft":
            assert profile_problems(application.enterprise) == [], application.enterprise
    newcomer = User.objects.get(username="demo-enterprise").enterprise
    assert not newcomer.applications.exists(), "demo-enterprise starts its own application"

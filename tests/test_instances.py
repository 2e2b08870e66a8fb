"""Two installations on one machine and one Redis never take each other's tasks."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from certportal import devservers
from certportal.lib.instances import instance_name, instance_queue

ROOT = Path(__file__).resolve().parent.parent


def test_each_checkout_and_database_has_a_name_of_its_own(tmp_path: Path) -> None:
    main, copy = tmp_path / "certportal", tmp_path / "certportal-test"
    name = instance_name("", checkout=main, database="certportal")
    assert name == instance_name("", checkout=main, database="certportal"), "every host of it agrees"
    assert name.startswith("certportal-")
    assert name != instance_name("", checkout=main, database="certportal_test")
    assert name != instance_name("", checkout=copy, database="certportal")
    assert instance_name("production", checkout=main, database="certportal") == "production"


def test_an_instance_name_that_cannot_name_a_queue_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImproperlyConfigured, match="CERTPORTAL_INSTANCE"):
        instance_name("two words", checkout=tmp_path, database="certportal")


def test_queue_redis_keys_and_beat_schedule_carry_the_instance_name(tmp_path: Path) -> None:
    script = (
        "import django; django.setup()\n"
        "from certportal.celery import app\n"
        "print(app.conf.task_default_queue, *[queue.name for queue in app.conf.task_queues])\n"
        "print(app.conf.broker_transport_options['global_keyprefix'])\n"
        "print(app.conf.beat_schedule_filename)\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "certportal.settings", "CERTPORTAL_VAR_DIR": str(tmp_path),
           "CERTPORTAL_INSTANCE": "training"}  # fmt: skip
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.stdout.splitlines() == [
        "certportal.training certportal.training",
        "certportal.training:",
        str(tmp_path / "celerybeat-schedule.training"),
    ], result.stderr


# --- Two real installations ---------------------------------------------------------------------


@dataclass
class Installation:
    """A portal of its own: its database, outbox and worker, on the shared Redis; named by default."""

    root: Path
    env: dict[str, str]
    instance: str = ""
    worker: subprocess.Popen[bytes] | None = None

    @property
    def database(self) -> Path:
        return self.root / "portal.sqlite3"

    @property
    def log_path(self) -> Path:
        return self.root / "worker.log"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def outbox(self) -> list[str]:
        """The messages sent: Django's file backend writes each connection's messages to a file named
        by the time and the backend object's id, so two quick sends may share a file."""
        outbox = self.root / "sent-emails"
        files = [path.read_text() for path in sorted(outbox.iterdir())] if outbox.exists() else []
        separator = "\n" + "-" * 79 + "\n"
        return [message for text in files for message in text.split(separator) if message.strip()]

    def python(self, script: str, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-c", "import django; django.setup()\n" + script, *args],
            cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    def workers(self) -> list[str]:
        """The workers that beat into this installation's database, by name."""
        return [str(row[0]).split("@")[0] for row in self.rows("SELECT hostname FROM certportal_workerheartbeat")]

    def rows(self, query: str) -> list[tuple[object, ...]]:
        with sqlite3.connect(self.database) as connection:
            return connection.execute(query).fetchall()


def installation_at(root: Path, redis_url: str) -> Installation:
    root.mkdir(parents=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "certportal.settings",
        "CERTPORTAL_VAR_DIR": str(root),
        "DATABASE_URL": f"sqlite:///{root / 'portal.sqlite3'}",
        "MEDIA_ROOT": str(root / "media"),
        "REDIS_URL": redis_url,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(root / "sent-emails"),
    }
    # As `make run` in two checkouts: neither names itself, each gets the name of its database.
    env.pop("CERTPORTAL_INSTANCE", None)
    return Installation(root=root, env=env)


def wait_for(condition: Callable[[], object], timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.3)
    return False


@pytest.fixture(scope="module")
def two_installations(redis_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Installation]]:
    base = tmp_path_factory.mktemp("installations")
    first, second = installation_at(base / "a", redis_server), installation_at(base / "b", redis_server)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=first.env, check=True)
    shutil.copyfile(first.database, second.database)
    for each in (first, second):
        each.instance = each.python("from django.conf import settings; print(settings.CERTPORTAL_INSTANCE)")
        command = devservers.celery_worker_command(beat=False, concurrency=1, hostname=f"{each.root.name}@%h")
        each.worker = devservers.start_process(command, log_path=each.log_path, env=each.env)
    try:
        for each in (first, second):
            # A worker reports itself alive at start, through its own queue into its own database.
            ready = wait_for(each.workers)
            assert ready, each.log()
        yield [first, second]
    finally:
        for each in (first, second):
            if each.worker is not None:
                devservers.stop_process(each.worker)


QUEUE_EMAILS = """
from certportal.lib.mail import email_queue
for number in range(8):
    email_queue(to=["wang@example.com"], subject=f"审核安排 {number}", body_text="您好")
"""


@pytest.mark.worker
def test_every_email_of_an_installation_is_sent_by_its_own_worker(two_installations: list[Installation]) -> None:
    first, second = two_installations
    assert first.instance != second.instance
    seen_before = len(second.log())
    first.python(QUEUE_EMAILS)
    assert wait_for(lambda: len(first.outbox()) == 8), first.log()
    assert first.rows("SELECT DISTINCT status FROM certportal_outgoingemail") == [("sent",)]
    assert second.outbox() == []
    assert "email_send" not in second.log()[seen_before:]
    # Each worker beat into its own database only.
    assert first.workers() == ["a"]
    assert second.workers() == ["b"]


SEND_INTO_OTHER_QUEUE = """
import sys
from kombu import Exchange, Queue
from certportal.celery import app
from certportal.lib.instances import instance_key_prefix, instance_queue
from certportal.tasks import email_send

other = sys.argv[1]
queue = instance_queue(other)
with app.connection_for_write(transport_options={"global_keyprefix": instance_key_prefix(other)}) as connection:
    print(email_send.apply_async(args=[1], connection=connection, queue=Queue(queue, Exchange(queue), queue)).id)
"""


@pytest.mark.worker
def test_a_worker_refuses_a_task_that_another_installation_sent(two_installations: list[Installation]) -> None:
    """However it got there (a hand-set queue, an old release), another installation's task never runs."""
    first, second = two_installations
    task_id = first.python(SEND_INTO_OTHER_QUEUE, second.instance)
    assert wait_for(lambda: f"REFUSED task certportal.tasks.email_send[{task_id}]" in second.log()), second.log()
    refusal = next(line for line in second.log().splitlines() if task_id in line and "REFUSED" in line)
    assert f"sent by installation {first.instance!r}" in refusal
    assert f"belongs to {second.instance!r}" in refusal
    assert f"email_send[{task_id}] succeeded" not in second.log()
    assert second.outbox() == []


@pytest.mark.worker
def test_a_worker_will_not_start_on_another_installations_queue(two_installations: list[Installation]) -> None:
    first, second = two_installations
    command = [*devservers.celery_worker_command(beat=False, concurrency=1), "-Q", instance_queue(first.instance)]
    result = subprocess.run(command, cwd=ROOT, env=second.env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert f"queue {instance_queue(first.instance)!r} isn't" in result.stderr + result.stdout

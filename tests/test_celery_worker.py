"""A real Celery worker on real Redis runs our tasks against the test database."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from certportal.lib.broker import enqueue, enqueue_on_commit
from certportal.models import OutgoingEmail, WorkerHeartbeat
from certportal.tasks import heartbeat, sweep_pending_jobs

pytestmark = pytest.mark.worker


def wait_for(condition, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_heartbeat_round_trip_through_a_real_worker(celery_worker) -> None:
    assert enqueue(heartbeat)
    assert wait_for(lambda: WorkerHeartbeat.objects.exists()), celery_worker.log()
    beat = WorkerHeartbeat.objects.get()
    assert beat.hostname.startswith("test-")


def test_email_is_sent_by_the_worker_after_commit(celery_worker, private_media) -> None:
    from certportal.lib.mail import email_queue

    email = email_queue(to=["wang@example.com"], subject="审核安排", body_text="您好")
    assert wait_for(lambda: OutgoingEmail.objects.get(pk=email.pk).status == OutgoingEmail.Status.SENT), (
        celery_worker.log()
    )
    sent = list((private_media.parent / "sent-emails").iterdir())
    assert len(sent) == 1
    assert "wang@example.com" in sent[0].read_text()


def test_enqueue_when_redis_is_down_fails_fast_without_raising(tmp_path) -> None:
    """Six jobs queued by one page cost one connection timeout, not six."""
    script = (
        "import django, time; django.setup()\n"
        "from certportal.lib.broker import enqueue\n"
        "from certportal.tasks import heartbeat\n"
        "started = time.monotonic()\n"
        "accepted = {enqueue(heartbeat) for _ in range(6)}\n"
        "print(*accepted, round(time.monotonic() - started, 1))\n"
    )
    env = {**os.environ, "REDIS_URL": "redis://127.0.0.1:1/0", "DJANGO_SETTINGS_MODULE": "certportal.settings",
           "CERTPORTAL_VAR_DIR": str(tmp_path)}  # fmt: skip
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    accepted, seconds = result.stdout.split()
    assert accepted == "False", result.stderr
    assert float(seconds) < 10


@pytest.mark.django_db
def test_sweeper_resends_stale_pending_emails(monkeypatch) -> None:
    sent: list[int] = []
    monkeypatch.setattr("certportal.lib.jobs.enqueue", lambda task, email_id: sent.append(email_id) or True)
    fresh = OutgoingEmail.objects.create(to=["a@example.com"], subject="new", body_text="b")
    stale = OutgoingEmail.objects.create(to=["a@example.com"], subject="old", body_text="b")
    OutgoingEmail.objects.filter(pk=stale.pk).update(updated_at=stale.updated_at.replace(year=2020))
    assert sweep_pending_jobs() == 1
    assert sent == [stale.pk]
    assert fresh.pk not in sent


def test_enqueue_on_commit_waits_for_the_transaction(django_capture_on_commit_callbacks, db) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        enqueue_on_commit(heartbeat)
    assert len(callbacks) == 1

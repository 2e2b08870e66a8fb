"""Faults on purpose: a Celery worker killed (SIGKILL) in the middle of a PDF, Redis gone when a user
asks for a PDF or an e-mail, and people acting on the same object at the same moment.

Elsewhere, also marked `faults`: a pool process killed while it renders a form
(tests/applications/test_forms_tasks.py), two people moving the same application at once
(tests/applications/test_workflow.py), certificate numbers taken at the same moment
(tests/audits/test_certificates.py). Run them all with `pytest -m faults`.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from applications import services as application_services
from applications.models import Application, ApplicationEvent, FormRendition, LawStandardRow
from applications.tasks.forms import sweep_form_renditions
from audits import services as audit_services
from audits.models import Certificate, CertificateEvent, CertificationDecision
from audits.tasks import certificate_render_pdf, sweep_certificate_pdfs
from certportal.celery import app as celery_app
from certportal.lib.broker import broker_forget_failure, enqueue
from certportal.models import OutgoingEmail
from certportal.tasks import sweep_pending_jobs
from tests.applications.test_forms_tasks import wait_for
from tests.audits.conftest import ready_for_decision
from tests.conftest import WorkerProcess, client_for
from tests.factories import forms_prepared

pytestmark = pytest.mark.faults

CLOSED_PORT_BROKER = "redis://127.0.0.1:1/0"
# The crash tests use a Redis database of their own: a new worker gives back every task left
# unacknowledged in its database, and other test sessions' tasks must not be among them.
CRASH_REDIS_DB = 13
Rendition = FormRendition.Status
PdfStatus = Certificate.PdfStatus


@contextmanager
def broker_at(url: str) -> Iterator[None]:
    """Point this process's Celery producer (and the health check's ping) at another broker."""
    saved = (celery_app.conf.broker_url, settings.CELERY_BROKER_URL)

    def switch(to: str) -> None:
        # The stubs type the setting read-only; Celery reads it again when it next connects.
        celery_app.conf.broker_url = settings.CELERY_BROKER_URL = to  # type: ignore[misc]
        # The producer keeps its connection pool: forget it so that the next task takes the new URL's
        # (private attributes, which the stubs leave out).
        celery_app._pool = None  # type: ignore[attr-defined]
        celery_app.amqp._producer_pool = None  # type: ignore[attr-defined]
        broker_forget_failure()

    switch(url)
    try:
        yield
    finally:
        switch(saved[0])
        settings.CELERY_BROKER_URL = saved[1]


def long_ago() -> datetime.datetime:
    """Older than every sweeper's 'stuck' delay."""
    return timezone.now() - datetime.timedelta(minutes=10)


def stored_files(media: Path, folder: str) -> list[str]:
    directory = media / folder
    return sorted(path.name for path in directory.iterdir()) if directory.exists() else []


# --- A worker killed while it renders a PDF ---------------------------------------------------


@pytest.fixture
def crash_worker(redis_server, transactional_db, private_media, tmp_path) -> Iterator[WorkerProcess]:
    """A worker on its own Redis database, which hands back unacknowledged tasks after 5 s."""
    parts = urlsplit(redis_server)
    url = urlunsplit(parts._replace(path=f"/{CRASH_REDIS_DB}"))
    worker = WorkerProcess(broker_url=url, media_root=private_media, log_path=tmp_path / "worker.log")
    worker.env["CELERY_VISIBILITY_TIMEOUT"] = "5"
    with broker_at(url):
        worker.start()
        yield worker
        worker.stop()


def kill_while(worker: WorkerProcess, rendering) -> None:
    """SIGKILL the whole worker (main process and pool) once the job is being rendered, then start a
    new one, as after a crash of the machine's worker service."""
    assert wait_for(rendering, timeout=60), worker.log()
    worker.kill()
    assert rendering(), "the worker was killed in the middle of the rendering"
    worker.start()


def test_a_form_whose_worker_is_killed_is_ready_exactly_once_after_a_new_worker_starts(
    crash_worker, application, consultant, private_media
) -> None:
    forms_prepared(application)
    laws = application.forms.get(form_type="laws")
    # A long list, so that the rendering lasts long enough to be interrupted.
    LawStandardRow.objects.bulk_create(
        [LawStandardRow(form=laws, name=f"产品质量标准第{n}部分", number=f"GB/T {n}-2020") for n in range(600)]
    )
    generated = application_services.forms_generate(application=application, actor=consultant, form_types=["laws"])
    rendition = generated.queued[0]
    kill_while(crash_worker, lambda: FormRendition.objects.get(pk=rendition.pk).status == Rendition.RENDERING)
    first_claim = FormRendition.objects.get(pk=rendition.pk).task_id

    ready = lambda: FormRendition.objects.get(pk=rendition.pk).status == Rendition.READY  # noqa: E731
    assert wait_for(ready, timeout=120), crash_worker.log()
    rendition.refresh_from_db()
    assert rendition.task_id == first_claim, "the same task, handed back by Redis, finished the job"
    assert FormRendition.objects.filter(form=laws).count() == 1
    assert stored_files(private_media, f"forms/{application.pk}") == [Path(rendition.file.name).name]
    events = ApplicationEvent.objects.filter(application=application, kind=ApplicationEvent.Kind.FORMS_GENERATED)
    assert events.count() == 1


def test_a_certificate_whose_worker_is_killed_is_ready_exactly_once_after_a_new_worker_starts(
    crash_worker, application, auditor, certifier, private_media
) -> None:
    ready_for_decision(application, auditor)
    # Many products in the scope, so that the rendering lasts long enough to be interrupted.
    application.scope.update(name="空气净化器")
    with broker_at(CLOSED_PORT_BROKER):  # the task is sent below, once the scope is long
        audit_services.certification_decide(application=application, actor=certifier, certify=True)
    certificate = Certificate.objects.get()
    Certificate.objects.filter(pk=certificate.pk).update(scope=[f"空气净化器 KJ{n:04d}型" for n in range(6000)])
    assert enqueue(certificate_render_pdf, certificate.pk)
    kill_while(crash_worker, lambda: Certificate.objects.get(pk=certificate.pk).pdf_status == PdfStatus.RENDERING)

    ready = lambda: Certificate.objects.get(pk=certificate.pk).pdf_status == PdfStatus.READY  # noqa: E731
    assert wait_for(ready, timeout=120), crash_worker.log()
    certificate.refresh_from_db()
    assert stored_files(private_media, f"certificates/{certificate.pk}") == [f"{certificate.number}.pdf"]
    assert certificate.pdf_file.name == f"certificates/{certificate.pk}/{certificate.number}.pdf"
    assert certificate.events.filter(kind=CertificateEvent.Kind.ISSUED).count() == 1
    assert Certificate.objects.count() == 1


# --- Redis unavailable when a user asks for a PDF or an e-mail --------------------------------


def test_forms_asked_for_while_redis_is_down_are_queued_then_swept_and_rendered(
    celery_worker, application, consultant
) -> None:
    forms_prepared(application)
    client = client_for(consultant)
    with broker_at(CLOSED_PORT_BROKER):
        response = client.post(reverse("applications:forms_generate", args=[application.pk]))
        assert response.status_code == 302
        page = client.get(response["Location"])
    assert page.status_code == 200
    assert "排队中" in page.content.decode(), "the consultant is told the forms are queued"
    assert set(FormRendition.objects.values_list("status", flat=True)) == {Rendition.PENDING}

    FormRendition.objects.update(updated_at=long_ago())
    assert sweep_form_renditions() == 6, "Redis is back: the sweeper sends the six versions again"
    ready = lambda: FormRendition.objects.filter(status=Rendition.READY).count() == 6  # noqa: E731
    assert wait_for(ready, timeout=120), celery_worker.log()
    assert FormRendition.objects.count() == 6


def test_a_certificate_issued_while_redis_is_down_gets_its_pdf_from_the_sweeper_on_a_worker(
    celery_worker, application, auditor, certifier
) -> None:
    ready_for_decision(application, auditor)
    client = client_for(certifier)
    with broker_at(CLOSED_PORT_BROKER):
        response = client.post(reverse("audits:decision", args=[application.pk]), {"outcome": "certify"})
        certificate = Certificate.objects.get()
        assert response["Location"] == reverse("audits:certificate", args=[certificate.pk])
        page = client.get(response["Location"])
    assert page.status_code == 200
    assert "排队中：很快就会开始生成" in page.content.decode()
    assert certificate.pdf_status == PdfStatus.PENDING
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {OutgoingEmail.Status.PENDING}

    # Redis is back: the periodic sweepers run on the worker, as beat would have them.
    Certificate.objects.update(pdf_updated_at=long_ago())
    OutgoingEmail.objects.update(updated_at=long_ago())
    assert enqueue(sweep_certificate_pdfs) and enqueue(sweep_pending_jobs)
    ready = lambda: Certificate.objects.get(pk=certificate.pk).pdf_status == PdfStatus.READY  # noqa: E731
    assert wait_for(ready, timeout=120), celery_worker.log()
    sent = lambda: not OutgoingEmail.objects.exclude(status=OutgoingEmail.Status.SENT).exists()  # noqa: E731
    assert wait_for(sent, timeout=60), celery_worker.log()


def test_an_invitation_e_mailed_while_redis_is_down_is_queued_then_swept_and_sent(
    celery_worker, application, enterprise_user, private_media
) -> None:
    client = client_for(enterprise_user)
    with broker_at(CLOSED_PORT_BROKER):
        response = client.post(
            reverse("applications:invite", args=[application.pk]), {"email": "li.laoshi@example.com"}
        )
        assert response.status_code == 302
        page = client.get(response["Location"])
    assert page.status_code == 200
    assert "邀请邮件已排队，将很快发送至 li.laoshi@example.com" in page.content.decode()
    email = OutgoingEmail.objects.get()
    assert (email.status, email.to) == (OutgoingEmail.Status.PENDING, ["li.laoshi@example.com"])

    assert sweep_pending_jobs() == 0, "a fresh e-mail is left to the worker that was asked"
    OutgoingEmail.objects.update(updated_at=long_ago())
    assert sweep_pending_jobs() == 1
    sent = lambda: OutgoingEmail.objects.get(pk=email.pk).status == OutgoingEmail.Status.SENT  # noqa: E731
    assert wait_for(sent, timeout=60), celery_worker.log()
    [message] = (private_media.parent / "sent-emails").iterdir()
    assert "li.laoshi@example.com" in message.read_text()


# --- At the same moment --------------------------------------------------------------------------


def at_once(*actions) -> list[str]:
    """Run the actions in threads (each with its own database connection), released together."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[str] = []

    def run(action) -> None:
        try:
            barrier.wait()
            action()
            outcomes.append("won")
        except application_services.ConcurrentChange:
            outcomes.append("lost")
        except Exception as error:  # reported in the assertion message
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


@pytest.mark.django_db(transaction=True)
def test_two_certifiers_deciding_the_same_application_at_once_issue_one_certificate(
    application, auditor, certifier, django_user_model
) -> None:
    other_certifier = django_user_model.objects.create_user(username="certifier-b", role="certifier")
    ready_for_decision(application, auditor)
    copies = [Application.objects.get(pk=application.pk) for _ in range(2)]
    outcomes = at_once(
        lambda: audit_services.certification_decide(application=copies[0], actor=certifier, certify=True),
        lambda: audit_services.certification_decide(application=copies[1], actor=other_certifier, certify=True),
    )
    assert outcomes == ["lost", "won"]
    assert Certificate.objects.count() == 1
    assert CertificationDecision.objects.count() == 1
    assert ApplicationEvent.objects.filter(application=application, to_status=Application.Status.CERTIFIED).count() == 1
    year = timezone.localdate().year
    assert Certificate.objects.get().number == f"CSA-{year}-SV-00001", "the loser used up no number"

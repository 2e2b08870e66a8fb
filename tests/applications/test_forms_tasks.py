"""The rendering task: idempotent, keeps its failures, takes over from a killed worker, and the
sweeper sends stuck versions again; end to end through a real worker on real Redis."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError

from applications import services
from applications.models import FormRendition
from applications.services import forms as documents
from applications.tasks.forms import form_render, sweep_form_renditions
from tests.factories import forms_prepared
from tests.helpers import pdf_text, squashed

Status = FormRendition.Status


def queued_laws_version(application, consultant) -> FormRendition:
    forms_prepared(application)
    return services.forms_generate(application=application, actor=consultant, form_types=["laws"]).queued[0]


@pytest.mark.django_db
def test_rendering_twice_leaves_one_ready_version(application, consultant) -> None:
    rendition = queued_laws_version(application, consultant)
    form_render.apply(args=(rendition.pk,))
    rendition.refresh_from_db()
    assert rendition.status == Status.READY and rendition.file and rendition.finished_at
    first = (rendition.file.name, rendition.sha256, rendition.finished_at)
    form_render.apply(args=(rendition.pk,))
    rendition.refresh_from_db()
    assert (rendition.file.name, rendition.sha256, rendition.finished_at) == first
    assert FormRendition.objects.filter(status=Status.READY).count() == 1
    stored = [
        name for name in os.listdir(rendition.file.storage.path(f"forms/{application.pk}")) if name.endswith(".pdf")
    ]
    assert len(stored) == 1, "the second run wrote no file"


@pytest.mark.django_db
def test_a_missing_version_is_ignored() -> None:
    assert form_render.apply(args=(987654,)).successful()


@pytest.mark.django_db
def test_a_failure_is_kept_with_its_error_and_can_be_tried_again(application, consultant, monkeypatch) -> None:
    rendition = queued_laws_version(application, consultant)

    def broken(rendition: FormRendition) -> bytes:
        raise OSError("No space left on device")

    monkeypatch.setattr(documents, "rendition_pdf", broken)
    form_render.apply(args=(rendition.pk,))
    rendition.refresh_from_db()
    assert rendition.status == Status.FAILED
    assert rendition.error == "OSError: No space left on device"
    assert not rendition.file
    monkeypatch.undo()
    sent: list[int] = []
    monkeypatch.setattr(documents, "enqueue_on_commit", lambda task, pk: sent.append(pk))
    services.rendition_retry(rendition=rendition, actor=consultant)
    rendition.refresh_from_db()
    assert (rendition.status, rendition.error, sent) == (Status.PENDING, "", [rendition.pk])
    form_render.apply(args=(rendition.pk,))
    rendition.refresh_from_db()
    assert rendition.status == Status.READY


@pytest.mark.django_db
def test_the_same_task_delivered_again_after_its_worker_died_takes_the_job_over(application, consultant) -> None:
    rendition = queued_laws_version(application, consultant)
    # A worker claimed the job and was killed while rendering: the row says 'rendering'.
    FormRendition.objects.filter(pk=rendition.pk).update(
        status=Status.RENDERING, task_id="task-1", started_at=timezone.now()
    )
    form_render.apply(args=(rendition.pk,), task_id="task-2")
    rendition.refresh_from_db()
    assert rendition.status == Status.RENDERING, "another task leaves a job that is being rendered alone"
    form_render.apply(args=(rendition.pk,), task_id="task-1")
    rendition.refresh_from_db()
    assert rendition.status == Status.READY, "the redelivered task renders it"


@pytest.mark.django_db
def test_a_job_rendering_past_the_hard_time_limit_is_taken_over(application, consultant) -> None:
    rendition = queued_laws_version(application, consultant)
    long_ago = timezone.now() - documents.abandoned_after() - timedelta(seconds=5)
    FormRendition.objects.filter(pk=rendition.pk).update(status=Status.RENDERING, task_id="dead", started_at=long_ago)
    form_render.apply(args=(rendition.pk,), task_id="someone-else")
    rendition.refresh_from_db()
    assert rendition.status == Status.READY


@pytest.mark.django_db
def test_the_sweeper_sends_stuck_and_abandoned_versions_again(application, consultant, monkeypatch) -> None:
    forms_prepared(application)
    _fresh, stuck, abandoned, rendering, ready = services.forms_generate(
        application=application,
        actor=consultant,
        form_types=["basic_info", "application", "laws", "managers", "contract"],
    ).queued
    now = timezone.now()
    FormRendition.objects.filter(pk=stuck.pk).update(updated_at=now - timedelta(minutes=5))
    FormRendition.objects.filter(pk=abandoned.pk).update(
        status=Status.RENDERING, started_at=now - documents.abandoned_after() - timedelta(minutes=1)
    )
    FormRendition.objects.filter(pk=rendering.pk).update(status=Status.RENDERING, started_at=now)
    FormRendition.objects.filter(pk=ready.pk).update(status=Status.READY, updated_at=now - timedelta(hours=1))
    sent: list[int] = []
    monkeypatch.setattr("certportal.lib.jobs.enqueue", lambda task, pk: sent.append(pk) or True)
    assert sweep_form_renditions() == 2
    assert sorted(sent) == sorted([stuck.pk, abandoned.pk])
    assert FormRendition.objects.get(pk=abandoned.pk).status == Status.PENDING
    sent.clear()
    assert sweep_form_renditions() == 0, "not again at once"


def test_generating_when_the_broker_is_down_answers_and_leaves_the_versions_queued(
    application, consultant, monkeypatch, django_capture_on_commit_callbacks, db
) -> None:
    from tests.conftest import client_for

    forms_prepared(application)

    def refuse(*args: object, **kwargs: object) -> None:
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(form_render, "apply_async", refuse)
    client = client_for(consultant)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/applications/{application.pk}/forms/generate/")
    assert response.status_code == 302
    assert set(FormRendition.objects.values_list("status", flat=True)) == {Status.PENDING}
    page = client.get(response["Location"]).content.decode()
    assert "排队中" in page
    assert 'hx-trigger="every 2s"' in page


# --- Through a real worker on real Redis -------------------------------------------------------


def wait_for(condition, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.worker
def test_a_real_worker_renders_the_forms_end_to_end(celery_worker, application, consultant) -> None:
    forms_prepared(application)
    result = services.forms_generate(application=application, actor=consultant)
    assert len(result.queued) == 6
    ready = lambda: FormRendition.objects.filter(status=Status.READY).count() == 6  # noqa: E731
    assert wait_for(ready), celery_worker.log()
    again = services.forms_generate(application=application, actor=consultant)
    assert again.queued == [] and FormRendition.objects.count() == 6
    contract = FormRendition.objects.get(form__form_type="contract")
    with contract.file.open("rb") as handle:
        text = squashed(pdf_text(handle.read()))
    assert "服务认证合同" in text and application.enterprise.uscc in text


def pool_children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(child) for child in found]


@pytest.mark.worker
@pytest.mark.faults
def test_a_version_whose_worker_process_is_killed_is_rendered_again(celery_worker, application, consultant) -> None:
    from applications.models import LawStandardRow

    forms_prepared(application)
    laws = application.forms.get(form_type="laws")
    # A long list, so that the rendering lasts long enough to be interrupted.
    LawStandardRow.objects.bulk_create(
        [LawStandardRow(form=laws, name=f"产品质量标准第{n}部分", number=f"GB/T {n}-2020") for n in range(500)]
    )
    rendition = services.forms_generate(application=application, actor=consultant, form_types=["laws"]).queued[0]
    rendering = lambda: FormRendition.objects.get(pk=rendition.pk).status == Status.RENDERING  # noqa: E731
    assert wait_for(rendering), celery_worker.log()
    first_claim = FormRendition.objects.get(pk=rendition.pk).task_id
    children = pool_children(celery_worker.process.pid)
    assert children, "the prefork pool has a child process"
    for child in children:
        os.kill(child, signal.SIGKILL)
    ready = lambda: FormRendition.objects.get(pk=rendition.pk).status == Status.READY  # noqa: E731
    assert wait_for(ready, timeout=120), celery_worker.log()
    rendition.refresh_from_db()
    assert rendition.task_id == first_claim, "the same task, delivered again, finished the job"
    assert "WorkerLostError" in celery_worker.log() or "exited with" in celery_worker.log()

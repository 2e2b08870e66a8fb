"""The pages that wait for a job of the applications (form versions, thumbnails, the evidence ZIP):
each says the job's state, polls while it is waited on and stops once it is done, says "taking
longer than usual" after a minute, and offers the consultant and the body's staff a retry when it
failed (a POST that queues it again through the job machine), never the others."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import EvidenceArchive, EvidenceFile, FormRendition
from applications.services import forms as documents
from tests.applications.evidence_samples import pdf_bytes
from tests.applications.test_evidence_previews import first_requirement, stored_evidence
from tests.conftest import client_for, put_in_status
from tests.factories import forms_prepared

pytestmark = pytest.mark.django_db

Thumb = EvidenceFile.ThumbnailStatus
Status = FormRendition.Status
POLLS = 'hx-trigger="every 2s"'
SLOW = "这次比平时花的时间更长"
RETRY = 'class="job-retry"'
TOLD = "咨询老师和发证机构的工作人员会在其页面上看到此情况"


@pytest.fixture
def sent(monkeypatch) -> list[tuple[str, int]]:
    """The tasks sent after commit (name and id), instead of the broker."""
    calls: list[tuple[str, int]] = []
    record = lambda task, pk: calls.append((task.name, pk))  # noqa: E731
    monkeypatch.setattr("applications.services.evidence.enqueue_on_commit", record)
    monkeypatch.setattr(documents, "enqueue_on_commit", record)
    return calls


# --- Form versions -----------------------------------------------------------------------------


def laws_version(application, consultant) -> FormRendition:
    forms_prepared(application)
    return services.forms_generate(application=application, actor=consultant, form_types=["laws"]).queued[0]


def form_status(user, application) -> str:
    return client_for(user).get(reverse("applications:form_status", args=[application.pk, "laws"])).content.decode()


def forms_table(user, application) -> str:
    return client_for(user).get(reverse("applications:forms_table", args=[application.pk])).content.decode()


def test_a_queued_version_polls_and_says_so_then_slow_after_a_minute(application, consultant, sent) -> None:
    rendition = laws_version(application, consultant)
    page = form_status(consultant, application)
    assert POLLS in page and 'data-job-state="queued"' in page and "排队中：很快就会开始生成" in page
    assert SLOW not in page
    FormRendition.objects.filter(pk=rendition.pk).update(queued_at=timezone.now() - timedelta(seconds=61))
    page = form_status(consultant, application)
    assert POLLS in page and SLOW in page and 'data-job-slow="true"' in page
    table = forms_table(consultant, application)
    assert POLLS in table and SLOW in table and "比平时慢" in table


def test_a_version_being_generated_says_so(application, consultant, sent) -> None:
    rendition = laws_version(application, consultant)
    FormRendition.objects.filter(pk=rendition.pk).update(status=Status.RENDERING, started_at=timezone.now())
    page = form_status(consultant, application)
    assert POLLS in page and 'data-job-state="preparing"' in page and "正在生成，通常只需几秒钟" in page


def test_the_table_and_its_counts_agree_and_stop_polling_when_done(application, consultant, sent) -> None:
    rendition = laws_version(application, consultant)
    table = forms_table(consultant, application)
    assert "已按当前资料生成 0/6" in table and table.count('data-job-state="queued"') == 1 and POLLS in table
    FormRendition.objects.filter(pk=rendition.pk).update(status=Status.READY)
    table = forms_table(consultant, application)
    assert "已按当前资料生成 1/6" in table and table.count('data-job-state="ready"') == 1
    assert POLLS not in table and "正在生成……" not in table


def test_a_failed_version_offers_the_consultant_a_retry_and_tells_the_enterprise(
    application, consultant, enterprise_user, sent
) -> None:
    rendition = laws_version(application, consultant)
    FormRendition.objects.filter(pk=rendition.pk).update(status=Status.FAILED, error="OSError: disk full")
    page = form_status(consultant, application)
    assert POLLS not in page and 'data-job-state="failed"' in page and "未能生成" in page
    assert RETRY in page and "OSError: disk full" in page
    page = form_status(enterprise_user, application)
    assert 'data-job-state="failed"' in page and RETRY not in page and TOLD in page
    assert "OSError" not in page, "the error text is for staff"


def test_retrying_a_version_queues_it_again(application, consultant, sent) -> None:
    rendition = laws_version(application, consultant)
    sent.clear()
    FormRendition.objects.filter(pk=rendition.pk).update(
        status=Status.FAILED, error="OSError: disk full", attempts=3, queued_at=timezone.now() - timedelta(hours=1)
    )
    url = reverse("applications:rendition_retry", args=[application.pk, rendition.pk])
    response = client_for(consultant).post(url)
    assert response.status_code == 302
    rendition.refresh_from_db()
    assert (rendition.status, rendition.error, rendition.attempts) == (Status.PENDING, "", 0)
    assert timezone.now() - rendition.queued_at < timedelta(seconds=5), "the page's clock starts again"
    assert sent == [("applications.tasks.form_render", rendition.pk)]


def test_only_staff_may_retry_a_version(application, consultant, enterprise_user, other_consultant, sent) -> None:
    rendition = laws_version(application, consultant)
    sent.clear()
    FormRendition.objects.filter(pk=rendition.pk).update(status=Status.FAILED)
    url = reverse("applications:rendition_retry", args=[application.pk, rendition.pk])
    assert client_for(enterprise_user).post(url).status_code == 403
    assert client_for(other_consultant).post(url).status_code == 404
    assert FormRendition.objects.get(pk=rendition.pk).status == Status.FAILED and sent == []


def test_a_version_that_did_not_fail_is_not_queued_again(application, consultant, sent) -> None:
    rendition = laws_version(application, consultant)
    sent.clear()
    FormRendition.objects.filter(pk=rendition.pk).update(status=Status.READY)
    url = reverse("applications:rendition_retry", args=[application.pk, rendition.pk])
    response = client_for(consultant).post(url, follow=True)
    assert "只有生成失败的版本才能重试" in response.content.decode()
    assert FormRendition.objects.get(pk=rendition.pk).status == Status.READY and sent == []


# --- Thumbnails and previews ------------------------------------------------------------------


def thumbnail_spot(user, evidence: EvidenceFile) -> str:
    url = reverse("applications:evidence_file_thumbnail_status", args=[evidence.pk])
    return client_for(user).get(url).content.decode()


@pytest.fixture
def evidence(evidence_application, enterprise_user, private_media) -> EvidenceFile:
    return stored_evidence(first_requirement(evidence_application), enterprise_user, "合同.pdf", pdf_bytes())


def test_the_thumbnail_spot_polls_while_waited_on_and_stops_when_done(evidence, enterprise_user) -> None:
    spot = thumbnail_spot(enterprise_user, evidence)
    assert spot.strip().startswith('<div class="flex-shrink-0 evidence-thumb-slot"') and POLLS in spot
    assert 'data-job-state="queued"' in spot
    EvidenceFile.objects.filter(pk=evidence.pk).update(thumbnail_queued_at=timezone.now() - timedelta(minutes=2))
    assert "比平时慢" in thumbnail_spot(enterprise_user, evidence)
    EvidenceFile.objects.filter(pk=evidence.pk).update(thumbnail_status=Thumb.READY, thumbnail="t.jpg")
    spot = thumbnail_spot(enterprise_user, evidence)
    assert POLLS not in spot and "<img" in spot and 'data-job-state="ready"' in spot
    page = client_for(enterprise_user).get(reverse("applications:evidence_requirement", args=[evidence.requirement_id]))
    assert f'id="thumbnail-{evidence.pk}"' in page.content.decode()


def test_a_failed_thumbnail_offers_the_consultant_a_retry_only(evidence, enterprise_user, consultant, sent) -> None:
    EvidenceFile.objects.filter(pk=evidence.pk).update(thumbnail_status=Thumb.FAILED, thumbnail_attempts=3)
    spot = thumbnail_spot(consultant, evidence)
    assert POLLS not in spot and 'data-job-state="failed"' in spot and "job-retry" in spot
    assert "job-retry" not in thumbnail_spot(enterprise_user, evidence)
    preview = client_for(enterprise_user).get(reverse("applications:evidence_file_preview", args=[evidence.pk]))
    assert TOLD in preview.content.decode() and "job-retry" not in preview.content.decode()
    url = reverse("applications:evidence_file_thumbnail_retry", args=[evidence.pk])
    assert client_for(enterprise_user).post(url).status_code == 403
    assert sent == []
    assert client_for(consultant).post(url).status_code == 302
    evidence.refresh_from_db()
    assert (evidence.thumbnail_status, evidence.thumbnail_attempts) == (Thumb.PENDING, 0)
    assert sent == [("applications.tasks.evidence.evidence_thumbnail", evidence.pk)]


def test_the_body_staff_may_retry_a_thumbnail_once_the_application_reached_them(
    evidence, auditor, other_consultant, sent
) -> None:
    EvidenceFile.objects.filter(pk=evidence.pk).update(thumbnail_status=Thumb.FAILED)
    url = reverse("applications:evidence_file_thumbnail_retry", args=[evidence.pk])
    assert client_for(other_consultant).post(url).status_code == 404
    assert client_for(auditor).post(url).status_code == 404, "not submitted yet: the body does not see it"
    put_in_status(evidence.requirement.application, "submitted")
    assert client_for(auditor).post(url).status_code == 302
    assert EvidenceFile.objects.get(pk=evidence.pk).thumbnail_status == Thumb.PENDING


def test_the_thumbnail_status_needs_a_fixed_number_of_queries(evidence, consultant, django_assert_num_queries) -> None:
    EvidenceFile.objects.filter(pk=evidence.pk).update(thumbnail_status=Thumb.FAILED)
    client = client_for(consultant)
    url = reverse("applications:evidence_file_thumbnail_status", args=[evidence.pk])
    client.get(url)
    with django_assert_num_queries(4):
        assert client.get(url).status_code == 200


# --- The evidence ZIP -------------------------------------------------------------------------------


def test_a_failed_zip_is_built_again_on_the_same_row(evidence_application, consultant, sent) -> None:
    archive = services.evidence_archive_request(application=evidence_application, actor=consultant)
    sent.clear()
    EvidenceArchive.objects.filter(pk=archive.pk).update(status=EvidenceArchive.Status.FAILED, error="OSError")
    client = client_for(consultant)
    partial = client.get(reverse("applications:evidence_archive", args=[archive.pk]), HTTP_HX_REQUEST="true")
    html = partial.content.decode()
    assert POLLS not in html and 'data-job-state="failed"' in html and "job-retry" in html
    response = client.post(reverse("applications:evidence_archive_retry", args=[archive.pk]))
    assert response["Location"] == reverse("applications:evidence_archive", args=[archive.pk])
    archive.refresh_from_db()
    assert (archive.status, archive.error) == (EvidenceArchive.Status.PENDING, "")
    assert sent == [("applications.tasks.evidence.evidence_archive_build", archive.pk)]
    assert POLLS in client.get(response["Location"]).content.decode()


def test_others_cannot_rebuild_a_zip(evidence_application, consultant, other_consultant, sent) -> None:
    archive = services.evidence_archive_request(application=evidence_application, actor=consultant)
    sent.clear()
    EvidenceArchive.objects.filter(pk=archive.pk).update(status=EvidenceArchive.Status.FAILED)
    response = client_for(other_consultant).post(reverse("applications:evidence_archive_retry", args=[archive.pk]))
    assert response.status_code == 404
    assert EvidenceArchive.objects.get(pk=archive.pk).status == EvidenceArchive.Status.FAILED and sent == []


def test_the_zip_status_needs_a_fixed_number_of_queries(
    evidence_application, consultant, django_assert_num_queries
) -> None:
    archive = services.evidence_archive_request(application=evidence_application, actor=consultant)
    client = client_for(consultant)
    url = reverse("applications:evidence_archive", args=[archive.pk])
    client.get(url, HTTP_HX_REQUEST="true")
    with django_assert_num_queries(4):
        assert client.get(url, HTTP_HX_REQUEST="true").status_code == 200

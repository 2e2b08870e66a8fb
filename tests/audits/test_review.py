"""The certification body's review: the auditor sees the package, starts the review, then accepts
(which opens the audit planning) or returns the application with reasons the enterprise sees."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, ApplicationEvent, EvidenceFile, FormRendition
from tests.applications.evidence_samples import image_bytes, pdf_bytes
from tests.conftest import client_for, put_in_status
from tests.factories import ServiceManagerFactory, complete_evidence, forms_ready

pytestmark = pytest.mark.django_db

Status = Application.Status


def test_the_package_shows_profile_scope_managers_masked_and_the_timeline(application, auditor) -> None:
    put_in_status(application, Status.SUBMITTED)
    manager = ServiceManagerFactory(enterprise=application.enterprise)
    page = client_for(auditor).get(reverse("audits:review", args=[application.pk])).content.decode()
    enterprise = application.enterprise
    for text in (enterprise.uscc, enterprise.legal_representative, enterprise.registered_address,
                 str(application.scope.get()), manager.name, "440524********0014", 'id="timeline"'):  # fmt: skip
        assert text in page, text
    assert manager.id_number not in page
    assert reverse("applications:detail", args=[application.pk]) in page


def test_start_accept_and_the_planning_opens(application, auditor, django_capture_on_commit_callbacks) -> None:
    put_in_status(application, Status.SUBMITTED)
    client = client_for(auditor)
    url = reverse("audits:review", args=[application.pk])
    response = client.post(url, {"decision": "start"})
    assert response["Location"] == url
    application.refresh_from_db()
    assert application.status == Status.UNDER_REVIEW
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"decision": "accept", "comment": "材料齐全"})
    assert response["Location"] == reverse("audits:rounds", args=[application.pk])
    application.refresh_from_db()
    assert application.status == Status.AUDIT_PREPARATION
    assert application.audit_rounds.count() == 3
    page = client.get(response["Location"]).content.decode()
    assert page.count('class="card h-100 round-card"') == 3


def test_returning_needs_reasons_that_the_enterprise_and_consultant_see(
    application, auditor, enterprise_user, consultant
) -> None:
    put_in_status(application, Status.UNDER_REVIEW)
    client = client_for(auditor)
    url = reverse("audits:review", args=[application.pk])
    response = client.post(url, {"decision": "return", "comment": " "})
    assert response.status_code == 200
    assert "请说明原因" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.UNDER_REVIEW
    response = client.post(url, {"decision": "return", "comment": "销售合同未覆盖全部申请产品"})
    assert response["Location"] == reverse("applications:detail", args=[application.pk])
    application.refresh_from_db()
    assert application.status == Status.RETURNED
    for user in (enterprise_user, consultant):
        page = client_for(user).get(reverse("applications:detail", args=[application.pk])).content.decode()
        assert "销售合同未覆盖全部申请产品" in page
    event = application.events.get(to_status=Status.RETURNED)
    assert event.kind == ApplicationEvent.Kind.TRANSITION


def test_an_earlier_return_is_shown_when_the_application_comes_back(application, auditor) -> None:
    put_in_status(application, Status.UNDER_REVIEW)
    client = client_for(auditor)
    url = reverse("audits:review", args=[application.pk])
    client.post(url, {"decision": "return", "comment": "请补充发货单"})
    put_in_status(application, Status.UNDER_REVIEW)
    page = client.get(url).content.decode()
    assert 'id="previous-returns"' in page and "请补充发货单" in page


def content_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def stored(name: str, content: bytes) -> str:
    return default_storage.save(name, ContentFile(content))


def test_the_review_shows_the_accepted_evidence_and_the_signed_forms_with_working_links(application, auditor) -> None:
    complete_evidence(application)
    put_in_status(application, Status.UNDER_REVIEW)
    forms_ready(application)
    repair = EvidenceFile.objects.filter(requirement__application=application, requirement__item__code="16").first()
    pdf, thumbnail = pdf_bytes(), image_bytes("JPEG")
    repair.file = stored(f"evidence/{application.pk}/repair.pdf", pdf)
    repair.thumbnail = repair.preview = stored(f"evidence/{application.pk}/thumbnails/t.jpg", thumbnail)
    repair.thumbnail_status = EvidenceFile.ThumbnailStatus.READY
    repair.save()
    signed = list(FormRendition.objects.filter(form__application=application, kind=FormRendition.Kind.SIGNED))
    FormRendition.objects.filter(pk__in=[r.pk for r in signed]).update(file=stored("forms/signed.pdf", pdf))
    client = client_for(auditor)
    page = client.get(reverse("audits:review", args=[application.pk])).content.decode()

    evidence = page.split('id="evidence"')[1].split("</section>")[0]
    accepted = EvidenceFile.objects.filter(requirement__application=application, status="accepted", is_current=True)
    assert accepted.count() > 20
    for file in accepted:
        assert reverse("applications:evidence_file", args=[file.pk]) in evidence, file.original_name
        assert file.original_name in evidence
    assert 'data-item="16"' in evidence and "第 16 项" in evidence
    served = {"evidence_file": pdf, "evidence_file_thumbnail": thumbnail, "evidence_file_preview": thumbnail}
    for name, expected in served.items():
        url = reverse(f"applications:{name}", args=[repair.pk])
        assert url in evidence, name
        assert content_of(client.get(url)) == expected, name

    forms = page.split('id="signed-forms"')[1].split("</section>")[0]
    assert forms.count('class="list-group-item d-flex flex-wrap justify-content-between gap-2 signed-form"') == 6
    for rendition in signed:
        url = reverse("applications:rendition", args=[application.pk, rendition.pk])
        assert url in forms
        assert f"第 {rendition.version} 版（已签署）" in forms
        assert content_of(client.get(url)) == pdf
    assert forms.count("已签署") >= 12, "each of the six is marked signed, with its signed version"


def test_the_review_bounds_the_timeline(application, auditor) -> None:
    put_in_status(application, Status.UNDER_REVIEW)
    start = timezone.now() - timedelta(hours=2)
    ApplicationEvent.objects.bulk_create(
        ApplicationEvent(application=application, kind="scope_changed", data={"after": [f"产品{n:02d}"]},
                         created_at=start + timedelta(minutes=n))
        for n in range(45)
    )  # fmt: skip
    client = client_for(auditor)
    url = reverse("audits:review", args=[application.pk])
    timeline = client.get(url).content.decode().split('id="timeline"')[1]
    assert timeline.count('class="list-group-item event"') == 30
    assert "产品44" in timeline and "产品14" not in timeline
    assert '?timeline_page=2#timeline"' in timeline
    older = client.get(url, {"timeline_page": 2}).content.decode().split('id="timeline"')[1]
    assert older.count('class="list-group-item event"') == 15 and "产品14" in older and "产品15" not in older


@pytest.mark.parametrize("persona", ["enterprise_user", "consultant", "certifier"])
def test_the_review_is_refused_to_everyone_but_the_auditors(request, application, persona) -> None:
    put_in_status(application, Status.UNDER_REVIEW)
    response = client_for(request.getfixturevalue(persona)).get(reverse("audits:review", args=[application.pk]))
    assert response.status_code in (403, 404)
    assert 'id="evidence"' not in response.content.decode()


def test_nothing_to_decide_outside_the_review(application, auditor) -> None:
    put_in_status(application, Status.AUDIT_PREPARATION)
    response = client_for(auditor).post(reverse("audits:review", args=[application.pk]), {"decision": "accept"})
    assert response.status_code == 200
    assert "不允许进行此操作" in response.content.decode()

"""The enterprise's progress page (its home): steps, the to-do list with links, timeline, certificate."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, EvidenceFile, EvidenceRequirement
from audits import services as audit_services
from audits.models import AuditRound, Certificate, Finding, Indicator
from tests.conftest import client_for, put_in_status
from tests.factories import complete_evidence, forms_ready

Status = Application.Status
URL = reverse("applications:progress")


def todo_kinds(response) -> list[str]:
    return [item.kind for item in response.context["todo"]]


def test_a_draft_asks_to_submit_the_basic_information(application, enterprise_user):
    response = client_for(enterprise_user).get(URL)
    assert response.status_code == 200
    assert todo_kinds(response) == ["basic_info"]
    assert [step["state"] for step in response.context["steps"]] == ["current"] + ["todo"] * 5
    assert reverse("applications:detail", args=[application.pk]) in response.content.decode()


def test_rejected_evidence_links_to_the_item(application, enterprise_user):
    complete_evidence(application)
    put_in_status(application, Status.FORMS_PREPARATION)
    first, second = EvidenceRequirement.objects.filter(application=application, item__kind="files")[:2]
    EvidenceRequirement.objects.filter(pk=first.pk).update(review_status="rejected", review_reason="照片模糊")
    EvidenceFile.objects.filter(requirement=second).update(status="rejected")
    response = client_for(enterprise_user).get(URL)
    items = response.context["todo"]
    assert [item.kind for item in items] == ["evidence_rejected", "evidence_rejected"]
    assert items[0].url == reverse("applications:evidence_requirement", args=[first.pk])
    assert items[0].detail == "照片模糊"
    assert items[1].url == reverse("applications:evidence_requirement", args=[second.pk])
    assert [step["state"] for step in response.context["steps"]][:2] == ["done", "current"]


def test_forms_to_sign(application, enterprise_user):
    forms_ready(application, signed=False)
    put_in_status(application, Status.AWAITING_SIGNATURE)
    response = client_for(enterprise_user).get(URL)
    assert todo_kinds(response) == ["form_to_sign"] * 6
    assert response.context["todo"][0].url == reverse("applications:form_sign", args=[application.pk, "basic_info"])


def test_audit_times_to_confirm_and_findings_to_answer(application, enterprise_user, auditor):
    put_in_status(application, Status.REMOTE_AUDIT)
    rounds = audit_services.audit_setup(application)
    start = timezone.now() + datetime.timedelta(days=5)
    AuditRound.objects.filter(pk=rounds[1].pk).update(
        starts_at=start, ends_at=start + datetime.timedelta(hours=2), schedule_status="proposed"
    )
    indicator = Indicator.objects.filter(parent__isnull=False).first()
    finding = Finding.objects.create(
        application=application, number=1, indicator=indicator, grade="general", description="x",
        deadline=timezone.localdate() + datetime.timedelta(days=10), raised_by=auditor,
    )  # fmt: skip
    Finding.objects.create(
        application=application, number=2, indicator=indicator, grade="general", description="y",
        deadline=timezone.localdate(), raised_by=auditor, status="answered",
    )  # fmt: skip
    response = client_for(enterprise_user).get(URL)
    items = response.context["todo"]
    assert [item.kind for item in items] == ["round_to_confirm", "finding_to_answer"]
    assert items[0].url == reverse("audits:round", args=[rounds[1].pk])
    assert items[1].url == reverse("audits:finding", args=[finding.pk])
    html = response.content.decode()
    assert items[0].url in html
    assert items[1].url in html


def test_nothing_to_do_while_the_body_reviews(application, enterprise_user):
    put_in_status(application, Status.UNDER_REVIEW)
    response = client_for(enterprise_user).get(URL)
    assert response.context["todo"] == []
    assert 'id="progress-nothing"' in response.content.decode()


def test_the_certificate_when_issued(application, enterprise_user):
    put_in_status(application, Status.CERTIFIED)
    today = timezone.localdate()
    certificate = Certificate.objects.create(
        number="CSA-2026-SV-00077", application=application, enterprise=application.enterprise,
        holder_name="x", holder_address="x", holder_uscc=application.enterprise.uscc, star_level=4,
        score=Decimal("920"), issued_on=today, expires_on=today + datetime.timedelta(days=1000), body_name="x",
    )  # fmt: skip
    response = client_for(enterprise_user).get(URL)
    assert response.context["certificate"] == certificate
    html = response.content.decode()
    assert "CSA-2026-SV-00077" in html
    assert reverse("audits:certificate", args=[certificate.pk]) in html
    assert all(step["state"] == "done" for step in response.context["steps"])


def test_timeline_lists_the_events(application, enterprise_user):
    application.events.create(kind="scope_changed", data={"after": ["空调"]})
    response = client_for(enterprise_user).get(URL)
    assert response.context["timeline"].entries[0].event.kind == "scope_changed"


def test_enterprise_home_is_the_progress_page(application, enterprise_user):
    assert client_for(enterprise_user).get(reverse("home"))["Location"] == URL


def test_without_an_application_home_and_progress_go_to_the_basic_information(enterprise_user):
    target = reverse("applications:enterprise", args=[enterprise_user.enterprise_id])
    client = client_for(enterprise_user)
    assert client.get(reverse("home"))["Location"] == target
    assert client.get(URL)["Location"] == target


def test_each_enterprise_sees_its_own(application, other_application, other_enterprise_user):
    response = client_for(other_enterprise_user).get(URL)
    assert response.context["application"] == other_application
    assert application.reference not in response.content.decode()


@pytest.mark.parametrize("persona", ["consultant", "auditor", "certifier"])
def test_staff_are_refused(request, application, persona):
    assert client_for(request.getfixturevalue(persona)).get(URL).status_code == 403


def test_anonymous_is_sent_to_login(db):
    response = client_for(None).get(URL)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("rejected", [1, 12])
def test_constant_number_of_queries(application, enterprise_user, django_assert_max_num_queries, rejected):
    """Many items sent back (and their timeline events) cost no more queries than one."""
    complete_evidence(application)
    put_in_status(application, Status.FORMS_PREPARATION)
    requirements = EvidenceRequirement.objects.filter(application=application, item__kind="files")[:rejected]
    EvidenceRequirement.objects.filter(pk__in=[r.pk for r in requirements]).update(
        review_status="rejected", review_reason="照片模糊"
    )
    client = client_for(enterprise_user)
    with django_assert_max_num_queries(10):
        response = client.get(URL)
    assert todo_kinds(response) == ["evidence_rejected"] * rejected

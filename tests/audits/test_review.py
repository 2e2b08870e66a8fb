"""The certification body's review: the auditor sees the package, starts the review, then accepts
(which opens the audit planning) or returns the application with reasons the enterprise sees."""

from __future__ import annotations

import pytest
from django.urls import reverse

from applications.models import Application, ApplicationEvent
from tests.conftest import client_for, put_in_status
from tests.factories import ServiceManagerFactory

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


def test_the_review_links_to_the_forms_and_evidence(application, auditor) -> None:
    put_in_status(application, Status.UNDER_REVIEW)
    page = client_for(auditor).get(reverse("audits:review", args=[application.pk])).content.decode()
    assert reverse("applications:detail", args=[application.pk]) in page.split('id="forms-and-evidence"')[1]


def test_nothing_to_decide_outside_the_review(application, auditor) -> None:
    put_in_status(application, Status.AUDIT_PREPARATION)
    response = client_for(auditor).post(reverse("audits:review", args=[application.pk]), {"decision": "accept"})
    assert response.status_code == 200
    assert "不允许进行此操作" in response.content.decode()

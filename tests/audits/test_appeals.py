"""Appeals (申诉): the enterprise appeals a decision (not certified, the star level, a suspension or a
withdrawal) within APPEAL_DAYS; the body manager gives it to someone who took no part in the decision;
the outcome goes on the certificate's history, or on the application's timeline without a certificate."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from applications.models import Application, ApplicationEvent
from audits import services
from audits.models import Appeal, CaseStatus, Certificate, CertificateEvent, CertificationDecision
from audits.services import complaints
from certportal.accounts.models import User
from notifications.models import Kind, Notification
from tests.audits.conftest import finish_rounds
from tests.conftest import client_for, put_in_status
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    """The refusals are read in English here; pages answer in each user's language."""
    with translation.override("en"):
        yield


@pytest.fixture
def body_manager(db):
    return UserFactory(username="manager-a", role=User.Role.BODY_MANAGER, full_name="机构负责人甲")


@pytest.fixture
def independent_certifier(db):
    return UserFactory(username="certifier-free", role=User.Role.CERTIFIER, full_name="独立认证人员")


def decided(application, auditor, certifier, outcome: str = "certified", days_ago: int = 0) -> CertificationDecision:
    put_in_status(application, Application.Status.SUBMITTED)
    finish_rounds(application, auditor)
    target = Application.Status.CERTIFIED if outcome == "certified" else Application.Status.NOT_CERTIFIED
    put_in_status(application, target)
    return CertificationDecision.objects.create(
        application=application, outcome=outcome, certifier=certifier, score=Decimal("925.50"), computed_star_level=4,
        star_level=4 if outcome == "certified" else 0, decided_at=timezone.now() - datetime.timedelta(days=days_ago),
    )  # fmt: skip


@pytest.fixture
def certificate(application, auditor, certifier) -> Certificate:
    decision = decided(application, auditor, certifier)
    return services.certificate_issue(application=application, decision=decision, actor=certifier)


def appeal_of(application, user, against: str = "star_level") -> Appeal:
    return complaints.appeal_file(application=application, actor=user, against=against, grounds="得分计算有误。")


def test_the_enterprise_appeals_the_star_level_from_its_certificate_page(
    enterprise_user, certificate, body_manager, settings
) -> None:
    settings.APPEAL_DECISION_DAYS = 30
    page = client_for(enterprise_user).get(reverse("audits:certificate", args=[certificate.pk]))
    url = reverse("audits:appeal_file", args=[certificate.application_id])
    assert url in page.content.decode()
    response = client_for(enterprise_user).post(url, {"against": "star_level", "grounds": "服务网点数量统计有误。"})
    appeal = Appeal.objects.get()
    assert response["Location"] == reverse("audits:appeal", args=[appeal.pk])
    assert appeal.status == CaseStatus.RECEIVED and appeal.against == "star_level"
    assert appeal.due_on == timezone.localdate() + datetime.timedelta(days=30)
    assert Notification.objects.filter(recipient=body_manager, kind=Kind.APPEAL_RECEIVED).exists()
    # Once appealed, the same decision is not appealed again.
    assert complaints.appeal_file_problem(certificate.application, enterprise_user) is not None


def test_an_appeal_after_the_period_is_refused(application, enterprise_user, auditor, certifier, settings) -> None:
    settings.APPEAL_DAYS = 60
    decided(application, auditor, certifier, outcome="refused", days_ago=61)
    problem = complaints.appeal_file_problem(application, enterprise_user)
    assert problem is not None and "60" in problem
    with pytest.raises(ValidationError):
        appeal_of(application, enterprise_user, "not_certified")
    detail = client_for(enterprise_user).get(reverse("applications:detail", args=[application.pk]))
    assert reverse("audits:appeal_file", args=[application.pk]) in detail.content.decode()
    response = client_for(enterprise_user).get(reverse("audits:appeal_file", args=[application.pk]))
    assert 'id="appeal-problem"' in response.content.decode()


def test_a_refusal_is_appealable_on_the_last_day(application, enterprise_user, auditor, certifier, settings) -> None:
    settings.APPEAL_DAYS = 60
    decided(application, auditor, certifier, outcome="refused", days_ago=60)
    assert [each.against for each in complaints.appealable_decisions(application)] == ["not_certified"]


def test_only_the_enterprise_appeals(certificate, consultant) -> None:
    with pytest.raises(PermissionDenied):
        appeal_of(certificate.application, consultant)


def test_the_decider_must_have_taken_no_part_in_the_decision(
    enterprise_user, certificate, auditor, certifier, body_manager, independent_certifier
) -> None:
    appeal = appeal_of(certificate.application, enterprise_user)
    assert "made the decision" in complaints.appeal_assign_problem(appeal, body_manager, certifier)
    assert "audit team" in complaints.appeal_assign_problem(appeal, body_manager, auditor)
    response = client_for(body_manager).post(
        reverse("audits:appeal_assign", args=[appeal.pk]), {"assignee": certifier.pk}
    )
    with translation.override("zh-hans"):
        shown = complaints.appeal_assign_problem(appeal, body_manager, certifier)
    assert shown in response.content.decode()
    appeal.refresh_from_db()
    assert appeal.assigned_to is None
    complaints.appeal_assign(appeal=appeal, actor=body_manager, assignee=independent_certifier)
    appeal.refresh_from_db()
    assert appeal.status == CaseStatus.ASSIGNED
    assert Notification.objects.filter(recipient=independent_certifier, kind=Kind.APPEAL_ASSIGNED).exists()


def test_the_outcome_goes_on_the_certificates_history_and_the_enterprise_is_told(
    enterprise_user, certificate, body_manager, independent_certifier
) -> None:
    appeal = appeal_of(certificate.application, enterprise_user)
    complaints.appeal_assign(appeal=appeal, actor=body_manager, assignee=independent_certifier)
    url = reverse("audits:appeal_decide", args=[appeal.pk])
    assert client_for(body_manager).post(url, {"outcome": "upheld", "reason": "x"}).status_code == 403
    response = client_for(independent_certifier).post(url, {"outcome": "upheld", "reason": "网点统计确有遗漏。"})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == CaseStatus.CLOSED and appeal.outcome == "upheld"
    event = CertificateEvent.objects.get(certificate=certificate, kind=CertificateEvent.Kind.APPEAL_DECIDED)
    assert event.actor == independent_certifier and event.reason == "网点统计确有遗漏。"
    assert event.data == {"appeal": appeal.pk, "against": "star_level", "outcome": "upheld"}
    assert Notification.objects.filter(recipient=enterprise_user, kind=Kind.APPEAL_DECIDED).exists()
    with pytest.raises(ValidationError):
        complaints.appeal_decide(appeal=appeal, actor=independent_certifier, outcome="rejected", reason="再议")


def test_a_refusal_appeal_is_recorded_on_the_applications_timeline(
    application, enterprise_user, auditor, certifier, body_manager, independent_certifier
) -> None:
    decided(application, auditor, certifier, outcome="refused")
    appeal = appeal_of(application, enterprise_user, "not_certified")
    complaints.appeal_assign(appeal=appeal, actor=body_manager, assignee=independent_certifier)
    appeal.refresh_from_db()
    complaints.appeal_decide(appeal=appeal, actor=independent_certifier, outcome="rejected", reason="维持原决定。")
    event = ApplicationEvent.objects.get(application=application, kind=ApplicationEvent.Kind.APPEAL_DECIDED)
    assert event.comment == "维持原决定。" and event.data["outcome"] == "rejected"


def test_a_suspension_is_appealed_and_the_certifier_who_suspended_may_not_decide(
    enterprise_user, certificate, certifier, other_certifier, body_manager, independent_certifier
) -> None:
    until = timezone.localdate() + datetime.timedelta(days=60)
    services.certificate_change_status(
        certificate=certificate, actor=other_certifier, target="suspended", reason="监督审核未按期进行",
        suspended_until=until,
    )  # fmt: skip
    kinds = {each.against for each in complaints.appealable_decisions(certificate.application)}
    assert kinds == {"star_level", "suspension"}
    appeal = appeal_of(certificate.application, enterprise_user, "suspension")
    assert appeal.certificate_event.to_status == "suspended"
    assert "made the decision" in complaints.appeal_assign_problem(appeal, body_manager, other_certifier)
    # The certifier of the original certification took no part in the suspension.
    assert complaints.appeal_assign_problem(appeal, body_manager, certifier) is None
    assert complaints.appeal_assign_problem(appeal, body_manager, independent_certifier) is None


def test_the_appeal_page_is_the_enterprises_and_the_managers(
    enterprise_user, other_enterprise_user, certificate, body_manager, django_assert_max_num_queries
) -> None:
    appeal = appeal_of(certificate.application, enterprise_user)
    url = reverse("audits:appeal", args=[appeal.pk])
    client = client_for(body_manager)
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200
    assert client_for(enterprise_user).get(url).status_code == 200
    assert client_for(other_enterprise_user).get(url).status_code == 404

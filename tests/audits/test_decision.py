"""The certification decision: impartiality, the star level granted, refusal with reasons, and the
certificate issued in the same transaction."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, ApplicationEvent
from applications.services import TransitionError, application_transition
from audits import services
from audits.models import (
    AuditRound,
    Certificate,
    CertificateEvent,
    CertificationDecision,
    ScoreSheetVersion,
    SpecialItem,
)
from certportal.models import OutgoingEmail
from tests.audits.conftest import ready_for_decision
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

Status = Application.Status


def test_certifying_issues_the_certificate_at_the_computed_star_level(
    application, auditor, certifier, enterprise_user, consultant
) -> None:
    ready_for_decision(application, auditor, rate="0.92")
    decision = services.certification_decide(application=application, actor=certifier, certify=True)
    application.refresh_from_db()
    assert application.status == Status.CERTIFIED
    assert (decision.outcome, decision.star_level, decision.computed_star_level, decision.score) == (
        "certified", 4, 4, Decimal("920.00"),
    )  # fmt: skip
    certificate = application.certificate
    today = timezone.localdate()
    enterprise = application.enterprise
    assert certificate.number == f"CSA-{today.year}-SV-00001"
    assert (certificate.holder_name, certificate.holder_address, certificate.holder_uscc) == (
        enterprise.name, enterprise.registered_address, enterprise.uscc,
    )  # fmt: skip
    assert certificate.scope == [str(product) for product in application.scope.all()]
    assert certificate.standard == "GB/T 27922-2011"
    assert (certificate.star_level, certificate.score) == (4, Decimal("920.00"))
    assert certificate.issued_on == today
    assert certificate.expires_on == services.certificates.add_months(today, 36) - datetime.timedelta(days=1)
    assert certificate.surveillance_due_on == services.certificates.add_months(today, 12)
    assert certificate.status == Certificate.Status.VALID
    assert certificate.body_name
    assert certificate.events.get().kind == CertificateEvent.Kind.ISSUED
    assert application.events.filter(kind=ApplicationEvent.Kind.CERTIFICATE_ISSUED).exists()
    told = {email.to[0] for email in OutgoingEmail.objects.filter(subject__contains="认证决定")}
    assert told == {enterprise_user.email, consultant.email}


def test_the_snapshot_does_not_follow_later_changes_of_the_enterprise(application, auditor, certifier) -> None:
    ready_for_decision(application, auditor)
    services.certification_decide(application=application, actor=certifier, certify=True)
    name = application.enterprise.name
    application.enterprise.name = "改名后的公司"
    application.enterprise.save()
    assert Certificate.objects.get().holder_name == name


def test_a_lower_star_level_needs_a_reason_and_a_higher_one_is_refused(application, auditor, certifier) -> None:
    ready_for_decision(application, auditor, rate="0.96")
    with pytest.raises(ValidationError) as error:
        services.certification_decide(application=application, actor=certifier, certify=True, star_level=4)
    assert "reason" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        services.certification_decide(application=application, actor=certifier, certify=True, star_level=6)
    assert "star_level" in error.value.error_dict
    services.certification_decide(
        application=application, actor=certifier, certify=True, star_level=4, reason="监督期内投诉较多，审慎授予"
    )
    assert Certificate.objects.get().star_level == 4
    assert CertificationDecision.objects.get().computed_star_level == 5


def test_refusing_needs_reasons_and_tells_the_enterprise(application, auditor, certifier, enterprise_user) -> None:
    ready_for_decision(application, auditor, rate="0.6")
    with pytest.raises(ValidationError):
        services.certification_decide(application=application, actor=certifier, certify=False)
    services.certification_decide(
        application=application, actor=certifier, certify=False, reason="总分 600 分，未达到 700 分"
    )
    application.refresh_from_db()
    assert application.status == Status.NOT_CERTIFIED
    assert not Certificate.objects.exists()
    email = OutgoingEmail.objects.get(to=[enterprise_user.email], subject__contains="认证决定")
    assert "总分 600 分，未达到 700 分" in email.body_text
    event = application.events.get(to_status=Status.NOT_CERTIFIED)
    assert event.comment == "总分 600 分，未达到 700 分"


@pytest.mark.parametrize(("rate", "deductions", "message"), [("0.69", 0, "低于 700 分"), ("1", 5, "5 个及以上")])
def test_a_score_that_does_not_qualify_cannot_be_certified(
    application, auditor, certifier, rate, deductions, message
) -> None:
    sheet = ready_for_decision(application, auditor, rate=rate)
    for number in range(deductions):
        SpecialItem.objects.create(sheet=sheet, kind="deduction", reason=f"违规 {number}", required_correction="整改",
                                   created_by=auditor)  # fmt: skip
    with pytest.raises(TransitionError, match=message):
        services.certification_decide(application=application, actor=certifier, certify=True)
    assert not Certificate.objects.exists()


@pytest.mark.parametrize(("rate", "deductions", "message"), [("0.72", 0, "低于 750 分"), ("1", 3, "3 个及以上")])
def test_the_refusal_names_the_thresholds_of_the_sheets_own_version(
    application, auditor, certifier, rate, deductions, message
) -> None:
    """Thresholds are data of the score sheet version: a version with two stars from 750 points and a
    veto at 3 deductions refuses 720 points and 3 deductions, and says so with its own numbers."""
    sheet = ready_for_decision(application, auditor, rate=rate)
    ScoreSheetVersion.objects.filter(pk=sheet.version_id).update(two_star_min=Decimal(750), veto_deductions=3)
    for number in range(deductions):
        SpecialItem.objects.create(sheet=sheet, kind="deduction", reason=f"违规 {number}", required_correction="整改",
                                   created_by=auditor)  # fmt: skip
    with pytest.raises(TransitionError, match=message):
        services.certification_decide(application=application, actor=certifier, certify=True)
    page = client_for(certifier).get(reverse("audits:decision", args=[application.pk])).content.decode()
    assert message in page
    assert not Certificate.objects.exists()


def test_a_certifier_who_was_on_the_audit_team_may_not_decide(application, auditor, certifier, other_certifier) -> None:
    """Someone who audited the application and has since become a certifier."""
    ready_for_decision(application, auditor)
    former_auditor = auditor
    AuditRound.objects.filter(application=application, number=2).first().members.add(other_certifier)
    former_auditor.role = "certifier"
    former_auditor.save()
    for user in (former_auditor, other_certifier):
        with pytest.raises(TransitionError, match="公正性"):
            services.certification_decide(application=application, actor=user, certify=True)
    page = client_for(other_certifier).get(reverse("audits:decision", args=[application.pk])).content.decode()
    assert 'id="impartiality"' in page and "审核组的成员" in page
    response = client_for(other_certifier).post(
        reverse("audits:decision", args=[application.pk]), {"outcome": "certify", "star_level": "4"}
    )
    assert response.status_code == 200
    assert any("公正性" in str(error) for error in response.context["form"].non_field_errors())
    services.certification_decide(application=application, actor=certifier, certify=True)


def test_only_certifiers_decide(application, auditor, enterprise_user) -> None:
    ready_for_decision(application, auditor)
    for user in (auditor, enterprise_user):
        with pytest.raises(PermissionDenied):
            services.certification_decide(application=application, actor=user, certify=True)


def test_the_generic_transition_button_leads_to_the_decision_page(application, auditor, certifier) -> None:
    ready_for_decision(application, auditor)
    client = client_for(certifier)
    detail = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert f'href="{reverse("audits:decision", args=[application.pk])}"' in detail
    response = client.post(reverse("applications:transition", args=[application.pk]), {"target": "certified"})
    assert response["Location"] == reverse("audits:decision", args=[application.pk])
    application.refresh_from_db()
    assert application.status == Status.DECISION, "the generic step never certifies without a certificate"


def test_the_decision_page_certifies_and_leads_to_the_certificate(application, auditor, certifier) -> None:
    ready_for_decision(application, auditor, rate="0.93")
    client = client_for(certifier)
    page = client.get(reverse("audits:decision", args=[application.pk])).content.decode()
    assert "930.00" in page and "四星级" in page
    response = client.post(reverse("audits:decision", args=[application.pk]), {"outcome": "certify", "star_level": "4"})
    certificate = Certificate.objects.get()
    assert response["Location"] == reverse("audits:certificate", args=[certificate.pk])


def test_a_refusal_without_reasons_stays_on_the_page(application, auditor, certifier) -> None:
    ready_for_decision(application, auditor)
    response = client_for(certifier).post(reverse("audits:decision", args=[application.pk]), {"outcome": "refuse"})
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    application.refresh_from_db()
    assert application.status == Status.DECISION


@override_settings(CERTIFICATE_NUMBER_PATTERN="{body}-SV-{year}-{sequence:04d}", CERTIFICATION_BODY_CODE="ZHLH")
def test_the_certificate_number_follows_the_configured_pattern(application, auditor, certifier) -> None:
    ready_for_decision(application, auditor)
    services.certification_decide(application=application, actor=certifier, certify=True)
    assert Certificate.objects.get().number == f"ZHLH-SV-{timezone.localdate().year}-0001"


def test_sending_back_for_evaluation_reopens_scoring(application, auditor, certifier) -> None:
    ready_for_decision(application, auditor)
    sheet = application.score_sheet
    indicator = sheet.version.indicators.get(code="5.1.1")
    with pytest.raises(ValidationError):
        services.indicator_score_save(
            sheet=sheet, indicator=indicator, actor=auditor, values=services.IndicatorInput(awarded=Decimal(40))
        )
    application_transition(application=application, actor=certifier, target=Status.EVALUATION, comment="请复核 5.3.2")
    application.refresh_from_db()
    assert application.status == Status.EVALUATION
    sheet = application.score_sheet
    services.indicator_score_save(
        sheet=sheet, indicator=indicator, actor=auditor, values=services.IndicatorInput(awarded=Decimal(40))
    )
    assert sheet.entries.get(indicator=indicator).awarded == Decimal(40)
    page = client_for(auditor).get(reverse("audits:score_sheet", args=[application.pk])).content.decode()
    assert f'action="{reverse("audits:indicator_save", args=[application.pk, indicator.pk])}"' in page


def test_decision_is_recorded_with_the_time(application, auditor, certifier) -> None:
    ready_for_decision(application, auditor)
    before = timezone.now() - datetime.timedelta(seconds=1)
    decision = services.certification_decide(application=application, actor=certifier, certify=True)
    assert decision.decided_at >= before
    assert decision.certifier == certifier


def test_certifying_without_choosing_a_star_level_grants_the_computed_one(application, auditor, certifier) -> None:
    ready_for_decision(application, auditor, rate="0.93")
    response = client_for(certifier).post(reverse("audits:decision", args=[application.pk]), {"outcome": "certify"})
    certificate = Certificate.objects.get()
    assert response["Location"] == reverse("audits:certificate", args=[certificate.pk])
    assert certificate.star_level == 4

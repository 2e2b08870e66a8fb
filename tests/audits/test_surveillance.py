"""Surveillance audits (监督审核) as real audits: opening, the enterprise's confirmation, the surveillance
evidence set, one video audit, the score sheet, and the certifier's decision on the certificate."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from applications import services as app_services
from applications import workflow
from applications.models import Application, EvidenceItem
from audits import services
from audits.interface import information_is_confirmed
from audits.models import AuditRound, Certificate, CertificateEvent, ScoreSheet, SurveillanceAudit
from audits.services.certificates import add_months
from audits.services.surveillance import (
    surveillance_confirm_information,
    surveillance_decide,
    surveillance_open,
    surveillance_open_problem,
)
from notifications.models import Kind, Notification
from tests.audits.conftest import add_photos, schedule_directly, score_sheet_at
from tests.audits.test_certificates import make_certificate
from tests.factories import complete_evidence, load_evidence_checklist

pytestmark = pytest.mark.django_db

Status = Application.Status
Outcome = SurveillanceAudit.Outcome
TODAY = timezone.localdate


@pytest.fixture
def certificate(application, certifier) -> Certificate:
    """Four stars, issued 11 months ago: the first surveillance falls due next month."""
    load_evidence_checklist()
    return make_certificate(application=application, certifier_id=certifier.pk, issued_on=add_months(TODAY(), -11))


def opened(certificate: Certificate, auditor) -> SurveillanceAudit:
    return surveillance_open(certificate=certificate, actor=auditor)


def at_decision(surveillance: SurveillanceAudit, *, enterprise_user, consultant, auditor, rate: str, scorer=None):
    """Walk the surveillance through the workflow up to the certifier's decision."""
    application = surveillance.application
    surveillance_confirm_information(surveillance=surveillance, actor=enterprise_user)
    complete_evidence(application)
    step = app_services.application_transition
    step(application=application, actor=consultant, target=Status.SUBMITTED)
    step(application=application, actor=auditor, target=Status.AUDIT_PREPARATION)
    step(application=application, actor=auditor, target=Status.REMOTE_AUDIT)
    (audit_round,) = AuditRound.objects.filter(application=application)
    schedule_directly(audit_round, auditor, start=timezone.now() - datetime.timedelta(days=2))
    add_photos(audit_round, auditor)
    services.round_complete(audit_round=audit_round, actor=auditor)
    step(application=application, actor=auditor, target=Status.EVALUATION)
    score_sheet_at(application, auditor, rate, scorer=scorer)
    step(application=application, actor=auditor, target=Status.DECISION)
    surveillance.refresh_from_db()
    return surveillance


# --- Opening -------------------------------------------------------------------------------------


def test_opening_makes_a_surveillance_application_with_the_surveillance_set(
    certificate, auditor, enterprise_user, consultant
) -> None:
    surveillance = opened(certificate, auditor)
    application = surveillance.application
    assert (application.kind, application.status, surveillance.sequence) == (
        Application.Kind.SURVEILLANCE,
        Status.DRAFT,
        1,
    )
    assert application.enterprise_id == certificate.enterprise_id
    assert application.consultant == consultant
    assert set(application.scope.all()) == set(certificate.application.scope.all())
    phases = set(application.evidence_requirements.values_list("item__phase", flat=True))
    assert phases == {EvidenceItem.Phase.SURVEILLANCE}
    titles = set(application.evidence_requirements.values_list("item__title_zh", flat=True))
    assert {"维修记录单", "客户投诉记录", "客户满意度调查表", "客户巡检记录"} <= titles
    assert certificate.events.filter(kind=CertificateEvent.Kind.SURVEILLANCE_OPENED).exists()
    assert Notification.objects.filter(recipient=enterprise_user, kind=Kind.SURVEILLANCE_OPENED).exists()
    assert Notification.objects.filter(recipient=consultant, kind=Kind.SURVEILLANCE_OPENED).exists()


def test_an_initial_application_never_gets_the_surveillance_set(application) -> None:
    load_evidence_checklist()
    app_services.evidence_requirements_ensure(application)
    phases = set(application.evidence_requirements.values_list("item__phase", flat=True))
    assert EvidenceItem.Phase.SURVEILLANCE not in phases
    assert EvidenceItem.Phase.APPLICATION in phases


def test_opening_is_refused_before_the_due_window(application, certifier, auditor) -> None:
    certificate = make_certificate(
        application=application, certifier_id=certifier.pk, issued_on=add_months(TODAY(), -6)
    )
    problem = surveillance_open_problem(certificate, auditor)
    opens_on = add_months(certificate.surveillance_due_on, -3)
    assert problem is not None and opens_on.isoformat() in problem
    with pytest.raises(ValidationError):
        opened(certificate, auditor)
    assert not SurveillanceAudit.objects.exists()


@pytest.mark.parametrize("status", [Certificate.Status.WITHDRAWN, Certificate.Status.CANCELLED])
def test_opening_is_refused_for_a_finished_certificate(status, application, certifier, auditor) -> None:
    certificate = make_certificate(
        application=application, certifier_id=certifier.pk, issued_on=add_months(TODAY(), -11), status=status
    )
    with pytest.raises(ValidationError):
        opened(certificate, auditor)


def test_opening_is_refused_once_both_surveillances_are_done(certificate, auditor) -> None:
    Certificate.objects.filter(pk=certificate.pk).update(surveillances_done=2, surveillance_due_on=None)
    certificate.refresh_from_db()
    with pytest.raises(ValidationError):
        opened(certificate, auditor)


def test_opening_twice_is_refused(certificate, auditor, certifier) -> None:
    opened(certificate, auditor)
    with pytest.raises(ValidationError):
        opened(certificate, certifier)
    assert SurveillanceAudit.objects.filter(certificate=certificate).count() == 1


@pytest.mark.parametrize("persona", ["enterprise_user", "consultant", "other_consultant"])
def test_only_the_bodys_staff_open_a_surveillance(persona, certificate, request) -> None:
    with pytest.raises(PermissionDenied):
        opened(certificate, request.getfixturevalue(persona))


# --- The path through the workflow ---------------------------------------------------------------


def test_the_surveillance_path_has_no_forms_and_one_round(certificate, auditor, enterprise_user, consultant) -> None:
    surveillance = at_decision(
        opened(certificate, auditor), enterprise_user=enterprise_user, consultant=consultant, auditor=auditor,
        rate="0.92",
    )  # fmt: skip
    application = surveillance.application
    assert application.status == Status.DECISION
    assert not application.forms.exists()
    assert AuditRound.objects.filter(application=application).count() == 1
    assert ScoreSheet.objects.get(application=application).result().star_level == 4


def test_sending_needs_the_confirmation_and_the_surveillance_evidence(
    certificate, auditor, enterprise_user, consultant
) -> None:
    surveillance = opened(certificate, auditor)
    application = surveillance.application
    with pytest.raises(app_services.TransitionError) as error:
        app_services.application_transition(application=application, actor=consultant, target=Status.SUBMITTED)
    assert str(information_is_confirmed(application, consultant)) in error.value.messages
    assert any("S1" in message for message in error.value.messages)
    surveillance_confirm_information(surveillance=surveillance, actor=enterprise_user)
    complete_evidence(application)
    app_services.application_transition(application=application, actor=consultant, target=Status.SUBMITTED)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_only_the_enterprise_confirms_its_information(certificate, auditor, consultant) -> None:
    surveillance = opened(certificate, auditor)
    with pytest.raises(PermissionDenied):
        surveillance_confirm_information(surveillance=surveillance, actor=consultant)


def test_the_enterprise_cannot_withdraw_a_surveillance(certificate, auditor, enterprise_user) -> None:
    surveillance = opened(certificate, auditor)
    assert workflow.find_transition(Status.DRAFT, Status.WITHDRAWN, Application.Kind.SURVEILLANCE) is None
    with pytest.raises(app_services.TransitionError):
        app_services.application_transition(
            application=surveillance.application, actor=enterprise_user, target=Status.WITHDRAWN
        )


def test_the_initial_decision_page_refuses_a_surveillance(certificate, auditor, certifier) -> None:
    surveillance = opened(certificate, auditor)
    assert services.certification_decide_problem(surveillance.application, certifier) is not None


# --- The decision --------------------------------------------------------------------------------


def test_a_certifier_on_the_team_may_not_decide(certificate, auditor, enterprise_user, consultant, certifier) -> None:
    surveillance = at_decision(
        opened(certificate, auditor), enterprise_user=enterprise_user, consultant=consultant, auditor=auditor,
        rate="0.92", scorer=certifier,
    )  # fmt: skip
    with pytest.raises(app_services.TransitionError, match=r"公正性|impartiality"):
        surveillance_decide(surveillance=surveillance, actor=certifier, outcome=Outcome.MAINTAINED)
    certificate.refresh_from_db()
    assert certificate.surveillances_done == 0


def test_maintaining_counts_the_surveillance_and_sets_the_next_due_date(
    certificate, auditor, enterprise_user, consultant, other_certifier
) -> None:
    surveillance = at_decision(
        opened(certificate, auditor), enterprise_user=enterprise_user, consultant=consultant, auditor=auditor,
        rate="0.92",
    )  # fmt: skip
    surveillance_decide(
        surveillance=surveillance, actor=other_certifier, outcome=Outcome.MAINTAINED, reason="体系运行正常"
    )
    certificate.refresh_from_db()
    assert certificate.surveillances_done == 1
    assert certificate.surveillance_due_on == add_months(certificate.issued_on, 24)
    assert (certificate.star_level, certificate.status) == (4, Certificate.Status.VALID)
    event = certificate.events.get(kind=CertificateEvent.Kind.SURVEILLANCE)
    assert (event.reason, event.data["outcome"], event.data["done_on"]) == (
        "体系运行正常",
        Outcome.MAINTAINED,
        TODAY().isoformat(),
    )
    surveillance.application.refresh_from_db()
    assert surveillance.application.status == Status.CERTIFIED
    assert Notification.objects.filter(recipient=enterprise_user, kind=Kind.SURVEILLANCE_DECIDED).exists()


def test_maintaining_is_refused_when_the_score_gives_another_star_level(
    certificate, auditor, enterprise_user, consultant, other_certifier
) -> None:
    surveillance = at_decision(
        opened(certificate, auditor), enterprise_user=enterprise_user, consultant=consultant, auditor=auditor,
        rate="0.96",
    )  # fmt: skip
    with pytest.raises(ValidationError):
        surveillance_decide(surveillance=surveillance, actor=other_certifier, outcome=Outcome.MAINTAINED)
    surveillance_decide(
        surveillance=surveillance, actor=other_certifier, outcome=Outcome.STAR_CHANGED, reason="服务体系明显提升"
    )
    certificate.refresh_from_db()
    assert (certificate.star_level, certificate.surveillances_done) == (5, 1)
    event = certificate.events.get(kind=CertificateEvent.Kind.SURVEILLANCE)
    assert (event.data["star_level_before"], event.data["star_level_after"]) == (4, 5)
    assert certificate.pdf_status == Certificate.PdfStatus.PENDING


def test_a_lower_score_lowers_the_star_level(
    certificate, auditor, enterprise_user, consultant, other_certifier
) -> None:
    surveillance = at_decision(
        opened(certificate, auditor), enterprise_user=enterprise_user, consultant=consultant, auditor=auditor,
        rate="0.82",
    )  # fmt: skip
    surveillance_decide(
        surveillance=surveillance, actor=other_certifier, outcome=Outcome.STAR_CHANGED, reason="投诉处理不足"
    )
    certificate.refresh_from_db()
    assert certificate.star_level == 3


def test_suspending_keeps_the_reason_and_does_not_count(
    certificate, auditor, enterprise_user, consultant, other_certifier
) -> None:
    surveillance = at_decision(
        opened(certificate, auditor), enterprise_user=enterprise_user, consultant=consultant, auditor=auditor,
        rate="0.50",
    )  # fmt: skip
    with pytest.raises(ValidationError):
        surveillance_decide(surveillance=surveillance, actor=other_certifier, outcome=Outcome.MAINTAINED)
    until = TODAY() + datetime.timedelta(days=60)
    surveillance_decide(
        surveillance=surveillance, actor=other_certifier, outcome=Outcome.SUSPENDED, reason="记录缺失",
        suspended_until=until,
    )  # fmt: skip
    certificate.refresh_from_db()
    assert (certificate.status, certificate.suspended_until, certificate.surveillances_done) == (
        Certificate.Status.SUSPENDED,
        until,
        0,
    )
    assert certificate.events.get(kind=CertificateEvent.Kind.STATUS_CHANGED).reason == "记录缺失"
    surveillance.application.refresh_from_db()
    assert surveillance.application.status == Status.NOT_CERTIFIED


def test_withdrawing_needs_a_reason(certificate, auditor, enterprise_user, consultant, other_certifier) -> None:
    surveillance = at_decision(
        opened(certificate, auditor), enterprise_user=enterprise_user, consultant=consultant, auditor=auditor,
        rate="0.50",
    )  # fmt: skip
    with pytest.raises(ValidationError):
        surveillance_decide(surveillance=surveillance, actor=other_certifier, outcome=Outcome.WITHDRAWN, reason=" ")
    surveillance_decide(surveillance=surveillance, actor=other_certifier, outcome=Outcome.WITHDRAWN, reason="严重违规")
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.WITHDRAWN
    assert certificate.next_surveillance_due() is None


def test_two_surveillances_cannot_complete_on_one_day(
    certificate, auditor, enterprise_user, consultant, other_certifier
) -> None:
    services.certificate_record_surveillance(certificate=certificate, actor=auditor, done_on=TODAY(), note="旧记录")
    certificate.refresh_from_db()
    Certificate.objects.filter(pk=certificate.pk).update(surveillance_due_on=TODAY())
    certificate.refresh_from_db()
    surveillance = at_decision(
        opened(certificate, auditor), enterprise_user=enterprise_user, consultant=consultant, auditor=auditor,
        rate="0.92",
    )  # fmt: skip
    assert surveillance.sequence == 2
    with pytest.raises(ValidationError, match="2"):
        surveillance_decide(surveillance=surveillance, actor=other_certifier, outcome=Outcome.MAINTAINED)
    certificate.refresh_from_db()
    assert certificate.surveillances_done == 1


def test_only_certifiers_decide(certificate, auditor, enterprise_user, consultant) -> None:
    surveillance = at_decision(
        opened(certificate, auditor), enterprise_user=enterprise_user, consultant=consultant, auditor=auditor,
        rate="0.92",
    )  # fmt: skip
    for user in (auditor, enterprise_user, consultant):
        with pytest.raises(PermissionDenied):
            surveillance_decide(surveillance=surveillance, actor=user, outcome=Outcome.MAINTAINED)


# --- Pages ---------------------------------------------------------------------------------------


def test_the_enterprise_confirms_on_its_page_and_the_todo_list_moves_on(
    certificate, auditor, enterprise_user, django_assert_max_num_queries
) -> None:
    from applications.todo import enterprise_todo
    from tests.conftest import client_for

    surveillance = opened(certificate, auditor)
    kinds = [todo.kind for todo in enterprise_todo(surveillance.application)]
    assert kinds[:2] == ["surveillance_confirm", "surveillance_evidence"]
    client = client_for(enterprise_user)
    url = reverse("audits:surveillance_confirm", args=[surveillance.application_id])
    with django_assert_max_num_queries(20):
        response = client.get(url)
    assert response.status_code == 200
    assert client.post(url).status_code == 302
    surveillance.refresh_from_db()
    assert surveillance.information_confirmed_at is not None
    kinds = [todo.kind for todo in enterprise_todo(surveillance.application)]
    assert "surveillance_confirm" not in kinds


def test_the_certificate_page_offers_opening_and_lists_the_surveillances(
    certificate, auditor, django_assert_max_num_queries
) -> None:
    from tests.conftest import client_for

    client = client_for(auditor)
    page = reverse("audits:certificate", args=[certificate.pk])
    assert 'id="surveillance-open"' in client.get(page).content.decode()
    response = client.post(reverse("audits:surveillance_open", args=[certificate.pk]))
    surveillance = SurveillanceAudit.objects.get(certificate=certificate)
    assert response["Location"] == reverse("applications:detail", args=[surveillance.application_id])
    with django_assert_max_num_queries(40):
        content = client.get(page).content.decode()
    assert surveillance.application.reference in content
    assert 'id="surveillance-open"' not in content


def test_the_decision_page_decides_and_shows_the_problems(
    certificate, auditor, enterprise_user, consultant, other_certifier, django_assert_max_num_queries
) -> None:
    from tests.conftest import client_for

    surveillance = at_decision(
        opened(certificate, auditor), enterprise_user=enterprise_user, consultant=consultant, auditor=auditor,
        rate="0.92",
    )  # fmt: skip
    client = client_for(other_certifier)
    url = reverse("audits:surveillance_decision", args=[surveillance.application_id])
    with django_assert_max_num_queries(30):
        assert client.get(url).status_code == 200
    response = client.post(url, {"outcome": "maintained", "reason": ""})
    assert response["Location"] == reverse("audits:certificate", args=[certificate.pk])
    certificate.refresh_from_db()
    assert certificate.surveillances_done == 1
    # The detail page's button for the step leads to this page.
    response = client_for(other_certifier).get(reverse("applications:detail", args=[surveillance.application_id]))
    assert response.status_code == 200

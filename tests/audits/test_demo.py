"""seed_demo gives the audits something to show: rounds at every stage, findings, score sheets,
decisions, and certificates in every status."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications.models import Application
from audits import services
from audits.models import AuditRound, Certificate, CertificationDecision, Finding

pytestmark = pytest.mark.django_db

Status = Application.Status


@pytest.fixture
def seeded() -> None:
    call_command("seed_demo")


def test_certificates_in_every_status(seeded) -> None:
    call_command("seed_demo")
    statuses = sorted(certificate.effective_status() for certificate in Certificate.objects.all())
    assert set(statuses) == set(Certificate.Status.values)
    assert Certificate.objects.count() == 8, "seeding twice adds nothing"
    assert Certificate.objects.surveillance_overdue().count() == 2
    numbers = list(Certificate.objects.order_by("issued_on").values_list("number", flat=True))
    assert len(set(numbers)) == 8
    for certificate in Certificate.objects.all():
        assert certificate.events.exists()
        assert Client().get(reverse("verify_certificate", args=[certificate.number])).status_code == 200


def test_every_audited_stage_has_its_rounds_and_scores(seeded) -> None:
    def application(status: str) -> Application:
        return Application.objects.filter(status=status).order_by("created_at").last()

    preparation = application(Status.AUDIT_PREPARATION)
    assert [r.schedule_status for r in preparation.audit_rounds.all()] == ["proposed", "unscheduled", "unscheduled"]
    remote = application(Status.REMOTE_AUDIT)
    assert [r.is_done for r in remote.audit_rounds.all()] == [True, False, False]
    for status in (Status.EVALUATION, Status.DECISION, Status.NOT_CERTIFIED):
        rounds = list(application(status).audit_rounds.all())
        assert all(r.is_done and r.photos.count() == 2 and r.interviews.exists() for r in rounds), status
        ends = [r.ends_at for r in rounds]
        assert ends == sorted(ends)
    decision = application(Status.DECISION)
    result = decision.score_sheet.result()
    assert result.complete and result.star_level == 4
    assert not decision.findings.filter(status__in=["open", "answered"], grade="serious").exists()
    refused = Application.objects.get(status=Status.NOT_CERTIFIED)
    assert refused.score_sheet.result().vetoed
    assert refused.findings.filter(grade=Finding.Grade.SERIOUS, status=Finding.Status.OPEN).exists()
    assert CertificationDecision.objects.get(application=refused).outcome == "refused"
    assert not application(Status.EVALUATION).score_sheet.result().complete
    assert AuditRound.objects.filter(schedule_status="change_requested").count() == 0


def test_the_demo_certifier_can_decide_the_waiting_application(seeded, client: Client) -> None:
    from django.conf import settings

    waiting = Application.objects.get(status=Status.DECISION)
    client.post(reverse("accounts:login"), {"username": "demo-certifier", "password": settings.DEMO_PASSWORD})
    page = client.get(reverse("audits:decision", args=[waiting.pk])).content.decode()
    assert 'id="impartiality"' not in page
    assert 'id="certify-problems"' not in page
    assert "920.00" in page


def test_the_demo_certifiers_have_each_kind_of_certificate_decision_waiting(seeded) -> None:
    today = timezone.localdate()
    waiting = services.certificates_awaiting_decision(today)
    kinds = sorted(str(services.certificate_decision_due(certificate, today)) for certificate in waiting)
    assert kinds == ["surveillance_overdue", "suspension_lapsed", "suspension_to_decide"]

"""One guard per action: the page offers a button only when the service behind it would accept, and
a refused action gives the same reason as the guard."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audits import services
from audits.models import AuditRound, Finding
from tests.audits.conftest import add_photos, in_audits, schedule_directly
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

ANSWER_BUTTON = 'href="{}#answer"'


def test_a_round_that_has_started_offers_no_answer_button(application, auditor, enterprise_user) -> None:
    """The overview used to offer "Confirm or ask for another time" on any proposed round, also one that
    had already started, which the service then refused."""
    first, second, _third = in_audits(application)
    schedule_directly(first, auditor, start=timezone.now() - datetime.timedelta(hours=1))
    schedule_directly(second, auditor, start=timezone.now() + datetime.timedelta(days=3))
    AuditRound.objects.filter(pk__in=[first.pk, second.pk]).update(schedule_status=AuditRound.Schedule.PROPOSED)
    page = client_for(enterprise_user).get(reverse("audits:rounds", args=[application.pk])).content.decode()
    assert ANSWER_BUTTON.format(reverse("audits:round", args=[second.pk])) in page
    assert ANSWER_BUTTON.format(reverse("audits:round", args=[first.pk])) not in page
    first.refresh_from_db()
    problem = services.round_respond_problem(first, enterprise_user)
    assert problem and "已经开始" in problem
    with pytest.raises(ValidationError, match="已经开始"):
        services.round_respond(audit_round=first, actor=enterprise_user, confirm=True)


def test_a_done_round_offers_no_rescheduling_and_the_service_gives_the_same_reason(application, auditor) -> None:
    first = in_audits(application)[0]
    schedule_directly(first, auditor, start=timezone.now() - datetime.timedelta(days=1))
    add_photos(first, auditor)
    services.round_complete(audit_round=first, actor=auditor)
    first.refresh_from_db()
    page = client_for(auditor).get(reverse("audits:round", args=[first.pk])).content.decode()
    assert reverse("audits:round_schedule", args=[first.pk]) not in page
    problem = services.round_schedule_problem(first, auditor)
    assert problem is not None
    with pytest.raises(ValidationError) as refused:
        services.photo_delete(photo=first.photos.first(), actor=auditor)
    assert refused.value.messages == [services.photo_change_problem(first, auditor)]


def test_a_finding_of_a_closed_application_offers_no_verification(application, auditor) -> None:
    in_audits(application)
    sheet = services.score_sheet_ensure(application)
    finding = services.finding_raise(
        application=application,
        actor=auditor,
        indicator=sheet.version.indicators.filter(parent__isnull=False).first(),
        grade=Finding.Grade.OBSERVATION,
        description="服务记录不完整",
        deadline=timezone.localdate(),
    )
    page = client_for(auditor).get(reverse("audits:finding", args=[finding.pk])).content.decode()
    assert reverse("audits:finding_verify", args=[finding.pk]) in page
    application.status = application.Status.WITHDRAWN
    application.save(update_fields=["status"])
    finding.refresh_from_db()
    page = client_for(auditor).get(reverse("audits:finding", args=[finding.pk])).content.decode()
    assert reverse("audits:finding_verify", args=[finding.pk]) not in page
    with pytest.raises(ValidationError, match=str(services.finding_verify_problem(finding, auditor))):
        services.finding_verify(finding=finding, actor=auditor, accepted=True)

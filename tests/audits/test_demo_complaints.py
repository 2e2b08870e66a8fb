"""seed_demo gives the body manager complaints in every state and appeals to look at."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from audits.models import Appeal, CaseStatus, CertificateEvent, Complaint

pytestmark = pytest.mark.django_db


def test_complaints_in_every_state_and_appeals() -> None:
    call_command("seed_demo")
    call_command("seed_demo")
    assert set(Complaint.objects.values_list("status", flat=True)) == set(CaseStatus.values)
    assert Complaint.objects.count() == 3, "seeding twice adds nothing"
    assert CertificateEvent.objects.filter(kind=CertificateEvent.Kind.SPECIAL_SURVEILLANCE).count() == 1
    assert set(Appeal.objects.values_list("status", flat=True)) == {CaseStatus.RECEIVED, CaseStatus.CLOSED}
    assert all(appeal.assigned_to is None or appeal.status == CaseStatus.CLOSED for appeal in Appeal.objects.all())

"""Set-up helpers for the audits: rounds scheduled in the past and done, a scored sheet, a decision."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from applications.models import Application
from audits import services
from audits.models import AuditRound, CheckInPhoto, IndicatorScore, ScoreSheet
from audits.selectors import scored_indicators
from tests.conftest import put_in_status
from tests.factories import UserFactory

Status = Application.Status


@pytest.fixture
def other_auditor(db):
    return UserFactory(username="auditor-b", role="auditor", full_name="审核员乙")


@pytest.fixture
def other_certifier(db):
    return UserFactory(username="certifier-b", role="certifier", full_name="认证决定乙")


def png_upload(name: str = "check-in.png", size: tuple[int, int] = (64, 40)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def in_audits(application: Application, status: str = Status.REMOTE_AUDIT) -> list[AuditRound]:
    """The application at `status` with its three rounds and score sheet."""
    put_in_status(application, status)
    return services.audit_setup(application)


def schedule_directly(audit_round: AuditRound, lead, *, start: datetime.datetime, hours: int = 2) -> AuditRound:
    """Set a round's schedule without the service (to place it in the past)."""
    AuditRound.objects.filter(pk=audit_round.pk).update(
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=hours),
        lead_auditor=lead,
        platform=AuditRound.Platform.TENCENT_MEETING,
        meeting_link="https://meeting.tencent.com/dm/abc",
        schedule_status=AuditRound.Schedule.CONFIRMED,
    )
    audit_round.refresh_from_db()
    return audit_round


def add_photos(audit_round: AuditRound, user) -> None:
    for moment in CheckInPhoto.Moment.values:
        CheckInPhoto.objects.create(
            audit_round=audit_round, moment=moment, file="audits/x.png", original_name="x.png", size=1, sha256="0",
            uploaded_by=user,
        )  # fmt: skip


def finish_rounds(application: Application, auditor, *, days_ago: int = 20) -> list[AuditRound]:
    """All three rounds scheduled in the past, with photos, marked done through the service."""
    rounds = in_audits(application, Status.REMOTE_AUDIT)
    start = timezone.now() - datetime.timedelta(days=days_ago)
    for audit_round in rounds:
        schedule_directly(audit_round, auditor, start=start + datetime.timedelta(days=audit_round.number * 3))
        add_photos(audit_round, auditor)
        services.round_complete(audit_round=audit_round, actor=auditor)
    return rounds


def score_sheet_at(application: Application, auditor, rate: str, *, scorer=None) -> ScoreSheet:
    """Every indicator scored at `rate` of its points (sampled ones by the equivalent samples)."""
    sheet = services.score_sheet_ensure(application)
    fraction = Decimal(rate)
    for indicator in scored_indicators(sheet):
        values = {"scored_by": scorer or auditor}
        if indicator.sampled:
            values.update(samples=1000, failed_samples=int((1 - fraction) * 1000))
        else:
            values.update(awarded=(indicator.max_points * fraction).quantize(Decimal("0.01")))
        IndicatorScore.objects.update_or_create(sheet=sheet, indicator=indicator, defaults=values)
    return sheet


def ready_for_decision(application: Application, auditor, rate: str = "0.92") -> ScoreSheet:
    """Rounds done, sheet scored, application awaiting the certification decision."""
    finish_rounds(application, auditor)
    put_in_status(application, Status.EVALUATION)
    sheet = score_sheet_at(application, auditor, rate)
    put_in_status(application, Status.DECISION)
    return sheet

"""What an application needs once the certification body accepts it: its three video audit rounds
(one for a surveillance audit) and its score sheet. Run by the workflow's after-transition step, in
the acceptance's transaction."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import translation

from applications.models import Application
from audits.indicators import create_default_version
from audits.models import AuditRound, Indicator, ScoreSheet, ScoreSheetVersion
from audits.models.rounds import DEFAULT_AGENDA, ROUND_COUNT


def default_agenda() -> list[str]:
    """The seed's agenda, in the portal's main language (the enterprise reads it)."""
    with translation.override(settings.LANGUAGE_CODE):
        return [str(item) for item in DEFAULT_AGENDA]


def score_sheet_ensure(application: Application) -> ScoreSheet:
    """The application's score sheet, created on the latest published indicator version."""
    existing = ScoreSheet.objects.filter(application=application).select_related("version").first()
    if existing:
        return existing
    # The migration creates version 1; an emptied table (a flushed test database) gets it back.
    version = ScoreSheetVersion.objects.current() or create_default_version(ScoreSheetVersion, Indicator)
    sheet, _created = ScoreSheet.objects.get_or_create(application=application, defaults={"version": version})
    return sheet


def audit_setup(application: Application) -> list[AuditRound]:
    """Create the application's three rounds and its score sheet if they do not exist yet.

    Safe to call any number of times, also concurrently (unique constraints, get_or_create).
    """
    with transaction.atomic():
        rounds = [
            AuditRound.objects.get_or_create(
                application=application, number=number, defaults={"agenda": default_agenda()}
            )[0]
            for number in range(1, ROUND_COUNT + 1)
        ]
        score_sheet_ensure(application)
    return rounds


def surveillance_audit_setup(application: Application) -> list[AuditRound]:
    """A surveillance audit's one video audit and its score sheet (on the current indicator version).

    Safe to call any number of times, also concurrently."""
    with transaction.atomic():
        audit_round, _created = AuditRound.objects.get_or_create(
            application=application, number=1, defaults={"agenda": default_agenda()}
        )
        score_sheet_ensure(application)
    return [audit_round]

"""The daily reminder (Celery beat): enterprises whose part has waited too long, and consultants with
applications at risk of missing the 20–40-day target."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _

from applications import people
from applications.models import Application, EvidenceRequirement
from applications.progress import Party, waiting_on_expression
from audits import interface as audits
from certportal.accounts.models import User
from certportal.lib.text import join_clauses
from notifications.models import Kind, Notification
from notifications.services import notify


@shared_task(name="applications.tasks.reminders.send_daily_reminders")
def send_daily_reminders() -> int:
    """At most one reminder per person per day; returns how many were sent."""
    cutoff = timezone.now() - timedelta(days=settings.REMINDER_AFTER_DAYS)
    waiting: dict[int, list[Application]] = defaultdict(list)
    applications = (
        Application.objects.open().select_related("enterprise", "consultant").annotate(party=waiting_on_expression())
    )
    with_old_items = enterprise_items_open_since(cutoff)
    for application in applications:
        party = application.party
        stale = application.status_changed_at < cutoff
        if (party == Party.ENTERPRISE and stale) or application.pk in with_old_items:
            for member in people.enterprise_users(application):
                waiting[member.pk].append(application)
        elif application.consultant_id and (
            (party == Party.CONSULTANT and stale) or application.pace() in {"at_risk", "late"}
        ):
            waiting[application.consultant_id].append(application)
    already = set(
        Notification.objects.filter(kind=Kind.REMINDER, created_at__date=timezone.localdate()).values_list(
            "recipient_id", flat=True
        )
    )
    sent = 0
    for user in User.objects.filter(pk__in=set(waiting) - already):
        _remind(user, waiting[user.pk])
        sent += 1
    return sent


def enterprise_items_open_since(cutoff: datetime) -> set[int]:
    """Applications with something the enterprise must do that has waited since before `cutoff`,
    whatever stage the application is in: evidence sent back, an audit time to confirm, a finding
    to answer (three queries)."""
    rejected = EvidenceRequirement.objects.filter(
        review_status=EvidenceRequirement.ReviewStatus.REJECTED, reviewed_at__lt=cutoff
    ).values_list("application_id", flat=True)
    rounds = audits.rounds_to_confirm().filter(updated_at__lt=cutoff).values_list("application_id", flat=True)
    findings = audits.findings_to_answer().filter(created_at__lt=cutoff).values_list("application_id", flat=True)
    return set(rejected) | set(rounds) | set(findings)


def _remind(user: User, applications: list[Application]) -> None:
    notify(
        kind=Kind.REMINDER,
        recipients=[user],
        url=reverse("home"),
        context={"count": len(applications), "summary": lazy(_summary, str)(applications)},
    )


def _summary(applications: list[Application]) -> str:
    """One clause per application, in the language the notification is being written in."""
    return join_clauses(
        _("%(reference)s (%(enterprise)s): %(status)s, day %(days)s")
        % {
            "reference": application.reference,
            "enterprise": application.enterprise.name,
            "status": application.get_status_display(),
            "days": application.days_elapsed(),
        }
        for application in applications
    )

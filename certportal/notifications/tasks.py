"""The daily reminder (Celery beat): enterprises whose part has waited too long, and consultants with
applications at risk of missing the 20–40-day target."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from applications.models import Application
from applications.progress import Party, waiting_on
from certportal.accounts.models import User
from certportal.notifications.models import Kind, Notification
from certportal.notifications.services import notify


@shared_task(name="certportal.notifications.tasks.send_daily_reminders")
def send_daily_reminders() -> int:
    """At most one reminder per person per day; returns how many were sent."""
    cutoff = timezone.now() - timedelta(days=settings.REMINDER_AFTER_DAYS)
    waiting: dict[int, list[Application]] = defaultdict(list)
    applications = Application.objects.open().select_related("enterprise", "consultant")
    with_old_items = enterprise_items_open_since(cutoff)
    for application in applications:
        party = waiting_on(application)
        stale = application.status_changed_at < cutoff
        if (party == Party.ENTERPRISE and stale) or application.pk in with_old_items:
            for member in User.objects.filter(enterprise_id=application.enterprise_id, is_active=True):
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
    from applications.models import EvidenceRequirement
    from audits.models import AuditRound, Finding

    rejected = EvidenceRequirement.objects.filter(
        review_status=EvidenceRequirement.ReviewStatus.REJECTED, reviewed_at__lt=cutoff
    ).values_list("application_id", flat=True)
    rounds = AuditRound.objects.filter(
        schedule_status=AuditRound.Schedule.PROPOSED, done_at__isnull=True, updated_at__lt=cutoff,
        starts_at__gt=timezone.now(),
    ).values_list("application_id", flat=True)  # fmt: skip
    findings = Finding.objects.filter(status=Finding.Status.OPEN, created_at__lt=cutoff).values_list(
        "application_id", flat=True
    )
    return set(rejected) | set(rounds) | set(findings)


def _remind(user: User, applications: list[Application]) -> None:
    with translation.override(user.language):
        lines = [
            _("%(reference)s (%(enterprise)s): %(status)s, day %(days)s")
            % {
                "reference": application.reference,
                "enterprise": application.enterprise.name,
                "status": application.get_status_display(),
                "days": application.days_elapsed(),
            }
            for application in applications
        ]
    notify(
        kind=Kind.REMINDER,
        recipients=[user],
        url=reverse("home"),
        context={"count": len(applications), "summary": "；".join(lines)},
    )


SURVEILLANCE_NOTICE_DAYS = (30, 0)


@shared_task(name="certportal.notifications.tasks.send_surveillance_reminders")
def send_surveillance_reminders() -> int:
    """Tell holders (and their consultant) that a surveillance audit falls due in 30 days, and again
    on the day. Once per certificate and day; returns how many certificates were concerned."""
    from audits.models import Certificate
    from audits.services.notifications import enterprise_people

    today = timezone.localdate()
    days = [today + timedelta(days=offset) for offset in SURVEILLANCE_NOTICE_DAYS]
    certificates = Certificate.objects.filter(
        status=Certificate.Status.VALID, surveillance_due_on__in=days
    ).select_related("application__enterprise", "application__consultant")
    told_today = set(
        Notification.objects.filter(kind=Kind.SURVEILLANCE_DUE, created_at__date=today).values_list(
            "application_id", flat=True
        )
    )
    count = 0
    for certificate in certificates:
        if certificate.application_id in told_today:
            continue
        assert certificate.surveillance_due_on is not None  # selected by it
        notify(
            kind=Kind.SURVEILLANCE_DUE,
            recipients=enterprise_people(certificate.application),
            application=certificate.application,
            url=reverse("audits:certificate", args=[certificate.pk]),
            context={"number": certificate.number, "due": certificate.surveillance_due_on.isoformat()},
        )
        count += 1
    return count

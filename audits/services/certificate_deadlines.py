"""A certificate's deadlines: the overdue surveillance audit, its grace period, the suspension that
ended, and the invitation to recertify before expiry.

A surveillance audit not held by its due date waits for a certifier's decision: extend it once, by
at most SURVEILLANCE_GRACE_MONTHS after the due date and with a reason, or suspend the certificate.
Once the grace period (or the extended date) has passed, a suspension is to be decided; when a
suspension's end date has passed, reinstatement or withdrawal. Nothing here suspends or withdraws on
its own: those are certifiers' decisions (certificate_change_status). The daily task tells them of
an overdue surveillance once, and of the other two every day until decided; the dashboard lists all three.
Six months before expiry the holder and its consultant are invited (once) to recertify.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, F, Q, QuerySet, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.people import people_of, staff_with_role
from audits.models import Certificate, CertificateEvent
from audits.services.certificates import add_months
from certportal.accounts.models import User
from certportal.lib.guards import enforce
from notifications.models import Kind
from notifications.services import notify

CertStatus = Certificate.Status
RECERTIFICATION_NOTICE_MONTHS = 6
# What a certifier has to decide, named by the notification that tells them (its label reads on the dashboard).
DECISION_KINDS = (Kind.SURVEILLANCE_OVERDUE, Kind.SUSPENSION_TO_DECIDE, Kind.SUSPENSION_LAPSED)
DAILY_REMINDER_KINDS = (Kind.SUSPENSION_TO_DECIDE, Kind.SUSPENSION_LAPSED)


def extension_latest(certificate: Certificate) -> datetime.date | None:
    """The latest date a surveillance audit may be extended to: its due date plus the grace months."""
    if certificate.surveillance_due_on is None:
        return None
    return add_months(certificate.surveillance_due_on, settings.SURVEILLANCE_GRACE_MONTHS)


def grace_end(certificate: Certificate) -> datetime.date | None:
    """The last day before a suspension is to be decided: the extended date, or the end of the grace period."""
    return certificate.surveillance_extended_to or extension_latest(certificate)


def certificate_decision_due(certificate: Certificate, today: datetime.date | None = None) -> str | None:
    """The decision waiting on a certifier for this certificate today (one of DECISION_KINDS), or None."""
    today = today or timezone.localdate()
    if certificate.suspension_lapsed(today):
        return Kind.SUSPENSION_LAPSED
    if certificate.effective_status(today) != CertStatus.VALID or not certificate.surveillance_overdue(today):
        return None
    if certificate.surveillance_extension_running(today):
        return None
    end = grace_end(certificate)
    assert end is not None  # an overdue surveillance has a due date
    return Kind.SUSPENSION_TO_DECIDE if end < today else Kind.SURVEILLANCE_OVERDUE


def certificates_awaiting_decision(
    today: datetime.date, certificates: QuerySet[Certificate] | None = None
) -> QuerySet[Certificate]:
    """Certificates with a decision waiting (certificate_decision_due is not None), oldest deadline first."""
    overdue = (
        Q(status=CertStatus.VALID, surveillance_due_on__lt=today)
        & (Q(surveillance_extended_to__isnull=True) | Q(surveillance_extended_to__lt=today))
    )  # fmt: skip
    lapsed = Q(status=CertStatus.SUSPENDED, suspended_until__lt=today)
    queryset = Certificate.objects.all() if certificates is None else certificates
    deadline = Case(When(status=CertStatus.SUSPENDED, then=F("suspended_until")), default=F("surveillance_due_on"))
    return (
        queryset.filter(overdue | lapsed, expires_on__gte=today)
        .annotate(deadline=deadline)
        .order_by("deadline", "number")
    )


@dataclass(frozen=True)
class DecisionRow:
    """A line of the certifiers' list: the certificate, what is to be decided, and since when."""

    certificate: Certificate
    kind: str
    since: datetime.date

    @property
    def label(self) -> str:
        return str(Kind(self.kind).label)


def decision_row(certificate: Certificate, today: datetime.date) -> DecisionRow | None:
    kind = certificate_decision_due(certificate, today)
    if kind is None:
        return None
    if kind == Kind.SUSPENSION_LAPSED:
        since = certificate.suspended_until
    elif kind == Kind.SUSPENSION_TO_DECIDE:
        since = grace_end(certificate)
    else:
        since = certificate.surveillance_due_on
    assert since is not None  # each kind has its date
    return DecisionRow(certificate=certificate, kind=kind, since=since)


# --- Extension ------------------------------------------------------------------------------------


def _is_certifier(actor: User) -> bool:
    return actor.has_perm("audits.change_certificates")


def certificate_extend_surveillance_problem(
    certificate: Certificate, actor: User, today: datetime.date | None = None
) -> str | None:
    """Why this actor cannot extend the certificate's overdue surveillance audit now; None when they can."""
    today = today or timezone.localdate()
    if not _is_certifier(actor):
        return _("Only certifiers extend a surveillance audit.")
    if certificate.effective_status(today) != CertStatus.VALID or not certificate.surveillance_overdue(today):
        return _("Only an overdue surveillance audit of a valid certificate can be extended.")
    if certificate.surveillance_extended_to is not None:
        return _(
            "The surveillance audit due by %(due)s was already extended once, to %(extended)s; it cannot be "
            "extended again. Suspend the certificate if it is not held."
        ) % {"due": certificate.surveillance_due_on, "extended": certificate.surveillance_extended_to}
    latest = extension_latest(certificate)
    assert latest is not None  # an overdue surveillance has a due date
    if latest <= today:
        return _(
            "The grace period of the surveillance audit ended on %(date)s; it can no longer be extended. "
            "Suspend the certificate if it is not held."
        ) % {"date": latest}
    return None


def certificate_extend_surveillance(
    *,
    certificate: Certificate,
    actor: User,
    extended_to: datetime.date | None,
    reason: str,
    today: datetime.date | None = None,
) -> Certificate:
    """Extend an overdue surveillance audit once, to a date after today and at most the grace months
    after its due date, with the reason kept in the certificate's history; the holder is told."""
    today = today or timezone.localdate()
    enforce(certificate_extend_surveillance_problem(certificate, actor, today), permitted=_is_certifier(actor))
    reason = reason.strip()
    latest = extension_latest(certificate)
    assert latest is not None  # the guard checked it is overdue
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = [_("Please give the reason; it is kept in the certificate's history.")]
    if extended_to is None:
        errors["extended_to"] = [_("Please give the date the surveillance audit is extended to.")]
    elif not today < extended_to <= latest:
        errors["extended_to"] = [
            _("The new date must be after today and at most %(months)s months after the due date (by %(latest)s).")
            % {"months": settings.SURVEILLANCE_GRACE_MONTHS, "latest": latest.isoformat()}
        ]
    if errors:
        raise ValidationError(errors)
    assert extended_to is not None  # checked above
    due = certificate.surveillance_due_on
    with transaction.atomic():
        updated = Certificate.objects.filter(
            pk=certificate.pk, status=CertStatus.VALID, surveillance_due_on=due, surveillance_extended_to__isnull=True
        ).update(surveillance_extended_to=extended_to, updated_at=timezone.now())
        if updated != 1:
            raise ValidationError(_("This certificate has just changed. Please look at it again."))
        certificate.refresh_from_db()
        CertificateEvent.objects.create(
            certificate=certificate,
            kind=CertificateEvent.Kind.EXTENSION,
            actor=actor,
            reason=reason,
            data={"due_on": str(due), "extended_to": extended_to.isoformat()},
        )
        notify(
            kind=Kind.SURVEILLANCE_DUE,
            recipients=people_of(certificate.application),
            application=certificate.application,
            url=reverse("audits:certificate", args=[certificate.pk]),
            context={"number": certificate.number, "due": extended_to.isoformat()},
        )
    return certificate


def certificate_extension(certificate: Certificate) -> CertificateEvent | None:
    """The extension of the surveillance audit now due, as recorded in the history."""
    if certificate.surveillance_extended_to is None:
        return None
    events = certificate.events.filter(kind=CertificateEvent.Kind.EXTENSION)
    return events.filter(data__due_on=str(certificate.surveillance_due_on)).select_related("actor").last()


# --- The daily notices ----------------------------------------------------------------------------


def certificate_decisions_remind(today: datetime.date | None = None) -> int:
    """Tell the certifiers of each decision waiting: an overdue surveillance once, a suspension to
    decide and a lapsed suspension every day until decided. Returns how many certificates were concerned."""
    today = today or timezone.localdate()
    certifiers = staff_with_role(User.Role.CERTIFIER)
    count = 0
    for certificate in certificates_awaiting_decision(today).select_related("application__enterprise"):
        kind = certificate_decision_due(certificate, today)
        if kind is None or not _reminder_due(certificate, kind, today) or not _claim_reminder(certificate, today):
            continue
        notify(
            kind=kind,
            recipients=certifiers,
            application=certificate.application,
            url=reverse("audits:certificate", args=[certificate.pk]),
            context={
                "number": certificate.number,
                "due": str(certificate.surveillance_due_on),
                "grace_end": str(extension_latest(certificate)),
                "end": str(grace_end(certificate)),
                "until": str(certificate.suspended_until),
            },
        )
        count += 1
    return count


def _reminder_due(certificate: Certificate, kind: str, today: datetime.date) -> bool:
    reminded = certificate.decision_reminded_on
    if kind in DAILY_REMINDER_KINDS:
        return reminded != today
    # An overdue surveillance is told once: unless told since its due date passed.
    assert certificate.surveillance_due_on is not None  # it is overdue
    return reminded is None or reminded <= certificate.surveillance_due_on


def _claim_reminder(certificate: Certificate, today: datetime.date) -> bool:
    # A conditional update: two runs of the task at the same moment send one reminder, not two.
    return (
        Certificate.objects.filter(pk=certificate.pk, decision_reminded_on=certificate.decision_reminded_on).update(
            decision_reminded_on=today
        )
        == 1
    )


def certificates_invite_to_recertify(today: datetime.date | None = None) -> int:
    """Six months before expiry, invite the holder's users and its consultant to recertify, once per
    certificate. Returns how many certificates were concerned."""
    today = today or timezone.localdate()
    due = Certificate.objects.filter(
        status=CertStatus.VALID,
        recertification_invited_on__isnull=True,
        expires_on__gte=today,
        expires_on__lte=add_months(today, RECERTIFICATION_NOTICE_MONTHS),
    ).select_related("application__enterprise", "application__consultant")
    count = 0
    for certificate in due:
        claimed = Certificate.objects.filter(pk=certificate.pk, recertification_invited_on__isnull=True).update(
            recertification_invited_on=today
        )
        if claimed != 1:
            continue  # another run got there first
        notify(
            kind=Kind.RECERTIFICATION_DUE,
            recipients=people_of(certificate.application),
            application=certificate.application,
            url=reverse("audits:certificate", args=[certificate.pk]),
            context={"number": certificate.number, "expires": certificate.expires_on.isoformat()},
        )
        count += 1
    return count

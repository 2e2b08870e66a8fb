"""Certificates: numbering, issue, status changes by certifiers, surveillance, expiry, the PDF job.

Status rules: valid ⇄ suspended (at most 6 months, with an end date); valid or suspended → withdrawn
(撤销, the body's sanction) or cancelled (注销, the holder's request or not renewed); valid or
suspended → expired only by the nightly task once the expiry date has passed. Withdrawn, cancelled
and expired are final. Every change needs a reason and is kept as an event.

Surveillance: due 12 and 24 months after issue (then recertification before expiry). The portal
shows when it is due and flags overdue certificates to staff; it does not suspend on its own,
because suspension is a certifier's decision: the certifier suspends with a reason.
"""

from __future__ import annotations

import calendar
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import Application, ApplicationEvent
from applications.people import people_of
from applications.webhooks import application_webhook
from audits.models import Certificate, CertificateEvent, CertificationDecision
from audits.models.certificates import (
    MAX_SUSPENSION_MONTHS,
    SURVEILLANCE_MONTHS,
    SURVEILLANCES_PER_CYCLE,
    VALIDITY_YEARS,
)
from certportal.accounts.models import User
from certportal.lib import jobs
from certportal.lib.broker import enqueue_on_commit
from certportal.lib.guards import enforce
from certportal.lib.sequences import sequence_next
from notifications.models import Kind, WebhookEvent
from notifications.services import Email, notify

CertStatus = Certificate.Status
EventKind = ApplicationEvent.Kind

# (from, to) pairs a certifier may make. Expiry is the nightly task's, not a person's.
CERTIFIER_TRANSITIONS = {
    (CertStatus.VALID, CertStatus.SUSPENDED),
    (CertStatus.SUSPENDED, CertStatus.VALID),
    (CertStatus.VALID, CertStatus.WITHDRAWN),
    (CertStatus.SUSPENDED, CertStatus.WITHDRAWN),
    (CertStatus.VALID, CertStatus.CANCELLED),
    (CertStatus.SUSPENDED, CertStatus.CANCELLED),
}
FINAL_STATUSES = (CertStatus.WITHDRAWN, CertStatus.CANCELLED, CertStatus.EXPIRED)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later; the 31st becomes the month's last day (2026-08-31 + 6 → 2027-02-28)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def expiry_date(issued_on: datetime.date) -> datetime.date:
    """The last day of validity: the day before the third anniversary of issue, so that the
    certificate covers exactly three years (2026-12-03 → 2029-12-02). Issued on 29 February, the
    anniversary in a common year is 1 March and the certificate is valid through 28 February."""
    try:
        anniversary = issued_on.replace(year=issued_on.year + VALIDITY_YEARS)
    except ValueError:
        anniversary = datetime.date(issued_on.year + VALIDITY_YEARS, 3, 1)
    return anniversary - datetime.timedelta(days=1)


def surveillance_due_date(issued_on: datetime.date, surveillances_done: int) -> datetime.date | None:
    """12 months after issue for the first, 24 for the second; none after that (recertification)."""
    if surveillances_done >= SURVEILLANCES_PER_CYCLE:
        return None
    return add_months(issued_on, SURVEILLANCE_MONTHS * (surveillances_done + 1))


def certificate_number(*, year: int) -> str:
    """The next number in CERTIFICATE_NUMBER_PATTERN (e.g. CSA-2026-SV-00042), unique under concurrency:
    the yearly counter is taken under a row lock in the caller's transaction."""
    return certificate_number_format(year=year, sequence=sequence_next(name="certificate", year=year))


def certificate_number_format(*, year: int, sequence: int) -> str:
    """The number CERTIFICATE_NUMBER_PATTERN gives `sequence` in `year`; also the example on the
    public search."""
    return settings.CERTIFICATE_NUMBER_PATTERN.format(
        year=year, sequence=sequence, body=settings.CERTIFICATION_BODY_CODE
    )


def certificate_issue(
    *, application: Application, decision: CertificationDecision, actor: User, today: datetime.date | None = None
) -> Certificate:
    """Issue the certificate of a positive decision (inside the decision's transaction), with a
    snapshot of the holder and scope as they are today; the PDF is rendered by a worker."""
    today = today or timezone.localdate()
    enterprise = application.enterprise
    certificate = Certificate.objects.create(
        number=certificate_number(year=today.year),
        application=application,
        enterprise=enterprise,
        holder_name=enterprise.name,
        holder_address=enterprise.registered_address or enterprise.service_address,
        holder_uscc=enterprise.uscc,
        scope=[str(product) for product in application.scope.all()],
        star_level=decision.star_level,
        score=decision.score,
        issued_on=today,
        expires_on=expiry_date(today),
        body_name=str(settings.CERTIFICATION_BODY_NAME),
        body_address=str(settings.CERTIFICATION_BODY_ADDRESS),
        body_approval_number=settings.CERTIFICATION_BODY_APPROVAL_NUMBER,
        surveillance_due_on=surveillance_due_date(today, 0),
        status_reason="",
    )
    CertificateEvent.objects.create(
        certificate=certificate,
        kind=CertificateEvent.Kind.ISSUED,
        actor=actor,
        to_status=CertStatus.VALID,
        data={"star_level": certificate.star_level, "score": str(certificate.score)},
    )
    ApplicationEvent.objects.create(
        application=application,
        kind=EventKind.CERTIFICATE_ISSUED,
        actor=actor,
        data={"number": certificate.number, "star_level": certificate.star_level},
    )
    certificate_pdf_enqueue(certificate)
    application_webhook(WebhookEvent.CERTIFICATE_ISSUED, application, {"certificate": _certificate_facts(certificate)})
    notify(
        kind=Kind.CERTIFICATE_ISSUED,
        recipients=people_of(application),
        application=application,
        url=reverse("audits:certificate", args=[certificate.pk]),
        context={"number": certificate.number},
        exclude=actor,
    )
    return certificate


def allowed_targets(certificate: Certificate, today: datetime.date | None = None) -> list[str]:
    """The statuses a certifier may move this certificate to now."""
    if certificate.effective_status(today) == CertStatus.EXPIRED:
        return []
    return [target for source, target in sorted(CERTIFIER_TRANSITIONS) if source == certificate.status]


def _is_certifier(actor: User) -> bool:
    return actor.has_perm("audits.change_certificates")


def certificate_change_status_problem(
    certificate: Certificate, actor: User, today: datetime.date | None = None
) -> str | None:
    """Why this actor cannot change the certificate's status now; None when they can."""
    if not _is_certifier(actor):
        return _("Only certifiers change the status of a certificate.")
    if not allowed_targets(certificate, today):
        return _("A certificate that is %(status)s cannot change any more.") % {
            "status": certificate.effective_status_display(today)
        }
    return None


def certificate_change_status(
    *,
    certificate: Certificate,
    actor: User,
    target: str,
    reason: str,
    suspended_until: datetime.date | None = None,
    today: datetime.date | None = None,
) -> Certificate:
    """Suspend, reinstate, withdraw or cancel a certificate, with the reason kept in its history."""
    today = today or timezone.localdate()
    enforce(certificate_change_status_problem(certificate, actor, today), permitted=_is_certifier(actor))
    reason = reason.strip()
    if target not in allowed_targets(certificate, today):
        raise ValidationError(
            _("A certificate that is %(status)s cannot become %(target)s.")
            % {"status": certificate.effective_status_display(today), "target": CertStatus(target).label}
            if target in CertStatus.values
            else _("Unknown status.")
        )
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = [_("Please give the reason; it is kept in the certificate's history.")]
    if target == CertStatus.SUSPENDED:
        latest = add_months(today, MAX_SUSPENSION_MONTHS)
        if suspended_until is None:
            errors["suspended_until"] = [_("A suspension needs an end date.")]
        elif not today < suspended_until <= latest:
            errors["suspended_until"] = [
                _("The end date must be after today and at most 6 months away (by %(latest)s).")
                % {"latest": latest.isoformat()}
            ]
    if errors:
        raise ValidationError(errors)
    return _apply_status(
        certificate, actor=actor, target=target, reason=reason,
        suspended_until=suspended_until if target == CertStatus.SUSPENDED else None,
    )  # fmt: skip


def _apply_status(
    certificate: Certificate,
    *,
    actor: User | None,
    target: str,
    reason: str,
    suspended_until: datetime.date | None,
) -> Certificate:
    now = timezone.now()
    source = certificate.status
    with transaction.atomic():
        updated = Certificate.objects.filter(pk=certificate.pk, status=source).update(
            status=target, status_reason=reason, status_changed_at=now, suspended_until=suspended_until, updated_at=now
        )
        if updated != 1:
            raise ValidationError(_("This certificate has just changed. Please look at it again."))
        certificate.refresh_from_db()
        CertificateEvent.objects.create(
            certificate=certificate,
            kind=CertificateEvent.Kind.STATUS_CHANGED,
            actor=actor,
            from_status=source,
            to_status=target,
            reason=reason,
            data={"suspended_until": suspended_until.isoformat()} if suspended_until else {},
            created_at=now,
        )
        ApplicationEvent.objects.create(
            application_id=certificate.application_id,
            kind=EventKind.CERTIFICATE_STATUS,
            actor=actor,
            comment=reason,
            data={"number": certificate.number, "from": source, "to": target},
            created_at=now,
        )
        application_webhook(
            WebhookEvent.CERTIFICATE_STATUS_CHANGED,
            certificate.application,
            {"certificate": _certificate_facts(certificate), "from": source, "to": target, "reason": reason},
        )
        notify(
            recipients=people_of(certificate.application),
            kind=Kind.CERTIFICATE_STATUS_CHANGED,
            application=certificate.application,
            url=reverse("audits:certificate", args=[certificate.pk]),
            context={"number": certificate.number, "status": CertStatus(target).label, "reason": reason},
            email=Email(
                subject=gettext_lazy("Certificate %(number)s is now: %(status)s"),
                params={"number": certificate.number, "status": CertStatus(target).label},
                template="emails/certificate_status.txt",
                context={"certificate": certificate},
            ),
        )
    return certificate


def _certificate_facts(certificate: Certificate) -> dict[str, object]:
    return {
        "number": certificate.number,
        "status": certificate.status,
        "star_level": certificate.star_level,
        "issued_on": certificate.issued_on,
        "expires_on": certificate.expires_on,
        "suspended_until": certificate.suspended_until,
    }


def _records_surveillance(actor: User) -> bool:
    return actor.has_perm("audits.record_surveillance")


def certificate_record_surveillance_problem(certificate: Certificate, actor: User) -> str | None:
    """Why this actor cannot record a surveillance audit of the certificate now; None when they can."""
    if not _records_surveillance(actor):
        return _("Only the certification body's staff record surveillance audits.")
    if (
        certificate.status not in (CertStatus.VALID, CertStatus.SUSPENDED)
        or certificate.effective_status() == CertStatus.EXPIRED
    ):
        return _("Surveillance audits are recorded for valid or suspended certificates only.")
    if certificate.surveillance_due_on is None:
        return _("Both surveillance audits of this cycle are recorded; next comes recertification.")
    return None


def certificate_record_surveillance(
    *, certificate: Certificate, actor: User, done_on: datetime.date, note: str = ""
) -> Certificate:
    """Record a yearly surveillance audit; the next one falls due 12 months after the last due date."""
    enforce(certificate_record_surveillance_problem(certificate, actor), permitted=_records_surveillance(actor))
    if not certificate.issued_on <= done_on <= timezone.localdate():
        raise ValidationError({"done_on": [_("The date must be between the issue date and today.")]})
    previous = last_surveillance_date(certificate)
    if previous is not None and done_on <= previous:
        raise ValidationError(
            {
                "done_on": [
                    _(
                        "The previous surveillance audit was completed on %(date)s; this one must be completed "
                        "on a later day."
                    )
                    % {"date": previous.isoformat()}
                ]
            }
        )
    done = certificate.surveillances_done + 1
    with transaction.atomic():
        updated = Certificate.objects.filter(
            pk=certificate.pk, surveillances_done=certificate.surveillances_done
        ).update(
            surveillances_done=done,
            surveillance_due_on=surveillance_due_date(certificate.issued_on, done),
            surveillance_extended_to=None,
            updated_at=timezone.now(),
        )
        if updated != 1:
            raise ValidationError(_("This certificate has just changed. Please look at it again."))
        certificate.refresh_from_db()
        CertificateEvent.objects.create(
            certificate=certificate,
            kind=CertificateEvent.Kind.SURVEILLANCE,
            actor=actor,
            reason=note.strip(),
            data={"done_on": done_on.isoformat(), "number": done},
        )
    return certificate


def last_surveillance_date(certificate: Certificate) -> datetime.date | None:
    """The completion date of the latest surveillance audit recorded for the certificate."""
    dates = certificate.events.filter(kind=CertificateEvent.Kind.SURVEILLANCE).values_list("data__done_on", flat=True)
    return max((datetime.date.fromisoformat(day) for day in dates if day), default=None)


def certificates_expire(today: datetime.date | None = None) -> int:
    """Mark valid and suspended certificates past their expiry date as expired (the nightly task)."""
    today = today or timezone.localdate()
    count = 0
    due = Certificate.objects.filter(status__in=[CertStatus.VALID, CertStatus.SUSPENDED], expires_on__lt=today)
    for certificate in due.select_related("application", "enterprise"):
        with translation.override(settings.LANGUAGE_CODE):
            reason = _("The validity period ended on %(date)s.") % {"date": certificate.expires_on.isoformat()}
        try:
            _apply_status(certificate, actor=None, target=CertStatus.EXPIRED, reason=reason, suspended_until=None)
        except ValidationError:
            continue  # changed by someone at the same moment; the next run looks again
        count += 1
    return count


# --- The PDF job --------------------------------------------------------------------------------


def certificate_pdf_job(certificate: Certificate) -> jobs.JobState:
    """What the certificate page says of its PDF's job."""
    from audits.tasks import CERTIFICATE_PDF_JOB

    return jobs.job_state(CERTIFICATE_PDF_JOB, certificate)


def certificate_pdf_retry_problem(certificate: Certificate, actor: User) -> str | None:
    """Why this actor cannot have the certificate's PDF prepared again now; None when they can."""
    if not actor.has_perm("audits.record_surveillance", certificate):
        return _("Only the certification body's staff can do this.")
    if certificate.pdf_status not in (Certificate.PdfStatus.FAILED, Certificate.PdfStatus.READY):
        return _("The PDF is already being prepared.")
    return None


def certificate_pdf_retry(*, certificate: Certificate, actor: User) -> None:
    """Staff have the PDF prepared again (it failed, or its layout changed since)."""
    enforce(
        certificate_pdf_retry_problem(certificate, actor),
        permitted=actor.has_perm("audits.record_surveillance", certificate),
    )
    with transaction.atomic():
        certificate_pdf_enqueue(certificate)


def certificate_pdf_enqueue(certificate: Certificate) -> None:
    """(Re)render the certificate's PDF: back to pending, and a worker is asked after commit."""
    from audits.tasks import certificate_render_pdf

    now = timezone.now()
    Certificate.objects.filter(pk=certificate.pk).update(
        pdf_status=Certificate.PdfStatus.PENDING,
        pdf_error="",
        pdf_updated_at=now,
        pdf_queued_at=now,
        pdf_attempts=0,
        pdf_task_id="",
    )
    certificate.pdf_status = Certificate.PdfStatus.PENDING
    certificate.pdf_queued_at = now
    enqueue_on_commit(certificate_render_pdf, certificate.pk)

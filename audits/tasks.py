"""Celery tasks of the audits: the certificate PDF, its sweeper, and the nightly certificate expiry."""

from __future__ import annotations

from datetime import date, timedelta

from celery import Task, shared_task
from django.urls import reverse
from django.utils import timezone
from pyhanko.sign.timestamps import TimestampRequestError

from applications.people import people_of
from audits.models import Certificate
from certportal.lib import jobs
from certportal.lib.pdf import store_pdf
from notifications.models import Kind, Notification
from notifications.services import notify

PdfStatus = Certificate.PdfStatus
CERTIFICATE_PDF_JOB = jobs.JobKind(
    model=Certificate,
    task_name="audits.tasks.certificate_render_pdf",
    status="pdf_status",
    working=PdfStatus.RENDERING,
    updated="pdf_updated_at",
    queued="pdf_queued_at",
    claim="pdf_task_id",
    attempts="pdf_attempts",
    error="pdf_error",
)


# A timestamp authority that does not answer is asked again later, with backoff.
TRANSIENT_SIGNING_ERRORS = (TimestampRequestError,)


@shared_task(
    name="audits.tasks.certificate_render_pdf",
    bind=True,
    autoretry_for=TRANSIENT_SIGNING_ERRORS,
    retry_backoff=30,
    retry_jitter=True,
    max_retries=CERTIFICATE_PDF_JOB.max_deliveries - 1,
)
def certificate_render_pdf(self: Task, certificate_id: int) -> str:
    """Render, sign and store a certificate's PDF. Missing, already ready or claimed by another task:
    nothing to do ("skipped"); the same task delivered again after its worker died takes its job
    over. Ends READY (with the signed file's SHA-256 and size) or FAILED (with the error kept)."""
    claim = jobs.task_claim(self.request.id, certificate_id)
    return jobs.job_run(
        CERTIFICATE_PDF_JOB,
        certificate_id,
        claim=claim,
        work=lambda: _render(certificate_id),
        transient=TRANSIENT_SIGNING_ERRORS,
    )


def _render(certificate_id: int) -> jobs.Outcome:
    from audits.pdf import certificate_pdf

    certificate = Certificate.objects.get(pk=certificate_id)
    stored = store_pdf(certificate_pdf(certificate), f"certificates/{certificate.pk}/{certificate.number}.pdf")
    return jobs.Outcome(
        fields={"pdf_file": stored.name, "pdf_sha256": stored.sha256, "pdf_size": stored.size},
        stored=[stored.name],
        superseded=[certificate.pdf_file.name] if certificate.pdf_file.name else [],
    )


@shared_task(name="audits.tasks.sweep_certificate_pdfs")
def sweep_certificate_pdfs() -> int:
    """Ask again for PDFs the broker never got; give back and re-send those a dead worker left."""
    return jobs.job_sweep(CERTIFICATE_PDF_JOB, batch=200)


@shared_task(name="audits.tasks.expire_certificates")
def expire_certificates() -> int:
    """Certificates past their expiry date become expired (each change an event with its reason)."""
    from audits.services import certificates_expire

    return certificates_expire()


# --- Surveillance reminders ---------------------------------------------------------------------------

SURVEILLANCE_NOTICE_DAYS = (30, 0)


@shared_task(name="audits.tasks.send_surveillance_reminders")
def send_surveillance_reminders() -> int:
    """Tell holders (and their consultant) that a surveillance audit falls due in 30 days, and again
    on the day. Once per certificate and day; returns how many certificates were concerned."""
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
        notify(
            kind=Kind.SURVEILLANCE_DUE,
            recipients=people_of(certificate.application),
            application=certificate.application,
            url=reverse("audits:certificate", args=[certificate.pk]),
            context={"number": certificate.number, "due": str(certificate.surveillance_due_on)},
        )
        count += 1
    return count


# --- Deadlines: decisions for the certifiers, the invitation to recertify -------------------------------


@shared_task(name="audits.tasks.send_certificate_deadline_notices")
def send_certificate_deadline_notices(today: str | None = None) -> dict[str, int]:
    """Daily: remind the certifiers of the decisions waiting on certificates (overdue surveillance,
    suspensions to decide, suspensions ended) and invite holders to recertify six months before expiry.
    Each notice is sent once (or once a day); `today` (ISO date) is for tests and catching up."""
    from audits.services import certificate_decisions_remind, certificates_invite_to_recertify

    day = date.fromisoformat(today) if today else timezone.localdate()
    return {"decisions": certificate_decisions_remind(day), "invitations": certificates_invite_to_recertify(day)}


@shared_task(name="audits.tasks.send_case_overdue_reminders")
def send_case_overdue_reminders(today: str | None = None) -> int:
    """Daily: remind whoever handles each overdue complaint and appeal (the body managers while it is
    unassigned), once a day per item. `today` (ISO date) is for tests and catching up."""
    from audits.services.complaints import cases_overdue_remind

    return cases_overdue_remind(today=date.fromisoformat(today) if today else timezone.localdate())

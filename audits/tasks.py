"""Celery tasks of the audits: the certificate PDF, its sweeper, and the nightly certificate expiry."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import Task, shared_task
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from applications.people import people_of
from audits.models import Certificate
from certportal.lib.broker import enqueue
from certportal.lib.pdf import store_pdf
from notifications.models import Kind, Notification
from notifications.services import notify

logger = logging.getLogger(__name__)

PdfStatus = Certificate.PdfStatus
# Pending longer than this: the broker probably never got the task. Rendering longer: the worker died.
STUCK_AFTER = timedelta(minutes=2)
ABANDONED_AFTER = timedelta(minutes=15)


@shared_task(name="audits.tasks.certificate_render_pdf", bind=True)
def certificate_render_pdf(self: Task, certificate_id: int) -> str:
    """Render and store a certificate's PDF. Missing, already ready or claimed by another task:
    nothing to do; the same task delivered again after its worker died takes its job over.
    Ends READY (with SHA-256 and size) or FAILED (with the error kept)."""
    from audits.pdf import certificate_pdf

    claim = self.request.id or f"direct-{certificate_id}"
    claimable = Q(pdf_status=PdfStatus.PENDING) | Q(pdf_status=PdfStatus.RENDERING, pdf_task_id=claim)
    claimed = Certificate.objects.filter(claimable, pk=certificate_id).update(
        pdf_status=PdfStatus.RENDERING, pdf_task_id=claim, pdf_updated_at=timezone.now()
    )
    if not claimed:
        return "skipped"
    certificate = Certificate.objects.get(pk=certificate_id)
    mine = Certificate.objects.filter(pk=certificate_id, pdf_status=PdfStatus.RENDERING, pdf_task_id=claim)
    try:
        stored = store_pdf(certificate_pdf(certificate), f"certificates/{certificate.pk}/{certificate.number}.pdf")
    except Exception as error:
        logger.exception("certificate %s: PDF failed", certificate_id)
        mine.update(
            pdf_status=PdfStatus.FAILED, pdf_error=f"{type(error).__name__}: {error}", pdf_updated_at=timezone.now()
        )
        return "failed"
    old_name = certificate.pdf_file.name
    updated = mine.update(
        pdf_status=PdfStatus.READY,
        pdf_file=stored.name,
        pdf_sha256=stored.sha256,
        pdf_size=stored.size,
        pdf_error="",
        pdf_updated_at=timezone.now(),
    )
    if not updated:
        # The sweeper gave the job to someone else meanwhile (we ran past the abandon delay); theirs counts.
        certificate.pdf_file.storage.delete(stored.name)
        return "skipped"
    if old_name and old_name != stored.name:
        certificate.pdf_file.storage.delete(old_name)
    return "ready"


@shared_task(name="audits.tasks.sweep_certificate_pdfs")
def sweep_certificate_pdfs() -> int:
    """Ask again for PDFs still pending after a while; give back those a dead worker left rendering."""
    now = timezone.now()
    # Keeping the old time makes a freed job count as stuck, so it is sent again in this sweep.
    Certificate.objects.filter(pdf_status=PdfStatus.RENDERING, pdf_updated_at__lt=now - ABANDONED_AFTER).update(
        pdf_status=PdfStatus.PENDING
    )
    stuck = Certificate.objects.filter(pdf_status=PdfStatus.PENDING, pdf_updated_at__lt=now - STUCK_AFTER)
    count = 0
    for certificate_id in stuck.values_list("pk", flat=True)[:200]:
        if enqueue(certificate_render_pdf, certificate_id):
            # Not again at the next sweep unless it is still pending two minutes later.
            Certificate.objects.filter(pk=certificate_id, pdf_status=PdfStatus.PENDING).update(pdf_updated_at=now)
            count += 1
    return count


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
            context={"number": certificate.number, "due": certificate.surveillance_due_on.isoformat()},
        )
        count += 1
    return count

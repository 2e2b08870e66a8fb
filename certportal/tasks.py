"""Portal-wide Celery tasks: worker heartbeat, e-mail sending, and the sweeper for stuck jobs."""

from __future__ import annotations

import logging
import smtplib
import socket
from datetime import timedelta

from celery import Task, shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import F
from django.utils import timezone

from certportal.lib.broker import enqueue
from certportal.models import OutgoingEmail, WorkerHeartbeat

logger = logging.getLogger(__name__)

TRANSIENT_MAIL_ERRORS = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, socket.timeout, ConnectionError)
EMAIL_MAX_ATTEMPTS = 5
# A pending job older than this was probably never delivered to the broker (it was down).
STUCK_AFTER = timedelta(minutes=2)
ABANDONED_AFTER = timedelta(minutes=15)


@shared_task(name="certportal.tasks.heartbeat", bind=True)
def heartbeat(self: Task) -> str:
    """Record that a worker is alive and can reach the database; returns the worker's name."""
    hostname = self.request.hostname or "unknown"
    WorkerHeartbeat.objects.update_or_create(hostname=hostname, defaults={"beat_at": timezone.now()})
    return hostname


@shared_task(
    name="certportal.tasks.email_send",
    bind=True,
    autoretry_for=TRANSIENT_MAIL_ERRORS,
    retry_backoff=30,
    retry_jitter=True,
    max_retries=EMAIL_MAX_ATTEMPTS - 1,
)
def email_send(self: Task, email_id: int) -> None:
    """Send one recorded e-mail. Missing, already sent or being sent by another worker: nothing to do."""
    claimed = OutgoingEmail.objects.filter(pk=email_id, status=OutgoingEmail.Status.PENDING).update(
        status=OutgoingEmail.Status.SENDING, attempts=F("attempts") + 1, updated_at=timezone.now()
    )
    if not claimed:
        return
    email = OutgoingEmail.objects.get(pk=email_id)
    try:
        _build_message(email).send()
    except TRANSIENT_MAIL_ERRORS as error:
        final = email.attempts >= EMAIL_MAX_ATTEMPTS
        _record_mail_error(email, error, final=final)
        if not final:
            raise
        return
    except Exception as error:
        logger.exception("e-mail %s failed", email.pk)
        _record_mail_error(email, error, final=True)
        return
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=OutgoingEmail.Status.SENT, sent_at=timezone.now(), last_error="", updated_at=timezone.now()
    )


def _build_message(email: OutgoingEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject, body=email.body_text, from_email=settings.DEFAULT_FROM_EMAIL, to=email.to
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    for attachment in email.attachments:
        message.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    return message


def _record_mail_error(email: OutgoingEmail, error: Exception, *, final: bool) -> None:
    status = OutgoingEmail.Status.FAILED if final else OutgoingEmail.Status.PENDING
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=status, last_error=f"{type(error).__name__}: {error}", updated_at=timezone.now()
    )


@shared_task(name="certportal.tasks.sweep_pending_jobs")
def sweep_pending_jobs() -> int:
    """Send again the e-mails still pending after a while (the broker may have been down)."""
    now = timezone.now()
    # A worker killed while sending leaves the row claimed; give it back after a generous delay.
    OutgoingEmail.objects.filter(status=OutgoingEmail.Status.SENDING, updated_at__lt=now - ABANDONED_AFTER).update(
        status=OutgoingEmail.Status.PENDING, updated_at=now
    )
    stuck = OutgoingEmail.objects.filter(status=OutgoingEmail.Status.PENDING, updated_at__lt=now - STUCK_AFTER)
    count = 0
    for email_id in stuck.values_list("pk", flat=True)[:500]:
        count += enqueue(email_send, email_id)
    return count

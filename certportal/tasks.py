"""Portal-wide Celery tasks: worker heartbeat, e-mail and message sending, and the sweeper for stuck jobs."""

from __future__ import annotations

import logging
import smtplib
import socket

from celery import Task, shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from certportal.lib import jobs, messages
from certportal.models import OutgoingEmail, WorkerHeartbeat

logger = logging.getLogger(__name__)

TRANSIENT_MAIL_ERRORS = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, socket.timeout, ConnectionError)
EMAIL_MAX_ATTEMPTS = 5
EMAIL_JOB = jobs.JobKind(
    model=OutgoingEmail,
    task_name="certportal.tasks.email_send",
    working=OutgoingEmail.Status.SENDING,
    ready=OutgoingEmail.Status.SENT,
    error="last_error",
    max_deliveries=EMAIL_MAX_ATTEMPTS,
)


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
    """Send one recorded e-mail. Missing, already sent or being sent by another worker: nothing to do.
    A dropped connection is tried again with backoff, up to EMAIL_MAX_ATTEMPTS deliveries."""
    jobs.job_run(
        EMAIL_JOB,
        email_id,
        claim=jobs.task_claim(self.request.id, email_id),
        work=lambda: _send(email_id),
        transient=TRANSIENT_MAIL_ERRORS,
    )


def _send(email_id: int) -> jobs.Outcome:
    _build_message(OutgoingEmail.objects.get(pk=email_id)).send()
    return jobs.Outcome(fields={"sent_at": timezone.now()})


def _build_message(email: OutgoingEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject, body=email.body_text, from_email=settings.DEFAULT_FROM_EMAIL, to=email.to
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    for attachment in email.attachments:
        message.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    return message


@shared_task(
    name="certportal.tasks.message_send",
    bind=True,
    autoretry_for=(messages.MessageRetry,),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=messages.MESSAGE_MAX_ATTEMPTS - 1,
    soft_time_limit=messages.MESSAGE_TIME_LIMIT - 10,
    time_limit=messages.MESSAGE_TIME_LIMIT,
)
def message_send(self: Task, message_id: int) -> str:
    """Send one SMS or WeChat Work message. Missing, sent or taken by another worker: nothing to do;
    a gateway that does not take it is tried again with backoff, up to MESSAGE_MAX_ATTEMPTS."""
    return jobs.job_run(
        messages.MESSAGE_JOB,
        message_id,
        claim=jobs.task_claim(self.request.id, message_id),
        work=lambda: messages.message_deliver(message_id),
        transient=(messages.MessageRetry,),
    )


@shared_task(name="certportal.tasks.sweep_pending_jobs")
def sweep_pending_jobs() -> int:
    """Send again the e-mails and messages the broker never got (it may have been down) or a dead
    worker left."""
    return jobs.job_sweep(EMAIL_JOB) + jobs.job_sweep(messages.MESSAGE_JOB)

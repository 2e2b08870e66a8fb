"""Sending e-mail through Celery: a row first, then a task that sends it after commit."""

from __future__ import annotations

from collections.abc import Sequence

from certportal.lib.broker import enqueue_on_commit
from certportal.models import OutgoingEmail


def email_queue(
    *,
    to: Sequence[str],
    subject: str,
    body_text: str,
    body_html: str = "",
    attachments: Sequence[dict[str, str]] = (),
) -> OutgoingEmail:
    """Record an e-mail and have a worker send it once the current transaction commits."""
    from certportal.tasks import email_send

    email = OutgoingEmail.objects.create(
        to=list(to),
        subject=" ".join(subject.split()),
        body_text=body_text,
        body_html=body_html,
        attachments=list(attachments),
    )
    enqueue_on_commit(email_send, email.pk)
    return email

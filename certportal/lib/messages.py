"""Sending SMS and WeChat Work group robot messages through Celery, like e-mails: a row first, then
a task that sends it after commit, retrying while the gateway is away. SMS go to the console log
(development) or to a generic HTTP gateway (JSON {to, text}); mobile numbers are masked in every
log line."""

from __future__ import annotations

import http.client
import json
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from certportal.lib import jobs
from certportal.lib.broker import enqueue_on_commit
from certportal.lib.outbound import post
from certportal.lib.validators import mask_mobile
from certportal.models import OutgoingMessage

logger = logging.getLogger(__name__)

MESSAGE_MAX_ATTEMPTS = 5
MESSAGE_TIME_LIMIT = 60
MESSAGE_JOB = jobs.JobKind(
    model=OutgoingMessage,
    task_name="certportal.tasks.message_send",
    working=OutgoingMessage.Status.SENDING,
    ready=OutgoingMessage.Status.SENT,
    error="last_error",
    max_deliveries=MESSAGE_MAX_ATTEMPTS,
    time_limit=MESSAGE_TIME_LIMIT,
)
MESSAGE_MAX_LENGTH = 300


class MessageRetry(Exception):
    """The gateway or robot did not take the message: try again later."""


def message_queue(*, channel: str, to: str, text: str) -> OutgoingMessage:
    """Record one message (`to`: a mobile number or a robot's URL) and have a worker send it once
    the current transaction commits."""
    from certportal.tasks import message_send

    with transaction.atomic():
        message = OutgoingMessage.objects.create(channel=channel, to=to, text=text[:MESSAGE_MAX_LENGTH])
        enqueue_on_commit(message_send, message.pk)
    return message


def message_deliver(message_id: int) -> jobs.Outcome:
    """Send one message (in the worker); MessageRetry when the other side did not take it."""
    message = OutgoingMessage.objects.get(pk=message_id)
    if message.channel == OutgoingMessage.Channel.SMS:
        _sms_send(message.to, message.text)
    else:
        _robot_send(message.to, message.text)
    return jobs.Outcome(fields={"sent_at": timezone.now()})


def _sms_send(number: str, text: str) -> None:
    if settings.SMS_BACKEND == "console":
        logger.info("SMS to %s: %s", mask_mobile(number), text)
        return
    headers = {"Content-Type": "application/json"}
    if settings.SMS_GATEWAY_TOKEN:
        headers["Authorization"] = f"Bearer {settings.SMS_GATEWAY_TOKEN}"
    body = json.dumps({"to": number, "text": text}, ensure_ascii=False).encode()
    _post(str(settings.SMS_GATEWAY_URL), body, headers, f"SMS to {mask_mobile(number)}", trusted=True)


def _robot_send(url: str, text: str) -> None:
    body = json.dumps({"msgtype": "text", "text": {"content": text}}, ensure_ascii=False).encode()
    _post(url, body, {"Content-Type": "application/json"}, "WeChat Work message", trusted=False)


def _post(url: str, body: bytes, headers: dict[str, str], what: str, *, trusted: bool) -> None:
    try:
        answer = post(url, body=body, headers=headers, trusted=trusted)
    except (OSError, http.client.HTTPException) as error:
        logger.warning("%s not sent: %s", what, error)
        raise MessageRetry(f"no answer: {type(error).__name__}: {error}") from error
    if not 200 <= answer.status < 300:
        logger.warning("%s not sent: the gateway answered %s", what, answer.status)
        raise MessageRetry(f"answered {answer.status}")
    logger.info("%s sent", what)

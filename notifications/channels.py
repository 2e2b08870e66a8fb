"""SMS and WeChat Work group robots: the channels people choose per kind of notification besides
the bell and e-mail. Each message is a row first, then a worker sends it after commit, retrying
while the gateway is away (like e-mails). Mobile numbers are masked in every log line."""

from __future__ import annotations

import http.client
import json
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction

from certportal.accounts.models import User
from certportal.lib import jobs
from certportal.lib.broker import enqueue_on_commit
from certportal.lib.outbound import post
from certportal.lib.validators import mask_mobile
from notifications.models import Channel, ChannelPreference, OutgoingMessage, WecomRobot

logger = logging.getLogger(__name__)

MESSAGE_MAX_ATTEMPTS = 5
MESSAGE_JOB = jobs.JobKind(
    model=OutgoingMessage,
    task_name="notifications.tasks.message_send",
    working=OutgoingMessage.Status.SENDING,
    ready=OutgoingMessage.Status.SENT,
    error="last_error",
    max_deliveries=MESSAGE_MAX_ATTEMPTS,
    time_limit=60,
)
SMS_MAX_LENGTH = 300


class MessageRetry(Exception):
    """The gateway or robot did not take the message: try again later."""


def wanted(users: Iterable[User], kind: str) -> dict[str, set[int]]:
    """For each channel, the ids of the users who chose it for this kind."""
    chosen: dict[str, set[int]] = {channel: set() for channel in Channel.values}
    rows = ChannelPreference.objects.filter(user__in=[user.pk for user in users], kind=kind)
    for user_id, channel in rows.values_list("user_id", "channel"):
        chosen[channel].add(user_id)
    return chosen


def robot_url(user: User) -> str:
    """Where a person's WeChat Work messages go: their team's robot (consultants), the body's
    (the body's staff and superusers); empty when there is none."""
    if user.is_body_staff or user.is_superuser:
        return str(settings.WECOM_BODY_WEBHOOK_URL)
    robot = WecomRobot.objects.filter(owner=user).first()
    return robot.url if robot else ""


def messages_queue(*, users: Iterable[User], kind: str, text: str) -> list[OutgoingMessage]:
    """Queue `text` for each user on each channel they chose for `kind` and can be reached on."""
    people = list(users)
    chosen = wanted(people, kind)
    queued = []
    for user in people:
        if user.pk in chosen[Channel.SMS] and user.mobile:
            queued.append(message_queue(channel=Channel.SMS, to=user.mobile, text=text))
        url = robot_url(user) if user.pk in chosen[Channel.WECOM] else ""
        if url:
            queued.append(message_queue(channel=Channel.WECOM, to=url, text=text))
    return queued


def message_queue(*, channel: str, to: str, text: str) -> OutgoingMessage:
    """Record one message and have a worker send it once the current transaction commits."""
    from notifications.tasks import message_send

    with transaction.atomic():
        message = OutgoingMessage.objects.create(channel=channel, to=to, text=text[:SMS_MAX_LENGTH])
        enqueue_on_commit(message_send, message.pk)
    return message


def message_deliver(message_id: int) -> jobs.Outcome:
    """Send one message (in the worker); MessageRetry when the other side did not take it."""
    from django.utils import timezone

    message = OutgoingMessage.objects.get(pk=message_id)
    if message.channel == Channel.SMS:
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

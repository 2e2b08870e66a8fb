"""SMS and WeChat Work group robots as notification channels: who chose which channel for which
kind, and where each person's messages go. Sending is `certportal.lib.messages`."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings

from certportal.accounts.models import User
from certportal.lib.messages import message_queue
from certportal.models import OutgoingMessage
from notifications.models import Channel, ChannelPreference, WecomRobot


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

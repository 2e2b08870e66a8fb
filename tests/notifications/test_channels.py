"""SMS and WeChat Work robot messages, chosen per kind and channel, sent to a real HTTP server on
loopback standing in for the SMS gateway and the robot; mobile numbers masked in the logs."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from django.urls import reverse

from applications import services as application_services
from applications.models import EvidenceRequirement
from certportal.lib import messages as channels
from certportal.models import OutgoingMessage
from certportal.tasks import message_send
from notifications.models import Channel, ChannelPreference, Kind, WecomRobot
from notifications.services import notify
from tests.conftest import client_for
from tests.factories import complete_evidence
from tests.http import Receiver

pytestmark = pytest.mark.django_db

MOBILE = "13912345678"


@pytest.fixture
def gateway(settings) -> Iterator[Receiver]:
    server = Receiver().start()
    settings.SMS_BACKEND = "http"
    settings.SMS_GATEWAY_URL = server.url
    settings.SMS_GATEWAY_TOKEN = "gateway-token"
    yield server
    server.stop()


def choose(user, kind: str, channel: str) -> None:
    ChannelPreference.objects.create(user=user, kind=kind, channel=channel)


def test_evidence_sent_back_comes_by_sms_to_the_gateway(
    application, enterprise_user, consultant, gateway, caplog, django_capture_on_commit_callbacks
):
    enterprise_user.mobile = MOBILE
    enterprise_user.save(update_fields=["mobile"])
    choose(enterprise_user, Kind.EVIDENCE_REJECTED, Channel.SMS)
    complete_evidence(application)
    requirement = EvidenceRequirement.objects.filter(application=application, item__kind="files").first()
    application_services.evidence_requirement_reject(requirement=requirement, actor=consultant, reason="印章不清晰")
    message = OutgoingMessage.objects.get()
    assert (message.channel, message.to) == (Channel.SMS, MOBILE)

    with caplog.at_level(logging.INFO, logger="certportal.lib.messages"):
        assert message_send(message.pk) == "ready"

    (request,) = gateway.received
    assert request.headers["Authorization"] == "Bearer gateway-token"
    sent = request.json()
    assert sent["to"] == MOBILE
    assert application.reference in sent["text"]
    assert "/applications/evidence/" in sent["text"] or "http" in sent["text"]
    assert "139****5678" in caplog.text
    assert MOBILE not in caplog.text
    message.refresh_from_db()
    assert message.status == OutgoingMessage.Status.SENT


def test_a_gateway_error_is_tried_again(enterprise_user, gateway):
    gateway.statuses = [500, 200]
    message = channels.message_queue(channel=Channel.SMS, to=MOBILE, text="验证")
    with pytest.raises(channels.MessageRetry):
        message_send(message.pk)
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("pending", 1)
    assert message_send(message.pk) == "ready"
    assert len(gateway.received) == 2
    assert message_send(message.pk) == "skipped"


def test_the_console_backend_logs_the_masked_number(settings, caplog):
    settings.SMS_BACKEND = "console"
    message = channels.message_queue(channel=Channel.SMS, to=MOBILE, text="您好")
    with caplog.at_level(logging.INFO, logger="certportal.lib.messages"):
        assert message_send(message.pk) == "ready"
    assert "139****5678: 您好" in caplog.text
    assert MOBILE not in caplog.text


def test_a_consultants_robot_receives_the_text(consultant, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    robot = Receiver().start()
    try:
        WecomRobot.objects.create(owner=consultant, url=robot.url + "?key=abc")
        choose(consultant, Kind.REMINDER, Channel.WECOM)
        notify(recipients=[consultant], kind=Kind.REMINDER, context={"count": 3, "summary": "三项"})
        message = OutgoingMessage.objects.get()
        assert message_send(message.pk) == "ready"
        (request,) = robot.received
    finally:
        robot.stop()
    assert request.path == "/hook?key=abc"
    body = request.json()
    assert body["msgtype"] == "text"
    assert "3" in body["text"]["content"]


def test_body_staff_messages_go_to_the_bodys_robot(auditor, settings):
    settings.WECOM_BODY_WEBHOOK_URL = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=body"
    choose(auditor, Kind.REMINDER, Channel.WECOM)
    notify(recipients=[auditor], kind=Kind.REMINDER, context={"count": 1, "summary": "一项"})
    assert OutgoingMessage.objects.get().to == settings.WECOM_BODY_WEBHOOK_URL


def test_a_robot_on_a_private_address_is_refused(consultant, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    message = channels.message_queue(channel=Channel.WECOM, to="http://127.0.0.1:9/hook", text="x")
    assert message_send(message.pk) == "failed"


def test_each_kind_and_channel_is_chosen_apart(enterprise_user):
    enterprise_user.mobile = MOBILE
    enterprise_user.save(update_fields=["mobile"])
    choose(enterprise_user, Kind.REMINDER, Channel.SMS)
    notify(recipients=[enterprise_user], kind=Kind.DECISION_MADE, context={"decision": "x"})
    assert not OutgoingMessage.objects.exists()
    notify(recipients=[enterprise_user], kind=Kind.REMINDER, context={"count": 1, "summary": "一项"})
    assert OutgoingMessage.objects.get().channel == Channel.SMS
    # No mobile number: nothing to send.
    enterprise_user.mobile = ""
    notify(recipients=[enterprise_user], kind=Kind.REMINDER, context={"count": 1, "summary": "一项"})
    assert OutgoingMessage.objects.count() == 1


def test_the_settings_page_saves_each_channel_per_kind(consultant, enterprise_user):
    client = client_for(consultant)
    response = client.post(
        reverse("notifications:preferences"),
        {
            "email_kinds": [Kind.REMINDER],
            "sms_kinds": [Kind.AUDIT_SCHEDULED],
            "wecom_kinds": [Kind.AUDIT_SCHEDULED, Kind.REMINDER],
            "robot_url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
        },
    )
    assert response.status_code == 302
    chosen = set(ChannelPreference.objects.filter(user=consultant).values_list("channel", "kind"))
    assert chosen == {
        (Channel.SMS, Kind.AUDIT_SCHEDULED),
        (Channel.WECOM, Kind.AUDIT_SCHEDULED),
        (Channel.WECOM, Kind.REMINDER),
    }
    assert WecomRobot.objects.get(owner=consultant).url.endswith("key=k")
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert "key=k" in page
    # Enterprise users have no robot of their own.
    assert (
        'name="robot_url"' not in client_for(enterprise_user).get(reverse("notifications:preferences")).content.decode()
    )


@pytest.mark.parametrize("url", ["javascript:alert(1)", "file:///etc/passwd", "https://" + "a" * 600 + ".cn/"])
def test_unsafe_robot_urls_are_refused(consultant, url):
    response = client_for(consultant).post(reverse("notifications:preferences"), {"robot_url": url})
    assert response.status_code == 200
    assert response.context["form"].errors["robot_url"]
    assert not WecomRobot.objects.exists()

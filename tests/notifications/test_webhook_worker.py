"""A webhook and an SMS sent by a real Celery worker on real Redis after the transaction commits."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from certportal.lib.messages import message_queue
from certportal.models import OutgoingMessage
from notifications import webhooks
from notifications.models import WebhookDelivery, WebhookEvent
from tests.conftest import WorkerProcess
from tests.factories import EnterpriseUserFactory
from tests.http import Receiver
from tests.test_celery_worker import wait_for

pytestmark = pytest.mark.worker


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver().start()
    yield server
    server.stop()


@pytest.fixture
def worker(redis_server, transactional_db, private_media, tmp_path, receiver) -> Iterator[WorkerProcess]:
    process = WorkerProcess(broker_url=redis_server, media_root=private_media, log_path=tmp_path / "worker.log")
    process.env.update(WEBHOOK_ALLOW_PRIVATE="1", SMS_GATEWAY_URL=receiver.url, SMS_BACKEND="http")
    process.start()
    yield process
    process.stop()


def test_the_worker_delivers_a_webhook_and_an_sms(worker, receiver) -> None:
    user = EnterpriseUserFactory()
    endpoint = webhooks.webhook_create(owner=user, url=receiver.url, events=[WebhookEvent.CERTIFICATE_ISSUED])
    (delivery,) = webhooks.webhooks_dispatch(event=WebhookEvent.CERTIFICATE_ISSUED, payload={"n": 1}, audience=[user])
    message = message_queue(channel=OutgoingMessage.Channel.SMS, to="13912345678", text="您好")
    delivered = WebhookDelivery.Status.DELIVERED
    assert wait_for(lambda: WebhookDelivery.objects.get(pk=delivery.pk).status == delivered), worker.log()
    assert wait_for(lambda: OutgoingMessage.objects.get(pk=message.pk).status == "sent"), worker.log()
    assert len(receiver.received) == 2
    hook = next(r for r in receiver.received if "X-Certportal-Signature" in r.headers)
    timestamp = hook.headers["X-Certportal-Timestamp"]
    assert hook.headers["X-Certportal-Signature"] == webhooks.signature(endpoint.secret, timestamp, hook.body)
    sms = next(r for r in receiver.received if r is not hook)
    assert sms.json() == {"to": "13912345678", "text": "您好"}

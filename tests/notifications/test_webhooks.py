"""Webhooks against a real HTTP server on loopback: the signature a receiver can check, retries,
disabling after repeated failures, refused private targets, a slow target's timeout, who is told of
which event, and the pages."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Iterator

import pytest
from django.urls import reverse

from applications import services
from applications.models import Application, EvidenceRequirement
from audits import services as audit_services
from certportal.lib.outbound import TargetRefused, checked_address
from notifications import webhooks
from notifications.models import Kind, Notification, WebhookDelivery, WebhookEndpoint, WebhookEvent
from notifications.tasks import webhook_deliver
from tests.conftest import client_for, put_in_status
from tests.factories import complete_evidence
from tests.http import Receiver

pytestmark = pytest.mark.django_db

ALL_EVENTS = list(WebhookEvent.values)


@pytest.fixture(autouse=True)
def private_targets_allowed(settings) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE = True


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver().start()
    yield server
    server.stop()


def endpoint_for(user, url: str, events=None) -> WebhookEndpoint:
    return webhooks.webhook_create(owner=user, url=url, events=events or ALL_EVENTS)


def dispatch(user, event: str = WebhookEvent.EVIDENCE_REVIEWED) -> WebhookDelivery:
    (delivery,) = webhooks.webhooks_dispatch(event=event, payload={"note": "审核"}, audience=[user])
    return delivery


def deliver_until_done(delivery: WebhookDelivery) -> str:
    """Call the task as Celery's retries would, until it stops asking to be tried again."""
    for _attempt in range(webhooks.WEBHOOK_MAX_ATTEMPTS + 1):
        try:
            return webhook_deliver(delivery.pk)
        except webhooks.WebhookRetry:
            continue
    raise AssertionError("still retrying after every attempt")


def receiver_accepts(secret: str, headers: dict[str, str], body: bytes, *, tolerance: int = 300) -> bool:
    """What a receiving server does: recompute the HMAC over "<timestamp>.<body>", compare in
    constant time, and refuse old timestamps (replays)."""
    timestamp = headers["X-Certportal-Timestamp"]
    expected = "sha256=" + hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    fresh = abs(time.time() - int(timestamp)) < tolerance
    return fresh and hmac.compare_digest(expected, headers["X-Certportal-Signature"])


def test_evidence_review_is_posted_signed_to_the_enterprise(
    application, enterprise_user, consultant, other_enterprise_user, receiver
):
    mine = endpoint_for(enterprise_user, receiver.url)
    endpoint_for(other_enterprise_user, receiver.url + "/other")
    complete_evidence(application)
    requirement = EvidenceRequirement.objects.filter(application=application, item__kind="files").first()
    services.evidence_requirement_reject(requirement=requirement, actor=consultant, reason="印章不清晰")
    (delivery,) = WebhookDelivery.objects.all()
    assert delivery.endpoint == mine

    assert webhook_deliver(delivery.pk) == "ready"

    (request,) = receiver.received
    assert receiver_accepts(mine.secret, request.headers, request.body)
    assert not receiver_accepts("wrong-secret", request.headers, request.body)
    assert not receiver_accepts(mine.secret, request.headers, request.body + b" ")
    message = request.json()
    assert message["event"] == "evidence.reviewed"
    assert request.headers["X-Certportal-Event"] == "evidence.reviewed"
    assert request.headers["X-Certportal-Delivery"] == message["id"]
    assert message["data"]["application"]["reference"] == application.reference
    assert message["data"]["outcome"] == "rejected"
    assert message["data"]["reason"] == "印章不清晰"
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.DELIVERED
    assert [attempt.response_code for attempt in delivery.tries.all()] == [200]


def test_body_staff_hear_only_of_applications_that_reached_the_body(application, enterprise_user, auditor, receiver):
    endpoint_for(auditor, receiver.url)
    services.application_transition(
        application=application, actor=enterprise_user, target="withdrawn", comment="不做了"
    )
    assert not WebhookDelivery.objects.exists()

    put_in_status(application, Application.Status.CERTIFIED)
    certificate = audit_services.certificate_issue(
        application=application, decision=_decision(application, auditor), actor=auditor
    )
    delivery = WebhookDelivery.objects.get()
    assert delivery.event == WebhookEvent.CERTIFICATE_ISSUED
    assert f'"number": "{certificate.number}"' in delivery.body


def _decision(application, certifier):
    from audits.models import CertificationDecision

    return CertificationDecision.objects.create(
        application=application, outcome="certified", certifier=certifier, score="950.00",
        computed_star_level=5, star_level=5,
    )  # fmt: skip


def test_status_change_reaches_the_consultant_only_for_chosen_events(
    application, enterprise_user, consultant, receiver
):
    wanted = endpoint_for(consultant, receiver.url, [WebhookEvent.APPLICATION_STATUS_CHANGED])
    endpoint_for(consultant, receiver.url, [WebhookEvent.CERTIFICATE_ISSUED])
    services.application_transition(application=application, actor=enterprise_user, target="withdrawn", comment="x")
    delivery = WebhookDelivery.objects.get()
    assert delivery.endpoint == wanted
    assert webhook_deliver(delivery.pk) == "ready"
    data = receiver.received[0].json()["data"]
    assert (data["to"], data["application"]["status"]) == ("withdrawn", "withdrawn")


def test_a_500_is_tried_again_and_each_attempt_recorded(enterprise_user, receiver):
    receiver.statuses = [500, 200]
    endpoint = endpoint_for(enterprise_user, receiver.url)
    delivery = dispatch(enterprise_user)
    with pytest.raises(webhooks.WebhookRetry):
        webhook_deliver(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert "500" in delivery.last_error

    assert webhook_deliver(delivery.pk) == "ready"
    assert [attempt.response_code for attempt in delivery.tries.all()] == [500, 200]
    assert len(receiver.received) == 2
    # A second signature with its own timestamp each time, both valid.
    assert all(receiver_accepts(endpoint.secret, r.headers, r.body) for r in receiver.received)
    assert webhook_deliver(delivery.pk) == "skipped"  # delivered: a late duplicate does nothing
    assert webhook_deliver(999999) == "skipped"


def test_a_url_failing_every_delivery_is_disabled_and_its_owner_told(enterprise_user, receiver, settings):
    settings.WEBHOOK_MAX_FAILURES = 2
    receiver.statuses = [503]
    endpoint = endpoint_for(enterprise_user, receiver.url)
    assert deliver_until_done(dispatch(enterprise_user)) == "failed"
    assert len(receiver.received) == webhooks.WEBHOOK_MAX_ATTEMPTS
    endpoint.refresh_from_db()
    assert (endpoint.is_active, endpoint.consecutive_failures) == (True, 1)

    assert deliver_until_done(dispatch(enterprise_user)) == "failed"
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert endpoint.disabled_at is not None
    notice = Notification.objects.get(kind=Kind.WEBHOOK_DISABLED)
    assert notice.recipient == enterprise_user
    assert receiver.url in notice.title
    # Disabled: no more deliveries owed.
    assert (
        webhooks.webhooks_dispatch(event=WebhookEvent.EVIDENCE_REVIEWED, payload={}, audience=[enterprise_user]) == []
    )


def test_a_success_ends_the_run_of_failures(enterprise_user, receiver, settings):
    settings.WEBHOOK_MAX_FAILURES = 2
    receiver.statuses = [500] * webhooks.WEBHOOK_MAX_ATTEMPTS + [200]
    endpoint = endpoint_for(enterprise_user, receiver.url)
    assert deliver_until_done(dispatch(enterprise_user)) == "failed"
    assert deliver_until_done(dispatch(enterprise_user)) == "ready"
    endpoint.refresh_from_db()
    assert (endpoint.is_active, endpoint.consecutive_failures) == (True, 0)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]"])
def test_private_targets_are_refused_unless_allowed(enterprise_user, receiver, settings, host):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    port = receiver.url.split(":")[2].split("/")[0]
    endpoint = WebhookEndpoint.objects.create(
        owner=enterprise_user, url=f"http://{host}:{port}/hook", events=ALL_EVENTS, secret="s"
    )
    delivery = dispatch(enterprise_user)
    assert webhook_deliver(delivery.pk) == "failed"  # no retries: trying again would not help
    assert receiver.received == []
    delivery.refresh_from_db()
    assert "private or local" in delivery.last_error or "refused URL" in delivery.last_error
    assert delivery.tries.get().response_code is None
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 1


def test_every_resolved_address_must_be_public(settings):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    with pytest.raises(TargetRefused):
        checked_address("localhost", 80)
    settings.WEBHOOK_ALLOW_PRIVATE = True
    assert checked_address("localhost", 80) in {"127.0.0.1", "::1"}


def test_a_loopback_target_is_called_when_private_targets_are_allowed(enterprise_user, receiver):
    endpoint_for(enterprise_user, receiver.url.replace("127.0.0.1", "localhost"))
    assert webhook_deliver(dispatch(enterprise_user).pk) == "ready"
    assert len(receiver.received) == 1


def test_a_slow_target_cannot_hold_the_worker(enterprise_user, receiver, settings):
    settings.WEBHOOK_TIMEOUT_SECONDS = 1
    receiver.delay = 3
    endpoint_for(enterprise_user, receiver.url)
    delivery = dispatch(enterprise_user)
    started = time.monotonic()
    with pytest.raises(webhooks.WebhookRetry):
        webhook_deliver(delivery.pk)
    assert time.monotonic() - started < 1 + 1.0
    assert "timed out" in delivery.tries.get().error


# --- Pages -----------------------------------------------------------------------------------------


def test_registering_a_webhook_and_reading_its_log(enterprise_user, receiver, django_assert_num_queries):
    client = client_for(enterprise_user)
    response = client.post(
        reverse("notifications:webhooks"), {"url": receiver.url, "events": [WebhookEvent.CERTIFICATE_ISSUED]}
    )
    endpoint = WebhookEndpoint.objects.get(owner=enterprise_user)
    assert response["Location"] == reverse("notifications:webhook", args=[endpoint.pk])
    assert endpoint.events == [WebhookEvent.CERTIFICATE_ISSUED]
    assert len(endpoint.secret) == 64
    receiver.statuses = [500]
    delivery = dispatch(enterprise_user, WebhookEvent.CERTIFICATE_ISSUED)
    with pytest.raises(webhooks.WebhookRetry):
        webhook_deliver(delivery.pk)
    with django_assert_num_queries(6):
        page = client.get(reverse("notifications:webhook", args=[endpoint.pk]))
    text = page.content.decode()
    assert endpoint.secret in text
    assert ">500<" in text
    assert "证书已颁发" in text or "Certificate issued" in text


def test_sending_again_makes_a_new_delivery_of_the_same_event(enterprise_user, receiver):
    endpoint_for(enterprise_user, receiver.url)
    delivery = dispatch(enterprise_user)
    client = client_for(enterprise_user)
    response = client.post(reverse("notifications:webhook_resend", args=[delivery.pk]))
    assert response.status_code == 302
    again = WebhookDelivery.objects.exclude(pk=delivery.pk).get()
    assert (again.event_id, again.body, again.status) == (delivery.event_id, delivery.body, "pending")
    assert webhook_deliver(again.pk) == "ready"


def test_a_disabled_webhook_is_enabled_again_before_sending_again(enterprise_user, receiver):
    endpoint = endpoint_for(enterprise_user, receiver.url)
    delivery = dispatch(enterprise_user)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=False, consecutive_failures=10)
    client = client_for(enterprise_user)
    page = client.get(reverse("notifications:webhook", args=[endpoint.pk]))
    assert reverse("notifications:webhook_resend", args=[delivery.pk]) not in page.content.decode()
    client.post(reverse("notifications:webhook_resend", args=[delivery.pk]))
    assert WebhookDelivery.objects.count() == 1
    client.post(reverse("notifications:webhook_enable", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert (endpoint.is_active, endpoint.consecutive_failures) == (True, 0)


def test_someone_elses_webhook_is_not_found(enterprise_user, other_enterprise_user, receiver):
    endpoint = endpoint_for(enterprise_user, receiver.url)
    delivery = dispatch(enterprise_user)
    client = client_for(other_enterprise_user)
    assert client.get(reverse("notifications:webhook", args=[endpoint.pk])).status_code == 404
    assert client.post(reverse("notifications:webhook_delete", args=[endpoint.pk])).status_code == 404
    assert client.post(reverse("notifications:webhook_resend", args=[delivery.pk])).status_code == 404
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()
    assert (
        client_for(enterprise_user).post(reverse("notifications:webhook_delete", args=[endpoint.pk])).status_code == 302
    )
    assert not WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "file:///etc/passwd", "ftp://example.com/", "http://" + "a" * 600 + ".com/",
     "http://user:pw@example.com/", "http://10.0.0.5/hook", "http://169.254.169.254/latest/meta-data"],
)  # fmt: skip
def test_unsafe_urls_are_refused_by_the_form(enterprise_user, settings, url):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    response = client_for(enterprise_user).post(
        reverse("notifications:webhooks"), {"url": url, "events": [WebhookEvent.CERTIFICATE_ISSUED]}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["url"]
    assert not WebhookEndpoint.objects.exists()

"""Webhooks: signed JSON POSTs to the URLs people registered, one delivery per event and endpoint,
sent by a worker after commit with retries and backoff; every attempt is recorded for the delivery
log. The code that knows what happened calls `webhooks_dispatch()` with a plain payload and who may
hear about it; this module knows no application states."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import secrets
import time
import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from certportal.accounts.models import User
from certportal.lib import jobs
from certportal.lib.broker import enqueue_on_commit
from certportal.lib.guards import enforce
from certportal.lib.outbound import TargetRefused, post
from notifications.models import Kind, WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent
from notifications.services import notify

SIGNATURE_HEADER = "X-Certportal-Signature"
TIMESTAMP_HEADER = "X-Certportal-Timestamp"
EVENT_HEADER = "X-Certportal-Event"
DELIVERY_HEADER = "X-Certportal-Delivery"
WEBHOOK_MAX_ATTEMPTS = 5
WEBHOOK_TIME_LIMIT = 60  # seconds: a few connect and read timeouts, never more
ERROR_LENGTH = 500
BODY_STAFF_ROLES = (User.Role.AUDITOR, User.Role.CERTIFIER)

WEBHOOK_JOB = jobs.JobKind(
    model=WebhookDelivery,
    task_name="notifications.tasks.webhook_deliver",
    working=WebhookDelivery.Status.SENDING,
    ready=WebhookDelivery.Status.DELIVERED,
    error="last_error",
    max_deliveries=WEBHOOK_MAX_ATTEMPTS,
    time_limit=WEBHOOK_TIME_LIMIT,
)


class WebhookRetry(Exception):
    """The target did not take the delivery (no answer, or not 2xx): try again later."""


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 of "<timestamp>.<body>" with the endpoint's secret, as sent: "sha256=<hex>"."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


# --- Registering ---------------------------------------------------------------------------------------


def webhook_create(*, owner: User, url: str, events: Iterable[str]) -> WebhookEndpoint:
    """Register a URL for some kinds of events, with a new signing secret."""
    kinds = [event for event in WebhookEvent.values if event in set(events)]
    return WebhookEndpoint.objects.create(owner=owner, url=url, events=kinds, secret=secrets.token_hex(32))


def _require_owner(endpoint: WebhookEndpoint, actor: User) -> None:
    if endpoint.owner_id != actor.pk:
        raise PermissionDenied(_("Only the person who registered this webhook can change it."))


def webhook_delete(*, endpoint: WebhookEndpoint, actor: User) -> None:
    _require_owner(endpoint, actor)
    endpoint.delete()


def webhook_enable_problem(endpoint: WebhookEndpoint, actor: User) -> str | None:
    if endpoint.owner_id != actor.pk:
        return _("Only the person who registered this webhook can change it.")
    if endpoint.is_active:
        return _("This webhook is already active.")
    return None


def webhook_enable(*, endpoint: WebhookEndpoint, actor: User) -> None:
    """Switch a disabled URL back on, its failure count reset (its owner fixed the receiver)."""
    enforce(webhook_enable_problem(endpoint, actor), permitted=endpoint.owner_id == actor.pk)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        is_active=True, consecutive_failures=0, disabled_at=None, updated_at=timezone.now()
    )


# --- Dispatching ---------------------------------------------------------------------------------------


def webhooks_dispatch(
    *, event: str, payload: dict[str, Any], audience: Iterable[User], body_sees: bool = False
) -> list[WebhookDelivery]:
    """Owe `event` to every active endpoint registered for it by someone in `audience` and, when
    `body_sees`, by the certification body's staff and superusers. The body is built once, so
    every endpoint receives the same event id and data; workers send it after commit."""
    from notifications.tasks import webhook_deliver

    owners = Q(owner_id__in=[user.pk for user in audience])
    if body_sees:
        owners |= Q(owner__role__in=BODY_STAFF_ROLES) | Q(owner__is_superuser=True)
    endpoints = WebhookEndpoint.objects.filter(owners, is_active=True, owner__is_active=True)
    wanted = [endpoint for endpoint in endpoints if event in endpoint.events]
    if not wanted:
        return []
    event_id = uuid.uuid4()
    message = {"id": str(event_id), "event": event, "created_at": timezone.now(), "data": payload}
    body = json.dumps(message, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True)
    deliveries = []
    for endpoint in wanted:
        delivery = WebhookDelivery.objects.create(endpoint=endpoint, event=event, event_id=event_id, body=body)
        enqueue_on_commit(webhook_deliver, delivery.pk)
        deliveries.append(delivery)
    return deliveries


def webhook_resend_problem(delivery: WebhookDelivery, actor: User) -> str | None:
    if delivery.endpoint.owner_id != actor.pk:
        return _("Only the person who registered this webhook can send its deliveries again.")
    if not delivery.endpoint.is_active:
        return _("Enable the webhook first.")
    return None


def webhook_resend(*, delivery: WebhookDelivery, actor: User) -> WebhookDelivery:
    """Send a delivery's event again, as a new delivery with the same event id and body (receivers
    that already have it can tell by the id)."""
    from notifications.tasks import webhook_deliver

    enforce(webhook_resend_problem(delivery, actor), permitted=delivery.endpoint.owner_id == actor.pk)
    with transaction.atomic():
        again = WebhookDelivery.objects.create(
            endpoint=delivery.endpoint, event=delivery.event, event_id=delivery.event_id, body=delivery.body
        )
        enqueue_on_commit(webhook_deliver, again.pk)
    return again


# --- Sending (in the worker) ---------------------------------------------------------------------------


def webhook_attempt(delivery_id: int) -> jobs.Outcome:
    """POST the delivery once and record the attempt. 2xx: delivered. Any other answer, or none:
    WebhookRetry. A target that may not be called (scheme, private address): TargetRefused."""
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    if not endpoint.is_active:
        raise TargetRefused("the webhook is disabled")
    body = delivery.body.encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        EVENT_HEADER: delivery.event,
        DELIVERY_HEADER: str(delivery.event_id),
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: signature(endpoint.secret, timestamp, body),
    }
    started = time.monotonic()
    try:
        answer = post(endpoint.url, body=body, headers=headers)
    except TargetRefused as error:
        _record(delivery, started, error=str(error))
        raise
    except (OSError, http.client.HTTPException) as error:
        _record(delivery, started, error=f"{type(error).__name__}: {error}")
        raise WebhookRetry(f"no answer: {type(error).__name__}: {error}") from error
    _record(delivery, started, code=answer.status)
    if not 200 <= answer.status < 300:
        raise WebhookRetry(f"answered {answer.status}")
    return jobs.Outcome(fields={"delivered_at": timezone.now()})


def _record(delivery: WebhookDelivery, started: float, *, code: int | None = None, error: str = "") -> None:
    duration = int((time.monotonic() - started) * 1000)
    WebhookAttempt.objects.create(
        delivery=delivery, response_code=code, error=error[:ERROR_LENGTH], duration_ms=duration
    )


def webhook_delivered(delivery_id: int) -> None:
    """A delivery went through: its endpoint's run of failures is over."""
    WebhookEndpoint.objects.filter(deliveries__pk=delivery_id).update(consecutive_failures=0)


def webhook_failed(delivery_id: int) -> None:
    """A delivery ended FAILED: one more failure in a row for its endpoint; at WEBHOOK_MAX_FAILURES
    the endpoint is disabled (once: a conditional update) and its owner told."""
    endpoint = WebhookEndpoint.objects.filter(deliveries__pk=delivery_id, is_active=True).first()
    if endpoint is None:
        return
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=F("consecutive_failures") + 1)
    endpoint.refresh_from_db(fields=["consecutive_failures"])
    if endpoint.consecutive_failures < settings.WEBHOOK_MAX_FAILURES:
        return
    now = timezone.now()
    if WebhookEndpoint.objects.filter(pk=endpoint.pk, is_active=True).update(
        is_active=False, disabled_at=now, updated_at=now
    ):
        notify(
            recipients=[endpoint.owner],
            kind=Kind.WEBHOOK_DISABLED,
            url=reverse("notifications:webhook", args=[endpoint.pk]),
            context={"url": endpoint.url, "count": endpoint.consecutive_failures},
        )

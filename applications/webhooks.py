"""Telling webhooks what happened to an application: who may hear about it (the enterprise's users,
its consultant and, once it has reached the body, the body's staff) and the facts every event
carries. The services that make each change call `application_webhook()` next to their event row."""

from __future__ import annotations

from typing import Any

from applications.models import Application
from applications.people import people_of
from notifications.models import WebhookDelivery
from notifications.webhooks import webhooks_dispatch


def application_webhook(event: str, application: Application, data: dict[str, Any]) -> list[WebhookDelivery]:
    """Owe `event` (a WebhookEvent) about `application` to the endpoints of those who see it."""
    payload = {
        "application": {
            "id": application.pk,
            "reference": application.reference,
            "enterprise": application.enterprise.name,
            "status": application.status,
        },
        **data,
    }
    return webhooks_dispatch(
        event=event,
        payload=payload,
        audience=people_of(application),
        body_sees=application.submitted_at is not None,
    )

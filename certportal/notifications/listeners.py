"""Which workflow steps notify whom. Subscribed to the transition service at start-up."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse

from applications.models import Application, ApplicationEvent
from applications.services import TRANSITION_LISTENERS
from certportal.accounts.models import User
from certportal.notifications.models import Kind
from certportal.notifications.services import notify

Status = Application.Status


def enterprise_users(application: Application) -> Iterable[User]:
    return User.objects.filter(enterprise_id=application.enterprise_id, is_active=True)


def consultant_of(application: Application) -> list[User]:
    return [application.consultant] if application.consultant else []


def staff_with_role(role: str) -> Iterable[User]:
    return User.objects.filter(role=role, is_active=True)


def recipients_for(event: ApplicationEvent) -> tuple[str, list[User]] | None:
    """The kind of notification a transition produces, and who gets it."""
    application = event.application
    team = [*enterprise_users(application), *consultant_of(application)]
    by_target: dict[str, tuple[str, list[User]]] = {
        Status.INFO_SUBMITTED: (Kind.INFO_SUBMITTED, consultant_of(application)),
        Status.AWAITING_SIGNATURE: (Kind.FORMS_READY_TO_SIGN, list(enterprise_users(application))),
        Status.SUBMITTED: (Kind.APPLICATION_SUBMITTED, list(staff_with_role(User.Role.AUDITOR))),
        Status.RETURNED: (Kind.APPLICATION_RETURNED, team),
        Status.AUDIT_PREPARATION: (Kind.APPLICATION_ACCEPTED, team),
        Status.DECISION: (Kind.APPLICATION_SUBMITTED, list(staff_with_role(User.Role.CERTIFIER))),
        Status.CERTIFIED: (Kind.DECISION_MADE, team),
        Status.NOT_CERTIFIED: (Kind.DECISION_MADE, team),
        Status.WITHDRAWN: (Kind.APPLICATION_WITHDRAWN, consultant_of(application)),
    }
    return by_target.get(event.to_status)


def notify_transition(event: ApplicationEvent) -> None:
    found = recipients_for(event)
    if found is None:
        return
    kind, recipients = found
    notify(
        kind=kind,
        recipients=recipients,
        application=event.application,
        url=reverse("applications:detail", args=[event.application_id]),
        context={"comment": event.comment or "—", "decision": event.get_to_status_display()},
        exclude=event.actor,
    )


TRANSITION_LISTENERS.append(notify_transition)

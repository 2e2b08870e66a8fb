"""Which workflow steps notify whom. Subscribed to the transition service at start-up."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse
from django.utils.functional import lazy

from applications.models import Application, ApplicationEvent, EvidenceItem, EvidenceRequirement
from applications.services import TRANSITION_LISTENERS
from certportal.accounts.models import User
from certportal.notifications.models import Kind, Notification
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
        # The decision (certified / not certified) is told by audits.services.decisions, with its details.
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


def notify_evidence_rejected(requirement: EvidenceRequirement, actor: User, reason: str) -> None:
    """The enterprise is told which item to redo, and why."""
    application = requirement.application
    notify(
        kind=Kind.EVIDENCE_REJECTED,
        recipients=enterprise_users(application),
        application=application,
        url=reverse("applications:evidence_requirement", args=[requirement.pk]),
        # Lazy: the item's title is read in each recipient's language.
        context={"item": lazy(lambda: f"{requirement.item.code} {requirement.item.title}", str)(), "reason": reason},
        exclude=actor,
    )


def notify_if_all_evidence_accepted(application: Application, actor: User) -> None:
    """Once every item of the application's checklist is complete: the enterprise and the consultant
    are told, once (again only after something was sent back or withdrawn since)."""
    from applications.checklist import checklist_for

    if checklist_for(application).incomplete(EvidenceItem.Phase.APPLICATION):
        return
    last_told = (
        Notification.objects.filter(application=application, kind=Kind.EVIDENCE_ALL_ACCEPTED)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    setbacks = ApplicationEvent.objects.filter(
        application=application,
        kind__in=[ApplicationEvent.Kind.EVIDENCE_REJECTED, ApplicationEvent.Kind.EVIDENCE_WITHDRAWN],
    )
    if last_told is not None and not setbacks.filter(created_at__gt=last_told).exists():
        return
    notify(
        kind=Kind.EVIDENCE_ALL_ACCEPTED,
        recipients=[*enterprise_users(application), *consultant_of(application)],
        application=application,
        url=reverse("applications:evidence", args=[application.pk]),
        exclude=actor,
    )

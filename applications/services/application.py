"""Applications: starting one, its product scope, and the workflow transition service."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import people, workflow
from applications.counters import application_counters_refresh
from applications.models import Application, ApplicationEvent, Enterprise, Product
from applications.services.evidence import evidence_requirements_ensure
from applications.webhooks import application_webhook
from certportal.accounts.models import User
from certportal.lib.guards import enforce
from certportal.lib.sequences import sequence_next
from notifications.models import WebhookEvent
from notifications.services import notify

Status = Application.Status
EventKind = ApplicationEvent.Kind


class TransitionError(Exception):
    """A transition that cannot happen; the message says why, in the user's language."""

    def __init__(self, messages: Iterable[str]) -> None:
        self.messages = list(messages)
        super().__init__("; ".join(self.messages))


class ConcurrentChange(TransitionError):
    """Someone else changed the application first."""


def application_reference(year: int) -> str:
    return f"SA-{year}-{sequence_next(name='application', year=year):05d}"


def application_start_problem(enterprise: Enterprise, actor: User) -> str | None:
    """Why this actor cannot start an application for this enterprise now; None when they can.
    Only one application may be open at a time."""
    if not actor.has_perm("applications.change_enterprise", enterprise):
        return _("Only the enterprise's own users can start an application.")
    if Application.objects.filter(enterprise=enterprise).open().exists():
        return _("Your enterprise already has an open application; finish or withdraw it first.")
    return None


@transaction.atomic
def application_create(
    *,
    enterprise: Enterprise,
    actor: User,
    scope: Iterable[Product],
    kind: str = Application.Kind.INITIAL,
    desired_star_level: int | None = None,
) -> Application:
    """Start an application with its product scope. Only one may be open at a time."""
    enforce(
        application_start_problem(enterprise, actor),
        permitted=actor.has_perm("applications.change_enterprise", enterprise),
    )
    products = _own_products(enterprise, scope)
    try:
        with transaction.atomic():
            application = Application.objects.create(
                enterprise=enterprise,
                reference=application_reference(timezone.localdate().year),
                kind=kind,
                desired_star_level=desired_star_level,
            )
    except IntegrityError as error:
        raise ValidationError(
            _("Your enterprise already has an open application; finish or withdraw it first.")
        ) from error
    application.scope.set(products)
    ApplicationEvent.objects.create(
        application=application, kind=EventKind.CREATED, actor=actor, to_status=Status.DRAFT
    )
    evidence_requirements_ensure(application)
    return application


def _own_products(enterprise: Enterprise, products: Iterable[Product]) -> list[Product]:
    chosen = list(products)
    if not chosen:
        raise ValidationError(_("Choose at least one product for the scope of the application."))
    if any(product.enterprise_id != enterprise.pk for product in chosen):
        raise PermissionDenied(_("The scope can only contain your own enterprise's products."))
    return chosen


@transaction.atomic
def application_set_scope(*, application: Application, actor: User, products: Iterable[Product]) -> None:
    """Change the product scope while the application is still being prepared."""
    if not actor.has_perm("applications.change_application", application):
        raise PermissionDenied(_("You can see this application but not change it."))
    if application.status not in Application.SCOPE_EDITABLE_STATUSES:
        raise ValidationError(_("The scope can no longer change: the application is with the certification body."))
    chosen = _own_products(application.enterprise, products)
    before = sorted(application.scope.values_list("name", flat=True))
    application.scope.set(chosen)
    # Per-product items are complete only when their accepted files cover the whole scope.
    application_counters_refresh([application.pk])
    after = sorted(product.name for product in chosen)
    if before != after:
        ApplicationEvent.objects.create(
            application=application,
            kind=EventKind.SCOPE_CHANGED,
            actor=actor,
            data={"before": before, "after": after},
        )


def application_transition(
    *, application: Application, actor: User, target: str, comment: str = ""
) -> ApplicationEvent:
    """Move the application to `target` if the table allows this actor to, and its preconditions hold.

    The change is a conditional update on the status the actor saw: when two people act at once,
    exactly one succeeds and the other is told that the application has just changed.
    """
    transition = workflow.find_transition(application.status, target, application.kind)
    if transition is None:
        raise TransitionError([_("This step is not possible from the application's current state.")])
    if not transition.actors & workflow.actors_of(actor, application):
        raise PermissionDenied(_("You are not the one who can take this step."))
    comment = comment.strip()
    if transition.comment_required and not comment:
        raise TransitionError([_("Please say why (a comment is required for this step).")])
    problems = workflow.blocking_problems(transition, application, actor)
    if problems:
        raise TransitionError(problems)
    with transaction.atomic():
        event = _apply_transition(application, actor, target, comment)
        workflow.after_transition(application, target)
        application_webhook(
            WebhookEvent.APPLICATION_STATUS_CHANGED,
            application,
            {"from": event.from_status, "to": event.to_status, "comment": event.comment},
        )
    if transition.notice is not None:
        notice = transition.notice
        transaction.on_commit(lambda: transition_notice_send(event=event, notice=notice))
    return event


def _apply_transition(application: Application, actor: User, target: str, comment: str) -> ApplicationEvent:
    now = timezone.now()
    changes: dict[str, Any] = {"status": target, "status_changed_at": now, "updated_at": now}
    if target == Status.SUBMITTED and application.submitted_at is None:
        changes["submitted_at"] = now
    if target in Application.CLOSED_STATUSES:
        changes["closed_at"] = now
    source = application.status
    updated = Application.objects.filter(pk=application.pk, status=source).update(**changes)
    if updated != 1:
        raise ConcurrentChange(
            [_("This application has just changed (someone else acted on it). Please look at it again.")]
        )
    for name, value in changes.items():
        setattr(application, name, value)
    return ApplicationEvent.objects.create(
        application=application,
        kind=EventKind.TRANSITION,
        actor=actor,
        from_status=source,
        to_status=target,
        comment=comment,
        created_at=now,
    )


def transition_notice_send(*, event: ApplicationEvent, notice: workflow.Notice) -> None:
    """Tell the step's audience (never the person who took it), with the comment given. Runs after
    the transition commits."""
    notify(
        kind=notice.kind,
        recipients=_audience(event.application, notice.audience),
        application=event.application,
        url=reverse("applications:detail", args=[event.application_id]),
        context={"comment": event.comment or "—", "decision": Application.Status(event.to_status).label},
        exclude=event.actor,
    )


def _audience(application: Application, audience: workflow.Audience) -> list[User]:
    Audience = workflow.Audience
    if audience == Audience.ENTERPRISE:
        return people.enterprise_users(application)
    if audience == Audience.CONSULTANT:
        return people.consultant_of(application)
    if audience == Audience.TEAM:
        return people.people_of(application)
    role = User.Role.AUDITOR if audience == Audience.AUDITORS else User.Role.CERTIFIER
    return people.staff_with_role(role)

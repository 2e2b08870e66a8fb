"""The certification workflow as one table: who may move an application from which state to which,
and what must be true first. `services.application_transition` is the only code that applies it.

To add a precondition, add a function `(application, actor) -> message or None` to the transition's
`preconditions` (later features register theirs with `add_precondition`).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from applications.profile import profile_problems

if TYPE_CHECKING:
    from certportal.accounts.models import User

Status = Application.Status
Precondition = Callable[[Application, "User"], "str | Promise | None"]


class Actor(enum.Enum):
    """A user's relation to one application."""

    ENTERPRISE = "enterprise"  # a user of the applying enterprise
    CONSULTANT = "consultant"  # the consultant assigned to the application
    AUDITOR = "auditor"  # certification-body auditor
    CERTIFIER = "certifier"  # certification-body decision maker


@dataclass
class Transition:
    source: str
    target: str
    actors: frozenset[Actor]
    label: str | Promise
    preconditions: list[Precondition] = field(default_factory=list)
    comment_required: bool = False
    # "primary" moves the application forward, "secondary" back, "danger" ends it.
    style: str = "primary"
    # Handled by a dedicated page (e.g. the certification decision), not by a plain button.
    own_page: str = ""


def profile_is_complete(application: Application, actor: User) -> str | Promise | None:
    problems = profile_problems(application.enterprise)
    if problems:
        return _("The basic information is not complete: %(missing)s.") % {"missing": "、".join(map(str, problems))}
    return None


def scope_is_chosen(application: Application, actor: User) -> str | Promise | None:
    if not application.scope.exists():
        return _("Choose at least one product for the scope of the application.")
    return None


def consultant_is_assigned(application: Application, actor: User) -> str | Promise | None:
    if application.consultant_id is None:
        return _("No consultant is assigned to this application yet.")
    return None


OPEN_STATUSES = [status for status in Status.values if status not in Application.CLOSED_STATUSES]
E, C, A, D = Actor.ENTERPRISE, Actor.CONSULTANT, Actor.AUDITOR, Actor.CERTIFIER


def _t(source: str, target: str, actors: Iterable[Actor], label: str | Promise, **options: object) -> Transition:
    return Transition(source, target, frozenset(actors), label, **options)  # type: ignore[arg-type]


TRANSITIONS: list[Transition] = [
    _t(Status.DRAFT, Status.INFO_SUBMITTED, {E}, _("Submit the basic information"),
       preconditions=[profile_is_complete, scope_is_chosen]),
    _t(Status.INFO_SUBMITTED, Status.DRAFT, {E, C}, _("Reopen the basic information"), style="secondary"),
    _t(Status.INFO_SUBMITTED, Status.FORMS_PREPARATION, {C}, _("Start preparing the forms"),
       preconditions=[profile_is_complete, scope_is_chosen]),
    _t(Status.FORMS_PREPARATION, Status.AWAITING_SIGNATURE, {C}, _("Send the forms for signature")),
    _t(Status.AWAITING_SIGNATURE, Status.FORMS_PREPARATION, {E, C}, _("Back to form preparation"),
       comment_required=True, style="secondary"),
    _t(Status.AWAITING_SIGNATURE, Status.SUBMITTED, {C}, _("Submit to the certification body"),
       preconditions=[consultant_is_assigned, profile_is_complete, scope_is_chosen]),
    _t(Status.SUBMITTED, Status.UNDER_REVIEW, {A}, _("Start the review")),
    _t(Status.UNDER_REVIEW, Status.RETURNED, {A}, _("Return for changes"), comment_required=True, style="secondary"),
    _t(Status.UNDER_REVIEW, Status.AUDIT_PREPARATION, {A}, _("Accept the application")),
    _t(Status.RETURNED, Status.FORMS_PREPARATION, {C}, _("Rework the forms"), style="secondary"),
    _t(Status.RETURNED, Status.SUBMITTED, {C}, _("Submit again to the certification body"),
       preconditions=[consultant_is_assigned, profile_is_complete, scope_is_chosen]),
    _t(Status.AUDIT_PREPARATION, Status.REMOTE_AUDIT, {A}, _("Start the remote audits")),
    _t(Status.REMOTE_AUDIT, Status.EVALUATION, {A}, _("Finish the audits")),
    _t(Status.EVALUATION, Status.DECISION, {A}, _("Send for the certification decision")),
    _t(Status.DECISION, Status.EVALUATION, {D}, _("Send back for evaluation"), comment_required=True,
       style="secondary"),
    _t(Status.DECISION, Status.CERTIFIED, {D}, _("Certify")),
    _t(Status.DECISION, Status.NOT_CERTIFIED, {D}, _("Refuse certification"), comment_required=True, style="danger"),
    *[
        _t(status, Status.WITHDRAWN, {E}, _("Withdraw the application"), style="danger")
        for status in OPEN_STATUSES
    ],
]  # fmt: skip


def find_transition(source: str, target: str) -> Transition | None:
    for transition in TRANSITIONS:
        if transition.source == source and transition.target == target:
            return transition
    return None


def add_precondition(source: str, target: str, check: Precondition) -> None:
    """Let a feature (evidence, forms, audits) require something of one transition."""
    transition = find_transition(source, target)
    if transition is None:
        raise LookupError(f"no transition {source} → {target}")
    if check not in transition.preconditions:
        transition.preconditions.append(check)


def actors_of(user: User, application: Application) -> set[Actor]:
    """How this user relates to this application."""
    actors: set[Actor] = set()
    if not user.is_authenticated or not user.is_active:
        return actors
    if user.is_enterprise_user and user.enterprise_id == application.enterprise_id:
        actors.add(Actor.ENTERPRISE)
    if user.is_consultant and application.consultant_id == user.pk:
        actors.add(Actor.CONSULTANT)
    if user.is_auditor and application.submitted_at is not None:
        actors.add(Actor.AUDITOR)
    if user.is_certifier and application.submitted_at is not None:
        actors.add(Actor.CERTIFIER)
    return actors


def transitions_for(user: User, application: Application) -> list[Transition]:
    """The transitions this user may attempt from the application's current state."""
    actors = actors_of(user, application)
    return [t for t in TRANSITIONS if t.source == application.status and t.actors & actors]


def blocking_problems(transition: Transition, application: Application, actor: User) -> list[str]:
    return [str(message) for check in transition.preconditions if (message := check(application, actor))]

"""The certification workflow as one table, the whole truth: who may move an application from which
state to which, what must be true first, who is told, and what the new state needs.
`services.application_transition` is the only code that applies it.

- A precondition is a function `(application, actor) -> message or None`. It may live in the module
  of its topic (evidence, forms, audits); this table imports and lists it.
- `after_transition()` creates what the new state needs (the forms, the audit rounds) inside the
  transition's transaction, so no page ever finds a state without its rows.
- `notice` names the notification the step sends after commit, and to whom.
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
from applications.services.evidence import (
    evidence_is_complete,
    pre_audit_documents_are_complete,
    surveillance_evidence_is_complete,
)
from applications.services.forms import application_forms_ensure, forms_are_generated, forms_are_signed
from audits import interface as audits
from certportal.lib.text import join_list
from notifications.models import Kind

if TYPE_CHECKING:
    from certportal.accounts.models import User

Status = Application.Status
AppKind = Application.Kind
# The certification path (the six forms, intake, three video audits) and the surveillance path
# (its own evidence set, one video audit) share states, not rows: each row says which kinds it serves.
CERTIFICATION_KINDS = frozenset({AppKind.INITIAL, AppKind.RECERTIFICATION})
SURVEILLANCE_KINDS = frozenset({AppKind.SURVEILLANCE})
Precondition = Callable[[Application, "User"], "str | Promise | None"]


class Actor(enum.Enum):
    """A user's relation to one application."""

    ENTERPRISE = "enterprise"  # a user of the applying enterprise
    CONSULTANT = "consultant"  # the consultant assigned to the application
    AUDITOR = "auditor"  # certification-body auditor
    CERTIFIER = "certifier"  # certification-body decision maker


class Audience(enum.Enum):
    """Who a step's notification goes to."""

    ENTERPRISE = "enterprise"  # the enterprise's users
    CONSULTANT = "consultant"  # the assigned consultant
    TEAM = "team"  # both: the people preparing the application
    AUDITORS = "auditors"  # every auditor of the certification body
    CERTIFIERS = "certifiers"  # every certifier of the certification body


@dataclass(frozen=True)
class Notice:
    kind: str
    audience: Audience


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
    # Sent after commit; None when the step tells no one, or its service tells with more detail.
    notice: Notice | None = None
    # The application kinds whose path has this step.
    kinds: frozenset[str] = CERTIFICATION_KINDS


def profile_is_complete(application: Application, actor: User) -> str | Promise | None:
    problems = profile_problems(application.enterprise)
    if problems:
        return _("The basic information is not complete: %(missing)s.") % {"missing": join_list(problems)}
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
READY_TO_SUBMIT = [consultant_is_assigned, profile_is_complete, scope_is_chosen, evidence_is_complete, forms_are_signed]
# Refusing stays possible with open serious findings (they may be the very reason to refuse);
# certifying needs them verified, and a score that qualifies.
READY_TO_CERTIFY = [audits.impartiality_problem, audits.open_serious_findings_problem, audits.score_qualifies_problem]
SURVEILLANCE_READY = [audits.information_is_confirmed, surveillance_evidence_is_complete]
S = SURVEILLANCE_KINDS


def _t(source: str, target: str, actors: Iterable[Actor], label: str | Promise, **options: object) -> Transition:
    return Transition(source, target, frozenset(actors), label, **options)  # type: ignore[arg-type]


TRANSITIONS: list[Transition] = [
    _t(Status.DRAFT, Status.INFO_SUBMITTED, {E}, _("Submit the basic information"),
       preconditions=[profile_is_complete, scope_is_chosen],
       notice=Notice(Kind.INFO_SUBMITTED, Audience.CONSULTANT)),
    _t(Status.INFO_SUBMITTED, Status.DRAFT, {E, C}, _("Reopen the basic information"), style="secondary"),
    _t(Status.INFO_SUBMITTED, Status.FORMS_PREPARATION, {C}, _("Start preparing the forms"),
       preconditions=[profile_is_complete, scope_is_chosen]),
    _t(Status.FORMS_PREPARATION, Status.AWAITING_SIGNATURE, {C}, _("Send the forms for signature"),
       preconditions=[forms_are_generated],
       notice=Notice(Kind.FORMS_READY_TO_SIGN, Audience.ENTERPRISE)),
    _t(Status.AWAITING_SIGNATURE, Status.FORMS_PREPARATION, {E, C}, _("Back to form preparation"),
       comment_required=True, style="secondary"),
    _t(Status.AWAITING_SIGNATURE, Status.SUBMITTED, {C}, _("Submit to the certification body"),
       preconditions=READY_TO_SUBMIT,
       notice=Notice(Kind.APPLICATION_SUBMITTED, Audience.AUDITORS)),
    _t(Status.SUBMITTED, Status.UNDER_REVIEW, {A}, _("Start the review")),
    _t(Status.UNDER_REVIEW, Status.RETURNED, {A}, _("Return for changes"), comment_required=True, style="secondary",
       notice=Notice(Kind.APPLICATION_RETURNED, Audience.TEAM)),
    _t(Status.UNDER_REVIEW, Status.AUDIT_PREPARATION, {A}, _("Accept the application"),
       notice=Notice(Kind.APPLICATION_ACCEPTED, Audience.TEAM)),
    _t(Status.RETURNED, Status.FORMS_PREPARATION, {C}, _("Rework the forms"), style="secondary"),
    _t(Status.RETURNED, Status.SUBMITTED, {C}, _("Submit again to the certification body"),
       preconditions=READY_TO_SUBMIT,
       notice=Notice(Kind.APPLICATION_SUBMITTED, Audience.AUDITORS)),
    _t(Status.AUDIT_PREPARATION, Status.REMOTE_AUDIT, {A}, _("Start the remote audits"),
       preconditions=[pre_audit_documents_are_complete]),
    _t(Status.REMOTE_AUDIT, Status.EVALUATION, {A}, _("Finish the audits"),
       preconditions=[audits.rounds_are_done]),
    _t(Status.EVALUATION, Status.DECISION, {A}, _("Send for the certification decision"),
       preconditions=[audits.score_sheet_is_complete],
       notice=Notice(Kind.APPLICATION_SUBMITTED, Audience.CERTIFIERS)),
    _t(Status.DECISION, Status.EVALUATION, {D}, _("Send back for evaluation"), comment_required=True,
       style="secondary"),
    # The decision (certified / not certified) is told by audits.services.decisions, with its details.
    _t(Status.DECISION, Status.CERTIFIED, {D}, _("Certify"),
       preconditions=READY_TO_CERTIFY, own_page=audits.DECISION_PAGE),
    _t(Status.DECISION, Status.NOT_CERTIFIED, {D}, _("Refuse certification"), comment_required=True, style="danger",
       preconditions=[audits.impartiality_problem], own_page=audits.DECISION_PAGE),
    *[
        _t(status, Status.WITHDRAWN, {E}, _("Withdraw the application"), style="danger",
           notice=Notice(Kind.APPLICATION_WITHDRAWN, Audience.CONSULTANT))
        for status in OPEN_STATUSES
    ],
    # The surveillance path: opened by the body in DRAFT (the enterprise confirms its information and
    # uploads the records of the past year, the consultant reviews them), no forms and no intake;
    # one video audit, the score sheet, and a certifier's decision on the certificate.
    _t(Status.DRAFT, Status.SUBMITTED, {C}, _("Send the surveillance evidence to the certification body"),
       preconditions=SURVEILLANCE_READY, kinds=S,
       notice=Notice(Kind.APPLICATION_SUBMITTED, Audience.AUDITORS)),
    _t(Status.SUBMITTED, Status.RETURNED, {A}, _("Return for changes"), comment_required=True, style="secondary",
       kinds=S, notice=Notice(Kind.APPLICATION_RETURNED, Audience.TEAM)),
    _t(Status.RETURNED, Status.SUBMITTED, {C}, _("Send the surveillance evidence again"),
       preconditions=SURVEILLANCE_READY, kinds=S,
       notice=Notice(Kind.APPLICATION_SUBMITTED, Audience.AUDITORS)),
    _t(Status.SUBMITTED, Status.AUDIT_PREPARATION, {A}, _("Accept the surveillance evidence"), kinds=S,
       notice=Notice(Kind.APPLICATION_ACCEPTED, Audience.TEAM)),
    _t(Status.AUDIT_PREPARATION, Status.REMOTE_AUDIT, {A}, _("Start the surveillance video audit"), kinds=S),
    _t(Status.REMOTE_AUDIT, Status.EVALUATION, {A}, _("Finish the audit"),
       preconditions=[audits.rounds_are_done], kinds=S),
    _t(Status.EVALUATION, Status.DECISION, {A}, _("Send for the surveillance decision"),
       preconditions=[audits.score_sheet_is_complete], kinds=S,
       notice=Notice(Kind.APPLICATION_SUBMITTED, Audience.CERTIFIERS)),
    _t(Status.DECISION, Status.EVALUATION, {D}, _("Send back for evaluation"), comment_required=True,
       style="secondary", kinds=S),
    # Maintain the certificate, or change its star level; told by audits.services.surveillance.
    _t(Status.DECISION, Status.CERTIFIED, {D}, _("Maintain the certificate"),
       preconditions=READY_TO_CERTIFY, own_page=audits.SURVEILLANCE_DECISION_PAGE, kinds=S),
    # Suspend or withdraw the certificate.
    _t(Status.DECISION, Status.NOT_CERTIFIED, {D}, _("Suspend or withdraw the certificate"), comment_required=True,
       style="danger", preconditions=[audits.impartiality_problem], own_page=audits.SURVEILLANCE_DECISION_PAGE,
       kinds=S),
]  # fmt: skip


# What a state needs when an application enters it, created in the same transaction.
STATE_SET_UP: dict[str, Callable[[Application], object]] = {
    Status.FORMS_PREPARATION: lambda application: application_forms_ensure(application=application),
    Status.AUDIT_PREPARATION: audits.audit_setup,
}
# A surveillance needs no forms; once accepted, its one video audit and its score sheet.
SURVEILLANCE_SET_UP: dict[str, Callable[[Application], object]] = {
    Status.AUDIT_PREPARATION: audits.surveillance_audit_setup,
}


def after_transition(application: Application, target: str) -> None:
    """Create what the application's new state needs (its six forms, its audit rounds and score sheet)."""
    table = SURVEILLANCE_SET_UP if application.kind == AppKind.SURVEILLANCE else STATE_SET_UP
    set_up = table.get(target)
    if set_up is not None:
        set_up(application)


def find_transition(source: str, target: str, kind: str = AppKind.INITIAL) -> Transition | None:
    for transition in TRANSITIONS:
        if transition.source == source and transition.target == target and kind in transition.kinds:
            return transition
    return None


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
    return [
        t for t in TRANSITIONS if t.source == application.status and application.kind in t.kinds and t.actors & actors
    ]


def blocking_problems(transition: Transition, application: Application, actor: User) -> list[str]:
    return [str(message) for check in transition.preconditions if (message := check(application, actor))]

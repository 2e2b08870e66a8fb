"""The application forms in the workflow: what the forms must be before the application moves on,
and the forms set up when their preparation starts. Imported once from ApplicationsConfig.ready()."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from applications import workflow
from applications.models import Application, ApplicationEvent, FormRendition
from applications.services import TRANSITION_LISTENERS
from applications.services.documents import FormState, application_forms_ensure, forms_overview

if TYPE_CHECKING:
    from certportal.accounts.models import User

Status = Application.Status


def forms_are_generated(application: Application, actor: User) -> str | Promise | None:
    """Before the forms go out for signature, each of the six is generated with the current data."""
    missing = [state.label for state in forms_overview(application) if not state.generated]
    if missing:
        return _("Generate these forms with the current data first: %(forms)s.") % {"forms": "、".join(missing)}
    return None


def forms_are_signed(application: Application, actor: User) -> str | Promise | None:
    """Before submission, each form is signed (or its scan confirmed) and nothing changed since."""
    states = forms_overview(application)
    outdated = [state for state in states if state.signature_outdated]
    waiting = [state for state in states if state.signature_current and state.scan_waiting]
    not_ready = [
        state
        for state in states
        if state.signature_current
        and state.signature is not None
        and state.signature.kind == FormRendition.Kind.SIGNED
        and not state.signed
    ]
    unsigned = [state for state in states if not state.signed and state not in outdated + waiting + not_ready]
    problems = []
    if unsigned:
        problems.append(_("not signed yet: %(forms)s") % {"forms": _labels(unsigned)})
    if outdated:
        problems.append(
            _("changed after signing, to be generated and signed again: %(forms)s") % {"forms": _labels(outdated)}
        )
    if waiting:
        problems.append(_("scans waiting for the consultant's check: %(forms)s") % {"forms": _labels(waiting)})
    if not_ready:
        problems.append(
            _("signed, but the signed version is not ready (being generated, or failed): %(forms)s")
            % {"forms": _labels(not_ready)}
        )
    if problems:
        return _("The forms are not all signed. %(problems)s.") % {"problems": "；".join(problems)}
    return None


def _labels(states: list[FormState]) -> str:
    return "、".join(state.label for state in states)


def set_up_forms(event: ApplicationEvent) -> None:
    """When the consultant starts preparing the forms, the six forms appear with their defaults."""
    if event.to_status == Status.FORMS_PREPARATION:
        application_forms_ensure(application=event.application)


workflow.add_precondition(Status.FORMS_PREPARATION, Status.AWAITING_SIGNATURE, forms_are_generated)
workflow.add_precondition(Status.AWAITING_SIGNATURE, Status.SUBMITTED, forms_are_signed)
workflow.add_precondition(Status.RETURNED, Status.SUBMITTED, forms_are_signed)
if set_up_forms not in TRANSITION_LISTENERS:
    TRANSITION_LISTENERS.append(set_up_forms)

"""How the audits plug into the application workflow, at start-up: the preconditions of its steps, the
decision steps that have their own page, and the listener that opens the audit planning."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from applications import services as application_services
from applications import workflow
from applications.models import Application
from audits.models import AuditRound, ScoreSheet
from audits.services.decisions import impartiality_problem, open_serious_findings_problem, score_qualifies_problem
from audits.services.rounds import on_transition
from certportal.accounts.models import User

Status = Application.Status
DECISION_PAGE = "audits:decision"


def rounds_are_done(application: Application, actor: User) -> str | Promise | None:
    pending = [
        str(audit_round.name)
        for audit_round in AuditRound.objects.filter(application=application).order_by("number")
        if not audit_round.is_done
    ]
    if not AuditRound.objects.filter(application=application).exists():
        return _("The three video audits have not been planned yet.")
    if pending:
        return _("The video audits are not all done yet: %(rounds)s.") % {"rounds": "、".join(pending)}
    return None


def score_sheet_is_complete(application: Application, actor: User) -> str | Promise | None:
    sheet = ScoreSheet.objects.filter(application=application).select_related("version").first()
    if sheet is None:
        return _("The score sheet has not been started.")
    result = sheet.result()
    if result.undecided:
        return _("%(count)s indicators of the score sheet are not scored yet: %(codes)s.") % {
            "count": len(result.undecided),
            "codes": "、".join(result.undecided),
        }
    if not result.complete:
        return _("At least one indicator must apply to the enterprise.")
    return None


def register() -> None:
    """Called once from AuditsConfig.ready()."""
    workflow.add_precondition(Status.REMOTE_AUDIT, Status.EVALUATION, rounds_are_done)
    workflow.add_precondition(Status.EVALUATION, Status.DECISION, score_sheet_is_complete)
    for target in (Status.CERTIFIED, Status.NOT_CERTIFIED):
        workflow.add_precondition(Status.DECISION, target, impartiality_problem)
        transition = workflow.find_transition(Status.DECISION, target)
        assert transition is not None
        transition.own_page = DECISION_PAGE
    # Refusing stays possible with open serious findings (they may be the very reason to refuse);
    # certifying needs them verified, and a score that qualifies.
    workflow.add_precondition(Status.DECISION, Status.CERTIFIED, open_serious_findings_problem)
    workflow.add_precondition(Status.DECISION, Status.CERTIFIED, score_qualifies_problem)
    if on_transition not in application_services.TRANSITION_LISTENERS:
        application_services.TRANSITION_LISTENERS.append(on_transition)

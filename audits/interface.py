"""What the applications layer may know of the audits, and nothing more.

Audits build on applications; applications reach audit facts only through this module: the
preconditions and the set-up step that the workflow table lists, and the few reads that the to-do
list, the dashboards and the reminders need. It imports audit models and pure rules only, never
audit services, so importing it from applications/ cannot make a circle at start-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from applications.models import Application
from audits import scoring
from audits.models import AuditRound, Certificate, Finding, IndicatorScore, ScoreSheet, SurveillanceAudit
from audits.setup import audit_setup, surveillance_audit_setup
from certportal.lib.text import join_list

if TYPE_CHECKING:
    from certportal.accounts.models import User

# The page on which a certifier certifies or refuses (the workflow shows a link, not a button).
DECISION_PAGE = "audits:decision"
# The page on which a certifier decides on a surveillance audit's certificate.
SURVEILLANCE_DECISION_PAGE = "audits:surveillance_decision"

__all__ = [
    "DECISION_PAGE",
    "SURVEILLANCE_DECISION_PAGE",
    "audit_setup",
    "audit_team_ids",
    "certificate_to_recertify",
    "findings_to_answer",
    "impartiality_problem",
    "information_is_confirmed",
    "open_findings",
    "open_serious_findings_problem",
    "rounds_are_done",
    "rounds_to_confirm",
    "score_qualifies_problem",
    "score_sheet_is_complete",
    "surveillance_audit_setup",
    "surveillance_of",
    "surveillances_to_confirm",
    "unfinished_scheduled_rounds",
]


# --- Preconditions of the workflow's audit steps ----------------------------------------------------


def rounds_are_done(application: Application, actor: User) -> str | Promise | None:
    """Before the evaluation: the three video audits are planned and done."""
    rounds = list(AuditRound.objects.filter(application=application).order_by("number"))
    if not rounds:
        return _("The three video audits have not been planned yet.")
    pending = [str(audit_round.name) for audit_round in rounds if not audit_round.is_done]
    if pending:
        return _("The video audits are not all done yet: %(rounds)s.") % {"rounds": join_list(pending)}
    return None


def information_is_confirmed(application: Application, actor: User) -> str | Promise | None:
    """Before a surveillance goes to the body: the enterprise has confirmed its basic information,
    products, outlets and after-sales service managers."""
    surveillance = surveillance_of(application)
    if surveillance is None:
        return _("This application is not a surveillance audit.")
    if surveillance.information_confirmed_at is None:
        return _("The enterprise has not confirmed its basic information for the surveillance audit yet.")
    return None


def score_sheet_is_complete(application: Application, actor: User) -> str | Promise | None:
    """Before the decision: every indicator is scored (or excluded) and at least one applies."""
    sheet = ScoreSheet.objects.filter(application=application).select_related("version").first()
    if sheet is None:
        return _("The score sheet has not been started.")
    result = sheet.result()
    if result.undecided:
        return _("%(count)s indicators of the score sheet are not scored yet: %(codes)s.") % {
            "count": len(result.undecided),
            "codes": join_list(result.undecided),
        }
    if not result.complete:
        return _("At least one indicator must apply to the enterprise.")
    return None


def audit_team_ids(application: Application) -> set[int]:
    """Everyone who audited the application: the rounds' lead auditors and members, and whoever
    scored its indicators or raised its findings."""
    rounds = AuditRound.objects.filter(application=application)
    team = {pk for pk in rounds.values_list("lead_auditor_id", flat=True) if pk}
    team |= set(rounds.filter(members__isnull=False).values_list("members", flat=True))
    team |= {
        pk
        for pk in IndicatorScore.objects.filter(sheet__application=application).values_list("scored_by_id", flat=True)
        if pk
    }
    team |= set(Finding.objects.filter(application=application).values_list("raised_by_id", flat=True))
    return team


def impartiality_problem(application: Application, actor: User) -> str | Promise | None:
    """ISO/IEC 17065 7.6.1: the decision is made by someone who took no part in the evaluation."""
    if actor.pk in audit_team_ids(application):
        return _(
            "You were on this application's audit team, so you may not decide on it (impartiality, "
            "ISO/IEC 17065). Another certifier has to make the decision."
        )
    return None


def open_serious_findings_problem(application: Application, actor: User) -> str | Promise | None:
    """Certifying needs every serious nonconformity's corrective action verified."""
    codes = [
        finding.code for finding in Finding.objects.filter(application=application, grade=Finding.Grade.SERIOUS).open()
    ]
    if codes:
        return _(
            "Serious nonconformities are still open (%(codes)s): their corrective actions must be verified "
            "before the application can be certified."
        ) % {"codes": join_list(codes)}
    return None


def score_qualifies_problem(application: Application, actor: User) -> str | Promise | None:
    """Certifying needs a complete score sheet whose total reaches two stars, without the veto
    (both thresholds from the sheet's own version)."""
    sheet = ScoreSheet.objects.filter(application=application).select_related("version").first()
    if sheet is None:
        return _("There is no score sheet for this application.")
    result = sheet.result()
    if not result.complete:
        return _("The score sheet is not complete.")
    if result.vetoed:
        return _(
            "%(count)s special deductions: %(veto)s or more fail the evaluation whatever the score. "
            "Refuse certification."
        ) % {"count": result.deductions, "veto": sheet.version.veto_deductions}
    if not result.certifiable:
        return _(
            "The score %(total)s is below %(minimum)s points: the application cannot be certified. "
            "Refuse certification."
        ) % {"total": result.total, "minimum": scoring.format_points(sheet.version.two_star_min)}
    return None


# --- Reads for the to-do list, the dashboards and the reminders -------------------------------------


def rounds_to_confirm() -> QuerySet[AuditRound]:
    """Rounds whose proposed time the enterprise has yet to confirm (still ahead)."""
    return AuditRound.objects.filter(
        schedule_status=AuditRound.Schedule.PROPOSED, done_at__isnull=True, starts_at__gt=timezone.now()
    )


def open_findings() -> QuerySet[Finding]:
    """Findings waiting for the enterprise's answer or the auditor's verification."""
    return Finding.objects.open()


def findings_to_answer() -> QuerySet[Finding]:
    """Findings the enterprise has not answered yet."""
    return Finding.objects.filter(status=Finding.Status.OPEN)


def unfinished_scheduled_rounds() -> QuerySet[AuditRound]:
    """Rounds with a time that are not done yet (the next video audit is the earliest)."""
    return AuditRound.objects.filter(done_at__isnull=True, starts_at__isnull=False)


def certificate_to_recertify(application: Application) -> Certificate | None:
    """The application's certificate once its holder has been invited to recertify, while still valid."""
    return Certificate.objects.filter(
        application=application,
        status=Certificate.Status.VALID,
        recertification_invited_on__isnull=False,
        expires_on__gte=timezone.localdate(),
    ).first()


def surveillance_of(application: Application) -> SurveillanceAudit | None:
    """The surveillance audit an application of that kind runs; None for any other application."""
    if application.kind != Application.Kind.SURVEILLANCE:
        return None
    return SurveillanceAudit.objects.filter(application=application).select_related("certificate").first()


def surveillances_to_confirm() -> QuerySet[SurveillanceAudit]:
    """Surveillance audits whose enterprise has yet to confirm its basic information."""
    return SurveillanceAudit.objects.filter(
        information_confirmed_at__isnull=True, application__status=Application.Status.DRAFT
    )

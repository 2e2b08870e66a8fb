"""The certification decision (认证决定): by a certifier who was not on the audit team, on the score
sheet, the findings and the auditors' recommendation. Certifying issues the certificate in the same
transaction as the status change."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import Application
from applications.services import application_transition
from audits.models import AuditRound, CertificationDecision, Finding, IndicatorScore, ScoreSheet
from audits.models.certificates import STAR_NAMES
from audits.scoring import format_points
from audits.services.certificates import certificate_issue
from audits.services.notifications import enterprise_people, notify
from certportal.accounts.models import User
from certportal.lib.guards import enforce
from certportal.notifications.models import Kind

Status = Application.Status


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
    codes = [
        finding.code for finding in Finding.objects.filter(application=application, grade=Finding.Grade.SERIOUS).open()
    ]
    if codes:
        return _(
            "Serious nonconformities are still open (%(codes)s): their corrective actions must be verified "
            "before the application can be certified."
        ) % {"codes": "、".join(codes)}
    return None


def score_qualifies_problem(application: Application, actor: User) -> str | Promise | None:
    """Precondition of certifying: a complete score sheet that reaches two stars without a veto, by
    the thresholds of the score sheet's own version."""
    sheet = ScoreSheet.objects.filter(application=application).select_related("version").first()
    if sheet is None:
        return _("There is no score sheet for this application.")
    result = sheet.result()
    if not result.complete:
        return _("The score sheet is not complete.")
    version = sheet.version
    if result.vetoed:
        return _(
            "%(count)s special deductions: %(veto)s or more fail the evaluation whatever the score. "
            "Refuse certification."
        ) % {"count": result.deductions, "veto": version.veto_deductions}
    if not result.certifiable:
        return _(
            "The score %(total)s is below %(minimum)s points: the application cannot be certified. "
            "Refuse certification."
        ) % {"total": result.total, "minimum": format_points(version.two_star_min)}
    return None


def is_certifier(actor: User, application: Application) -> bool:
    return actor.has_perm("audits.change_certificates", application)


def certification_decide_problem(application: Application, actor: User) -> str | None:
    """Why this actor cannot make the certification decision now; None when they can (the
    workflow's preconditions then say whether certifying, refusing or both are possible)."""
    if not is_certifier(actor, application):
        return _("Only certifiers make the certification decision.")
    if application.status != Status.DECISION:
        return _("The application is not waiting for a certification decision.")
    return None


def certification_decide(
    *, application: Application, actor: User, certify: bool, star_level: int | None = None, reason: str = ""
) -> CertificationDecision:
    """Certify at the computed star level (or a lower one, with a reason) and issue the certificate,
    or refuse with reasons. The workflow checks the actor and the preconditions (impartiality, open
    serious findings, the score)."""
    enforce(certification_decide_problem(application, actor), permitted=is_certifier(actor, application))
    sheet = ScoreSheet.objects.filter(application=application).select_related("version").first()
    if sheet is None:
        raise ValidationError(_("There is no score sheet for this application."))
    result = sheet.result()
    reason = reason.strip()
    if certify:
        granted = result.star_level if star_level is None else star_level
        if result.certifiable and not 2 <= granted <= result.star_level:
            raise ValidationError(
                {"star_level": [_("Choose the computed star level or a lower one (two stars at least).")]}
            )
        if granted < result.star_level and not reason:
            raise ValidationError({"reason": [_("Say why you grant fewer stars than the score gives.")]})
    else:
        granted = 0
        if not reason:
            raise ValidationError({"reason": [_("Please give the reasons; the enterprise is told them.")]})
    with transaction.atomic():
        application_transition(
            application=application,
            actor=actor,
            target=Status.CERTIFIED if certify else Status.NOT_CERTIFIED,
            comment=reason,
        )
        decision = CertificationDecision.objects.create(
            application=application,
            outcome=CertificationDecision.Outcome.CERTIFIED if certify else CertificationDecision.Outcome.REFUSED,
            certifier=actor,
            score=result.total,
            computed_star_level=result.star_level,
            star_level=granted,
            reason=reason,
        )
        certificate = certificate_issue(application=application, decision=decision, actor=actor) if certify else None
        notify(
            enterprise_people(application),
            subject=gettext_lazy("Certification decision for %(reference)s: %(outcome)s"),
            params={"reference": application.reference, "outcome": decision.get_outcome_display()},
            template="emails/certification_decision.txt",
            context={"application": application, "decision": decision, "certificate": certificate,
                     "star_name": STAR_NAMES[granted]},
            kind=Kind.DECISION_MADE, application=application, exclude=actor,
            url=reverse("applications:detail", args=[application.pk]),
            values={"decision": CertificationDecision.Outcome(decision.outcome).label, "comment": reason or "—"},
        )  # fmt: skip
    return decision

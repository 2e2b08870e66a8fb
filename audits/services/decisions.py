"""The certification decision (认证决定): by a certifier who was not on the audit team, on the score
sheet, the findings and the auditors' recommendation. Certifying issues the certificate in the same
transaction as the status change."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import Application
from applications.people import people_of
from applications.services import application_transition
from audits.models import CertificationDecision, ScoreSheet
from audits.models.certificates import STAR_NAMES
from audits.services.certificates import certificate_issue
from certportal.accounts.models import User
from certportal.lib.guards import enforce
from notifications.models import Kind
from notifications.services import Email, notify

Status = Application.Status


def is_certifier(actor: User, application: Application) -> bool:
    return actor.has_perm("audits.change_certificates", application)


def certification_decide_problem(application: Application, actor: User) -> str | None:
    """Why this actor cannot make the certification decision now; None when they can (the
    workflow's preconditions then say whether certifying, refusing or both are possible)."""
    if not is_certifier(actor, application):
        return _("Only certifiers make the certification decision.")
    if application.kind == Application.Kind.SURVEILLANCE:
        return _("This is a surveillance audit: its decision is made on the surveillance decision page.")
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
            recipients=people_of(application),
            kind=Kind.DECISION_MADE,
            application=application,
            exclude=actor,
            url=reverse("applications:detail", args=[application.pk]),
            context={"decision": CertificationDecision.Outcome(decision.outcome).label, "comment": reason or "—"},
            email=Email(
                subject=gettext_lazy("Certification decision for %(reference)s: %(outcome)s"),
                params={"reference": application.reference, "outcome": decision.get_outcome_display()},
                template="emails/certification_decision.txt",
                context={"application": application, "decision": decision, "certificate": certificate,
                         "star_name": STAR_NAMES[granted]},
            ),
        )  # fmt: skip
    return decision

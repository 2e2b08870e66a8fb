"""Surveillance audits (监督审核): the body opens one when it falls due, as an application of the kind
SURVEILLANCE (its own evidence set, one video audit, findings, a score sheet); the enterprise confirms
its basic information; a certifier who was not on the team decides on the certificate.

Outcomes: maintained (the score gives the star level it holds) or star level changed (the score gives
another): the surveillance counts and the next one falls due; suspended or withdrawn: the certificate
changes status through `certificate_change_status`, and the surveillance does not count. Every
outcome is kept in the certificate's history with its reasons.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application, ApplicationEvent
from applications.people import people_of
from applications.services import application_transition
from applications.services.application import application_reference
from applications.services.evidence import evidence_requirements_ensure
from audits.models import Certificate, CertificateEvent, ScoreSheet, SurveillanceAudit
from audits.models.certificates import STAR_NAMES
from audits.models.surveillance import OPENING_WINDOW_MONTHS
from audits.services.certificates import (
    add_months,
    certificate_change_status,
    certificate_pdf_enqueue,
    last_surveillance_date,
    surveillance_due_date,
)
from certportal.accounts.models import User
from certportal.lib.guards import enforce
from notifications.models import Kind
from notifications.services import notify

CertStatus = Certificate.Status
Outcome = SurveillanceAudit.Outcome
Status = Application.Status
EventKind = ApplicationEvent.Kind
# The outcomes after which the surveillance counts as done (the certificate stays valid).
COMPLETING = (Outcome.MAINTAINED, Outcome.STAR_CHANGED)


def _opens_surveillance(actor: User) -> bool:
    return actor.has_perm("audits.record_surveillance")


def surveillance_open_problem(certificate: Certificate, actor: User, today: datetime.date | None = None) -> str | None:
    """Why this actor cannot open the certificate's next surveillance audit now; None when they can."""
    today = today or timezone.localdate()
    if not _opens_surveillance(actor):
        return _("Only the certification body's staff open surveillance audits.")
    if certificate.effective_status(today) not in (CertStatus.VALID, CertStatus.SUSPENDED):
        return _("Surveillance audits are opened for valid or suspended certificates only.")
    due = certificate.surveillance_due_on
    if due is None:
        return _("Both surveillance audits of this cycle are done; next comes recertification.")
    opens_on = add_months(due, -OPENING_WINDOW_MONTHS)
    if today < opens_on:
        return _("The surveillance audit due by %(due)s can be opened from %(date)s.") % {
            "due": due.isoformat(),
            "date": opens_on.isoformat(),
        }
    running = SurveillanceAudit.objects.filter(certificate=certificate, outcome="").first()
    if running is not None:
        return _("Surveillance audit %(sequence)s of this certificate is already under way.") % {
            "sequence": running.sequence
        }
    if Application.objects.filter(enterprise_id=certificate.enterprise_id).open().exists():
        return _("The enterprise has an open application; it must be finished before a surveillance audit opens.")
    return None


def surveillance_open(
    *, certificate: Certificate, actor: User, today: datetime.date | None = None
) -> SurveillanceAudit:
    """Open the certificate's next surveillance audit: an application of the kind SURVEILLANCE for the
    same enterprise, scope and consultant, with the surveillance evidence set, already with the body."""
    today = today or timezone.localdate()
    enforce(surveillance_open_problem(certificate, actor, today), permitted=_opens_surveillance(actor))
    with transaction.atomic():
        # Two clicks at once: the second waits here, then finds the first one's surveillance.
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        enforce(surveillance_open_problem(locked, actor, today), permitted=True)
        try:
            surveillance = _create(locked, actor)
        except IntegrityError as error:
            raise ValidationError(_("This certificate has just changed. Please look at it again.")) from error
    application = surveillance.application
    notify(
        kind=Kind.SURVEILLANCE_OPENED,
        recipients=people_of(application),
        application=application,
        url=reverse("applications:detail", args=[application.pk]),
        context={
            "number": locked.number,
            "sequence": surveillance.sequence,
            "due": locked.surveillance_due_on.isoformat() if locked.surveillance_due_on else "—",
        },
        exclude=actor,
    )
    return surveillance


def _create(certificate: Certificate, actor: User) -> SurveillanceAudit:
    now = timezone.now()
    source = certificate.application
    with transaction.atomic():
        application = Application.objects.create(
            enterprise_id=certificate.enterprise_id,
            reference=application_reference(timezone.localdate().year),
            kind=Application.Kind.SURVEILLANCE,
            consultant_id=source.consultant_id,
            # Opened by the body: it is with the body from the start.
            submitted_at=now,
        )
        application.scope.set(source.scope.all())
        sequence = certificate.surveillances_done + 1
        surveillance = SurveillanceAudit.objects.create(
            certificate=certificate, sequence=sequence, application=application, opened_by=actor, opened_at=now
        )
    ApplicationEvent.objects.create(
        application=application, kind=EventKind.CREATED, actor=actor, to_status=Status.DRAFT
    )
    ApplicationEvent.objects.create(
        application=application,
        kind=EventKind.SURVEILLANCE_OPENED,
        actor=actor,
        data={"number": certificate.number, "sequence": sequence},
    )
    CertificateEvent.objects.create(
        certificate=certificate,
        kind=CertificateEvent.Kind.SURVEILLANCE_OPENED,
        actor=actor,
        data={"sequence": sequence, "application": application.reference},
    )
    evidence_requirements_ensure(application)
    return surveillance


# --- The enterprise confirms its basic information ---------------------------------------------------


def surveillance_confirm_information_problem(surveillance: SurveillanceAudit, actor: User) -> str | None:
    """Why this actor cannot confirm the enterprise's basic information now; None when they can."""
    application = surveillance.application
    if not actor.has_perm("applications.change_enterprise", application):
        return _("Only the enterprise's own users confirm its basic information.")
    if application.status not in (Status.DRAFT, Status.RETURNED):
        return _("The surveillance evidence is already with the certification body.")
    return None


def surveillance_confirm_information(*, surveillance: SurveillanceAudit, actor: User) -> SurveillanceAudit:
    """The enterprise confirms that its basic information, products, outlets and after-sales service
    managers are up to date (after changing them on the profile pages, where needed)."""
    enforce(
        surveillance_confirm_information_problem(surveillance, actor),
        permitted=actor.has_perm("applications.change_enterprise", surveillance.application),
    )
    now = timezone.now()
    with transaction.atomic():
        SurveillanceAudit.objects.filter(pk=surveillance.pk).update(
            information_confirmed_at=now, information_confirmed_by=actor, updated_at=now
        )
        ApplicationEvent.objects.create(
            application=surveillance.application, kind=EventKind.INFORMATION_CONFIRMED, actor=actor, created_at=now
        )
    surveillance.information_confirmed_at = now
    surveillance.information_confirmed_by = actor
    return surveillance


# --- The certifier's decision ------------------------------------------------------------------------


def _is_certifier(actor: User) -> bool:
    return actor.has_perm("audits.change_certificates")


def surveillance_decide_problem(surveillance: SurveillanceAudit, actor: User) -> str | None:
    """Why this actor cannot decide on the surveillance audit now; None when they can (the workflow's
    preconditions then say which outcomes are possible: impartiality, findings, the score)."""
    if not _is_certifier(actor):
        return _("Only certifiers decide on a surveillance audit.")
    if surveillance.application.status != Status.DECISION:
        return _("The surveillance audit is not waiting for a decision.")
    return None


def surveillance_decide(
    *,
    surveillance: SurveillanceAudit,
    actor: User,
    outcome: str,
    reason: str = "",
    suspended_until: datetime.date | None = None,
    today: datetime.date | None = None,
) -> SurveillanceAudit:
    """Maintain the certificate, change its star level to the one the new score gives, suspend or
    withdraw it; the reasons go to the certificate's history, and the enterprise and consultant are told."""
    today = today or timezone.localdate()
    enforce(surveillance_decide_problem(surveillance, actor), permitted=_is_certifier(actor))
    reason = reason.strip()
    certificate = surveillance.certificate
    star_before = certificate.star_level
    star_after = _check_outcome(surveillance, outcome, reason, today)
    completing = outcome in COMPLETING
    with transaction.atomic():
        application_transition(
            application=surveillance.application,
            actor=actor,
            target=Status.CERTIFIED if completing else Status.NOT_CERTIFIED,
            comment=reason,
        )
        if completing:
            _complete(surveillance, actor=actor, outcome=outcome, star_after=star_after, reason=reason, today=today)
        else:
            certificate_change_status(
                certificate=certificate,
                actor=actor,
                target=CertStatus.SUSPENDED if outcome == Outcome.SUSPENDED else CertStatus.WITHDRAWN,
                reason=reason,
                suspended_until=suspended_until,
                today=today,
            )
        now = timezone.now()
        surveillance.outcome = outcome
        surveillance.decided_by = actor
        surveillance.decided_at = now
        surveillance.reason = reason
        surveillance.star_level_before = star_before
        surveillance.star_level_after = star_after
        surveillance.save(
            update_fields=[
                "outcome", "decided_by", "decided_at", "reason", "star_level_before", "star_level_after", "updated_at",
            ]
        )  # fmt: skip
        _tell(surveillance, actor)
    return surveillance


def _check_outcome(surveillance: SurveillanceAudit, outcome: str, reason: str, today: datetime.date) -> int | None:
    """The star level the certificate will hold after this outcome; a ValidationError when the
    outcome does not fit the score or a reason is missing."""
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": [_("Choose a decision.")]})
    certificate = surveillance.certificate
    if outcome not in COMPLETING:
        if not reason:
            raise ValidationError(
                {"reason": [_("Please give the reasons; they are kept in the certificate's history.")]}
            )
        return None
    sheet = ScoreSheet.objects.filter(application=surveillance.application).select_related("version").first()
    if sheet is None:
        raise ValidationError(_("There is no score sheet for this surveillance audit."))
    result = sheet.result()
    if not result.certifiable:
        raise ValidationError(
            {"outcome": [_("The score does not reach two stars: suspend or withdraw the certificate.")]}
        )
    if outcome == Outcome.MAINTAINED and result.star_level != certificate.star_level:
        raise ValidationError(
            {
                "outcome": [
                    _("The new score gives %(stars)s: change the star level.")
                    % {"stars": STAR_NAMES[result.star_level]}
                ]
            }
        )
    if outcome == Outcome.STAR_CHANGED:
        if result.star_level == certificate.star_level:
            raise ValidationError(
                {"outcome": [_("The new score gives the star level the certificate holds: maintain it.")]}
            )
        if not reason:
            raise ValidationError(
                {"reason": [_("Please give the reasons; they are kept in the certificate's history.")]}
            )
    previous = last_surveillance_date(certificate)
    if previous is not None and today <= previous:
        raise ValidationError(
            _("The previous surveillance audit was completed on %(date)s; this one must be completed on a later day.")
            % {"date": previous.isoformat()}
        )
    return result.star_level


def _complete(
    surveillance: SurveillanceAudit,
    *,
    actor: User,
    outcome: str,
    star_after: int | None,
    reason: str,
    today: datetime.date,
) -> None:
    certificate = surveillance.certificate
    if surveillance.sequence != certificate.surveillances_done + 1:
        raise ValidationError(_("Surveillance audits complete in their order: this one is no longer the next."))
    assert star_after is not None  # a completing outcome always has the star level of the score
    done = certificate.surveillances_done + 1
    star_before = certificate.star_level
    changes: dict[str, object] = {
        "surveillances_done": done,
        "surveillance_due_on": surveillance_due_date(certificate.issued_on, done),
        "surveillance_extended_to": None,
        "updated_at": timezone.now(),
    }
    if outcome == Outcome.STAR_CHANGED:
        sheet = ScoreSheet.objects.select_related("version").get(application=surveillance.application)
        changes.update(star_level=star_after, score=sheet.result().total)
    updated = Certificate.objects.filter(pk=certificate.pk, surveillances_done=certificate.surveillances_done).update(
        **changes
    )
    if updated != 1:
        raise ValidationError(_("This certificate has just changed. Please look at it again."))
    certificate.refresh_from_db()
    CertificateEvent.objects.create(
        certificate=certificate,
        kind=CertificateEvent.Kind.SURVEILLANCE,
        actor=actor,
        reason=reason,
        data={
            "done_on": today.isoformat(),
            "number": done,
            "application": surveillance.application.reference,
            "outcome": outcome,
            "star_level_before": star_before,
            "star_level_after": star_after,
        },
    )
    if outcome == Outcome.STAR_CHANGED:
        certificate_pdf_enqueue(certificate)  # the certificate states the star level


def _tell(surveillance: SurveillanceAudit, actor: User) -> None:
    application = surveillance.application
    notify(
        kind=Kind.SURVEILLANCE_DECIDED,
        recipients=people_of(application),
        application=application,
        url=reverse("audits:certificate", args=[surveillance.certificate_id]),
        context={
            "number": surveillance.certificate.number,
            "decision": Outcome(surveillance.outcome).label,
            "comment": surveillance.reason or "—",
        },
        exclude=actor,
    )

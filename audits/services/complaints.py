"""Complaints (投诉) and appeals (申诉): filing, assignment to someone not involved, the answer or
decision before the deadline, the outcome on the certificate's history, and the daily reminder of
what is overdue."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import Application, ApplicationEvent
from applications.people import staff_with_role
from audits import interface
from audits.models import (
    Appeal,
    CaseStatus,
    Certificate,
    CertificateEvent,
    CertificationDecision,
    Complaint,
    ComplaintFile,
)
from audits.services.findings import EVIDENCE_FAMILIES, EVIDENCE_MAX_BYTES
from certportal.accounts.models import User
from certportal.lib.guards import enforce
from certportal.lib.links import site_url
from certportal.lib.mail import email_queue
from certportal.lib.uploads import StoredUpload, UploadRefused, upload_store
from notifications.models import Kind
from notifications.services import notify

MAX_FILES = 5
RECEIPT_SUBJECT = gettext_lazy("Your complaint %(complaint)s was received")
ANSWER_SUBJECT = gettext_lazy("Answer to your complaint %(complaint)s")
TEXT_MAX = 5000


def is_body_manager(actor: User) -> bool:
    return actor.has_perm("audits.manage_complaints")


def body_managers() -> list[User]:
    return staff_with_role(User.Role.BODY_MANAGER)


def handlers() -> list[User]:
    """Who may be given a complaint or an appeal: the body's active staff."""
    roles = [User.Role.AUDITOR, User.Role.CERTIFIER, User.Role.BODY_MANAGER]
    return list(User.objects.filter(role__in=roles, is_active=True).order_by("full_name", "username"))


# --- Who took part ----------------------------------------------------------------------------------


def _decision_of(application: Application) -> CertificationDecision | None:
    return CertificationDecision.objects.filter(application=application).first()


@dataclass(frozen=True)
class Parties:
    """Who took part in the matter: its audit team, who decided, its consultant, its enterprise."""

    team: frozenset[int]
    deciders: frozenset[int]
    consultant_id: int | None
    enterprise_id: int

    def involvement(self, person: User) -> str | None:
        """Why this person took part (and so may not judge the matter), or None."""
        name = person.display_name
        if person.pk in self.team:
            return _("%(name)s was on the audit team of this application.") % {"name": name}
        if person.pk in self.deciders:
            return _("%(name)s made the decision concerned.") % {"name": name}
        if self.consultant_id == person.pk:
            return _("%(name)s is the enterprise's consultant.") % {"name": name}
        if person.enterprise_id is not None and person.enterprise_id == self.enterprise_id:
            return _("%(name)s works for the enterprise.") % {"name": name}
        return None


def parties_of(application: Application, deciders: Sequence[int]) -> Parties:
    return Parties(
        team=frozenset(interface.audit_team_ids(application)),
        deciders=frozenset(deciders),
        consultant_id=application.consultant_id,
        enterprise_id=application.enterprise_id,
    )


def _handler_problem(person: User) -> str | None:
    if not (person.is_active and person.is_body_staff):
        return _("Only the certification body's active staff can be given this.")
    return None


# --- Complaints -------------------------------------------------------------------------------------


@dataclass
class ComplaintFiling:
    about: str
    name: str
    email: str
    text: str
    phone: str = ""
    files: list[UploadedFile] = field(default_factory=list)


def complaint_file_problem(certificate: Certificate, actor: User) -> str | None:
    """A signed-in enterprise user files a complaint from their own certificate's page."""
    if not _is_holder(actor, certificate):
        return _("Only the certificate holder's users can file a complaint here.")
    return None


def _is_holder(actor: User, certificate: Certificate) -> bool:
    return bool(
        actor.is_authenticated and actor.is_enterprise_user and actor.enterprise_id == certificate.enterprise_id
    )


def complaint_file(*, certificate: Certificate, filing: ComplaintFiling, actor: User | None = None) -> Complaint:
    """Record a complaint, from the public page (no actor) or a signed-in enterprise user; its files
    pass the upload check first. The body managers are told and the complainant gets a receipt."""
    if actor is not None:
        enforce(complaint_file_problem(certificate, actor), permitted=_is_holder(actor, certificate))
    if len(filing.files) > MAX_FILES:
        raise ValidationError({"files": [_("At most %(count)s files.") % {"count": MAX_FILES}]})
    stored = _files_store(certificate, filing.files)
    try:
        with transaction.atomic():
            complaint = Complaint.objects.create(
                certificate=certificate,
                about=filing.about,
                filed_by=actor,
                name=filing.name.strip(),
                email=filing.email.strip(),
                phone=filing.phone.strip(),
                text=filing.text.strip(),
                language=translation.get_language() or settings.LANGUAGE_CODE,
                due_on=timezone.localdate() + datetime.timedelta(days=settings.COMPLAINT_ANSWER_DAYS),
            )
            for each in stored:
                _file_record(complaint, each)
    except BaseException:
        for each in stored:
            default_storage.delete(each.name)
        raise
    _tell_received(complaint)
    return complaint


def _files_store(certificate: Certificate, uploads: list[UploadedFile]) -> list[StoredUpload]:
    stored: list[StoredUpload] = []
    for upload in uploads:
        try:
            stored.append(
                upload_store(
                    upload,
                    families=EVIDENCE_FAMILIES,
                    folder=f"audits/complaints/{certificate.pk}",
                    max_bytes=EVIDENCE_MAX_BYTES,
                )
            )
        except UploadRefused as refusal:
            for each in stored:
                default_storage.delete(each.name)
            raise ValidationError({"files": [refusal.message]}) from refusal
    return stored


def _file_record(complaint: Complaint, stored: StoredUpload) -> None:
    ComplaintFile.objects.create(
        complaint=complaint,
        file=stored.name,
        original_name=stored.original_name[:255],
        size=stored.size,
        sha256=stored.sha256,
    )


def _tell_received(complaint: Complaint) -> None:
    notify(
        recipients=body_managers(),
        kind=Kind.COMPLAINT_RECEIVED,
        url=reverse("audits:complaint", args=[complaint.pk]),
        context={"number": complaint.certificate.number, "complaint": complaint.reference},
    )
    _email_complainant(
        complaint,
        subject=RECEIPT_SUBJECT,
        template="emails/complaint_received.txt",
    )


def _email_complainant(complaint: Complaint, *, subject: Promise, template: str) -> None:
    with translation.override(complaint.language):
        context = {"complaint": complaint, "site_url": site_url()}
        email_queue(
            to=[complaint.email],
            subject=str(subject) % {"complaint": complaint.reference},
            body_text=render_to_string(template, context),
        )


def _case_assigned(case: Complaint | Appeal, assignee: User) -> bool:
    """Give a complaint or an appeal to `assignee`, unless it was closed meanwhile (a conditional
    update: of two people acting at once, one wins)."""
    now = timezone.now()
    still_open = type(case).objects.filter(pk=case.pk, status__in=[CaseStatus.RECEIVED, CaseStatus.ASSIGNED])
    return still_open.update(status=CaseStatus.ASSIGNED, assigned_to=assignee, assigned_at=now, updated_at=now) == 1


def complaint_parties(complaint: Complaint) -> Parties:
    """Not on the certificate's audit teams, not its certifier, not its consultant."""
    decision = _decision_of(complaint.certificate.application)
    return parties_of(complaint.certificate.application, [decision.certifier_id] if decision is not None else [])


def complaint_assign_problem(complaint: Complaint, actor: User, assignee: User | None = None) -> str | None:
    if not is_body_manager(actor):
        return _("Only the body manager assigns complaints.")
    if complaint.status == CaseStatus.CLOSED:
        return _("This complaint has been answered and closed.")
    if assignee is None:
        return None
    return _handler_problem(assignee) or complaint_parties(complaint).involvement(assignee)


def complaint_assign(*, complaint: Complaint, actor: User, assignee: User) -> None:
    """The body manager gives the complaint to someone not involved with the certificate."""
    enforce(complaint_assign_problem(complaint, actor, assignee), permitted=is_body_manager(actor))
    if not _case_assigned(complaint, assignee):
        raise ValidationError(_("This complaint has just been closed."))
    complaint.refresh_from_db()
    notify(
        recipients=[assignee],
        kind=Kind.COMPLAINT_ASSIGNED,
        url=reverse("audits:complaint", args=[complaint.pk]),
        context={"complaint": complaint.reference, "due": complaint.due_on.isoformat()},
        exclude=actor,
    )


def complaint_answer_problem(complaint: Complaint, actor: User) -> str | None:
    if complaint.assigned_to_id != actor.pk:
        return _("Only the person the complaint was given to answers it.")
    if complaint.status != CaseStatus.ASSIGNED:
        return _("This complaint has been answered and closed.")
    return None


def complaint_answer(
    *, complaint: Complaint, actor: User, answer: str, outcome: str, special_surveillance: bool = False
) -> None:
    """Answer the complaint and close it; the complainant is sent the answer. An outcome that calls
    for a special surveillance of the certificate is recorded on the certificate's history."""
    enforce(complaint_answer_problem(complaint, actor), permitted=complaint.assigned_to_id == actor.pk)
    if outcome not in Complaint.Outcome.values:
        raise ValidationError({"outcome": [_("Choose an outcome.")]})
    if not answer.strip():
        raise ValidationError({"answer": [_("Write the answer to the complainant.")]})
    now = timezone.now()
    with transaction.atomic():
        updated = Complaint.objects.filter(pk=complaint.pk, status=CaseStatus.ASSIGNED, assigned_to=actor).update(
            status=CaseStatus.CLOSED,
            answer=answer.strip(),
            outcome=outcome,
            special_surveillance=special_surveillance,
            answered_at=now,
            updated_at=now,
        )
        if updated != 1:
            raise ValidationError(_("This complaint has just been answered."))
        complaint.refresh_from_db()
        if special_surveillance:
            CertificateEvent.objects.create(
                certificate=complaint.certificate,
                kind=CertificateEvent.Kind.SPECIAL_SURVEILLANCE,
                actor=actor,
                reason=_("After complaint %(complaint)s") % {"complaint": complaint.reference},
                data={"complaint": complaint.pk, "outcome": outcome},
            )
    _tell_answered(complaint)


def _tell_answered(complaint: Complaint) -> None:
    if complaint.filed_by is not None:
        notify(
            recipients=[complaint.filed_by],
            kind=Kind.COMPLAINT_ANSWERED,
            url=reverse("audits:complaint", args=[complaint.pk]),
            context={"complaint": complaint.reference, "answer": complaint.answer},
        )
        return
    _email_complainant(complaint, subject=ANSWER_SUBJECT, template="emails/complaint_answered.txt")


# --- Appeals ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Appealable:
    """A decision the enterprise may still appeal, and until when."""

    against: str
    decision: CertificationDecision
    event: CertificateEvent | None
    decided_on: datetime.date

    @property
    def until(self) -> datetime.date:
        return self.decided_on + datetime.timedelta(days=settings.APPEAL_DAYS)

    @property
    def label(self) -> str:
        return str(Appeal.Against(self.against).label)


def appealable_decisions(application: Application, today: datetime.date | None = None) -> list[Appealable]:
    """The application's decisions still within the appeal period and not yet appealed."""
    today = today or timezone.localdate()
    decision = _decision_of(application)
    if decision is None:
        return []
    decided_on = timezone.localdate(decision.decided_at)
    refused = decision.outcome == CertificationDecision.Outcome.REFUSED
    found = [Appealable(Appeal.Against.NOT_CERTIFIED if refused else Appeal.Against.STAR_LEVEL, decision, None,
                        decided_on)]  # fmt: skip
    certificate = Certificate.objects.filter(application=application).first()
    if certificate is not None:
        found += _status_decisions(certificate, decision)
    taken = set(application.appeals.values_list("against", "certificate_event_id"))
    return [each for each in found if each.until >= today and (each.against, _event_id(each)) not in taken]


def _event_id(each: Appealable) -> int | None:
    return each.event.pk if each.event is not None else None


def _status_decisions(certificate: Certificate, decision: CertificationDecision) -> list[Appealable]:
    kinds = {
        Certificate.Status.SUSPENDED: Appeal.Against.SUSPENSION,
        Certificate.Status.WITHDRAWN: Appeal.Against.WITHDRAWAL,
    }
    found: dict[str, Appealable] = {}
    events = CertificateEvent.objects.filter(
        certificate=certificate, kind=CertificateEvent.Kind.STATUS_CHANGED, to_status__in=list(kinds)
    ).order_by("created_at", "pk")
    for event in events:  # the latest of each kind is the one appealed
        against = kinds[Certificate.Status(event.to_status)]
        found[against] = Appealable(against, decision, event, timezone.localdate(event.created_at))
    return list(found.values())


def is_member(actor: User, application: Application) -> bool:
    return bool(actor.is_enterprise_user and actor.enterprise_id == application.enterprise_id)


def appeal_file_problem(application: Application, actor: User, today: datetime.date | None = None) -> str | None:
    if not is_member(actor, application):
        return _("Only the enterprise's users can appeal its decisions.")
    if not appealable_decisions(application, today):
        return _("There is no decision open to appeal: a decision can be appealed once, within %(days)s days.") % {
            "days": settings.APPEAL_DAYS
        }
    return None


def appeal_file(*, application: Application, actor: User, against: str, grounds: str) -> Appeal:
    """The enterprise appeals one of its decisions within the appeal period; the body managers are told."""
    today = timezone.localdate()
    enforce(appeal_file_problem(application, actor, today), permitted=is_member(actor, application))
    target = next((each for each in appealable_decisions(application, today) if each.against == against), None)
    if target is None:
        raise ValidationError({"against": [_("This decision cannot be appealed (any more).")]})
    if not grounds.strip():
        raise ValidationError({"grounds": [_("Give the grounds of the appeal.")]})
    appeal = Appeal.objects.create(
        application=application,
        against=against,
        decision=target.decision,
        certificate_event=target.event,
        decided_on=target.decided_on,
        filed_by=actor,
        grounds=grounds.strip(),
        due_on=today + datetime.timedelta(days=settings.APPEAL_DECISION_DAYS),
    )
    notify(
        recipients=body_managers(),
        kind=Kind.APPEAL_RECEIVED,
        application=application,
        url=reverse("audits:appeal", args=[appeal.pk]),
        context={"appeal": appeal.reference, "against": target.label},
    )
    return appeal


def appeal_parties(appeal: Appeal) -> Parties:
    """Not whoever made the decision appealed, not on the audit team."""
    deciders = [appeal.decision.certifier_id]
    if appeal.certificate_event is not None and appeal.certificate_event.actor_id:
        deciders = [appeal.certificate_event.actor_id]
    return parties_of(appeal.application, deciders)


def appeal_assign_problem(appeal: Appeal, actor: User, assignee: User | None = None) -> str | None:
    if not is_body_manager(actor):
        return _("Only the body manager assigns appeals.")
    if appeal.status == CaseStatus.CLOSED:
        return _("This appeal has been decided.")
    if assignee is None:
        return None
    return _handler_problem(assignee) or appeal_parties(appeal).involvement(assignee)


def appeal_assign(*, appeal: Appeal, actor: User, assignee: User) -> None:
    """The body manager gives the appeal to someone who took no part in the decision."""
    enforce(appeal_assign_problem(appeal, actor, assignee), permitted=is_body_manager(actor))
    if not _case_assigned(appeal, assignee):
        raise ValidationError(_("This appeal has just been decided."))
    appeal.refresh_from_db()
    notify(
        recipients=[assignee],
        kind=Kind.APPEAL_ASSIGNED,
        application=appeal.application,
        url=reverse("audits:appeal", args=[appeal.pk]),
        context={"appeal": appeal.reference, "due": appeal.due_on.isoformat()},
        exclude=actor,
    )


def appeal_decide_problem(appeal: Appeal, actor: User) -> str | None:
    if appeal.assigned_to_id != actor.pk:
        return _("Only the person the appeal was given to decides it.")
    if appeal.status != CaseStatus.ASSIGNED:
        return _("This appeal has been decided.")
    return appeal_parties(appeal).involvement(actor)


def appeal_decide(*, appeal: Appeal, actor: User, outcome: str, reason: str) -> None:
    """Decide the appeal; the outcome goes on the certificate's history (or the application's
    timeline when there is no certificate) and the enterprise is told."""
    enforce(appeal_decide_problem(appeal, actor), permitted=appeal.assigned_to_id == actor.pk)
    if outcome not in Appeal.Outcome.values:
        raise ValidationError({"outcome": [_("Choose an outcome.")]})
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the reasons for the decision.")]})
    now = timezone.now()
    with transaction.atomic():
        updated = Appeal.objects.filter(pk=appeal.pk, status=CaseStatus.ASSIGNED, assigned_to=actor).update(
            status=CaseStatus.CLOSED, outcome=outcome, reason=reason.strip(), decided_at=now, updated_at=now
        )
        if updated != 1:
            raise ValidationError(_("This appeal has just been decided."))
        appeal.refresh_from_db()
        _record_outcome(appeal, actor)
    notify(
        recipients=User.objects.filter(enterprise_id=appeal.application.enterprise_id, is_active=True),
        kind=Kind.APPEAL_DECIDED,
        application=appeal.application,
        url=reverse("audits:appeal", args=[appeal.pk]),
        context={"appeal": appeal.reference, "outcome": appeal.get_outcome_display(), "reason": appeal.reason},
    )


def _record_outcome(appeal: Appeal, actor: User) -> None:
    data = {"appeal": appeal.pk, "against": appeal.against, "outcome": appeal.outcome}
    certificate = Certificate.objects.filter(application=appeal.application).first()
    if certificate is not None:
        CertificateEvent.objects.create(
            certificate=certificate, kind=CertificateEvent.Kind.APPEAL_DECIDED, actor=actor, reason=appeal.reason,
            data=data,
        )  # fmt: skip
        return
    ApplicationEvent.objects.create(
        application=appeal.application, kind=ApplicationEvent.Kind.APPEAL_DECIDED, actor=actor,
        comment=appeal.reason, data=data,
    )  # fmt: skip


# --- Overdue reminders ------------------------------------------------------------------------------


def cases_overdue_remind(*, today: datetime.date | None = None) -> int:
    """Tell the person handling each overdue complaint and appeal (the body managers while none is
    assigned), once a day per item; returns how many were reminded."""
    today = today or timezone.localdate()
    count = 0
    for model, route in ((Complaint, "audits:complaint"), (Appeal, "audits:appeal")):
        overdue = model.objects.exclude(status=CaseStatus.CLOSED).filter(due_on__lt=today)
        for case in overdue.exclude(reminded_on=today).select_related("assigned_to"):
            # The conditional update is the claim: two runs on the same day remind once.
            if model.objects.filter(pk=case.pk).exclude(reminded_on=today).update(reminded_on=today) != 1:
                continue
            notify(
                recipients=[case.assigned_to] if case.assigned_to else body_managers(),
                kind=Kind.CASE_OVERDUE,
                url=reverse(route, args=[case.pk]),
                context={"case": case.reference, "due": case.due_on.isoformat()},
            )
            count += 1
    return count


def holder_cases_panel(certificate: Certificate, actor: User) -> dict[str, object]:
    """What the certificate page offers its holder: a complaint, and the appeal page (which lists the
    decisions still open to appeal, or says there are none), at no query's cost."""
    holder = _is_holder(actor, certificate)
    return {"may_complain": holder, "may_appeal": holder}


# --- The register ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseRow:
    """One line of the register: a complaint or an appeal."""

    kind: str
    reference: str
    url: str
    concerning: str
    holder: str
    subject: str
    status: str
    status_label: str
    received_on: datetime.date
    due_on: datetime.date
    overdue: bool
    handler: str
    outcome: str
    closed_at: datetime.datetime | None


REGISTER_LIMIT = 1000


def register_rows(
    *, kind: str = "", state: str = "", overdue: bool = False, today: datetime.date | None = None
) -> list[CaseRow]:
    """Complaints and appeals, newest first, filtered by kind, status and being overdue."""
    today = today or timezone.localdate()
    rows: list[CaseRow] = []
    complaints = Complaint.objects.select_related("certificate", "assigned_to")
    appeals = Appeal.objects.select_related("application__enterprise", "assigned_to")
    if state:
        complaints, appeals = complaints.filter(status=state), appeals.filter(status=state)
    if overdue:
        complaints = complaints.exclude(status=CaseStatus.CLOSED).filter(due_on__lt=today)
        appeals = appeals.exclude(status=CaseStatus.CLOSED).filter(due_on__lt=today)
    if kind in ("", "complaint"):
        rows += [_complaint_row(each, today) for each in complaints[:REGISTER_LIMIT]]
    if kind in ("", "appeal"):
        rows += [_appeal_row(each, today) for each in appeals[:REGISTER_LIMIT]]
    return sorted(rows, key=lambda row: (row.received_on, row.reference), reverse=True)


def _complaint_row(complaint: Complaint, today: datetime.date) -> CaseRow:
    return CaseRow(
        kind=str(Complaint._meta.verbose_name),
        reference=complaint.reference,
        url=reverse("audits:complaint", args=[complaint.pk]),
        concerning=complaint.certificate.number,
        holder=complaint.certificate.holder_name,
        subject=complaint.get_about_display(),
        status=complaint.status,
        status_label=complaint.get_status_display(),
        received_on=timezone.localdate(complaint.created_at),
        due_on=complaint.due_on,
        overdue=complaint.is_overdue(today),
        handler=complaint.assigned_to.display_name if complaint.assigned_to else "",
        outcome=complaint.get_outcome_display() if complaint.outcome else "",
        closed_at=complaint.answered_at,
    )


def _appeal_row(appeal: Appeal, today: datetime.date) -> CaseRow:
    return CaseRow(
        kind=str(Appeal._meta.verbose_name),
        reference=appeal.reference,
        url=reverse("audits:appeal", args=[appeal.pk]),
        concerning=appeal.application.reference,
        holder=appeal.application.enterprise.name,
        subject=appeal.get_against_display(),
        status=appeal.status,
        status_label=appeal.get_status_display(),
        received_on=timezone.localdate(appeal.created_at),
        due_on=appeal.due_on,
        overdue=appeal.is_overdue(today),
        handler=appeal.assigned_to.display_name if appeal.assigned_to else "",
        outcome=appeal.get_outcome_display() if appeal.outcome else "",
        closed_at=appeal.decided_at,
    )


def register_header() -> list[str]:
    return [
        _("Kind"), _("Reference"), _("Certificate or application"), _("Holder"), _("About"), _("Status"),
        _("Received"), _("Due by"), _("Overdue"), _("Handled by"), _("Outcome"), _("Closed"),
    ]  # fmt: skip


def register_values(row: CaseRow) -> list[object]:
    closed = timezone.localtime(row.closed_at).strftime("%Y-%m-%d %H:%M") if row.closed_at else ""
    return [
        row.kind, row.reference, row.concerning, row.holder, row.subject, row.status_label, row.received_on,
        row.due_on, _("yes") if row.overdue else "", row.handler, row.outcome, closed,
    ]  # fmt: skip

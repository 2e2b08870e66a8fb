"""Findings: the auditor raises one against an indicator, the enterprise (or its consultant) answers
with root cause, correction, corrective action and evidence, the auditor verifies."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import Application, ApplicationEvent
from applications.people import people_of
from audits.models import AuditRound, Finding, FindingEvidence, Indicator
from audits.services.rounds import AUDITORS_ONLY, is_auditor, may_respond
from audits.setup import score_sheet_ensure
from certportal.accounts.models import User
from certportal.lib.guards import enforce
from certportal.lib.uploads import DEFAULT_FAMILIES, StoredUpload, UploadRefused, upload_store
from notifications.models import Kind
from notifications.services import Email, notify

Status = Application.Status
EventKind = ApplicationEvent.Kind
# Findings are raised during the remote audits and the evaluation.
RAISING_STATUSES = (Status.REMOTE_AUDIT, Status.EVALUATION)
# Records, photos, revised procedures: the kinds evidence items accept by default.
EVIDENCE_FAMILIES = DEFAULT_FAMILIES
EVIDENCE_MAX_BYTES = 50 * 1024 * 1024


def finding_raise_problem(application: Application, actor: User) -> str | None:
    """Why this actor cannot raise a finding on the application now; None when they can."""
    if not is_auditor(actor, application):
        return str(AUDITORS_ONLY)
    if application.status not in RAISING_STATUSES:
        return _("Findings are raised during the remote audits and the evaluation.")
    return None


def finding_raise(
    *,
    application: Application,
    actor: User,
    indicator: Indicator,
    grade: str,
    description: str,
    deadline: datetime.date,
    audit_round: AuditRound | None = None,
) -> Finding:
    """Record a nonconformity or an observation and tell the enterprise and its consultant."""
    enforce(finding_raise_problem(application, actor), permitted=is_auditor(actor, application))
    sheet = score_sheet_ensure(application)
    errors: dict[str, list[str]] = {}
    if indicator.version_id != sheet.version_id or indicator.parent_id is None:
        errors["indicator"] = [_("Choose an indicator of this application's score sheet.")]
    if audit_round is not None and audit_round.application_id != application.pk:
        errors["audit_round"] = [_("Choose one of this application's rounds.")]
    if deadline < timezone.localdate():
        errors["deadline"] = [_("The deadline cannot be in the past.")]
    if not description.strip():
        errors["description"] = [_("Describe what was found.")]
    if grade not in Finding.Grade.values:
        errors["grade"] = [_("Choose the grade of the finding.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # The application row lock makes numbers unique when two auditors raise findings at once.
        Application.objects.select_for_update().filter(pk=application.pk).first()
        number = (Finding.objects.filter(application=application).aggregate(top=Max("number"))["top"] or 0) + 1
        finding = Finding.objects.create(
            application=application,
            audit_round=audit_round,
            number=number,
            indicator=indicator,
            grade=grade,
            description=description.strip(),
            deadline=deadline,
            raised_by=actor,
        )
        ApplicationEvent.objects.create(
            application=application,
            kind=EventKind.FINDING_RAISED,
            actor=actor,
            data={"code": finding.code, "grade": grade, "indicator": indicator.code},
        )
        notify(
            recipients=people_of(application),
            kind=Kind.FINDING_RAISED,
            application=application,
            url=reverse("audits:finding", args=[finding.pk]),
            context={"finding": f"{finding.code} {finding.description[:100]}", "deadline": deadline.isoformat()},
            email=Email(
                subject=gettext_lazy("Audit finding %(code)s for %(reference)s"),
                params={"code": finding.code, "reference": application.reference},
                template="emails/finding_raised.txt",
                context={"finding": finding, "application": application},
            ),
        )
    return finding


def finding_answer_problem(finding: Finding, actor: User) -> str | None:
    """Why this actor cannot answer the finding (or add evidence to it) now; None when they can."""
    if not may_respond(actor, finding.application):
        return _("Only the enterprise and its consultant answer findings.")
    if finding.is_closed:
        return _("This finding is closed.")
    if finding.application.is_closed:
        return _("This application is closed.")
    return None


def finding_answer(
    *,
    finding: Finding,
    actor: User,
    root_cause: str,
    correction: str,
    corrective_action: str,
    files: Sequence[UploadedFile] = (),
) -> Finding:
    """The enterprise's root cause, correction and corrective action, with evidence files."""
    enforce(finding_answer_problem(finding, actor), permitted=may_respond(actor, finding.application))
    texts = {"root_cause": root_cause.strip(), "correction": correction.strip(),
             "corrective_action": corrective_action.strip()}  # fmt: skip
    if finding.needs_corrective_action:
        missing = {name: [_("Please fill this in.")] for name, text in texts.items() if not text}
        if missing:
            raise ValidationError(missing)
    elif not any(texts.values()) and not files:
        raise ValidationError(_("Please write what the enterprise does about this observation."))
    stored = _evidence_store(finding, files)
    try:
        _answer_record(finding, actor, texts, stored)
    except BaseException:
        # Whatever went wrong, files that are not recorded must not stay on disk.
        for each in stored:
            default_storage.delete(each.name)
        raise
    return finding


def _answer_record(finding: Finding, actor: User, texts: dict[str, str], stored: list[StoredUpload]) -> None:
    now = timezone.now()
    with transaction.atomic():
        updated = Finding.objects.filter(
            pk=finding.pk, status__in=[Finding.Status.OPEN, Finding.Status.ANSWERED]
        ).update(**texts, status=Finding.Status.ANSWERED, answered_by=actor, answered_at=now, updated_at=now)
        if updated != 1:
            raise ValidationError(_("This finding has just been closed."))
        for each in stored:
            _evidence_record(finding, actor, each)
        finding.refresh_from_db()
        ApplicationEvent.objects.create(
            application=finding.application,
            kind=EventKind.FINDING_ANSWERED,
            actor=actor,
            data={"code": finding.code},
        )
        notify(
            recipients=[finding.raised_by],
            email=Email(
                subject=gettext_lazy("Corrective action for %(code)s of %(reference)s is ready to verify"),
                params={"code": finding.code, "reference": finding.application.reference},
                template="emails/finding_answered.txt",
                context={"finding": finding, "application": finding.application},
            ),
        )


def _evidence_store(finding: Finding, files: Sequence[UploadedFile]) -> list[StoredUpload]:
    """Check and store every file before anything is recorded; one refused file refuses the
    answer and leaves none of them behind."""
    stored: list[StoredUpload] = []
    try:
        for upload in files:
            stored.append(
                upload_store(
                    upload,
                    families=EVIDENCE_FAMILIES,
                    folder=f"audits/findings/{finding.pk}",
                    max_bytes=EVIDENCE_MAX_BYTES,
                )
            )
    except UploadRefused as refusal:
        for each in stored:
            default_storage.delete(each.name)
        raise ValidationError({"files": [refusal.message]}) from refusal
    return stored


def _evidence_record(finding: Finding, actor: User, stored: StoredUpload) -> FindingEvidence:
    return FindingEvidence.objects.create(
        finding=finding,
        file=stored.name,
        original_name=stored.original_name[:255],
        size=stored.size,
        sha256=stored.sha256,
        uploaded_by=actor,
    )


def evidence_add(*, finding: Finding, actor: User, upload: UploadedFile) -> FindingEvidence:
    """One more corrective-action file, checked like every upload."""
    if not may_respond(actor, finding.application):
        raise PermissionDenied(_("Only the enterprise and its consultant answer findings."))
    stored = _evidence_store(finding, [upload])[0]
    try:
        return _evidence_record(finding, actor, stored)
    except BaseException:
        default_storage.delete(stored.name)
        raise


def _verifiable_statuses(finding: Finding) -> list[str]:
    # An observation may be closed without an answer; a nonconformity needs one first.
    return [str(Finding.Status.ANSWERED)] + ([] if finding.needs_corrective_action else [str(Finding.Status.OPEN)])


def finding_verify_problem(finding: Finding, actor: User) -> str | None:
    """Why this actor cannot verify (close or reopen) the finding now; None when they can."""
    if not is_auditor(actor, finding.application):
        return str(AUDITORS_ONLY)
    if finding.application.is_closed:
        return _("This application is closed.")
    if finding.status not in _verifiable_statuses(finding):
        return _not_verifiable(finding)
    return None


def _not_verifiable(finding: Finding) -> str:
    if finding.status == Finding.Status.OPEN:
        return _("There is no corrective action to verify yet.")
    return _("This finding is already closed.")


def finding_verify(*, finding: Finding, actor: User, accepted: bool, note: str = "") -> Finding:
    """The auditor accepts the corrective action (the finding closes) or not yet (it reopens)."""
    enforce(finding_verify_problem(finding, actor), permitted=is_auditor(actor, finding.application))
    note = note.strip()
    if accepted:
        allowed, target = _verifiable_statuses(finding), Finding.Status.CLOSED
    else:
        if not note:
            raise ValidationError({"note": [_("Say what is still missing, so the enterprise knows what to do.")]})
        allowed, target = [Finding.Status.ANSWERED], Finding.Status.OPEN
    if finding.status not in allowed:
        raise ValidationError(_not_verifiable(finding))
    now = timezone.now()
    with transaction.atomic():
        updated = Finding.objects.filter(pk=finding.pk, status__in=allowed).update(
            status=target, verification_note=note, verified_by=actor, verified_at=now, updated_at=now
        )
        if updated != 1:
            raise ValidationError(_("This finding has just changed. Please look at it again."))
        finding.refresh_from_db()
        ApplicationEvent.objects.create(
            application=finding.application,
            kind=EventKind.FINDING_VERIFIED,
            actor=actor,
            comment=note,
            data={"code": finding.code, "accepted": accepted},
        )
        if not accepted:
            notify(
                recipients=people_of(finding.application),
                email=Email(
                    subject=gettext_lazy("Corrective action for %(code)s of %(reference)s: more is needed"),
                    params={"code": finding.code, "reference": finding.application.reference},
                    template="emails/finding_reopened.txt",
                    context={"finding": finding, "application": finding.application},
                ),
            )
    return finding

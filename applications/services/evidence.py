"""Evidence: setting up each application's checklist, uploads (with versions), withdrawal, the
consultant's review, the yes/no question, and ZIP archives of the accepted evidence.

Who may act: the enterprise's users and the assigned consultant upload, replace and withdraw files
while the checklist phase is open (or while an item is sent back); the assigned consultant reviews;
the consultant and certification-body staff request archives. The completeness rules live in
`applications.checklist`; the workflow preconditions that use them are at the bottom (listed in applications.workflow).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from applications.checklist import checklist_for, list_separator
from applications.counters import application_counters_refresh
from applications.models import (
    Application,
    ApplicationEvent,
    EvidenceArchive,
    EvidenceFile,
    EvidenceItem,
    EvidenceRequirement,
    Product,
)
from applications.models.evidence import item_label
from applications.people import enterprise_users, people_of
from applications.webhooks import application_webhook
from certportal.accounts.models import User
from certportal.lib import jobs
from certportal.lib.broker import enqueue_on_commit
from certportal.lib.guards import enforce
from certportal.lib.uploads import UploadRefused, upload_store
from notifications.models import Kind, Notification, WebhookEvent
from notifications.services import notify

Status = Application.Status
Phase = EvidenceItem.Phase
FileStatus = EvidenceFile.Status
ReviewStatus = EvidenceRequirement.ReviewStatus
EventKind = ApplicationEvent.Kind

# While being prepared, the enterprise adds evidence freely; once with the certification body, only
# to items sent back. The pre-audit documents are collected during audit preparation.
UPLOAD_STATUSES: dict[str, tuple[Status, ...]] = {
    Phase.APPLICATION: (
        Status.DRAFT,
        Status.INFO_SUBMITTED,
        Status.FORMS_PREPARATION,
        Status.AWAITING_SIGNATURE,
        Status.RETURNED,
    ),
    Phase.PRE_AUDIT: (Status.AUDIT_PREPARATION,),
    # A surveillance collects the records of the past year before its evidence goes to the body.
    Phase.SURVEILLANCE: (Status.DRAFT, Status.RETURNED),
}
# Which checklist items an application of each kind gets: a surveillance has a set of its own.
KIND_PHASES: dict[str, tuple[str, ...]] = {
    Application.Kind.INITIAL: (Phase.APPLICATION, Phase.PRE_AUDIT),
    Application.Kind.RECERTIFICATION: (Phase.APPLICATION, Phase.PRE_AUDIT),
    Application.Kind.SURVEILLANCE: (Phase.SURVEILLANCE,),
}
MAX_REASON_LENGTH = 1000


# --- Setting up the checklist ----------------------------------------------------------------------


def evidence_requirements_ensure(application: Application) -> int:
    """Give the application one requirement per checklist item in use; returns how many were added.
    Idempotent: run at creation, and for applications that started before the checklist existed."""
    existing = EvidenceRequirement.objects.filter(application=application).values("item_id")
    missing = EvidenceItem.objects.filter(active=True, phase__in=KIND_PHASES[application.kind]).exclude(pk__in=existing)
    created = EvidenceRequirement.objects.bulk_create(
        [
            EvidenceRequirement(
                application=application, item=item, copies_required=item.copies_required, per_product=item.per_product
            )
            for item in missing
        ],
        ignore_conflicts=True,
    )
    application_counters_refresh([application.pk])
    return len(created)


# --- Who may do what, when --------------------------------------------------------------------------


def is_reopened(requirement: EvidenceRequirement) -> bool:
    """Sent back by the consultant (the item, or one of its current files)."""
    return requirement.is_rejected or requirement.files.filter(is_current=True, status=FileStatus.REJECTED).exists()


def evidence_upload_problem(
    requirement: EvidenceRequirement, actor: User, *, reopened: bool | None = None
) -> str | None:
    """Why this actor cannot add or change files of this item now; None when they can.

    A page that already knows whether the item was sent back (the checklist) passes `reopened`."""
    application = requirement.application
    if not actor.has_perm("applications.upload_evidence", application):
        return _("Only the enterprise's users and its consultant can add evidence.")
    if application.is_closed:
        return _("This application is closed.")
    item = requirement.item
    if item.from_profile:
        return _("This item is taken from the basic information; change it there.")
    if application.status in UPLOAD_STATUSES[item.phase]:
        return None
    if is_reopened(requirement) if reopened is None else reopened:
        return None
    if item.phase == Phase.PRE_AUDIT:
        if application.status in (Status.SUBMITTED, Status.UNDER_REVIEW, *UPLOAD_STATUSES[Phase.APPLICATION]):
            return _("The pre-audit documents open once the certification body has accepted the application.")
        return _("The audits have started: the pre-audit documents can no longer change.")
    return _(
        "The application is with the certification body: evidence can only change on items the consultant sends back."
    )


def _require_upload(requirement: EvidenceRequirement, actor: User) -> None:
    problem = evidence_upload_problem(requirement, actor)
    if problem is None:
        return
    if not actor.has_perm("applications.upload_evidence", requirement.application):
        raise PermissionDenied(problem)
    raise ValidationError(problem)


def evidence_review_problem(application: Application, actor: User) -> str | None:
    if not actor.has_perm("applications.review_evidence", application):
        return _("Only the application's consultant reviews the evidence.")
    if application.is_closed:
        return _("This application is closed.")
    return None


def _require_review(application: Application, actor: User) -> None:
    problem = evidence_review_problem(application, actor)
    if problem is None:
        return
    if not actor.has_perm("applications.review_evidence", application):
        raise PermissionDenied(problem)
    raise ValidationError(problem)


# --- Uploads -----------------------------------------------------------------------------------------


def _event(
    requirement: EvidenceRequirement,
    kind: str,
    actor: User,
    *,
    evidence: EvidenceFile | None = None,
    comment: str = "",
    **extra: Any,
) -> ApplicationEvent:
    item = requirement.item
    data = {"item": item.code, "title_zh": item.title_zh, "title_en": item.title_en, **extra}
    if evidence is not None:
        data.update(file=evidence.original_name, version=evidence.version)
    return ApplicationEvent.objects.create(
        application=requirement.application, kind=kind, actor=actor, comment=comment, data=data
    )


def _scope_products(requirement: EvidenceRequirement, products: Iterable[Product] | None) -> list[Product]:
    scope = list(requirement.application.scope.all())
    if products is None:
        return scope
    chosen = list(products)
    scope_ids = {product.pk for product in scope}
    if any(product.pk not in scope_ids for product in chosen):
        raise ValidationError(_("A file can only cover products in the application's scope."))
    if not chosen:
        raise ValidationError(_("Tick at least one product that the file covers."))
    return chosen


def _store(
    requirement: EvidenceRequirement,
    actor: User,
    upload: UploadedFile,
    *,
    products: list[Product],
    note: str,
    document_date: datetime.date | None,
    replaces: EvidenceFile | None,
) -> EvidenceFile:
    """Check, store and record one file. A refused file leaves nothing on disk or in the database."""
    if document_date and document_date > timezone.localdate():
        raise ValidationError(_("The document date cannot be in the future."))
    try:
        stored = upload_store(
            upload, families=requirement.item.accepted_types, folder=f"evidence/{requirement.application_id}"
        )
    except UploadRefused as refusal:
        raise ValidationError(refusal.message) from refusal
    name = stored.name
    try:
        with transaction.atomic():
            if replaces is not None:
                # Claim the old version first: of two replacements at once, one wins, one is told.
                updated = EvidenceFile.objects.filter(
                    pk=replaces.pk, is_current=True, status__in=[FileStatus.PENDING, FileStatus.REJECTED]
                ).update(is_current=False, updated_at=timezone.now())
                if updated != 1:
                    raise ValidationError(
                        _("This file has just changed (someone else acted on it). Please look again.")
                    )
            evidence = EvidenceFile.objects.create(
                requirement=requirement,
                file=name,
                original_name=stored.original_name,
                size=stored.size,
                sha256=stored.sha256,
                content_type=stored.content_type,
                family=stored.family,
                uploaded_by=actor,
                note=note.strip(),
                document_date=document_date,
                version=replaces.version + 1 if replaces else 1,
                replaces=replaces,
                thumbnail_status=(
                    EvidenceFile.ThumbnailStatus.PENDING
                    if stored.family in ("pdf", "image")
                    else EvidenceFile.ThumbnailStatus.NONE
                ),
            )
            evidence.products.set(products)
            kind = EventKind.EVIDENCE_REPLACED if replaces else EventKind.EVIDENCE_UPLOADED
            _event(requirement, kind, actor, evidence=evidence, replaced=replaces.original_name if replaces else "")
            application_counters_refresh([requirement.application_id])
    except IntegrityError as error:
        default_storage.delete(name)
        raise ValidationError(_("This file has just changed (someone else acted on it). Please look again.")) from error
    except BaseException:
        # Whatever went wrong, a file that is not recorded must not stay on disk.
        default_storage.delete(name)
        raise
    if evidence.thumbnail_status == EvidenceFile.ThumbnailStatus.PENDING:
        from applications.tasks.evidence import evidence_thumbnail

        enqueue_on_commit(evidence_thumbnail, evidence.pk)
    return evidence


def evidence_upload(
    *,
    requirement: EvidenceRequirement,
    actor: User,
    upload: UploadedFile,
    products: Iterable[Product] | None = None,
    note: str = "",
    document_date: datetime.date | None = None,
) -> EvidenceFile:
    """Add one file to an item. It covers the given products (default: the whole scope) and waits
    for the consultant's review. Raises ValidationError with a plain-words reason when refused."""
    _require_upload(requirement, actor)
    chosen = _scope_products(requirement, products)
    return _store(requirement, actor, upload, products=chosen, note=note, document_date=document_date, replaces=None)


def evidence_replace(
    *,
    evidence: EvidenceFile,
    actor: User,
    upload: UploadedFile,
    products: Iterable[Product] | None = None,
    note: str | None = None,
    document_date: datetime.date | None = None,
) -> EvidenceFile:
    """Upload a new version of a file not yet accepted; the old version stays, no longer current."""
    requirement = evidence.requirement
    _require_upload(requirement, actor)
    if not evidence.open_for_changes:
        raise ValidationError(_("Only a current file that is not accepted yet can be replaced."))
    chosen = _scope_products(requirement, products if products is not None else evidence.products.all())
    return _store(
        requirement,
        actor,
        upload,
        products=chosen,
        note=evidence.note if note is None else note,
        document_date=document_date or evidence.document_date,
        replaces=evidence,
    )


@transaction.atomic
def evidence_withdraw(*, evidence: EvidenceFile, actor: User) -> None:
    """Take back a file that is not accepted yet. It stays in the history; it no longer counts."""
    requirement = evidence.requirement
    _require_upload(requirement, actor)
    updated = EvidenceFile.objects.filter(
        pk=evidence.pk, is_current=True, status__in=[FileStatus.PENDING, FileStatus.REJECTED]
    ).update(status=FileStatus.WITHDRAWN, is_current=False, updated_at=timezone.now())
    if updated != 1:
        raise ValidationError(_("Only a current file that is not accepted yet can be withdrawn."))
    _event(requirement, EventKind.EVIDENCE_WITHDRAWN, actor, evidence=evidence)
    application_counters_refresh([requirement.application_id])


@transaction.atomic
def evidence_file_update(
    *,
    evidence: EvidenceFile,
    actor: User,
    products: Iterable[Product],
    note: str,
    document_date: datetime.date | None,
) -> None:
    """Correct what a file covers, its note or its date, while it is not accepted yet."""
    _require_upload(evidence.requirement, actor)
    if not evidence.open_for_changes:
        raise ValidationError(_("An accepted file can no longer be changed."))
    if document_date and document_date > timezone.localdate():
        raise ValidationError(_("The document date cannot be in the future."))
    evidence.products.set(_scope_products(evidence.requirement, products))
    evidence.note = note.strip()
    evidence.document_date = document_date
    evidence.save(update_fields=["note", "document_date", "updated_at"])
    application_counters_refresh([evidence.requirement.application_id])


@transaction.atomic
def evidence_answer(*, requirement: EvidenceRequirement, actor: User, answer: bool, note: str = "") -> None:
    """Answer a yes/no item (e.g. 29: management software in each department)."""
    _require_upload(requirement, actor)
    if requirement.item.kind != EvidenceItem.Kind.YES_NO:
        raise ValidationError(_("This item is not a yes/no question."))
    requirement.answer = answer
    requirement.answer_note = note.strip()
    fields = ["answer", "answer_note", "updated_at"]
    if requirement.is_rejected:
        # A new answer is the enterprise's response to the consultant's question.
        requirement.review_status = ReviewStatus.OPEN
        fields.append("review_status")
    requirement.save(update_fields=fields)
    _event(requirement, EventKind.EVIDENCE_ANSWERED, actor, answer=answer, note=requirement.answer_note)
    application_counters_refresh([requirement.application_id])


# --- Review ------------------------------------------------------------------------------------------


def _clean_reason(reason: str) -> str:
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError(_("Please say why, so that the enterprise knows what to do."))
    return reason[:MAX_REASON_LENGTH]


@transaction.atomic
def evidence_file_accept(*, evidence: EvidenceFile, actor: User) -> None:
    """Accept one file: it now counts towards its item."""
    requirement = evidence.requirement
    _require_review(requirement.application, actor)
    now = timezone.now()
    updated = EvidenceFile.objects.filter(
        pk=evidence.pk, is_current=True, status__in=[FileStatus.PENDING, FileStatus.REJECTED]
    ).update(status=FileStatus.ACCEPTED, reviewed_by=actor, reviewed_at=now, review_reason="", updated_at=now)
    if updated != 1:
        raise ValidationError(_("Only a current file awaiting review or sent back can be accepted."))
    if requirement.is_rejected:
        # Accepting the new file answers the item's rejection.
        EvidenceRequirement.objects.filter(pk=requirement.pk).update(review_status=ReviewStatus.OPEN, updated_at=now)
        requirement.review_status = ReviewStatus.OPEN
    _event(requirement, EventKind.EVIDENCE_ACCEPTED, actor, evidence=evidence)
    application_counters_refresh([requirement.application_id])
    _review_webhook(requirement, "accepted", evidence=evidence)
    _after_acceptance(requirement.application, actor)


@transaction.atomic
def evidence_file_reject(*, evidence: EvidenceFile, actor: User, reason: str) -> None:
    """Send one file back with the reason; the enterprise replaces or withdraws it."""
    requirement = evidence.requirement
    _require_review(requirement.application, actor)
    reason = _clean_reason(reason)
    now = timezone.now()
    updated = EvidenceFile.objects.filter(
        pk=evidence.pk, is_current=True, status__in=[FileStatus.PENDING, FileStatus.ACCEPTED]
    ).update(status=FileStatus.REJECTED, reviewed_by=actor, reviewed_at=now, review_reason=reason, updated_at=now)
    if updated != 1:
        raise ValidationError(_("Only a current file awaiting review or accepted can be sent back."))
    _event(requirement, EventKind.EVIDENCE_REJECTED, actor, evidence=evidence, comment=reason)
    application_counters_refresh([requirement.application_id])
    _review_webhook(requirement, "rejected", evidence=evidence, reason=reason)
    _after_rejection(requirement, actor, f"{evidence.original_name}: {reason}")


@transaction.atomic
def evidence_requirement_accept(*, requirement: EvidenceRequirement, actor: User) -> int:
    """Accept a whole item: every file awaiting review is accepted, a rejection is lifted.
    Returns the number of files accepted."""
    _require_review(requirement.application, actor)
    if requirement.item.from_profile:
        raise ValidationError(_("This item is taken from the basic information; there is nothing to review."))
    now = timezone.now()
    pending = list(requirement.files.filter(is_current=True, status=FileStatus.PENDING))
    for evidence in pending:
        EvidenceFile.objects.filter(pk=evidence.pk, status=FileStatus.PENDING).update(
            status=FileStatus.ACCEPTED, reviewed_by=actor, reviewed_at=now, review_reason="", updated_at=now
        )
        _event(requirement, EventKind.EVIDENCE_ACCEPTED, actor, evidence=evidence)
    requirement.review_status = ReviewStatus.ACCEPTED
    requirement.review_reason = ""
    requirement.reviewed_by = actor
    requirement.reviewed_at = now
    requirement.save(update_fields=["review_status", "review_reason", "reviewed_by", "reviewed_at", "updated_at"])
    if not pending:
        _event(requirement, EventKind.EVIDENCE_ACCEPTED, actor)
    application_counters_refresh([requirement.application_id])
    _review_webhook(requirement, "accepted")
    _after_acceptance(requirement.application, actor)
    return len(pending)


@transaction.atomic
def evidence_requirement_reject(*, requirement: EvidenceRequirement, actor: User, reason: str) -> None:
    """Send a whole item back: it reopens for the enterprise, with the reason, until the
    consultant accepts it (or a new file in it) again."""
    _require_review(requirement.application, actor)
    if requirement.item.from_profile:
        raise ValidationError(_("This item is taken from the basic information; there is nothing to review."))
    requirement.review_status = ReviewStatus.REJECTED
    requirement.review_reason = _clean_reason(reason)
    requirement.reviewed_by = actor
    requirement.reviewed_at = timezone.now()
    requirement.save(update_fields=["review_status", "review_reason", "reviewed_by", "reviewed_at", "updated_at"])
    _event(requirement, EventKind.EVIDENCE_REJECTED, actor, comment=requirement.review_reason)
    application_counters_refresh([requirement.application_id])
    _review_webhook(requirement, "rejected", reason=requirement.review_reason)
    _after_rejection(requirement, actor, requirement.review_reason)


def _review_webhook(
    requirement: EvidenceRequirement, outcome: str, *, evidence: EvidenceFile | None = None, reason: str = ""
) -> None:
    data: dict[str, Any] = {"item": requirement.item.code, "outcome": outcome, "reason": reason}
    if evidence is not None:
        data["file"] = {"name": evidence.original_name, "version": evidence.version}
    application_webhook(WebhookEvent.EVIDENCE_REVIEWED, requirement.application, data)


def _after_rejection(requirement: EvidenceRequirement, actor: User, reason: str) -> None:
    """The enterprise is told which item to redo, and why."""
    application, item = requirement.application, requirement.item
    notify(
        kind=Kind.EVIDENCE_REJECTED,
        recipients=enterprise_users(application),
        application=application,
        url=reverse("applications:evidence_requirement", args=[requirement.pk]),
        # Lazy: the item's title is read in each recipient's language.
        context={"item": lazy(lambda: f"{item_label(item.code)} {item.title}", str)(), "reason": reason},
        exclude=actor,
    )


def _after_acceptance(application: Application, actor: User) -> None:
    """Once every item of the checklist is complete, the enterprise and the consultant are told,
    once (again only after something was sent back or withdrawn since)."""
    if checklist_for(application).incomplete(Phase.APPLICATION):
        return
    last_told = (
        Notification.objects.filter(application=application, kind=Kind.EVIDENCE_ALL_ACCEPTED)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    setbacks = ApplicationEvent.objects.filter(
        application=application, kind__in=[EventKind.EVIDENCE_REJECTED, EventKind.EVIDENCE_WITHDRAWN]
    )
    if last_told is not None and not setbacks.filter(created_at__gt=last_told).exists():
        return
    notify(
        kind=Kind.EVIDENCE_ALL_ACCEPTED,
        recipients=people_of(application),
        application=application,
        url=reverse("applications:evidence", args=[application.pk]),
        exclude=actor,
    )


# --- Archives ----------------------------------------------------------------------------------------


def evidence_archive_problem(application: Application, actor: User) -> str | None:
    if not actor.has_perm("applications.download_evidence_archive", application):
        return _("Only the consultant and the certification body's staff can download all the evidence at once.")
    return None


def evidence_archive_job(archive: EvidenceArchive) -> jobs.JobState:
    """What the pages say of a ZIP's job."""
    from applications.tasks.evidence import ARCHIVE_JOB

    return jobs.job_state(ARCHIVE_JOB, archive)


def evidence_thumbnail_job(evidence: EvidenceFile) -> jobs.JobState:
    """What the pages say of the job making a file's thumbnail and preview."""
    from applications.tasks.evidence import THUMBNAIL_JOB

    return jobs.job_state(THUMBNAIL_JOB, evidence)


def evidence_archive_retry_problem(archive: EvidenceArchive, actor: User) -> str | None:
    """Why this actor cannot build this ZIP again now; None when they can."""
    if not actor.has_perm("applications.retry_jobs", archive.application):
        return _("Only the consultant and the certification body's staff can try this again.")
    if archive.status != EvidenceArchive.Status.FAILED:
        return _("Only a ZIP that failed can be built again.")
    return None


def evidence_archive_retry(*, archive: EvidenceArchive, actor: User) -> None:
    """Queue a failed ZIP again through the job machine (same row, every delivery available again)."""
    from applications.tasks.evidence import ARCHIVE_JOB, evidence_archive_build

    enforce(
        evidence_archive_retry_problem(archive, actor),
        permitted=actor.has_perm("applications.retry_jobs", archive.application),
    )
    with transaction.atomic():
        if jobs.job_retry(ARCHIVE_JOB, archive.pk):
            enqueue_on_commit(evidence_archive_build, archive.pk)


def evidence_thumbnail_retry_problem(evidence: EvidenceFile, actor: User) -> str | None:
    """Why this actor cannot have the thumbnail and preview of this file made again; None when they can."""
    if not actor.has_perm("applications.retry_jobs", evidence.requirement.application):
        return _("Only the consultant and the certification body's staff can try this again.")
    if evidence.thumbnail_status != EvidenceFile.ThumbnailStatus.FAILED:
        return _("Only a preview that failed can be made again.")
    return None


def evidence_thumbnail_retry(*, evidence: EvidenceFile, actor: User) -> None:
    """Queue a failed thumbnail and preview again through the job machine."""
    from applications.tasks.evidence import THUMBNAIL_JOB, evidence_thumbnail

    enforce(
        evidence_thumbnail_retry_problem(evidence, actor),
        permitted=actor.has_perm("applications.retry_jobs", evidence.requirement.application),
    )
    with transaction.atomic():
        if jobs.job_retry(THUMBNAIL_JOB, evidence.pk):
            enqueue_on_commit(evidence_thumbnail, evidence.pk)


@transaction.atomic
def evidence_archive_request(*, application: Application, actor: User) -> EvidenceArchive:
    """Have a worker build a ZIP of the accepted evidence; reuses a job already under way."""
    problem = evidence_archive_problem(application, actor)
    if problem:
        raise PermissionDenied(problem)
    # Lock the application row so that two clicks at once make one job.
    Application.objects.select_for_update().filter(pk=application.pk).first()
    running = (
        EvidenceArchive.objects.filter(application=application, requested_by=actor)
        .filter(status__in=[EvidenceArchive.Status.PENDING, EvidenceArchive.Status.BUILDING])
        .first()
    )
    if running is not None:
        return running
    archive = EvidenceArchive.objects.create(application=application, requested_by=actor)
    from applications.tasks.evidence import evidence_archive_build

    enqueue_on_commit(evidence_archive_build, archive.pk)
    return archive


# --- Workflow preconditions --------------------------------------------------------------------------


def _missing_message(application: Application, phase: str) -> str | None:
    missing = checklist_for(application).incomplete(phase)
    if not missing:
        return None
    numbers = list_separator().join(item_label(state.item.code) for state in missing)
    if phase == Phase.PRE_AUDIT:
        # Their codes (P1…) mean nothing on their own: each is named.
        numbers = list_separator().join(f"{state.item.code} {state.item.title}" for state in missing)
        return ngettext(
            "The pre-audit documents are not complete: %(count)s item still missing (%(items)s).",
            "The pre-audit documents are not complete: %(count)s items still missing (%(items)s).",
            len(missing),
        ) % {"count": len(missing), "items": numbers}
    return ngettext(
        "The evidence checklist is not complete: %(count)s item still missing (%(items)s).",
        "The evidence checklist is not complete: %(count)s items still missing (%(items)s).",
        len(missing),
    ) % {"count": len(missing), "items": numbers}


def evidence_is_complete(application: Application, actor: User) -> str | Promise | None:
    """Precondition of submitting to the certification body: every application item complete."""
    return _missing_message(application, Phase.APPLICATION)


def pre_audit_documents_are_complete(application: Application, actor: User) -> str | Promise | None:
    """Precondition of starting the remote audits: every pre-audit document complete."""
    return _missing_message(application, Phase.PRE_AUDIT)


def surveillance_evidence_is_complete(application: Application, actor: User) -> str | Promise | None:
    """Precondition of sending a surveillance to the body: every record of the past year accepted."""
    return _missing_message(application, Phase.SURVEILLANCE)

"""Where an application stands, in the words of the people following it: the seed's six steps and
who the next move waits on, derived from who really has something to do (the enterprise's to-do
list, the consultant's reviews, the certification body's queues)."""

from __future__ import annotations

from django.db.models import Case, CharField, Exists, OuterRef, Q, Value, When
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from applications.models import Application, ApplicationForm, EvidenceFile, FormRendition
from applications.todo import files_of, has_enterprise_todo

Status = Application.Status


class Party:
    ENTERPRISE = "enterprise"
    CONSULTANT = "consultant"
    BODY = "body"
    NOBODY = ""

    LABELS: dict[str, Promise] = {
        "enterprise": _("Enterprise"),
        "consultant": _("Consultant"),
        "body": _("Certification body"),
    }


# The states whose next move is the consultant's (preparing, or reworking what the body returned;
# while awaiting signature, once the enterprise has signed, checking scans and submitting) and the
# body's (its review, audit, evaluation and decision queues).
CONSULTANT_STATUSES = (Status.INFO_SUBMITTED, Status.FORMS_PREPARATION, Status.RETURNED, Status.AWAITING_SIGNATURE)
BODY_STATUSES = (Status.SUBMITTED, Status.UNDER_REVIEW, Status.REMOTE_AUDIT, Status.EVALUATION, Status.DECISION)


def _consultant_has_work() -> Q:
    """The consultant's state, or files waiting for their review, or scans waiting for their check."""
    waiting_scans = FormRendition.objects.filter(
        form=OuterRef("pk"),
        kind=FormRendition.Kind.SCAN,
        scan_review=FormRendition.ScanReview.WAITING,
        status=FormRendition.Status.READY,
    )
    # Through the application's six forms (see files_of).
    scans = Exists(ApplicationForm.objects.filter(application=OuterRef("pk")).filter(Exists(waiting_scans)))
    return Q(status__in=CONSULTANT_STATUSES) | files_of(EvidenceFile.Status.PENDING) | scans


def waiting_on_expression() -> Case:
    """Who the next move waits on, for Application rows: nobody once closed; the enterprise while
    its to-do list has something; else the consultant when they have something to prepare, review
    or check; else the certification body when the application is in one of its queues."""
    return Case(
        When(status__in=Application.CLOSED_STATUSES, then=Value(Party.NOBODY)),
        When(has_enterprise_todo(), then=Value(Party.ENTERPRISE)),
        When(_consultant_has_work(), then=Value(Party.CONSULTANT)),
        When(status__in=BODY_STATUSES, then=Value(Party.BODY)),
        default=Value(Party.NOBODY),
        output_field=CharField(),
    )


def waiting_on(application: Application) -> str:
    """Who the application waits on (one query), as the dashboards show it."""
    return (
        Application.objects.filter(pk=application.pk)
        .annotate(waiting=waiting_on_expression())
        .values_list("waiting", flat=True)
        .get()
    )


# The seed's steps: 信息表 → 申请文件 → 发证机构评审 → 审核准备 → 三次远程审核 → 证书.
STEPS: tuple[tuple[Promise, tuple[str, ...]], ...] = (
    (_("Basic information"), (Status.DRAFT,)),
    (_("Application documents"), (Status.INFO_SUBMITTED, Status.FORMS_PREPARATION, Status.AWAITING_SIGNATURE)),
    (_("Review by the certification body"), (Status.SUBMITTED, Status.UNDER_REVIEW, Status.RETURNED)),
    (_("Audit preparation"), (Status.AUDIT_PREPARATION,)),
    (_("Three remote video audits"), (Status.REMOTE_AUDIT, Status.EVALUATION, Status.DECISION)),
    (_("Certificate"), (Status.CERTIFIED, Status.NOT_CERTIFIED)),
)


def current_step(status: str) -> int:
    """Index of the step the status belongs to (withdrawn: where it stopped is unknown, so 0)."""
    for index, (_label, statuses) in enumerate(STEPS):
        if status in statuses:
            return index
    return 0


def steps_for(application: Application) -> list[dict[str, object]]:
    """The six steps with their state: done, current or to come."""
    current = current_step(application.status)
    finished = application.status == Status.CERTIFIED
    return [
        {
            "number": index + 1,
            "label": label,
            "state": "done" if index < current or (finished and index == current) else
                     "current" if index == current else "todo",
        }
        for index, (label, _statuses) in enumerate(STEPS)
    ]  # fmt: skip

"""What an enterprise must do next on its application: a short list of concrete actions, each with
the page where it is done; and the same question in SQL (`has_enterprise_todo`), which the
"waiting on" of every page derives from, so that it never contradicts this list."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThan
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from applications.models import Application, ApplicationForm, EvidenceFile, EvidenceRequirement, FormRendition
from applications.models.forms import FormType
from applications.profile import profile_problems
from applications.services.forms import forms_overview
from audits import interface as audits
from certportal.lib.text import join_list

Status = Application.Status


@dataclass(frozen=True)
class Todo:
    kind: str
    label: str | Promise
    detail: str
    url: str


def enterprise_todo(application: Application) -> list[Todo]:
    """The enterprise's open actions, most urgent kinds first."""
    if application.is_closed:
        return _recertification(application)
    todo: list[Todo] = []
    if application.kind == Application.Kind.SURVEILLANCE:
        todo += _surveillance(application)
    elif application.status == Status.DRAFT:
        todo.append(_basic_information(application))
    todo += _rejected_evidence(application)
    if application.status == Status.AWAITING_SIGNATURE:
        todo += _forms_to_sign(application)
    if application.status == Status.AUDIT_PREPARATION and application.kind != Application.Kind.SURVEILLANCE:
        todo.append(
            Todo(
                "pre_audit",
                _("Upload the pre-audit documents"),
                "",
                reverse("applications:evidence", args=[application.pk]),
            )
        )
    todo += _rounds_to_confirm(application)
    todo += _findings_to_answer(application)
    return todo


def _recertification(application: Application) -> list[Todo]:
    certificate = audits.certificate_to_recertify(application)
    if certificate is None:
        return []
    return [
        Todo(
            "recertification",
            _("Recertify before certificate %(number)s expires on %(date)s")
            % {"number": certificate.number, "date": certificate.expires_on.isoformat()},
            str(_("To start a recertification, contact your consultant or the certification body.")),
            reverse("audits:certificate", args=[certificate.pk]) + "#recertification",
        )
    ]


def _surveillance(application: Application) -> list[Todo]:
    """Before a surveillance goes to the body: confirm the basic information, upload the records."""
    if application.status not in (Status.DRAFT, Status.RETURNED):
        return []
    todo = []
    if audits.information_is_confirmed(application, None) is not None:  # type: ignore[arg-type]  # no actor needed
        todo.append(
            Todo(
                "surveillance_confirm",
                _("Confirm the basic information for the surveillance audit"),
                "",
                reverse("audits:surveillance_confirm", args=[application.pk]),
            )
        )
    todo.append(
        Todo(
            "surveillance_evidence",
            _("Upload the records of the past year for the surveillance audit"),
            "",
            reverse("applications:evidence", args=[application.pk]),
        )
    )
    return todo


def _basic_information(application: Application) -> Todo:
    problems = profile_problems(application.enterprise)
    if problems:
        return Todo(
            "basic_info",
            _("Complete the basic information"),
            join_list(problems),
            reverse("applications:enterprise", args=[application.enterprise_id]),
        )
    return Todo(
        "basic_info", _("Submit the basic information"), "", reverse("applications:detail", args=[application.pk])
    )


def _rejected_evidence(application: Application) -> list[Todo]:
    requirements = (
        EvidenceRequirement.objects.filter(application=application)
        .filter(
            Q(review_status=EvidenceRequirement.ReviewStatus.REJECTED)
            | Q(files__is_current=True, files__status=EvidenceFile.Status.REJECTED)
        )
        .select_related("item")
        .distinct()
        .order_by("item__phase", "item__position")
    )
    return [
        Todo(
            "evidence_rejected",
            _("Redo the evidence sent back: %(item)s") % {"item": f"{requirement.item.code} {requirement.item.title}"},
            requirement.review_reason,
            reverse("applications:evidence_requirement", args=[requirement.pk]),
        )
        for requirement in requirements
    ]


def _forms_to_sign(application: Application) -> list[Todo]:
    return [
        Todo(
            "form_to_sign",
            _("Sign and stamp: %(form)s") % {"form": state.label},
            "",
            reverse("applications:form_sign", args=[application.pk, state.slug]),
        )
        for state in forms_overview(application)
        if not state.signed and not state.scan_waiting
    ]


def _rounds_to_confirm(application: Application) -> list[Todo]:
    rounds = audits.rounds_to_confirm().filter(application=application).order_by("number")
    return [
        Todo(
            "round_to_confirm",
            _("Confirm the time of the %(round)s") % {"round": audit_round.name},
            timezone.localtime(audit_round.starts_at).strftime("%Y-%m-%d %H:%M"),
            reverse("audits:round", args=[audit_round.pk]),
        )
        for audit_round in rounds
    ]


def _findings_to_answer(application: Application) -> list[Todo]:
    findings = audits.findings_to_answer().filter(application=application).order_by("deadline", "number")
    return [
        Todo(
            "finding_to_answer",
            _("Answer finding %(code)s") % {"code": finding.code},
            _("by %(date)s") % {"date": finding.deadline.isoformat()},
            reverse("audits:finding", args=[finding.pk]),
        )
        for finding in findings
    ]


# --- The same list, as a condition on Application rows ---------------------------------------------


def has_enterprise_todo() -> Q:
    """True for the applications whose enterprise_todo() is not empty, item kind by item kind.
    (A signature made before the data changed counts as done here; the list itself compares
    the form's data with the signed copy.)"""
    own = OuterRef("pk")
    return ~Q(status__in=Application.CLOSED_STATUSES) & (
        Q(status=Status.DRAFT)
        | (Q(status=Status.AUDIT_PREPARATION) & ~Q(kind=Application.Kind.SURVEILLANCE))
        | Q(status=Status.RETURNED, kind=Application.Kind.SURVEILLANCE)
        | files_of(EvidenceFile.Status.REJECTED, or_item_rejected=True)
        | (Q(status=Status.AWAITING_SIGNATURE) & Q(LessThan(_forms_done_count(), Value(len(FormType.values)))))
        | Exists(audits.rounds_to_confirm().filter(application=own))
        | Exists(audits.findings_to_answer().filter(application=own))
    )


def files_of(status: str, *, or_item_rejected: bool = False) -> Exists:
    """The outer application has current files in this status (or, asked for, an item sent back as a
    whole). Through its requirements, so that the database walks the application's own items
    rather than every file in that status."""
    condition = Q(Exists(EvidenceFile.objects.filter(requirement=OuterRef("pk"), is_current=True, status=status)))
    if or_item_rejected:
        condition = Q(review_status=EvidenceRequirement.ReviewStatus.REJECTED) | condition
    return Exists(EvidenceRequirement.objects.filter(application=OuterRef("pk")).filter(condition))


def _forms_done_count() -> Coalesce:
    """How many of the outer application's forms ask nothing more of the enterprise: their latest
    signature (a scan sent back aside) is a signed version ready, or a scan confirmed or waiting for
    the consultant's check (FormState.signed and scan_waiting)."""
    kind, review = FormRendition.Kind, FormRendition.ScanReview
    done = Q(kind=kind.SIGNED, status=FormRendition.Status.READY) | Q(
        kind=kind.SCAN, scan_review__in=[review.CONFIRMED, review.WAITING]
    )
    latest_signature = (
        FormRendition.objects.filter(form=OuterRef("pk"))
        .exclude(kind=kind.UNSIGNED)
        .exclude(scan_review=review.REJECTED)
        .order_by("-version")
        .annotate(done=Case(When(done, then=Value(1)), default=Value(0), output_field=IntegerField()))
        .values("done")[:1]
    )
    forms = (
        ApplicationForm.objects.filter(application=OuterRef("pk"))
        .annotate(done=Subquery(latest_signature, output_field=IntegerField()))
        .filter(done=1)
        .order_by()
        .values("application")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(forms, output_field=IntegerField()), Value(0))

"""What an enterprise must do next on its application: a short list of concrete actions, each with
the page where it is done."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from applications.models import Application, EvidenceFile, EvidenceRequirement
from applications.profile import profile_problems
from applications.services.forms import forms_overview
from audits import interface as audits

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
    if application.status == Status.DRAFT:
        todo.append(_basic_information(application))
    todo += _rejected_evidence(application)
    if application.status == Status.AWAITING_SIGNATURE:
        todo += _forms_to_sign(application)
    if application.status == Status.AUDIT_PREPARATION:
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


def _basic_information(application: Application) -> Todo:
    problems = profile_problems(application.enterprise)
    if problems:
        return Todo(
            "basic_info",
            _("Complete the basic information"),
            "、".join(map(str, problems)),
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

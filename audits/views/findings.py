"""Findings: the list of an application's findings, raising one, answering, verifying, evidence files."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audits import services
from audits.access import (
    get_audited_application_for,
    get_evidence_for,
    get_finding_for,
    get_round_for,
    get_score_sheet_for,
)
from audits.forms import FindingAnswerForm, FindingForm, FindingVerifyForm
from audits.models import Finding
from certportal.lib.files import private_file_response
from certportal.lib.guards import add_errors
from certportal.lib.http import AuthenticatedHttpRequest


def finding_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = get_audited_application_for(request.user, pk)
    findings = list(application.findings.select_related("indicator", "audit_round", "raised_by").order_by("number"))
    context = {
        "application": application,
        "findings": findings,
        "raise_problem": services.finding_raise_problem(application, request.user),
        "open_serious": [f for f in findings if f.grade == Finding.Grade.SERIOUS and not f.is_closed],
    }
    return render(request, "audits/finding_list.html", context)


def finding_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = get_audited_application_for(request.user, pk, perm="audits.run_audits")
    sheet = get_score_sheet_for(request.user, application.pk)
    round_pk = request.GET.get("round")
    audit_round = get_round_for(request.user, int(round_pk)) if round_pk and round_pk.isdigit() else None
    form = FindingForm(request.POST or None, sheet=sheet, audit_round=audit_round)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            finding = services.finding_raise(
                application=application,
                actor=request.user,
                audit_round=data["audit_round"],
                indicator=data["indicator"],
                grade=data["grade"],
                description=data["description"],
                deadline=data["deadline"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("Finding %(code)s recorded; the enterprise and its consultant have been told.")
                % {"code": finding.code},
            )
            return redirect("audits:finding", pk=finding.pk)
    return render(request, "audits/finding_form.html", {"application": application, "form": form})


def finding_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    finding = get_finding_for(request.user, pk)
    return render(request, "audits/finding_detail.html", _finding_context(request, finding))


def _finding_context(request: AuthenticatedHttpRequest, finding: Finding, **forms: object) -> dict[str, object]:
    application = finding.application
    answer_initial = {
        "root_cause": finding.root_cause,
        "correction": finding.correction,
        "corrective_action": finding.corrective_action,
    }
    return {
        "application": application,
        "finding": finding,
        "evidence": list(finding.evidence_files.select_related("uploaded_by")),
        "answer_problem": services.finding_answer_problem(finding, request.user),
        "verify_problem": services.finding_verify_problem(finding, request.user),
        "answer_form": forms.get("answer_form") or FindingAnswerForm(initial=answer_initial),
        "verify_form": forms.get("verify_form") or FindingVerifyForm(),
    }


@require_POST
def finding_answer_post(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    finding = get_finding_for(request.user, pk, action="answer")
    form = FindingAnswerForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.finding_answer(
                finding=finding,
                actor=request.user,
                root_cause=data["root_cause"],
                correction=data["correction"],
                corrective_action=data["corrective_action"],
                files=data["files"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Sent. The auditor will verify your corrective action."))
            return redirect("audits:finding", pk=finding.pk)
    return render(request, "audits/finding_detail.html", _finding_context(request, finding, answer_form=form))


@require_POST
def finding_verify_post(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    finding = get_finding_for(request.user, pk, action="verify")
    form = FindingVerifyForm(request.POST)
    if form.is_valid():
        accepted = form.cleaned_data["accepted"]
        try:
            services.finding_verify(
                finding=finding, actor=request.user, accepted=accepted, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("Finding %(code)s closed.") % {"code": finding.code}
                if accepted
                else _("Finding %(code)s reopened; the enterprise has been told what is missing.")
                % {"code": finding.code},
            )
            return redirect("audits:finding", pk=finding.pk)
    return render(request, "audits/finding_detail.html", _finding_context(request, finding, verify_form=form))


def evidence_file(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    evidence = get_evidence_for(request.user, pk)
    return private_file_response(request, evidence.file, filename=evidence.original_name)

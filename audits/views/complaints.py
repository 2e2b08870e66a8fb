"""Complaints and appeals: filing a complaint from a certificate's public page or from the holder's
own certificate page, filing an appeal, the pages where the body manager assigns them and the
handler answers or decides, the attached files, and the body manager's register with its export."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django_ratelimit.core import is_ratelimited

from applications.access import get_application_for
from audits.access import (
    get_appeal_for,
    get_certificate_for,
    get_complaint_file_for,
    get_complaint_for,
    require_body_manager,
)
from audits.forms.complaints import (
    AppealDecideForm,
    AppealForm,
    AssignForm,
    ComplaintAnswerForm,
    ComplaintForm,
    PublicComplaintForm,
    RegisterFilterForm,
)
from audits.models import Appeal, Certificate, Complaint
from audits.services import complaints as services
from certportal.accounts.models import User
from certportal.lib.files import private_file_response
from certportal.lib.guards import add_errors
from certportal.lib.http import AuthenticatedHttpRequest
from certportal.lib.spreadsheets import csv_writer, xlsx_content

# --- Filing a complaint ----------------------------------------------------------------------------


def _filing(form: ComplaintForm) -> services.ComplaintFiling:
    data = form.cleaned_data
    return services.ComplaintFiling(
        about=data["about"], name=data["name"], email=data["email"], phone=data["phone"], text=data["text"],
        files=data["files"],
    )  # fmt: skip


@login_not_required
def complaint_public_page(request: HttpRequest, number: str) -> HttpResponse:
    """Anyone files a complaint about a certificate's holder or about the body; rate-limited per
    client address, and a filled-in honeypot is thanked and dropped."""
    certificate = Certificate.objects.filter(number=number.strip()).only("pk", "number", "holder_name").first()
    if certificate is None:
        raise Http404(_("No such certificate."))
    form = PublicComplaintForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if is_ratelimited(request, group="complaint", key="ip", rate=settings.COMPLAINT_RATE, increment=True):
            return render(request, "audits/public/too_many.html", status=429)
        if request.POST.get("website"):
            return redirect(_sent_url(certificate))
        if form.is_valid():
            try:
                services.complaint_file(certificate=certificate, filing=_filing(form))
            except ValidationError as error:
                add_errors(form, error)
            else:
                return redirect(_sent_url(certificate))
    context = {"certificate": certificate, "form": form, "sent": request.GET.get("sent") == "1",
               "answer_days": settings.COMPLAINT_ANSWER_DAYS}  # fmt: skip
    return render(request, "audits/complaints/public_complaint.html", context)


def _sent_url(certificate: Certificate) -> str:
    return reverse("verify_complaint", kwargs={"number": certificate.number}) + "?sent=1"


def complaint_holder_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A signed-in user of the certificate holder files a complaint from their certificate's page."""
    certificate = get_certificate_for(request.user, pk)
    problem = services.complaint_file_problem(certificate, request.user)
    if problem is not None:
        raise PermissionDenied(problem)
    user = request.user
    initial = {"name": user.display_name, "email": user.email, "phone": user.mobile, "about": Complaint.About.BODY}
    form = ComplaintForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            complaint = services.complaint_file(certificate=certificate, filing=_filing(form), actor=user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Your complaint has been sent to the certification body."))
            return redirect("audits:complaint", pk=complaint.pk)
    context = {"certificate": certificate, "form": form, "answer_days": settings.COMPLAINT_ANSWER_DAYS}
    return render(request, "audits/complaints/holder_complaint.html", context)


# --- A complaint's page ------------------------------------------------------------------------------


def complaint_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    complaint = get_complaint_for(request.user, pk)
    return render(request, "audits/complaints/complaint.html", _complaint_context(request, complaint))


def _complaint_context(request: AuthenticatedHttpRequest, complaint: Complaint, **forms: object) -> dict[str, object]:
    handlers = services.handlers()
    return {
        "complaint": complaint,
        "certificate": complaint.certificate,
        "files": list(complaint.files.all()),
        "today": timezone.localdate(),
        "is_manager": services.is_body_manager(request.user),
        "assign_problem": services.complaint_assign_problem(complaint, request.user),
        "answer_problem": services.complaint_answer_problem(complaint, request.user),
        "involved": _involved(services.complaint_parties(complaint), handlers),
        "assign_form": forms.get("assign_form") or AssignForm(handlers=handlers),
        "answer_form": forms.get("answer_form") or ComplaintAnswerForm(),
    }


@require_POST
def complaint_assign_post(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require_body_manager(request.user)
    complaint = get_complaint_for(request.user, pk)
    form = AssignForm(request.POST, handlers=services.handlers())
    if form.is_valid():
        try:
            services.complaint_assign(complaint=complaint, actor=request.user, assignee=form.cleaned_data["assignee"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The complaint has been assigned."))
            return redirect("audits:complaint", pk=pk)
    context = _complaint_context(request, complaint, assign_form=form)
    return render(request, "audits/complaints/complaint.html", context)


@require_POST
def complaint_answer_post(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    complaint = get_complaint_for(request.user, pk)
    if complaint.assigned_to_id != request.user.pk:
        raise PermissionDenied(_("Only the person the complaint was given to answers it."))
    form = ComplaintAnswerForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.complaint_answer(
                complaint=complaint, actor=request.user, answer=data["answer"], outcome=data["outcome"],
                special_surveillance=data["special_surveillance"],
            )  # fmt: skip
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The answer has been sent to the complainant."))
            return redirect("audits:complaint", pk=pk)
    context = _complaint_context(request, complaint, answer_form=form)
    return render(request, "audits/complaints/complaint.html", context)


def complaint_file_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    attached = get_complaint_file_for(request.user, pk)
    return private_file_response(request, attached.file, filename=attached.original_name)


def _involved(parties: services.Parties, handlers: list[User]) -> list[str]:
    """Why some of the staff cannot be given this, shown under the assignment form."""
    return [reason for person in handlers if (reason := parties.involvement(person))]


# --- Appeals ---------------------------------------------------------------------------------------


def appeal_file_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The enterprise appeals one of its application's decisions."""
    application = get_application_for(request.user, pk)
    problem = services.appeal_file_problem(application, request.user)
    if not services.is_member(request.user, application):
        raise PermissionDenied(problem)
    appealable = services.appealable_decisions(application)
    form = AppealForm(request.POST or None, appealable=appealable)
    if request.method == "POST" and problem is None and form.is_valid():
        try:
            appeal = services.appeal_file(
                application=application, actor=request.user, against=form.cleaned_data["against"],
                grounds=form.cleaned_data["grounds"],
            )  # fmt: skip
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Your appeal has been sent to the certification body."))
            return redirect("audits:appeal", pk=appeal.pk)
    context = {"application": application, "form": form, "problem": problem, "appealable": appealable,
               "appeal_days": settings.APPEAL_DAYS}  # fmt: skip
    return render(request, "audits/complaints/appeal_file.html", context)


def appeal_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    appeal = get_appeal_for(request.user, pk)
    return render(request, "audits/complaints/appeal.html", _appeal_context(request, appeal))


def _appeal_context(request: AuthenticatedHttpRequest, appeal: Appeal, **forms: object) -> dict[str, object]:
    handlers = services.handlers()
    return {
        "appeal": appeal,
        "application": appeal.application,
        "today": timezone.localdate(),
        "is_manager": services.is_body_manager(request.user),
        "assign_problem": services.appeal_assign_problem(appeal, request.user),
        "decide_problem": services.appeal_decide_problem(appeal, request.user),
        "involved": _involved(services.appeal_parties(appeal), handlers),
        "assign_form": forms.get("assign_form") or AssignForm(handlers=handlers),
        "decide_form": forms.get("decide_form") or AppealDecideForm(),
    }


@require_POST
def appeal_assign_post(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require_body_manager(request.user)
    appeal = get_appeal_for(request.user, pk)
    form = AssignForm(request.POST, handlers=services.handlers())
    if form.is_valid():
        try:
            services.appeal_assign(appeal=appeal, actor=request.user, assignee=form.cleaned_data["assignee"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The appeal has been assigned."))
            return redirect("audits:appeal", pk=pk)
    return render(request, "audits/complaints/appeal.html", _appeal_context(request, appeal, assign_form=form))


@require_POST
def appeal_decide_post(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    appeal = get_appeal_for(request.user, pk)
    if appeal.assigned_to_id != request.user.pk:
        raise PermissionDenied(_("Only the person the appeal was given to decides it."))
    form = AppealDecideForm(request.POST)
    if form.is_valid():
        try:
            services.appeal_decide(
                appeal=appeal, actor=request.user, outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
            )  # fmt: skip
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The appeal has been decided. The enterprise has been told."))
            return redirect("audits:appeal", pk=pk)
    return render(request, "audits/complaints/appeal.html", _appeal_context(request, appeal, decide_form=form))


# --- The register ------------------------------------------------------------------------------------


def _filtered_rows(request: AuthenticatedHttpRequest) -> tuple[RegisterFilterForm, list[services.CaseRow]]:
    require_body_manager(request.user)
    form = RegisterFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = services.register_rows(
        kind=filters.get("kind", ""), state=filters.get("state", ""), overdue=filters.get("overdue", False)
    )
    return form, rows


@require_safe
def register_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, rows = _filtered_rows(request)
    context = {"form": form, "rows": rows, "query": request.GET.urlencode(), "today": timezone.localdate()}
    return render(request, "audits/complaints/register.html", context)


@require_safe
def register_export(request: AuthenticatedHttpRequest, fmt: str) -> HttpResponse:
    """The filtered register as CSV or as an Excel workbook."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    _form, rows = _filtered_rows(request)
    table: list[list[Any]] = [services.register_header(), *(services.register_values(row) for row in rows)]
    name = f"complaints-appeals-{timezone.localdate():%Y%m%d}.{fmt}"
    if fmt == "xlsx":
        response = HttpResponse(
            xlsx_content(_("Complaints and appeals"), table),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response.write("\ufeff")  # Excel opens UTF-8 CSV with Chinese text correctly only with a BOM
        writer = csv_writer(response)
        for line in table:
            writer.writerow(line)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

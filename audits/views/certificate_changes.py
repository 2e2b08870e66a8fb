"""Certificate changes: the holder's request page, a change's page with the certifier's decision,
the evidence files of a change, and the PDF of a superseded version."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audits.access import (
    get_certificate_change_file_for,
    get_certificate_change_for,
    get_certificate_for,
    get_certificate_version_for,
)
from audits.forms.certificate_changes import CertificateChangeDecisionForm, CertificateChangeForm
from audits.models import CertificateChange
from audits.services import certificate_changes as services
from certportal.lib.files import private_file_response
from certportal.lib.guards import add_errors
from certportal.lib.http import AuthenticatedHttpRequest


def certificate_change_request_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    certificate = get_certificate_for(request.user, pk)
    problem = services.certificate_change_request_problem(certificate, request.user)
    if not services.is_holder(request.user, certificate):
        raise PermissionDenied(problem)
    candidates = services.candidate_products(certificate)
    form = CertificateChangeForm(request.POST or None, request.FILES or None, certificate=certificate,
                                 candidates=candidates)  # fmt: skip
    if request.method == "POST" and problem is None and form.is_valid():
        try:
            change = services.certificate_change_request(
                certificate=certificate, actor=request.user, request=form.change_request()
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Your request has been sent to the certification body."))
            return redirect("audits:certificate_change", pk=change.pk)
    context = {"certificate": certificate, "form": form, "problem": problem}
    return render(request, "audits/certificate_change_request.html", context)


def certificate_change_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    change = get_certificate_change_for(request.user, pk)
    return render(request, "audits/certificate_change.html", _change_context(request, change))


def _change_context(
    request: AuthenticatedHttpRequest, change: CertificateChange, form: CertificateChangeDecisionForm | None = None
) -> dict[str, object]:
    return {
        "change": change,
        "certificate": change.certificate,
        "files": list(change.files.select_related("product")),
        "decide_problem": services.certificate_change_decide_problem(change, request.user),
        "is_certifier": services.is_certifier(request.user),
        "form": form or CertificateChangeDecisionForm(),
    }


@require_POST
def certificate_change_decide_post(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    change = get_certificate_change_for(request.user, pk, write=True)
    form = CertificateChangeDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.certificate_change_decide(
                change=change, actor=request.user, decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            )  # fmt: skip
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The decision is recorded. The holder has been told."))
            return redirect("audits:certificate_change", pk=pk)
    return render(request, "audits/certificate_change.html", _change_context(request, change, form))


def certificate_change_file(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    changed = get_certificate_change_file_for(request.user, pk)
    return private_file_response(request, changed.file, filename=changed.original_name)


def certificate_version_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    version = get_certificate_version_for(request.user, pk)
    if not version.pdf_file:
        messages.info(request, _("No PDF was kept for this version."))
        return redirect("audits:certificate", pk=version.certificate_id)
    filename = f"{version.certificate.number}-v{version.version}.pdf"
    return private_file_response(request, version.pdf_file, filename=filename, inline=True)

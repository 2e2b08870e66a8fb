"""Certificates for signed-in users: the list (with surveillance due and overdue), a certificate's
page with its history, the PDF, status changes (certifiers) and surveillance records (staff)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audits import services
from audits.access import get_certificate_for, require
from audits.forms import CertificateStatusForm, SurveillanceForm
from audits.models import Certificate
from audits.pdf import verify_url
from audits.services.certificate_changes import certificate_changes_panel
from audits.services.complaints import holder_cases_panel
from audits.views.certificate_deadlines import deadline_context
from audits.views.surveillance import surveillance_panel
from certportal.lib.files import private_file_response
from certportal.lib.guards import add_errors, error_messages
from certportal.lib.http import AuthenticatedHttpRequest
from certportal.lib.validators import search_terms

LIST_LIMIT = 500


def certificate_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    certificates = Certificate.objects.visible_to(request.user).select_related("enterprise")
    status = request.GET.get("status", "")
    if status == "overdue":
        certificates = certificates.surveillance_overdue(today)
    elif status in Certificate.Status.values:
        certificates = certificates.filter(status=status)
    query = search_terms(request.GET.get("q", ""))
    if query:
        certificates = certificates.filter(Q(number__icontains=query) | Q(holder_name__icontains=query))
    context = {
        "certificates": list(certificates.order_by("-issued_on", "-number")[:LIST_LIMIT]),
        "status": status,
        "query": query,
        "statuses": Certificate.Status.choices,
        "today": today,
        "is_staff": request.user.is_body_staff or request.user.is_superuser,
        "overdue_count": Certificate.objects.visible_to(request.user).surveillance_overdue(today).count()
        if request.user.is_body_staff
        else 0,
    }
    return render(request, "audits/certificate_list.html", context)


def certificate_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    certificate = get_certificate_for(request.user, pk)
    return render(request, "audits/certificate_detail.html", _certificate_context(request, certificate))


def _certificate_context(
    request: AuthenticatedHttpRequest, certificate: Certificate, **forms: object
) -> dict[str, object]:
    targets = services.allowed_targets(certificate)
    return {
        **_pdf_context(request, certificate),
        **deadline_context(request.user, certificate, forms.get("extension_form")),
        **certificate_changes_panel(certificate, request.user),
        **surveillance_panel(certificate, request.user),
        **holder_cases_panel(certificate, request.user),
        "certificate": certificate,
        "application": certificate.application,
        "events": certificate.events.select_related("actor"),
        "today": timezone.localdate(),
        "verify_url": verify_url(certificate),
        "change_status_problem": services.certificate_change_status_problem(certificate, request.user),
        "is_certifier": request.user.has_perm("audits.change_certificates"),
        "surveillance_problem": services.certificate_record_surveillance_problem(certificate, request.user),
        "status_form": forms.get("status_form") or CertificateStatusForm(targets=targets),
        "surveillance_form": forms.get("surveillance_form")
        or SurveillanceForm(initial={"done_on": timezone.localdate()}),
    }


def _pdf_context(request: AuthenticatedHttpRequest, certificate: Certificate) -> dict[str, object]:
    return {
        "certificate": certificate,
        "pdf_job": services.certificate_pdf_job(certificate),
        "pdf_may_retry": services.certificate_pdf_retry_problem(certificate, request.user) is None,
    }


def certificate_pdf_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The PDF box alone: the certificate page polls it while the PDF is being prepared."""
    certificate = get_certificate_for(request.user, pk)
    return render(request, "audits/includes/certificate_pdf.html", _pdf_context(request, certificate))


def certificate_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    certificate = get_certificate_for(request.user, pk)
    if certificate.pdf_status != Certificate.PdfStatus.READY or not certificate.pdf_file:
        messages.info(request, _("The certificate PDF is still being prepared; please try again in a moment."))
        return redirect("audits:certificate", pk=pk)
    return private_file_response(request, certificate.pdf_file, filename=f"{certificate.number}.pdf", inline=True)


@require_POST
def certificate_pdf_retry_post(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    certificate = get_certificate_for(request.user, pk)
    try:
        services.certificate_pdf_retry(certificate=certificate, actor=request.user)
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(request, _("The PDF is being prepared again."))
    return redirect("audits:certificate", pk=pk)


@require_POST
def certificate_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    certificate = get_certificate_for(request.user, pk, write=True)
    form = CertificateStatusForm(request.POST, targets=services.allowed_targets(certificate))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.certificate_change_status(
                certificate=certificate,
                actor=request.user,
                target=data["target"],
                reason=data["reason"],
                suspended_until=data["suspended_until"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("Certificate %(number)s is now: %(status)s. The holder has been told.")
                % {"number": certificate.number, "status": certificate.get_status_display()},
            )
            return redirect("audits:certificate", pk=pk)
    return render(
        request, "audits/certificate_detail.html", _certificate_context(request, certificate, status_form=form)
    )


@require_POST
def certificate_surveillance(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    certificate = get_certificate_for(request.user, pk)
    require(request.user, "audits.record_surveillance", certificate,
            _("Only the certification body's staff record surveillance audits."))  # fmt: skip
    form = SurveillanceForm(request.POST)
    if form.is_valid():
        try:
            services.certificate_record_surveillance(
                certificate=certificate, actor=request.user, done_on=form.cleaned_data["done_on"],
                note=form.cleaned_data["note"],
            )  # fmt: skip
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Surveillance audit recorded."))
            return redirect("audits:certificate", pk=pk)
    context = _certificate_context(request, certificate, surveillance_form=form)
    return render(request, "audits/certificate_detail.html", context)

"""The application forms: the six forms, generating and signing them, scans, downloads, the
company seal, and the paper copies mailed to the certification body."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import services
from applications.access import get_application_for, get_enterprise_for, get_form_for, get_rendition_for
from applications.forms import (
    FIELDS_FORMS,
    LawRowForm,
    ReceiptForm,
    ScanForm,
    ScanReviewForm,
    SealForm,
    ShipmentForm,
    SignForm,
)
from applications.models import Application, ApplicationForm, FormRendition, LawStandardRow, PaperShipment
from applications.services.form_context import load_source
from applications.services.forms import FormState, GenerationResult
from certportal.lib.files import private_file_response
from certportal.lib.guards import error_messages
from certportal.lib.http import AuthenticatedHttpRequest
from certportal.lib.images import ImageProblem
from certportal.lib.text import join_list

Status = Application.Status


# --- The forms page ----------------------------------------------------------------------------


def _roles(request: AuthenticatedHttpRequest, application: Application) -> dict[str, Any]:
    user = request.user
    return {
        "prepare_problem": services.forms_prepare_problem(application, user),
        "sign_problem": services.forms_sign_problem(application, user),
        "scan_review_problem": services.form_scan_review_problem(application, user),
        "is_consultant": user.has_perm("applications.prepare_forms", application),
        "is_member": user.has_perm("applications.sign_forms", application),
        # The certification body's staff see the signed package; the drafts are for the parties.
        "show_unsigned": user.is_superuser or user.has_perm("applications.change_application", application),
    }


def _table_context(request: AuthenticatedHttpRequest, application: Application) -> dict[str, Any]:
    states = services.forms_overview(application)
    return {
        "application": application,
        "states": states,
        "generated_count": sum(state.generated for state in states),
        "signed_count": sum(state.signed for state in states),
        "in_progress": any(state.in_progress for state in states),
        "slow": any(state.slow for state in states),
        **_roles(request, application),
    }


def form_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = get_application_for(request.user, pk)
    return _render_form_list(request, application, ShipmentForm())


def _render_form_list(
    request: AuthenticatedHttpRequest, application: Application, shipment_form: ShipmentForm
) -> HttpResponse:
    context = _table_context(request, application)
    context.update(
        {
            "enterprise": application.enterprise,
            "shipments": list(application.shipments.select_related("recorded_by")),
            "shipment_form": shipment_form,
            "shipment_problem": services.paper_shipment_record_problem(application, request.user),
            "receipt_problem": services.paper_shipment_receive_problem(application, request.user),
            "has_forms": application.forms.exists(),
        }
    )
    return render(request, "applications/forms/form_list.html", context)


def forms_table(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The table of forms alone: the page polls it while versions are being generated."""
    application = get_application_for(request.user, pk)
    return render(request, "applications/forms/includes/forms_table.html", _table_context(request, application))


@require_POST
def forms_generate_post(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = get_application_for(request.user, pk)
    try:
        result = services.forms_generate(application=application, actor=request.user)
    except ValidationError as error:
        error_messages(request, error)
    else:
        _report_generation(request, result)
    return redirect("applications:forms", pk=pk)


def _report_generation(request: AuthenticatedHttpRequest, result: GenerationResult) -> None:
    if result.queued:
        messages.success(
            request,
            _("Generating %(forms)s. This page updates by itself when they are ready.")
            % {"forms": join_list(r.form.get_form_type_display() for r in result.queued)},
        )
    elif result.unchanged and not result.skipped:
        messages.info(request, _("Nothing changed since the last generation; the current versions stay."))
    for label, missing in result.skipped.items():
        messages.warning(
            request,
            _("%(form)s was not generated: fill in %(missing)s first.")
            % {"form": label, "missing": join_list(missing)},
        )


# --- One form ----------------------------------------------------------------------------------


def _state(application: Application, form: ApplicationForm) -> FormState:
    return next(state for state in services.forms_overview(application) if state.form_type == form.form_type)


def form_detail(request: AuthenticatedHttpRequest, pk: int, form_type: str) -> HttpResponse:
    """A form: its versions and signatures; for the consultant, their fields (saving regenerates)."""
    form = get_form_for(request.user, pk, form_type)
    application = form.application
    roles = _roles(request, application)
    fields_form = None
    form_class = FIELDS_FORMS.get(form.form_type)
    if form_class is not None and roles["prepare_problem"] is None:
        source = load_source(application)
        fields_form = form_class(request.POST or None, source=source, data_of_form=form.data)
        if request.method == "POST":
            if fields_form.is_valid():
                result = services.form_data_save(form=form, actor=request.user, data=fields_form.to_json())
                messages.success(request, _("Saved."))
                _report_generation(request, result)
                return redirect("applications:form", pk=pk, form_type=form_type)
            messages.error(
                request, _("Not saved yet: please correct the fields marked below. Everything you typed is kept.")
            )
    elif request.method == "POST":
        if not roles["is_consultant"]:
            raise PermissionDenied(roles["prepare_problem"])
        messages.error(request, roles["prepare_problem"])
        return redirect("applications:form", pk=pk, form_type=form_type)
    state = _state(application, form)
    context = {
        "application": application,
        "form": form,
        "state": state,
        "fields_form": fields_form,
        "law_rows": list(form.law_rows.prefetch_related("products")) if form.form_type == "laws" else [],
        "scan_form": ScanForm(),
        "review_form": ScanReviewForm(),
        **roles,
    }
    return render(request, "applications/forms/form_detail.html", context)


def form_status(request: AuthenticatedHttpRequest, pk: int, form_type: str) -> HttpResponse:
    """The form's newest versions alone: polled while one is being generated."""
    form = get_form_for(request.user, pk, form_type)
    context = {"application": form.application, "form": form, "state": _state(form.application, form)}
    context.update(_roles(request, form.application))
    return render(request, "applications/forms/includes/form_status.html", context)


@require_POST
def form_generate(request: AuthenticatedHttpRequest, pk: int, form_type: str) -> HttpResponse:
    form = get_form_for(request.user, pk, form_type, action="prepare")
    try:
        result = services.forms_generate(application=form.application, actor=request.user, form_types=[form_type])
    except ValidationError as error:
        error_messages(request, error)
    else:
        _report_generation(request, result)
    return redirect("applications:form", pk=pk, form_type=form_type)


def law_row_edit(request: AuthenticatedHttpRequest, pk: int, row_pk: int | None = None) -> HttpResponse:
    form = get_form_for(request.user, pk, "laws", action="prepare")
    row = get_object_or_404(LawStandardRow, pk=row_pk, form=form) if row_pk else LawStandardRow(form=form)
    row_form = LawRowForm(request.POST or None, instance=row, application=form.application)
    if request.method == "POST" and row_form.is_valid():
        try:
            services.law_row_save(
                row=row_form.save(commit=False), actor=request.user, products=row_form.cleaned_data["products"]
            )
        except ValidationError as error:
            row_form.add_error(None, error)
        else:
            messages.success(request, _("Saved: %(row)s. Generate the list again to include it.") % {"row": row.name})
            return redirect(reverse("applications:form", args=[pk, "laws"]) + "#laws")
    context = {"application": form.application, "form": form, "row_form": row_form, "row": row if row_pk else None}
    return render(request, "applications/forms/law_row_form.html", context)


@require_POST
def law_row_delete_post(request: AuthenticatedHttpRequest, pk: int, row_pk: int) -> HttpResponse:
    form = get_form_for(request.user, pk, "laws", action="prepare")
    row = get_object_or_404(LawStandardRow, pk=row_pk, form=form)
    try:
        services.law_row_delete(row=row, actor=request.user)
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(request, _("Removed: %(row)s.") % {"row": row.name})
    return redirect(reverse("applications:form", args=[pk, "laws"]) + "#laws")


# --- Signing, scans ----------------------------------------------------------------------------


def form_signing_page(request: AuthenticatedHttpRequest, pk: int, form_type: str) -> HttpResponse:
    form = get_form_for(request.user, pk, form_type, action="sign")
    application = form.application
    state = _state(application, form)
    initial = {"signer_name": request.user.full_name}
    sign_form = SignForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and sign_form.is_valid():
        try:
            services.form_sign(
                form=form,
                actor=request.user,
                signer_name=sign_form.cleaned_data["signer_name"],
                signer_title=sign_form.cleaned_data["signer_title"],
                signature_png=sign_form.cleaned_data["signature_png"],
                confirmed=sign_form.cleaned_data["confirmed"],
            )
        except (ValidationError, ImageProblem) as error:
            error_messages(request, error)
        else:
            _report_signed(request, application, form)
            return redirect("applications:forms", pk=pk)
    context = {
        "application": application,
        "form": form,
        "state": state,
        "sign_form": sign_form,
        "enterprise": application.enterprise,
        "sign_problem": services.forms_sign_problem(application, request.user),
    }
    return render(request, "applications/forms/sign.html", context)


def _report_signed(request: AuthenticatedHttpRequest, application: Application, form: ApplicationForm) -> None:
    remaining = [state.label for state in services.forms_overview(application) if not state.signature_current]
    if remaining:
        messages.success(
            request,
            _("%(form)s is signed. Still to sign: %(remaining)s.")
            % {"form": form.get_form_type_display(), "remaining": join_list(remaining)},
        )
    else:
        messages.success(
            request,
            _("%(form)s is signed. All six forms are signed: your consultant can now submit the application.")
            % {"form": form.get_form_type_display()},
        )


@require_POST
def form_scan_upload_post(request: AuthenticatedHttpRequest, pk: int, form_type: str) -> HttpResponse:
    form = get_form_for(request.user, pk, form_type, action="sign")
    scan_form = ScanForm(request.POST, request.FILES)
    if not scan_form.is_valid():
        for error in scan_form.errors.get("scan", []):
            messages.error(request, str(error))
        return redirect("applications:form", pk=pk, form_type=form_type)
    try:
        services.form_scan_upload(form=form, actor=request.user, upload=scan_form.cleaned_data["scan"])
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(request, _("Scan uploaded. Your consultant checks that it matches the generated form."))
    return redirect("applications:form", pk=pk, form_type=form_type)


@require_POST
def scan_review(request: AuthenticatedHttpRequest, pk: int, rendition_pk: int) -> HttpResponse:
    scan = get_rendition_for(request.user, pk, rendition_pk)
    if scan.kind != FormRendition.Kind.SCAN:
        raise Http404
    if not request.user.has_perm("applications.prepare_forms", scan.form.application):
        raise PermissionDenied(_("Only the application's consultant checks the scans."))
    review = ScanReviewForm(request.POST)
    if not review.is_valid():
        messages.error(request, _("Please say whether the scan matches."))
    else:
        try:
            services.form_scan_review(
                scan=scan,
                actor=request.user,
                matches=review.cleaned_data["matches"],
                comment=review.cleaned_data["comment"],
            )
        except ValidationError as error:
            error_messages(request, error)
        else:
            if review.cleaned_data["matches"]:
                messages.success(request, _("Scan confirmed: the form counts as signed."))
            else:
                messages.success(request, _("Scan rejected; the enterprise is asked to sign again."))
    return redirect("applications:form", pk=pk, form_type=scan.form.form_type)


@require_POST
def rendition_retry_post(request: AuthenticatedHttpRequest, pk: int, rendition_pk: int) -> HttpResponse:
    rendition = get_rendition_for(request.user, pk, rendition_pk)
    try:
        services.rendition_retry(rendition=rendition, actor=request.user)
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.info(request, _("Queued again. This page updates by itself when it is ready."))
    return redirect("applications:form", pk=pk, form_type=rendition.form.form_type)


def rendition_download(request: AuthenticatedHttpRequest, pk: int, rendition_pk: int) -> HttpResponseBase:
    rendition = get_rendition_for(request.user, pk, rendition_pk)
    if rendition.status != FormRendition.Status.READY or not rendition.file:
        raise Http404(_("This version is not ready yet."))
    # Versions the portal generated open in the browser; an uploaded scan is only ever an attachment.
    inline = rendition.kind != FormRendition.Kind.SCAN
    return private_file_response(request, rendition.file, filename=rendition.download_name(), inline=inline)


# --- The company seal --------------------------------------------------------------------------


def enterprise_seal(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    enterprise = get_enterprise_for(request.user, pk, write=True)
    seal_form = SealForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and seal_form.is_valid():
        try:
            services.enterprise_seal_save(
                enterprise=enterprise, actor=request.user, content=seal_form.cleaned_data["image"]
            )
        except ImageProblem as problem:
            seal_form.add_error("image", str(problem))
        else:
            messages.success(request, _("Seal saved. It appears like this on the forms you sign."))
            return redirect("applications:enterprise_seal", pk=pk)
    return render(request, "applications/forms/seal.html", {"enterprise": enterprise, "seal_form": seal_form})


def enterprise_seal_image(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    """The processed seal, for the enterprise's own users only (a seal image is worth protecting)."""
    enterprise = get_enterprise_for(request.user, pk, write=True)
    if not enterprise.seal:
        raise Http404(_("No seal uploaded yet."))
    return private_file_response(request, enterprise.seal, filename="seal.png", inline=True)


# --- Paper copies ------------------------------------------------------------------------------


@require_POST
def shipment_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = get_application_for(request.user, pk)
    if not request.user.has_perm("applications.prepare_forms", application):
        raise PermissionDenied(_("Only the application's consultant records the paper copies."))
    shipment_form = ShipmentForm(request.POST)
    if shipment_form.is_valid():
        try:
            services.paper_shipment_record(application=application, actor=request.user, **shipment_form.cleaned_data)
        except ValidationError as error:
            error_messages(request, error)
        else:
            messages.success(request, _("Paper copies recorded as sent."))
            return redirect(reverse("applications:forms", args=[pk]) + "#paper-copies")
    # The page again, with what was typed and the problems next to the fields.
    return _render_form_list(request, application, shipment_form)


@require_POST
def shipment_receive(request: AuthenticatedHttpRequest, pk: int, shipment_pk: int) -> HttpResponse:
    application = get_application_for(request.user, pk)
    shipment = get_object_or_404(PaperShipment, pk=shipment_pk, application=application)
    receipt_form = ReceiptForm(request.POST)
    if not receipt_form.is_valid():
        messages.error(request, _("Please give the date the certification body received the paper copies."))
    else:
        try:
            services.paper_shipment_receive(
                shipment=shipment, actor=request.user, received_on=receipt_form.cleaned_data["received_on"]
            )
        except ValidationError as error:
            error_messages(request, error)
        else:
            messages.success(request, _("Receipt recorded."))
    return redirect(reverse("applications:forms", args=[pk]) + "#paper-copies")

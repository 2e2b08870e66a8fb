"""Evidence pages: the checklist, one item with its files (upload, replace, withdraw, review), file
downloads and previews, thumbnails, and the ZIP of all accepted evidence."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import services
from applications.access import get_application_for, get_archive_for, get_evidence_file_for, get_requirement_for
from applications.checklist import Checklist, ItemState, checklist_for
from applications.forms import AnswerForm, DocumentDetailsForm, EvidenceReplaceForm, EvidenceUploadForm, ReviewForm
from applications.models import Application, EvidenceArchive, EvidenceFile, EvidenceItem, EvidenceRequirement
from certportal.accounts.models import User
from certportal.lib.files import private_file_response
from certportal.lib.guards import error_messages, refusal_texts
from certportal.lib.http import AuthenticatedHttpRequest
from certportal.lib.uploads import accept_attribute, families_label, max_upload_bytes


def evidence_checklist(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = get_application_for(request.user, pk)
    checklist = checklist_for(application)
    can_archive = services.evidence_archive_problem(application, request.user) is None
    context = {
        "application": application,
        "checklist": checklist,
        "progress": checklist.progress(checklist.main_phase),
        "pre_audit_progress": checklist.progress(EvidenceItem.Phase.PRE_AUDIT),
        "can_review": services.evidence_review_problem(application, request.user) is None,
        "help_for": _checklist_help(application, request.user),
        "uploadable": _uploadable(checklist, request.user),
        "can_archive": can_archive,
        "archive": (
            EvidenceArchive.objects.filter(application=application, requested_by=request.user).first()
            if can_archive
            else None
        ),
    }
    return render(request, "applications/evidence/checklist.html", context)


def _checklist_help(application: Application, user: User) -> str:
    """Whose instructions the checklist shows: the consultant's (how to review), the enterprise's
    (how to upload), or none (the certification body's staff only read it)."""
    if user.has_perm("applications.review_evidence", application):
        return "consultant"
    if user.is_enterprise_user:
        return "enterprise"
    return ""


def _uploadable(checklist: Checklist, user: User) -> set[int]:
    """The items whose upload buttons the checklist offers: the enterprise's incomplete items, where
    the upload guard lets it add files now. The consultant, who may add files too, reviews from this
    page and uploads from the item's own page."""
    if not user.is_enterprise_user:
        return set()
    return {
        state.requirement.pk
        for state in checklist.items
        if state.item.takes_files
        and not state.complete
        and services.evidence_upload_problem(state.requirement, user, reopened=state.reopened) is None
    }


def _state_of(checklist: Checklist, requirement: EvidenceRequirement) -> tuple[ItemState, Any, Any]:
    states = checklist.items
    index = next(i for i, state in enumerate(states) if state.requirement.pk == requirement.pk)
    previous = states[index - 1] if index > 0 else None
    following = states[index + 1] if index + 1 < len(states) else None
    return states[index], previous, following


def _requirement_page(
    request: AuthenticatedHttpRequest,
    requirement: EvidenceRequirement,
    *,
    upload_form: EvidenceUploadForm | None = None,
    answer_form: AnswerForm | None = None,
    review_form: ReviewForm | None = None,
    status: int = 200,
) -> HttpResponse:
    application = requirement.application
    state, previous, following = _state_of(checklist_for(application), requirement)
    scope = application.scope.all()
    upload_problem = services.evidence_upload_problem(requirement, request.user)
    families = requirement.item.accepted_types
    context = {
        "application": application,
        "requirement": requirement,
        "item": requirement.item,
        "state": state,
        "previous": previous,
        "following": following,
        "upload_problem": upload_problem,
        "is_uploader": request.user.has_perm("applications.upload_evidence", application),
        "for_enterprise": request.user.is_enterprise_user,
        "can_upload": upload_problem is None and requirement.item.takes_files,
        "can_answer": upload_problem is None and requirement.item.kind == "yes_no",
        "can_review": services.evidence_review_problem(application, request.user) is None,
        "upload_form": upload_form or EvidenceUploadForm(scope=scope),
        "answer_form": answer_form
        or AnswerForm(
            initial={
                "answer": {True: "yes", False: "no"}.get(requirement.answer),  # type: ignore[arg-type]
                "note": requirement.answer_note,
            }
        ),
        "review_form": review_form or ReviewForm(),
        "accept": accept_attribute(families),
        "accepted_label": families_label(families),
        "max_bytes": max_upload_bytes(),
        "max_label": filesizeformat(max_upload_bytes()),
        "scope_size": len(scope),
    }
    return render(request, "applications/evidence/requirement.html", context, status=status)


def evidence_requirement(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _requirement_page(request, get_requirement_for(request.user, pk))


def _wants_json(request: AuthenticatedHttpRequest) -> bool:
    return request.headers.get("x-requested-with") == "XMLHttpRequest"


@require_POST
def evidence_upload_post(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    requirement = get_requirement_for(request.user, pk, write=True)
    application = requirement.application
    form = EvidenceUploadForm(request.POST, request.FILES, scope=application.scope.all())
    problem = services.evidence_upload_problem(requirement, request.user)
    if problem is not None or not form.is_valid():
        message = problem or " ".join(str(error) for errors in form.errors.values() for error in errors)
        if _wants_json(request):
            names = [upload.name for upload in request.FILES.getlist("files")]
            return JsonResponse({"results": [{"name": name, "ok": False, "message": message} for name in names]
                                 or [{"name": "", "ok": False, "message": message}]}, status=400)  # fmt: skip
        if problem is not None:
            messages.error(request, problem)
            return redirect("applications:evidence_requirement", pk=pk)
        messages.error(request, _("Nothing uploaded yet: please correct the fields marked below."))
        return _requirement_page(request, requirement, upload_form=form, status=400)
    results = []
    for upload in form.cleaned_data["files"]:
        try:
            evidence = services.evidence_upload(
                requirement=requirement,
                actor=request.user,
                upload=upload,
                products=form.cleaned_data["products"],
                note=form.cleaned_data["note"],
                document_date=form.cleaned_data["document_date"],
            )
        except ValidationError as error:
            results.append({"name": upload.name, "ok": False, "message": " ".join(refusal_texts(error))})
        else:
            results.append(
                {
                    "name": evidence.original_name,
                    "ok": True,
                    "message": _("“%(name)s” uploaded; it now awaits the consultant's review.")
                    % {"name": evidence.original_name},
                }
            )
    if _wants_json(request):
        return JsonResponse({"results": results}, status=201 if all(r["ok"] for r in results) else 400)
    for result in results:
        (messages.success if result["ok"] else messages.error)(request, result["message"])
    return redirect(reverse("applications:evidence_requirement", args=[pk]) + "#files")


@require_POST
def evidence_answer_post(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    requirement = get_requirement_for(request.user, pk, write=True)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Not saved yet: please correct the fields marked below."))
        return _requirement_page(request, requirement, answer_form=form, status=400)
    try:
        services.evidence_answer(
            requirement=requirement,
            actor=request.user,
            answer=form.cleaned_data["answer"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(request, _("Your answer has been saved."))
    return redirect("applications:evidence_requirement", pk=pk)


@require_POST
def evidence_requirement_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    requirement = get_requirement_for(request.user, pk)
    if not request.user.has_perm("applications.review_evidence", requirement.application):
        raise PermissionDenied(_("Only the application's consultant reviews the evidence."))
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.problem())
        return _requirement_page(request, requirement, review_form=form, status=400)
    try:
        if form.cleaned_data["decision"] == "accept":
            count = services.evidence_requirement_accept(requirement=requirement, actor=request.user)
            messages.success(request, _("Item accepted (%(count)s files accepted).") % {"count": count})
        else:
            services.evidence_requirement_reject(
                requirement=requirement, actor=request.user, reason=form.cleaned_data["full_reason"]
            )
            messages.success(request, _("Item sent back to the enterprise with your reason."))
    except ValidationError as error:
        error_messages(request, error)
    return redirect("applications:evidence_requirement", pk=pk)


@require_POST
def evidence_file_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    evidence = get_evidence_file_for(request.user, pk, review=True)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.problem())
        return _requirement_page(request, evidence.requirement, review_form=form, status=400)
    try:
        if form.cleaned_data["decision"] == "accept":
            services.evidence_file_accept(evidence=evidence, actor=request.user)
            messages.success(request, _("“%(name)s” accepted.") % {"name": evidence.original_name})
        else:
            services.evidence_file_reject(
                evidence=evidence, actor=request.user, reason=form.cleaned_data["full_reason"]
            )
            messages.success(request, _("“%(name)s” sent back with your reason.") % {"name": evidence.original_name})
    except ValidationError as error:
        error_messages(request, error)
    return redirect(reverse("applications:evidence_requirement", args=[evidence.requirement_id]) + "#files")


def evidence_file_replace(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    evidence = get_evidence_file_for(request.user, pk, write=True)
    requirement = evidence.requirement
    scope = requirement.application.scope.all()
    initial = {
        "products": list(evidence.products.all()),
        "note": evidence.note,
        "document_date": evidence.document_date,
    }
    form = EvidenceReplaceForm(request.POST or None, request.FILES or None, scope=scope, initial=initial)
    problem = services.evidence_upload_problem(requirement, request.user)
    if problem is None and not evidence.open_for_changes:
        problem = _("Only a current file that is not accepted yet can be replaced.")
    if request.method == "POST" and problem is None and form.is_valid():
        try:
            new = services.evidence_replace(
                evidence=evidence,
                actor=request.user,
                upload=form.cleaned_data["file"],
                products=form.cleaned_data["products"],
                note=form.cleaned_data["note"],
                document_date=form.cleaned_data["document_date"],
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(
                request,
                _("“%(old)s” replaced by “%(new)s” (version %(version)s); it awaits the consultant's review.")
                % {"old": evidence.original_name, "new": new.original_name, "version": new.version},
            )
            return redirect(reverse("applications:evidence_requirement", args=[requirement.pk]) + "#files")
    context = {
        "evidence": evidence,
        "requirement": requirement,
        "application": requirement.application,
        "form": form,
        "problem": problem,
        "accept": accept_attribute(requirement.item.accepted_types),
        "accepted_label": families_label(requirement.item.accepted_types),
        "max_label": filesizeformat(max_upload_bytes()),
    }
    return render(request, "applications/evidence/file_replace.html", context, status=400 if form.errors else 200)


def evidence_file_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    evidence = get_evidence_file_for(request.user, pk, write=True)
    requirement = evidence.requirement
    initial = {
        "products": list(evidence.products.all()),
        "note": evidence.note,
        "document_date": evidence.document_date,
    }
    form = DocumentDetailsForm(request.POST or None, scope=requirement.application.scope.all(), initial=initial)
    problem = services.evidence_upload_problem(requirement, request.user)
    if problem is None and not evidence.open_for_changes:
        problem = _("An accepted file can no longer be changed.")
    if request.method == "POST" and problem is None and form.is_valid():
        try:
            services.evidence_file_update(
                evidence=evidence,
                actor=request.user,
                products=form.cleaned_data["products"],
                note=form.cleaned_data["note"],
                document_date=form.cleaned_data["document_date"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The details of “%(name)s” are saved.") % {"name": evidence.original_name})
            return redirect(reverse("applications:evidence_requirement", args=[requirement.pk]) + "#files")
    context = {
        "evidence": evidence,
        "requirement": requirement,
        "application": requirement.application,
        "form": form,
        "problem": problem,
    }
    return render(request, "applications/evidence/file_edit.html", context, status=400 if form.errors else 200)


@require_POST
def evidence_file_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    evidence = get_evidence_file_for(request.user, pk, write=True)
    try:
        services.evidence_withdraw(evidence=evidence, actor=request.user)
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(request, _("“%(name)s” withdrawn; it no longer counts.") % {"name": evidence.original_name})
    return redirect(reverse("applications:evidence_requirement", args=[evidence.requirement_id]) + "#files")


def evidence_file_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    evidence = get_evidence_file_for(request.user, pk)
    return private_file_response(request, evidence.file, filename=evidence.original_name)


def evidence_file_preview(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    """The image a worker drew of an image or PDF (never the uploaded file itself inline), or a page
    that waits for it; other kinds of file download as attachments."""
    evidence = get_evidence_file_for(request.user, pk)
    if not evidence.previewable:
        return private_file_response(request, evidence.file, filename=evidence.original_name)
    job = services.evidence_thumbnail_job(evidence)
    if request.htmx and not job.waiting:
        return HttpResponse(headers={"HX-Refresh": "true"})  # the page reloads as the image, or says why not
    if evidence.thumbnail_status == EvidenceFile.ThumbnailStatus.READY and evidence.preview:
        stem = evidence.original_name.rsplit(".", 1)[0]
        return private_file_response(request, evidence.preview, filename=f"{stem}.jpg", inline=True)
    context = {
        "evidence": evidence,
        "application": evidence.requirement.application,
        "job": job,
        "may_retry": job.failed and services.evidence_thumbnail_retry_problem(evidence, request.user) is None,
    }
    template = "includes/preview_status.html" if request.htmx else "preview.html"
    return render(request, f"applications/evidence/{template}", context)


def evidence_file_thumbnail_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A file's thumbnail spot alone: the item page polls it while the thumbnail is being made."""
    evidence = get_evidence_file_for(request.user, pk)
    return render(request, "applications/evidence/includes/file_thumbnail.html", {"evidence": evidence})


@require_POST
def evidence_file_thumbnail_retry_post(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    evidence = get_evidence_file_for(request.user, pk)
    try:
        services.evidence_thumbnail_retry(evidence=evidence, actor=request.user)
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.info(request, _("Queued again. This page updates by itself when it is ready."))
    return redirect(reverse("applications:evidence_requirement", args=[evidence.requirement_id]) + "#files")


def evidence_file_thumbnail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    evidence = get_evidence_file_for(request.user, pk)
    if evidence.thumbnail_status != EvidenceFile.ThumbnailStatus.READY or not evidence.thumbnail:
        raise Http404(_("No thumbnail yet."))
    stem = evidence.original_name.rsplit(".", 1)[0]
    return private_file_response(request, evidence.thumbnail, filename=f"{stem}.jpg", inline=True)


@require_POST
def evidence_archive_request_post(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = get_application_for(request.user, pk)
    archive = services.evidence_archive_request(application=application, actor=request.user)
    return redirect("applications:evidence_archive", pk=archive.pk)


def evidence_archive(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    archive = get_archive_for(request.user, pk)
    job = services.evidence_archive_job(archive)
    context = {
        "archive": archive,
        "application": archive.application,
        "job": job,
        "may_retry": job.failed and services.evidence_archive_retry_problem(archive, request.user) is None,
    }
    if request.htmx:
        return render(request, "applications/evidence/includes/archive_status.html", context)
    return render(request, "applications/evidence/archive.html", context)


@require_POST
def evidence_archive_retry_post(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    archive = get_archive_for(request.user, pk)
    try:
        services.evidence_archive_retry(archive=archive, actor=request.user)
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.info(request, _("Queued again. This page updates by itself when it is ready."))
    return redirect("applications:evidence_archive", pk=archive.pk)


def evidence_archive_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    archive = get_archive_for(request.user, pk)
    if archive.status != EvidenceArchive.Status.READY or not archive.file:
        raise Http404(_("This ZIP is not ready."))
    date = timezone.localtime(archive.created_at).strftime("%Y%m%d")
    filename = _("%(reference)s evidence %(date)s.zip") % {"reference": archive.application.reference, "date": date}
    return private_file_response(request, archive.file, filename=filename)

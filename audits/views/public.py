"""Public certificate verification (no login): search by number or holder name, one certificate's
public page, and the check of a certificate file. Only public facts are shown; an unknown number
reveals nothing."""

from __future__ import annotations

import unicodedata

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django_ratelimit.core import is_ratelimited

from audits.forms import VerifyFileForm, VerifySearchForm
from audits.models import Certificate
from audits.services.certificate_changes import public_change_history
from audits.services.certificates import certificate_number_format
from certportal.lib.uploads import UploadRefused

RESULT_LIMIT = 20
PUBLIC_FIELDS = ("number", "version", "holder_name", "holder_address", "holder_uscc", "scope", "standard",
                 "star_level", "score", "issued_on", "expires_on", "body_name", "body_address", "body_approval_number",
                 "status", "status_changed_at", "suspended_until", "surveillance_due_on",
                 "surveillance_extended_to")  # fmt: skip


def _limited(request: HttpRequest, group: str, rate: str) -> bool:
    # Per client address; the count lives in the database cache, shared by every web process.
    return is_ratelimited(request, group=group, key="ip", rate=rate, increment=True)


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "audits/public/too_many.html", status=429)


@login_not_required
def verify_search(request: HttpRequest) -> HttpResponse:
    form = VerifySearchForm(request.GET or None)
    results: list[Certificate] | None = None
    if form.is_bound:
        if _limited(request, "verify-search", settings.VERIFY_SEARCH_RATE):
            return _too_many(request)
        if form.is_valid():
            query = form.cleaned_data["q"]
            number = _typed_number(query)
            results = list(
                Certificate.objects.filter(Q(number__iexact=number) | Q(holder_name__icontains=query))
                .only(*PUBLIC_FIELDS)
                .order_by("-issued_on", "number")[:RESULT_LIMIT]
            )
            exact = next((found for found in results if found.number.casefold() == number.casefold()), None)
            if exact is not None:
                return redirect("verify_certificate", number=exact.number)
    today = timezone.localdate()
    example = certificate_number_format(year=today.year, sequence=1)
    context = {"form": form, "results": results, "today": today, "limit": RESULT_LIMIT, "example": example}
    return render(request, "audits/public/verify_search.html", context)


def _typed_number(query: str) -> str:
    """The number as typed, without spaces and with full-width letters and dashes (a Chinese input
    method's) made plain."""
    return "".join(unicodedata.normalize("NFKC", query).split())


@login_not_required
def verify_certificate(request: HttpRequest, number: str) -> HttpResponse:
    if _limited(request, "verify-page", settings.VERIFY_PAGE_RATE):
        return _too_many(request)
    typed = number.strip()
    certificate = Certificate.objects.filter(number__in={typed, typed.upper()}).only(*PUBLIC_FIELDS).first()
    if certificate is None:
        return render(request, "audits/public/verify_unknown.html", {"number": number[:60]}, status=404)
    context = {
        "certificate": certificate,
        "changes": public_change_history(certificate),
        "today": timezone.localdate(),
        "national_platform_url": settings.NATIONAL_PLATFORM_URL,
    }
    return render(request, "audits/public/verify_certificate.html", context)


@login_not_required
def verify_file_page(request: HttpRequest) -> HttpResponse:
    """Anyone uploads a certificate PDF and learns whether this body issued it, unchanged (the file
    is not kept)."""
    from audits.signing import certificate_upload_check  # pyHanko is loaded only for this page

    form = VerifyFileForm()
    check = None
    if request.method == "POST":
        if _limited(request, "verify-file", settings.VERIFY_FILE_RATE):
            return _too_many(request)
        form = VerifyFileForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                check = certificate_upload_check(form.cleaned_data["file"])
            except UploadRefused as refusal:
                form.add_error("file", refusal.message)
    context = {"form": form, "check": check, "today": timezone.localdate()}
    return render(request, "audits/public/verify_file.html", context)

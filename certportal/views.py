"""Public pages (landing, health), the signed-in home, which sends each role to its own start page,
and the error pages (400, 403, 404, 429, 500 and the CSRF failure) in the portal's own look."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_ratelimit.exceptions import Ratelimited

from certportal import health, landing
from certportal.lib.http import AuthenticatedHttpRequest


@login_not_required
def landing_page(request: HttpRequest) -> HttpResponse:
    return render(request, "landing.html", landing.context())


def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Each role's start page: an enterprise's progress page (or its information before it has an
    application), the consultant's dashboard, the certification body's dashboard, the admin for
    superusers."""
    user = request.user
    if user.is_superuser and not user.role:
        return redirect("admin:index")
    if user.is_enterprise_user:
        if user.enterprise is not None and user.enterprise.applications.exists():
            return redirect("applications:progress")
        return redirect("applications:enterprise", pk=user.enterprise_id)
    if user.is_consultant:
        return redirect("applications:dashboard")
    if user.is_body_staff:
        return redirect("audits:dashboard")
    return redirect("applications:list")


@login_not_required
@never_cache
@require_safe
def health_check(request: HttpRequest) -> JsonResponse:
    """200 while this web process can serve (database and storage work), 503 otherwise; the checks
    themselves only for staff and monitoring addresses."""
    healthy, report = health.health_report()
    if not health.detail_allowed(request):
        report = health.public_report(healthy=healthy)
    return JsonResponse(report, status=200 if healthy else 503)


# --- Error pages ---------------------------------------------------------------------------------


def bad_request_page(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _standalone_error(request, "errors/400.html", status=400)


def permission_denied_page(request: HttpRequest, exception: Exception) -> HttpResponse:
    if isinstance(exception, Ratelimited):
        return render(request, "errors/429.html", _error_context(request), status=429)
    reason = exception.args[0] if exception.args and isinstance(exception.args[0], str) else ""
    return render(request, "errors/403.html", {**_error_context(request), "reason": reason}, status=403)


def not_found_page(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "errors/404.html", _error_context(request), status=404)


def server_error_page(request: HttpRequest) -> HttpResponse:
    return _standalone_error(request, "errors/500.html", status=500)


def csrf_failure_page(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: the form was refused before any view saw it (an old page, cookies blocked)."""
    return render(request, "errors/csrf.html", _error_context(request), status=403)


def _standalone_error(request: HttpRequest, template: str, *, status: int) -> HttpResponse:
    """Rendered without the context processors, which read the session, the user and the
    notifications: the database may be what failed. The page names nobody and shows no account menu."""
    context = {
        **_error_context(request),
        "request": request,
        "csrf_token": get_token(request),
        "certification_body_name": settings.CERTIFICATION_BODY_NAME,
        "request_id": getattr(request, "request_id", ""),
        "standalone": True,
    }
    return HttpResponse(loader.render_to_string(template, context), status=status)


def _error_context(request: HttpRequest) -> dict[str, Any]:
    return {"previous_page": _previous_page(request), "retry_url": _retry_url(request)}


def _previous_page(request: HttpRequest) -> str:
    """The page the visitor came from, when it is one of ours. A form usually posts to its own
    address, so a POST goes back there; a GET is not sent back to itself."""
    referer = request.headers.get("referer", "")
    try:
        host = request.get_host()
    except DisallowedHost:
        return ""
    ours = url_has_allowed_host_and_scheme(referer, allowed_hosts={host}, require_https=request.is_secure())
    itself = request.method in ("GET", "HEAD") and urlsplit(referer).path == request.path
    return referer if ours and not itself else ""


def _retry_url(request: HttpRequest) -> str:
    # A GET may simply be asked again; a form sent again could repeat what it did.
    return request.get_full_path() if request.method in ("GET", "HEAD") else ""

"""Public pages (landing, health) and the signed-in home, which sends each role to its own start page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

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

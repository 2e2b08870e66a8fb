"""Public pages (landing) and the signed-in home, which sends each role to its own start page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from applications.models import Application
from certportal import landing


@login_not_required
def landing_page(request: HttpRequest) -> HttpResponse:
    return render(request, "landing.html", landing.context())


def home(request: HttpRequest) -> HttpResponse:
    """Each role's start page: an enterprise's open application (or its information), the list of
    applications for staff, the admin for superusers."""
    user = request.user
    if user.is_superuser and not user.role:
        return redirect("admin:index")
    if user.is_enterprise_user:
        current = Application.objects.filter(enterprise_id=user.enterprise_id).open().first()
        if current:
            return redirect("applications:detail", pk=current.pk)
        return redirect("applications:enterprise", pk=user.enterprise_id)
    return redirect("applications:list")

"""Public pages (landing) and the signed-in home, which sends each role to its own start page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from certportal import landing


@login_not_required
def landing_page(request: HttpRequest) -> HttpResponse:
    return render(request, "landing.html", landing.context())


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_superuser and not request.user.role:
        return redirect("admin:index")
    return render(request, "home.html")

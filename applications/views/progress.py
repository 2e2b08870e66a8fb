"""The enterprise's home: where its application stands, what to do next, the timeline, the certificate."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from applications import progress, timeline
from applications.checklist import evidence_progress
from applications.models import Application
from applications.todo import enterprise_todo
from certportal.lib.http import AuthenticatedHttpRequest


def current_application(enterprise_id: int) -> Application | None:
    """The open application, or else the latest closed one (which may carry the certificate)."""
    applications = Application.objects.filter(enterprise_id=enterprise_id).select_related("enterprise", "consultant")
    return applications.open().first() or applications.order_by("-created_at").first()


@require_safe
def enterprise_progress(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_enterprise_user:
        raise PermissionDenied(_("This page is for enterprises."))
    assert user.enterprise_id is not None  # the database requires it of enterprise users
    application = current_application(user.enterprise_id)
    if application is None:
        return redirect("applications:enterprise", pk=user.enterprise_id)
    certificate = (
        getattr(application, "certificate", None) if application.status == Application.Status.CERTIFIED else None
    )
    context = {
        "application": application,
        "steps": progress.steps_for(application),
        "waiting_on": progress.Party.LABELS.get(progress.waiting_on(application), ""),
        "todo": enterprise_todo(application),
        "evidence": evidence_progress(application),
        "timeline": timeline.requested_page(application, request.GET),
        "certificate": certificate,
        "days_elapsed": application.days_elapsed(),
        "pace": application.pace(),
    }
    return render(request, "applications/progress.html", context)

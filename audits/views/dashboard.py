"""The certification body's dashboard: the auditors' and certifiers' home."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from audits import dashboard
from certportal.lib.http import AuthenticatedHttpRequest


@require_safe
def body_dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not (user.is_body_staff or user.is_superuser):
        raise PermissionDenied(_("The dashboard is for the certification body's staff."))
    today = timezone.localdate()
    monday, sunday = dashboard.week_bounds(today)
    context = {
        "today": today,
        "monday": monday,
        "sunday": sunday,
        "review": dashboard.waiting_for_review(user),
        "agenda": dashboard.agenda(user, today),
        "score_sheets": dashboard.score_sheets_to_finish(user),
        "decisions": dashboard.decisions_pending(user),
        "surveillance": dashboard.surveillance_due(user, today),
        "certificate_decisions": dashboard.certificate_decisions(user, today),
        "chart": dashboard.certificate_chart(user),
        "horizon_days": dashboard.SURVEILLANCE_HORIZON_DAYS,
    }
    return render(request, "audits/dashboard.html", context)

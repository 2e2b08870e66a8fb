"""The certification body's review of a submitted application: start, accept or return with reasons."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from applications import timeline
from applications.access import get_application_for
from applications.models import Application
from applications.profile import REQUIRED_FIELDS, field_label, id_numbers_in_full, manager_shortfall
from applications.services import TransitionError, application_transition
from audits import selectors
from audits.access import require
from audits.forms import ReviewForm
from certportal.lib.guards import add_errors
from certportal.lib.http import AuthenticatedHttpRequest
from certportal.templatetags.portal import yes_no

Status = Application.Status
TARGETS = {"start": Status.UNDER_REVIEW, "accept": Status.AUDIT_PREPARATION, "return": Status.RETURNED}
PROFILE_FIELDS = [name for name in REQUIRED_FIELDS if name != "name"] + ["website", "phone", "certifications_held"]


def review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The application's package for the auditor, with the review decision."""
    application = get_application_for(request.user, pk)
    require(
        request.user, "audits.run_audits", application, _("Only the certification body's auditors review applications.")
    )
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decision = form.cleaned_data["decision"]
        try:
            application_transition(
                application=application,
                actor=request.user,
                target=TARGETS[decision],
                comment=form.cleaned_data["comment"],
            )
        except (TransitionError, ValidationError) as error:
            add_errors(form, error)
        else:
            return _after_review(request, application, decision)
    enterprise = application.enterprise
    context = {
        "application": application,
        "enterprise": enterprise,
        "profile": [(field_label(name), _display(enterprise, name)) for name in PROFILE_FIELDS],
        "scope": list(application.scope.all()),
        "outlets": list(enterprise.outlets.all()),
        "managers": list(enterprise.managers.all()),
        "manager_shortfall": manager_shortfall(enterprise),
        "show_id_numbers": id_numbers_in_full(request.user, enterprise),
        "returns": application.events.filter(to_status=Status.RETURNED).select_related("actor"),
        "evidence": selectors.review_evidence(application),
        "forms": selectors.review_forms(application),
        "timeline": timeline.requested_page(application, request.GET),
        "form": form,
        "can_start": application.status == Status.SUBMITTED,
        "can_decide": application.status == Status.UNDER_REVIEW,
    }
    return render(request, "audits/review.html", context)


def _display(enterprise: object, name: str) -> object:
    method = getattr(enterprise, f"get_{name}_display", None)
    value = method() if method else getattr(enterprise, name)
    return yes_no(value) if isinstance(value, bool) else value


def _after_review(request: AuthenticatedHttpRequest, application: Application, decision: str) -> HttpResponse:
    if decision == "start":
        messages.success(request, _("Review started. Check the package below, then accept or return the application."))
        return redirect("audits:review", pk=application.pk)
    if decision == "accept":
        messages.success(request, _("Accepted. Next: plan the three video audits."))
        return redirect("audits:rounds", pk=application.pk)
    messages.success(
        request, _("Returned. The enterprise and its consultant see your reasons on the application page.")
    )
    return redirect("applications:detail", pk=application.pk)

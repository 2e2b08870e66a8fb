"""Surveillance audits: the body opens one from the certificate, the enterprise confirms its basic
information, a certifier decides on the certificate."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import workflow
from applications.access import get_application_for
from applications.models import Application
from applications.services import TransitionError
from audits import selectors
from audits.access import get_certificate_for, require
from audits.forms.surveillance import SurveillanceDecisionForm
from audits.interface import impartiality_problem
from audits.models import Certificate, ScoreSheet, SurveillanceAudit
from audits.services import surveillance as service
from certportal.accounts.models import User
from certportal.lib.guards import add_errors
from certportal.lib.http import AuthenticatedHttpRequest

Status = Application.Status


def surveillance_panel(certificate: Certificate, user: User) -> dict[str, object]:
    """The certificate page's surveillance box: the audits so far and whether one may be opened."""
    return {
        "surveillances": list(certificate.surveillances.select_related("application", "decided_by")),
        "surveillance_open_problem": service.surveillance_open_problem(certificate, user),
    }


@require_POST
def surveillance_open_post(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    certificate = get_certificate_for(request.user, pk)
    try:
        surveillance = service.surveillance_open(certificate=certificate, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("audits:certificate", pk=pk)
    messages.success(request, _("Surveillance audit opened. The enterprise and its consultant have been told."))
    return redirect("applications:detail", pk=surveillance.application_id)


def _surveillance_of(request: AuthenticatedHttpRequest, pk: int) -> SurveillanceAudit:
    application = get_application_for(request.user, pk)
    surveillance = (
        SurveillanceAudit.objects.select_related("certificate", "application__enterprise")
        .filter(application=application)
        .first()
    )
    if surveillance is None:
        raise Http404(_("This application is not a surveillance audit."))
    return surveillance


def surveillance_confirm_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The enterprise checks its basic information, products, outlets and managers, then confirms."""
    surveillance = _surveillance_of(request, pk)
    problem = service.surveillance_confirm_information_problem(surveillance, request.user)
    if request.method == "POST":
        try:
            service.surveillance_confirm_information(surveillance=surveillance, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Thank you: the basic information is confirmed."))
            return redirect("applications:detail", pk=pk)
    enterprise = surveillance.application.enterprise
    context = {
        "surveillance": surveillance,
        "application": surveillance.application,
        "enterprise": enterprise,
        "products": list(enterprise.products.all()),
        "outlets": list(enterprise.outlets.all()),
        "managers": enterprise.managers.count(),
        "problem": problem,
    }
    return render(request, "audits/surveillance_confirm.html", context)


def surveillance_decision_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    surveillance = _surveillance_of(request, pk)
    application = surveillance.application
    require(request.user, "audits.change_certificates", application,
            _("Only certifiers decide on a surveillance audit."))  # fmt: skip
    pending = service.surveillance_decide_problem(surveillance, request.user) is None
    form = SurveillanceDecisionForm(request.POST or None)
    if request.method == "POST" and pending and form.is_valid():
        try:
            service.surveillance_decide(
                surveillance=surveillance, actor=request.user, outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"], suspended_until=form.cleaned_data["suspended_until"],
            )  # fmt: skip
        except TransitionError as error:
            for message in error.messages:
                form.add_error(None, message)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Decision recorded in the certificate's history."))
            return redirect("audits:certificate", pk=surveillance.certificate_id)
    sheet = ScoreSheet.objects.filter(application=application).select_related("version").first()
    problems = {
        target: workflow.blocking_problems(transition, application, request.user)
        for target in (Status.CERTIFIED, Status.NOT_CERTIFIED)
        if (transition := workflow.find_transition(Status.DECISION, target, application.kind))
    }
    context = {
        "surveillance": surveillance,
        "application": application,
        "certificate": surveillance.certificate,
        "result": selectors.score_sheet_result(sheet) if sheet else None,
        "form": form,
        "pending": pending,
        "impartiality": impartiality_problem(application, request.user),
        "maintain_problems": problems.get(Status.CERTIFIED, []),
        "end_problems": problems.get(Status.NOT_CERTIFIED, []),
        "findings": list(application.findings.order_by("number")),
    }
    return render(request, "audits/surveillance_decision.html", context)

"""The certification decision page (certifiers): the evidence for the decision, and the decision."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from applications import workflow
from applications.access import get_application_for
from applications.models import Application
from applications.services import TransitionError
from audits import selectors, services
from audits.access import require
from audits.forms import DecisionForm
from audits.interface import impartiality_problem
from audits.models import ScoreSheet
from certportal.lib.guards import add_errors
from certportal.lib.http import AuthenticatedHttpRequest

Status = Application.Status


def decision(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = get_application_for(request.user, pk)
    require(request.user, "audits.change_certificates", application,
            _("Only certifiers make the certification decision."))  # fmt: skip
    sheet = ScoreSheet.objects.filter(application=application).select_related("version").first()
    result = selectors.score_sheet_result(sheet) if sheet else None
    form = DecisionForm(request.POST or None, computed_star_level=result.star_level if result else 0)
    pending = services.certification_decide_problem(application, request.user) is None
    if request.method == "POST" and pending and form.is_valid():
        certify = form.cleaned_data["outcome"] == "certify"
        try:
            outcome = services.certification_decide(
                application=application,
                actor=request.user,
                certify=certify,
                star_level=form.cleaned_data["star_level"] if certify else None,
                reason=form.cleaned_data["reason"],
            )
        except (TransitionError, ValidationError) as error:
            add_errors(form, error)
        else:
            if certify:
                certificate = application.certificate
                messages.success(
                    request,
                    _("Certified. Certificate %(number)s has been issued; its PDF is being prepared.")
                    % {"number": certificate.number},
                )
                return redirect("audits:certificate", pk=certificate.pk)
            messages.success(request, _("Certification refused. The enterprise and its consultant have been told."))
            return redirect("applications:detail", pk=outcome.application_id)
    problems = {
        target: workflow.blocking_problems(transition, application, request.user)
        for target in (Status.CERTIFIED, Status.NOT_CERTIFIED)
        if (transition := workflow.find_transition(Status.DECISION, target))
    }
    findings = list(application.findings.select_related("indicator").order_by("number"))
    context = {
        "application": application,
        "sheet": sheet,
        "result": result,
        "form": form,
        "pending": pending,
        "impartiality": impartiality_problem(application, request.user),
        "certify_problems": problems.get(Status.CERTIFIED, []),
        "refuse_problems": problems.get(Status.NOT_CERTIFIED, []),
        "findings": findings,
        "special_items": list(sheet.special_items.all()) if sheet else [],
        "rounds": list(application.audit_rounds.select_related("lead_auditor").prefetch_related("members")),
        "existing": getattr(application, "decision", None) if not pending else None,
    }
    return render(request, "audits/decision.html", context)

"""A certificate's deadlines on its page: an overdue surveillance audit (extended once by a certifier),
the decision waiting, and the invitation to recertify."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audits import services
from audits.access import get_certificate_for
from audits.forms import SurveillanceExtensionForm
from audits.models import Certificate
from audits.services.certificate_deadlines import extension_latest
from certportal.accounts.models import User
from certportal.lib.guards import add_errors
from certportal.lib.http import AuthenticatedHttpRequest


def deadline_context(user: User, certificate: Certificate, extension_form: object = None) -> dict[str, object]:
    """What templates/audits/includes/certificate_deadline.html shows (with the form as posted, if any)."""
    today = timezone.localdate()
    return {
        "decision_due": services.certificate_decision_due(certificate, today) if user.is_body_staff else None,
        "extension": services.certificate_extension(certificate),
        "extension_problem": services.certificate_extend_surveillance_problem(certificate, user, today),
        "extension_form": extension_form
        if isinstance(extension_form, SurveillanceExtensionForm)
        else SurveillanceExtensionForm(initial={"extended_to": extension_latest(certificate)}),
        "recertification_due": certificate.recertification_invited_on is not None and certificate.is_valid(today),
    }


@require_POST
def certificate_extension_post(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    from audits.views.certificates import _certificate_context

    certificate = get_certificate_for(request.user, pk, write=True)
    form = SurveillanceExtensionForm(request.POST)
    if form.is_valid():
        try:
            services.certificate_extend_surveillance(
                certificate=certificate, actor=request.user, extended_to=form.cleaned_data["extended_to"],
                reason=form.cleaned_data["reason"],
            )  # fmt: skip
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("The surveillance audit is extended to %(date)s. The holder has been told.")
                % {"date": certificate.surveillance_extended_to},
            )
            return redirect("audits:certificate", pk=pk)
    context = _certificate_context(request, certificate, extension_form=form)
    return render(request, "audits/certificate_detail.html", context)

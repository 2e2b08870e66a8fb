"""Applications: list, start, detail with timeline and next steps, scope, transitions, consultants."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import progress, selectors, services, timeline, workflow
from applications.access import get_application_for, get_enterprise_for, get_invitation_for
from applications.forms import ApplicationCreateForm, InviteConsultantForm, ScopeForm, TransitionForm
from applications.models import Application
from applications.models.application import TARGET_DAYS_MAX, TARGET_DAYS_MIN
from applications.profile import manager_shortfall, profile_problems
from certportal.lib.guards import error_messages
from certportal.lib.http import AuthenticatedHttpRequest


def application_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    applications = (
        Application.objects.visible_to(request.user)
        .select_related("enterprise", "consultant")
        .order_by("-created_at")[:200]
    )
    context: dict[str, object] = {"applications": applications}
    if request.user.is_enterprise_user:
        assert request.user.enterprise_id is not None  # the database requires it of enterprise users
        enterprise = get_enterprise_for(request.user, request.user.enterprise_id)
        context.update(selectors.start_offer(enterprise, request.user))
    return render(request, "applications/application_list.html", context)


def application_new_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not request.user.is_enterprise_user:
        return redirect("applications:list")
    assert request.user.enterprise_id is not None  # the database requires it of enterprise users
    enterprise = get_enterprise_for(request.user, request.user.enterprise_id, write=True)
    open_application = Application.objects.filter(enterprise=enterprise).open().first()
    if open_application:
        messages.info(request, services.application_start_problem(enterprise, request.user) or "")
        return redirect("applications:detail", pk=open_application.pk)
    form = ApplicationCreateForm(request.POST or None, enterprise=enterprise)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_create(
                enterprise=enterprise,
                actor=request.user,
                scope=form.cleaned_data["scope"],
                kind=form.cleaned_data["kind"],
                desired_star_level=form.cleaned_data["desired_star_level"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Application %(reference)s started. Next: complete the basic information and submit it.")
                % {"reference": application.reference},
            )
            return redirect("applications:detail", pk=application.pk)
    context = {"form": form, "enterprise": enterprise, "has_products": enterprise.products.exists()}
    return render(request, "applications/application_form.html", context)


def application_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = get_application_for(request.user, pk)
    enterprise = application.enterprise
    actions = [
        {"transition": t, "problems": workflow.blocking_problems(t, application, request.user)}
        for t in workflow.transitions_for(request.user, application)
    ]
    context = {
        "application": application,
        "enterprise": enterprise,
        "scope": list(application.scope.all()),
        "timeline": timeline.requested_page(application, request.GET),
        "actions": actions,
        "can_change": request.user.has_perm("applications.change_application", application),
        "is_member": request.user.has_perm("applications.change_enterprise", enterprise),
        "scope_editable": application.status in Application.SCOPE_EDITABLE_STATUSES,
        "profile_problems": profile_problems(enterprise) if application.status == Application.Status.DRAFT else [],
        "manager_shortfall": manager_shortfall(enterprise),
        "days_elapsed": application.days_elapsed(),
        "pace": application.pace(),
        "target_min": TARGET_DAYS_MIN,
        "target_max": TARGET_DAYS_MAX,
        "invite_form": InviteConsultantForm(),
        "pending_invitations": application.invitations.filter(accepted_at__isnull=True),
        "steps": progress.steps_for(application),
    }
    return render(request, "applications/application_detail.html", context)


@require_POST
def application_transition_post(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = get_application_for(request.user, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("This step is not possible from the application's current state."))
        return redirect("applications:detail", pk=pk)
    transition = workflow.find_transition(application.status, form.cleaned_data["target"], application.kind)
    if transition is not None and transition.own_page:
        # A step with its own page (e.g. the certification decision, which issues the certificate).
        return redirect(transition.own_page, pk=pk)
    try:
        event = services.application_transition(
            application=application,
            actor=request.user,
            target=form.cleaned_data["target"],
            comment=form.cleaned_data["comment"],
        )
    except services.TransitionError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("Done. The application is now: %(status)s.") % {"status": event.get_to_status_display()}
        )
    return redirect("applications:detail", pk=pk)


def application_scope(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = get_application_for(request.user, pk, write=True)
    form = ScopeForm(
        request.POST or None,
        enterprise=application.enterprise,
        initial={"scope": list(application.scope.all())},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.application_set_scope(
                application=application, actor=request.user, products=form.cleaned_data["scope"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The product scope has been saved."))
            return redirect("applications:detail", pk=pk)
    return render(request, "applications/scope_form.html", {"application": application, "form": form})


@require_POST
def consultant_invite_post(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = get_application_for(request.user, pk, write=True)
    form = InviteConsultantForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("email", []):
            messages.error(request, str(error))
        return redirect("applications:detail", pk=pk)
    try:
        services.consultant_invite(application=application, actor=request.user, email=form.cleaned_data["email"])
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(
            request,
            _("The invitation to %(email)s is queued and will be sent shortly.")
            % {"email": form.cleaned_data["email"]},
        )
    return redirect("applications:detail", pk=pk)


def invitation_accept(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    invitation = get_invitation_for(request.user, token)
    if request.method == "POST":
        try:
            application = services.consultant_invitation_accept(invitation=invitation, actor=request.user)
        except ValidationError as error:
            error_messages(request, error)
            return redirect("applications:invitation", token=token)
        messages.success(
            request, _("You are now the consultant of %(reference)s.") % {"reference": application.reference}
        )
        return redirect("applications:detail", pk=application.pk)
    return render(request, "applications/invitation.html", {"invitation": invitation})

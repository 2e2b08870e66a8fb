"""The three video audits: overview, a round's page, scheduling, the enterprise's answer, interviews,
check-in photos, marking done, the calendar file, and the auditors' schedule."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.models import Application
from audits import services
from audits.access import get_audited_application_for, get_photo_for, get_round_for, require
from audits.forms import InterviewForm, PhotoForm, RoundDoneForm, RoundResponseForm, RoundScheduleForm
from audits.models import AuditRound, DepartmentInterview, Finding
from audits.services.invitations import round_ics
from audits.services.rounds import PLANNING_STATUSES, round_participants
from certportal.lib.files import private_file_response
from certportal.lib.guards import add_errors, error_messages
from certportal.lib.http import AuthenticatedHttpRequest

Schedule = AuditRound.Schedule


def rounds_overview(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = get_audited_application_for(request.user, pk)
    rounds = list(
        application.audit_rounds.select_related("lead_auditor").prefetch_related("members").order_by("number")
    )
    findings = list(application.findings.select_related("indicator").order_by("number"))
    now = timezone.now()
    context = {
        "application": application,
        "rounds": [
            (
                audit_round,
                services.round_schedule_problem(audit_round, request.user),
                services.round_respond_problem(audit_round, request.user, now),
            )
            for audit_round in rounds
        ],
        "findings": findings,
        "open_findings": [finding for finding in findings if not finding.is_closed],
        "is_auditor": request.user.has_perm("audits.run_audits", application),
    }
    return render(request, "audits/rounds.html", context)


def round_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    audit_round = get_round_for(request.user, pk)
    return render(request, "audits/round_detail.html", _round_context(request, audit_round))


def _round_context(request: AuthenticatedHttpRequest, audit_round: AuditRound, **forms: object) -> dict[str, object]:
    application = audit_round.application
    user = request.user
    photos = list(audit_round.photos.select_related("uploaded_by"))
    now = timezone.now()
    context: dict[str, object] = {
        "application": application,
        "audit_round": audit_round,
        "members": list(audit_round.members.all()),
        "interviews": list(audit_round.interviews.select_related("recorded_by")),
        "opening_photos": [p for p in photos if p.moment == "opening"],
        "closing_photos": [p for p in photos if p.moment == "closing"],
        "findings": list(audit_round.findings.select_related("indicator").order_by("number")),
        "is_auditor": user.has_perm("audits.run_audits", application),
        "schedule_problem": services.round_schedule_problem(audit_round, user),
        "interview_problem": services.interview_record_problem(audit_round, user),
        "photo_problem": services.photo_change_problem(audit_round, user),
        "raise_problem": services.finding_raise_problem(application, user),
        "respond_problem": services.round_respond_problem(audit_round, user, now),
        "done_problems": [] if audit_round.is_done else services.round_complete_problems(audit_round, user, now),
        "interview_form": forms.get("interview_form") or InterviewForm(),
        "photo_form": forms.get("photo_form") or PhotoForm(),
        "done_form": forms.get("done_form") or RoundDoneForm(),
        "response_form": forms.get("response_form")
        or RoundResponseForm(initial={"sequence": audit_round.invitation_sequence}),
    }
    return context


def round_plan_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    audit_round = get_round_for(request.user, pk, write=True)
    form = RoundScheduleForm(request.POST or None, audit_round=audit_round)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        plan = services.RoundPlan(
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            method=data["method"],
            platform=data["platform"],
            meeting_link=data["meeting_link"],
            meeting_code=data["meeting_code"],
            lead_auditor=data["lead_auditor"],
            members=list(data["members"]),
            enterprise_participants=data["enterprise_participants"],
            agenda=form.agenda_items(),
        )
        was_scheduled, sequence = audit_round.is_scheduled, audit_round.invitation_sequence
        try:
            saved = services.round_schedule(audit_round=audit_round, actor=request.user, plan=plan)
        except ValidationError as error:
            add_errors(form, error)
        else:
            if not was_scheduled:
                message = _(
                    "Scheduled. The invitation has been e-mailed to the enterprise, its consultant and the team."
                )
            elif saved.invitation_sequence != sequence:
                message = _("Rescheduled. Everyone involved has been sent the changed invitation.")
            else:
                message = _("Saved. The time, place and team did not change, so no new invitation was sent.")
            messages.success(request, message)
            return redirect("audits:round", pk=audit_round.pk)
    context = {"audit_round": audit_round, "application": audit_round.application, "form": form}
    return render(request, "audits/round_schedule.html", context)


@require_POST
def round_respond_post(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    audit_round = get_round_for(request.user, pk)
    application = audit_round.application
    require(request.user, "audits.respond_to_audits", application,
            _("Only the enterprise and its consultant answer the audit schedule."))  # fmt: skip
    form = RoundResponseForm(request.POST)
    if form.is_valid():
        confirm = form.cleaned_data["answer"] == "confirm"
        try:
            services.round_respond(
                audit_round=audit_round,
                actor=request.user,
                confirm=confirm,
                message=form.cleaned_data["message"],
                sequence=form.cleaned_data["sequence"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("Thank you: the time is confirmed.")
                if confirm
                else _("Your request has been sent to the auditors; they will propose another time."),
            )
            return redirect("audits:round", pk=audit_round.pk)
    return render(request, "audits/round_detail.html", _round_context(request, audit_round, response_form=form))


@require_POST
def round_done(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    audit_round = get_round_for(request.user, pk, write=True)
    form = RoundDoneForm(request.POST)
    if form.is_valid():
        try:
            services.round_complete(audit_round=audit_round, actor=request.user, summary=form.cleaned_data["summary"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("%(round)s marked done.") % {"round": audit_round.name})
            return redirect("audits:round", pk=audit_round.pk)
    return render(request, "audits/round_detail.html", _round_context(request, audit_round, done_form=form))


def interview_edit(request: AuthenticatedHttpRequest, pk: int, interview_pk: int | None = None) -> HttpResponse:
    audit_round = get_round_for(request.user, pk, write=True)
    interview = (
        get_object_or_404(DepartmentInterview, pk=interview_pk, audit_round=audit_round) if interview_pk else None
    )
    form = InterviewForm(request.POST or None, instance=interview or DepartmentInterview(audit_round=audit_round))
    if request.method == "POST" and form.is_valid():
        try:
            services.interview_save(interview=form.instance, actor=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, _("Interview record saved: %(department)s.") % {"department": form.instance.department}
            )
            return redirect(f"{_round_url(audit_round)}#interviews")
    if request.method == "POST" and interview is None:
        return render(request, "audits/round_detail.html", _round_context(request, audit_round, interview_form=form))
    context = {"audit_round": audit_round, "application": audit_round.application, "form": form, "interview": interview}
    return render(request, "audits/interview_form.html", context)


@require_POST
def interview_delete_post(request: AuthenticatedHttpRequest, pk: int, interview_pk: int) -> HttpResponse:
    audit_round = get_round_for(request.user, pk, write=True)
    interview = get_object_or_404(DepartmentInterview, pk=interview_pk, audit_round=audit_round)
    try:
        services.interview_delete(interview=interview, actor=request.user)
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(request, _("Interview record removed: %(department)s.") % {"department": interview.department})
    return redirect(f"{_round_url(audit_round)}#interviews")


@require_POST
def photo_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    audit_round = get_round_for(request.user, pk, write=True)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            photo = services.photo_add(
                audit_round=audit_round,
                actor=request.user,
                moment=form.cleaned_data["moment"],
                upload=form.cleaned_data["photo"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("Check-in photo of the %(meeting)s saved at %(time)s.")
                % {
                    "meeting": photo.get_moment_display(),
                    "time": timezone.localtime(photo.uploaded_at).strftime("%H:%M:%S"),
                },
            )
            return redirect(f"{_round_url(audit_round)}#photos")
    return render(request, "audits/round_detail.html", _round_context(request, audit_round, photo_form=form))


def photo_file(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    photo = get_photo_for(request.user, pk)
    return private_file_response(request, photo.file, filename=photo.original_name, inline=True)


@require_POST
def photo_delete_post(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    photo = get_photo_for(request.user, pk)
    audit_round = get_round_for(request.user, photo.audit_round_id, write=True)
    try:
        services.photo_delete(photo=photo, actor=request.user)
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(request, _("Photo removed."))
    return redirect(f"{_round_url(audit_round)}#photos")


def round_calendar(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The round as an .ics file, for adding it to a calendar by hand."""
    audit_round = get_round_for(request.user, pk)
    if not audit_round.is_scheduled:
        messages.info(request, _("This round is not scheduled yet."))
        return redirect("audits:round", pk=pk)
    response = HttpResponse(
        round_ics(audit_round, round_participants(audit_round)), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="audit-round-{audit_round.pk}.ics"'
    return response


def audit_schedule(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The auditors' overview: rounds to plan, answers to look at, rounds coming up and to close."""
    require(request.user, "audits.run_audits", None, _("The audit schedule is for the certification body's auditors."))
    now = timezone.now()
    rounds = list(
        AuditRound.objects.filter(
            application__in=Application.objects.visible_to(request.user),
            application__status__in=PLANNING_STATUSES,
            done_at__isnull=True,
        )
        .select_related("application__enterprise", "lead_auditor")
        .order_by("starts_at", "application_id", "number")
    )
    context = {
        "to_plan": [r for r in rounds if not r.is_scheduled],
        "change_requested": [r for r in rounds if r.schedule_status == Schedule.CHANGE_REQUESTED],
        "upcoming": [r for r in rounds if r.is_scheduled and r.ends_at is not None and r.ends_at > now],
        "to_close": [r for r in rounds if r.is_scheduled and r.ends_at is not None and r.ends_at <= now],
        "overdue_findings": Finding.objects.visible_to(request.user)
        .filter(status=Finding.Status.OPEN, deadline__lt=timezone.localdate())
        .exclude(application__status__in=Application.CLOSED_STATUSES)
        .select_related("application__enterprise")
        .order_by("deadline")[:50],
    }
    return render(request, "audits/schedule.html", context)


def _round_url(audit_round: AuditRound) -> str:
    return reverse("audits:round", args=[audit_round.pk])

"""The three remote audit rounds: set-up, scheduling and invitations, the enterprise's answer,
interview records, check-in photos, and marking a round done."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import Application, ApplicationEvent
from applications.people import people_of
from applications.webhooks import application_webhook
from audits.models import AuditRound, CheckInPhoto, DepartmentInterview
from audits.services import invitations
from certportal.accounts.models import User
from certportal.lib.guards import enforce
from certportal.lib.uploads import UploadRefused, upload_store
from notifications.models import WebhookEvent
from notifications.services import Email, notify

Status = Application.Status
EventKind = ApplicationEvent.Kind
Schedule = AuditRound.Schedule

# Rounds are planned while the audit is prepared and during the remote audits; they are run
# (interviews, photos, done) during the remote audits; notes may still be completed in evaluation.
PLANNING_STATUSES = (Status.AUDIT_PREPARATION, Status.REMOTE_AUDIT)
RUNNING_STATUSES = (Status.REMOTE_AUDIT,)
RECORDING_STATUSES = (Status.REMOTE_AUDIT, Status.EVALUATION)
# Check-in photos can be taken a little before the scheduled start (people join early).
CHECK_IN_EARLY = datetime.timedelta(minutes=30)
PHOTO_MAX_BYTES = 15 * 1024 * 1024


AUDITORS_ONLY = gettext_lazy("Only the certification body's auditors can do this.")


def is_auditor(actor: User, application: Application) -> bool:
    return actor.has_perm("audits.run_audits", application)


# --- Scheduling --------------------------------------------------------------------------------


@dataclass
class RoundPlan:
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    method: str
    platform: str
    meeting_link: str
    meeting_code: str
    lead_auditor: User
    members: list[User] = field(default_factory=list)
    enterprise_participants: str = ""
    agenda: list[str] = field(default_factory=list)


def round_schedule_problem(audit_round: AuditRound, actor: User) -> str | None:
    """Why this actor cannot schedule (or reschedule) the round now; None when they can."""
    if not is_auditor(actor, audit_round.application):
        return str(AUDITORS_ONLY)
    if audit_round.application.status not in PLANNING_STATUSES:
        return _("Rounds are planned during the audit preparation and the remote audits.")
    if audit_round.is_done:
        return _("This round is done; its schedule can no longer change.")
    return None


def round_schedule(*, audit_round: AuditRound, actor: User, plan: RoundPlan) -> AuditRound:
    """Set or change a round's schedule, team and agenda. A new time, place or team asks the
    enterprise to confirm again and sends everyone involved an invitation with a calendar file."""
    application = audit_round.application
    enforce(round_schedule_problem(audit_round, actor), permitted=is_auditor(actor, application))
    _check_plan(audit_round, plan)
    members = [member for member in plan.members if member.pk != plan.lead_auditor.pk]
    with transaction.atomic():
        locked = AuditRound.objects.select_for_update().get(pk=audit_round.pk)
        before = _invitation_facts(locked, list(locked.members.values_list("pk", flat=True)))
        first_time = not locked.is_scheduled
        for name in ("starts_at", "ends_at", "method", "platform", "meeting_link", "meeting_code", "lead_auditor"):
            setattr(locked, name, getattr(plan, name))
        locked.enterprise_participants = plan.enterprise_participants.strip()
        locked.agenda = [item.strip() for item in plan.agenda if item.strip()]
        changed = before != _invitation_facts(locked, sorted(member.pk for member in members))
        if changed:
            locked.schedule_status = Schedule.PROPOSED
            locked.response_message = ""
            locked.responded_by = None
            locked.responded_at = None
            if not first_time:
                locked.invitation_sequence += 1
        locked.save()
        locked.members.set(members)
        if changed:
            ApplicationEvent.objects.create(
                application=application,
                kind=EventKind.ROUND_SCHEDULED,
                actor=actor,
                data={"round": locked.number, "when": when_text(locked), "rescheduled": not first_time},
            )
            invitations.send_invitations(locked)
            application_webhook(
                WebhookEvent.AUDIT_SCHEDULED,
                application,
                {
                    "round": locked.number,
                    "starts_at": locked.starts_at,
                    "ends_at": locked.ends_at,
                    "method": locked.method,
                    "rescheduled": not first_time,
                },
            )
    audit_round.refresh_from_db()
    return audit_round


def _check_plan(audit_round: AuditRound, plan: RoundPlan) -> None:
    errors: dict[str, list[str]] = {}
    if plan.ends_at <= plan.starts_at:
        errors.setdefault("ends_at", []).append(_("The round must end after it starts."))
    siblings = {r.number: r for r in AuditRound.objects.filter(application_id=audit_round.application_id)}
    previous = siblings.get(audit_round.number - 1)
    if previous and previous.ends_at and plan.starts_at < previous.ends_at:
        errors.setdefault("starts_at", []).append(
            _("The %(round)s must start after the %(previous)s ends (%(end)s).")
            % {"round": audit_round.name, "previous": previous.name, "end": local_text(previous.ends_at)}
        )
    following = siblings.get(audit_round.number + 1)
    if following and following.starts_at and plan.ends_at > following.starts_at:
        errors.setdefault("ends_at", []).append(
            _("The %(round)s must end before the %(next)s starts (%(start)s).")
            % {"round": audit_round.name, "next": following.name, "start": local_text(following.starts_at)}
        )
    if not (plan.lead_auditor.is_auditor and plan.lead_auditor.is_active):
        errors.setdefault("lead_auditor", []).append(_("The lead auditor must be one of the body's auditors."))
    if any(not (member.is_auditor and member.is_active) for member in plan.members):
        errors.setdefault("members", []).append(_("Team members must be the body's auditors."))
    if errors:
        raise ValidationError(errors)


def _invitation_facts(audit_round: AuditRound, member_ids: list[int]) -> tuple[object, ...]:
    """What the invitation says: when any of it changes, everyone is invited again."""
    return (
        audit_round.starts_at,
        audit_round.ends_at,
        audit_round.method,
        audit_round.platform,
        audit_round.meeting_link,
        audit_round.meeting_code,
        audit_round.lead_auditor_id,
        sorted(member_ids),
    )


def local_text(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def when_text(audit_round: AuditRound) -> str:
    """2026-06-01 09:00–11:30 (local time), for the timeline."""
    if audit_round.starts_at is None or audit_round.ends_at is None:
        return ""
    start, end = timezone.localtime(audit_round.starts_at), timezone.localtime(audit_round.ends_at)
    end_text = end.strftime("%H:%M") if end.date() == start.date() else end.strftime("%Y-%m-%d %H:%M")
    return f"{start:%Y-%m-%d %H:%M}–{end_text}"


# --- The enterprise's answer -------------------------------------------------------------------


def may_respond(actor: User, application: Application) -> bool:
    return actor.has_perm("audits.respond_to_audits", application)


def round_respond_problem(audit_round: AuditRound, actor: User, now: datetime.datetime | None = None) -> str | None:
    """Why this actor cannot answer the round's proposed time now; None when they can."""
    application = audit_round.application
    if not may_respond(actor, application):
        return _("Only the enterprise and its consultant answer the audit schedule.")
    if audit_round.is_done or not audit_round.is_scheduled:
        return _("There is no proposed time to answer.")
    if application.status not in PLANNING_STATUSES:
        return _("The audits of this application are over.")
    if audit_round.starts_at is not None and audit_round.starts_at <= (now or timezone.now()):
        return _("This round has already started; please contact the lead auditor directly.")
    return None


def round_respond(
    *, audit_round: AuditRound, actor: User, confirm: bool, message: str = "", sequence: int | None = None
) -> AuditRound:
    """The enterprise or its consultant confirms the proposed time, or asks for another one.

    `sequence` is the schedule version the person looked at: if the auditor has changed the
    schedule since, the answer is refused rather than applied to a time they never saw.
    """
    application = audit_round.application
    enforce(round_respond_problem(audit_round, actor), permitted=may_respond(actor, application))
    message = message.strip()
    if confirm:
        allowed, target, kind = (
            (Schedule.PROPOSED, Schedule.CHANGE_REQUESTED),
            Schedule.CONFIRMED,
            EventKind.ROUND_CONFIRMED,
        )
    else:
        if not message:
            raise ValidationError({"message": [_("Please say which times would suit you instead.")]})
        allowed, target = (Schedule.PROPOSED, Schedule.CONFIRMED), Schedule.CHANGE_REQUESTED
        kind = EventKind.ROUND_CHANGE_REQUESTED
    if audit_round.schedule_status not in allowed:
        raise ValidationError(_("You have already answered this schedule."))
    now = timezone.now()
    current = AuditRound.objects.filter(pk=audit_round.pk, schedule_status__in=allowed, done_at__isnull=True)
    if sequence is not None:
        current = current.filter(invitation_sequence=sequence)
    with transaction.atomic():
        updated = current.update(
            schedule_status=target, response_message=message, responded_by=actor, responded_at=now, updated_at=now
        )
        if updated != 1:
            raise ValidationError(_("The schedule has just changed. Please look at the new time and answer again."))
        audit_round.refresh_from_db()
        ApplicationEvent.objects.create(
            application=application,
            kind=kind,
            actor=actor,
            comment=message,
            data={"round": audit_round.number, "when": when_text(audit_round)},
        )
        notify(
            recipients=round_team(audit_round),
            email=Email(
                subject=gettext_lazy("%(enterprise)s confirmed the time of the %(round)s")
                if confirm
                else gettext_lazy("%(enterprise)s asks for another time for the %(round)s"),
                params={"enterprise": application.enterprise.name, "round": audit_round.name},
                template="emails/audit_round_answer.txt",
                context={"audit_round": audit_round, "application": application, "actor": actor, "confirmed": confirm},
            ),
        )
    return audit_round


def round_team(audit_round: AuditRound) -> list[User]:
    team = [audit_round.lead_auditor] if audit_round.lead_auditor else []
    return team + list(audit_round.members.exclude(pk__in=[person.pk for person in team]).order_by("pk"))


def round_participants(audit_round: AuditRound) -> list[User]:
    """Everyone the invitation goes to: the team, the enterprise's users and the consultant."""
    return round_team(audit_round) + people_of(audit_round.application)


# --- Running a round ---------------------------------------------------------------------------


def interview_record_problem(audit_round: AuditRound, actor: User) -> str | None:
    """Why this actor cannot add, change or remove the round's interview records now."""
    if not is_auditor(actor, audit_round.application):
        return str(AUDITORS_ONLY)
    if audit_round.application.status not in RECORDING_STATUSES:
        return _("Interviews are recorded during the remote audits.")
    if not audit_round.is_scheduled:
        return _("Schedule the round first.")
    return None


def interview_save(*, interview: DepartmentInterview, actor: User) -> DepartmentInterview:
    """Add or change the record of one department's interview."""
    audit_round = interview.audit_round
    enforce(interview_record_problem(audit_round, actor), permitted=is_auditor(actor, audit_round.application))
    if interview.pk is None:
        interview.recorded_by = actor
    interview.save()
    return interview


def interview_delete(*, interview: DepartmentInterview, actor: User) -> None:
    audit_round = interview.audit_round
    enforce(interview_record_problem(audit_round, actor), permitted=is_auditor(actor, audit_round.application))
    interview.delete()


def photo_change_problem(audit_round: AuditRound, actor: User) -> str | None:
    """Why this actor cannot add or remove the round's check-in photos now."""
    if not is_auditor(actor, audit_round.application):
        return str(AUDITORS_ONLY)
    if audit_round.application.status not in RUNNING_STATUSES:
        return _("Check-in photos are taken during the remote audits.")
    if not audit_round.is_scheduled:
        return _("Schedule the round first.")
    if audit_round.is_done:
        return _("This round is done; its photos can no longer change.")
    return None


def photo_add(*, audit_round: AuditRound, actor: User, moment: str, upload: UploadedFile) -> CheckInPhoto:
    """Store a check-in photo under a generated name; the time recorded is the server's."""
    enforce(photo_change_problem(audit_round, actor), permitted=is_auditor(actor, audit_round.application))
    now = timezone.now()
    # The form is on the page ahead of the meeting; the photo itself waits for the meeting.
    if audit_round.starts_at is None or now < audit_round.starts_at - CHECK_IN_EARLY:
        raise ValidationError(
            _("Check-in photos are taken at the meetings themselves: this round starts at %(start)s.")
            % {"start": local_text(audit_round.starts_at) if audit_round.starts_at else "—"}
        )
    if moment not in CheckInPhoto.Moment.values:
        raise ValidationError(_("Choose the opening or the closing meeting."))
    try:
        stored = upload_store(
            upload, families=["image"], folder=f"audits/rounds/{audit_round.pk}", max_bytes=PHOTO_MAX_BYTES
        )
    except UploadRefused as refusal:
        raise ValidationError({"photo": [refusal.message]}) from refusal
    try:
        return CheckInPhoto.objects.create(
            audit_round=audit_round,
            moment=moment,
            file=stored.name,
            original_name=stored.original_name[:255],
            size=stored.size,
            sha256=stored.sha256,
            uploaded_by=actor,
            uploaded_at=now,
        )
    except BaseException:
        default_storage.delete(stored.name)
        raise


def photo_delete(*, photo: CheckInPhoto, actor: User) -> None:
    audit_round = photo.audit_round
    enforce(photo_change_problem(audit_round, actor), permitted=is_auditor(actor, audit_round.application))
    photo.file.delete(save=False)
    photo.delete()


def round_complete_problems(audit_round: AuditRound, actor: User, now: datetime.datetime | None = None) -> list[str]:
    """Every reason why this actor cannot mark the round done yet (empty when they can). A list, not
    one reason: the auditor sees all that is left to do below the button."""
    if not is_auditor(actor, audit_round.application):
        return [str(AUDITORS_ONLY)]
    if audit_round.is_done:
        return [_("This round is already marked done.")]
    now = now or timezone.now()
    problems: list[str] = []
    if audit_round.application.status not in RUNNING_STATUSES:
        problems.append(_("Rounds are marked done during the remote audits (start them on the application page)."))
    if audit_round.ends_at is None:
        problems.append(_("The round is not scheduled yet."))
        return problems
    if now < audit_round.ends_at:
        problems.append(
            _("The round is scheduled to end at %(end)s; it can be marked done after that.")
            % {"end": local_text(audit_round.ends_at)}
        )
    earlier = AuditRound.objects.filter(
        application_id=audit_round.application_id, number__lt=audit_round.number, done_at__isnull=True
    ).order_by("number")
    for previous in earlier:
        problems.append(_("The %(previous)s must be marked done first.") % {"previous": previous.name})
    moments = set(audit_round.photos.values_list("moment", flat=True))
    if CheckInPhoto.Moment.OPENING not in moments:
        problems.append(_("Upload the check-in photo of the opening meeting."))
    if CheckInPhoto.Moment.CLOSING not in moments:
        problems.append(_("Upload the check-in photo of the closing meeting."))
    return problems


def round_complete(
    *, audit_round: AuditRound, actor: User, summary: str = "", now: datetime.datetime | None = None
) -> AuditRound:
    """Mark a round done: not before its scheduled end, not before the round before it, and with
    the check-in photos of both meetings."""
    now = now or timezone.now()
    problems = round_complete_problems(audit_round, actor, now)
    if problems and not is_auditor(actor, audit_round.application):
        raise PermissionDenied(problems[0])
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        updated = AuditRound.objects.filter(pk=audit_round.pk, done_at__isnull=True).update(
            done_at=now, done_by=actor, summary=summary.strip(), updated_at=now
        )
        if updated != 1:
            raise ValidationError(_("This round is already marked done."))
        audit_round.refresh_from_db()
        ApplicationEvent.objects.create(
            application=audit_round.application,
            kind=EventKind.ROUND_DONE,
            actor=actor,
            comment=audit_round.summary,
            data={"round": audit_round.number, "when": when_text(audit_round)},
        )
    return audit_round

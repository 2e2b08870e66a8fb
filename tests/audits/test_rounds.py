"""The three video audits: set-up, scheduling rules, invitations with .ics, the enterprise's answer,
photos and interviews, and marking rounds done in order and not before their time."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from applications import services as application_services
from applications.models import Application, ApplicationEvent
from audits import services
from audits.models import AuditRound, CheckInPhoto, DepartmentInterview
from certportal.models import OutgoingEmail
from tests.audits.conftest import add_photos, finish_rounds, in_audits, png_upload, schedule_directly
from tests.conftest import client_for, put_in_status

pytestmark = pytest.mark.django_db

Status = Application.Status
NOW = timezone.now


def plan(
    lead,
    *,
    start: datetime.datetime | None = None,
    hours: int = 2,
    members=(),
    link: str = "https://meeting.tencent.com/dm/1",
) -> services.RoundPlan:
    start = start or (NOW() + datetime.timedelta(days=7)).replace(microsecond=0)
    return services.RoundPlan(
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=hours),
        method=AuditRound.Method.REMOTE,
        platform=AuditRound.Platform.TENCENT_MEETING,
        meeting_link=link,
        meeting_code="123 456 789",
        lead_auditor=lead,
        members=list(members),
        enterprise_participants="王芳，售后服务部经理",
        agenda=["首次会议", "各部门面谈", "讲解认证要求", "末次会议"],
    )


def test_accepting_the_application_creates_three_rounds_with_the_seed_agenda(
    application, auditor, django_capture_on_commit_callbacks
) -> None:
    put_in_status(application, Status.UNDER_REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        application_services.application_transition(
            application=application, actor=auditor, target=Status.AUDIT_PREPARATION
        )
    rounds = list(application.audit_rounds.order_by("number"))
    assert [r.number for r in rounds] == [1, 2, 3]
    assert rounds[0].agenda[0].startswith("首次会议")
    assert len(rounds[0].agenda) == 4
    assert all(r.schedule_status == AuditRound.Schedule.UNSCHEDULED for r in rounds)
    assert application.score_sheet.version.number == 1


def test_setup_is_idempotent(application) -> None:
    in_audits(application, Status.AUDIT_PREPARATION)
    services.audit_setup(application)
    assert application.audit_rounds.count() == 3


def test_scheduling_sends_each_participant_an_invitation_with_a_calendar_file(
    application, auditor, other_auditor, enterprise_user, consultant
) -> None:
    enterprise_user.language = "en"
    enterprise_user.save()
    first = in_audits(application, Status.AUDIT_PREPARATION)[0]
    services.round_schedule(audit_round=first, actor=auditor, plan=plan(auditor, members=[other_auditor]))
    first.refresh_from_db()
    assert first.schedule_status == AuditRound.Schedule.PROPOSED
    emails = {e.to[0]: e for e in OutgoingEmail.objects.all()}
    assert set(emails) == {auditor.email, other_auditor.email, enterprise_user.email, consultant.email}
    assert emails[enterprise_user.email].subject.startswith("Invitation: First video audit")
    assert emails[consultant.email].subject.startswith("审核邀请：首次远程审核")
    attachment = emails[consultant.email].attachments[0]
    assert attachment["filename"] == "invitation.ics"
    assert attachment["mimetype"] == "text/calendar"
    event = Calendar.from_ical(attachment["content"]).walk("VEVENT")[0]
    assert event["SEQUENCE"] == 0
    assert event.decoded("DTSTART") == first.starts_at
    assert "meeting.tencent.com/dm/1" in str(event["LOCATION"])
    invited = event["ATTENDEE"]
    assert isinstance(invited, list), "one ATTENDEE line per person"
    attendees = {str(a).removeprefix("mailto:") for a in invited}
    assert attendees == {auditor.email, other_auditor.email, enterprise_user.email, consultant.email}
    assert str(event["ORGANIZER"]) == f"mailto:{auditor.email}"
    body = emails[consultant.email].body_text
    assert "https://meeting.tencent.com/dm/1" in body and "123 456 789" in body and "讲解认证要求" in body
    assert f"/audits/rounds/{first.pk}/" in body
    assert "Meeting link: https://meeting.tencent.com/dm/1" in emails[enterprise_user.email].body_text
    event_row = application.events.get(kind=ApplicationEvent.Kind.ROUND_SCHEDULED)
    assert event_row.data["round"] == 1


def test_rescheduling_invites_again_with_a_higher_sequence_and_asks_for_confirmation_again(
    application, auditor
) -> None:
    first = in_audits(application, Status.AUDIT_PREPARATION)[0]
    services.round_schedule(audit_round=first, actor=auditor, plan=plan(auditor))
    AuditRound.objects.filter(pk=first.pk).update(schedule_status=AuditRound.Schedule.CONFIRMED)
    first.refresh_from_db()
    before = OutgoingEmail.objects.count()
    later = (NOW() + datetime.timedelta(days=9)).replace(microsecond=0)
    services.round_schedule(audit_round=first, actor=auditor, plan=plan(auditor, start=later))
    first.refresh_from_db()
    assert first.invitation_sequence == 1
    assert first.schedule_status == AuditRound.Schedule.PROPOSED
    new = list(OutgoingEmail.objects.order_by("pk")[before:])
    assert len(new) == before, "everyone is invited again"
    assert new[0].subject.startswith("变更通知")
    assert Calendar.from_ical(new[0].attachments[0]["content"]).walk("VEVENT")[0]["SEQUENCE"] == 1


def test_changing_only_the_agenda_sends_no_new_invitation(application, auditor) -> None:
    first = in_audits(application, Status.AUDIT_PREPARATION)[0]
    same = plan(auditor)
    services.round_schedule(audit_round=first, actor=auditor, plan=same)
    count = OutgoingEmail.objects.count()
    same.agenda = ["首次会议", "讲解认证要求"]
    services.round_schedule(audit_round=first, actor=auditor, plan=same)
    first.refresh_from_db()
    assert OutgoingEmail.objects.count() == count
    assert first.agenda == ["首次会议", "讲解认证要求"]
    assert first.invitation_sequence == 0


def test_a_round_must_end_after_it_starts(application, auditor) -> None:
    first = in_audits(application, Status.AUDIT_PREPARATION)[0]
    with pytest.raises(ValidationError) as error:
        services.round_schedule(audit_round=first, actor=auditor, plan=plan(auditor, hours=0))
    assert "ends_at" in error.value.error_dict


def test_round_two_cannot_start_before_round_one_ends(application, auditor) -> None:
    first, second, third = in_audits(application, Status.AUDIT_PREPARATION)
    start = (NOW() + datetime.timedelta(days=7)).replace(microsecond=0)
    services.round_schedule(audit_round=first, actor=auditor, plan=plan(auditor, start=start, hours=3))
    with pytest.raises(ValidationError) as error:
        services.round_schedule(
            audit_round=second, actor=auditor, plan=plan(auditor, start=start + datetime.timedelta(hours=2))
        )
    assert "首次远程审核" in str(error.value.error_dict["starts_at"])
    day = datetime.timedelta(days=1)
    services.round_schedule(audit_round=third, actor=auditor, plan=plan(auditor, start=start + 5 * day))
    with pytest.raises(ValidationError) as error:
        services.round_schedule(
            audit_round=second, actor=auditor, plan=plan(auditor, start=start + datetime.timedelta(days=4, hours=23))
        )
    assert "ends_at" in error.value.error_dict
    services.round_schedule(audit_round=second, actor=auditor, plan=plan(auditor, start=start + 2 * day))


def test_only_auditors_lead_and_schedule(application, auditor, certifier, consultant) -> None:
    first = in_audits(application, Status.AUDIT_PREPARATION)[0]
    with pytest.raises(ValidationError) as error:
        services.round_schedule(audit_round=first, actor=auditor, plan=plan(certifier))
    assert "lead_auditor" in error.value.error_dict
    with pytest.raises(PermissionDenied):
        services.round_schedule(audit_round=first, actor=consultant, plan=plan(auditor))


def test_no_scheduling_outside_audit_preparation_and_remote_audit(application, auditor) -> None:
    first = in_audits(application, Status.EVALUATION)[0]
    with pytest.raises(ValidationError, match="审核准备"):
        services.round_schedule(audit_round=first, actor=auditor, plan=plan(auditor))


@pytest.mark.parametrize("persona", ["enterprise_user", "consultant"])
def test_the_enterprise_and_its_consultant_confirm_the_time(application, auditor, persona, request) -> None:
    user = request.getfixturevalue(persona)
    first = in_audits(application, Status.AUDIT_PREPARATION)[0]
    services.round_schedule(audit_round=first, actor=auditor, plan=plan(auditor))
    services.round_respond(audit_round=first, actor=user, confirm=True, sequence=0)
    first.refresh_from_db()
    assert first.schedule_status == AuditRound.Schedule.CONFIRMED
    assert first.responded_by == user
    assert application.events.filter(kind=ApplicationEvent.Kind.ROUND_CONFIRMED).exists()


def test_asking_for_another_time_needs_a_message_and_tells_the_team(application, auditor, enterprise_user) -> None:
    first = in_audits(application, Status.AUDIT_PREPARATION)[0]
    services.round_schedule(audit_round=first, actor=auditor, plan=plan(auditor))
    with pytest.raises(ValidationError) as error:
        services.round_respond(audit_round=first, actor=enterprise_user, confirm=False, message=" ")
    assert "message" in error.value.error_dict
    services.round_respond(audit_round=first, actor=enterprise_user, confirm=False, message="下周三上午更合适")
    first.refresh_from_db()
    assert first.schedule_status == AuditRound.Schedule.CHANGE_REQUESTED
    email = OutgoingEmail.objects.filter(to=[auditor.email]).latest("pk")
    assert "另行安排" in email.subject
    assert "下周三上午更合适" in email.body_text


def test_an_answer_to_a_schedule_that_has_since_changed_is_refused(application, auditor, enterprise_user) -> None:
    first = in_audits(application, Status.AUDIT_PREPARATION)[0]
    services.round_schedule(audit_round=first, actor=auditor, plan=plan(auditor))
    later = (NOW() + datetime.timedelta(days=10)).replace(microsecond=0)
    services.round_schedule(audit_round=first, actor=auditor, plan=plan(auditor, start=later))
    with pytest.raises(ValidationError, match="刚刚变更"):
        services.round_respond(audit_round=first, actor=enterprise_user, confirm=True, sequence=0)


def test_other_people_cannot_answer_the_schedule(application, auditor, other_enterprise_user, other_consultant) -> None:
    first = in_audits(application, Status.AUDIT_PREPARATION)[0]
    services.round_schedule(audit_round=first, actor=auditor, plan=plan(auditor))
    for user in (auditor, other_enterprise_user, other_consultant):
        with pytest.raises(PermissionDenied):
            services.round_respond(audit_round=first, actor=user, confirm=True)


# --- Done ----------------------------------------------------------------------------------------


def test_a_round_cannot_be_done_before_its_scheduled_end(application, auditor) -> None:
    first = in_audits(application)[0]
    start = NOW() - datetime.timedelta(hours=1)
    schedule_directly(first, auditor, start=start, hours=2)
    add_photos(first, auditor)
    with pytest.raises(ValidationError, match="结束后才能标记完成"):
        services.round_complete(audit_round=first, actor=auditor)
    services.round_complete(audit_round=first, actor=auditor, now=start + datetime.timedelta(hours=2))
    first.refresh_from_db()
    assert first.is_done


def test_round_n_plus_one_cannot_be_done_before_round_n(application, auditor) -> None:
    first, second, _third = in_audits(application)
    past = NOW() - datetime.timedelta(days=5)
    schedule_directly(first, auditor, start=past)
    schedule_directly(second, auditor, start=past + datetime.timedelta(days=1))
    add_photos(first, auditor)
    add_photos(second, auditor)
    with pytest.raises(ValidationError, match="首次远程审核"):
        services.round_complete(audit_round=second, actor=auditor)
    services.round_complete(audit_round=first, actor=auditor)
    services.round_complete(audit_round=second, actor=auditor)
    assert second.__class__.objects.get(pk=second.pk).is_done


def test_a_round_needs_check_in_photos_of_both_meetings(application, auditor) -> None:
    first = in_audits(application)[0]
    schedule_directly(first, auditor, start=NOW() - datetime.timedelta(days=1))
    problems = services.round_complete_problems(first, auditor)
    assert any("首次会议" in p for p in problems) and any("末次会议" in p for p in problems)
    with pytest.raises(ValidationError):
        services.round_complete(audit_round=first, actor=auditor)


def test_a_round_is_done_once_and_only_by_auditors(application, auditor, certifier, enterprise_user) -> None:
    first = in_audits(application)[0]
    schedule_directly(first, auditor, start=NOW() - datetime.timedelta(days=1))
    add_photos(first, auditor)
    for user in (certifier, enterprise_user):
        with pytest.raises(PermissionDenied):
            services.round_complete(audit_round=first, actor=user)
    services.round_complete(audit_round=first, actor=auditor, summary="顺利完成")
    with pytest.raises(ValidationError, match="已标记完成"):
        services.round_complete(audit_round=first, actor=auditor)
    event = application.events.get(kind=ApplicationEvent.Kind.ROUND_DONE)
    assert event.comment == "顺利完成"


def test_rounds_are_done_only_during_the_remote_audits(application, auditor) -> None:
    first = in_audits(application, Status.AUDIT_PREPARATION)[0]
    schedule_directly(first, auditor, start=NOW() - datetime.timedelta(days=1))
    add_photos(first, auditor)
    with pytest.raises(ValidationError, match="远程审核"):
        services.round_complete(audit_round=first, actor=auditor)


def test_finishing_the_audits_needs_all_three_rounds_done(application, auditor) -> None:
    rounds = in_audits(application)
    with pytest.raises(application_services.TransitionError, match="首次远程审核、第二次远程审核、第三次远程审核"):
        application_services.application_transition(application=application, actor=auditor, target=Status.EVALUATION)
    finish_rounds(application, auditor)
    application_services.application_transition(application=application, actor=auditor, target=Status.EVALUATION)
    assert all(AuditRound.objects.get(pk=r.pk).is_done for r in rounds)


# --- Photos and interviews ---------------------------------------------------------------------


def test_check_in_photo_is_stored_under_a_generated_name_with_the_server_time(
    application, auditor, private_media
) -> None:
    first = in_audits(application)[0]
    schedule_directly(first, auditor, start=NOW() - datetime.timedelta(minutes=10))
    before = NOW()
    photo = services.photo_add(audit_round=first, actor=auditor, moment="opening", upload=png_upload("开幕 签到.png"))
    assert photo.file.name.startswith(f"audits/rounds/{first.pk}/") and photo.file.name.endswith(".png")
    assert "签到" not in photo.file.name
    assert photo.original_name == "开幕 签到.png"
    assert len(photo.sha256) == 64
    assert before <= photo.uploaded_at <= NOW()
    assert (private_media / photo.file.name).exists()


def test_check_in_photos_are_taken_at_the_meeting_not_days_before(application, auditor) -> None:
    first = in_audits(application)[0]
    schedule_directly(first, auditor, start=NOW() + datetime.timedelta(days=2))
    with pytest.raises(ValidationError, match="会议现场"):
        services.photo_add(audit_round=first, actor=auditor, moment="opening", upload=png_upload())


def test_the_photo_form_refuses_what_is_not_a_picture(application, auditor) -> None:
    first = in_audits(application)[0]
    schedule_directly(first, auditor, start=NOW() - datetime.timedelta(minutes=5))
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("photo.png", b"%PDF-1.7 not an image", content_type="image/png")
    response = client_for(auditor).post(
        reverse("audits:photo_upload", args=[first.pk]), {"moment": "opening", "photo": fake}
    )
    assert response.status_code == 200
    assert "photo" in response.context["photo_form"].errors
    assert not CheckInPhoto.objects.exists()
    good = client_for(auditor).post(
        reverse("audits:photo_upload", args=[first.pk]), {"moment": "closing", "photo": png_upload()}
    )
    assert good.status_code == 302
    assert CheckInPhoto.objects.get().moment == "closing"


def test_interviews_are_recorded_per_department(application, auditor) -> None:
    first = in_audits(application)[0]
    schedule_directly(first, auditor, start=NOW() - datetime.timedelta(hours=1))
    url = reverse("audits:interview_add", args=[first.pk])
    data = {"department": "售后服务部", "interviewees": "王芳、李强", "notes": "流程清晰"}
    response = client_for(auditor).post(url, data)
    assert response.status_code == 302
    interview = DepartmentInterview.objects.get()
    assert (interview.department, interview.recorded_by) == ("售后服务部", auditor)
    page = client_for(auditor).get(reverse("audits:round", args=[first.pk])).content.decode()
    assert "王芳、李强" in page


def test_the_calendar_file_can_be_downloaded(application, auditor, enterprise_user) -> None:
    first = in_audits(application, Status.AUDIT_PREPARATION)[0]
    services.round_schedule(audit_round=first, actor=auditor, plan=plan(auditor))
    response = client_for(enterprise_user).get(reverse("audits:round_calendar", args=[first.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in response.content


def test_schedule_page_through_the_browser_form(application, auditor, other_auditor) -> None:
    first = in_audits(application, Status.AUDIT_PREPARATION)[0]
    url = reverse("audits:round_schedule", args=[first.pk])
    data = {
        "starts_at": "2031-05-06T09:00", "ends_at": "2031-05-06T08:00", "method": "FS02", "platform": "dingtalk",
        "meeting_link": "meeting.dingtalk.com/j/abc", "lead_auditor": auditor.pk, "members": [other_auditor.pk],
        "agenda": "首次会议\n末次会议",
    }  # fmt: skip
    response = client_for(auditor).post(url, data)
    assert response.status_code == 200
    assert "ends_at" in response.context["form"].errors
    assert "meeting.dingtalk.com/j/abc" in response.content.decode(), "what was typed is kept"
    data["ends_at"] = "2031-05-06T11:30"
    response = client_for(auditor).post(url, data)
    assert response.status_code == 302
    first.refresh_from_db()
    assert timezone.localtime(first.starts_at).strftime("%Y-%m-%d %H:%M") == "2031-05-06 09:00"
    assert first.meeting_link == "https://meeting.dingtalk.com/j/abc"
    assert list(first.members.all()) == [other_auditor]
    assert OutgoingEmail.objects.count() == 4  # the team of two, the enterprise's user, the consultant

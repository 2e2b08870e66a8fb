"""Notifications: who is told about what, in which language, by bell and by e-mail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import Application
from applications.tasks.reminders import send_daily_reminders
from certportal.models import OutgoingEmail
from notifications.models import EmailPreference, Kind, Notification
from notifications.services import notify
from tests.conftest import client_for, put_in_status
from tests.factories import UserFactory, complete_evidence, forms_ready

pytestmark = pytest.mark.django_db

Status = Application.Status


def transition(application, actor, target, comment="", callbacks=None):
    return services.application_transition(application=application, actor=actor, target=target, comment=comment)


def test_submission_notifies_every_auditor_in_their_language(
    application, consultant, django_capture_on_commit_callbacks
) -> None:
    chinese = UserFactory(role="auditor", language="zh-hans", email="li@example.com")
    english = UserFactory(role="auditor", language="en", email="smith@example.com")
    put_in_status(application, Status.AWAITING_SIGNATURE)
    complete_evidence(application)
    forms_ready(application)
    with django_capture_on_commit_callbacks(execute=True):
        transition(application, consultant, Status.SUBMITTED)
    titles = dict(Notification.objects.filter(kind=Kind.APPLICATION_SUBMITTED).values_list("recipient", "title"))
    assert set(titles) == {chinese.pk, english.pk}
    assert titles[chinese.pk].startswith("待评审的新申请")
    assert titles[english.pk].startswith("New application to review")
    emails = {tuple(email.to): email for email in OutgoingEmail.objects.all()}
    assert "待评审的新申请" in emails[("li@example.com",)].subject
    assert "Open it in the portal" in emails[("smith@example.com",)].body_text
    assert application.reference in emails[("smith@example.com",)].body_html


def test_the_actor_is_not_notified_of_their_own_step(
    application, enterprise_user, consultant, django_capture_on_commit_callbacks
) -> None:
    put_in_status(application, Status.UNDER_REVIEW)
    auditor = UserFactory(role="auditor")
    with django_capture_on_commit_callbacks(execute=True):
        transition(application, auditor, Status.RETURNED, comment="请补充销售合同")
    recipients = set(Notification.objects.values_list("recipient", flat=True))
    assert recipients == {enterprise_user.pk, consultant.pk}
    assert "请补充销售合同" in Notification.objects.get(recipient=enterprise_user).body


def test_opting_out_of_email_keeps_the_bell(
    application, enterprise_user, consultant, django_capture_on_commit_callbacks
) -> None:
    EmailPreference.objects.create(user=enterprise_user, kind=Kind.FORMS_READY_TO_SIGN, email=False)
    put_in_status(application, Status.FORMS_PREPARATION)
    forms_ready(application, signed=False)
    with django_capture_on_commit_callbacks(execute=True):
        transition(application, consultant, Status.AWAITING_SIGNATURE)
    assert Notification.objects.filter(recipient=enterprise_user, kind=Kind.FORMS_READY_TO_SIGN).exists()
    assert not OutgoingEmail.objects.filter(to=[enterprise_user.email]).exists()


def test_bell_shows_unread_count_and_opening_marks_read(application, enterprise_user) -> None:
    [notification] = notify(
        kind=Kind.APPLICATION_ACCEPTED, recipients=[enterprise_user], application=application, url="/home/"
    )
    client = client_for(enterprise_user)
    page = client.get(reverse("notifications:list")).content.decode()
    assert 'id="notification-bell"' in page
    assert 'rounded-pill text-bg-danger">1<' in page
    response = client.get(reverse("notifications:open", args=[notification.pk]))
    assert response["Location"] == "/home/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_someone_elses_notification_is_not_found(application, enterprise_user, other_enterprise_user) -> None:
    [notification] = notify(kind=Kind.APPLICATION_ACCEPTED, recipients=[enterprise_user], application=application)
    assert (
        client_for(other_enterprise_user).get(reverse("notifications:open", args=[notification.pk])).status_code == 404
    )
    assert (
        notification.title not in client_for(other_enterprise_user).get(reverse("notifications:list")).content.decode()
    )


def test_mark_all_read(application, enterprise_user) -> None:
    notify(kind=Kind.APPLICATION_ACCEPTED, recipients=[enterprise_user], application=application)
    notify(kind=Kind.APPLICATION_RETURNED, recipients=[enterprise_user], application=application)
    client_for(enterprise_user).post(reverse("notifications:mark_all_read"))
    assert not Notification.objects.unread().exists()


def test_email_preferences_page_saves_per_kind(enterprise_user) -> None:
    client = client_for(enterprise_user)
    keep = [Kind.EVIDENCE_REJECTED, Kind.CERTIFICATE_ISSUED]
    client.post(reverse("notifications:preferences"), {"email_kinds": keep})
    off = set(EmailPreference.objects.filter(user=enterprise_user, email=False).values_list("kind", flat=True))
    assert off == set(Kind.values) - set(keep)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert (
        'value="evidence_rejected" checked' in page
        or 'checked value="evidence_rejected"' in page
        or ('value="evidence_rejected"' in page and page.count("checked") == 2)
    )


def test_daily_reminder_for_an_enterprise_waiting_too_long_once_a_day(application, enterprise_user, settings) -> None:
    put_in_status(application, Status.AWAITING_SIGNATURE)
    Application.objects.filter(pk=application.pk).update(
        status_changed_at=timezone.now() - timedelta(days=settings.REMINDER_AFTER_DAYS + 1)
    )
    assert send_daily_reminders() == 1
    reminder = Notification.objects.get(kind=Kind.REMINDER)
    assert reminder.recipient == enterprise_user
    assert application.reference in reminder.body
    assert send_daily_reminders() == 0, "one reminder per person per day"


def test_no_reminder_for_a_fresh_step(application) -> None:
    put_in_status(application, Status.AWAITING_SIGNATURE)
    assert send_daily_reminders() == 0


def test_daily_reminder_for_a_consultant_with_an_application_at_risk(application, consultant) -> None:
    put_in_status(application, Status.SUBMITTED)
    Application.objects.filter(pk=application.pk).update(created_at=timezone.now() - timedelta(days=25))
    send_daily_reminders()
    assert Notification.objects.filter(kind=Kind.REMINDER, recipient=consultant).exists()


def test_notify_never_sends_to_inactive_users(application) -> None:
    gone = UserFactory(is_active=False)
    assert notify(kind=Kind.APPLICATION_ACCEPTED, recipients=[gone], application=application) == []

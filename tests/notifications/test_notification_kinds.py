"""Each kind of notification: who gets it (bell and e-mail), in the recipient's language; the e-mail
task's retries; the surveillance reminder."""

from __future__ import annotations

import datetime
import smtplib
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from applications import services
from applications.models import Application, EvidenceFile, EvidenceRequirement
from audits import services as audit_services
from audits.models import Certificate, Indicator
from audits.tasks import send_surveillance_reminders
from certportal.models import OutgoingEmail
from certportal.tasks import EMAIL_MAX_ATTEMPTS, email_send
from notifications.models import EmailPreference, Kind, Notification
from tests.audits.conftest import in_audits, ready_for_decision
from tests.conftest import put_in_status
from tests.factories import EnterpriseUserFactory, UserFactory, complete_evidence

pytestmark = pytest.mark.django_db

Status = Application.Status


def told(kind: str) -> dict[int, Notification]:
    return {n.recipient_id: n for n in Notification.objects.filter(kind=kind)}


def emailed_to() -> set[str]:
    return {address for email in OutgoingEmail.objects.all() for address in email.to}


@pytest.fixture
def english_colleague(enterprise_user):
    """A second user of enterprise A who reads the portal in English."""
    return EnterpriseUserFactory(enterprise=enterprise_user.enterprise, language="en", email="tom@example.com")


def test_evidence_sent_back_tells_the_enterprise_in_each_language(
    application, enterprise_user, english_colleague, consultant, django_capture_on_commit_callbacks
):
    complete_evidence(application)
    requirement = EvidenceRequirement.objects.filter(application=application, item__kind="files").first()
    with django_capture_on_commit_callbacks(execute=True):
        services.evidence_requirement_reject(requirement=requirement, actor=consultant, reason="印章不清晰")
    notices = told(Kind.EVIDENCE_REJECTED)
    assert set(notices) == {enterprise_user.pk, english_colleague.pk}
    assert notices[enterprise_user.pk].title.startswith(f"{application.reference} 有证据需要重新提供")
    assert requirement.item.title_zh in notices[enterprise_user.pk].title
    assert notices[english_colleague.pk].title.startswith(f"Evidence to redo for {application.reference}")
    assert requirement.item.title_en in notices[english_colleague.pk].title
    assert "印章不清晰" in notices[english_colleague.pk].body
    assert emailed_to() == {enterprise_user.email, english_colleague.email}


def test_all_evidence_accepted_is_told_once(application, enterprise_user, consultant):
    complete_evidence(application)
    last = EvidenceFile.objects.filter(requirement__application=application, requirement__item__kind="files").first()
    EvidenceFile.objects.filter(pk=last.pk).update(status="pending")
    services.evidence_file_accept(evidence=last, actor=consultant)
    assert set(told(Kind.EVIDENCE_ALL_ACCEPTED)) == {enterprise_user.pk}
    # Another acceptance in a complete checklist says nothing new.
    services.evidence_requirement_accept(requirement=last.requirement, actor=consultant)
    assert Notification.objects.filter(kind=Kind.EVIDENCE_ALL_ACCEPTED).count() == 1
    # Sent back, then complete again: told again.
    services.evidence_file_reject(evidence=last, actor=consultant, reason="过期")
    services.evidence_file_accept(evidence=last, actor=consultant)
    assert Notification.objects.filter(kind=Kind.EVIDENCE_ALL_ACCEPTED).count() == 2


def test_incomplete_evidence_is_not_told_complete(application, consultant):
    complete_evidence(application)
    files = EvidenceFile.objects.filter(requirement__application=application, requirement__item__kind="files")
    first, second = files[:2]
    EvidenceFile.objects.filter(pk__in=[first.pk, second.pk]).update(status="pending")
    services.evidence_file_accept(evidence=first, actor=consultant)
    assert not Notification.objects.filter(kind=Kind.EVIDENCE_ALL_ACCEPTED).exists()


def test_audit_invitation_under_the_bell_with_the_ics_by_email(
    application, enterprise_user, consultant, auditor, django_capture_on_commit_callbacks
):
    rounds = in_audits(application, Status.AUDIT_PREPARATION)
    start = timezone.now() + datetime.timedelta(days=7)
    EmailPreference.objects.create(user=consultant, kind=Kind.AUDIT_SCHEDULED, email=False)
    with django_capture_on_commit_callbacks(execute=True):
        audit_services.round_schedule(audit_round=rounds[0], actor=auditor, plan=audit_services.RoundPlan(
            starts_at=start, ends_at=start + datetime.timedelta(hours=2), method="FS02", platform="tencent_meeting",
            meeting_link="https://meeting.tencent.com/dm/x", meeting_code="", lead_auditor=auditor, agenda=["开场"],
        ))  # fmt: skip
    notices = told(Kind.AUDIT_SCHEDULED)
    assert set(notices) == {enterprise_user.pk, consultant.pk}  # the auditor gets the e-mail only
    assert auditor.email in emailed_to()
    assert "首次远程审核" in notices[enterprise_user.pk].title
    # The consultant chose the bell only for this kind: no e-mail for them.
    assert consultant.email not in emailed_to()
    invitation = OutgoingEmail.objects.get(to=[enterprise_user.email])
    assert invitation.attachments[0]["filename"] == "invitation.ics"


def test_finding_raised_tells_the_enterprise_and_consultant(application, enterprise_user, consultant, auditor):
    in_audits(application, Status.REMOTE_AUDIT)
    indicator = Indicator.objects.filter(parent__isnull=False).first()
    finding = audit_services.finding_raise(
        application=application, actor=auditor, audit_round=None, indicator=indicator, grade="general",
        description="投诉记录不完整", deadline=timezone.localdate() + datetime.timedelta(days=14),
    )  # fmt: skip
    notices = told(Kind.FINDING_RAISED)
    assert set(notices) == {enterprise_user.pk, consultant.pk}
    assert finding.code in notices[enterprise_user.pk].body
    assert notices[enterprise_user.pk].url.endswith(f"/findings/{finding.pk}/")


def test_decision_and_certificate_issued(application, enterprise_user, consultant, auditor, certifier):
    ready_for_decision(application, auditor)
    english = EnterpriseUserFactory(enterprise=enterprise_user.enterprise, language="en", email="eve@example.com")
    audit_services.certification_decide(application=application, actor=certifier, certify=True)
    decision = told(Kind.DECISION_MADE)
    assert set(decision) == {enterprise_user.pk, english.pk, consultant.pk}
    assert decision[english.pk].title.startswith(f"Certification decision on {application.reference}")
    assert decision[enterprise_user.pk].title == f"{application.reference} 认证决定：已获证"
    issued = told(Kind.CERTIFICATE_ISSUED)
    assert set(issued) == {enterprise_user.pk, english.pk, consultant.pk}
    number = Certificate.objects.get(application=application).number
    assert number in issued[english.pk].title
    # One e-mail about the decision per person, plus the certificate notice.
    assert OutgoingEmail.objects.filter(to=[english.email]).count() == 2


def test_certificate_status_change(application, enterprise_user, consultant, certifier):
    put_in_status(application, Status.CERTIFIED)
    certificate = _certificate(application)
    audit_services.certificate_change_status(
        certificate=certificate, actor=certifier, target="withdrawn", reason="严重违规"
    )
    notices = told(Kind.CERTIFICATE_STATUS_CHANGED)
    assert set(notices) == {enterprise_user.pk, consultant.pk}
    assert notices[enterprise_user.pk].title == f"证书 {certificate.number} 当前状态：撤销"
    assert "严重违规" in notices[enterprise_user.pk].body


def _certificate(application: Application, *, due: datetime.date | None = None) -> Certificate:
    today = timezone.localdate()
    return Certificate.objects.create(
        number=f"CSA-T-{application.pk}", application=application, enterprise=application.enterprise,
        holder_name="x", holder_address="x", holder_uscc="x", star_level=4, score=Decimal(920),
        issued_on=today - datetime.timedelta(days=335), expires_on=today + datetime.timedelta(days=700),
        body_name="x", surveillance_due_on=due or today + datetime.timedelta(days=30),
    )  # fmt: skip


@pytest.mark.parametrize(("days", "expected"), [(30, True), (0, True), (29, False), (31, False)])
def test_surveillance_reminder_30_days_ahead_and_on_the_day(application, enterprise_user, consultant, days, expected):
    put_in_status(application, Status.CERTIFIED)
    _certificate(application, due=timezone.localdate() + datetime.timedelta(days=days))
    assert send_surveillance_reminders() == int(expected)
    assert set(told(Kind.SURVEILLANCE_DUE)) == ({enterprise_user.pk, consultant.pk} if expected else set())
    assert send_surveillance_reminders() == 0  # once a day


# --- The e-mail task's retries --------------------------------------------------------------------


class FlakyBackend:
    """Refuses the first `failures` messages with a dropped connection, then accepts."""

    failures = 0
    calls = 0

    def __init__(self, *args: object, **kwargs: object) -> None:
        pass

    def send_messages(self, messages: list[object]) -> int:
        FlakyBackend.calls += 1
        if FlakyBackend.calls <= FlakyBackend.failures:
            raise smtplib.SMTPServerDisconnected("connection dropped")
        mail.outbox.extend(messages)  # type: ignore[arg-type]
        return len(messages)


@pytest.fixture
def flaky_mail(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FlakyBackend"
    FlakyBackend.calls = 0
    mail.outbox = []
    return FlakyBackend


def _email() -> OutgoingEmail:
    return OutgoingEmail.objects.create(to=["a@example.com"], subject="测试", body_text="正文")


def test_email_task_retries_a_dropped_connection_then_sends(flaky_mail):
    flaky_mail.failures = 2
    email = _email()
    email_send.apply(args=(email.pk,))
    email.refresh_from_db()
    assert (email.status, email.attempts, flaky_mail.calls) == ("sent", 3, 3)
    assert [message.subject for message in mail.outbox] == ["测试"]


def test_email_task_gives_up_after_the_last_attempt(flaky_mail):
    flaky_mail.failures = 100
    email = _email()
    email_send.apply(args=(email.pk,))
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("failed", EMAIL_MAX_ATTEMPTS)
    assert "SMTPServerDisconnected" in email.last_error
    assert mail.outbox == []


def test_inactive_users_are_not_told(application, enterprise_user, consultant):
    UserFactory(role="enterprise", enterprise=enterprise_user.enterprise, is_active=False)
    complete_evidence(application)
    requirement = EvidenceRequirement.objects.filter(application=application, item__kind="files").first()
    services.evidence_requirement_reject(requirement=requirement, actor=consultant, reason="退回")
    assert set(told(Kind.EVIDENCE_REJECTED)) == {enterprise_user.pk}


# --- Daily reminders for items the enterprise has left open ------------------------------------------


def _old(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def test_reminder_for_evidence_sent_back_long_ago_whatever_the_stage(application, enterprise_user, settings):
    from applications.tasks.reminders import send_daily_reminders

    complete_evidence(application)
    put_in_status(application, Status.INFO_SUBMITTED)  # waiting on the consultant
    requirement = EvidenceRequirement.objects.filter(application=application, item__kind="files").first()
    EvidenceRequirement.objects.filter(pk=requirement.pk).update(
        review_status="rejected", reviewed_at=_old(settings.REMINDER_AFTER_DAYS - 1)
    )
    send_daily_reminders()
    assert not Notification.objects.filter(kind=Kind.REMINDER, recipient=enterprise_user).exists()
    EvidenceRequirement.objects.filter(pk=requirement.pk).update(reviewed_at=_old(settings.REMINDER_AFTER_DAYS + 1))
    send_daily_reminders()
    reminder = Notification.objects.get(kind=Kind.REMINDER, recipient=enterprise_user)
    assert application.reference in reminder.body


def test_reminder_for_an_open_finding_during_the_audits(application, enterprise_user, auditor, settings):
    from applications.tasks.reminders import send_daily_reminders

    in_audits(application, Status.REMOTE_AUDIT)  # waiting on the certification body
    Application.objects.filter(pk=application.pk).update(status_changed_at=_old(1))
    indicator = Indicator.objects.filter(parent__isnull=False).first()
    finding = audit_services.finding_raise(
        application=application, actor=auditor, indicator=indicator, grade="general", description="x",
        deadline=timezone.localdate() + datetime.timedelta(days=14),
    )  # fmt: skip
    from audits.models import Finding

    Finding.objects.filter(pk=finding.pk).update(created_at=_old(settings.REMINDER_AFTER_DAYS + 1))
    send_daily_reminders()
    assert Notification.objects.filter(kind=Kind.REMINDER, recipient=enterprise_user).exists()


# --- Workflow steps -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "kind", "who", "english_title"),
    [
        (Status.INFO_SUBMITTED, Kind.INFO_SUBMITTED, {"consultant"}, "submitted its basic information"),
        (Status.AWAITING_SIGNATURE, Kind.FORMS_READY_TO_SIGN, {"enterprise"}, "are ready to sign"),
        (Status.RETURNED, Kind.APPLICATION_RETURNED, {"enterprise", "consultant"}, "was returned for changes"),
        (Status.AUDIT_PREPARATION, Kind.APPLICATION_ACCEPTED, {"enterprise", "consultant"}, "was accepted"),
        (Status.WITHDRAWN, Kind.APPLICATION_WITHDRAWN, {"consultant"}, "withdrew"),
    ],
)
def test_workflow_steps_tell_the_right_people_in_their_language(
    application, enterprise_user, consultant, target, kind, who, english_title
):
    from applications import workflow
    from applications.models import ApplicationEvent
    from applications.services.application import transition_notice_send

    consultant.language = "en"
    consultant.save(update_fields=["language"])
    english = EnterpriseUserFactory(enterprise=enterprise_user.enterprise, language="en", email="en@example.com")
    event = ApplicationEvent.objects.create(application=application, kind="transition", to_status=target)
    [notice] = {t.notice for t in workflow.TRANSITIONS if t.target == target and t.notice is not None}
    transition_notice_send(event=event, notice=notice)
    expected = set()
    if "enterprise" in who:
        expected |= {enterprise_user.pk, english.pk}
    if "consultant" in who:
        expected.add(consultant.pk)
    notices = told(kind)
    assert set(notices) == expected
    for pk in expected & {english.pk, consultant.pk}:
        assert english_title in notices[pk].title
    if enterprise_user.pk in notices:
        assert notices[enterprise_user.pk].title != notices[english.pk].title  # Chinese for the Chinese user

"""Stored texts are shown in the reader's language: a notification written in Chinese is read in
English by someone who reads the portal in English, and the score sheet's audit points and title and
the default audit agenda follow the page's language."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from applications import services
from applications.models import Application, EvidenceRequirement
from notifications.models import Kind, Notification
from tests.audits.conftest import in_audits
from tests.conftest import client_for, put_in_status
from tests.factories import complete_evidence

pytestmark = pytest.mark.django_db

Status = Application.Status


def reading_in(user, language: str) -> Client:
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def test_a_notification_sent_in_chinese_is_read_in_english(
    application, enterprise_user, consultant, django_capture_on_commit_callbacks
) -> None:
    assert enterprise_user.language == "zh-hans"
    complete_evidence(application)
    requirement = EvidenceRequirement.objects.filter(application=application, item__kind="files").first()
    with django_capture_on_commit_callbacks(execute=True):
        services.evidence_requirement_reject(requirement=requirement, actor=consultant, reason="印章不清晰")
    notice = Notification.objects.get(kind=Kind.EVIDENCE_REJECTED, recipient=enterprise_user)
    assert notice.title.startswith(f"{application.reference} 有证据需要重新提供")  # as it was sent

    english = reading_in(enterprise_user, "en").get(reverse("notifications:list")).content.decode()
    assert (
        f"Evidence to redo for {application.reference}: No. {requirement.item.code} {requirement.item.title_en}"
        in english
    )
    assert "Reason: 印章不清晰. Please upload a corrected file." in english
    assert "有证据需要重新提供" not in english

    chinese = reading_in(enterprise_user, "zh-hans").get(reverse("notifications:list")).content.decode()
    assert f"第 {requirement.item.code} 项 {requirement.item.title_zh}" in chinese


def test_a_notification_from_before_the_texts_shows_what_was_sent(enterprise_user) -> None:
    Notification.objects.create(recipient=enterprise_user, kind=Kind.REMINDER, title="旧通知", body="旧内容")
    page = reading_in(enterprise_user, "en").get(reverse("notifications:list")).content.decode()
    assert "旧通知" in page and "旧内容" in page


def test_a_reminder_names_the_stage_in_the_readers_language(application, enterprise_user, settings) -> None:
    from applications.tasks.reminders import send_daily_reminders

    complete_evidence(application)
    put_in_status(application, Status.INFO_SUBMITTED)
    EvidenceRequirement.objects.filter(application=application, item__kind="files").update(
        review_status="rejected", reviewed_at=timezone.now() - datetime.timedelta(days=settings.REMINDER_AFTER_DAYS + 1)
    )
    send_daily_reminders()
    reminder = Notification.objects.get(kind=Kind.REMINDER, recipient=enterprise_user)
    english, chinese = reminder.texts["en"][1], reminder.texts["zh-hans"][1]
    with translation.override("en"):
        assert f"{application.reference} ({application.enterprise.name}): {Status.INFO_SUBMITTED.label}, day" in english
    with translation.override("zh-hans"):
        assert f"{application.reference}（{application.enterprise.name}）：{Status.INFO_SUBMITTED.label}，第" in chinese


def test_the_score_sheet_shows_the_audit_points_in_english(application, auditor) -> None:
    in_audits(application, Status.EVALUATION)
    url = reverse("audits:score_sheet", args=[application.pk])
    english = reading_in(auditor, "en").get(url).content.decode()
    assert "Samples of repair records, repair requests and follow-up visits after repair." in english
    assert "GB/T 27922-2011 After-sales service evaluation system (default)" in english
    assert "抽查维修记录单" not in english
    chinese = reading_in(auditor, "zh-hans").get(url).content.decode()
    assert "抽查维修记录单、报修记录与维修后回访记录。" in chinese
    assert "Samples of repair records" not in chinese


def test_the_default_agenda_follows_the_reader_and_an_added_item_stays(application, auditor) -> None:
    audit_round = in_audits(application)[0]
    audit_round.agenda = [*audit_round.agenda, "参观仓库"]
    audit_round.save(update_fields=["agenda"])
    page = reading_in(auditor, "en").get(reverse("audits:round", args=[audit_round.pk])).content.decode()
    assert "Closing meeting: findings, next steps and deadlines" in page
    assert "参观仓库" in page

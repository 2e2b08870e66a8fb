"""Telling people that something needs them: a notification in the portal and, unless they opted out
for that kind, an e-mail in their own language (sent by a worker after commit)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from certportal.accounts.models import User
from certportal.lib.mail import email_queue
from certportal.notifications.models import EmailPreference, Kind, Notification

# What each kind says. %(reference)s, %(enterprise)s and the caller's context fill the placeholders.
MESSAGES: dict[str, tuple[Any, Any]] = {
    Kind.INFO_SUBMITTED: (
        _("%(enterprise)s submitted its basic information (%(reference)s)"),
        _("Please check the basic information and start preparing the application forms."),
    ),
    Kind.EVIDENCE_REJECTED: (
        _("Evidence to redo for %(reference)s: %(item)s"),
        _("Reason: %(reason)s. Please upload a corrected file."),
    ),
    Kind.EVIDENCE_ALL_ACCEPTED: (
        _("All evidence of %(reference)s is accepted"),
        _("Every item of the evidence checklist is complete."),
    ),
    Kind.FORMS_READY_TO_SIGN: (
        _("Application forms of %(reference)s are ready to sign"),
        _("Please check the forms, then sign and stamp each of them in the portal."),
    ),
    Kind.APPLICATION_SUBMITTED: (
        _("New application to review: %(reference)s (%(enterprise)s)"),
        _("The application has been submitted to the certification body and waits for review."),
    ),
    Kind.APPLICATION_RETURNED: (
        _("%(reference)s was returned for changes"),
        _("The certification body asks for changes: %(comment)s"),
    ),
    Kind.APPLICATION_ACCEPTED: (
        _("%(reference)s was accepted by the certification body"),
        _("Next: prepare the pre-audit documents; the remote audits will be scheduled."),
    ),
    Kind.APPLICATION_WITHDRAWN: (
        _("%(enterprise)s withdrew %(reference)s"),
        _("The application is closed. Reason given: %(comment)s"),
    ),
    Kind.AUDIT_SCHEDULED: (
        _("Remote audit of %(reference)s: %(round)s on %(when)s"),
        _("Please confirm the time or ask for another one in the portal."),
    ),
    Kind.FINDING_RAISED: (
        _("Finding raised on %(reference)s"),
        _("%(finding)s — please answer by %(deadline)s."),
    ),
    Kind.DECISION_MADE: (
        _("Certification decision on %(reference)s: %(decision)s"),
        _("%(comment)s"),
    ),
    Kind.CERTIFICATE_ISSUED: (
        _("Certificate %(number)s issued to %(enterprise)s"),
        _("The certificate can be downloaded in the portal and verified online."),
    ),
    Kind.SURVEILLANCE_DUE: (
        _("Surveillance audit due for certificate %(number)s"),
        _("The yearly surveillance audit is due by %(due)s."),
    ),
    Kind.CERTIFICATE_STATUS_CHANGED: (
        _("Certificate %(number)s is now %(status)s"),
        _("Reason: %(reason)s"),
    ),
    Kind.REMINDER: (
        _("Reminder: %(count)s open tasks in the certification portal"),
        _("%(summary)s"),
    ),
}


class _Defaults(dict[str, str]):
    """Placeholders a caller did not provide print as an empty string rather than failing."""

    def __missing__(self, key: str) -> str:
        return ""


def notify(
    *,
    kind: str,
    recipients: Iterable[User],
    application: Application | None = None,
    url: str = "",
    context: dict[str, Any] | None = None,
    exclude: User | None = None,
    attachments: list[dict[str, str]] | None = None,
    send_email: bool = True,
) -> list[Notification]:
    """Notify each recipient (once, never the person who caused it) in their own language.
    send_email=False: in-app only, for callers that send their own, richer e-mail (see opted_out)."""
    values = _Defaults(context or {})
    if application is not None:
        values.setdefault("reference", application.reference)
        values.setdefault("enterprise", application.enterprise.name)
    people = {user.pk: user for user in recipients if user.is_active and (exclude is None or user.pk != exclude.pk)}
    no_email = opted_out(people.values(), kind)
    created = []
    with transaction.atomic():
        for user in people.values():
            notification = _create(user, kind, application, url, values)
            created.append(notification)
            if send_email and user.email and user.pk not in no_email:
                _queue_email(user, notification, attachments or [])
    return created


def opted_out(users: Iterable[User], kind: str) -> set[int]:
    """Ids of the users who want this kind of notification in the portal only, not by e-mail."""
    ids = [user.pk for user in users]
    return set(
        EmailPreference.objects.filter(user_id__in=ids, kind=kind, email=False).values_list("user_id", flat=True)
    )


def _create(user: User, kind: str, application: Application | None, url: str, values: dict[str, Any]) -> Notification:
    title, body = MESSAGES[kind]
    with translation.override(user.language):
        return Notification.objects.create(
            recipient=user,
            kind=kind,
            application=application,
            title=str(title) % values,
            body=str(body) % values,
            url=url,
        )


def _queue_email(user: User, notification: Notification, attachments: list[dict[str, str]]) -> None:
    link = settings.SITE_URL.rstrip("/") + notification.url if notification.url.startswith("/") else notification.url
    context = {"user": user, "notification": notification, "link": link}
    with translation.override(user.language):
        body_text = render_to_string("emails/notification.txt", context)
        body_html = render_to_string("emails/notification.html", context)
    email_queue(
        to=[user.email],
        subject=notification.title,
        body_text=body_text,
        body_html=body_html,
        attachments=attachments,
    )


def notification_open(*, notification: Notification) -> str:
    """Mark read; the link to follow."""
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk).update(read_at=timezone.now())
    return notification.url or "/"


def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.for_user(user).unread().update(read_at=timezone.now())


def email_preferences_save(*, user: User, email_kinds: Iterable[str]) -> None:
    """Kinds in `email_kinds` come by e-mail too; every other kind is in-app only."""
    wanted = set(email_kinds)
    for kind in Kind.values:
        EmailPreference.objects.update_or_create(user=user, kind=kind, defaults={"email": kind in wanted})

"""Telling people that something needs them: a notification in the portal and, unless they opted out
for that kind, an e-mail in their own language (sent by a worker after commit)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from certportal.accounts.models import User
from certportal.lib.links import absolute_url, site_url
from certportal.lib.mail import email_queue
from notifications import channels
from notifications.models import Channel, ChannelPreference, EmailPreference, Kind, Notification, WecomRobot

if TYPE_CHECKING:
    from applications.models import Application

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
    Kind.SURVEILLANCE_OVERDUE: (
        _("Surveillance audit of certificate %(number)s is overdue (%(enterprise)s)"),
        _(
            "It was due by %(due)s. Decide: extend it once, to %(grace_end)s at the latest, with a reason; "
            "or suspend the certificate."
        ),
    ),
    Kind.SUSPENSION_TO_DECIDE: (
        _("Certificate %(number)s: a suspension to decide (%(enterprise)s)"),
        _("The surveillance audit due by %(due)s was not held within its grace period, which ended on %(end)s."),
    ),
    Kind.SUSPENSION_LAPSED: (
        _("Certificate %(number)s: the suspension ended on %(until)s (%(enterprise)s)"),
        _("The certificate was not reinstated. Decide: reinstate it or withdraw it."),
    ),
    Kind.RECERTIFICATION_DUE: (
        _("Certificate %(number)s expires on %(expires)s: time to recertify"),
        _(
            "To keep the certificate beyond its expiry, a recertification must be done before then. "
            "To start one, contact your consultant or the certification body."
        ),
    ),
    Kind.CERTIFICATE_CHANGE_REQUESTED: (
        _("Change of certificate %(number)s requested by %(enterprise)s"),
        _("%(summary)s"),
    ),
    Kind.CERTIFICATE_CHANGE_DECIDED: (
        _("Change of certificate %(number)s: %(decision)s"),
        _("%(comment)s"),
    ),
    Kind.SURVEILLANCE_OPENED: (
        _("Surveillance audit %(sequence)s of certificate %(number)s opened (%(reference)s)"),
        _("Please confirm the basic information and upload the records of the past year by %(due)s."),
    ),
    Kind.SURVEILLANCE_DECIDED: (
        _("Surveillance audit of certificate %(number)s: %(decision)s"),
        _("%(comment)s"),
    ),
    Kind.REMINDER: (
        _("Reminder: %(count)s open tasks in the certification portal"),
        _("%(summary)s"),
    ),
    Kind.WEBHOOK_DISABLED: (
        _("Webhook disabled: %(url)s"),
        _("It failed %(count)s deliveries in a row. Check the receiving server, then enable it again."),
    ),
    # Complaints and appeals.
    Kind.COMPLAINT_RECEIVED: (
        _("Complaint %(complaint)s received about certificate %(number)s"),
        _("Assign it to someone not involved with the certificate."),
    ),
    Kind.COMPLAINT_ASSIGNED: (
        _("Complaint %(complaint)s is yours to answer by %(due)s"),
        _("Investigate the complaint and write the answer to the complainant."),
    ),
    Kind.COMPLAINT_ANSWERED: (
        _("Your complaint %(complaint)s has been answered"),
        _("%(answer)s"),
    ),
    Kind.APPEAL_RECEIVED: (
        _("Appeal %(appeal)s received from %(enterprise)s: %(against)s"),
        _("Assign it to someone who took no part in the decision."),
    ),
    Kind.APPEAL_ASSIGNED: (
        _("Appeal %(appeal)s is yours to decide by %(due)s"),
        _("Review the decision appealed and decide the appeal."),
    ),
    Kind.APPEAL_DECIDED: (
        _("Your appeal %(appeal)s has been decided: %(outcome)s"),
        _("%(reason)s"),
    ),
    Kind.CASE_OVERDUE: (
        _("%(case)s is overdue: it was due by %(due)s"),
        _("Answer or decide it as soon as possible."),
    ),
}


class _Defaults(dict[str, str]):
    """Placeholders a caller did not provide print as an empty string rather than failing."""

    def __missing__(self, key: str) -> str:
        return ""


@dataclass(frozen=True)
class Email:
    """An e-mail of its own instead of the notification's plain one: a template rendered for each
    recipient in their language, a subject with %-placeholders filled from `params`, and attachments
    made per recipient (e.g. a calendar file in their language)."""

    subject: str | Promise
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    attachments: Callable[[User], Sequence[dict[str, str]]] | None = None


def notify(
    *,
    recipients: Iterable[User],
    kind: str = "",
    application: Application | None = None,
    url: str = "",
    context: dict[str, Any] | None = None,
    exclude: User | None = None,
    email: Email | None = None,
    in_app_for: Iterable[User] | None = None,
) -> list[Notification]:
    """Tell each active recipient once (never `exclude`, the person who caused it), each in their own
    language; returns the notifications made.

    With a `kind`, the notification appears under the bell (title and text from MESSAGES filled with
    `context`, for everyone or only for `in_app_for`) and people who chose the portal only for that
    kind get no e-mail. The e-mail is `email` when given, otherwise the notification's own. Without a
    kind there is only the e-mail. E-mails are sent by a worker after commit.
    """
    people = _active_people(recipients, exclude)
    no_email = opted_out(people, kind) if kind else set()
    in_app = {user.pk for user in people} if in_app_for is None else {user.pk for user in in_app_for}
    created = []
    with transaction.atomic():
        for user in people:
            notification = _create(user, kind, application, url, context) if kind and user.pk in in_app else None
            if notification is not None:
                created.append(notification)
            if not user.email or user.pk in no_email:
                continue
            if email is not None:
                _queue_own_email(user, email)
            elif notification is not None:
                _queue_email(user, notification)
        if kind:
            _queue_messages(people, kind, created)
    return created


def _queue_messages(people: list[User], kind: str, created: list[Notification]) -> None:
    """SMS and WeChat Work messages for those who chose them for this kind: the title and the link."""
    chosen = channels.wanted(people, kind)
    reached = set().union(*chosen.values())
    by_user = {user.pk: user for user in people}
    for notification in created:
        if notification.recipient_id in reached:
            link = absolute_url(notification.url) if notification.url else ""
            text = f"{notification.title} {link}".strip()
            channels.messages_queue(users=[by_user[notification.recipient_id]], kind=kind, text=text)


def _active_people(recipients: Iterable[User], exclude: User | None) -> list[User]:
    people = {user.pk: user for user in recipients if user.is_active and (exclude is None or user.pk != exclude.pk)}
    return list(people.values())


def opted_out(users: Iterable[User], kind: str) -> set[int]:
    """Ids of the users who want this kind of notification in the portal only, not by e-mail."""
    ids = [user.pk for user in users]
    return set(
        EmailPreference.objects.filter(user_id__in=ids, kind=kind, email=False).values_list("user_id", flat=True)
    )


def _create(
    user: User, kind: str, application: Application | None, url: str, context: dict[str, Any] | None
) -> Notification:
    values = _Defaults(context or {})
    if application is not None:
        values.setdefault("reference", application.reference)
        values.setdefault("enterprise", application.enterprise.name)
    texts = {code: _texts(kind, values, code) for code, _name in settings.LANGUAGES}
    title, body = texts.get(user.language) or _texts(kind, values, user.language)
    return Notification.objects.create(
        recipient=user, kind=kind, application=application, title=title, body=body, texts=texts, url=url
    )


def _texts(kind: str, values: dict[str, Any], language: str) -> tuple[str, str]:
    """Title and text of a kind in one language; lazy values (labels) resolve in that language too."""
    title, body = MESSAGES[kind]
    with translation.override(language):
        return str(title) % values, str(body) % values


def _queue_email(user: User, notification: Notification) -> None:
    context = {"user": user, "notification": notification, "link": absolute_url(notification.url)}
    with translation.override(user.language):
        body_text = render_to_string("emails/notification.txt", context)
        body_html = render_to_string("emails/notification.html", context)
    email_queue(to=[user.email], subject=notification.title, body_text=body_text, body_html=body_html)


def _queue_own_email(user: User, email: Email) -> None:
    with translation.override(user.language or settings.LANGUAGE_CODE):
        text = render_to_string(email.template, {**email.context, "recipient": user, "site_url": site_url()})
        email_queue(
            to=[user.email],
            subject=str(email.subject) % email.params,
            body_text=text,
            attachments=email.attachments(user) if email.attachments else (),
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


def channel_preferences_save(*, user: User, chosen: Mapping[str, Iterable[str]], robot_url: str | None = None) -> None:
    """For each channel, the kinds that also come on it (every other kind does not); for a
    consultant, their team's WeChat Work robot (empty: none)."""
    with transaction.atomic():
        ChannelPreference.objects.filter(user=user).delete()
        ChannelPreference.objects.bulk_create(
            ChannelPreference(user=user, kind=kind, channel=channel)
            for channel in Channel.values
            for kind in sorted(set(chosen.get(channel, ())) & set(Kind.values))
        )
        if robot_url is not None:
            _robot_save(user, robot_url)


def _robot_save(user: User, url: str) -> None:
    if url:
        WecomRobot.objects.update_or_create(owner=user, defaults={"url": url})
    else:
        WecomRobot.objects.filter(owner=user).delete()

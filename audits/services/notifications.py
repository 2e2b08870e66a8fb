"""E-mails about audits and certificates, each in its recipient's language."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.functional import Promise

from applications.models import Application
from certportal.accounts.models import User
from certportal.lib.mail import email_queue


def enterprise_people(application: Application) -> list[User]:
    """The enterprise's active users and the application's consultant."""
    people = list(application.enterprise.members.filter(is_active=True).order_by("pk"))
    if application.consultant is not None and application.consultant.is_active:
        people.append(application.consultant)
    return people


def notify(
    users: Iterable[User],
    *,
    subject: str | Promise,
    params: dict[str, Any],
    template: str,
    context: dict[str, Any],
    attachments: Callable[[User], Sequence[dict[str, str]]] | None = None,
    kind: str = "",
    application: Application | None = None,
    url: str = "",
    values: dict[str, Any] | None = None,
    exclude: User | None = None,
    in_app_only_for: Iterable[User] | None = None,
) -> int:
    """Queue one e-mail per user with an address (each its own, in its own language); returns how many.

    With a notification `kind`, each user (or only those in `in_app_only_for`) also gets it under
    the bell (title and text from certportal.notifications.services.MESSAGES with `values`), and
    those who chose the portal only for that kind get no e-mail.
    """
    from certportal.notifications.services import notify as notify_in_app
    from certportal.notifications.services import opted_out

    users = [user for user in users if user.is_active and (exclude is None or user.pk != exclude.pk)]
    no_email: set[int] = set()
    if kind:
        in_app = users if in_app_only_for is None else [user for user in in_app_only_for if user in users]
        notify_in_app(kind=kind, recipients=in_app, application=application, url=url, context=values,
                      send_email=False)  # fmt: skip
        no_email = opted_out(users, kind)
    sent = 0
    seen: set[int] = set()
    for user in users:
        if not user.email or user.pk in seen or user.pk in no_email:
            continue
        seen.add(user.pk)
        with translation.override(user.language or settings.LANGUAGE_CODE):
            text = render_to_string(template, {**context, "recipient": user, "site_url": site_url()})
            email_queue(
                to=[user.email],
                subject=str(subject) % params,
                body_text=text,
                attachments=attachments(user) if attachments else (),
            )
        sent += 1
    return sent


def site_url() -> str:
    return settings.SITE_URL.rstrip("/")

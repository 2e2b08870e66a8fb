"""Consultants: the enterprise invites one by e-mail; the consultant accepts; admins assign."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from applications.models import Application, ApplicationEvent, ConsultantInvitation
from certportal.accounts.models import User
from certportal.lib.mail import email_queue

EventKind = ApplicationEvent.Kind


@transaction.atomic
def consultant_invite(*, application: Application, actor: User, email: str) -> ConsultantInvitation:
    """The enterprise asks a consultant, by e-mail, to take on its application."""
    if not actor.has_perm("applications.change_enterprise", application.enterprise):
        raise PermissionDenied(_("Only the enterprise's own users can invite a consultant."))
    if application.is_closed:
        raise ValidationError(_("This application is closed."))
    invitation = ConsultantInvitation.objects.create(
        application=application, email=email.strip().lower(), invited_by=actor
    )
    ApplicationEvent.objects.create(
        application=application, kind=EventKind.CONSULTANT_INVITED, actor=actor, data={"email": invitation.email}
    )
    _send_invitation(invitation)
    return invitation


def _send_invitation(invitation: ConsultantInvitation) -> None:
    existing = User.objects.filter(email__iexact=invitation.email).first()
    language = existing.language if existing else settings.LANGUAGE_CODE
    context = {
        "invitation": invitation,
        "application": invitation.application,
        "link": settings.SITE_URL.rstrip("/") + reverse("applications:invitation", args=[invitation.token]),
    }
    with translation.override(language):
        subject = _("%(enterprise)s invites you to be its certification consultant") % {
            "enterprise": invitation.application.enterprise.name
        }
        body = render_to_string("emails/consultant_invitation.txt", context)
    email_queue(to=[invitation.email], subject=subject, body_text=body)


@transaction.atomic
def consultant_invitation_accept(*, invitation: ConsultantInvitation, actor: User) -> Application:
    if not actor.is_consultant or invitation.email.lower() != actor.email.lower():
        raise PermissionDenied(_("This invitation is meant for someone else."))
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has already been accepted."))
    application = invitation.application
    if application.is_closed:
        raise ValidationError(_("This application is closed."))
    ConsultantInvitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now())
    consultant_assign(application=application, consultant=actor, actor=actor)
    return application


def consultant_assign(*, application: Application, consultant: User, actor: User) -> None:
    """Make `consultant` the application's consultant (an admin, or the consultant accepting an invitation)."""
    if not consultant.is_consultant:
        raise ValidationError(_("Only a consultant can be assigned."))
    Application.objects.filter(pk=application.pk).update(consultant=consultant, updated_at=timezone.now())
    application.consultant = consultant
    ApplicationEvent.objects.create(
        application=application,
        kind=EventKind.CONSULTANT_ASSIGNED,
        actor=actor,
        data={"consultant": consultant.display_name},
    )

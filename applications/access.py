"""The one way views reach enterprises and applications: 404 when the user may not see the object,
403 when they may see it but not change it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from applications.models import Application, ConsultantInvitation, Enterprise
from certportal.accounts.models import User


def get_enterprise_for(user: User, pk: int, *, write: bool = False) -> Enterprise:
    enterprise = Enterprise.objects.visible_to(user).filter(pk=pk).first()
    if enterprise is None:
        raise Http404(_("No such enterprise."))
    if write and not user.has_perm("applications.change_enterprise", enterprise):
        raise PermissionDenied(_("Only the enterprise's own users can change its information."))
    return enterprise


def get_application_for(user: User, pk: int, *, write: bool = False) -> Application:
    application = Application.objects.visible_to(user).select_related("enterprise", "consultant").filter(pk=pk).first()
    if application is None:
        raise Http404(_("No such application."))
    if write and not user.has_perm("applications.change_application", application):
        raise PermissionDenied(_("You can see this application but not change it."))
    return application


def get_invitation_for(user: User, token: str) -> ConsultantInvitation:
    """An invitation is for the consultant whose e-mail it names."""
    invitation = ConsultantInvitation.objects.select_related("application__enterprise").filter(token=token).first()
    if invitation is None or not user.is_consultant or invitation.email.lower() != user.email.lower():
        raise Http404(_("This invitation does not exist or is meant for someone else."))
    return invitation

"""The one way views reach enterprises and applications: 404 when the user may not see the object,
403 when they may see it but not change it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from applications.models import Application, ApplicationForm, ConsultantInvitation, Enterprise, FormRendition, FormType
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


def get_form_for(user: User, pk: int, form_type: str, *, action: str = "") -> ApplicationForm:
    """One of an application's six forms. `action` "prepare" is the consultant's (fields,
    generation), "sign" the enterprise's (signing, scans): 403 for anyone else who sees the form."""
    application = get_application_for(user, pk)
    form = application.forms.filter(form_type=form_type).first() if form_type in FormType.values else None
    if form is None:
        raise Http404(_("No such form."))
    form.application = application
    if action == "prepare" and not user.has_perm("applications.prepare_forms", application):
        raise PermissionDenied(_("Only the application's consultant prepares the forms."))
    if action == "sign" and not user.has_perm("applications.sign_forms", application):
        raise PermissionDenied(_("Only the enterprise's own users can sign its forms."))
    return form


def get_rendition_for(user: User, pk: int, rendition_pk: int) -> FormRendition:
    """A version of a form. The certification body's staff get the signed package only."""
    application = get_application_for(user, pk)
    rendition = (
        FormRendition.objects.filter(pk=rendition_pk, form__application=application).select_related("form").first()
    )
    if rendition is None:
        raise Http404(_("No such form version."))
    if rendition.kind == FormRendition.Kind.UNSIGNED and not (
        user.is_superuser or user.has_perm("applications.change_application", application)
    ):
        raise Http404(_("No such form version."))
    rendition.form.application = application
    return rendition

"""The one way views reach enterprises and applications: 404 when the user may not see the object,
403 when they may see it but not change it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from applications.models import (
    Application,
    ApplicationForm,
    ConsultantInvitation,
    Enterprise,
    EvidenceArchive,
    EvidenceFile,
    EvidenceRequirement,
    FormRendition,
    FormType,
)
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


# --- Evidence: reached through the applications the user may see ---------------------------------


def get_requirement_for(user: User, pk: int, *, write: bool = False) -> EvidenceRequirement:
    """A checklist item of a visible application; write=True: the user may add evidence to it."""
    requirement = (
        EvidenceRequirement.objects.select_related("item", "application__enterprise", "application__consultant")
        .filter(pk=pk, application__in=Application.objects.visible_to(user))
        .first()
    )
    if requirement is None:
        raise Http404(_("No such checklist item."))
    if write and not user.has_perm("applications.upload_evidence", requirement.application):
        raise PermissionDenied(_("You can see this evidence but not change it."))
    return requirement


def get_evidence_file_for(user: User, pk: int, *, write: bool = False, review: bool = False) -> EvidenceFile:
    """An evidence file of a visible application; write: may replace/withdraw; review: may review."""
    evidence = (
        EvidenceFile.objects.select_related(
            "requirement__item", "requirement__application__enterprise", "requirement__application__consultant"
        )
        .filter(pk=pk, requirement__application__in=Application.objects.visible_to(user))
        .first()
    )
    if evidence is None:
        raise Http404(_("No such file."))
    application = evidence.requirement.application
    if write and not user.has_perm("applications.upload_evidence", application):
        raise PermissionDenied(_("You can see this evidence but not change it."))
    if review and not user.has_perm("applications.review_evidence", application):
        raise PermissionDenied(_("Only the application's consultant reviews the evidence."))
    return evidence


def get_archive_for(user: User, pk: int) -> EvidenceArchive:
    """An evidence archive: for those who may download all of the application's evidence."""
    archive = (
        EvidenceArchive.objects.select_related("application__enterprise", "requested_by")
        .filter(pk=pk, application__in=Application.objects.visible_to(user))
        .first()
    )
    if archive is None:
        raise Http404(_("No such archive."))
    if not user.has_perm("applications.download_evidence_archive", archive.application):
        raise PermissionDenied(
            _("Only the consultant and the certification body's staff can download all the evidence at once.")
        )
    return archive


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


def sees_unsigned_versions(user: User, application: Application) -> bool:
    """The drafts are for the parties; the certification body's staff see the signed package only."""
    return user.is_superuser or user.has_perm("applications.change_application", application)


def get_rendition_for(user: User, pk: int, rendition_pk: int) -> FormRendition:
    """A version of a form. The certification body's staff get the signed package only."""
    application = get_application_for(user, pk)
    rendition = (
        FormRendition.objects.filter(pk=rendition_pk, form__application=application).select_related("form").first()
    )
    if rendition is None:
        raise Http404(_("No such form version."))
    if rendition.kind == FormRendition.Kind.UNSIGNED and not sees_unsigned_versions(user, application):
        raise Http404(_("No such form version."))
    rendition.form.application = application
    return rendition

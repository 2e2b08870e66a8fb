"""The one way views reach audit objects: 404 when the user may not see the object (its application
is not visible to them), 403 when they may see it but not do what they ask."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.access import get_application_for
from applications.models import Application
from audits.models import (
    Appeal,
    AuditRound,
    Certificate,
    CertificateChange,
    CertificateChangeFile,
    CertificateVersion,
    CheckInPhoto,
    Complaint,
    ComplaintFile,
    Finding,
    FindingEvidence,
    ScoreSheet,
)
from certportal.accounts.models import User

Status = Application.Status
# From the acceptance on, the application has its rounds and score sheet.
AUDIT_STATUSES = (
    Status.AUDIT_PREPARATION,
    Status.REMOTE_AUDIT,
    Status.EVALUATION,
    Status.DECISION,
    Status.CERTIFIED,
    Status.NOT_CERTIFIED,
)
NOT_AUDITED_YET = gettext_lazy("The audits start once the certification body has accepted the application.")


def require(user: User, perm: str, obj: Model | None, message: str) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied(message)


def get_audited_application_for(user: User, pk: int, *, perm: str | None = None) -> Application:
    """An application whose audits have started (the acceptance created its rounds)."""
    application = get_application_for(user, pk)
    if perm:
        require(user, perm, application, _("Only the certification body's auditors can do this."))
    if not application.audit_rounds.exists():
        raise Http404(str(NOT_AUDITED_YET))
    return application


def get_round_for(user: User, pk: int, *, write: bool = False) -> AuditRound:
    audit_round = (
        AuditRound.objects.select_related("application__enterprise", "application__consultant", "lead_auditor")
        .filter(pk=pk, application__in=Application.objects.visible_to(user))
        .first()
    )
    if audit_round is None:
        raise Http404(_("No such audit round."))
    if write:
        require(
            user, "audits.run_audits", audit_round.application, _("Only the certification body's auditors can do this.")
        )
    return audit_round


def get_photo_for(user: User, pk: int) -> CheckInPhoto:
    photo = CheckInPhoto.objects.select_related("audit_round__application").filter(pk=pk).first()
    if photo is None or not Application.objects.visible_to(user).filter(pk=photo.audit_round.application_id).exists():
        raise Http404(_("No such photo."))
    return photo


def get_finding_for(user: User, pk: int, *, action: str = "view") -> Finding:
    """`action`: "view", "answer" (the enterprise and its consultant) or "verify" (auditors)."""
    finding = (
        Finding.objects.visible_to(user)
        .select_related("application__enterprise", "application__consultant", "indicator", "audit_round", "raised_by")
        .filter(pk=pk)
        .first()
    )
    if finding is None:
        raise Http404(_("No such finding."))
    if action == "answer":
        require(
            user,
            "audits.respond_to_audits",
            finding.application,
            _("Only the enterprise and its consultant answer findings."),
        )
    elif action == "verify":
        require(
            user, "audits.run_audits", finding.application, _("Only the certification body's auditors verify findings.")
        )
    return finding


def get_evidence_for(user: User, pk: int) -> FindingEvidence:
    evidence = FindingEvidence.objects.select_related("finding").filter(pk=pk).first()
    if evidence is None or not Finding.objects.visible_to(user).filter(pk=evidence.finding_id).exists():
        raise Http404(_("No such file."))
    return evidence


def get_score_sheet_for(user: User, application_pk: int, *, write: bool = False) -> ScoreSheet:
    """Body staff see the score sheet at any time; the enterprise and its consultant once the
    decision is made. Writing is the auditors'."""
    application = get_application_for(user, application_pk)
    if not user.has_perm("audits.view_score_sheet", application):
        raise PermissionDenied(_("The score is shown to the enterprise once the certification decision is made."))
    if write:
        require(user, "audits.run_audits", application, _("Only the certification body's auditors score."))
    sheet = ScoreSheet.objects.filter(application=application).select_related("version").first()
    if sheet is None:
        raise Http404(str(NOT_AUDITED_YET))
    sheet.application = application
    return sheet


def get_certificate_for(user: User, pk: int, *, write: bool = False) -> Certificate:
    certificate = (
        Certificate.objects.visible_to(user)
        .select_related("application__consultant", "enterprise")
        .filter(pk=pk)
        .first()
    )
    if certificate is None:
        raise Http404(_("No such certificate."))
    if write:
        require(
            user, "audits.change_certificates", certificate, _("Only certifiers change the status of a certificate.")
        )
    return certificate


def get_certificate_change_for(user: User, pk: int, *, write: bool = False) -> CertificateChange:
    """A change of a certificate the user sees; `write`: deciding on it, the certifiers'."""
    change = (
        CertificateChange.objects.filter(pk=pk, certificate__in=Certificate.objects.visible_to(user))
        .select_related("certificate__application__consultant", "certificate__enterprise", "requested_by", "decided_by")
        .first()
    )
    if change is None:
        raise Http404(_("No such certificate change."))
    if write:
        require(
            user,
            "audits.change_certificates",
            change.certificate,
            _("Only certifiers decide on changes of a certificate."),
        )
    return change


def get_certificate_change_file_for(user: User, pk: int) -> CertificateChangeFile:
    changed = CertificateChangeFile.objects.filter(
        pk=pk, change__certificate__in=Certificate.objects.visible_to(user)
    ).first()
    if changed is None:
        raise Http404(_("No such file."))
    return changed


def get_certificate_version_for(user: User, pk: int) -> CertificateVersion:
    version = (
        CertificateVersion.objects.filter(pk=pk, certificate__in=Certificate.objects.visible_to(user))
        .select_related("certificate")
        .first()
    )
    if version is None:
        raise Http404(_("No such certificate version."))
    return version


def get_complaint_for(user: User, pk: int) -> Complaint:
    """A complaint: the body manager's, the handler's, or the signed-in filer's own."""
    complaint = (
        Complaint.objects.visible_to(user)
        .select_related("certificate__application", "assigned_to", "filed_by")
        .filter(pk=pk)
        .first()
    )
    if complaint is None:
        raise Http404(_("No such complaint."))
    return complaint


def get_complaint_file_for(user: User, pk: int) -> ComplaintFile:
    attached = ComplaintFile.objects.filter(pk=pk, complaint__in=Complaint.objects.visible_to(user)).first()
    if attached is None:
        raise Http404(_("No such file."))
    return attached


def get_appeal_for(user: User, pk: int) -> Appeal:
    """An appeal: the body manager's, the decider's, or the appealing enterprise's."""
    appeal = (
        Appeal.objects.visible_to(user)
        .select_related("application__enterprise", "decision", "certificate_event", "assigned_to", "filed_by")
        .filter(pk=pk)
        .first()
    )
    if appeal is None:
        raise Http404(_("No such appeal."))
    return appeal


def require_body_manager(user: User) -> None:
    require(user, "audits.manage_complaints", None, _("Only the body manager keeps the register of complaints."))
